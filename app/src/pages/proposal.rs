//! One proposal.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::model::ProposalDetail;

use crate::api::proposals::get_proposal;
use crate::components::labels::StateBadge;
use crate::components::layout::Breadcrumbs;
use crate::components::loaded::Loaded;
use crate::format;
use crate::i18n::{t_string, tu_string, use_i18n};

/// The proposal page.
#[component]
pub fn ProposalPage() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_proposal,
    );
    view! { <Loaded resource=detail render=|detail| view! { <ProposalView detail /> } /> }
}

#[component]
fn ProposalView(detail: ProposalDetail) -> impl IntoView {
    let i18n = use_i18n();
    let process_href = format!("/processi/{}", detail.process.key);
    let list_href = format!("/processi/{}/proposte", detail.process.key);
    let platform_href = format!(
        "/processi/{}/piattaforme/{}",
        detail.process.key, detail.platform.key
    );
    let supports = detail.support_count.max(0) as u64;
    let published = detail.published_at.date_naive();
    let title = detail.title.clone();
    let author = detail.author_name.clone();
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(detail.process.name, process_href), (tu_string!(i18n, proposals.title).to_owned(), list_href.clone())] current=title.clone() />
        <article class="proposal">
            <p class="card-meta"><StateBadge state=detail.state /></p>
            <h1>{title}</h1>
            <div class="row">
                <div class="col-12 col-lg-8">
                    <div class="prose" inner_html=detail.body_html></div>
                </div>
                <aside class="col-12 col-lg-4" aria-labelledby="details">
                    <h2 id="details" class="h5">{move || t_string!(i18n, proposal.details)}</h2>
                    <ul class="stats">
                        <li class="stat">
                            <span class="stat-value">{move || format::number(i18n, supports)}</span>
                            " "
                            <span class="stat-label">{move || t_string!(i18n, proposal.supports)}</span>
                        </li>
                    </ul>
                    <dl class="facts">
                        <dt>{move || t_string!(i18n, proposal.author)}</dt>
                        <dd>{move || author.clone().unwrap_or_else(|| tu_string!(i18n, proposal.deleted_author).to_owned())}</dd>
                        <dt>{move || t_string!(i18n, proposal.published)}</dt>
                        <dd><time datetime=published.to_string()>{move || format::date(i18n, published)}</time></dd>
                        <dt>{move || t_string!(i18n, proposal.platform)}</dt>
                        <dd><a href=platform_href>{detail.platform.name}</a></dd>
                        {detail.direction.map(|d| view! {
                            <dt>{move || t_string!(i18n, proposal.direction)}</dt>
                            <dd>{d.key} ". " {d.name}</dd>
                        })}
                        <dt>{move || t_string!(i18n, proposal.zone)}</dt>
                        <dd>{match detail.zone {
                            Some(z) => z.name.into_any(),
                            None => (move || t_string!(i18n, proposal.no_zone)).into_any(),
                        }}</dd>
                    </dl>
                </aside>
            </div>
            <p><a href=list_href>{move || t_string!(i18n, proposal.back)}</a></p>
        </article>
    }
}
