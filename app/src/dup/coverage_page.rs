//! Coverage of the DUP by citizens' input: objectives with none, accepted
//! proposals with no objective, figures per mission.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::model::dup::{Coverage, MissionCoverage, PlanItem};

use crate::dup::server_fns::get_coverage;
use crate::dup::widgets::supporters_text;
use crate::i18n::{tu_string, use_i18n};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::params::process_param;

/// `/processi/:process/copertura`: per mission and objective, what the
/// plan brings; objectives with no input; accepted items with no objective.
#[component]
pub fn CoveragePage() -> impl IntoView {
    let process = process_param();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                process.get(),
                query.read().get("zona"),
                query.read().get("piattaforma"),
            )
        },
        |(process, zone, platform)| get_coverage(process, zone, platform),
    );
    view! { <Loaded resource=data render=|coverage| view! { <CoverageView coverage /> } /> }
}

/// Horizontal bars per mission: covered objectives out of all, and
/// distinct supporters; drawn on the server, described in text.
#[component]
fn CoverageChart(missions: Vec<MissionCoverage>, summary: String) -> impl IntoView {
    let i18n = use_i18n();
    let row = 34.0_f64;
    let (label_width, bar_width) = (260.0_f64, 380.0_f64);
    let height = row * missions.len() as f64 + 24.0;
    let width = label_width + bar_width + 120.0;
    let most = missions
        .iter()
        .filter_map(|m| m.supporters)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let shown = missions.iter().any(|m| m.supporters.is_some());
    view! {
        <figure class="coverage-chart">
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-labelledby="copertura-grafico" class="chart">
                <title id="copertura-grafico">{summary.clone()}</title>
                {missions.into_iter().enumerate().map(|(n, m)| {
                    let y = 8.0 + row * n as f64;
                    let total = m.objectives.len().max(1) as f64;
                    let covered = bar_width * m.covered as f64 / total;
                    let supporters = m.supporters.map(|n| bar_width * n as f64 / most);
                    let mut name = format!("{} {}", m.code, m.title);
                    if name.chars().count() > 38 {
                        name = name.chars().take(37).collect::<String>() + "…";
                    }
                    view! {
                        <text x="0" y=y + 14.0 class="tick">{name}</text>
                        <rect x=label_width y=y width=bar_width height="12" class="bar-track" />
                        <rect x=label_width y=y width=covered height="12" class="bar bar-covered" />
                        {supporters.map(|width| view! { <rect x=label_width y=y + 14.0 width=width height="8" class="bar bar-supporters" /> })}
                        <text x=label_width + bar_width + 8.0 y=y + 12.0 class="tick">{format!("{}/{}", m.covered, m.objectives.len())}</text>
                        {m.supporters.map(|n| view! { <text x=label_width + bar_width + 8.0 y=y + 24.0 class="tick">{n}</text> })}
                    }
                }).collect_view()}
            </svg>
            <figcaption>
                <ul class="legend">
                    <li><span class="swatch bar-covered" aria-hidden="true"></span> {tu_string!(i18n, dup.legend_covered)}</li>
                    {shown.then(|| view! { <li><span class="swatch bar-supporters" aria-hidden="true"></span> {tu_string!(i18n, dup.legend_supporters)}</li> })}
                </ul>
                <p class="small">{summary}</p>
            </figcaption>
        </figure>
    }
}

