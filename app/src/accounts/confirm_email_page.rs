//! `/conferma-email`: the link in the confirmation email lands here.

use crate::accounts::server_fns::ConfirmEmail;
use crate::i18n::{tu_string, use_i18n};
use crate::ui::forms::{FormAlert, action_error};
use crate::ui::layout::Breadcrumbs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/conferma-email?token=`: one button, so that link scanners opening the
/// link do not use it up.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, auth.confirm_title);
    let action = ServerAction::<ConfirmEmail>::new();
    let error = action_error(action);
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <h1>{title}</h1>
        <FormAlert error form_id="conferma" />
        <p>{tu_string!(i18n, auth.confirm_text)}</p>
        <ActionForm action attr:id="conferma">
            <input type="hidden" name="token" value=token />
            <button type="submit" class="btn btn-primary">{tu_string!(i18n, auth.confirm_button)}</button>
        </ActionForm>
    }
}
