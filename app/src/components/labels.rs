//! Translated names of the domain's enums.

use leptos::prelude::*;
use shared::model::{PhaseKind, ProposalState};

use leptos_i18n::I18nContext;

use crate::i18n::{Locale, tu_string, use_i18n};

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
