//! In-app notifications for people who follow proposals: new comments,
//! official answers, state changes and phase changes; and the email digest
//! of unread ones.

use std::collections::{BTreeMap, HashMap};

use chrono::Duration;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::participation::{NotificationDto, NotificationKind, NotificationPage};
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::common::db::begin_write;
use crate::service::entity::{follow, notification, process, proposal, support, user};
use crate::service::{Ctx, ServiceError, common::outbox};

/// Notifications per page.
pub const PAGE_SIZE: u64 = 30;
/// Rows per insert statement.
const CHUNK: usize = 500;
/// Notifications wait this long unread before they are emailed.
const DIGEST_DELAY_MINUTES: i64 = 15;
/// People emailed per digest pass.
const DIGEST_BATCH: u64 = 200;

async fn insert_for(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    people: Vec<Uuid>,
    kind: NotificationKind,
    (process_id, proposal_id, comment_id): (Option<Uuid>, Option<Uuid>, Option<Uuid>),
    detail: &str,
) -> Result<(), ServiceError> {
    let detail: String = detail.chars().take(200).collect();
    for chunk in people.chunks(CHUNK) {
        let rows = chunk.iter().map(|user_id| notification::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(*user_id),
            kind: Set(kind.as_str().to_owned()),
            process_id: Set(process_id),
            proposal_id: Set(proposal_id),
            comment_id: Set(comment_id),
            detail: Set(detail.clone()),
            created_at: Set(ctx.now),
            read_at: Set(None),
            emailed_at: Set(None),
        });
        notification::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Tells the followers of `proposal_id` (except the person acting) about an event.
pub(crate) async fn proposal_event(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    proposal: &proposal::Model,
    kind: NotificationKind,
    comment_id: Option<Uuid>,
    detail: &str,
) -> Result<(), ServiceError> {
    proposal_event_except(db, ctx, proposal, kind, comment_id, detail, None).await
}

/// Like [`proposal_event`], also leaving out `skip` (say, the author of a
/// comment a moderator approved).
pub(crate) async fn proposal_event_except(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    proposal: &proposal::Model,
    kind: NotificationKind,
    comment_id: Option<Uuid>,
    detail: &str,
    skip: Option<Uuid>,
) -> Result<(), ServiceError> {
    let acting = ctx.actor.person().map(|p| p.id);
    let followers: Vec<Uuid> = follow::Entity::find()
        .select_only()
        .column(follow::Column::UserId)
        .filter(follow::Column::ProposalId.eq(proposal.id))
        .into_tuple()
        .all(db)
        .await?;
    let people = followers
        .into_iter()
        .filter(|id| Some(*id) != acting && Some(*id) != skip)
        .collect();
    insert_for(
        db,
        ctx,
        people,
        kind,
        (Some(proposal.process_id), Some(proposal.id), comment_id),
        detail,
    )
    .await
}

/// Tells a proposal's followers and supporters (its author follows it).
pub(crate) async fn supporters_event(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    proposal: &proposal::Model,
    kind: NotificationKind,
    detail: &str,
) -> Result<(), ServiceError> {
    let acting = ctx.actor.person().map(|p| p.id);
    let mut people: Vec<Uuid> = follow::Entity::find()
        .select_only()
        .column(follow::Column::UserId)
        .filter(follow::Column::ProposalId.eq(proposal.id))
        .into_tuple()
        .all(db)
        .await?;
    let supporters: Vec<Option<Uuid>> = support::Entity::find()
        .select_only()
        .column(support::Column::UserId)
        .filter(support::Column::ProposalId.eq(proposal.id))
        .into_tuple()
        .all(db)
        .await?;
    people.extend(supporters.into_iter().flatten());
    people.sort();
    people.dedup();
    people.retain(|id| Some(*id) != acting);
    insert_for(
        db,
        ctx,
        people,
        kind,
        (Some(proposal.process_id), Some(proposal.id), None),
        detail,
    )
    .await
}

/// Tells the followers of some proposals about progress on what they feed:
/// each person once, about the first of the proposals they follow.
pub(crate) async fn progress_recorded(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    process_id: Uuid,
    proposal_ids: &[Uuid],
    kind: NotificationKind,
    detail: &str,
) -> Result<(), ServiceError> {
    if proposal_ids.is_empty() {
        return Ok(());
    }
    let acting = ctx.actor.person().map(|p| p.id);
    let follows: Vec<(Uuid, Uuid)> = follow::Entity::find()
        .select_only()
        .column(follow::Column::UserId)
        .column(follow::Column::ProposalId)
        .filter(follow::Column::ProposalId.is_in(proposal_ids.to_vec()))
        .order_by_asc(follow::Column::ProposalId)
        .into_tuple()
        .all(db)
        .await?;
    let mut first: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for (user_id, proposal_id) in follows {
        if Some(user_id) != acting && seen.insert(user_id) {
            first.entry(proposal_id).or_default().push(user_id);
        }
    }
    for (proposal_id, people) in first {
        insert_for(
            db,
            ctx,
            people,
            kind,
            (Some(process_id), Some(proposal_id), None),
            detail,
        )
        .await?;
    }
    Ok(())
}

/// Tells everyone following a proposal of the process that a phase opened.
pub(crate) async fn phase_opened(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    process_id: Uuid,
    phase_title: &str,
) -> Result<(), ServiceError> {
    let statement = db
        .get_database_backend()
        .build(&followers_of_process(process_id));
    let people: Vec<Uuid> = db
        .query_all_raw(statement)
        .await?
        .iter()
        .filter_map(|row| row.try_get_by_index::<Uuid>(0).ok())
        .collect();
    insert_for(
        db,
        ctx,
        people,
        NotificationKind::PhaseChange,
        (Some(process_id), None, None),
        phase_title,
    )
    .await
}

/// How many unread notifications a person has (shown in the header).
pub(crate) async fn unread_count(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<u64, ServiceError> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// The person's notifications, newest first; `before` is the last id shown.
pub async fn list(ctx: &Ctx, before: Option<&str>) -> Result<NotificationPage, ServiceError> {
    authorize(ctx, Operation::ListNotifications, Scope::Global)?;
    let me = person(ctx)?.id;
    let mut select = notification::Entity::find()
        .filter(notification::Column::UserId.eq(me))
        .order_by_desc(notification::Column::Id);
    if let Some(cursor) = before.filter(|c| !c.is_empty()) {
        let id = Uuid::try_parse(cursor)
            .map_err(|_| ServiceError::field("dopo", FieldProblem::Malformed))?;
        select = select.filter(notification::Column::Id.lt(id));
    }
    let mut rows = select.limit(PAGE_SIZE + 1).all(&ctx.db).await?;
    let next = if rows.len() as u64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|n| n.id.to_string())
    } else {
        None
    };
    let proposal_ids: Vec<Uuid> = rows.iter().filter_map(|n| n.proposal_id).collect();
    let process_ids: Vec<Uuid> = rows.iter().filter_map(|n| n.process_id).collect();
    let proposals = titles_of(&ctx.db, proposal_ids).await?;
    let processes: HashMap<Uuid, (String, String)> = process::Entity::find()
        .select_only()
        .column(process::Column::Id)
        .column(process::Column::Slug)
        .column(process::Column::Title)
        .filter(process::Column::Id.is_in(process_ids))
        .into_tuple::<(Uuid, String, String)>()
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|(id, slug, title)| (id, (slug, title)))
        .collect();
    let items = rows
        .into_iter()
        .filter_map(|n| {
            Some(NotificationDto {
                kind: NotificationKind::parse(&n.kind)?,
                proposal: n.proposal_id.and_then(|id| {
                    proposals.get(&id).map(|title| NamedRef {
                        key: id.to_string(),
                        name: title.clone(),
                    })
                }),
                process: n.process_id.and_then(|id| {
                    processes.get(&id).map(|(slug, title)| NamedRef {
                        key: slug.clone(),
                        name: title.clone(),
                    })
                }),
                id: n.id,
                detail: n.detail,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
        })
        .collect();
    Ok(NotificationPage {
        items,
        unread: unread_count(&ctx.db, me).await?,
        next,
    })
}

/// Marks the person's notifications read: all of them, or one.
pub async fn mark_read(ctx: &Ctx, only: Option<Uuid>) -> Result<u64, ServiceError> {
    authorize(ctx, Operation::MarkNotificationsRead, Scope::Global)?;
    let me = person(ctx)?.id;
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(ctx.now)))
        .filter(notification::Column::UserId.eq(me))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = only {
        update = update.filter(notification::Column::Id.eq(id));
    }
    Ok(update.exec(&ctx.db).await?.rows_affected)
}

