//! `/amministrazione`: people and roles, the action log, the outbox, the
//! census list, and the editable pages. Administrators only: the services
//! refuse everyone else, and these pages show that refusal.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::model::Role;
use shared::model::accounts::{AdminUserPage, AdminUserRow, AuditPage, OutboxPage, ScopeChoice};

use crate::admin::server_fns::{
    AssignRole, RevokeRole, UpdateSitePage, audit_log, list_users, outbox, scope_choices, site_page,
};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::api_error::ApiError;
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::labels::{role_label, role_name};
use crate::ui::layout::{Breadcrumbs, encode_query_value};
use crate::ui::loaded::Loaded;
use crate::ui::session::SessionContext;

fn admin_trail() -> Vec<(String, String)> {
    let i18n = use_i18n();
    vec![(
        tu_string!(i18n, admin.title).to_owned(),
        "/amministrazione".to_owned(),
    )]
}

/// The administration home: what can be done here.
#[component]
pub fn AdminHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, admin.title);
    let session = expect_context::<SessionContext>().0;
    let guard = Resource::new(
        || (),
        move |_| async move {
            match session.await {
                Ok(info) => match info.user {
                    Some(user) if user.is_admin() => Ok(()),
                    Some(_) => Err(ApiError::Forbidden),
                    None => Err(ApiError::Unauthenticated),
                },
                Err(e) => Err(e),
            }
        },
    );
    let links = move |()| {
        view! {
            <ul class="link-list">
                <li><a href="/amministrazione/utenti">{tu_string!(i18n, admin.users_title)}</a></li>
                <li><a href="/amministrazione/registro">{tu_string!(i18n, admin.log_title)}</a></li>
                <li><a href="/amministrazione/posta">{tu_string!(i18n, admin.outbox_title)}</a></li>
                <li><a href="/amministrazione/residenza">{tu_string!(i18n, admin.census_title)}</a></li>
                <li><a href="/amministrazione/percorsi/nuovo">{tu_string!(i18n, facil.new_process)}</a></li>
                <li><a href="/amministrazione/pagine/privacy">{tu_string!(i18n, admin.edit_privacy)}</a></li>
                <li><a href="/amministrazione/pagine/accessibilita">{tu_string!(i18n, admin.edit_accessibility)}</a></li>
            </ul>
        }
    };
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <h1>{title}</h1>
        <Loaded resource=guard render=links />
    }
}

/// `/amministrazione/utenti?q=&dopo=`: people, their roles, and role changes.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, admin.users_title);
    let query = use_query_map();
    // The outcome is part of the key: after a change the list loads again.
    let data = Resource::new(
        move || {
            let q = query.read();
            (q.get("q"), q.get("dopo"), q.get("esito"))
        },
        |(q, dopo, _)| async move {
            let page = list_users(q, dopo).await?;
            let scopes = scope_choices().await?;
            Ok::<_, ApiError>((page, scopes))
        },
    );
    view! {
        <Title text=title />
        <Breadcrumbs trail=admin_trail() current=title.to_owned() />
        <h1>{title}</h1>
        <Outcome />
        <Loaded resource=data render=move |(page, scopes)| view! { <UsersView page scopes /> } />
    }
}

#[component]
fn UsersView(page: AdminUserPage, scopes: Vec<ScopeChoice>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let search = query.read_untracked().get("q").unwrap_or_default();
    let here = {
        let mut path = "/amministrazione/utenti".to_owned();
        if !search.is_empty() {
            path.push_str(&format!("?q={}", encode_query_value(&search)));
        }
        path
    };
    let next = page.next.clone().map(|cursor| {
        let mut href = format!("/amministrazione/utenti?dopo={cursor}");
        if !search.is_empty() {
            href.push_str(&format!("&q={}", encode_query_value(&search)));
        }
        href
    });
    let revoke = ServerAction::<RevokeRole>::new();
    let revoke_error = action_error(revoke);
    view! {
        <form method="get" action="/amministrazione/utenti" class="search-form" role="search">
            <label for="cerca-utenti">{tu_string!(i18n, admin.search_label)}</label>
            <input id="cerca-utenti" class="form-control" type="search" name="q" value=search.clone() maxlength="100" />
            <button type="submit" class="btn btn-primary">{tu_string!(i18n, admin.search_button)}</button>
        </form>
        <p>{tu_string!(i18n, admin.users_total, count = page.total).to_string()}</p>
        <FormAlert error=revoke_error form_id="revoca" />
        <table class="table">
            <caption class="visually-hidden">{tu_string!(i18n, admin.users_title)}</caption>
            <thead><tr>
                <th scope="col">{tu_string!(i18n, field.display_name)}</th>
                <th scope="col">{tu_string!(i18n, field.email)}</th>
                <th scope="col">{tu_string!(i18n, admin.roles)}</th>
                <th scope="col">{tu_string!(i18n, admin.add_role)}</th>
            </tr></thead>
            <tbody>
                {page.items.into_iter().map(|user| {
                    let here = here.clone();
                    view! { <UserRow user scopes=scopes.clone() revoke here /> }
                }).collect_view()}
            </tbody>
        </table>
        {next.map(|href| view! { <p><a rel="next" href=href>{tu_string!(i18n, admin.next_page)}</a></p> })}
    }
}

