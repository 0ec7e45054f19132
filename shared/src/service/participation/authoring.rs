//! Writing proposals: create, edit while nobody has engaged with it yet
//! (every version kept), withdraw, read the history, and find similar
//! proposals while writing.

use crate::service::common::db::begin_write;
use crate::service::participation::lookup;
use crate::service::participation::visibility;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::service::common::db::statement;
use uuid::Uuid;

use crate::model::ProposalState;
use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::common::Visibility;
use crate::model::common::{EditLock, ParticipationAction, Refusal};
use crate::model::participation::{
    NotificationKind, ProposalHistory, ProposalInput, ProposalVersionDto, SimilarProposal,
};
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::common::search::{self, Match};
use crate::service::entity::{
    follow, platform, proposal, proposal_version, strategic_direction, zone,
};
use crate::service::participation::lookup::random_key_for;
use crate::service::processes::lookup::find_by_slug;
use crate::service::processes::phases::{self, ProcessPhases};
use crate::service::{
    Ctx, ServiceError, common::markdown, common::rate_limit, notifications::inbox,
};

/// Suggestions shown while writing.
const SIMILAR_LIMIT: u64 = 5;

/// Why the author may not edit `p` now, if they may not.
pub(crate) fn edit_lock(p: &proposal::Model, phases: &ProcessPhases) -> Option<EditLock> {
    if p.state != ProposalState::Published.as_str() {
        Some(EditLock::NotPublished)
    } else if p.support_count > 0 {
        Some(EditLock::Supported)
    } else if p.comment_count > 0 {
        Some(EditLock::Commented)
    } else if phases.allows(ParticipationAction::Propose).is_err() {
        Some(EditLock::PhaseOver)
    } else {
        None
    }
}

struct Placement {
    zone_id: Option<Uuid>,
    direction_id: Option<Uuid>,
}

/// Resolves the zone and direction keys of `input` within the process.
async fn place(
    ctx: &Ctx,
    process_id: Uuid,
    platform: &platform::Model,
    input: &ProposalInput,
) -> Result<Placement, ServiceError> {
    let zone_id = match &input.zone {
        None => None,
        Some(slug) => Some(
            zone::Entity::find()
                .filter(zone::Column::ProcessId.eq(process_id))
                .filter(zone::Column::Slug.eq(slug.as_str()))
                .one(&ctx.db)
                .await?
                .ok_or_else(|| ServiceError::field("zona", FieldProblem::NotRecognized))?
                .id,
        ),
    };
    let direction_id = match &input.direction {
        None => platform.direction_id,
        Some(code) => Some(
            strategic_direction::Entity::find()
                .filter(strategic_direction::Column::ProcessId.eq(process_id))
                .filter(strategic_direction::Column::Code.eq(code.as_str()))
                .one(&ctx.db)
                .await?
                .ok_or_else(|| ServiceError::field("direzione", FieldProblem::NotRecognized))?
                .id,
        ),
    };
    Ok(Placement {
        zone_id,
        direction_id,
    })
}

