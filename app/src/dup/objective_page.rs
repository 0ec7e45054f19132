//! One objective of the DUP: where it sits, its resources, indicators,
//! links and progress.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::model::dup::{ObjectiveDetail, PlanItem, format_euro};

use crate::dup::server_fns::get_objective;
use crate::dup::widgets::{IndicatorTable, ProgressList, level_label};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;

/// `/obiettivi/:id`: an objective, what feeds it and how it is going.
#[component]
pub fn ObjectivePage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_objective,
    );
    view! { <Loaded resource=data render=|objective| view! { <ObjectiveView objective /> } /> }
}

#[component]
fn ObjectiveView(objective: ObjectiveDetail) -> impl IntoView {
    let i18n = use_i18n();
    let o = objective.objective.clone();
    let title = format!("{} · {}", o.code, o.title);
    let edition_href = format!("/dup/{}", objective.edition.key);
    let total: i64 = objective.resources.iter().map(|r| r.cents).sum();
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(tu_string!(i18n, dup.editions).to_owned(), "/dup".to_owned()), (objective.edition.name.clone(), edition_href)] current=title.clone() />
        <article class="objective">
            <p class="card-meta">{level_label(o.level)} " · " {tu_string!(i18n, dup.mission)} " " {o.mission_code.clone()} " · " {objective.mission_title.clone()}</p>
            <h1>{title.clone()}</h1>
            <dl class="facts">
                {objective.programme.clone().map(|p| view! { <dt>{tu_string!(i18n, dup.programme)}</dt><dd>{p.key} " · " {p.name}</dd> })}
                {objective.parent.clone().map(|p| view! { <dt>{tu_string!(i18n, dup.strategic)}</dt><dd><a href=format!("/obiettivi/{}", p.id)>{p.code} " · " {p.title}</a></dd> })}
                {(!objective.office.is_empty()).then(|| view! { <dt>{tu_string!(i18n, dup.office)}</dt><dd>{objective.office.clone()}</dd> })}
            </dl>
            <div class="prose" inner_html=objective.description_html.clone()></div>
            {(!objective.children.is_empty()).then(|| view! {
                <section aria-labelledby="figli-titolo">
                    <h2 id="figli-titolo" class="h4">{tu_string!(i18n, dup.operational_plural)}</h2>
                    <ul>{objective.children.clone().into_iter().map(|c| view! { <li><a href=format!("/obiettivi/{}", c.id)>{c.code} " · " {c.title}</a></li> }).collect_view()}</ul>
                </section>
            })}
            {(!objective.resources.is_empty()).then(|| view! {
                <table class="table table-sm">
                    <caption>{tu_string!(i18n, dup.resources)}</caption>
                    <thead><tr><th scope="col">{tu_string!(i18n, dup.year)}</th><th scope="col">{tu_string!(i18n, dup.amount)}</th></tr></thead>
                    <tbody>
                        {objective.resources.clone().into_iter().map(|r| view! { <tr><th scope="row">{r.year}</th><td>{format_euro(r.cents)}</td></tr> }).collect_view()}
                        <tr><th scope="row">{tu_string!(i18n, dup.total)}</th><td>{format_euro(total)}</td></tr>
                    </tbody>
                </table>
            })}
            {(!objective.indicators.is_empty()).then(|| view! {
                <IndicatorTable indicators=objective.indicators.clone() caption=tu_string!(i18n, dup.indicators).to_owned() />
            })}
            <section aria-labelledby="collegati-titolo">
                <h2 id="collegati-titolo" class="h4">{tu_string!(i18n, dup.fed_by)}</h2>
                {if objective.links.is_empty() {
                    view! { <p>{tu_string!(i18n, dup.no_links)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="links">
                            {objective.links.clone().into_iter().map(|l| {
                                let through = (l.objective.id != o.id).then(|| (format!("/obiettivi/{}", l.objective.id), l.objective.code.clone()));
                                let (href, kind) = match l.item {
                                    PlanItem::Proposal(id) => (format!("/proposte/{id}"), tu_string!(i18n, dup.proposal)),
                                    PlanItem::Project(id) => (format!("/progetti/{id}"), tu_string!(i18n, dup.project)),
                                };
                                view! {
                                    <li>
                                        {kind} ": " <a href=href>{l.item_title.clone()}</a>
                                        {l.supports.map(|n| view! { " · " {tu_string!(i18n, dup.supports_n, n = n).to_string()} })}
                                        {through.map(|(href, code)| view! { " · " {tu_string!(i18n, dup.through_objective)} " " <a href=href>{code}</a> })}
                                        <br /><span class="small">{l.rationale.clone()}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="avanzamento-titolo">
                <h2 id="avanzamento-titolo" class="h4">{tu_string!(i18n, dup.progress)}</h2>
                {if objective.progress.is_empty() {
                    view! { <p>{tu_string!(i18n, dup.no_progress)}</p> }.into_any()
                } else {
                    view! { <ProgressList records=objective.progress.clone() show_item=false /> }.into_any()
                }}
            </section>
        </article>
    }
}
