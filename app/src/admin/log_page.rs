//! `/amministrazione/registro`: the action log.

use crate::admin::home_page::admin_trail;
use crate::admin::server_fns::audit_log;
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::model::accounts::AuditPage;

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