#[component]
fn UserRow(
    user: AdminUserRow,
    scopes: Vec<ScopeChoice>,
    revoke: ServerAction<RevokeRole>,
    here: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let assign = ServerAction::<AssignRole>::new();
    let assign_error = action_error(assign);
    let form_id = format!("ruolo-{}", user.id);
    let role_select = format!("{form_id}-role");
    let scope_select = format!("{form_id}-scope");
    let name = user.display_name.clone();
    let add_label = tu_string!(i18n, admin.add_role_for, name = name.clone()).to_string();
    let roles = user
        .roles
        .iter()
        .map(|role| {
            let label = role_label(role);
            let aria = tu_string!(
                i18n,
                admin.remove_role_for,
                role = label.clone(),
                name = name.clone()
            )
            .to_string();
            let here = here.clone();
            let id = role.id.to_string();
            view! {
                <li>
                    {label}
                    <ActionForm action=revoke attr:class="inline-form">
                        <input type="hidden" name="assignment_id" value=id />
                        <input type="hidden" name="torna" value=here />
                        <button type="submit" class="btn btn-sm btn-outline-danger" aria-label=aria>
                            {tu_string!(i18n, admin.remove)}
                        </button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    let scope_options = scopes
        .iter()
        .map(|s| {
            let whole = tu_string!(i18n, admin.scope_whole, process = s.process_title.clone()).to_string();
            let platforms = s
                .platforms
                .iter()
                .map(|(id, title)| view! { <option value=format!("piattaforma:{id}")>{title.clone()}</option> })
                .collect_view();
            view! {
                <optgroup label=s.process_title.clone()>
                    <option value=format!("processo:{}", s.process_id)>{whole}</option>
                    {platforms}
                </optgroup>
            }
        })
        .collect_view();
    view! {
        <tr>
            <th scope="row">
                {user.display_name.clone()}
                {(!user.confirmed).then(|| view! { " " <span class="badge badge-muted">{tu_string!(i18n, admin.unconfirmed)}</span> })}
            </th>
            <td>{user.email.clone().unwrap_or_default()}</td>
            <td><ul class="role-list">{roles}</ul></td>
            <td>
                <FormAlert error=assign_error form_id=form_id.clone() />
                <ActionForm action=assign attr:id=form_id.clone() attr:class="assign-form">
                    <input type="hidden" name="user_id" value=user.id.to_string() />
                    <input type="hidden" name="torna" value=here.clone() />
                    <label for=role_select.clone()>{tu_string!(i18n, field.role)}</label>
                    <select class="form-control" id=role_select name="role">
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{role_name(r)}</option> }).collect_view()}
                    </select>
                    <label for=scope_select.clone()>{tu_string!(i18n, field.scope)}</label>
                    <select class="form-control" id=scope_select name="scope">
                        <option value="">{tu_string!(i18n, admin.scope_none)}</option>
                        {scope_options}
                    </select>
                    <button type="submit" class="btn btn-sm btn-primary" aria-label=add_label>
                        {tu_string!(i18n, admin.add)}
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}

/// `/amministrazione/registro`: who did what, when.
#[component]
pub fn AdminLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, admin.log_title);
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("dopo"), audit_log);
    view! {
        <Title text=title />
        <Breadcrumbs trail=admin_trail() current=title.to_owned() />
        <h1>{title}</h1>
        <Loaded resource=data render=|page| view! { <LogView page /> } />
    }
}

