//! The facilitators' dashboard of a process or platform: what waits for an
//! answer or a moderator, the phase's figures day by day, and the share of
//! assisted participation per phase and per zone. Every figure is counted
//! by the database with grouped queries (a handful per page, whatever the size).

use crate::service::facilitation::queue;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseBackend, Value};

use crate::model::common::NamedRef;
use crate::model::facilitation::{AssistedShare, Dashboard, DayFigures};
use crate::model::{ProposalFilter, ProposalQuery, ProposalSort, ProposalState};
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::common::db::statement;
use crate::service::processes::lookup::{find_by_slug, platforms_of, zones_of};
use crate::service::{
    Ctx, ServiceError, facilitation::projects, participation::proposals, processes::phases,
};

/// Proposals listed as waiting for an answer.
const AWAITING_LIMIT: u64 = 50;
/// Proposals offered for merging on a platform's dashboard.
const MERGEABLE_LIMIT: u64 = 100;

/// The calendar day (UTC) of a timestamp column, as `YYYY-MM-DD`.
fn day_of(backend: DatabaseBackend, column: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => {
            format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
        }
        _ => format!("substr({column}, 1, 10)"),
    }
}

/// Counts per day of one grouped query (`day, n`, optionally `assisted`).
async fn per_day(
    db: &impl ConnectionTrait,
    sql: &str,
    values: &[Value],
) -> Result<BTreeMap<NaiveDate, (u64, u64)>, ServiceError> {
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            sql,
            values.iter().cloned(),
        ))
        .await?;
    let mut out = BTreeMap::new();
    for row in rows {
        let day: String = row.try_get_by_index(0)?;
        let n: i64 = row.try_get_by_index(1)?;
        let assisted: i64 = row.try_get_by_index(2).unwrap_or(0);
        if let Ok(day) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
            out.insert(
                day,
                (
                    u64::try_from(n).unwrap_or(0),
                    u64::try_from(assisted).unwrap_or(0),
                ),
            );
        }
    }
    Ok(out)
}

