//! A project platform: description, figures and its most supported proposals.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::model::PlatformDetail;

use crate::i18n::{t_string, use_i18n};
use crate::participation::proposal_card::ProposalCard;
use crate::processes::process_page::Stats;
use crate::processes::server_fns::get_platform;
use crate::ui::format;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;

/// The platform page.
#[component]
pub fn PlatformPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let params = params.read();
        (
            params.get("process").unwrap_or_default(),
            params.get("platform").unwrap_or_default(),
        )
    };
    let detail = Resource::new(key, |(process, platform)| get_platform(process, platform));
    view! { <Loaded resource=detail render=|detail| view! { <PlatformView detail /> } /> }
}

#[component]
fn PlatformView(detail: PlatformDetail) -> impl IntoView {
    let i18n = use_i18n();
    let process_href = format!("/processi/{}", detail.process.key);
    let list_href = format!(
        "/processi/{}/proposte?piattaforma={}",
        detail.process.key, detail.platform.slug
    );
    let platform = detail.platform;
    let title = platform.title.clone();
    let process_key = detail.process.key.clone();
    let platform_slug = platform.slug.clone();
    let proposals = detail.top_proposals.items;
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(detail.process.name, process_href)] current=title.clone() />
        <p class="kicker">{move || t_string!(i18n, platform.label)}</p>
        <h1>{title}</h1>
        {platform.direction.map(|d| view! {
            <p>
                <strong>{move || t_string!(i18n, platform.direction)} ": "</strong>
                {d.key} ". " {d.name}
            </p>
        })}
        <div class="prose" inner_html=platform.description_html></div>
        <Stats stats=detail.stats />

        <section aria-labelledby="top">
            <h2 id="top">{move || t_string!(i18n, platform.top)}</h2>
            {if proposals.is_empty() {
                view! { <p>{move || t_string!(i18n, platform.none)}</p> }.into_any()
            } else {
                view! {
                    <div class="proposal-list">
                        {proposals.into_iter().map(|proposal| view! { <ProposalCard proposal /> }).collect_view()}
                    </div>
                }
                .into_any()
            }}
            <p>
                <a class="btn btn-primary" href=list_href>{move || t_string!(i18n, platform.all)}</a>
            </p>
        </section>

        {(!detail.zones.is_empty()).then(|| view! {
            <section aria-labelledby="zones">
                <h2 id="zones">{move || t_string!(i18n, platform.zones)}</h2>
                <ul class="zone-list">
                    {detail.zones.into_iter().map(|z| {
                        let href = format!("/processi/{process_key}/proposte?piattaforma={platform_slug}&zona={}", z.slug);
                        let count = z.proposal_count;
                        view! { <li><a href=href>{z.name}</a> " (" {move || format::number(i18n, count)} ")"</li> }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