/// Publishes a proposal in a platform of the process. The author follows it.
pub async fn create(
    ctx: &Ctx,
    process_slug: &str,
    platform_slug: &str,
    input: &ProposalInput,
) -> Result<Uuid, ServiceError> {
    authorize(ctx, Operation::CreateProposal, Scope::Global)?;
    let me = person(ctx)?.clone();
    let process = find_by_slug(ctx, process_slug).await?;
    if platform_slug.contains('\0') {
        return Err(ServiceError::field(
            "piattaforma",
            FieldProblem::ControlCharacters,
        ));
    }
    let platform = platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(process.id))
        .filter(platform::Column::Slug.eq(platform_slug.trim()))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| {
            ServiceError::field(
                "piattaforma",
                if platform_slug.trim().is_empty() {
                    FieldProblem::Empty
                } else {
                    FieldProblem::NotRecognized
                },
            )
        })?;
    let state = phases::load(&ctx.db, process.id).await?;
    state.check(ParticipationAction::Propose, &me)?;
    visibility::ensure_not_blocked(&ctx.db, me.id, process.id).await?;
    let placement = place(ctx, process.id, &platform, input).await?;
    let subject = me.id.to_string();
    let id = Uuid::now_v7();
    let title = input.title.as_str();
    let body = input.body.as_str();
    let txn = begin_write(&ctx.db).await?;
    // Counted atomically before the work; it counts only if the work commits.
    let _ = rate_limit::PROPOSALS_PER_PERSON
        .take(&txn, &subject, ctx.now)
        .await?;
    proposal::Entity::insert(proposal::ActiveModel {
        id: Set(id),
        process_id: Set(process.id),
        platform_id: Set(platform.id),
        direction_id: Set(placement.direction_id),
        zone_id: Set(placement.zone_id),
        author_id: Set(Some(me.id)),
        title: Set(title.to_owned()),
        body_md: Set(body.to_owned()),
        state: Set(ProposalState::Published.as_str().to_owned()),
        support_count: Set(0),
        random_key: Set(random_key_for(id)),
        published_at: Set(ctx.now),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        comment_count: Set(0),
        version: Set(1),
        answer_md: Set(None),
        answered_at: Set(None),
        search_terms: Set(String::new()),
        visibility: Set(visibility::initial_visibility(&process).as_str().to_owned()),
        assisted_by: Set(ctx.assisted_by),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    save_version(&txn, ctx, id, 1, title, body, placement.zone_id, me.id).await?;
    search::index_proposal(&txn, id, title, body).await?;
    follow::Entity::insert(follow::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(me.id),
        proposal_id: Set(id),
        created_at: Set(ctx.now),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn save_version(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    proposal_id: Uuid,
    version: i32,
    title: &str,
    body: &str,
    zone_id: Option<Uuid>,
    editor: Uuid,
) -> Result<(), ServiceError> {
    proposal_version::Entity::insert(proposal_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        proposal_id: Set(proposal_id),
        version: Set(version),
        title: Set(title.to_owned()),
        body_md: Set(body.to_owned()),
        zone_id: Set(zone_id),
        editor_id: Set(Some(editor)),
        created_at: Set(ctx.now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

async fn own_proposal(ctx: &Ctx, id: Uuid) -> Result<proposal::Model, ServiceError> {
    let me = person(ctx)?.id;
    let p = lookup::find(&ctx.db, id).await?;
    if p.author_id != Some(me) {
        return Err(ServiceError::Forbidden);
    }
    visibility::ensure_not_blocked(&ctx.db, me, p.process_id).await?;
    Ok(p)
}

/// The author changes title, text and zone, until the first support or
/// comment or the end of the proposals phase. Each version is kept.
pub async fn edit(ctx: &Ctx, proposal_id: Uuid, input: &ProposalInput) -> Result<(), ServiceError> {
    authorize(ctx, Operation::EditProposal, Scope::Global)?;
    let me = person(ctx)?.id;
    let p = own_proposal(ctx, proposal_id).await?;
    let state = phases::load(&ctx.db, p.process_id).await?;
    if let Some(reason) = edit_lock(&p, &state) {
        return Err(ServiceError::Refused(Refusal::EditWindowClosed { reason }));
    }
    let platform = platform::Entity::find_by_id(p.platform_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("platform"))?;
    let placement = place(ctx, p.process_id, &platform, input).await?;
    let version = p.version + 1;
    let title = input.title.as_str();
    let body = input.body.as_str();
    // Under pre-moderation a changed text waits for approval again.
    let visibility = if state.process.pre_moderation
        && !visibility::moderates(&ctx.actor, p.process_id, p.platform_id)
        && p.visibility == Visibility::Visible.as_str()
    {
        Visibility::Pending.as_str()
    } else {
        p.visibility.as_str()
    };
    let txn = begin_write(&ctx.db).await?;
    // Guarded: a support or comment that arrived meanwhile closes the window.
    let changed = proposal::Entity::update_many()
        .col_expr(proposal::Column::Visibility, Expr::value(visibility))
        .col_expr(proposal::Column::Title, Expr::value(title))
        .col_expr(proposal::Column::BodyMd, Expr::value(body))
        .col_expr(proposal::Column::ZoneId, Expr::value(placement.zone_id))
        .col_expr(
            proposal::Column::DirectionId,
            Expr::value(placement.direction_id),
        )
        .col_expr(proposal::Column::Version, Expr::value(version))
        .col_expr(proposal::Column::UpdatedAt, Expr::value(ctx.now))
        .filter(proposal::Column::Id.eq(p.id))
        .filter(proposal::Column::Version.eq(p.version))
        .filter(proposal::Column::Visibility.eq(p.visibility.as_str()))
        .filter(proposal::Column::SupportCount.eq(0))
        .filter(proposal::Column::CommentCount.eq(0))
        .filter(proposal::Column::State.eq(ProposalState::Published.as_str()))
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        txn.rollback().await?;
        let now = own_proposal(ctx, proposal_id).await?;
        let reason = edit_lock(&now, &state).unwrap_or(EditLock::Commented);
        return Err(ServiceError::Refused(Refusal::EditWindowClosed { reason }));
    }
    save_version(&txn, ctx, p.id, version, title, body, placement.zone_id, me).await?;
    search::index_proposal(&txn, p.id, title, body).await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

/// The author withdraws the proposal (before it is accepted, rejected or merged).
pub async fn withdraw(ctx: &Ctx, proposal_id: Uuid) -> Result<(), ServiceError> {
    authorize(ctx, Operation::WithdrawProposal, Scope::Global)?;
    let p = own_proposal(ctx, proposal_id).await?;
    let withdrawable = [ProposalState::Published, ProposalState::UnderEvaluation];
    if !withdrawable.iter().any(|s| s.as_str() == p.state) {
        return Err(ServiceError::Refused(Refusal::ProposalClosed {
            state: ProposalState::parse(&p.state).unwrap_or(ProposalState::Withdrawn),
        }));
    }
    let txn = begin_write(&ctx.db).await?;
    let changed = proposal::Entity::update_many()
        .col_expr(
            proposal::Column::State,
            Expr::value(ProposalState::Withdrawn.as_str()),
        )
        .col_expr(proposal::Column::UpdatedAt, Expr::value(ctx.now))
        .filter(proposal::Column::Id.eq(p.id))
        .filter(proposal::Column::State.is_in(withdrawable.iter().map(|s| s.as_str())))
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        txn.rollback().await?;
        return Err(ServiceError::Refused(Refusal::ProposalClosed {
            state: ProposalState::Withdrawn,
        }));
    }
    // Its supporters get their support back to give elsewhere in the platform
    // (the supports stay on record, and in its count).
    txn.execute_raw(statement(
        txn.get_database_backend(),
        "UPDATE support_allowances SET used = CASE WHEN used > 0 THEN used - 1 ELSE 0 END \
         WHERE platform_id = ? AND user_id IN \
         (SELECT user_id FROM supports WHERE proposal_id = ? AND user_id IS NOT NULL)",
        [
            sea_orm::Value::from(p.platform_id),
            sea_orm::Value::from(p.id),
        ],
    ))
    .await?;
    inbox::proposal_event(
        &txn,
        ctx,
        &p,
        NotificationKind::StateChange,
        None,
        ProposalState::Withdrawn.as_str(),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

/// Every version of a proposal, newest first.
pub async fn history(ctx: &Ctx, proposal_id: Uuid) -> Result<ProposalHistory, ServiceError> {
    authorize(ctx, Operation::ViewProposalHistory, Scope::Global)?;
    let p = visibility::find_visible(&ctx.db, &ctx.actor, proposal_id).await?;
    let process = crate::service::entity::process::Entity::find_by_id(p.process_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("process"))?;
    let versions = proposal_version::Entity::find()
        .filter(proposal_version::Column::ProposalId.eq(p.id))
        .order_by_desc(proposal_version::Column::Version)
        .all(&ctx.db)
        .await?;
    let zone_names: std::collections::HashMap<Uuid, String> = zone::Entity::find()
        .filter(zone::Column::ProcessId.eq(p.process_id))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|z| (z.id, z.name))
        .collect();
    Ok(ProposalHistory {
        id: p.id,
        title: p.title,
        process: NamedRef {
            key: process.slug,
            name: process.title,
        },
        versions: versions
            .into_iter()
            .map(|v| ProposalVersionDto {
                version: v.version,
                title: v.title,
                body_html: markdown::render(&v.body_md),
                zone: v.zone_id.and_then(|id| zone_names.get(&id).cloned()),
                created_at: v.created_at,
            })
            .collect(),
    })
}

/// Proposals of the process that look like `text`, best first.
pub async fn similar(
    ctx: &Ctx,
    process_slug: &str,
    text: &str,
) -> Result<Vec<SimilarProposal>, ServiceError> {
    authorize(ctx, Operation::SuggestSimilar, Scope::Global)?;
    let process = find_by_slug(ctx, process_slug).await?;
    let text: String = text.chars().take(300).collect();
    let Some(query) = search::query(&text, Match::Any) else {
        return Ok(Vec::new());
    };
    let backend = ctx.db.get_database_backend();
    let rows = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::State.ne(ProposalState::Withdrawn.as_str()))
        .filter(proposal::Column::Visibility.eq("visibile"))
        .filter(search::matching(backend, &query, Match::Any))
        .order_by(search::rank(backend, &query), Order::Asc)
        .order_by_desc(proposal::Column::SupportCount)
        .limit(SIMILAR_LIMIT)
        .all(&ctx.db)
        .await?;
    let platforms: std::collections::HashMap<Uuid, String> = platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(process.id))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            Some(SimilarProposal {
                state: ProposalState::parse(&p.state)?,
                platform: platforms.get(&p.platform_id).cloned().unwrap_or_default(),
                id: p.id,
                title: p.title,
            })
        })
        .collect())
}

/// Follows or stops following a proposal. Repeating it changes nothing.
pub async fn follow(ctx: &Ctx, proposal_id: Uuid, on: bool) -> Result<(), ServiceError> {
    authorize(ctx, Operation::FollowProposal, Scope::Global)?;
    let me = person(ctx)?.id;
    lookup::find(&ctx.db, proposal_id).await?;
    if on {
        follow::Entity::insert(follow::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(me),
            proposal_id: Set(proposal_id),
            created_at: Set(ctx.now),
        })
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                follow::Column::ProposalId,
                follow::Column::UserId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&ctx.db)
        .await?;
    } else {
        follow::Entity::delete_many()
            .filter(follow::Column::ProposalId.eq(proposal_id))
            .filter(follow::Column::UserId.eq(me))
            .exec(&ctx.db)
            .await?;
    }
    Ok(())
}

