//! Comments: threaded to depth 3, Markdown, an alignment towards the
//! proposal, up and down votes (one per person, by the database), edits
//! marked as such, and deletion by the author leaving a tombstone so the
//! replies keep their place. Top-level comments paginate by keyset; each
//! page loads the first replies of its threads in one query, and a long
//! thread pages its replies on a page of its own.

use crate::service::accounts::people;
use crate::service::common::db::begin_write;
use crate::service::participation::lookup;
use crate::service::participation::visibility;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Order, Query, WindowStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Value,
};
use uuid::Uuid;

use crate::model::ProposalState;
use crate::model::common::FieldProblem;
use crate::model::common::Visibility;
use crate::model::common::{Availability, ParticipationAction, Refusal};
use crate::model::participation::{
    Alignment, CommentDto, CommentPage, CommentVote, MAX_COMMENT_DEPTH, MarkdownText,
    NotificationKind, ThreadPage,
};
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::common::db::statement;
use crate::service::entity::{comment, comment_vote, proposal};
use crate::service::processes::phases::ProcessPhases;
use crate::service::{
    Ctx, ServiceError, common::markdown, common::rate_limit, notifications::inbox,
    processes::phases,
};

/// Top-level comments per page.
pub const PAGE_SIZE: u64 = 20;
/// Replies shown under each top-level comment of a page.
pub const REPLIES_SHOWN: usize = 10;
/// Replies per page of one thread.
pub const REPLIES_PAGE: u64 = 50;

async fn load_comment(ctx: &Ctx, id: Uuid) -> Result<comment::Model, ServiceError> {
    comment::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("comment"))
}

/// Whether comments on `p` are open to the viewer now.
pub(crate) async fn availability(
    ctx: &Ctx,
    p: &proposal::Model,
) -> Result<Availability, ServiceError> {
    if p.visibility != Visibility::Visible.as_str() {
        return Ok(Availability::Refused(Refusal::OutOfSight));
    }
    if let Some(refusal) = closed_state(p) {
        return Ok(Availability::Refused(refusal));
    }
    let state = phases::load(&ctx.db, p.process_id).await?;
    Ok(match state.allows(ParticipationAction::Comment) {
        Err(refusal) => Availability::Refused(refusal),
        Ok(()) if ctx.actor.person().is_none() => Availability::SignInNeeded,
        Ok(()) => Availability::Open,
    })
}

fn closed_state(p: &proposal::Model) -> Option<Refusal> {
    let state = ProposalState::parse(&p.state)?;
    matches!(state, ProposalState::Withdrawn | ProposalState::Merged)
        .then_some(Refusal::ProposalClosed { state })
}

async fn check_open(ctx: &Ctx, p: &proposal::Model) -> Result<ProcessPhases, ServiceError> {
    // Nobody joins the discussion of a proposal out of sight.
    if p.visibility != Visibility::Visible.as_str() {
        return Err(ServiceError::Refused(Refusal::OutOfSight));
    }
    if let Some(refusal) = closed_state(p) {
        return Err(ServiceError::Refused(refusal));
    }
    let state = phases::load(&ctx.db, p.process_id).await?;
    let me = person(ctx)?;
    state.check(ParticipationAction::Comment, me)?;
    visibility::ensure_not_blocked(&ctx.db, me.id, p.process_id).await?;
    Ok(state)
}

