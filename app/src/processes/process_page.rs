//! A process: description, phases, directions, platforms, zones and figures.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::model::{ProcessDetail, ProcessStats};

use crate::admin::server_fns::SetRequirements;
use crate::facilitation::server_fns::get_transition_preview;
use crate::i18n::{t_string, tu_string, use_i18n};
use crate::participation::server_fns::{AdvancePhase, SetPhaseSettings};
use crate::participation::widgets::ClosedNote;
use crate::processes::server_fns::get_process;
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::labels::{phase_allows, phase_kind};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::session::SessionContext;
use crate::ui::timeline::Timeline;
use shared::model::ParticipationRequirements;
use shared::model::common::ParticipationAction;
use shared::model::facilitation::TransitionPreview;
use shared::model::{PhaseKind, PhaseTimeline};

/// The process page.
#[component]
pub fn ProcessPage() -> impl IntoView {
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    // The outcome is part of the key: after a settings change the page loads again.
    let detail = Resource::new(
        move || {
            (
                params.read().get("process").unwrap_or_default(),
                query.read().get("esito"),
            )
        },
        |(slug, _)| get_process(slug),
    );
    view! { <Loaded resource=detail render=|detail| view! { <ProcessView detail /> } /> }
}

/// The participation figures as big numbers.
#[component]
pub fn Stats(stats: ProcessStats) -> impl IntoView {
    let i18n = use_i18n();
    let stat = move |value: u64, label: &'static str| {
        view! {
            <li class="stat">
                <span class="stat-value">{move || format::number(i18n, value)}</span>
                " "
                <span class="stat-label">{label}</span>
            </li>
        }
    };
    view! {
        <ul class="stats">
            {move || stat(stats.proposals, tu_string!(i18n, process.proposals))}
            {(!stats.supports_hidden).then_some(move || stat(stats.supports, tu_string!(i18n, process.supports)))}
            {move || stat(stats.participants, tu_string!(i18n, process.participants))}
        </ul>
        {(stats.assisted_participants > 0).then(|| view! {
            <p class="small stats-note">
                {move || tu_string!(i18n, process.assisted_note, count = format::number(i18n, stats.assisted_participants)).to_string()}
            </p>
        })}
    }
}

