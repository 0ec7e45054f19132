//! Moderation in the open: anyone signed in reports a proposal or comment
//! (once per person, by the database); enough distinct reports hide it until
//! a moderator decides; moderators (the facilitators of its platform or
//! process) hide, restore or approve with a reason, and block a person in a
//! process; a process can hold new contributions for approval. Every
//! decision goes to the public moderation log (never naming who reported or
//! who decided) and to the administrators' action log.

use crate::service::accounts::people;
use crate::service::participation::lookup;
use crate::service::participation::visibility::ensure_not_blocked;
use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::common::Refusal;
use crate::model::common::Visibility;
use crate::model::facilitation::{
    BlockedPerson, ModerationAction, ModerationDecision, ModerationLogEntry, ModerationLogPage,
    ModerationQueue, ModerationReason, QueueItem, ReportReason, TargetKind,
};
use crate::service::common::authz::{Operation, Scope, authorize, permits, person};
use crate::service::entity::{
    comment, moderation_entry, process, process_block, proposal, report, user,
};
use crate::service::processes::lookup::{find_by_slug, platforms_of};
use crate::service::{
    Actor, Ctx, ServiceError, common::audit, common::markdown, participation::comments,
};

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

/// The content a report or decision is about.
struct Target {
    kind: TargetKind,
    id: Uuid,
    proposal: proposal::Model,
    comment: Option<comment::Model>,
}

