//! Moderation in the open: moderators (the facilitators of its platform or
//! process) hide, restore or approve a proposal or comment with a reason,
//! and set a process's moderation (pre-moderation, the report threshold).
//! Every decision goes to the public moderation log (never naming who
//! reported or who decided) and to the administrators' action log. Reports
//! are in [`reports`](super::reports), blocks in [`blocks`](super::blocks),
//! what waits for a decision in [`queue`](super::queue).

use crate::service::common::db::begin_write;
use crate::service::participation::lookup;
use crate::service::participation::visibility::ensure_not_blocked;
use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::common::Refusal;
use crate::model::common::Visibility;
use crate::model::facilitation::{
    ModerationAction, ModerationDecision, ModerationLogEntry, ModerationLogPage, ModerationReason,
    TargetKind,
};
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::entity::{comment, moderation_entry, process, proposal, report, user};
use crate::service::processes::lookup::find_by_slug;
use crate::service::{Ctx, ServiceError, common::audit, common::markdown, participation::comments};

/// Entries per page of the public log.
pub const LOG_PAGE_SIZE: u64 = 50;
/// Most reports a process may need before hiding.
pub const MAX_THRESHOLD: i32 = 100;

/// Writes one entry of the public log and of the administrators' log.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn log(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    process_id: Uuid,
    action: ModerationAction,
    kind: TargetKind,
    target_id: Option<Uuid>,
    label: &str,
    reason: &str,
) -> Result<(), ServiceError> {
    let label: String = label.chars().take(200).collect();
    moderation_entry::Entity::insert(moderation_entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        process_id: Set(process_id),
        action: Set(action.as_str().to_owned()),
        target_kind: Set(kind.as_str().to_owned()),
        target_id: Set(target_id),
        target_label: Set(label.clone()),
        reason: Set(reason.to_owned()),
        moderator_id: Set(ctx.actor.person().map(|p| p.id)),
        created_at: Set(ctx.now),
    })
    .exec_without_returning(db)
    .await?;
    audit::record(
        db,
        ctx,
        &format!("moderazione.{}", action.as_str()),
        None,
        format!(
            "{} {} «{label}»: {reason}",
            kind.as_str(),
            target_id.map(|id| id.to_string()).unwrap_or_default()
        ),
    )
    .await
}

/// How the public log names content it must not show.
const GENERIC_COMMENT: &str = "Un commento a una proposta";
/// How the public log names a proposal it must not show.
const GENERIC_PROPOSAL: &str = "Una proposta";
/// How the public log names a person: never by name (a block is public, who
/// was blocked is not, and a name kept in the log would outlive the account).
pub(crate) const GENERIC_PERSON: &str = "Una persona";

/// The content a report or decision is about.
pub(crate) struct Target {
    pub(crate) kind: TargetKind,
    pub(crate) id: Uuid,
    pub(crate) proposal: proposal::Model,
    pub(crate) comment: Option<comment::Model>,
}

impl Target {
    pub(crate) async fn load(ctx: &Ctx, kind: &str, id: Uuid) -> Result<Self, ServiceError> {
        let kind = TargetKind::parse(kind)
            .filter(|k| matches!(k, TargetKind::Proposal | TargetKind::Comment))
            .ok_or_else(|| ServiceError::field("tipo", FieldProblem::NotRecognized))?;
        let comment = match kind {
            TargetKind::Comment => Some(
                comment::Entity::find_by_id(id)
                    .one(&ctx.db)
                    .await?
                    .filter(|c| c.deleted_at.is_none())
                    .ok_or(ServiceError::NotFound("comment"))?,
            ),
            _ => None,
        };
        let proposal_id = comment.as_ref().map_or(id, |c| c.proposal_id);
        let proposal = lookup::find(&ctx.db, proposal_id).await?;
        Ok(Self {
            kind,
            id,
            proposal,
            comment,
        })
    }

    pub(crate) fn visibility(&self) -> &str {
        match &self.comment {
            Some(c) => &c.visibility,
            None => &self.proposal.visibility,
        }
    }

    pub(crate) fn author(&self) -> Option<Uuid> {
        match &self.comment {
            Some(c) => c.author_id,
            None => self.proposal.author_id,
        }
    }