/// Turns the email digest on or off for the person.
pub async fn set_digest(ctx: &Ctx, enabled: bool) -> Result<(), ServiceError> {
    authorize(ctx, Operation::SetEmailDigest, Scope::Global)?;
    let me = person(ctx)?.id;
    user::Entity::update_many()
        .col_expr(user::Column::EmailDigest, Expr::value(enabled))
        .filter(user::Column::Id.eq(me))
        .exec(&ctx.db)
        .await?;
    Ok(())
}

fn line(kind: NotificationKind, detail: &str, subject: &str) -> String {
    match kind {
        NotificationKind::NewComment => format!("- {detail} ha commentato «{subject}»"),
        NotificationKind::Answer => format!("- Risposta ufficiale a «{subject}»"),
        NotificationKind::StateChange => format!("- «{subject}» ha cambiato stato"),
        NotificationKind::PhaseChange => format!("- «{subject}»: si è aperta la fase «{detail}»"),
        NotificationKind::Merged => format!("- «{subject}» è confluita nel progetto «{detail}»"),
        NotificationKind::Unmerged => {
            format!("- «{subject}» non fa più parte del progetto «{detail}»")
        }
        NotificationKind::Progress => {
            format!("- Avanzamento di ciò che «{subject}» sostiene: {detail}")
        }
    }
}