#[component]
fn CoverageView(coverage: Coverage) -> impl IntoView {
    let i18n = use_i18n();
    let slug = coverage.process.key.clone();
    let title = tu_string!(
        i18n,
        dup.coverage_of,
        process = coverage.process.name.clone()
    )
    .to_string();
    let Some(edition) = coverage.edition.clone() else {
        return view! {
            <Title text=title.clone() />
            <Breadcrumbs trail=vec![(coverage.process.name.clone(), format!("/processi/{slug}"))] current=title.clone() />
            <h1>{title.clone()}</h1>
            <p>{tu_string!(i18n, dup.no_edition)}</p>
        }
        .into_any();
    };
    let objectives: usize = coverage.missions.iter().map(|m| m.objectives.len()).sum();
    let covered: i64 = coverage.missions.iter().map(|m| m.covered).sum();
    let summary = tu_string!(
        i18n,
        dup.coverage_summary,
        covered = covered,
        objectives = objectives,
        missions = coverage.missions.len(),
        unlinked = coverage.unlinked.len()
    )
    .to_string();
    let (zone, platform) = (
        coverage.zone.clone().unwrap_or_default(),
        coverage.platform.clone().unwrap_or_default(),
    );
    let action = format!("/processi/{slug}/copertura");
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(coverage.process.name.clone(), format!("/processi/{slug}"))] current=title.clone() />
        <h1>{title.clone()}</h1>
        <p class="lead">{tu_string!(i18n, dup.coverage_intro)} " " <a href=format!("/dup/{}", edition.key)>{edition.name.clone()}</a></p>
        <form method="get" action=action class="filters" role="search" aria-label=tu_string!(i18n, dup.filters)>
            <div class="row">
                <div class="form-group col-12 col-md-5">
                    <label for="copertura-zona">{tu_string!(i18n, field.zona)}</label>
                    <select class="form-control" id="copertura-zona" name="zona">
                        <option value="">{tu_string!(i18n, dup.all_zones)}</option>
                        {coverage.zones.clone().into_iter().map(|z| {
                            let selected = z.key == zone;
                            view! { <option value=z.key selected=selected>{z.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="form-group col-12 col-md-5">
                    <label for="copertura-piattaforma">{tu_string!(i18n, field.piattaforma)}</label>
                    <select class="form-control" id="copertura-piattaforma" name="piattaforma">
                        <option value="">{tu_string!(i18n, dup.all_platforms)}</option>
                        {coverage.platforms.clone().into_iter().map(|p| {
                            let selected = p.key == platform;
                            view! { <option value=p.key selected=selected>{p.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="col-12 col-md-2 align-self-end">
                    <button type="submit" class="btn btn-primary">{tu_string!(i18n, dup.apply)}</button>
                </div>
            </div>
        </form>
        <CoverageChart missions=coverage.missions.clone() summary=summary.clone() />
        <table class="table table-sm coverage">
            <caption>{tu_string!(i18n, dup.coverage_table)}</caption>
            <thead><tr>
                <th scope="col">{tu_string!(i18n, dup.objective)}</th>
                <th scope="col">{tu_string!(i18n, dup.proposals)}</th>
                <th scope="col">{tu_string!(i18n, dup.projects)}</th>
                <th scope="col">{tu_string!(i18n, dup.supporters)}</th>
            </tr></thead>
            {coverage.missions.clone().into_iter().map(|m| view! {
                <tbody>
                    <tr class="mission-row">
                        <th scope="rowgroup" colspan="3">{tu_string!(i18n, dup.mission)} " " {m.code.clone()} " · " {m.title.clone()}
                            " (" {tu_string!(i18n, dup.covered_of, covered = m.covered, total = m.objectives.len()).to_string()} ")"</th>
                        <td>{supporters_text(m.supporters)}</td>
                    </tr>
                    {m.objectives.clone().into_iter().map(|r| view! {
                        <tr>
                            <th scope="row"><a href=format!("/obiettivi/{}", r.objective.id)>{r.objective.code.clone()} " · " {r.objective.title.clone()}</a></th>
                            <td>{r.proposals}</td>
                            <td>{r.projects}</td>
                            <td>{supporters_text(r.supporters)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            }).collect_view()}
        </table>
        <p class="small">{tu_string!(i18n, dup.distinct_note)}</p>
        <section aria-labelledby="scoperti-titolo">
            <h2 id="scoperti-titolo" class="h4">{tu_string!(i18n, dup.uncovered)}</h2>
            {if coverage.uncovered.is_empty() {
                view! { <p>{tu_string!(i18n, dup.uncovered_none)}</p> }.into_any()
            } else {
                view! { <ul>{coverage.uncovered.clone().into_iter().map(|o| view! { <li><a href=format!("/obiettivi/{}", o.id)>{o.code} " · " {o.title}</a></li> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section aria-labelledby="senza-obiettivo-titolo">
            <h2 id="senza-obiettivo-titolo" class="h4">{tu_string!(i18n, dup.unlinked)}</h2>
            {if coverage.unlinked.is_empty() {
                view! { <p>{tu_string!(i18n, dup.unlinked_none)}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {coverage.unlinked.clone().into_iter().map(|u| {
                            let (href, kind) = match u.item {
                                PlanItem::Proposal(id) => (format!("/proposte/{id}"), tu_string!(i18n, dup.proposal)),
                                PlanItem::Project(id) => (format!("/progetti/{id}"), tu_string!(i18n, dup.project)),
                            };
                            view! { <li>{kind} ": " <a href=href>{u.title}</a> " · " {u.platform}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}