    /// How the public log names it: never the content itself when it is
    /// being taken out of sight (the log must not republish what it hides).
    /// Nor the title of a proposal out of public sight, even when the
    /// decision is about one of its comments.
    pub(crate) fn public_label(&self, hiding: bool) -> String {
        let proposal_public = self.proposal.visibility == Visibility::Visible.as_str();
        match (&self.comment, hiding) {
            (Some(_), true) => GENERIC_COMMENT.to_owned(),
            (None, true) => GENERIC_PROPOSAL.to_owned(),
            (Some(_), false) if !proposal_public => GENERIC_COMMENT.to_owned(),
            (Some(_), false) => format!("Commento a «{}»", self.proposal.title),
            (None, false) => self.proposal.title.clone(),
        }
    }

    /// How the administrators' log names it (with the text, for the record).
    pub(crate) fn full_label(&self) -> String {
        match &self.comment {
            Some(c) => format!(
                "Commento a «{}»: {}",
                self.proposal.title,
                markdown::excerpt(&c.body_md, 80)
            ),
            None => self.proposal.title.clone(),
        }
    }

    pub(crate) fn scope(&self) -> Scope {
        Scope::Platform {
            process: self.proposal.process_id,
            platform: self.proposal.platform_id,
        }
    }

    /// Sets the visibility (and note) if it is still `from`; returns whether it changed.
    pub(crate) async fn set_visibility(
        &self,
        db: &impl ConnectionTrait,
        from: &[Visibility],
        to: Visibility,
        note: Option<&str>,
        reset_reports: bool,
    ) -> Result<bool, ServiceError> {
        let from: Vec<&str> = from.iter().map(|v| v.as_str()).collect();
        let changed = match self.kind {
            TargetKind::Comment => {
                let mut update = comment::Entity::update_many()
                    .col_expr(comment::Column::Visibility, Expr::value(to.as_str()))
                    .col_expr(
                        comment::Column::ModerationNote,
                        Expr::value(note.map(str::to_owned)),
                    );
                if reset_reports {
                    update = update.col_expr(comment::Column::ReportCount, Expr::value(0));
                }
                update
                    .filter(comment::Column::Id.eq(self.id))
                    .filter(comment::Column::DeletedAt.is_null())
                    .filter(comment::Column::Visibility.is_in(from))
                    .exec(db)
                    .await?
                    .rows_affected
            }
            _ => {
                let mut update = proposal::Entity::update_many()
                    .col_expr(proposal::Column::Visibility, Expr::value(to.as_str()))
                    .col_expr(
                        proposal::Column::ModerationNote,
                        Expr::value(note.map(str::to_owned)),
                    );
                if reset_reports {
                    update = update.col_expr(proposal::Column::ReportCount, Expr::value(0));
                }
                update
                    .filter(proposal::Column::Id.eq(self.id))
                    .filter(proposal::Column::Visibility.is_in(from))
                    .exec(db)
                    .await?
                    .rows_affected
            }
        };
        Ok(changed == 1)
    }
}