/// Adds a comment, or a reply to `parent`. Returns its id.
pub async fn post(
    ctx: &Ctx,
    proposal_id: Uuid,
    parent: Option<Uuid>,
    body: &str,
    alignment: &str,
) -> Result<Uuid, ServiceError> {
    authorize(ctx, Operation::PostComment, Scope::Global)?;
    let me = person(ctx)?.clone();
    let body = MarkdownText::comment(body).map_err(|p| ServiceError::field("commento", p))?;
    let alignment = Alignment::parse(alignment)
        .ok_or_else(|| ServiceError::field("posizione", FieldProblem::Malformed))?;
    let p = lookup::find(&ctx.db, proposal_id).await?;
    let state = check_open(ctx, &p).await?;
    let visibility = visibility::initial_visibility(&state.process);
    let subject = me.id.to_string();
    let (root, depth) = match parent {
        None => (None, 1),
        Some(parent_id) => {
            let parent = load_comment(ctx, parent_id).await?;
            if parent.proposal_id != p.id {
                return Err(ServiceError::NotFound("comment"));
            }
            if parent.deleted_at.is_some() {
                return Err(ServiceError::Refused(Refusal::CommentDeleted));
            }
            if parent.depth >= i32::from(MAX_COMMENT_DEPTH) {
                return Err(ServiceError::Refused(Refusal::ThreadTooDeep {
                    max_depth: MAX_COMMENT_DEPTH,
                }));
            }
            (Some(parent.root_id), parent.depth + 1)
        }
    };
    let id = Uuid::now_v7();
    let txn = begin_write(&ctx.db).await?;
    // Counted atomically before the work; it counts only if the work commits.
    let _ = rate_limit::COMMENTS_PER_PERSON
        .take(&txn, &subject, ctx.now)
        .await?;
    comment::Entity::insert(comment::ActiveModel {
        id: Set(id),
        proposal_id: Set(p.id),
        parent_id: Set(parent),
        root_id: Set(root.unwrap_or(id)),
        depth: Set(depth),
        author_id: Set(Some(me.id)),
        body_md: Set(body.as_str().to_owned()),
        alignment: Set(alignment.as_str().to_owned()),
        upvotes: Set(0),
        downvotes: Set(0),
        reply_count: Set(0),
        created_at: Set(ctx.now),
        edited_at: Set(None),
        deleted_at: Set(None),
        visibility: Set(visibility.as_str().to_owned()),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    if visibility == Visibility::Visible {
        counted(&txn, p.id, parent).await?;
        announce(&txn, ctx, &p, id, Some(me.id), &me.display_name).await?;
    }
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(id)
}

/// Counts a comment on the proposal and its parent (every comment is
/// counted except those still waiting for approval).
pub(crate) async fn counted(
    txn: &DatabaseTransaction,
    proposal_id: Uuid,
    parent: Option<Uuid>,
) -> Result<(), ServiceError> {
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::CommentCount,
            Expr::col(proposal::Column::CommentCount).add(1),
        )
        .filter(proposal::Column::Id.eq(proposal_id))
        .exec(txn)
        .await?;
    if let Some(parent) = parent {
        comment::Entity::update_many()
            .col_expr(
                comment::Column::ReplyCount,
                Expr::col(comment::Column::ReplyCount).add(1),
            )
            .filter(comment::Column::Id.eq(parent))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Takes a comment back out of the counts (it waits for approval again).
pub(crate) async fn uncounted(
    txn: &DatabaseTransaction,
    proposal_id: Uuid,
    parent: Option<Uuid>,
) -> Result<(), ServiceError> {
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::CommentCount,
            Expr::col(proposal::Column::CommentCount).sub(1),
        )
        .filter(proposal::Column::Id.eq(proposal_id))
        .exec(txn)
        .await?;
    if let Some(parent) = parent {
        comment::Entity::update_many()
            .col_expr(
                comment::Column::ReplyCount,
                Expr::col(comment::Column::ReplyCount).sub(1),
            )
            .filter(comment::Column::Id.eq(parent))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Tells the proposal's followers (never the comment's author) about a
/// comment everyone can now see.
pub(crate) async fn announce(
    txn: &DatabaseTransaction,
    ctx: &Ctx,
    p: &proposal::Model,
    id: Uuid,
    author_id: Option<Uuid>,
    author_name: &str,
) -> Result<(), ServiceError> {
    inbox::proposal_event_except(
        txn,
        ctx,
        p,
        NotificationKind::NewComment,
        Some(id),
        author_name,
        author_id,
    )
    .await
}

async fn own_live_comment(ctx: &Ctx, id: Uuid) -> Result<comment::Model, ServiceError> {
    let me = person(ctx)?.id;
    let c = load_comment(ctx, id).await?;
    if c.author_id != Some(me) {
        return Err(ServiceError::Forbidden);
    }
    if c.deleted_at.is_some() {
        return Err(ServiceError::Refused(Refusal::CommentDeleted));
    }
    Ok(c)
}

/// The author changes their comment's text while comments are open; it shows as edited.
pub async fn edit(ctx: &Ctx, comment_id: Uuid, body: &str) -> Result<(), ServiceError> {
    authorize(ctx, Operation::EditComment, Scope::Global)?;
    let body = MarkdownText::comment(body).map_err(|p| ServiceError::field("commento", p))?;
    let c = own_live_comment(ctx, comment_id).await?;
    let p = lookup::find(&ctx.db, c.proposal_id).await?;
    let state = check_open(ctx, &p).await?;
    // Under pre-moderation a changed text waits for approval again (and
    // stops counting until then).
    let again_pending = state.process.pre_moderation
        && !visibility::moderates(&ctx.actor, p.process_id, p.platform_id)
        && c.visibility == Visibility::Visible.as_str();
    let txn = begin_write(&ctx.db).await?;
    let mut update = comment::Entity::update_many()
        .col_expr(comment::Column::BodyMd, Expr::value(body.as_str()))
        .col_expr(comment::Column::EditedAt, Expr::value(Some(ctx.now)));
    if again_pending {
        update = update.col_expr(
            comment::Column::Visibility,
            Expr::value(Visibility::Pending.as_str()),
        );
    }
    let changed = update
        .filter(comment::Column::Id.eq(c.id))
        .filter(comment::Column::DeletedAt.is_null())
        .filter(comment::Column::Visibility.eq(c.visibility.as_str()))
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        txn.rollback().await?;
        return Err(ServiceError::Refused(Refusal::ModerationStale));
    }
    if again_pending {
        uncounted(&txn, c.proposal_id, c.parent_id).await?;
    }
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

/// The author deletes their comment: the text goes, a tombstone keeps the
/// replies in place.
pub async fn delete(ctx: &Ctx, comment_id: Uuid) -> Result<(), ServiceError> {
    authorize(ctx, Operation::DeleteComment, Scope::Global)?;
    let c = own_live_comment(ctx, comment_id).await?;
    let txn = begin_write(&ctx.db).await?;
    // The visibility it had when deleted, read by the same statement.
    let was = txn
        .query_one_raw(statement(
            txn.get_database_backend(),
            "UPDATE comments SET body_md = '', deleted_at = ? \
             WHERE id = ? AND deleted_at IS NULL RETURNING visibility",
            [Value::from(ctx.now), Value::from(c.id)],
        ))
        .await?
        .map(|row| row.try_get_by_index::<String>(0))
        .transpose()?;
    // A comment still waiting for approval was never counted.
    if was.is_some_and(|v| v != Visibility::Pending.as_str()) {
        proposal::Entity::update_many()
            .col_expr(
                proposal::Column::CommentCount,
                Expr::col(proposal::Column::CommentCount).sub(1),
            )
            .filter(proposal::Column::Id.eq(c.proposal_id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

/// Votes a comment up or down, or takes the vote back. One vote per person.
pub async fn vote(ctx: &Ctx, comment_id: Uuid, vote: CommentVote) -> Result<(), ServiceError> {
    authorize(ctx, Operation::VoteComment, Scope::Global)?;
    let me = person(ctx)?.id;
    let c = load_comment(ctx, comment_id).await?;
    if c.deleted_at.is_some() {
        return Err(ServiceError::Refused(Refusal::CommentDeleted));
    }
    if c.author_id == Some(me) {
        return Err(ServiceError::Forbidden);
    }
    let p = lookup::find(&ctx.db, c.proposal_id).await?;
    check_open(ctx, &p).await?;
    let txn = begin_write(&ctx.db).await?;
    let backend = txn.get_database_backend();
    let removed = txn
        .query_all_raw(statement(
            backend,
            "DELETE FROM comment_votes WHERE comment_id = ? AND user_id = ? RETURNING value",
            [Value::from(c.id), Value::from(me)],
        ))
        .await?;
    let (mut up, mut down) = (0i32, 0i32);
    for row in removed {
        match row.try_get_by_index::<i16>(0)? {
            v if v > 0 => up -= 1,
            _ => down -= 1,
        }
    }
    if vote != CommentVote::Clear {
        let inserted = comment_vote::Entity::insert(comment_vote::ActiveModel {
            id: Set(Uuid::now_v7()),
            comment_id: Set(c.id),
            user_id: Set(Some(me)),
            value: Set(vote.value()),
            created_at: Set(ctx.now),
        })
        .on_conflict(
            OnConflict::columns([
                comment_vote::Column::CommentId,
                comment_vote::Column::UserId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        if inserted == 1 {
            match vote {
                CommentVote::Up => up += 1,
                _ => down += 1,
            }
        }
    }
    if up != 0 || down != 0 {
        comment::Entity::update_many()
            .col_expr(
                comment::Column::Upvotes,
                Expr::col(comment::Column::Upvotes).add(up),
            )
            .col_expr(
                comment::Column::Downvotes,
                Expr::col(comment::Column::Downvotes).add(down),
            )
            .filter(comment::Column::Id.eq(c.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

// Nanoseconds, as SQLite stores them: a coarser cursor falls before the
// page's last comment, which then shows again on the next page.
fn encode_cursor(c: &comment::Model) -> String {
    let nanos = c.created_at.timestamp_nanos_opt().unwrap_or(i64::MAX);
    format!("{nanos}.{}", c.id.simple())
}

fn decode_cursor(raw: &str) -> Option<(DateTime<Utc>, Uuid)> {
    let (nanos, id) = raw.split_once('.')?;
    Some((
        DateTime::from_timestamp_nanos(nanos.parse().ok()?),
        Uuid::try_parse(id).ok()?,
    ))
}

/// Leaves out comments waiting for approval, except for their author and
/// the moderators.
fn pending_hidden(ctx: &Ctx, p: &proposal::Model) -> Condition {
    let not_pending =
        Condition::all().add(comment::Column::Visibility.ne(Visibility::Pending.as_str()));
    if visibility::moderates(&ctx.actor, p.process_id, p.platform_id) {
        return Condition::all();
    }
    match ctx.actor.person() {
        Some(me) => Condition::any()
            .add(not_pending)
            .add(comment::Column::AuthorId.eq(me.id)),
        None => not_pending,
    }
}

/// One page of a proposal's threads, oldest first: up to [`PAGE_SIZE`]
/// top-level comments, each with its first [`REPLIES_SHOWN`] replies (the
/// rest of a long thread pages through [`thread`]).
pub async fn list(
    ctx: &Ctx,
    proposal_id: Uuid,
    after: Option<&str>,
) -> Result<CommentPage, ServiceError> {
    authorize(ctx, Operation::ListComments, Scope::Global)?;
    let p = visibility::find_visible(&ctx.db, &ctx.actor, proposal_id).await?;
    let mut roots = comment::Entity::find()
        .filter(comment::Column::ProposalId.eq(p.id))
        .filter(comment::Column::Depth.eq(1))
        .order_by_asc(comment::Column::CreatedAt)
        .order_by_asc(comment::Column::Id);
    if let Some(raw) = after.filter(|a| !a.is_empty()) {
        let (at, id) = decode_cursor(raw)
            .ok_or_else(|| ServiceError::field("commenti", FieldProblem::Malformed))?;
        roots = roots.filter(after_cursor(at, id));
    }
    let mut roots = roots
        .filter(pending_hidden(ctx, &p))
        .limit(PAGE_SIZE + 1)
        .all(&ctx.db)
        .await?;
    let next = if roots.len() as u64 > PAGE_SIZE {
        roots.truncate(PAGE_SIZE as usize);
        roots.last().map(encode_cursor)
    } else {
        None
    };
    // The first replies of each thread, in one query: numbered within their
    // thread by time, so every reply shown has its parent shown too.
    let replies = if roots.is_empty() {
        Vec::new()
    } else {
        let numbered = Query::select()
            .column(comment::Column::Id)
            .expr_window_as(
                Expr::cust("ROW_NUMBER()"),
                WindowStatement::partition_by(comment::Column::RootId)
                    .order_by(comment::Column::CreatedAt, Order::Asc)
                    .order_by(comment::Column::Id, Order::Asc)
                    .to_owned(),
                "n",
            )
            .from(comment::Entity)
            .cond_where(
                Condition::all()
                    .add(comment::Column::RootId.is_in(roots.iter().map(|c| c.id)))
                    .add(comment::Column::Depth.gt(1))
                    .add(pending_hidden(ctx, &p)),
            )
            .to_owned();
        let first = Query::select()
            .column("id")
            .from_subquery(numbered, "numbered")
            .and_where(Expr::col("n").lte(REPLIES_SHOWN as i64 + 1))
            .to_owned();
        comment::Entity::find()
            .filter(comment::Column::Id.in_subquery(first))
            .order_by_asc(comment::Column::CreatedAt)
            .order_by_asc(comment::Column::Id)
            .all(&ctx.db)
            .await?
    };
    // Threads with more replies than shown: cut them, and count the rest.
    let mut per_root: HashMap<Uuid, Vec<comment::Model>> = HashMap::new();
    for reply in replies {
        per_root.entry(reply.root_id).or_default().push(reply);
    }
    let long: Vec<Uuid> = per_root
        .iter()
        .filter(|(_, r)| r.len() > REPLIES_SHOWN)
        .map(|(root, _)| *root)
        .collect();
    let totals: HashMap<Uuid, i64> = if long.is_empty() {
        HashMap::new()
    } else {
        comment::Entity::find()
            .select_only()
            .column(comment::Column::RootId)
            .column_as(comment::Column::Id.count(), "n")
            .filter(comment::Column::RootId.is_in(long.iter().copied()))
            .filter(comment::Column::Depth.gt(1))
            .filter(pending_hidden(ctx, &p))
            .group_by(comment::Column::RootId)
            .into_tuple::<(Uuid, i64)>()
            .all(&ctx.db)
            .await?
            .into_iter()
            .collect()
    };
    let mut more: HashMap<Uuid, (u64, String)> = HashMap::new();
    let mut shown = Vec::new();
    for (root, mut list) in per_root {
        if list.len() > REPLIES_SHOWN {
            list.truncate(REPLIES_SHOWN);
            let total = u64::try_from(totals.get(&root).copied().unwrap_or(0)).unwrap_or(0);
            let cursor = list.last().map(encode_cursor).unwrap_or_default();
            more.insert(root, (total.saturating_sub(REPLIES_SHOWN as u64), cursor));
        }
        shown.extend(list);
    }
    shown.sort_by_key(|c| (c.created_at, c.id));
    let can_moderate = visibility::moderates(&ctx.actor, p.process_id, p.platform_id);
    let mut threads = build_threads(ctx, &roots, &shown, can_moderate).await?;
    for thread in &mut threads {
        if let Some((count, cursor)) = more.remove(&thread.id) {
            thread.more_replies = count;
            thread.replies_next = Some(cursor);
        }
    }

    let counts: Vec<(String, i64)> = comment::Entity::find()
        .select_only()
        .column(comment::Column::Alignment)
        .column_as(comment::Column::Id.count(), "n")
        .filter(comment::Column::ProposalId.eq(p.id))
        .filter(comment::Column::DeletedAt.is_null())
        .filter(comment::Column::Visibility.ne(Visibility::Pending.as_str()))
        .group_by(comment::Column::Alignment)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let count = |a: Alignment| {
        counts
            .iter()
            .find(|(name, _)| name == a.as_str())
            .map(|(_, n)| u64::try_from(*n).unwrap_or(0))
            .unwrap_or(0)
    };
    Ok(CommentPage {
        threads,
        next,
        total: u64::try_from(p.comment_count).unwrap_or(0),
        in_favour: count(Alignment::InFavour),
        neutral: count(Alignment::Neutral),
        against: count(Alignment::Against),
        can_comment: availability(ctx, &p).await?,
        can_moderate,
        can_report: ctx.actor.person().is_some(),
    })
}

/// The replies of one thread after `after` (a reply's cursor, as given by
/// [`list`] or the previous page), [`REPLIES_PAGE`] at a time, nested under
/// the thread's first comment. A reply whose parent was on an earlier page
/// sits directly under the first comment, keeping its depth.
pub async fn thread(
    ctx: &Ctx,
    proposal_id: Uuid,
    root_id: Uuid,
    after: Option<&str>,
) -> Result<ThreadPage, ServiceError> {
    authorize(ctx, Operation::ListReplies, Scope::Global)?;
    let p = visibility::find_visible(&ctx.db, &ctx.actor, proposal_id).await?;
    let root = comment::Entity::find_by_id(root_id)
        .filter(comment::Column::ProposalId.eq(p.id))
        .filter(comment::Column::Depth.eq(1))
        .filter(pending_hidden(ctx, &p))
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("comment"))?;
    let mut replies = comment::Entity::find()
        .filter(comment::Column::RootId.eq(root.id))
        .filter(comment::Column::Depth.gt(1))
        .filter(pending_hidden(ctx, &p))
        .order_by_asc(comment::Column::CreatedAt)
        .order_by_asc(comment::Column::Id);
    if let Some(raw) = after.filter(|a| !a.is_empty()) {
        let (at, id) = decode_cursor(raw)
            .ok_or_else(|| ServiceError::field("risposte", FieldProblem::Malformed))?;
        replies = replies.filter(after_cursor(at, id));
    }
    let mut replies = replies.limit(REPLIES_PAGE + 1).all(&ctx.db).await?;
    let next = if replies.len() as u64 > REPLIES_PAGE {
        replies.truncate(REPLIES_PAGE as usize);
        replies.last().map(encode_cursor)
    } else {
        None
    };
    let can_moderate = visibility::moderates(&ctx.actor, p.process_id, p.platform_id);
    let thread = build_threads(ctx, std::slice::from_ref(&root), &replies, can_moderate)
        .await?
        .pop()
        .ok_or(ServiceError::NotFound("comment"))?;
    Ok(ThreadPage {
        proposal_id: p.id,
        proposal_title: p.title.clone(),
        thread,
        next,
        can_comment: availability(ctx, &p).await?,
        can_moderate,
        can_report: ctx.actor.person().is_some(),
    })
}

/// Comments after the keyset cursor `(at, id)`.
fn after_cursor(at: DateTime<Utc>, id: Uuid) -> Condition {
    Condition::any().add(comment::Column::CreatedAt.gt(at)).add(
        Condition::all()
            .add(comment::Column::CreatedAt.eq(at))
            .add(comment::Column::Id.gt(id)),
    )
}

/// The threads of `roots` with `replies` (oldest first) nested under their
/// parents, as the viewer may see them: author names and the viewer's own
/// votes in one query each.
async fn build_threads(
    ctx: &Ctx,
    roots: &[comment::Model],
    replies: &[comment::Model],
    can_moderate: bool,
) -> Result<Vec<CommentDto>, ServiceError> {
    let all: Vec<&comment::Model> = roots.iter().chain(replies.iter()).collect();
    let author_ids: Vec<Uuid> = all.iter().filter_map(|c| c.author_id).collect();
    let authors = people::display_names(&ctx.db, author_ids).await?;
    let me = ctx.actor.person().map(|p| p.id);
    let my_votes: HashMap<Uuid, i16> = match me {
        Some(me) if !all.is_empty() => comment_vote::Entity::find()
            .select_only()
            .column(comment_vote::Column::CommentId)
            .column(comment_vote::Column::Value)
            .filter(comment_vote::Column::UserId.eq(me))
            .filter(comment_vote::Column::CommentId.is_in(all.iter().map(|c| c.id)))
            .into_tuple::<(Uuid, i16)>()
            .all(&ctx.db)
            .await?
            .into_iter()
            .collect(),
        _ => HashMap::new(),
    };
    let dto = |c: &comment::Model| {
        let deleted = c.deleted_at.is_some();
        let mine = !deleted && me.is_some() && c.author_id == me;
        let visibility = Visibility::parse(&c.visibility).unwrap_or(Visibility::Visible);
        // Out of sight for this viewer: a placeholder keeps the replies in place.
        let veiled = visibility != Visibility::Visible && !mine && !can_moderate;
        CommentDto {
            id: c.id,
            parent_id: c.parent_id,
            depth: u8::try_from(c.depth).unwrap_or(MAX_COMMENT_DEPTH),
            author_name: if deleted || veiled {
                None
            } else {
                c.author_id.and_then(|id| authors.get(&id).cloned())
            },
            body_html: if deleted || veiled {
                String::new()
            } else {
                markdown::render(&c.body_md)
            },
            body_md: mine.then(|| c.body_md.clone()),
            alignment: Alignment::parse(&c.alignment).unwrap_or(Alignment::Neutral),
            upvotes: c.upvotes,
            downvotes: c.downvotes,
            created_at: c.created_at,
            edited_at: c.edited_at,
            deleted,
            my_vote: my_votes.get(&c.id).copied(),
            mine,
            visibility,
            moderation_note: c.moderation_note.clone(),
            replies: Vec::new(),
            more_replies: 0,
            replies_next: None,
        }
    };
    // Nest replies under their parents (replies arrive oldest first); a
    // reply whose parent is not here hangs from its thread's first comment.
    let present: std::collections::HashSet<Uuid> = all.iter().map(|c| c.id).collect();
    let mut children: HashMap<Uuid, Vec<&comment::Model>> = HashMap::new();
    for reply in replies {
        let parent = reply
            .parent_id
            .filter(|parent| present.contains(parent))
            .unwrap_or(reply.root_id);
        children.entry(parent).or_default().push(reply);
    }
    fn nest(
        c: &comment::Model,
        children: &HashMap<Uuid, Vec<&comment::Model>>,
        dto: &dyn Fn(&comment::Model) -> CommentDto,
    ) -> CommentDto {
        let mut node = dto(c);
        node.replies = children
            .get(&c.id)
            .map(|kids| kids.iter().map(|k| nest(k, children, dto)).collect())
            .unwrap_or_default();
        node
    }
    Ok(roots.iter().map(|c| nest(c, &children, &dto)).collect())
}