/// A facilitator of the platform gives the official answer and state.
/// Rejections need a reason.
pub async fn answer(
    ctx: &Ctx,
    proposal_id: Uuid,
    state: &str,
    text: &str,
) -> Result<(), ServiceError> {
    let p = lookup::find(&ctx.db, proposal_id).await?;
    authorize(
        ctx,
        Operation::AnswerProposal,
        Scope::Platform {
            process: p.process_id,
            platform: p.platform_id,
        },
    )?;
    let (new_state, text) = parse_answer(state, text)?;
    let txn = begin_write(&ctx.db).await?;
    answer_in(&txn, ctx, &p, new_state, &text).await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

fn parse_answer(
    state: &str,
    text: &str,
) -> Result<(ProposalState, crate::model::participation::MarkdownText), ServiceError> {
    let new_state = ProposalState::parse(state)
        .filter(|s| crate::model::participation::ANSWER_STATES.contains(s))
        .ok_or_else(|| ServiceError::field("stato", FieldProblem::Malformed))?;
    let text = crate::model::participation::MarkdownText::answer(text)
        .map_err(|problem| ServiceError::field("risposta", problem))?;
    if new_state == ProposalState::Rejected && text.as_str().is_empty() {
        return Err(ServiceError::field("risposta", FieldProblem::Empty));
    }
    Ok((new_state, text))
}

/// Answers several proposals at once with the same state and text: all or
/// none (each must be one the facilitator may answer and still open).
/// Returns how many were answered.
pub async fn answer_many(
    ctx: &Ctx,
    proposal_ids: &[Uuid],
    state: &str,
    text: &str,
) -> Result<u64, ServiceError> {
    if proposal_ids.is_empty() || proposal_ids.len() > 200 {
        return Err(ServiceError::field(
            "proposte",
            if proposal_ids.is_empty() {
                FieldProblem::Empty
            } else {
                FieldProblem::TooLong { max: 200 }
            },
        ));
    }
    let found = proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(proposal_ids.iter().copied()))
        .all(&ctx.db)
        .await?;
    if found.len()
        != proposal_ids
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len()
    {
        return Err(ServiceError::NotFound("proposal"));
    }
    for p in &found {
        authorize(
            ctx,
            Operation::AnswerProposals,
            Scope::Platform {
                process: p.process_id,
                platform: p.platform_id,
            },
        )?;
    }
    let (new_state, text) = parse_answer(state, text)?;
    let txn = begin_write(&ctx.db).await?;
    for p in &found {
        answer_in(&txn, ctx, p, new_state, &text).await?;
    }
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(found.len() as u64)
}