/// Emails each person one digest of the notifications left unread for a
/// while, if they want it and their address is confirmed; every such
/// notification is marked emailed either way, so none is sent twice.
/// Returns the number of emails queued.
pub async fn send_digests(ctx: &Ctx, base_url: &str) -> Result<u32, ServiceError> {
    authorize(ctx, Operation::SendDigests, Scope::Global)?;
    let cutoff = ctx.now - Duration::minutes(DIGEST_DELAY_MINUTES);
    let people: Vec<Uuid> = notification::Entity::find()
        .select_only()
        .column(notification::Column::UserId)
        .distinct()
        .filter(notification::Column::EmailedAt.is_null())
        .filter(notification::Column::ReadAt.is_null())
        .filter(notification::Column::CreatedAt.lte(cutoff))
        .limit(DIGEST_BATCH)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let mut sent = 0;
    for user_id in people {
        let txn = begin_write(&ctx.db).await?;
        // Claim first (the write takes the lock; on SQLite a read first could
        // fail when another write lands in between), then read what was claimed.
        let claimed = notification::Entity::update_many()
            .col_expr(notification::Column::EmailedAt, Expr::value(Some(ctx.now)))
            .filter(notification::Column::UserId.eq(user_id))
            .filter(notification::Column::EmailedAt.is_null())
            .filter(notification::Column::ReadAt.is_null())
            .filter(notification::Column::CreatedAt.lte(cutoff))
            .exec(&txn)
            .await?
            .rows_affected;
        if claimed == 0 {
            // Another server process sent this digest meanwhile.
            txn.rollback().await?;
            continue;
        }
        let pending = notification::Entity::find()
            .filter(notification::Column::UserId.eq(user_id))
            .filter(notification::Column::EmailedAt.eq(ctx.now))
            .order_by_asc(notification::Column::Id)
            .all(&txn)
            .await?;
        let recipient = user::Entity::find_by_id(user_id)
            .filter(user::Column::EmailDigest.eq(true))
            .filter(user::Column::EmailConfirmedAt.is_not_null())
            .one(&txn)
            .await?
            .and_then(|u| u.email);
        if let Some(email) = recipient {
            let titles =
                titles_of(&txn, pending.iter().filter_map(|n| n.proposal_id).collect()).await?;
            let process_titles: HashMap<Uuid, String> = process::Entity::find()
                .select_only()
                .column(process::Column::Id)
                .column(process::Column::Title)
                .filter(process::Column::Id.is_in(pending.iter().filter_map(|n| n.process_id)))
                .into_tuple::<(Uuid, String)>()
                .all(&txn)
                .await?
                .into_iter()
                .collect();
            let mut lines = BTreeMap::new();
            for n in &pending {
                let Some(kind) = NotificationKind::parse(&n.kind) else {
                    continue;
                };
                let subject = n
                    .proposal_id
                    .and_then(|id| titles.get(&id))
                    .or_else(|| n.process_id.and_then(|id| process_titles.get(&id)))
                    .cloned()
                    .unwrap_or_default();
                lines.insert(n.id, line(kind, &n.detail, &subject));
            }
            let body = format!(
                "Ciao,\n\nci sono novità su Piazza che non hai ancora letto:\n\n{}\n\n\
                 Leggile qui: {base}/notifiche\n\n\
                 Non vuoi più questo riepilogo? Disattivalo dal tuo profilo: {base}/profilo\n",
                lines.into_values().collect::<Vec<_>>().join("\n"),
                base = base_url.trim_end_matches('/'),
            );
            let subject = format!("Piazza: {} novità da leggere", pending.len());
            outbox::enqueue(&txn, ctx, &email, &subject, body).await?;
            sent += 1;
        }
        txn.commit().await?;
    }
    Ok(sent)
}

/// The titles of proposals as notifications name them: a proposal out of
/// sight is named neutrally, so a hidden title never reaches an inbox.
async fn titles_of(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, ServiceError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String, String)> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Id)
        .column(proposal::Column::Title)
        .column(proposal::Column::Visibility)
        .filter(proposal::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, visibility)| {
            if visibility == "visibile" {
                (id, title)
            } else {
                (id, "Proposta non visibile".to_owned())
            }
        })
        .collect())
}

/// The people following any proposal of a process, as a sub-query.
pub(crate) fn followers_of_process(process_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .distinct()
        .column((follow::Entity, follow::Column::UserId))
        .from(follow::Entity)
        .inner_join(
            proposal::Entity,
            Expr::col((proposal::Entity, proposal::Column::Id))
                .equals((follow::Entity, follow::Column::ProposalId)),
        )
        .and_where(
            Expr::col((proposal::Entity, proposal::Column::ProcessId)).eq(Expr::value(process_id)),
        )
        .to_owned()
}
