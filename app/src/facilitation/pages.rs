//! Running a process: the facilitators' dashboard (figures, answers in bulk,
//! merging into projects), the moderation queue and settings, the public
//! moderation log, and a project's page.

use leptos::prelude::*;
use shared::model::dup::PlanItem;

use crate::dup::pages::PlanLinks;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};
use shared::model::ProposalCard;
use shared::model::facilitation::{
    AgreementKind, AssistedShare, Dashboard, DayFigures, ModerationAction, ModerationLogPage,
    ModerationQueue, ProjectDetail, QueueItem, TargetKind,
};
use shared::model::participation::ANSWER_STATES;

use crate::facilitation::moderation_forms::{ModerateForm, reason_label, visibility_text};
use crate::facilitation::server_fns::{
    AnswerProposals, BlockPerson, EditProject, MergeProposals, SetModerationSettings, UndoMerge,
    get_dashboard, get_moderation_log, get_moderation_queue, get_project,
};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::labels::{StateBadge, proposal_state};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::params::process_param;

/// The name of an agreement kind.
pub fn agreement_label(kind: AgreementKind) -> String {
    let i18n = use_i18n();
    match kind {
        AgreementKind::None => tu_string!(i18n, facil.agreement_none),
        AgreementKind::MemorandumOfUnderstanding => tu_string!(i18n, facil.agreement_mou),
        AgreementKind::Convention => tu_string!(i18n, facil.agreement_convention),
        AgreementKind::ProgramAgreement => tu_string!(i18n, facil.agreement_program),
        AgreementKind::Other => tu_string!(i18n, facil.agreement_other),
    }
    .to_owned()
}

fn action_label(action: ModerationAction) -> String {
    let i18n = use_i18n();
    match action {
        ModerationAction::AutoHidden => tu_string!(i18n, facil.log_auto_hidden),
        ModerationAction::Hidden => tu_string!(i18n, facil.log_hidden),
        ModerationAction::Restored => tu_string!(i18n, facil.log_restored),
        ModerationAction::Approved => tu_string!(i18n, facil.log_approved),
        ModerationAction::Blocked => tu_string!(i18n, facil.log_blocked),
        ModerationAction::Unblocked => tu_string!(i18n, facil.log_unblocked),
        ModerationAction::Merged => tu_string!(i18n, facil.log_merged),
        ModerationAction::Unmerged => tu_string!(i18n, facil.log_unmerged),
    }
    .to_owned()
}

fn kind_label(kind: TargetKind) -> String {
    let i18n = use_i18n();
    match kind {
        TargetKind::Proposal => tu_string!(i18n, facil.kind_proposal),
        TargetKind::Comment => tu_string!(i18n, facil.kind_comment),
        TargetKind::Person => tu_string!(i18n, facil.kind_person),
        TargetKind::Project => tu_string!(i18n, facil.kind_project),
    }
    .to_owned()
}

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

/// The fields of a project (for merging and for editing).
#[component]
fn ProjectFields(
    #[prop(into)] form_id: String,
    #[prop(optional, into)] title: String,
    #[prop(optional, into)] description: String,
    #[prop(optional, into)] partners: String,
    #[prop(optional)] agreement: Option<AgreementKind>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = |name: &str| format!("{form_id}-{name}");
    view! {
        <div class="form-group">
            <label for=id("titolo")>{tu_string!(i18n, field.titolo)}</label>
            <input class="form-control" type="text" id=id("titolo") name="titolo" maxlength="200" required=true value=title />
        </div>
        <div class="form-group">
            <label for=id("descrizione")>{tu_string!(i18n, field.descrizione)}</label>
            <p class="form-hint" id=id("descrizione-hint")>{tu_string!(i18n, facil.project_description_hint)}</p>
            <textarea class="form-control" id=id("descrizione") name="descrizione" rows="6" maxlength="20000" required=true aria-describedby=id("descrizione-hint")>{format::textarea_text(&description)}</textarea>
        </div>
        <div class="form-group">
            <label for=id("partner")>{tu_string!(i18n, field.partner)}</label>
            <p class="form-hint" id=id("partner-hint")>{tu_string!(i18n, facil.partners_hint)}</p>
            <textarea class="form-control" id=id("partner") name="partner" rows="3" aria-describedby=id("partner-hint")>{format::textarea_text(&partners)}</textarea>
        </div>
        <div class="form-group">
            <label for=id("accordo")>{tu_string!(i18n, field.accordo)}</label>
            <select class="form-control" id=id("accordo") name="accordo">
                {AgreementKind::ALL.iter().map(|kind| view! { <option value=kind.as_str() selected=Some(*kind) == agreement>{agreement_label(*kind)}</option> }).collect_view()}
            </select>
        </div>
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

/// `/progetti/:id`: a project and its original proposals.
#[component]
pub fn ProjectPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                location.search.get(),
            )
        },
        |(id, _)| get_project(id),
    );
    view! { <Loaded resource=data render=|project| view! { <ProjectView project /> } /> }
}