/// Records one answer in the caller's transaction.
async fn answer_in(
    txn: &sea_orm::DatabaseTransaction,
    ctx: &Ctx,
    p: &proposal::Model,
    new_state: ProposalState,
    text: &crate::model::participation::MarkdownText,
) -> Result<(), ServiceError> {
    if matches!(
        ProposalState::parse(&p.state),
        Some(ProposalState::Withdrawn | ProposalState::Merged)
    ) {
        return Err(ServiceError::Refused(Refusal::ProposalClosed {
            state: ProposalState::parse(&p.state).unwrap_or(ProposalState::Withdrawn),
        }));
    }
    let changed = proposal::Entity::update_many()
        .col_expr(proposal::Column::State, Expr::value(new_state.as_str()))
        .col_expr(
            proposal::Column::AnswerMd,
            Expr::value(Some(text.as_str().to_owned()).filter(|t| !t.is_empty())),
        )
        .col_expr(proposal::Column::AnsweredAt, Expr::value(Some(ctx.now)))
        .col_expr(proposal::Column::UpdatedAt, Expr::value(ctx.now))
        .filter(proposal::Column::Id.eq(p.id))
        .filter(proposal::Column::State.is_not_in([
            ProposalState::Withdrawn.as_str(),
            ProposalState::Merged.as_str(),
        ]))
        .exec(txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(ServiceError::Refused(Refusal::ProposalClosed {
            state: ProposalState::Withdrawn,
        }));
    }
    inbox::proposal_event(
        txn,
        ctx,
        p,
        NotificationKind::Answer,
        None,
        new_state.as_str(),
    )
    .await?;
    crate::service::common::audit::record(
        txn,
        ctx,
        "proposal_answered",
        None,
        format!("{}: {} → {}", p.id, p.state, new_state.as_str()),
    )
    .await
}

/// Placeholder-free helper for the list: the ids whose text matches `text`.
pub(crate) fn search_condition(
    backend: sea_orm::DatabaseBackend,
    text: &str,
) -> Option<sea_orm::sea_query::SimpleExpr> {
    search::query(text, Match::All).map(|q| search::matching(backend, &q, Match::All))
}
