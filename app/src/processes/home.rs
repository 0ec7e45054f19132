//! Home: the processes, each with its phase timeline.

use leptos::prelude::*;
use leptos_meta::Title;
use shared::model::ProcessSummary;

use crate::i18n::{t_string, tu_string, use_i18n};
use crate::processes::server_fns::list_processes;
use crate::ui::format;
use crate::ui::loaded::Loaded;
use crate::ui::timeline::Timeline;

/// The list of processes.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let processes = Resource::new(|| (), |_| list_processes());
    view! {
        <Title text=tu_string!(i18n, home.title) />
        <h1 class="mt-4">{move || t_string!(i18n, home.title)}</h1>
        <crate::ui::forms::Outcome />
        <p class="lead">{move || t_string!(i18n, home.intro)}</p>
        <Loaded
            resource=processes
            render={move |list: Vec<ProcessSummary>| {
                if list.is_empty() {
                    view! { <p class="alert alert-info">{move || t_string!(i18n, home.empty)}</p> }.into_any()
                } else {
                    view! {
                        <div class="process-list">
                            {list.into_iter().map(|process| view! { <ProcessCard process /> }).collect_view()}
                        </div>
                    }
                    .into_any()
                }
            }}
        />
    }
}

#[component]
fn ProcessCard(process: ProcessSummary) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/processi/{}", process.slug);
    let count = process.proposal_count;
    view! {
        <div class="card-wrapper">
            <article class="card card-bg process-card">
                <div class="card-body">
                    <p class="card-meta">{process.organization}</p>
                    <h2 class="card-title h4">
                        <a href=href>{process.title}</a>
                    </h2>
                    <p class="card-text">{process.summary}</p>
                    <Timeline phases=process.phases timeline=process.timeline />
                    <p class="card-signature">
                        {move || t_string!(i18n, home.proposals, count = format::number(i18n, count)).to_string()}
                    </p>
                </div>
            </article>
        </div>
    }
}
