//! `/profilo`: the person's own account: password, residence, sessions,
//! their data (download, erasure).

use leptos::prelude::*;
use leptos_meta::Title;
use shared::model::accounts::{AccountOverview, NewPassword};
use shared::model::accounts::{TOKEN_NAME_MAX, TokenScope, TokensView};

use crate::accounts::server_fns::{
    ChangePassword, DeleteAccount, RedeemCensusCode, SignOutEverywhere, my_account,
};
use crate::accounts::token_fns::{CreateToken, RevokeToken, my_tokens};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::forms::{Field, FormAlert, Outcome, action_error, field_message};
use crate::ui::labels::role_label;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;

/// The profile page (signing in first if needed).
#[component]
pub fn ProfilePage() -> impl IntoView {
    // Reloaded after each change (the redirect sets a new `esito`).
    let location = leptos_router::hooks::use_location();
    let account = Resource::new(move || location.search.get(), |_| my_account());
    // Here, not in the token section: re-rendering the profile must not load
    // the tokens again (a new token's secret is handed over once).
    let tokens = Resource::new(move || location.search.get(), |_| my_tokens());
    view! { <Loaded resource=account render=move |account| view! { <ProfileView account tokens /> } /> }
}

#[component]
fn ProfileView(
    account: AccountOverview,
    tokens: Resource<Result<TokensView, crate::ui::api_error::ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, profile.title);
    let change = ServerAction::<ChangePassword>::new();
    let change_error = action_error(change);
    let redeem = ServerAction::<RedeemCensusCode>::new();
    let redeem_error = action_error(redeem);
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let digest = ServerAction::<crate::participation::server_fns::SetEmailDigest>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    let delete_error = action_error(delete);
    let claim = ServerAction::<crate::facilitation::server_fns::ClaimCounterRecord>::new();
    let claim_error = action_error(claim);
    let since = account.created_at.date_naive();
    let roles = account.roles.iter().map(role_label).collect::<Vec<_>>();
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <h1>{title}</h1>
        <Outcome />
        {account.is_demo.then(|| view! { <p class="alert alert-info">{tu_string!(i18n, profile.demo_account)}</p> })}
        <section aria-labelledby="dati-account">
            <h2 id="dati-account">{tu_string!(i18n, profile.account)}</h2>
            <dl class="facts">
                <dt>{tu_string!(i18n, field.display_name)}</dt><dd>{account.display_name.clone()}</dd>
                <dt>{tu_string!(i18n, field.email)}</dt><dd>{account.email.clone().unwrap_or_default()}</dd>
                <dt>{tu_string!(i18n, profile.since)}</dt><dd><time datetime=since.to_string()>{format::date(i18n, since)}</time></dd>
                <dt>{tu_string!(i18n, admin.roles)}</dt>
                <dd>{if roles.is_empty() { tu_string!(i18n, role.citizen).to_owned() } else { roles.join("; ") }}</dd>
            </dl>
        </section>

        <section aria-labelledby="residenza">
            <h2 id="residenza">{tu_string!(i18n, profile.residence)}</h2>
            {match account.residence.clone() {
                Some(r) => {
                    let day = r.verified_at.date_naive();
                    view! { <p>{tu_string!(i18n, profile.residence_done)} " " <time datetime=day.to_string()>{format::date(i18n, day)}</time></p> }.into_any()
                }
                None => view! {
                    <p>{tu_string!(i18n, profile.residence_intro)}</p>
                    <FormAlert error=redeem_error form_id="residenza-form" />
                    <ActionForm action=redeem attr:id="residenza-form" attr:novalidate=true>
                        <Field form_id="residenza-form" name="code" autocomplete="off" maxlength=80
                            label=tu_string!(i18n, field.code) hint=tu_string!(i18n, profile.code_hint)
                            error=field_message(redeem_error, "code") />
                        <button type="submit" class="btn btn-primary">{tu_string!(i18n, profile.residence_button)}</button>
                    </ActionForm>
                }.into_any(),
            }}
        </section>

        <section aria-labelledby="sportello-titolo" id="sportello">
            <h2 id="sportello-titolo">{tu_string!(i18n, facil.claim_title)}</h2>
            <p>{tu_string!(i18n, facil.claim_intro)}</p>
            <FormAlert error=claim_error form_id="rivendica" />
            <ActionForm action=claim attr:id="rivendica" attr:novalidate=true>
                <Field form_id="rivendica" name="codice" autocomplete="off" maxlength=20
                    label=tu_string!(i18n, field.codice) hint=tu_string!(i18n, facil.claim_hint)
                    error=field_message(claim_error, "codice") />
                <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, facil.claim_submit)}</button>
            </ActionForm>
        </section>

        {account.has_password.then(|| view! {
            <section aria-labelledby="cambio-password">
                <h2 id="cambio-password">{tu_string!(i18n, profile.password)}</h2>
                <FormAlert error=change_error form_id="password-form" />
                <ActionForm action=change attr:id="password-form" attr:novalidate=true>
                    <Field form_id="password-form" name="current_password" kind="password" autocomplete="current-password"
                        label=tu_string!(i18n, field.current_password) error=field_message(change_error, "current_password") />
                    <Field form_id="password-form" name="new_password" kind="password" autocomplete="new-password"
                        maxlength=NewPassword::MAX_CHARS
                        label=tu_string!(i18n, field.new_password)
                        hint=tu_string!(i18n, auth.password_hint, min = NewPassword::MIN_CHARS).to_string()
                        error=field_message(change_error, "new_password") />
                    <button type="submit" class="btn btn-primary">{tu_string!(i18n, profile.password_button)}</button>
                </ActionForm>
            </section>
        })}

        <section aria-labelledby="riepilogo" id="riepilogo-sezione">
            <h2 id="riepilogo">{tu_string!(i18n, take.digest)}</h2>
            <ActionForm action=digest attr:id="riepilogo-form">
                <div class="form-check">
                    <input class="form-check-input" type="checkbox" id="riepilogo-si" name="riepilogo" value="si" checked=account.email_digest />
                    <label class="form-check-label" for="riepilogo-si">{tu_string!(i18n, take.digest_label)}</label>
                </div>
                <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, take.digest_save)}</button>
            </ActionForm>
        </section>

        <section aria-labelledby="sessioni">
            <h2 id="sessioni">{tu_string!(i18n, profile.sessions)}</h2>
            <p>{tu_string!(i18n, profile.sessions_count, count = account.active_sessions).to_string()}</p>
            <ActionForm action=everywhere attr:id="ovunque">
                <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, profile.sign_out_everywhere)}</button>
            </ActionForm>
        </section>

        <Loaded resource=tokens render=|view| view! { <ApiTokensView view /> } />

        <section aria-labelledby="tuoi-dati">
            <h2 id="tuoi-dati">{tu_string!(i18n, profile.your_data)}</h2>
            <p>{tu_string!(i18n, profile.download_intro)}</p>
            <p><a class="btn btn-outline-primary" href="/profilo/dati" rel="external" download="piazza-dati.json">{tu_string!(i18n, profile.download)}</a></p>
            <h3>{tu_string!(i18n, profile.delete_title)}</h3>
            <p>{tu_string!(i18n, profile.delete_intro)}</p>
            <FormAlert error=delete_error form_id="elimina" />
            <ActionForm action=delete attr:id="elimina" attr:novalidate=true>
                {account.has_password.then(|| view! {
                    <Field form_id="elimina" name="password" kind="password" autocomplete="current-password"
                        label=tu_string!(i18n, field.password) error=field_message(delete_error, "password") />
                })}
                <Field form_id="elimina" name="confirmation" autocomplete="off" maxlength=20
                    label=tu_string!(i18n, field.confirmation) hint=tu_string!(i18n, profile.delete_hint)
                    error=field_message(delete_error, "confirmation") />
                <button type="submit" class="btn btn-danger">{tu_string!(i18n, profile.delete_button)}</button>
            </ActionForm>
        </section>
    }
}

