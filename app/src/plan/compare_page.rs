//! `/processi/:process/piano/confronta?da=&a=`: two versions compared.

use crate::i18n::{tu_string, use_i18n};
use crate::plan::server_fns::compare_plan;
use crate::plan::widgets::{CompareForm, plan_href, version_href};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::params::process_param;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::model::plan::{LineChange, PlanDiff};

/// Two versions compared.
#[component]
pub fn PlanComparePage() -> impl IntoView {
    let process = process_param();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                process.get(),
                query.read().get("da").unwrap_or_default(),
                query.read().get("a").unwrap_or_default(),
            )
        },
        |(process, from, to)| compare_plan(process, from, to),
    );
    view! { <Loaded resource=data render=|diff| view! { <DiffView diff /> } /> }
}

#[component]
fn DiffView(diff: PlanDiff) -> impl IntoView {
    let i18n = use_i18n();
    let slug = diff.process.key.clone();
    let plan_title = tu_string!(i18n, plan.of, process = diff.process.name.clone()).to_string();
    let title = tu_string!(
        i18n,
        plan.diff_title,
        from = diff.from.number,
        to = diff.to.number
    )
    .to_string();
    let (from, to) = (diff.from.number, diff.to.number);
    view! {
        <Title text=format!("{title} · {plan_title}") />
        <Breadcrumbs
            trail=vec![(diff.process.name.clone(), format!("/processi/{slug}")), (plan_title, plan_href(&slug))]
            current=title.clone()
        />
        <h1>{title}</h1>
        <p class="lead">{tu_string!(i18n, plan.diff_summary, added = diff.added, removed = diff.removed).to_string()}</p>
        <CompareForm slug=slug.clone() versions=diff.versions.clone() from to />
        {if diff.hunks.is_empty() {
            view! { <p>{tu_string!(i18n, plan.diff_same)}</p> }.into_any()
        } else {
            diff.hunks.into_iter().map(|hunk| {
                let caption = tu_string!(i18n, plan.diff_lines, old = hunk.old_start, new = hunk.new_start, from = from, to = to).to_string();
                view! {
                    <figure class="plan-diff">
                        <figcaption>{caption}</figcaption>
                        <pre lang="it">{hunk.lines.into_iter().map(|line| match line.change {
                            LineChange::Same => view! { <span class="diff-same">{format!("  {}", line.text)}</span> }.into_any(),
                            LineChange::Added => view! { <ins class="diff-added" title=tu_string!(i18n, plan.added)>{format!("+ {}", line.text)}</ins> }.into_any(),
                            LineChange::Removed => view! { <del class="diff-removed" title=tu_string!(i18n, plan.removed)>{format!("- {}", line.text)}</del> }.into_any(),
                        }).collect_view()}</pre>
                    </figure>
                }
            }).collect_view().into_any()
        }}
        <p><a href=version_href(&slug, to)>{tu_string!(i18n, plan.version_n, n = to).to_string()}</a></p>
    }
}
