//! `/password-dimenticata`: asking for a reset link.

use crate::accounts::server_fns::RequestPasswordReset;
use crate::i18n::{tu_string, use_i18n};
use crate::ui::forms::{Field, FormAlert, Outcome, action_error, field_message};
use crate::ui::layout::Breadcrumbs;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/password-dimenticata`: asks for the address, says the same whatever it is.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, auth.forgot_title);
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(action);
    view! {
        <Title text=title />
        <Breadcrumbs trail=vec![(tu_string!(i18n, auth.sign_in_title).to_owned(), "/accedi".to_owned())] current=title.to_owned() />
        <div class="row"><div class="col-12 col-lg-6">
            <h1>{title}</h1>
            <Outcome />
            <p>{tu_string!(i18n, auth.forgot_intro)}</p>
            <FormAlert error form_id="recupero" />
            <ActionForm action attr:id="recupero" attr:novalidate=true>
                <Field form_id="recupero" name="email" kind="email" autocomplete="email"
                    label=tu_string!(i18n, field.email) error=field_message(error, "email") />
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, auth.forgot_button)}</button>
            </ActionForm>
        </div></div>
    }
}