/// The personal access tokens for the REST API: the live ones (revocable),
/// a form for a new one, and a new token's secret, shown this once.
#[component]
fn ApiTokensView(view: TokensView) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateToken>::new();
    let create_error = action_error(create);
    let revoke = ServerAction::<RevokeToken>::new();
    let scope_name = move |scope: TokenScope| match scope {
        TokenScope::Read => tu_string!(i18n, tokens.scope_read),
        TokenScope::Write => tu_string!(i18n, tokens.scope_write),
    };
    let rows = view
        .tokens
        .iter()
        .map(|token| {
            let created = token.created_at.date_naive();
            let used = token.last_used_at.map(|at| at.date_naive());
            let id = token.id.to_string();
            let form_id = format!("revoca-{}", token.id.simple());
            let label = tu_string!(i18n, tokens.revoke_named, name = token.name.clone()).to_string();
            view! {
                <tr>
                    <th scope="row">{token.name.clone()}</th>
                    <td>{scope_name(token.scope)}</td>
                    <td><code>{format!("{}…", token.prefix)}</code></td>
                    <td><time datetime=created.to_string()>{format::date(i18n, created)}</time></td>
                    <td>{match used {
                        Some(day) => view! { <time datetime=day.to_string()>{format::date(i18n, day)}</time> }.into_any(),
                        None => tu_string!(i18n, tokens.never).into_any(),
                    }}</td>
                    <td>
                        <ActionForm action=revoke attr:id=form_id attr:class="inline-form">
                            <input type="hidden" name="token" value=id />
                            <button type="submit" class="btn btn-sm btn-outline-danger" aria-label=label>
                                {tu_string!(i18n, tokens.revoke)}
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="token-api-titolo" id="token-api">
            <h2 id="token-api-titolo">{tu_string!(i18n, tokens.title)}</h2>
            <p>{tu_string!(i18n, tokens.intro)} " "
                <a href="/api/v1/docs" rel="external">{tu_string!(i18n, tokens.docs)}</a>
            </p>
            {view.created.map(|created| view! {
                <div class="alert alert-success" role="status" id="token-nuovo-creato">
                    <h3 class="h5">{tu_string!(i18n, tokens.created_title)} " «" {created.token.name.clone()} "»"</h3>
                    <p>{tu_string!(i18n, tokens.created_text)}</p>
                    <p>
                        <label for="token-nuovo-segreto">{tu_string!(i18n, tokens.secret_label)}</label>
                        <input class="form-control token-secret" id="token-nuovo-segreto" type="text" readonly=true
                            value=created.secret.clone() autocomplete="off" spellcheck="false" />
                    </p>
                </div>
            })}
            {if view.tokens.is_empty() {
                view! { <p>{tu_string!(i18n, tokens.none)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-responsive">
                        <table class="table">
                            <caption>{tu_string!(i18n, tokens.caption)}</caption>
                            <thead><tr>
                                <th scope="col">{tu_string!(i18n, tokens.name)}</th>
                                <th scope="col">{tu_string!(i18n, tokens.scope)}</th>
                                <th scope="col">{tu_string!(i18n, tokens.prefix)}</th>
                                <th scope="col">{tu_string!(i18n, tokens.created)}</th>
                                <th scope="col">{tu_string!(i18n, tokens.last_used)}</th>
                                <th scope="col">{tu_string!(i18n, tokens.actions)}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <h3>{tu_string!(i18n, tokens.new_title)}</h3>
            <FormAlert error=create_error form_id="token-nuovo" />
            <ActionForm action=create attr:id="token-nuovo" attr:novalidate=true>
                <Field form_id="token-nuovo" name="nome_token" autocomplete="off" maxlength=TOKEN_NAME_MAX
                    label=tu_string!(i18n, tokens.name) hint=tu_string!(i18n, tokens.name_hint)
                    error=field_message(create_error, "nome_token") />
                <fieldset class="form-group">
                    <legend>{tu_string!(i18n, tokens.scope)}</legend>
                    <div class="form-check">
                        <input class="form-check-input" type="radio" id="token-nuovo-ambito" name="ambito" value="lettura" checked=true />
                        <label class="form-check-label" for="token-nuovo-ambito">{tu_string!(i18n, tokens.scope_read)}</label>
                    </div>
                    <div class="form-check">
                        <input class="form-check-input" type="radio" id="token-nuovo-ambito-scrittura" name="ambito" value="scrittura" />
                        <label class="form-check-label" for="token-nuovo-ambito-scrittura">{tu_string!(i18n, tokens.scope_write)}</label>
                    </div>
                </fieldset>
                <Field form_id="token-nuovo" name="password" kind="password" autocomplete="current-password" required=false
                    label=tu_string!(i18n, tokens.password) hint=tu_string!(i18n, tokens.password_hint)
                    error=field_message(create_error, "password") />
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, tokens.create)}</button>
            </ActionForm>
        </section>
    }
}
