//! The public moderation log of a process.

use leptos::prelude::*;

use crate::facilitation::labels::{action_label, kind_label};

use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::model::facilitation::ModerationLogPage;

use crate::facilitation::server_fns::get_moderation_log;
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::params::process_param;

/// `/processi/:process/registro-moderazione`: the public moderation log.
#[component]
pub fn ModerationLogPage() -> impl IntoView {
    let process = process_param();
    let query = use_query_map();
    let data = Resource::new(
        move || (process.get(), query.read().get("prima")),
        |(process, before)| get_moderation_log(process, before),
    );
    view! { <Loaded resource=data render=|page| view! { <LogView page /> } /> }
}

#[component]
fn LogView(page: ModerationLogPage) -> impl IntoView {
    let i18n = use_i18n();
    let slug = page.process.key.clone();
    let title = tu_string!(i18n, facil.public_log).to_owned();
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(page.process.name.clone(), format!("/processi/{slug}"))] current=title.clone() />
        <h1>{title}</h1>
        <p>{tu_string!(i18n, facil.log_intro)}</p>
        {page.entries.is_empty().then(|| view! { <p>{tu_string!(i18n, facil.log_empty)}</p> })}
        {(!page.entries.is_empty()).then(|| view! {
            <table class="table">
                <caption class="visually-hidden">{tu_string!(i18n, facil.public_log)}</caption>
                <thead><tr>
                    <th scope="col">{tu_string!(i18n, facil.when)}</th>
                    <th scope="col">{tu_string!(i18n, facil.what)}</th>
                    <th scope="col">{tu_string!(i18n, facil.about)}</th>
                    <th scope="col">{tu_string!(i18n, field.motivo)}</th>
                </tr></thead>
                <tbody>
                    {page.entries.iter().map(|e| view! {
                        <tr>
                            <td><time datetime=e.at.to_rfc3339()>{format::date_time(i18n, e.at)}</time></td>
                            <td>{action_label(e.action)}</td>
                            <td>{kind_label(e.target_kind)} ": "
                                {match e.link.clone() {
                                    Some(href) => view! { <a href=href>{e.target_label.clone()}</a> }.into_any(),
                                    None => e.target_label.clone().into_any(),
                                }}</td>
                            <td>{e.reason.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        {page.next.map(|before| view! { <p><a href=format!("/processi/{slug}/registro-moderazione?prima={before}")>{tu_string!(i18n, take.older)}</a></p> })}
    }
}