#[component]
fn LogView(page: AuditPage) -> impl IntoView {
    let i18n = use_i18n();
    let empty = page.items.is_empty();
    view! {
        {empty.then(|| view! { <p>{tu_string!(i18n, admin.log_empty)}</p> })}
        <table class="table">
            <caption class="visually-hidden">{tu_string!(i18n, admin.log_title)}</caption>
            <thead><tr>
                <th scope="col">{tu_string!(i18n, admin.when)}</th>
                <th scope="col">{tu_string!(i18n, admin.who)}</th>
                <th scope="col">{tu_string!(i18n, admin.what)}</th>
                <th scope="col">{tu_string!(i18n, admin.subject)}</th>
                <th scope="col">{tu_string!(i18n, admin.details)}</th>
            </tr></thead>
            <tbody>
                {page.items.into_iter().map(|entry| view! {
                    <tr>
                        <td><time datetime=entry.at.to_rfc3339()>{format::date_time(i18n, entry.at)}</time></td>
                        <td>{entry.actor}</td>
                        <td>{action_name(&entry.action)}</td>
                        <td>{entry.subject.unwrap_or_default()}</td>
                        <td>{entry.details}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {page.next.map(|cursor| view! { <p><a rel="next" href=format!("/amministrazione/registro?dopo={cursor}")>{tu_string!(i18n, admin.next_page)}</a></p> })}
    }
}

fn action_name(action: &str) -> String {
    let i18n = use_i18n();
    match action {
        "role_assigned" => tu_string!(i18n, admin.action_role_assigned).to_owned(),
        "role_revoked" => tu_string!(i18n, admin.action_role_revoked).to_owned(),
        "census_uploaded" => tu_string!(i18n, admin.action_census_uploaded).to_owned(),
        "page_updated" => tu_string!(i18n, admin.action_page_updated).to_owned(),
        "requirements_changed" => tu_string!(i18n, admin.action_requirements_changed).to_owned(),
        other => other.to_owned(),
    }
}

/// `/amministrazione/posta`: every email the platform wrote.
#[component]
pub fn AdminOutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, admin.outbox_title);
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("dopo"), outbox);
    view! {
        <Title text=title />
        <Breadcrumbs trail=admin_trail() current=title.to_owned() />
        <h1>{title}</h1>
        <p>{tu_string!(i18n, admin.outbox_intro)}</p>
        <Loaded resource=data render=|page| view! { <OutboxView page /> } />
    }
}

#[component]
fn OutboxView(page: OutboxPage) -> impl IntoView {
    let i18n = use_i18n();
    let empty = page.items.is_empty();
    view! {
        {empty.then(|| view! { <p>{tu_string!(i18n, admin.outbox_empty)}</p> })}
        {page.items.into_iter().map(|mail| {
            let status = match (&mail.delivery, &mail.last_error) {
                (Some(d), _) if d == "smtp" => tu_string!(i18n, admin.mail_sent).to_owned(),
                (Some(_), _) => tu_string!(i18n, admin.mail_logged).to_owned(),
                (None, Some(_)) => tu_string!(i18n, admin.mail_failed).to_owned(),
                (None, None) => tu_string!(i18n, admin.mail_pending).to_owned(),
            };
            view! {
                <article class="card mail">
                    <div class="card-body">
                        <h2 class="h5 card-title">{mail.subject}</h2>
                        <p class="card-meta">
                            {tu_string!(i18n, admin.mail_to)} " " <span class="mail-recipient">{mail.recipient}</span>
                            " · " <time datetime=mail.created_at.to_rfc3339()>{format::date_time(i18n, mail.created_at)}</time>
                            " · " {status}
                        </p>
                        <pre class="mail-body">{mail.body}</pre>
                    </div>
                </article>
            }
        }).collect_view()}
        {page.next.map(|cursor| view! { <p><a rel="next" href=format!("/amministrazione/posta?dopo={cursor}")>{tu_string!(i18n, admin.next_page)}</a></p> })}
    }
}

