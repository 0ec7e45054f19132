//! Blocks: a facilitator blocks a person in a process (their contributions
//! there are hidden and they can no longer take part) and lifts it.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::model::common::Visibility;
use crate::model::facilitation::{ModerationAction, ModerationReason, TargetKind};
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::common::db::begin_write;
use crate::service::entity::{comment, process_block, proposal, user};
use crate::service::facilitation::moderation::log;
use crate::service::processes::lookup::find_by_slug;
use crate::service::{Ctx, ServiceError};

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
    // The person must exist; the log names them only as "Una persona".
    user::Entity::find_by_id(user_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("user"))?;
    if Some(user_id) == ctx.actor.person().map(|p| p.id) {
        return Err(ServiceError::Forbidden);
    }
    let txn = begin_write(&ctx.db).await?;
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
        crate::service::facilitation::moderation::GENERIC_PERSON,
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
    // The person must exist; the log names them only as "Una persona".
    user::Entity::find_by_id(user_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("user"))?;
    let txn = begin_write(&ctx.db).await?;
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
        crate::service::facilitation::moderation::GENERIC_PERSON,
        reason.as_str(),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}