#[component]
fn ProjectView(project: ProjectDetail) -> impl IntoView {
    let i18n = use_i18n();
    let process_href = format!("/processi/{}", project.process.key);
    let edit = ServerAction::<EditProject>::new();
    let edit_error = action_error(edit);
    let undo = ServerAction::<UndoMerge>::new();
    let undo_error = action_error(undo);
    let (edit_id, undo_id) = (project.id.to_string(), project.id.to_string());
    let (title, description, partners, agreement) = (
        project.title.clone(),
        project.description_md.clone(),
        project.partners.join("\n"),
        project.agreement,
    );
    let manage = project.can_manage.then(move || view! {
        <details class="settings" id="modifica-progetto">
            <summary>{tu_string!(i18n, facil.project_edit)}</summary>
            <FormAlert error=edit_error form_id="progetto" />
            <ActionForm action=edit attr:id="progetto">
                <input type="hidden" name="id" value=edit_id />
                <ProjectFields form_id="progetto" title description partners agreement />
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.project_save)}</button>
            </ActionForm>
        </details>
        <details class="settings" id="annulla-unione">
            <summary>{tu_string!(i18n, facil.undo)}</summary>
            <p>{tu_string!(i18n, facil.undo_hint)}</p>
            <FormAlert error=undo_error form_id="annulla" />
            <ActionForm action=undo attr:id="annulla">
                <input type="hidden" name="id" value=undo_id />
                <div class="form-group">
                    <label for="annulla-motivo">{tu_string!(i18n, field.motivo)}</label>
                    <input class="form-control" type="text" id="annulla-motivo" name="motivo" maxlength="500" required=true />
                </div>
                <button type="submit" class="btn btn-outline-danger">{tu_string!(i18n, facil.undo_submit)}</button>
            </ActionForm>
        </details>
    });
    view! {
        <Title text=project.title.clone() />
        <Breadcrumbs trail=vec![(project.process.name.clone(), process_href)] current=project.title.clone() />
        <Outcome />
        <article class="project">
            <p class="card-meta">{tu_string!(i18n, facil.project)} " · " {project.platform.name.clone()}</p>
            <h1>{project.title.clone()}</h1>
            {project.dissolved_at.map(|at| view! {
                <div class="callout warning" role="note"><p>{tu_string!(i18n, facil.dissolved, date = format::date(i18n, at.date_naive())).to_string()}</p></div>
            })}
            <div class="prose" inner_html=project.description_html.clone()></div>
            <dl class="facts">
                <dt>{tu_string!(i18n, facil.distinct_supporters_label)}</dt>
                <dd>{match project.distinct_supporters {
                    Some(n) => format::number(i18n, n.max(0) as u64),
                    None => tu_string!(i18n, proposals.counts_hidden).to_owned(),
                }}</dd>
                <dt>{tu_string!(i18n, field.accordo)}</dt>
                <dd>{agreement_label(project.agreement)}</dd>
                <dt>{tu_string!(i18n, field.partner)}</dt>
                <dd>{if project.partners.is_empty() {
                    tu_string!(i18n, facil.no_partners).to_owned().into_any()
                } else {
                    view! { <ul>{project.partners.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul> }.into_any()
                }}</dd>
            </dl>
            <p class="small">{tu_string!(i18n, facil.distinct_hint)}</p>
            <section aria-labelledby="originali-titolo">
                <h2 id="originali-titolo">{tu_string!(i18n, facil.originals)}</h2>
                <ul>
                    {project.members.iter().map(|m| view! {
                        <li>
                            <a href=format!("/proposte/{}", m.id)>{m.title.clone()}</a>
                            {m.author_name.clone().map(|a| view! { " · " {a} })}
                            {m.support_count.map(|n| view! { " · " {tu_string!(i18n, facil.supports_n, n = n).to_string()} })}
                            " · " {tu_string!(i18n, facil.comments_n, n = m.comment_count).to_string()}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
            {project.dissolved_at.is_none().then(|| view! { <PlanLinks item=PlanItem::Project(project.id) /> })}
            {manage}
        </article>
    }
}

/// `/processi/:process/moderazione`: what waits for a moderator, settings and blocks.
#[component]
pub fn ModerationPage() -> impl IntoView {
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
        |(process, platform, _)| get_moderation_queue(process, platform),
    );
    view! { <Loaded resource=data render=|queue| view! { <QueueView queue /> } /> }
}

#[component]
fn QueueView(queue: ModerationQueue) -> impl IntoView {
    let i18n = use_i18n();
    let slug = queue.process.key.clone();
    let here = match &queue.platform {
        Some(p) => format!("/processi/{slug}/moderazione?piattaforma={}", p.key),
        None => format!("/processi/{slug}/moderazione"),
    };
    let can_block = queue.can_block;
    let title = tu_string!(i18n, facil.moderation).to_owned();
    let settings = ServerAction::<SetModerationSettings>::new();
    let settings_error = action_error(settings);
    let unblock = ServerAction::<BlockPerson>::new();
    let unblock_error = action_error(unblock);
    let blocked_list = queue
        .blocked
        .clone()
        .into_iter()
        .map(|b| {
            let form_id = format!("sblocca-{}", b.user_id);
            let reason_id = format!("{form_id}-motivo");
            let (slug, back) = (slug.clone(), format!("{here}#bloccati"));
            view! {
                <li>
                    <strong>{b.name}</strong> " · " {b.reason} " · " {format::date(i18n, b.since.date_naive())}
                    <ActionForm action=unblock attr:id=form_id attr:class="inline-form">
                        <input type="hidden" name="process" value=slug />
                        <input type="hidden" name="persona" value=b.user_id.to_string() />
                        <input type="hidden" name="ritorno" value=back />
                        <label for=reason_id.clone()>{tu_string!(i18n, field.motivo)}</label>
                        <input class="form-control" type="text" id=reason_id name="motivo" maxlength="500" required=true />
                        <button type="submit" class="btn btn-sm btn-outline-primary">{tu_string!(i18n, facil.unblock)}</button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    let entries = queue
        .items
        .iter()
        .map(|item| view! { <QueueEntry item=item.clone() slug=slug.clone() back=here.clone() can_block /> })
        .collect_view();
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(queue.process.name.clone(), format!("/processi/{slug}"))] current=title.clone() />
        <h1>{title}</h1>
        <Outcome />
        <p><a href=format!("/processi/{slug}/registro-moderazione")>{tu_string!(i18n, facil.public_log)}</a>
            " · " <a href=format!("/processi/{slug}/cruscotto")>{tu_string!(i18n, facil.dashboard)}</a></p>
        <section aria-labelledby="coda-titolo" id="coda">
            <h2 id="coda-titolo">{tu_string!(i18n, facil.queue, n = queue.items.len()).to_string()}</h2>
            {queue.items.is_empty().then(|| view! { <p>{tu_string!(i18n, facil.queue_empty)}</p> })}
            <ol class="queue">
                {entries}
            </ol>
        </section>
        <section aria-labelledby="impostazioni-titolo" id="impostazioni">
            <h2 id="impostazioni-titolo">{tu_string!(i18n, facil.settings)}</h2>
            <FormAlert error=settings_error form_id="impostazioni-moderazione" />
            <ActionForm action=settings attr:id="impostazioni-moderazione">
                <input type="hidden" name="process" value=slug.clone() />
                <div class="form-check">
                    <input class="form-check-input" type="checkbox" id="impostazioni-moderazione-premoderazione" name="premoderazione" value="si" checked=queue.pre_moderation />
                    <label class="form-check-label" for="impostazioni-moderazione-premoderazione">{tu_string!(i18n, facil.pre_moderation)}</label>
                </div>
                <div class="form-group">
                    <label for="impostazioni-moderazione-soglia">{tu_string!(i18n, field.soglia)}</label>
                    <p class="form-hint" id="impostazioni-moderazione-soglia-hint">{tu_string!(i18n, facil.threshold_hint)}</p>
                    <input class="form-control" type="number" min="1" max="100" id="impostazioni-moderazione-soglia" name="soglia" value=queue.report_threshold.to_string() aria-describedby="impostazioni-moderazione-soglia-hint" />
                </div>
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.settings_save)}</button>
            </ActionForm>
        </section>
        <section aria-labelledby="bloccati-titolo" id="bloccati" hidden=!can_block>
            <h2 id="bloccati-titolo">{tu_string!(i18n, facil.blocked_people)}</h2>
            {queue.blocked.is_empty().then(|| view! { <p>{tu_string!(i18n, facil.nobody_blocked)}</p> })}
            <FormAlert error=unblock_error form_id="sblocca" />
            <ul>
                {blocked_list}
            </ul>
        </section>
    }
}

#[component]
fn QueueEntry(item: QueueItem, slug: String, back: String, can_block: bool) -> impl IntoView {
    let i18n = use_i18n();
    let block = ServerAction::<BlockPerson>::new();
    let block_error = action_error(block);
    let link = match item.target_kind {
        TargetKind::Comment => {
            format!("/proposte/{}#commento-{}", item.proposal_id, item.target_id)
        }
        _ => format!("/proposte/{}", item.proposal_id),
    };
    let form_id = format!("blocca-{}", item.target_id);
    let (alert_id, reason_id) = (form_id.clone(), format!("{form_id}-motivo"));
    let target = item.target_id.to_string();
    view! {
        <li class="queue-item card card-bg" id=format!("voce-{target}")>
            <div class="card-body">
                <p class="card-meta">{kind_label(item.target_kind)} " · " {visibility_text(item.visibility)}
                    " · " {tu_string!(i18n, facil.reports_n, n = item.report_count).to_string()}</p>
                <h3 class="h5"><a href=link>{item.title.clone()}</a></h3>
                <p>{item.excerpt.clone()}</p>
                <p class="small">{tu_string!(i18n, proposal.author)} ": " {item.author_name.clone().unwrap_or_default()}</p>
                {(!item.reasons.is_empty()).then(|| view! {
                    <ul class="small">
                        {item.reasons.iter().map(|(reason, note)| view! { <li>{reason_label(*reason)} {(!note.is_empty()).then(|| format!(": {note}"))}</li> }).collect_view()}
                    </ul>
                })}
                <ModerateForm kind=item.target_kind id=target.clone() back=format!("{back}#coda") visibility=item.visibility reports=item.report_count />
                {item.author_id.filter(|_| can_block).map(|author| view! {
                    <details class="block-form">
                        <summary>{tu_string!(i18n, facil.block)}</summary>
                        <FormAlert error=block_error form_id=alert_id />
                        <ActionForm action=block attr:id=form_id>
                            <input type="hidden" name="process" value=slug.clone() />
                            <input type="hidden" name="persona" value=author.to_string() />
                            <input type="hidden" name="blocca" value="si" />
                            <input type="hidden" name="ritorno" value=format!("{back}#bloccati") />
                            <p class="form-hint">{tu_string!(i18n, facil.block_hint)}</p>
                            <label for=reason_id.clone()>{tu_string!(i18n, field.motivo)}</label>
                            <input class="form-control" type="text" id=reason_id name="motivo" maxlength="500" required=true />
                            <button type="submit" class="btn btn-sm btn-outline-danger">{tu_string!(i18n, facil.block_submit)}</button>
                        </ActionForm>
                    </details>
                })}
            </div>
        </li>
    }
}

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