/// `/amministrazione/residenza`: load a census list (a plain multipart form,
/// handled by the server, the same with or without JavaScript).
#[component]
pub fn AdminCensusPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, admin.census_title);
    let query = use_query_map();
    let session = expect_context::<SessionContext>().0;
    let guard = Resource::new(
        || (),
        move |_| async move {
            match session.await?.user {
                Some(user) if user.is_admin() => Ok(()),
                Some(_) => Err(ApiError::Forbidden),
                None => Err(ApiError::Unauthenticated),
            }
        },
    );
    let report = move || {
        let q = query.read();
        let added = q.get("aggiunti")?;
        let text = tu_string!(
            i18n,
            admin.census_report,
            added = added,
            duplicates = q.get("duplicati").unwrap_or_default(),
            invalid = q.get("non_validi").unwrap_or_default()
        )
        .to_string();
        let lines = q.get("righe").filter(|l| !l.is_empty());
        Some(view! {
            <div class="alert alert-success" role="status">
                <p>{text}</p>
                {lines.map(|l| view! { <p>{tu_string!(i18n, admin.census_lines, lines = l).to_string()}</p> })}
            </div>
        })
    };
    let failure = move || {
        let q = query.read();
        let problem = q.get("errore")?;
        let text = match problem.as_str() {
            "vuoto" => tu_string!(i18n, admin.census_empty),
            "troppo-grande" => tu_string!(i18n, admin.census_too_big),
            _ => tu_string!(i18n, admin.census_unreadable),
        };
        Some(view! { <div class="alert alert-danger" role="alert"><p>{text}</p></div> })
    };
    let form = move |()| {
        view! {
            {report}
            {failure}
            <p>{tu_string!(i18n, admin.census_intro)}</p>
            <form method="post" action="/amministrazione/residenza" enctype="multipart/form-data" id="censimento">
                <div class="form-group">
                    <label for="censimento-file">{tu_string!(i18n, field.file)}</label>
                    <p class="form-hint" id="censimento-file-hint">{tu_string!(i18n, admin.census_hint)}</p>
                    <input class="form-control" id="censimento-file" type="file" name="file" accept=".csv,.txt,text/csv,text/plain" required=true aria-describedby="censimento-file-hint" />
                </div>
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, admin.census_button)}</button>
            </form>
        }
    };
    view! {
        <Title text=title />
        <Breadcrumbs trail=admin_trail() current=title.to_owned() />
        <h1>{title}</h1>
        <Loaded resource=guard render=form />
    }
}

/// `/amministrazione/pagine/{privacy|accessibilita}?lingua=it`: edit a page in Markdown.
#[component]
pub fn AdminPageEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let q = query.read();
        (
            params.read().get("slug").unwrap_or_default(),
            q.get("lingua")
                .filter(|l| l == "en")
                .unwrap_or_else(|| "it".to_owned()),
            q.get("esito"),
        )
    };
    let session = expect_context::<SessionContext>().0;
    let data = Resource::new(key, move |(slug, locale, _)| async move {
        match session.await?.user {
            Some(user) if user.is_admin() => {}
            Some(_) => return Err(ApiError::Forbidden),
            None => return Err(ApiError::Unauthenticated),
        }
        let page = site_page(slug.clone(), locale.clone()).await?;
        Ok((slug, locale, page.map(|(md, _)| md).unwrap_or_default()))
    });
    let title = tu_string!(i18n, admin.edit_page_title);
    view! {
        <Title text=title />
        <Breadcrumbs trail=admin_trail() current=title.to_owned() />
        <h1>{title}</h1>
        <Outcome />
        <Loaded resource=data render=move |(slug, locale, body)| view! { <PageEditor slug locale body /> } />
    }
}

#[component]
fn PageEditor(slug: String, locale: String, body: String) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<UpdateSitePage>::new();
    let error = action_error(action);
    let page_name = if slug == "privacy" {
        tu_string!(i18n, footer.privacy)
    } else {
        tu_string!(i18n, footer.accessibility)
    };
    let other = if locale == "it" { "en" } else { "it" };
    let other_label = if locale == "it" {
        tu_string!(i18n, nav.english)
    } else {
        tu_string!(i18n, nav.italian)
    };
    view! {
        <p>
            <strong>{page_name}</strong> " · " {if locale == "it" { tu_string!(i18n, nav.italian) } else { tu_string!(i18n, nav.english) }}
            " · " <a href=format!("/amministrazione/pagine/{slug}?lingua={other}")>{tu_string!(i18n, admin.edit_other_language, language = other_label).to_string()}</a>
            " · " <a href=format!("/{slug}")>{tu_string!(i18n, admin.view_page)}</a>
        </p>
        <FormAlert error form_id="pagina" />
        <ActionForm action attr:id="pagina">
            <input type="hidden" name="slug" value=slug.clone() />
            <input type="hidden" name="locale" value=locale.clone() />
            <div class="form-group">
                <label for="pagina-body">{tu_string!(i18n, field.body)}</label>
                <p class="form-hint" id="pagina-body-hint">{tu_string!(i18n, admin.edit_page_hint)}</p>
                <textarea class="form-control" id="pagina-body" name="body" rows="18" aria-describedby="pagina-body-hint">{crate::ui::format::textarea_text(&body)}</textarea>
            </div>
            <button type="submit" class="btn btn-primary">{tu_string!(i18n, admin.save)}</button>
        </ActionForm>
    }
}