/// The dashboard of a process, or of one of its platforms.
pub async fn overview(
    ctx: &Ctx,
    process_slug: &str,
    platform_slug: Option<&str>,
) -> Result<Dashboard, ServiceError> {
    let process = find_by_slug(ctx, process_slug).await?;
    let all_platforms = platforms_of(ctx, process.id).await?;
    let platform = match platform_slug.filter(|s| !s.is_empty()) {
        Some(slug) => Some(
            all_platforms
                .iter()
                .find(|p| p.slug == slug)
                .ok_or(ServiceError::NotFound("platform"))?
                .clone(),
        ),
        None => None,
    };
    let scope = match &platform {
        Some(p) => Scope::Platform {
            process: process.id,
            platform: p.id,
        },
        None => Scope::Process(process.id),
    };
    authorize(ctx, Operation::ViewDashboard, scope)?;
    let db = &ctx.db;
    let backend = db.get_database_backend();
    let state = phases::load(db, process.id).await?;

    let awaiting = proposals::list_in(
        ctx,
        &process,
        &ProposalQuery {
            filter: ProposalFilter {
                platform: platform.as_ref().map(|p| p.slug.clone()),
                state: Some(ProposalState::Published),
                ..ProposalFilter::default()
            },
            sort: ProposalSort::Newest,
            after: None,
            limit: AWAITING_LIMIT,
        },
    )
    .await?;

    let mergeable = match &platform {
        Some(p) => proposals::list_in(
            ctx,
            &process,
            &ProposalQuery {
                filter: ProposalFilter {
                    platform: Some(p.slug.clone()),
                    ..ProposalFilter::default()
                },
                sort: ProposalSort::Newest,
                after: None,
                limit: MERGEABLE_LIMIT,
            },
        )
        .await?
        .items
        .into_iter()
        .filter(|card| card.state != ProposalState::Merged)
        .collect(),
        None => Vec::new(),
    };

    // Which proposals count: the process's (or platform's) visible ones.
    let (filter, values) = match &platform {
        Some(p) => (
            "p.process_id = ? AND p.platform_id = ? AND p.visibility = 'visibile' \
             AND p.state <> 'withdrawn'",
            vec![Value::from(process.id), Value::from(p.id)],
        ),
        None => (
            "p.process_id = ? AND p.visibility = 'visibile' AND p.state <> 'withdrawn'",
            vec![Value::from(process.id)],
        ),
    };
    let proposal_day = day_of(backend, "p.created_at");
    let comment_day = day_of(backend, "c.created_at");
    let support_day = day_of(backend, "s.created_at");
    let proposals_by_day = per_day(
        db,
        &format!(
            "SELECT {proposal_day}, COUNT(*), \
             SUM(CASE WHEN p.assisted_by IS NULL THEN 0 ELSE 1 END) \
             FROM proposals p WHERE {filter} GROUP BY {proposal_day}"
        ),
        &values,
    )
    .await?;
    let comments_by_day = per_day(
        db,
        &format!(
            "SELECT {comment_day}, COUNT(*) FROM comments c \
             JOIN proposals p ON p.id = c.proposal_id \
             WHERE {filter} AND c.deleted_at IS NULL AND c.visibility = 'visibile' \
             GROUP BY {comment_day}"
        ),
        &values,
    )
    .await?;
    let supports_by_day = per_day(
        db,
        &format!(
            "SELECT {support_day}, COUNT(*), \
             SUM(CASE WHEN s.assisted_by IS NULL THEN 0 ELSE 1 END) FROM supports s \
             JOIN proposals p ON p.id = s.proposal_id WHERE {filter} GROUP BY {support_day}"
        ),
        &values,
    )
    .await?;
    // Each person counts once, on the day they first took part.
    let first_days = per_day(
        db,
        &format!(
            "SELECT first_day, COUNT(*) FROM (SELECT person, MIN(d) AS first_day FROM (\
             SELECT p.author_id AS person, {proposal_day} AS d FROM proposals p \
             WHERE {filter} AND p.author_id IS NOT NULL \
             UNION ALL SELECT c.author_id, {comment_day} FROM comments c \
             JOIN proposals p ON p.id = c.proposal_id WHERE {filter} AND c.author_id IS NOT NULL \
             AND c.visibility = 'visibile' \
             UNION ALL SELECT s.user_id, {support_day} FROM supports s \
             JOIN proposals p ON p.id = s.proposal_id WHERE {filter} AND s.user_id IS NOT NULL\
             ) acts GROUP BY person) firsts GROUP BY first_day"
        ),
        &[values.clone(), values.clone(), values.clone()].concat(),
    )
    .await?;

    // Day by day through the current phase (or the last one that ran).
    let window = state
        .current()
        .or_else(|| {
            state
                .phases
                .iter()
                .rev()
                .find(|p| p.starts_on <= ctx.today())
        })
        .map(|p| (p.starts_on, Ord::min(p.ends_on, ctx.today())));
    let total = |map: &BTreeMap<NaiveDate, (u64, u64)>, until: Option<NaiveDate>| -> u64 {
        map.iter()
            .filter(|(day, _)| until.is_none_or(|u| **day <= u))
            .map(|(_, (n, _))| n)
            .sum()
    };
    let mut days = Vec::new();
    if let Some((start, end)) = window {
        let mut day = start;
        while day <= end && days.len() < 370 {
            days.push(DayFigures {
                day,
                participants: total(&first_days, Some(day)),
                proposals: total(&proposals_by_day, Some(day)),
                comments: total(&comments_by_day, Some(day)),
                supports: total(&supports_by_day, Some(day)),
            });
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
    }

    // Assisted share per phase: contributions (proposals and supports) made
    // within each phase's dates.
    let assisted_by_phase = state
        .phases
        .iter()
        .map(|phase| {
            let within = |map: &BTreeMap<NaiveDate, (u64, u64)>| {
                map.range(phase.starts_on..=phase.ends_on)
                    .fold((0, 0), |(n, a), (_, (dn, da))| (n + dn, a + da))
            };
            let (proposals, proposals_assisted) = within(&proposals_by_day);
            let (supports, supports_assisted) = within(&supports_by_day);
            AssistedShare {
                label: phase.title.clone(),
                contributions: proposals + supports,
                assisted: proposals_assisted + supports_assisted,
            }
        })
        .filter(|share| share.contributions > 0)
        .collect();

    // And per zone of the proposal.
    let zone_rows = db
        .query_all_raw(statement(
            backend,
            &format!(
                "SELECT zone_id, COUNT(*), SUM(assisted) FROM (\
                 SELECT p.zone_id AS zone_id, \
                 CASE WHEN p.assisted_by IS NULL THEN 0 ELSE 1 END AS assisted \
                 FROM proposals p WHERE {filter} \
                 UNION ALL SELECT p.zone_id, CASE WHEN s.assisted_by IS NULL THEN 0 ELSE 1 END \
                 FROM supports s JOIN proposals p ON p.id = s.proposal_id WHERE {filter}\
                 ) contributions GROUP BY zone_id"
            ),
            [values.clone(), values.clone()].concat(),
        ))
        .await?;
    let zone_names: HashMap<uuid::Uuid, String> = zones_of(ctx, process.id)
        .await?
        .into_iter()
        .map(|z| (z.id, z.name))
        .collect();
    let mut assisted_by_zone = Vec::new();
    for row in zone_rows {
        let zone: Option<uuid::Uuid> = row.try_get_by_index(0)?;
        let n: i64 = row.try_get_by_index(1)?;
        let assisted: i64 = row.try_get_by_index(2).unwrap_or(0);
        assisted_by_zone.push(AssistedShare {
            label: zone
                .and_then(|z| zone_names.get(&z).cloned())
                .unwrap_or_default(),
            contributions: u64::try_from(n).unwrap_or(0),
            assisted: u64::try_from(assisted).unwrap_or(0),
        });
    }
    assisted_by_zone.sort_by(|a, b| a.label.cmp(&b.label));

    let platform_id = platform.as_ref().map(|p| p.id);
    let queue_total = queue::waiting_count(db, process.id, platform_id).await?;
    let projects = projects::summaries(db, process.id, platform_id).await?;
    let named = |slug: &str, title: &str| NamedRef {
        key: slug.to_owned(),
        name: title.to_owned(),
    };
    Ok(Dashboard {
        process: named(&process.slug, &process.title),
        platform: platform.as_ref().map(|p| named(&p.slug, &p.title)),
        platforms: all_platforms
            .iter()
            .filter(|p| {
                crate::service::common::authz::permits(
                    &ctx.actor,
                    Operation::ViewDashboard,
                    Scope::Platform {
                        process: process.id,
                        platform: p.id,
                    },
                )
            })
            .map(|p| named(&p.slug, &p.title))
            .collect(),
        current_phase: state.current().map(|p| p.title.clone()),
        supports_hidden_from_public: state.counts_hidden(),
        awaiting_answer_total: awaiting.total,
        awaiting_answer: awaiting.items,
        mergeable,
        queue_total,
        participants: total(&first_days, None),
        proposals: total(&proposals_by_day, None),
        comments: total(&comments_by_day, None),
        supports: total(&supports_by_day, None),
        days,
        assisted_by_phase,
        assisted_by_zone,
        projects,
    })
}
