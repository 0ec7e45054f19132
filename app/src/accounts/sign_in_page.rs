//! `/accedi`: signing in.

use crate::accounts::server_fns::{SignIn, demo_accounts};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::forms::{Field, FormAlert, Outcome, action_error, field_message};
use crate::ui::labels::role_label;
use crate::ui::layout::Breadcrumbs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::model::accounts::DEMO_PASSWORD;

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
