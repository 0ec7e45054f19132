//! Getting in: sign in, register, confirm the address, forgotten password.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::model::accounts::{DEMO_PASSWORD, NewPassword};

use crate::accounts::server_fns::{
    ConfirmEmail, Register, RequestPasswordReset, ResetPassword, SignIn, demo_accounts,
};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::forms::{Field, FormAlert, Outcome, action_error, field_message};
use crate::ui::labels::role_label;
use crate::ui::layout::Breadcrumbs;

/// `/accedi`: email and password; in demo mode, the personas to try.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, auth.sign_in_title);
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action);
    let query = use_query_map();
    let back = move || query.read().get("torna").unwrap_or_default();
    let demo = Resource::new(|| (), |_| demo_accounts());
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <div class="row">
            <div class="col-12 col-lg-6">
                <h1>{title}</h1>
                <Outcome />
                <FormAlert error form_id="accesso" />
                <ActionForm action attr:id="accesso" attr:novalidate=true>
                    <input type="hidden" name="torna" value=back />
                    <Field form_id="accesso" name="email" kind="email" autocomplete="username"
                        label=tu_string!(i18n, field.email) error=field_message(error, "email") />
                    <Field form_id="accesso" name="password" kind="password" autocomplete="current-password"
                        label=tu_string!(i18n, field.password) error=field_message(error, "password") />
                    <button type="submit" class="btn btn-primary">{tu_string!(i18n, auth.sign_in_button)}</button>
                </ActionForm>
                <p class="mt-3"><a href="/password-dimenticata">{tu_string!(i18n, auth.forgot_link)}</a></p>
                <p>{tu_string!(i18n, auth.no_account)} " " <a href="/registrati">{tu_string!(i18n, auth.register_link)}</a></p>
            </div>
            <div class="col-12 col-lg-6">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let accounts = demo.await.unwrap_or_default();
                        (!accounts.is_empty()).then(|| view! {
                            <section class="demo-accounts" aria-labelledby="demo-accounts-title">
                                <h2 id="demo-accounts-title" class="h4">{tu_string!(i18n, auth.demo_title)}</h2>
                                <p>{tu_string!(i18n, auth.demo_intro)} " " <code>{DEMO_PASSWORD}</code></p>
                                <table class="table">
                                    <caption class="visually-hidden">{tu_string!(i18n, auth.demo_title)}</caption>
                                    <thead><tr>
                                        <th scope="col">{tu_string!(i18n, field.email)}</th>
                                        <th scope="col">{tu_string!(i18n, admin.roles)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {accounts.into_iter().map(|a| view! {
                                            <tr>
                                                <td><code>{a.email}</code></td>
                                                <td>{if a.roles.is_empty() {
                                                    tu_string!(i18n, role.citizen).to_owned()
                                                } else {
                                                    a.roles.iter().map(role_label).collect::<Vec<_>>().join("; ")
                                                }}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                        })
                    })}
                </Suspense>
            </div>
        </div>
    }
}

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
