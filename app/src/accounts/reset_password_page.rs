//! `/reimposta-password`: choosing a new password from the reset link.

use crate::accounts::server_fns::ResetPassword;
use crate::i18n::{tu_string, use_i18n};
use crate::ui::forms::{Field, FormAlert, action_error, field_message};
use crate::ui::layout::Breadcrumbs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::model::accounts::NewPassword;

/// `/reimposta-password?token=`: a new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, auth.reset_title);
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <div class="row"><div class="col-12 col-lg-6">
            <h1>{title}</h1>
            <FormAlert error form_id="reimposta" />
            <ActionForm action attr:id="reimposta" attr:novalidate=true>
                <input type="hidden" name="token" value=token />
                <Field form_id="reimposta" name="new_password" kind="password" autocomplete="new-password"
                    maxlength=NewPassword::MAX_CHARS
                    label=tu_string!(i18n, field.new_password)
                    hint=tu_string!(i18n, auth.password_hint, min = NewPassword::MIN_CHARS).to_string()
                    error=field_message(error, "new_password") />
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, auth.reset_button)}</button>
            </ActionForm>
        </div></div>
    }
}
