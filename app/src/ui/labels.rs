//! Translated names of the domain's enums.

use leptos::prelude::*;
use shared::model::common::{EditLock, ParticipationAction, Refusal};
use shared::model::{PhaseKind, ProposalState};

use leptos_i18n::I18nContext;

use crate::i18n::{Locale, tu_string, use_i18n};
use crate::ui::format;

/// The name of a phase kind.
pub fn phase_kind(i18n: I18nContext<Locale>, kind: PhaseKind) -> &'static str {
    match kind {
        PhaseKind::Information => tu_string!(i18n, phase_kind.information),
        PhaseKind::Proposals => tu_string!(i18n, phase_kind.proposals),
        PhaseKind::Deliberation => tu_string!(i18n, phase_kind.deliberation),
        PhaseKind::Voting => tu_string!(i18n, phase_kind.voting),
        PhaseKind::Synthesis => tu_string!(i18n, phase_kind.synthesis),
        PhaseKind::Approval => tu_string!(i18n, phase_kind.approval),
        PhaseKind::Monitoring => tu_string!(i18n, phase_kind.monitoring),
    }
}

/// The name of a proposal state.
pub fn proposal_state(i18n: I18nContext<Locale>, state: ProposalState) -> &'static str {
    match state {
        ProposalState::Published => tu_string!(i18n, state.published),
        ProposalState::UnderEvaluation => tu_string!(i18n, state.under_evaluation),
        ProposalState::Accepted => tu_string!(i18n, state.accepted),
        ProposalState::Rejected => tu_string!(i18n, state.rejected),
        ProposalState::Withdrawn => tu_string!(i18n, state.withdrawn),
        ProposalState::Merged => tu_string!(i18n, state.merged),
    }
}

/// What participants can do in a phase of this kind, as a sentence fragment list.
pub fn phase_allows(i18n: I18nContext<Locale>, kind: PhaseKind) -> Vec<&'static str> {
    let allows = kind.allows();
    let mut out = Vec::new();
    if allows.proposing {
        out.push(tu_string!(i18n, allows.proposing));
    }
    if allows.commenting {
        out.push(tu_string!(i18n, allows.commenting));
    }
    if allows.supporting {
        out.push(tu_string!(i18n, allows.supporting));
    }
    if out.is_empty() {
        out.push(tu_string!(i18n, allows.reading));
    }
    out
}

/// A coloured badge with a proposal's state (the text says it, not only the colour).
#[component]
pub fn StateBadge(state: ProposalState) -> impl IntoView {
    let i18n = use_i18n();
    let class = match state {
        ProposalState::Published => "badge bg-primary",
        ProposalState::UnderEvaluation => "badge bg-warning",
        ProposalState::Accepted => "badge bg-success",
        ProposalState::Rejected => "badge bg-danger",
        ProposalState::Withdrawn => "badge bg-secondary",
        ProposalState::Merged => "badge bg-light",
    };
    view! { <span class=class>{move || proposal_state(i18n, state)}</span> }
}

/// The name of a role.
pub fn role_name(role: shared::model::Role) -> &'static str {
    use shared::model::Role;
    let i18n = use_i18n();
    match role {
        Role::Verified => tu_string!(i18n, role.verified),
        Role::Staff => tu_string!(i18n, role.staff),
        Role::Facilitator => tu_string!(i18n, role.facilitator),
        Role::Council => tu_string!(i18n, role.council),
        Role::Admin => tu_string!(i18n, role.admin),
    }
}

/// A role as held: its name, and where (process or platform).
pub fn role_label(view: &shared::model::RoleView) -> String {
    let name = role_name(view.role);
    match (&view.platform, &view.process) {
        (Some(platform), Some(process)) => format!("{name} · {platform} ({process})"),
        (Some(platform), None) => format!("{name} · {platform}"),
        (None, Some(process)) => format!("{name} · {process}"),
        (None, None) => name.to_owned(),
    }
}

/// Why an action is refused, in a sentence or two.
pub fn refusal_text(refusal: &Refusal) -> String {
    let i18n = use_i18n();
    match refusal {
        Refusal::PhaseClosed { action, opens } => {
            let closed = match action {
                ParticipationAction::Propose => tu_string!(i18n, take.phase_closed_propose),
                ParticipationAction::Comment => tu_string!(i18n, take.phase_closed_comment),
                ParticipationAction::Support => tu_string!(i18n, take.phase_closed_support),
            };
            let when = match opens {
                Some(opening) => tu_string!(
                    i18n,
                    take.opens,
                    phase = opening.phase_title.clone(),
                    date = format::date(i18n, opening.starts_on)
                )
                .to_string(),
                None => tu_string!(i18n, take.no_more).to_owned(),
            };
            format!("{closed} {when}")
        }
        Refusal::VerificationRequired { action } => match action {
            ParticipationAction::Support => tu_string!(i18n, take.verification_support),
            _ => tu_string!(i18n, take.verification_propose),
        }
        .to_owned(),
        Refusal::SupportLimitReached { limit } => {
            tu_string!(i18n, take.limit_reached, limit = *limit).to_string()
        }
        Refusal::ProposalClosed { state } => tu_string!(
            i18n,
            take.proposal_closed,
            state = proposal_state(i18n, *state)
        )
        .to_string(),
        Refusal::EditWindowClosed { reason } => match reason {
            EditLock::Supported => tu_string!(i18n, take.edit_supported),
            EditLock::Commented => tu_string!(i18n, take.edit_commented),
            EditLock::PhaseOver => tu_string!(i18n, take.edit_phase_over),
            EditLock::NotPublished => tu_string!(i18n, take.edit_not_published),
        }
        .to_owned(),
        Refusal::ThreadTooDeep { max_depth } => {
            tu_string!(i18n, take.too_deep, depth = *max_depth).to_string()
        }
        Refusal::CommentDeleted => tu_string!(i18n, take.comment_deleted).to_owned(),
        Refusal::Blocked => tu_string!(i18n, take.blocked).to_owned(),
        Refusal::ModerationStale => tu_string!(i18n, take.moderation_stale).to_owned(),
        Refusal::OutOfSight => tu_string!(i18n, take.out_of_sight).to_owned(),
        Refusal::MonitoringClosed => tu_string!(i18n, dup.monitoring_closed).to_owned(),
        Refusal::TooManyTokens { max } => tu_string!(i18n, tokens.too_many, max = *max).to_string(),
        Refusal::ApprovalClosed => tu_string!(i18n, plan.approval_closed).to_owned(),
        Refusal::EditionOfAnotherOrganization => {
            tu_string!(i18n, dup.other_organization).to_owned()
        }
        Refusal::DemoOnRealData => tu_string!(i18n, demo.real_data).to_owned(),
        Refusal::PlanAlreadyApproved { version } => {
            tu_string!(i18n, plan.already_approved, version = *version).to_string()
        }
        Refusal::TooManyImages { max } => {
            tu_string!(i18n, take.too_many_images, max = *max).to_string()
        }
    }
}
