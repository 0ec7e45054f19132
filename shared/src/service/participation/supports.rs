//! Supports (votes): one per person per proposal, guaranteed by the unique
//! index `ux_supports_proposal_user`; giving is idempotent (a repeat changes
//! nothing); the per-platform limit of the phase is checked on a counter row
//! the same transaction locks, so it holds under concurrency.

use crate::service::common::db::begin_write;
use crate::service::participation::lookup;
use crate::service::participation::visibility;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Value,
};
use uuid::Uuid;

use crate::model::ProposalState;
use crate::model::common::NamedRef;
use crate::model::common::Visibility;
use crate::model::common::{ParticipationAction, Refusal};
use crate::model::participation::{ProcessResults, ResultRow, SupportOutcome};
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::common::db::statement;
use crate::service::entity::{platform, proposal, support, zone};
use crate::service::processes::counts::{self, Kept};
use crate::service::processes::lookup::find_by_slug;
use crate::service::processes::phases::{self, ProcessPhases};
use crate::service::{Ctx, ServiceError};

/// A group's key, proposals, supports and distinct supporters.
type Tally = (Option<Uuid>, u64, u64, u64);

/// States in which a proposal can still gain supports.
const SUPPORTABLE: [ProposalState; 3] = [
    ProposalState::Published,
    ProposalState::UnderEvaluation,
    ProposalState::Accepted,
];

pub(crate) fn supportable(state: &str) -> bool {
    SUPPORTABLE.iter().any(|s| s.as_str() == state)
}

/// Adds `delta` to the person's count of supports in the platform and
/// returns the new count. The upsert locks the row until commit.
async fn bump_allowance(
    txn: &DatabaseTransaction,
    user_id: Uuid,
    platform_id: Uuid,
    delta: i32,
) -> Result<i64, ServiceError> {
    let row = txn
        .query_one_raw(statement(
            txn.get_database_backend(),
            "INSERT INTO support_allowances (user_id, platform_id, used) VALUES (?, ?, ?) \
             ON CONFLICT (user_id, platform_id) DO UPDATE \
             SET used = CASE WHEN support_allowances.used + ? < 0 THEN 0 \
             ELSE support_allowances.used + ? END RETURNING used",
            [
                Value::from(user_id),
                Value::from(platform_id),
                Value::from(Ord::max(delta, 0)),
                Value::from(delta),
                Value::from(delta),
            ],
        ))
        .await?
        .ok_or(ServiceError::NotFound("support allowance"))?;
    Ok(i64::from(row.try_get_by_index::<i32>(0)?))
}

async fn count_of(db: &impl ConnectionTrait, proposal_id: Uuid) -> Result<i64, ServiceError> {
    Ok(proposal::Entity::find_by_id(proposal_id)
        .one(db)
        .await?
        .map(|p| i64::from(p.support_count))
        .unwrap_or(0))
}

/// How many supports the person has given in a platform.
pub(crate) async fn used_in_platform(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    platform_id: Uuid,
) -> Result<u32, ServiceError> {
    let row = db
        .query_one_raw(statement(
            db.get_database_backend(),
            "SELECT used FROM support_allowances WHERE user_id = ? AND platform_id = ?",
            [Value::from(user_id), Value::from(platform_id)],
        ))
        .await?;
    Ok(match row {
        Some(row) => u32::try_from(row.try_get_by_index::<i32>(0)?).unwrap_or(0),
        None => 0,
    })
}

