//! The facilitators' dashboard: what waits for an answer or a moderator,
//! participation day by day, assisted participation, merging proposals.

use leptos::prelude::*;

use crate::facilitation::project_page::ProjectFields;

use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};
use shared::model::ProposalCard;
use shared::model::facilitation::{AssistedShare, Dashboard, DayFigures};
use shared::model::participation::ANSWER_STATES;

use crate::facilitation::server_fns::{AnswerProposals, MergeProposals, get_dashboard};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::labels::{StateBadge, proposal_state};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::params::process_param;

/// `/processi/:process/cruscotto[?piattaforma=…]`: the facilitators' dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let process = process_param();
    let query = use_query_map();
    let location = use_location();
    let data = Resource::new(
        move || {
            (
                process.get(),
                query.read().get("piattaforma"),
                location.search.get(),
            )
        },
        |(process, platform, _)| get_dashboard(process, platform),
    );
    view! { <Loaded resource=data render=|dashboard| view! { <DashboardView dashboard /> } /> }
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let slug = dashboard.process.key.clone();
    let process_href = format!("/processi/{slug}");
    let here = match &dashboard.platform {
        Some(p) => format!("/processi/{slug}/cruscotto?piattaforma={}", p.key),
        None => format!("/processi/{slug}/cruscotto"),
    };
    let title = match &dashboard.platform {
        Some(p) => tu_string!(i18n, facil.dashboard_of, name = p.name.clone()).to_string(),
        None => tu_string!(i18n, facil.dashboard).to_owned(),
    };
    let figures = [
        (tu_string!(i18n, facil.participants), dashboard.participants),
        (tu_string!(i18n, facil.proposals), dashboard.proposals),
        (tu_string!(i18n, facil.comments), dashboard.comments),
        (tu_string!(i18n, facil.supports), dashboard.supports),
    ];
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(dashboard.process.name.clone(), process_href.clone())] current=title.clone() />
        <h1>{title}</h1>
        <Outcome />
        {dashboard.supports_hidden_from_public.then(|| view! {
            <div class="alert alert-info" role="note" id="sostegni-riservati">
                <p>{tu_string!(i18n, facil.supports_hidden_note)}</p>
            </div>
        })}
        <nav aria-label=tu_string!(i18n, facil.dashboard_platforms) class="dashboard-nav">
            <ul class="link-list">
                <li><a href=format!("/processi/{slug}/cruscotto") aria-current=dashboard.platform.is_none().then_some("page")>{tu_string!(i18n, facil.whole_process)}</a></li>
                {dashboard.platforms.iter().map(|p| {
                    let current = dashboard.platform.as_ref().is_some_and(|c| c.key == p.key);
                    view! { <li><a href=format!("/processi/{slug}/cruscotto?piattaforma={}", p.key) aria-current=current.then_some("page")>{p.name.clone()}</a></li> }
                }).collect_view()}
            </ul>
        </nav>
        <p>
            {dashboard.current_phase.clone().map(|phase| view! { {tu_string!(i18n, facil.current_phase, phase = phase).to_string()} " · " })}
            <a href=match &dashboard.platform {
                Some(p) => format!("/processi/{slug}/moderazione?piattaforma={}", p.key),
                None => format!("/processi/{slug}/moderazione"),
            }>{tu_string!(i18n, facil.queue_link, n = dashboard.queue_total).to_string()}</a>
            " · "
            <a href=format!("/processi/{slug}/registro-moderazione")>{tu_string!(i18n, facil.public_log)}</a>
        </p>
        <ul class="stats">
            {figures.into_iter().map(|(label, n)| view! {
                <li class="stat"><span class="stat-value">{format::number(i18n, n)}</span> " " <span class="stat-label">{label}</span></li>
            }).collect_view()}
        </ul>
        <section aria-labelledby="andamento-titolo" id="andamento">
            <h2 id="andamento-titolo">{tu_string!(i18n, facil.trend)}</h2>
            <TrendChart days=dashboard.days.clone() />
        </section>
        <AwaitingAnswers cards=dashboard.awaiting_answer.clone() total=dashboard.awaiting_answer_total back=here.clone() />
        {dashboard.platform.is_some().then(|| view! { <MergeForm cards=dashboard.mergeable.clone() /> })}
        <section aria-labelledby="progetti-titolo" id="progetti">
            <h2 id="progetti-titolo">{tu_string!(i18n, facil.projects)}</h2>
            {dashboard.projects.is_empty().then(|| view! { <p>{tu_string!(i18n, facil.no_projects)}</p> })}
            <ul>
                {dashboard.projects.iter().map(|p| view! {
                    <li>
                        <a href=format!("/progetti/{}", p.id)>{p.title.clone()}</a>
                        " · " {p.platform.name.clone()} " · "
                        {tu_string!(i18n, facil.members, n = p.member_count).to_string()}
                        {p.distinct_supporters.map(|n| view! { " · " {tu_string!(i18n, facil.distinct_supporters, n = n).to_string()} })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="assistita-titolo" id="assistita">
            <h2 id="assistita-titolo">{tu_string!(i18n, facil.assisted_share)}</h2>
            <p class="small">{tu_string!(i18n, facil.assisted_hint)}</p>
            <ShareTable caption=tu_string!(i18n, facil.by_phase).to_owned() rows=dashboard.assisted_by_phase.clone() />
            <ShareTable caption=tu_string!(i18n, facil.by_zone).to_owned() rows=dashboard.assisted_by_zone.clone() />
        </section>
    }
}

/// The cumulative figures of the phase as a line chart, with the same numbers in a table.
#[component]
fn TrendChart(days: Vec<DayFigures>) -> impl IntoView {
    let i18n = use_i18n();
    if days.is_empty() {
        return view! { <p>{tu_string!(i18n, facil.no_trend)}</p> }.into_any();
    }
    let (width, height, left, bottom) = (640.0_f64, 240.0_f64, 48.0_f64, 28.0_f64);
    let max = days
        .iter()
        .map(|d| {
            d.participants
                .max(d.proposals)
                .max(d.comments)
                .max(d.supports)
        })
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let step = if days.len() > 1 {
        (width - left - 8.0) / (days.len() - 1) as f64
    } else {
        0.0
    };
    let points = |value: fn(&DayFigures) -> u64| {
        days.iter()
            .enumerate()
            .map(|(i, d)| {
                let x = left + step * i as f64;
                let y = (height - bottom) - (value(d) as f64 / max) * (height - bottom - 12.0);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let series: [(&str, String, String); 4] = [
        (
            "participants",
            tu_string!(i18n, facil.participants).to_owned(),
            points(|d| d.participants),
        ),
        (
            "proposals",
            tu_string!(i18n, facil.proposals).to_owned(),
            points(|d| d.proposals),
        ),
        (
            "comments",
            tu_string!(i18n, facil.comments).to_owned(),
            points(|d| d.comments),
        ),
        (
            "supports",
            tu_string!(i18n, facil.supports).to_owned(),
            points(|d| d.supports),
        ),
    ];
    let last = days.last().cloned();
    let summary = last
        .as_ref()
        .map(|d| {
            tu_string!(
                i18n,
                facil.trend_summary,
                date = format::date(i18n, d.day),
                participants = d.participants,
                proposals = d.proposals,
                comments = d.comments,
                supports = d.supports
            )
            .to_string()
        })
        .unwrap_or_default();
    let first_day = days
        .first()
        .map(|d| format::date(i18n, d.day))
        .unwrap_or_default();
    let last_day = last.map(|d| format::date(i18n, d.day)).unwrap_or_default();
    view! {
        <figure class="trend-chart">
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-labelledby="andamento-descrizione" class="chart">
                <title id="andamento-descrizione">{summary.clone()}</title>
                <line x1=left y1=height - bottom x2=width - 8.0 y2=height - bottom class="axis" />
                <line x1=left y1="8" x2=left y2=height - bottom class="axis" />
                <text x="4" y="16" class="tick">{format::number(i18n, max as u64)}</text>
                <text x="4" y=height - bottom class="tick">"0"</text>
                <text x=left y=height - 8.0 class="tick">{first_day}</text>
                <text x=width - 8.0 y=height - 8.0 class="tick" text-anchor="end">{last_day}</text>
                {series.iter().map(|(class, _, pts)| view! { <polyline points=pts.clone() class=format!("series series-{class}") fill="none" /> }).collect_view()}
            </svg>
            <figcaption>
                <ul class="legend">
                    {series.iter().map(|(class, label, _)| view! { <li><span class=format!("swatch series-{class}") aria-hidden="true"></span> {label.clone()}</li> }).collect_view()}
                </ul>
                <p class="small">{summary}</p>
            </figcaption>
        </figure>
        <details>
            <summary>{tu_string!(i18n, facil.trend_table)}</summary>
            <table class="table table-sm">
                <caption>{tu_string!(i18n, facil.trend)}</caption>
                <thead><tr>
                    <th scope="col">{tu_string!(i18n, facil.day)}</th>
                    <th scope="col">{tu_string!(i18n, facil.participants)}</th>
                    <th scope="col">{tu_string!(i18n, facil.proposals)}</th>
                    <th scope="col">{tu_string!(i18n, facil.comments)}</th>
                    <th scope="col">{tu_string!(i18n, facil.supports)}</th>
                </tr></thead>
                <tbody>
                    {days.iter().map(|d| view! {
                        <tr>
                            <th scope="row">{format::date(i18n, d.day)}</th>
                            <td>{d.participants}</td><td>{d.proposals}</td><td>{d.comments}</td><td>{d.supports}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
    .into_any()
}

#[component]
fn ShareTable(caption: String, rows: Vec<AssistedShare>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table table-sm">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">{tu_string!(i18n, facil.group)}</th>
                <th scope="col">{tu_string!(i18n, facil.contributions)}</th>
                <th scope="col">{tu_string!(i18n, facil.assisted)}</th>
                <th scope="col">{tu_string!(i18n, facil.share)}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let share = if row.contributions == 0 { 0.0 } else { row.assisted as f64 * 100.0 / row.contributions as f64 };
                    let label = if row.label.is_empty() { tu_string!(i18n, facil.no_zone).to_owned() } else { row.label };
                    view! {
                        <tr>
                            <th scope="row">{label}</th>
                            <td>{row.contributions}</td>
                            <td>{row.assisted}</td>
                            <td>{format!("{share:.1} %")}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// A checkbox per proposal, named `proposte[]`.
fn proposal_choices(cards: &[ProposalCard], form_id: &str) -> impl IntoView + use<> {
    let i18n = use_i18n();
    cards
        .iter()
        .map(|card| {
            let choice = format!("{form_id}-{}", card.id);
            view! {
                <li class="form-check">
                    <input class="form-check-input" type="checkbox" name="proposte[]" id=choice.clone() value=card.id.to_string() />
                    <label class="form-check-label" for=choice>
                        {card.title.clone()}
                        " · " <StateBadge state=card.state />
                        " · " {card.platform.name.clone()}
                        {card.support_count.map(|n| view! { " · " {tu_string!(i18n, facil.supports_n, n = n).to_string()} })}
                    </label>
                    " " <a href=format!("/proposte/{}", card.id) class="small">{tu_string!(i18n, facil.open)}</a>
                </li>
            }
        })
        .collect_view()
}

/// Proposals waiting for an answer, answered one by one (from their page) or in bulk.
#[component]
fn AwaitingAnswers(cards: Vec<ProposalCard>, total: u64, back: String) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AnswerProposals>::new();
    let error = action_error(action);
    view! {
        <section aria-labelledby="risposte-titolo" id="risposte">
            <h2 id="risposte-titolo">{tu_string!(i18n, facil.awaiting, n = total).to_string()}</h2>
            {if cards.is_empty() {
                view! { <p>{tu_string!(i18n, facil.none_awaiting)}</p> }.into_any()
            } else {
                view! {
                    <FormAlert error form_id="risposte-multiple" />
                    <ActionForm action attr:id="risposte-multiple">
                        <input type="hidden" name="ritorno" value=format!("{back}#risposte") />
                        <fieldset class="form-group" id="risposte-multiple-proposte">
                            <legend>{tu_string!(i18n, facil.choose_to_answer)}</legend>
                            <ul class="choices">{proposal_choices(&cards, "risposte-multiple")}</ul>
                        </fieldset>
                        <div class="form-group">
                            <label for="risposte-multiple-stato">{tu_string!(i18n, field.stato)}</label>
                            <select class="form-control" id="risposte-multiple-stato" name="stato">
                                {ANSWER_STATES.iter().map(|state| view! { <option value=state.as_str()>{proposal_state(i18n, *state)}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="form-group">
                            <label for="risposte-multiple-risposta">{tu_string!(i18n, field.risposta)}</label>
                            <p class="form-hint" id="risposte-multiple-risposta-hint">{tu_string!(i18n, take.answer_hint)}</p>
                            <textarea class="form-control" id="risposte-multiple-risposta" name="risposta" rows="4" maxlength="10000" aria-describedby="risposte-multiple-risposta-hint"></textarea>
                        </div>
                        <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.answer_chosen)}</button>
                    </ActionForm>
                }
                .into_any()
            }}
        </section>
    }
}

/// Merging proposals of the platform into a new project.
#[component]
fn MergeForm(cards: Vec<ProposalCard>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<MergeProposals>::new();
    let error = action_error(action);
    view! {
        <section aria-labelledby="unione-titolo" id="unione">
            <h2 id="unione-titolo">{tu_string!(i18n, facil.merge_title)}</h2>
            <p>{tu_string!(i18n, facil.merge_hint)}</p>
            {if cards.len() < 2 {
                view! { <p>{tu_string!(i18n, facil.merge_none)}</p> }.into_any()
            } else {
                view! {
                    <FormAlert error form_id="unisci" />
                    <ActionForm action attr:id="unisci">
                        <fieldset class="form-group" id="unisci-proposte">
                            <legend>{tu_string!(i18n, facil.choose_to_merge)}</legend>
                            <ul class="choices">{proposal_choices(&cards, "unisci")}</ul>
                        </fieldset>
                        <ProjectFields form_id="unisci" />
                        <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.merge_submit)}</button>
                    </ActionForm>
                }
                .into_any()
            }}
        </section>
    }
}