/// A moderator decides on a proposal or comment: hide it, restore it (which
/// also dismisses its reports), or approve it under pre-moderation.
pub async fn decide(
    ctx: &Ctx,
    kind: &str,
    target_id: Uuid,
    decision: ModerationDecision,
    reason: &str,
) -> Result<(), ServiceError> {
    let target = Target::load(ctx, kind, target_id).await?;
    authorize(ctx, Operation::ModerateContent, target.scope())?;
    let reason = match decision {
        ModerationDecision::Approve if reason.trim().is_empty() => None,
        _ => Some(ModerationReason::parse(reason).map_err(|p| ServiceError::field("motivo", p))?),
    };
    let reason_text = reason.as_ref().map_or("", |r| r.as_str());
    let process_id = target.proposal.process_id;
    let txn = begin_write(&ctx.db).await?;
    let (changed, action) = match decision {
        ModerationDecision::Hide => {
            // A comment refused under pre-moderation now counts like any
            // hidden one (a placeholder keeps its place), so a later restore
            // or deletion keeps the count right. Which case applies is
            // decided by the update itself, not by what was read before.
            let was_pending = target
                .set_visibility(
                    &txn,
                    &[Visibility::Pending],
                    Visibility::Hidden,
                    Some(reason_text),
                    false,
                )
                .await?;
            if was_pending && let Some(c) = &target.comment {
                comments::counted(&txn, c.proposal_id, c.parent_id).await?;
            }
            let changed = was_pending
                || target
                    .set_visibility(
                        &txn,
                        &[Visibility::Visible, Visibility::Reported],
                        Visibility::Hidden,
                        Some(reason_text),
                        false,
                    )
                    .await?;
            (changed, Some(ModerationAction::Hidden))
        }
        ModerationDecision::Restore => {
            let was_out = target.visibility() != Visibility::Visible.as_str();
            let changed = target
                .set_visibility(
                    &txn,
                    &[
                        Visibility::Visible,
                        Visibility::Reported,
                        Visibility::Hidden,
                    ],
                    Visibility::Visible,
                    None,
                    true,
                )
                .await?;
            (changed, was_out.then_some(ModerationAction::Restored))
        }
        ModerationDecision::Approve => {
            if let Some(author) = target.author() {
                ensure_not_blocked(&txn, author, process_id).await?;
            }
            let changed = target
                .set_visibility(
                    &txn,
                    &[Visibility::Pending],
                    Visibility::Visible,
                    None,
                    false,
                )
                .await?;
            if changed && let Some(c) = &target.comment {
                let author = match c.author_id {
                    Some(id) => user::Entity::find_by_id(id)
                        .one(&txn)
                        .await?
                        .map(|u| u.display_name),
                    None => None,
                };
                comments::counted(&txn, c.proposal_id, c.parent_id).await?;
                comments::announce(
                    &txn,
                    ctx,
                    &target.proposal,
                    c.id,
                    c.author_id,
                    author.as_deref().unwrap_or("—"),
                )
                .await?;
            }
            (changed, Some(ModerationAction::Approved))
        }
    };
    if !changed {
        txn.rollback().await?;
        return Err(ServiceError::Refused(Refusal::ModerationStale));
    }
    report::Entity::update_many()
        .col_expr(report::Column::ResolvedAt, Expr::value(Some(ctx.now)))
        .filter(report::Column::TargetId.eq(target.id))
        .filter(report::Column::ResolvedAt.is_null())
        .exec(&txn)
        .await?;
    match action {
        Some(action) => {
            log(
                &txn,
                ctx,
                process_id,
                action,
                target.kind,
                Some(target.id),
                &target.public_label(action == ModerationAction::Hidden),
                if reason_text.is_empty() {
                    "Conforme alle regole del percorso"
                } else {
                    reason_text
                },
            )
            .await?
        }
        None => {
            audit::record(
                &txn,
                ctx,
                "moderazione.segnalazioni_archiviate",
                None,
                format!(
                    "{} «{}»: {reason_text}",
                    target.kind.as_str(),
                    target.full_label()
                ),
            )
            .await?
        }
    }
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

/// Sets pre-moderation and the report threshold of a process.
pub async fn set_settings(
    ctx: &Ctx,
    process_slug: &str,
    pre_moderation: bool,
    report_threshold: i32,
) -> Result<(), ServiceError> {
    let process = find_by_slug(ctx, process_slug).await?;
    authorize(
        ctx,
        Operation::SetModerationSettings,
        Scope::Process(process.id),
    )?;
    if !(1..=MAX_THRESHOLD).contains(&report_threshold) {
        return Err(ServiceError::field(
            "soglia",
            FieldProblem::TooLong {
                max: MAX_THRESHOLD as usize,
            },
        ));
    }
    let txn = begin_write(&ctx.db).await?;
    process::Entity::update_many()
        .col_expr(process::Column::PreModeration, Expr::value(pre_moderation))
        .col_expr(
            process::Column::ReportThreshold,
            Expr::value(report_threshold),
        )
        .filter(process::Column::Id.eq(process.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        ctx,
        "moderazione.impostazioni",
        None,
        format!(
            "{}: pre-moderazione {}, soglia {report_threshold} segnalazioni",
            process.slug,
            if pre_moderation { "sì" } else { "no" }
        ),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

/// The public moderation log of a process, newest first. `before` is the id
/// of the last entry already shown.
pub async fn public_log(
    ctx: &Ctx,
    process_slug: &str,
    before: Option<&str>,
) -> Result<ModerationLogPage, ServiceError> {
    authorize(ctx, Operation::ViewModerationLog, Scope::Global)?;
    let process = find_by_slug(ctx, process_slug).await?;
    let mut select = moderation_entry::Entity::find()
        .filter(moderation_entry::Column::ProcessId.eq(process.id))
        .order_by_desc(moderation_entry::Column::CreatedAt)
        .order_by_desc(moderation_entry::Column::Id);
    if let Some(raw) = before.filter(|b| !b.is_empty()) {
        let id = Uuid::try_parse(raw)
            .map_err(|_| ServiceError::field("prima", FieldProblem::Malformed))?;
        let anchor = moderation_entry::Entity::find_by_id(id)
            .one(&ctx.db)
            .await?
            .ok_or_else(|| ServiceError::field("prima", FieldProblem::NotRecognized))?;
        select = select.filter(
            Condition::any()
                .add(moderation_entry::Column::CreatedAt.lt(anchor.created_at))
                .add(
                    Condition::all()
                        .add(moderation_entry::Column::CreatedAt.eq(anchor.created_at))
                        .add(moderation_entry::Column::Id.lt(anchor.id)),
                ),
        );
    }
    let mut rows = select.limit(LOG_PAGE_SIZE + 1).all(&ctx.db).await?;
    let next = if rows.len() as u64 > LOG_PAGE_SIZE {
        rows.truncate(LOG_PAGE_SIZE as usize);
        rows.last().map(|r| r.id.to_string())
    } else {
        None
    };
    // Comments link to their proposal; what is now out of public sight is
    // named generically, whatever the entry said when it was written.
    let comment_ids: Vec<Uuid> = rows
        .iter()
        .filter(|r| r.target_kind == TargetKind::Comment.as_str())
        .filter_map(|r| r.target_id)
        .collect();
    let comment_parents: HashMap<Uuid, Uuid> = if comment_ids.is_empty() {
        HashMap::new()
    } else {
        comment::Entity::find()
            .select_only()
            .column(comment::Column::Id)
            .column(comment::Column::ProposalId)
            .filter(comment::Column::Id.is_in(comment_ids))
            .into_tuple::<(Uuid, Uuid)>()
            .all(&ctx.db)
            .await?
            .into_iter()
            .collect()
    };
    let mut proposal_ids: Vec<Uuid> = comment_parents.values().copied().collect();
    proposal_ids.extend(
        rows.iter()
            .filter(|r| r.target_kind == TargetKind::Proposal.as_str())
            .filter_map(|r| r.target_id),
    );
    let public_proposals: HashSet<Uuid> = if proposal_ids.is_empty() {
        HashSet::new()
    } else {
        proposal::Entity::find()
            .select_only()
            .column(proposal::Column::Id)
            .filter(proposal::Column::Id.is_in(proposal_ids))
            .filter(proposal::Column::Visibility.eq(Visibility::Visible.as_str()))
            .into_tuple::<Uuid>()
            .all(&ctx.db)
            .await?
            .into_iter()
            .collect()
    };
    let entries = rows
        .into_iter()
        .filter_map(|r| {
            let kind = TargetKind::parse(&r.target_kind)?;
            let in_sight =
                |proposal: Option<&Uuid>| proposal.is_some_and(|p| public_proposals.contains(p));
            let target_label = match kind {
                TargetKind::Person => GENERIC_PERSON.to_owned(),
                TargetKind::Proposal if !in_sight(r.target_id.as_ref()) => {
                    GENERIC_PROPOSAL.to_owned()
                }
                TargetKind::Comment
                    if !in_sight(r.target_id.and_then(|c| comment_parents.get(&c))) =>
                {
                    GENERIC_COMMENT.to_owned()
                }
                _ => r.target_label,
            };
            let link = match (kind, r.target_id) {
                (TargetKind::Proposal, Some(id)) => Some(format!("/proposte/{id}")),
                (TargetKind::Comment, Some(id)) => comment_parents
                    .get(&id)
                    .map(|p| format!("/proposte/{p}#commento-{id}")),
                (TargetKind::Project, Some(id)) => Some(format!("/progetti/{id}")),
                _ => None,
            };
            Some(ModerationLogEntry {
                id: r.id,
                action: ModerationAction::parse(&r.action)?,
                target_kind: kind,
                link,
                target_label,
                reason: r.reason,
                at: r.created_at,
            })
        })
        .collect();
    Ok(ModerationLogPage {
        process: NamedRef {
            key: process.slug,
            name: process.title,
        },
        entries,
        next,
    })
}
