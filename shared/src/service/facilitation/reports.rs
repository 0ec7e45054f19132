//! Reports: anyone signed in reports a proposal or comment once (by the
//! database); enough distinct reports hide it until a moderator decides.

use crate::service::common::db::begin_write;
use crate::service::participation::visibility::ensure_not_blocked;

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::common::Visibility;
use crate::model::facilitation::{ModerationAction, ReportReason, TargetKind};
use crate::model::{PhaseKind, Role};
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::common::db::statement;
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
    // Count, then hide once the threshold is reached (compare-and-set). Three
    // fresh accounts must not silence a rival: only reports by people with a
    // verified residence or an account older than a week count toward hiding
    // (every report still reaches the moderators' queue), and during a vote
    // a proposal stays in it until a moderator decides.
    let threshold = Ord::max(process.report_threshold, 1);
    let trusted = trusted_reports(&txn, target.id, ctx.now).await?;
    let in_vote = crate::service::processes::phases::load(&txn, process.id)
        .await?
        .current_kind()
        == Some(PhaseKind::Voting);
    let may_hide =
        trusted >= i64::from(threshold) && !(in_vote && target.kind != TargetKind::Comment);
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
                .filter(Expr::value(may_hide))
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
                .filter(Expr::value(may_hide))
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

/// How old an account must be for its reports to count toward hiding.
pub const TRUSTED_REPORTER_DAYS: i64 = 7;

/// The open reports on `target` by people whose word may hide it: a
/// verified residence, or an account older than [`TRUSTED_REPORTER_DAYS`].
async fn trusted_reports(
    db: &impl ConnectionTrait,
    target: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, ServiceError> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(statement(
            backend,
            "SELECT COUNT(*) FROM reports r JOIN users u ON u.id = r.reporter_id \
             WHERE r.target_id = ? AND r.resolved_at IS NULL AND (u.created_at <= ? \
             OR EXISTS (SELECT 1 FROM role_assignments a WHERE a.user_id = u.id AND a.role = ?))",
            [
                target.into(),
                (now - chrono::Duration::days(TRUSTED_REPORTER_DAYS)).into(),
                Role::Verified.as_str().into(),
            ],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0))
}