#[component]
fn ProcessView(detail: ProcessDetail) -> impl IntoView {
    let i18n = use_i18n();
    let summary = detail.summary;
    let slug = summary.slug.clone();
    let list_href = format!("/processi/{slug}/proposte");
    let scope = summary.scope.clone();
    let title = summary.title.clone();
    let can_manage = detail.can_manage;
    view! {
        <Title text=title.clone() />
        <Breadcrumbs current=title.clone() />
        {summary.is_demo.then(|| view! { <p class="alert alert-info" role="note">{move || t_string!(i18n, site.demo)}</p> })}
        <h1>{title}</h1>
        <p class="lead">{summary.summary}</p>
        <dl class="facts">
            <dt>{move || t_string!(i18n, process.organization)}</dt>
            <dd>{summary.organization}</dd>
            <dt>{move || t_string!(i18n, process.scope)}</dt>
            <dd>
                {move || if scope == "metropolitano" {
                    tu_string!(i18n, process.scope_metropolitano)
                } else {
                    tu_string!(i18n, process.scope_comunale)
                }}
            </dd>
        </dl>
        <Timeline phases=summary.phases.clone() timeline=summary.timeline />
        <Outcome />
        <p class="process-actions">
            <a class="btn btn-primary" href=list_href>{move || t_string!(i18n, process.all_proposals)}</a>
            " "
            {detail.can_propose.is_open().then(|| view! {
                <a class="btn btn-outline-primary" href=format!("/processi/{slug}/proposte/nuova")>{tu_string!(i18n, proposals.write)}</a>
                " "
            })}
            <a class="btn btn-outline-secondary" href=format!("/processi/{slug}/risultati")>{tu_string!(i18n, take.results)}</a>
            " "
            <a class="btn btn-outline-secondary" href=format!("/processi/{slug}/registro-moderazione")>{tu_string!(i18n, facil.public_log)}</a>
            " "
            <a class="btn btn-outline-secondary" href=format!("/processi/{slug}/copertura")>{tu_string!(i18n, process.dup_coverage)}</a>
            " "
            <a class="btn btn-outline-secondary" href=format!("/processi/{slug}/monitoraggio")>{tu_string!(i18n, process.dup_monitoring)}</a>
            " "
            <a class="btn btn-outline-secondary" href=format!("/processi/{slug}/piano")>{tu_string!(i18n, plan.title)}</a>
        </p>
        {can_manage.then(|| view! {
            <nav class="facilitator-links" aria-label=tu_string!(i18n, facil.facilitation)>
                <p>
                    <strong>{tu_string!(i18n, facil.facilitation)} ": "</strong>
                    <a href=format!("/processi/{slug}/cruscotto")>{tu_string!(i18n, facil.dashboard)}</a>
                    " · "
                    <a href=format!("/processi/{slug}/moderazione")>{tu_string!(i18n, facil.moderation)}</a>
                    " · "
                    <a href=format!("/processi/{slug}/modifica")>{tu_string!(i18n, facil.edit_process)}</a>
                </p>
            </nav>
        })}
        {(!detail.can_propose.is_open()).then(|| view! {
            <ClosedNote availability=detail.can_propose.clone() sign_in_text=tu_string!(i18n, take.sign_in_to_propose) back=format!("/processi/{slug}/proposte/nuova") />
        })}
        {detail.can_manage.then(|| view! { <AdvancePhase slug=slug.clone() phases=summary.phases.clone() timeline=summary.timeline /> })}
        <Requirements slug=slug.clone() requirements=detail.requirements can_manage=detail.can_manage />

        <section aria-labelledby="figures">
            <h2 id="figures">{move || t_string!(i18n, process.figures)}</h2>
            <Stats stats=detail.stats />
        </section>

        <section aria-labelledby="about">
            <h2 id="about">{move || t_string!(i18n, process.about)}</h2>
            <div class="prose" inner_html=detail.description_html></div>
        </section>

        <section aria-labelledby="phases" id="fasi">
            <h2 id="phases">{move || t_string!(i18n, process.phases)}</h2>
            <ol class="phase-list">
                {summary
                    .phases
                    .into_iter()
                    .map(|phase| {
                        let (starts, ends, kind) = (phase.starts_on, phase.ends_on, phase.kind);
                        view! {
                            <li class="phase-list-item">
                                <h3 class="h5">{phase.title}</h3>
                                <p class="small">
                                    <span class="badge bg-light">{move || phase_kind(i18n, kind)}</span>
                                    " "
                                    {move || {
                                        tu_string!(i18n, process.from_to, from = format::date(i18n, starts), to = format::date(i18n, ends))
                                            .to_string()
                                    }}
                                </p>
                                <div class="prose" inner_html=phase.description_html></div>
                                <p class="small">
                                    <strong>{move || t_string!(i18n, allows.label)} ": "</strong>
                                    {move || phase_allows(i18n, kind).join(", ")}
                                </p>
                                {phase.supports_per_platform.map(|n| view! { <p class="small">{tu_string!(i18n, take.limit_note, n = n).to_string()}</p> })}
                                {(kind == PhaseKind::Voting && !phase.support_counts_visible).then(|| view! { <p class="small">{tu_string!(i18n, take.hidden_note)}</p> })}
                                {(can_manage && kind == PhaseKind::Voting).then(|| view! {
                                    <PhaseSettings slug=slug.clone() phase_id=phase.id.to_string() limit=phase.supports_per_platform visible=phase.support_counts_visible />
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>

        <section aria-labelledby="directions">
            <h2 id="directions">{move || t_string!(i18n, process.directions)}</h2>
            <div class="row">
                {detail
                    .directions
                    .into_iter()
                    .map(|d| {
                        let href = format!("/processi/{slug}/proposte?direzione={}", d.code);
                        let count = d.proposal_count;
                        let title = format!("{}. {}", d.code, d.title);
                        view! { <TopicCard href title motto=Some(d.motto) description_html=d.description_html count /> }
                    })
                    .collect_view()}
            </div>
        </section>

        <section aria-labelledby="platforms">
            <h2 id="platforms">{move || t_string!(i18n, process.platforms)}</h2>
            <div class="row">
                {detail
                    .platforms
                    .into_iter()
                    .map(|p| {
                        let href = format!("/processi/{slug}/piattaforme/{}", p.slug);
                        let count = p.proposal_count;
                        view! { <TopicCard href title=p.title motto=None description_html=p.description_html count /> }
                    })
                    .collect_view()}
            </div>
        </section>

        <section aria-labelledby="zones">
            <h2 id="zones">{move || t_string!(i18n, process.zones)}</h2>
            <ul class="zone-list">
                {detail
                    .zones
                    .into_iter()
                    .map(|z| {
                        let href = format!("/processi/{slug}/proposte?zona={}", z.slug);
                        let count = z.proposal_count;
                        view! {
                            <li>
                                <a href=href>{z.name}</a>
                                " ("
                                {move || format::number(i18n, count)}
                                ") — "
                                <span class="small">{z.description}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// For those who run the process: a voting phase's limits.
#[component]
fn PhaseSettings(
    slug: String,
    phase_id: String,
    limit: Option<u32>,
    visible: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetPhaseSettings>::new();
    let error = action_error(action);
    let form_id = format!("fase-{phase_id}");
    let limit_id = format!("{form_id}-sostegni");
    let visible_id = format!("{form_id}-visibili");
    let hint_id = format!("{limit_id}-hint");
    view! {
        <details class="settings">
            <summary>{tu_string!(i18n, take.phase_settings)}</summary>
            <FormAlert error form_id=form_id.clone() />
            <ActionForm action attr:id=form_id>
                <input type="hidden" name="process" value=slug />
                <input type="hidden" name="phase" value=phase_id />
                <div class="form-group">
                    <label for=limit_id.clone()>{tu_string!(i18n, take.supports_limit)}</label>
                    <p class="form-hint" id=hint_id.clone()>{tu_string!(i18n, take.supports_limit_hint)}</p>
                    <input class="form-control" type="number" min="1" max="1000" id=limit_id name="sostegni" value=limit.map(|n| n.to_string()) aria-describedby=hint_id />
                </div>
                <div class="form-check">
                    <input class="form-check-input" type="checkbox" id=visible_id.clone() name="visibili" value="si" checked=visible />
                    <label class="form-check-label" for=visible_id>{tu_string!(i18n, take.counts_visible)}</label>
                </div>
                <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, take.save_settings)}</button>
            </ActionForm>
        </details>
    }
}

/// For those who run the process: open the next phase now.
#[component]
fn AdvancePhase(
    slug: String,
    phases: Vec<shared::model::PhaseDto>,
    timeline: PhaseTimeline,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AdvancePhase>::new();
    let error = action_error(action);
    let preview = Resource::new(
        {
            let slug = slug.clone();
            move || slug.clone()
        },
        get_transition_preview,
    );
    let next = match timeline {
        PhaseTimeline::Running(i) => phases.get(i + 1),
        PhaseTimeline::NotStarted => phases.first(),
        PhaseTimeline::Between(i) => phases.get(i),
        PhaseTimeline::Concluded => return None,
    };
    let label = match next {
        Some(phase) => tu_string!(i18n, take.advance_to, phase = phase.title.clone()).to_string(),
        None => tu_string!(i18n, take.conclude).to_owned(),
    };
    Some(view! {
        <details class="settings" id="fasi-avanza">
            <summary>{tu_string!(i18n, take.advance)}</summary>
            <p class="small">{tu_string!(i18n, take.advance_hint)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { preview.await.ok().map(|p| view! { <TransitionPreviewView preview=p /> }) })}
            </Suspense>
            <FormAlert error form_id="avanza" />
            <ActionForm action attr:id="avanza">
                <input type="hidden" name="process" value=slug />
                <button type="submit" class="btn btn-outline-primary">{label}</button>
            </ActionForm>
        </details>
    })
}

fn action_name(action: ParticipationAction) -> String {
    let i18n = use_i18n();
    match action {
        ParticipationAction::Propose => tu_string!(i18n, facil.act_propose),
        ParticipationAction::Comment => tu_string!(i18n, facil.act_comment),
        ParticipationAction::Support => tu_string!(i18n, facil.act_support),
    }
    .to_owned()
}

/// What the next move opens and closes, read before making it.
#[component]
fn TransitionPreviewView(preview: TransitionPreview) -> impl IntoView {
    let i18n = use_i18n();
    let list = |actions: &[ParticipationAction]| {
        if actions.is_empty() {
            tu_string!(i18n, facil.act_nothing).to_owned()
        } else {
            actions
                .iter()
                .map(|a| action_name(*a))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    view! {
        <div class="callout note transition-preview" id="anteprima">
            <p class="callout-title">{tu_string!(i18n, facil.preview)}</p>
            <ul>
                <li>{match preview.closes_phase.clone() {
                    Some(phase) => tu_string!(i18n, facil.preview_closes, phase = phase, date = format::date(i18n, preview.today)).to_string(),
                    None => tu_string!(i18n, facil.preview_none_running).to_owned(),
                }}</li>
                <li>{match preview.opens_phase.clone() {
                    Some(phase) => tu_string!(i18n, facil.preview_opens, phase = phase, date = format::date(i18n, preview.today)).to_string(),
                    None => tu_string!(i18n, facil.preview_concludes).to_owned(),
                }}</li>
                <li><strong>{tu_string!(i18n, facil.preview_opened)}</strong> " " {list(&preview.opened)}</li>
                <li><strong>{tu_string!(i18n, facil.preview_closed)}</strong> " " {list(&preview.closed)}</li>
                <li><strong>{tu_string!(i18n, facil.preview_still)}</strong> " " {list(&preview.still_open)}</li>
                <li>{tu_string!(i18n, facil.preview_followers, n = preview.followers).to_string()}</li>
            </ul>
        </div>
    }
}

/// A strategic direction or platform: its name (a link to its proposals),
/// motto, description and number of proposals.
#[component]
fn TopicCard(
    href: String,
    title: String,
    motto: Option<String>,
    description_html: String,
    count: u64,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="col-12 col-md-6 col-lg-4">
            <article class="card card-bg">
                <div class="card-body">
                    <h3 class="card-title h5"><a href=href>{title}</a></h3>
                    {motto.map(|motto| view! { <p class="card-text"><em>{motto}</em></p> })}
                    <div class="prose small" inner_html=description_html></div>
                    <p class="card-signature">
                        {move || t_string!(i18n, process.proposals_count, count = format::number(i18n, count)).to_string()}
                    </p>
                </div>
            </article>
        </div>
    }
}

/// Who can take part (said before anyone tries), and for those who run the
/// process, the form that changes it.
#[component]
fn Requirements(
    slug: String,
    requirements: ParticipationRequirements,
    can_manage: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<SessionContext>().0;
    let needs_verification = requirements.verified_to_propose || requirements.verified_to_support;
    let action = ServerAction::<SetRequirements>::new();
    let error = action_error(action);
    view! {
        <section aria-labelledby="requirements" class="requirements">
            <h2 id="requirements">{tu_string!(i18n, requirements.title)}</h2>
            {requirements.verified_to_propose.then(|| view! { <p>{tu_string!(i18n, requirements.propose_verified)}</p> })}
            {requirements.verified_to_support.then(|| view! { <p>{tu_string!(i18n, requirements.support_verified)}</p> })}
            {(!needs_verification).then(|| view! { <p>{tu_string!(i18n, requirements.open_to_all)}</p> })}
            {needs_verification.then(|| view! {
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let unverified = session.await.ok().and_then(|s| s.user).is_some_and(|u| !u.is_verified());
                        unverified.then(|| view! { <p><a href="/profilo#residenza">{tu_string!(i18n, requirements.verify_link)}</a></p> })
                    })}
                </Transition>
            })}
            {can_manage.then(|| view! {
                <details class="settings">
                    <summary>{tu_string!(i18n, requirements.settings_title)}</summary>
                    <FormAlert error form_id="requisiti" />
                    <ActionForm action attr:id="requisiti">
                        <input type="hidden" name="process" value=slug.clone() />
                        <div class="form-check">
                            <input class="form-check-input" type="checkbox" id="requisiti-propose" name="verified_to_propose" value="si" checked=requirements.verified_to_propose />
                            <label class="form-check-label" for="requisiti-propose">{tu_string!(i18n, requirements.propose_checkbox)}</label>
                        </div>
                        <div class="form-check">
                            <input class="form-check-input" type="checkbox" id="requisiti-support" name="verified_to_support" value="si" checked=requirements.verified_to_support />
                            <label class="form-check-label" for="requisiti-support">{tu_string!(i18n, requirements.support_checkbox)}</label>
                        </div>
                        <button type="submit" class="btn btn-primary">{tu_string!(i18n, requirements.save)}</button>
                    </ActionForm>
                </details>
            })}
        </section>
    }
}