impl Target {
    async fn load(ctx: &Ctx, kind: &str, id: Uuid) -> Result<Self, ServiceError> {
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

    fn visibility(&self) -> &str {
        match &self.comment {
            Some(c) => &c.visibility,
            None => &self.proposal.visibility,
        }
    }

    fn author(&self) -> Option<Uuid> {
        match &self.comment {
            Some(c) => c.author_id,
            None => self.proposal.author_id,
        }
    }

    /// How the public log names it: never the content itself when it is
    /// being taken out of sight (the log must not republish what it hides).
    fn public_label(&self, hiding: bool) -> String {
        match (&self.comment, hiding) {
            (Some(_), true) => "Un commento a una proposta".to_owned(),
            (None, true) => "Una proposta".to_owned(),
            (Some(_), false) => format!("Commento a «{}»", self.proposal.title),
            (None, false) => self.proposal.title.clone(),
        }
    }

    /// How the administrators' log names it (with the text, for the record).
    fn full_label(&self) -> String {
        match &self.comment {
            Some(c) => format!(
                "Commento a «{}»: {}",
                self.proposal.title,
                markdown::excerpt(&c.body_md, 80)
            ),
            None => self.proposal.title.clone(),
        }
    }

    fn scope(&self) -> Scope {
        Scope::Platform {
            process: self.proposal.process_id,
            platform: self.proposal.platform_id,
        }
    }

    /// Sets the visibility (and note) if it is still `from`; returns whether it changed.
    async fn set_visibility(
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

/// Reports a proposal or comment. Reporting twice changes nothing. Enough
/// distinct reports hide it until a moderator decides.
pub async fn report(
    ctx: &Ctx,
    kind: &str,
    target_id: Uuid,
    reason: &str,
    note: &str,
) -> Result<(), ServiceError> {
    authorize(ctx, Operation::ReportContent, Scope::Global)?;
    let me = person(ctx)?.id;
    let reason = ReportReason::parse(reason.trim())
        .ok_or_else(|| ServiceError::field("motivo", FieldProblem::NotRecognized))?;
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(ServiceError::field(
            "nota",
            FieldProblem::TooLong { max: 500 },
        ));
    }
    if reason == ReportReason::Other && note.is_empty() {
        return Err(ServiceError::field("nota", FieldProblem::Empty));
    }
    let target = Target::load(ctx, kind, target_id).await?;
    if target.visibility() != Visibility::Visible.as_str() {
        // Already out of sight: a moderator will decide.
        return Ok(());
    }
    if target.author() == Some(me) {
        return Err(ServiceError::Forbidden);
    }
    ensure_not_blocked(&ctx.db, me, target.proposal.process_id).await?;
    let process = process::Entity::find_by_id(target.proposal.process_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("process"))?;
    let txn = ctx.db.begin().await?;
    let inserted = report::Entity::insert(report::ActiveModel {
        id: Set(Uuid::now_v7()),
        process_id: Set(process.id),
        target_kind: Set(target.kind.as_str().to_owned()),
        target_id: Set(target.id),
        reporter_id: Set(Some(me)),
        reason: Set(reason.as_str().to_owned()),
        note: Set(note.to_owned()),
        created_at: Set(ctx.now),
        resolved_at: Set(None),
    })
    .on_conflict(
        OnConflict::columns([report::Column::TargetId, report::Column::ReporterId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        txn.rollback().await?;
        return Ok(());
    }
    // Count, then hide once the threshold is reached (compare-and-set).
    let threshold = Ord::max(process.report_threshold, 1);
    let hidden = match target.kind {
        TargetKind::Comment => {
            comment::Entity::update_many()
                .col_expr(
                    comment::Column::ReportCount,
                    Expr::col(comment::Column::ReportCount).add(1),
                )
                .filter(comment::Column::Id.eq(target.id))
                .exec(&txn)
                .await?;
            comment::Entity::update_many()
                .col_expr(
                    comment::Column::Visibility,
                    Expr::value(Visibility::Reported.as_str()),
                )
                .filter(comment::Column::Id.eq(target.id))
                .filter(comment::Column::Visibility.eq(Visibility::Visible.as_str()))
                .filter(comment::Column::ReportCount.gte(threshold))
                .exec(&txn)
                .await?
                .rows_affected
        }
        _ => {
            proposal::Entity::update_many()
                .col_expr(
                    proposal::Column::ReportCount,
                    Expr::col(proposal::Column::ReportCount).add(1),
                )
                .filter(proposal::Column::Id.eq(target.id))
                .exec(&txn)
                .await?;
            proposal::Entity::update_many()
                .col_expr(
                    proposal::Column::Visibility,
                    Expr::value(Visibility::Reported.as_str()),
                )
                .filter(proposal::Column::Id.eq(target.id))
                .filter(proposal::Column::Visibility.eq(Visibility::Visible.as_str()))
                .filter(proposal::Column::ReportCount.gte(threshold))
                .exec(&txn)
                .await?
                .rows_affected
        }
    };
    if hidden == 1 {
        log(
            &txn,
            &Ctx {
                actor: Actor::System,
                ..ctx.clone()
            },
            process.id,
            ModerationAction::AutoHidden,
            target.kind,
            Some(target.id),
            &target.public_label(true),
            &format!("{threshold} segnalazioni: in attesa della decisione dei moderatori"),
        )
        .await?;
    }
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
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
    let txn = ctx.db.begin().await?;
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

/// Blocks a person in a process: their contributions there are hidden and
/// they can no longer take part in it.
pub async fn block(
    ctx: &Ctx,
    process_slug: &str,
    user_id: Uuid,
    reason: &str,
) -> Result<(), ServiceError> {
    let process = find_by_slug(ctx, process_slug).await?;
    authorize(ctx, Operation::BlockPerson, Scope::Process(process.id))?;
    let reason = ModerationReason::parse(reason).map_err(|p| ServiceError::field("motivo", p))?;
    let target = user::Entity::find_by_id(user_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("user"))?;
    if Some(user_id) == ctx.actor.person().map(|p| p.id) {
        return Err(ServiceError::Forbidden);
    }
    let txn = ctx.db.begin().await?;
    let inserted = process_block::Entity::insert(process_block::ActiveModel {
        id: Set(Uuid::now_v7()),
        process_id: Set(process.id),
        user_id: Set(user_id),
        reason: Set(reason.as_str().to_owned()),
        blocked_by: Set(ctx.actor.person().map(|p| p.id)),
        created_at: Set(ctx.now),
    })
    .on_conflict(
        OnConflict::columns([
            process_block::Column::UserId,
            process_block::Column::ProcessId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        txn.rollback().await?;
        return Ok(());
    }
    let showing = [Visibility::Visible.as_str(), Visibility::Reported.as_str()];
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::Visibility,
            Expr::value(Visibility::Blocked.as_str()),
        )
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::AuthorId.eq(user_id))
        .filter(proposal::Column::Visibility.is_in(showing))
        .exec(&txn)
        .await?;
    comment::Entity::update_many()
        .col_expr(
            comment::Column::Visibility,
            Expr::value(Visibility::Blocked.as_str()),
        )
        .filter(comment::Column::AuthorId.eq(user_id))
        .filter(comment::Column::Visibility.is_in(showing))
        .filter(
            comment::Column::ProposalId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(proposal::Column::Id)
                    .from(proposal::Entity)
                    .and_where(proposal::Column::ProcessId.eq(process.id))
                    .to_owned(),
            ),
        )
        .exec(&txn)
        .await?;
    log(
        &txn,
        ctx,
        process.id,
        ModerationAction::Blocked,
        TargetKind::Person,
        Some(user_id),
        &target.display_name,
        reason.as_str(),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

/// Lifts a block: the person's contributions hidden by it show again.
pub async fn unblock(
    ctx: &Ctx,
    process_slug: &str,
    user_id: Uuid,
    reason: &str,
) -> Result<(), ServiceError> {
    let process = find_by_slug(ctx, process_slug).await?;
    authorize(ctx, Operation::UnblockPerson, Scope::Process(process.id))?;
    let reason = ModerationReason::parse(reason).map_err(|p| ServiceError::field("motivo", p))?;
    let target = user::Entity::find_by_id(user_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("user"))?;
    let txn = ctx.db.begin().await?;
    let removed = process_block::Entity::delete_many()
        .filter(process_block::Column::UserId.eq(user_id))
        .filter(process_block::Column::ProcessId.eq(process.id))
        .exec(&txn)
        .await?
        .rows_affected;
    if removed == 0 {
        txn.rollback().await?;
        return Ok(());
    }
    // Content reported past the threshold before the block stays out of
    // sight until a moderator decides.
    let visible = Expr::cust(format!(
        "CASE WHEN report_count >= {} THEN 'segnalata' ELSE 'visibile' END",
        Ord::max(process.report_threshold, 1)
    ));
    proposal::Entity::update_many()
        .col_expr(proposal::Column::Visibility, visible.clone())
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::AuthorId.eq(user_id))
        .filter(proposal::Column::Visibility.eq(Visibility::Blocked.as_str()))
        .exec(&txn)
        .await?;
    comment::Entity::update_many()
        .col_expr(comment::Column::Visibility, visible)
        .filter(comment::Column::AuthorId.eq(user_id))
        .filter(comment::Column::Visibility.eq(Visibility::Blocked.as_str()))
        .filter(
            comment::Column::ProposalId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(proposal::Column::Id)
                    .from(proposal::Entity)
                    .and_where(proposal::Column::ProcessId.eq(process.id))
                    .to_owned(),
            ),
        )
        .exec(&txn)
        .await?;
    log(
        &txn,
        ctx,
        process.id,
        ModerationAction::Unblocked,
        TargetKind::Person,
        Some(user_id),
        &target.display_name,
        reason.as_str(),
    )
    .await?;
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
    let txn = ctx.db.begin().await?;
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

/// Contributions of a process (or of one platform) waiting for a moderator,
/// oldest first, with the reasons given (never who gave them).
pub async fn queue(
    ctx: &Ctx,
    process_slug: &str,
    platform_slug: Option<&str>,
) -> Result<ModerationQueue, ServiceError> {
    let process = find_by_slug(ctx, process_slug).await?;
    let platforms = platforms_of(ctx, process.id).await?;
    let platform = match platform_slug.filter(|s| !s.is_empty()) {
        Some(slug) => Some(
            platforms
                .iter()
                .find(|p| p.slug == slug)
                .ok_or(ServiceError::NotFound("platform"))?,
        ),
        None => None,
    };
    let scope = match platform {
        Some(p) => Scope::Platform {
            process: process.id,
            platform: p.id,
        },
        None => Scope::Process(process.id),
    };
    authorize(ctx, Operation::ViewModerationQueue, scope)?;
    let waiting = [Visibility::Pending.as_str(), Visibility::Reported.as_str()];
    // Proposals waiting, or visible with open reports below the threshold.
    let mut proposal_rows = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(
            Condition::any()
                .add(proposal::Column::Visibility.is_in(waiting))
                .add(
                    Condition::all()
                        .add(proposal::Column::Visibility.eq(Visibility::Visible.as_str()))
                        .add(proposal::Column::ReportCount.gt(0)),
                ),
        )
        .order_by_asc(proposal::Column::CreatedAt)
        .limit(200);
    if let Some(p) = platform {
        proposal_rows = proposal_rows.filter(proposal::Column::PlatformId.eq(p.id));
    }
    let proposal_rows = proposal_rows.all(&ctx.db).await?;
    let mut comment_query = comment::Entity::find()
        .filter(comment::Column::DeletedAt.is_null())
        .filter(
            Condition::any()
                .add(comment::Column::Visibility.is_in(waiting))
                .add(
                    Condition::all()
                        .add(comment::Column::Visibility.eq(Visibility::Visible.as_str()))
                        .add(comment::Column::ReportCount.gt(0)),
                ),
        );
    let mut of_process = sea_orm::sea_query::Query::select()
        .column(proposal::Column::Id)
        .from(proposal::Entity)
        .and_where(proposal::Column::ProcessId.eq(process.id))
        .to_owned();
    if let Some(p) = platform {
        of_process.and_where(proposal::Column::PlatformId.eq(p.id));
    }
    comment_query = comment_query.filter(comment::Column::ProposalId.in_subquery(of_process));
    let comment_rows = comment_query
        .order_by_asc(comment::Column::CreatedAt)
        .limit(200)
        .all(&ctx.db)
        .await?;
    let parents: HashMap<Uuid, String> = {
        let ids: Vec<Uuid> = comment_rows.iter().map(|c| c.proposal_id).collect();
        if ids.is_empty() {
            HashMap::new()
        } else {
            proposal::Entity::find()
                .select_only()
                .column(proposal::Column::Id)
                .column(proposal::Column::Title)
                .filter(proposal::Column::Id.is_in(ids))
                .into_tuple::<(Uuid, String)>()
                .all(&ctx.db)
                .await?
                .into_iter()
                .collect()
        }
    };
    let target_ids: Vec<Uuid> = proposal_rows
        .iter()
        .map(|p| p.id)
        .chain(comment_rows.iter().map(|c| c.id))
        .collect();
    let mut reasons: HashMap<Uuid, Vec<(ReportReason, String)>> = HashMap::new();
    if !target_ids.is_empty() {
        let open: Vec<(Uuid, String, String)> = report::Entity::find()
            .select_only()
            .column(report::Column::TargetId)
            .column(report::Column::Reason)
            .column(report::Column::Note)
            .filter(report::Column::TargetId.is_in(target_ids))
            .filter(report::Column::ResolvedAt.is_null())
            .order_by_asc(report::Column::CreatedAt)
            .into_tuple()
            .all(&ctx.db)
            .await?;
        for (target, reason, note) in open {
            if let Some(reason) = ReportReason::parse(&reason) {
                reasons.entry(target).or_default().push((reason, note));
            }
        }
    }
    let author_ids = proposal_rows
        .iter()
        .filter_map(|p| p.author_id)
        .chain(comment_rows.iter().filter_map(|c| c.author_id));
    let names = people::display_names(&ctx.db, author_ids).await?;
    let mut items: Vec<QueueItem> = proposal_rows
        .into_iter()
        .map(|p| QueueItem {
            target_kind: TargetKind::Proposal,
            target_id: p.id,
            proposal_id: p.id,
            excerpt: markdown::excerpt(&p.body_md, 200),
            author_name: p.author_id.and_then(|id| names.get(&id).cloned()),
            author_id: p.author_id,
            visibility: Visibility::parse(&p.visibility).unwrap_or(Visibility::Visible),
            report_count: p.report_count,
            reasons: reasons.remove(&p.id).unwrap_or_default(),
            since: p.created_at,
            title: p.title,
        })
        .collect();
    items.extend(comment_rows.into_iter().map(|c| QueueItem {
        target_kind: TargetKind::Comment,
        target_id: c.id,
        proposal_id: c.proposal_id,
        title: parents.get(&c.proposal_id).cloned().unwrap_or_default(),
        excerpt: markdown::excerpt(&c.body_md, 200),
        author_name: c.author_id.and_then(|id| names.get(&id).cloned()),
        author_id: c.author_id,
        visibility: Visibility::parse(&c.visibility).unwrap_or(Visibility::Visible),
        report_count: c.report_count,
        reasons: reasons.remove(&c.id).unwrap_or_default(),
        since: c.created_at,
    }));
    items.sort_by_key(|i| i.since);
    let blocks = process_block::Entity::find()
        .filter(process_block::Column::ProcessId.eq(process.id))
        .order_by_desc(process_block::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    let blocked_names = people::display_names(&ctx.db, blocks.iter().map(|b| b.user_id)).await?;
    Ok(ModerationQueue {
        process: NamedRef {
            key: process.slug.clone(),
            name: process.title.clone(),
        },
        platform: platform.map(|p| NamedRef {
            key: p.slug.clone(),
            name: p.title.clone(),
        }),
        can_block: permits(
            &ctx.actor,
            Operation::BlockPerson,
            Scope::Process(process.id),
        ),
        items,
        pre_moderation: process.pre_moderation,
        report_threshold: process.report_threshold,
        blocked: blocks
            .into_iter()
            .map(|b| BlockedPerson {
                name: blocked_names.get(&b.user_id).cloned().unwrap_or_default(),
                user_id: b.user_id,
                reason: b.reason,
                since: b.created_at,
            })
            .collect(),
    })
}

/// How many contributions wait for a moderator in a process (or platform).
pub(crate) async fn waiting_count(
    db: &impl ConnectionTrait,
    process_id: Uuid,
    platform_id: Option<Uuid>,
) -> Result<u64, ServiceError> {
    let waiting = [Visibility::Pending.as_str(), Visibility::Reported.as_str()];
    let mut proposals_waiting = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process_id))
        .filter(proposal::Column::Visibility.is_in(waiting));
    let mut of_process = sea_orm::sea_query::Query::select()
        .column(proposal::Column::Id)
        .from(proposal::Entity)
        .and_where(proposal::Column::ProcessId.eq(process_id))
        .to_owned();
    if let Some(id) = platform_id {
        proposals_waiting = proposals_waiting.filter(proposal::Column::PlatformId.eq(id));
        of_process.and_where(proposal::Column::PlatformId.eq(id));
    }
    use sea_orm::PaginatorTrait;
    let proposals = proposals_waiting.count(db).await?;
    let comments = comment::Entity::find()
        .filter(comment::Column::DeletedAt.is_null())
        .filter(comment::Column::Visibility.is_in(waiting))
        .filter(comment::Column::ProposalId.in_subquery(of_process))
        .count(db)
        .await?;
    Ok(proposals + comments)
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
    // Comments link to their proposal.
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
    let entries = rows
        .into_iter()
        .filter_map(|r| {
            let kind = TargetKind::parse(&r.target_kind)?;
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
                target_label: r.target_label,
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
