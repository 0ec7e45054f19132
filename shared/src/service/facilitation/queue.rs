//! The moderators' queue: what waits for a decision in a process or
//! platform, and how much.

use crate::service::accounts::people;
use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::model::common::NamedRef;
use crate::model::common::Visibility;
use crate::model::facilitation::{
    BlockedPerson, ModerationQueue, QueueItem, ReportReason, TargetKind,
};
use crate::service::common::authz::{Operation, Scope, authorize, permits};
use crate::service::entity::{comment, process_block, proposal, report};
use crate::service::processes::lookup::{find_by_slug, platforms_of};
use crate::service::{Ctx, ServiceError, common::markdown};

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
