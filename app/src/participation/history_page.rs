//! `/proposte/:id/versioni`: a proposal's version history.

use crate::i18n::{tu_string, use_i18n};
use crate::participation::server_fns::get_proposal_history;
use crate::ui::format;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/proposte/{id}/versioni`.
#[component]
pub fn ProposalHistoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_proposal_history,
    );
    view! {
        <Loaded resource=data render=move |history| {
            let title = tu_string!(i18n, take.history_of, title = history.title.clone()).to_string();
            let back = format!("/proposte/{}", history.id);
            view! {
                <Title text=title.clone() />
                <Breadcrumbs trail=vec![(history.process.name.clone(), format!("/processi/{}", history.process.key)), (history.title.clone(), back.clone())] current=title.clone() />
                <h1>{title}</h1>
                <ol class="versions" reversed=true>
                    {history.versions.into_iter().map(|v| view! {
                        <li class="version">
                            <h2 class="h4">{tu_string!(i18n, take.version, n = v.version).to_string()} " · "
                                <time datetime=v.created_at.to_rfc3339()>{format::date_time(i18n, v.created_at)}</time></h2>
                            <h3 class="h5">{v.title}</h3>
                            {v.zone.map(|z| view! { <p class="small">{tu_string!(i18n, proposal.zone)} ": " {z}</p> })}
                            <div class="prose" inner_html=v.body_html></div>
                        </li>
                    }).collect_view()}
                </ol>
                <p><a href=back>{tu_string!(i18n, proposal.back)}</a></p>
            }
        } />
    }
}
