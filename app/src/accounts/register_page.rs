//! `/registrati`: registering.

use crate::accounts::server_fns::Register;
use crate::i18n::{tu_string, use_i18n};
use crate::ui::forms::{Field, FormAlert, action_error, field_message};
use crate::ui::layout::Breadcrumbs;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::model::accounts::NewPassword;

/// `/registrati`: email, name, password and the privacy notice.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, auth.register_title);
    let action = ServerAction::<Register>::new();
    let error = action_error(action);
    let privacy_error = field_message(error, "accept_privacy");
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <div class="row"><div class="col-12 col-lg-7">
            <h1>{title}</h1>
            <p>{tu_string!(i18n, auth.register_intro)}</p>
            <FormAlert error form_id="registrazione" />
            <ActionForm action attr:id="registrazione" attr:novalidate=true>
                <Field form_id="registrazione" name="email" kind="email" autocomplete="email" maxlength=254
                    label=tu_string!(i18n, field.email) error=field_message(error, "email") />
                <Field form_id="registrazione" name="display_name" autocomplete="name" maxlength=80
                    label=tu_string!(i18n, field.display_name) hint=tu_string!(i18n, auth.name_hint)
                    error=field_message(error, "display_name") />
                <Field form_id="registrazione" name="password" kind="password" autocomplete="new-password"
                    maxlength=NewPassword::MAX_CHARS
                    label=tu_string!(i18n, field.password)
                    hint=tu_string!(i18n, auth.password_hint, min = NewPassword::MIN_CHARS).to_string()
                    error=field_message(error, "password") />
                <div class="form-check" class:has-error=move || privacy_error.get().is_some()>
                    <input class="form-check-input" type="checkbox" id="registrazione-accept_privacy" name="accept_privacy" value="si"
                        aria-invalid=move || privacy_error.get().is_some().then_some("true")
                        aria-describedby=move || privacy_error.get().is_some().then_some("registrazione-accept_privacy-error") />
                    <label class="form-check-label" for="registrazione-accept_privacy">
                        {tu_string!(i18n, auth.accept_privacy_before)} " "
                        <a href="/privacy">{tu_string!(i18n, footer.privacy)}</a>
                    </label>
                    {move || privacy_error.get().map(|m| view! { <p class="form-error" id="registrazione-accept_privacy-error">{m}</p> })}
                </div>
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, auth.register_button)}</button>
            </ActionForm>
            <p class="mt-3">{tu_string!(i18n, auth.have_account)} " " <a href="/accedi">{tu_string!(i18n, auth.sign_in_link)}</a></p>
        </div></div>
    }
}
