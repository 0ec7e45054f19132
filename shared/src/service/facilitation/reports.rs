//! Reports: anyone signed in reports a proposal or comment once (by the
//! database); enough distinct reports hide it until a moderator decides.

use crate::service::common::db::begin_write;
use crate::service::participation::visibility::ensure_not_blocked;

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::common::Visibility;
use crate::model::facilitation::{ModerationAction, ReportReason, TargetKind};
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::entity::{comment, process, proposal, report};
use crate::service::facilitation::moderation::{Target, log};
use crate::service::{Actor, Ctx, ServiceError};

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
    let txn = begin_write(&ctx.db).await?;
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
