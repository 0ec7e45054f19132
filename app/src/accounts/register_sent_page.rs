//! `/registrati/inviata`: the confirmation email is on its way.

use crate::i18n::{tu_string, use_i18n};
use crate::ui::layout::Breadcrumbs;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/registrati/inviata`: the same page whether or not the address was new.
#[component]
pub fn RegisterSentPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, auth.sent_title);
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <h1>{title}</h1>
        <div class="alert alert-success" role="status"><p>{tu_string!(i18n, auth.sent_text)}</p></div>
        <p>{tu_string!(i18n, auth.sent_help)}</p>
    }
}
