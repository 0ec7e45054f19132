//! Words for what facilitators see: agreement kinds, moderation actions,
//! the kinds of content.

use shared::model::facilitation::{AgreementKind, ModerationAction, TargetKind};

use crate::i18n::{tu_string, use_i18n};

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

pub(crate) fn action_label(action: ModerationAction) -> String {
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

pub(crate) fn kind_label(kind: TargetKind) -> String {
    let i18n = use_i18n();
    match kind {
        TargetKind::Proposal => tu_string!(i18n, facil.kind_proposal),
        TargetKind::Comment => tu_string!(i18n, facil.kind_comment),
        TargetKind::Person => tu_string!(i18n, facil.kind_person),
        TargetKind::Project => tu_string!(i18n, facil.kind_project),
    }
    .to_owned()
}
