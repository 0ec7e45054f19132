//! The accessibility statement and the privacy notice, linked from every footer.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::layout::Breadcrumbs;
use crate::i18n::{t_string, tu_string, use_i18n};

/// Dichiarazione di accessibilità (L. 4/2004, AgID guidelines).
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, legal.accessibility_title);
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <h1>{title}</h1>
        <div class="prose">
            <p>{move || t_string!(i18n, legal.accessibility_intro)}</p>
            <h2>{move || t_string!(i18n, legal.accessibility_status_title)}</h2>
            <p>{move || t_string!(i18n, legal.accessibility_status)}</p>
            <h2>{move || t_string!(i18n, legal.accessibility_feedback_title)}</h2>
            <p>{move || t_string!(i18n, legal.accessibility_feedback)}</p>
        </div>
    }
}

/// Informativa privacy (GDPR art. 13).
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, legal.privacy_title);
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <h1>{title}</h1>
        <div class="prose">
            <p>{move || t_string!(i18n, legal.privacy_intro)}</p>
            <h2>{move || t_string!(i18n, legal.privacy_data_title)}</h2>
            <p>{move || t_string!(i18n, legal.privacy_data)}</p>
            <h2>{move || t_string!(i18n, legal.privacy_rights_title)}</h2>
            <p>{move || t_string!(i18n, legal.privacy_rights)}</p>
        </div>
    }
}
