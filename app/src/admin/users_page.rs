//! `/amministrazione/utenti`: people and their roles, assigned and removed.

use crate::admin::home_page::admin_trail;
use crate::admin::server_fns::{AssignRole, RevokeRole, list_users, scope_choices};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::api_error::ApiError;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::labels::{role_label, role_name};
use crate::ui::layout::{Breadcrumbs, encode_query_value};
use crate::ui::loaded::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::model::Role;
use shared::model::accounts::{AdminUserPage, AdminUserRow, ScopeChoice};

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