/// Supports a proposal. Repeating it changes nothing and is not an error.
pub async fn give(ctx: &Ctx, proposal_id: Uuid) -> Result<SupportOutcome, ServiceError> {
    authorize(ctx, Operation::GiveSupport, Scope::Global)?;
    let me = person(ctx)?.clone();
    let p = lookup::find(&ctx.db, proposal_id).await?;
    if p.visibility != Visibility::Visible.as_str() {
        return Err(ServiceError::NotFound("proposal"));
    }
    let state = phases::load(&ctx.db, p.process_id).await?;
    state.check(ParticipationAction::Support, &me)?;
    visibility::ensure_not_blocked(&ctx.db, me.id, p.process_id).await?;
    if !supportable(&p.state) {
        return Err(closed(&p));
    }
    let txn = begin_write(&ctx.db).await?;
    // The insert comes first: it takes the write lock on SQLite and, on
    // PostgreSQL, waits for a concurrent insert of the same pair to finish.
    let inserted = support::Entity::insert(support::ActiveModel {
        id: Set(Uuid::now_v7()),
        proposal_id: Set(p.id),
        user_id: Set(Some(me.id)),
        created_at: Set(ctx.now),
        assisted_by: Set(ctx.assisted_by),
    })
    .on_conflict(
        OnConflict::columns([support::Column::ProposalId, support::Column::UserId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        txn.rollback().await?;
        return Ok(SupportOutcome {
            supported: true,
            support_count: (!state.counts_hidden()).then_some(count_of(&ctx.db, p.id).await?),
            changed: false,
        });
    }
    let used = bump_allowance(&txn, me.id, p.platform_id, 1).await?;
    if let Some(limit) = limit_of(&state)
        && used > i64::from(limit)
    {
        txn.rollback().await?;
        return Err(ServiceError::Refused(Refusal::SupportLimitReached {
            limit,
        }));
    }
    add_to_count(&txn, p.id, 1).await?;
    let count = count_of(&txn, p.id).await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    tell(ctx, &state, &p, count).await;
    Ok(SupportOutcome {
        supported: true,
        support_count: (!state.counts_hidden()).then_some(count),
        changed: true,
    })
}

/// Withdraws the person's support while voting is open. Repeating it changes nothing.
pub async fn withdraw(ctx: &Ctx, proposal_id: Uuid) -> Result<SupportOutcome, ServiceError> {
    authorize(ctx, Operation::WithdrawSupport, Scope::Global)?;
    let me = person(ctx)?.clone();
    let p = lookup::find(&ctx.db, proposal_id).await?;
    let state = phases::load(&ctx.db, p.process_id).await?;
    state
        .allows(ParticipationAction::Support)
        .map_err(ServiceError::Refused)?;
    visibility::ensure_not_blocked(&ctx.db, me.id, p.process_id).await?;
    if p.state == ProposalState::Withdrawn.as_str() {
        // Its supporters' allowances were given back when it was withdrawn.
        return Err(closed(&p));
    }
    let txn = begin_write(&ctx.db).await?;
    let deleted = support::Entity::delete_many()
        .filter(support::Column::ProposalId.eq(p.id))
        .filter(support::Column::UserId.eq(me.id))
        .exec(&txn)
        .await?
        .rows_affected;
    if deleted == 0 {
        txn.rollback().await?;
        return Ok(SupportOutcome {
            supported: false,
            support_count: (!state.counts_hidden()).then_some(count_of(&ctx.db, p.id).await?),
            changed: false,
        });
    }
    bump_allowance(&txn, me.id, p.platform_id, -1).await?;
    add_to_count(&txn, p.id, -1).await?;
    let count = count_of(&txn, p.id).await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    tell(ctx, &state, &p, count).await;
    Ok(SupportOutcome {
        supported: false,
        support_count: (!state.counts_hidden()).then_some(count),
        changed: true,
    })
}

/// Tells the open pages the new count, unless the vote hides counts or the
/// proposal is out of sight.
async fn tell(ctx: &Ctx, state: &ProcessPhases, p: &proposal::Model, count: i64) {
    if state.counts_hidden() || p.visibility != Visibility::Visible.as_str() {
        return;
    }
    crate::service::common::live::publish(
        &ctx.db,
        crate::service::common::live::SupportChanged {
            proposal: p.id,
            count,
        },
    )
    .await;
}

fn limit_of(state: &ProcessPhases) -> Option<u32> {
    state.support_limit()
}

fn closed(p: &proposal::Model) -> ServiceError {
    ServiceError::Refused(Refusal::ProposalClosed {
        state: ProposalState::parse(&p.state).unwrap_or(ProposalState::Withdrawn),
    })
}

async fn add_to_count(
    txn: &DatabaseTransaction,
    proposal_id: Uuid,
    delta: i32,
) -> Result<(), ServiceError> {
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::SupportCount,
            Expr::col(proposal::Column::SupportCount).add(delta),
        )
        .filter(proposal::Column::Id.eq(proposal_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Supports of a process per platform and per zone, with distinct supporters.
pub async fn results(ctx: &Ctx, process_slug: &str) -> Result<ProcessResults, ServiceError> {
    authorize(ctx, Operation::ViewResults, Scope::Global)?;
    let process = find_by_slug(ctx, process_slug).await?;
    let state = phases::load(&ctx.db, process.id).await?;
    let reference = NamedRef {
        key: process.slug.clone(),
        name: process.title.clone(),
    };
    let empty_row = |key: &str, name: &str| ResultRow {
        key: key.to_owned(),
        name: name.to_owned(),
        proposals: 0,
        supports: 0,
        supporters: 0,
    };
    if state.counts_hidden() {
        return Ok(ProcessResults {
            process: reference,
            visible: false,
            by_platform: Vec::new(),
            by_zone: Vec::new(),
            without_zone: empty_row("", ""),
        });
    }
    // Kept while nothing changed (they group every support of the process).
    let key = (process.id, None);
    if let Some(kept) = RESULTS.fresh(key) {
        return Ok(kept);
    }
    let (started, changes) = (std::time::Instant::now(), counts::changes());
    let grouped = |column: &str| {
        format!(
            "SELECT p.{column}, COUNT(DISTINCT p.id), \
             COALESCE(SUM(CASE WHEN s.id IS NULL THEN 0 ELSE 1 END), 0), \
             COUNT(DISTINCT s.user_id) \
             FROM proposals p LEFT JOIN supports s ON s.proposal_id = p.id \
             WHERE p.process_id = ? AND p.state <> 'withdrawn' AND p.visibility = 'visibile' GROUP BY p.{column}"
        )
    };
    let backend = ctx.db.get_database_backend();
    let rows_of = async |column: &str| -> Result<Vec<Tally>, ServiceError> {
        let rows = ctx
            .db
            .query_all_raw(statement(
                backend,
                &grouped(column),
                [Value::from(process.id)],
            ))
            .await?;
        let mut out = Vec::new();
        for row in rows {
            let id: Option<Uuid> = row.try_get_by_index(0)?;
            let n = |i: usize| -> Result<u64, ServiceError> {
                Ok(u64::try_from(row.try_get_by_index::<i64>(i)?).unwrap_or(0))
            };
            out.push((id, n(1)?, n(2)?, n(3)?));
        }
        Ok(out)
    };
    let by_platform_rows = rows_of("platform_id").await?;
    let by_zone_rows = rows_of("zone_id").await?;
    let platforms = platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(process.id))
        .all(&ctx.db)
        .await?;
    let zones = zone::Entity::find()
        .filter(zone::Column::ProcessId.eq(process.id))
        .all(&ctx.db)
        .await?;
    let fill = |row: &mut ResultRow, found: Option<&Tally>| {
        if let Some((_, proposals, supports, supporters)) = found {
            row.proposals = *proposals;
            row.supports = *supports;
            row.supporters = *supporters;
        }
    };
    let mut platforms_sorted = platforms;
    platforms_sorted.sort_by_key(|p| p.position);
    let by_platform = platforms_sorted
        .iter()
        .map(|p| {
            let mut row = empty_row(&p.slug, &p.title);
            fill(
                &mut row,
                by_platform_rows.iter().find(|r| r.0 == Some(p.id)),
            );
            row
        })
        .collect();
    let mut zones_sorted = zones;
    zones_sorted.sort_by_key(|z| z.position);
    let by_zone = zones_sorted
        .iter()
        .map(|z| {
            let mut row = empty_row(&z.slug, &z.name);
            fill(&mut row, by_zone_rows.iter().find(|r| r.0 == Some(z.id)));
            row
        })
        .collect();
    let mut without_zone = empty_row("", "");
    fill(
        &mut without_zone,
        by_zone_rows.iter().find(|r| r.0.is_none()),
    );
    let results = ProcessResults {
        process: reference,
        visible: true,
        by_platform,
        by_zone,
        without_zone,
    };
    RESULTS.store(key, &results, started.elapsed(), changes);
    Ok(results)
}

/// The results of slow processes, while nothing changed (see `counts`).
static RESULTS: Kept<ProcessResults> = Kept::new();
