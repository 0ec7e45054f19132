//! Reading processes with their phases, directions, platforms and zones.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, UnionType};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    StatementBuilder,
};
use uuid::Uuid;

use crate::model::common::NamedRef;
use crate::model::common::{Availability, ParticipationAction, Refusal};
use crate::model::{
    DirectionDto, ParticipationRequirements, PhaseCursor, PhaseDto, PhaseKind, PhaseTimeline,
    PlatformDto, ProcessDetail, ProcessStats, ProcessSummary, ProposalState, ZoneDto,
};
use crate::service::common::authz::{Operation, Scope, authorize, permits};
use crate::service::common::db::begin_write;
use crate::service::entity::{
    phase, platform, process, proposal, strategic_direction, support, user, zone,
};
use crate::service::processes::counts::{self, Kept};
use crate::service::processes::lookup::{direction_ref, find_by_slug, platforms_of, zones_of};
use crate::service::{Ctx, ServiceError, common::audit, common::markdown, processes::phases};

/// Distinct people who proposed or supported.
static PARTICIPANTS: Kept<(i64, i64)> = Kept::new();
/// The same while a vote hides counts (supporters from before the vote only).
static PARTICIPANTS_DURING_HIDDEN_VOTE: Kept<(i64, i64)> = Kept::new();
/// Visible proposals and their supports.
static TOTALS: Kept<(i64, Option<i64>)> = Kept::new();
/// Proposals per direction, platform and zone.
static FACETS: Kept<Facets> = Kept::new();

/// Every process, open ones first (then most recently created), with phases and proposal counts.
pub async fn list(ctx: &Ctx) -> Result<Vec<ProcessSummary>, ServiceError> {
    authorize(ctx, Operation::ListProcesses, Scope::Global)?;
    let processes = process::Entity::find()
        .order_by_desc(process::Column::CreatedAt)
        .order_by_asc(process::Column::Id)
        .all(&ctx.db)
        .await?;
    let ids: Vec<Uuid> = processes.iter().map(|p| p.id).collect();
    let mut phases = phases_by_process(ctx, &ids).await?;
    let counts = count_by(
        ctx,
        proposal::Column::ProcessId,
        proposal::Column::ProcessId.is_in(ids.clone()),
    )
    .await?;
    let mut summaries: Vec<ProcessSummary> = processes
        .into_iter()
        .map(|p| {
            let phases = phases.remove(&p.id).unwrap_or_default();
            let count = counts.get(&p.id).copied().unwrap_or(0);
            summary(ctx, p, phases, count)
        })
        .collect();
    // Open processes first, then those about to start, concluded ones last.
    summaries.sort_by_key(|s| match s.timeline {
        PhaseTimeline::Running(_) | PhaseTimeline::Between(_) => 0,
        PhaseTimeline::NotStarted => 1,
        PhaseTimeline::Concluded => 2,
    });
    Ok(summaries)
}

/// A process by its slug, with everything its page shows.
pub async fn detail(ctx: &Ctx, slug: &str) -> Result<ProcessDetail, ServiceError> {
    authorize(ctx, Operation::ViewProcess, Scope::Global)?;
    let process = find_by_slug(ctx, slug).await?;
    let id = process.id;
    let phases = phases_by_process(ctx, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let directions = strategic_direction::Entity::find()
        .filter(strategic_direction::Column::ProcessId.eq(id))
        .order_by_asc(strategic_direction::Column::Position)
        .all(&ctx.db)
        .await?;
    let platforms = platforms_of(ctx, id).await?;
    let zones = zones_of(ctx, id).await?;
    let Facets {
        by_direction,
        by_platform,
        by_zone,
    } = facets(ctx, id).await?;
    let stats = stats(ctx, id, None).await?;
    let direction_refs: HashMap<Uuid, NamedRef> = directions
        .iter()
        .map(|d| (d.id, direction_ref(d)))
        .collect();

    let description_html = markdown::render(&process.description_md);
    let requirements = ParticipationRequirements {
        verified_to_propose: process.verified_to_propose,
        verified_to_support: process.verified_to_support,
    };
    let can_manage = permits(
        &ctx.actor,
        Operation::SetProcessRequirements,
        Scope::Process(id),
    );
    let can_propose = {
        let state = phases::ProcessPhases {
            process: process.clone(),
            phases: phases.clone(),
        };
        match (
            ctx.actor.person(),
            state.allows(ParticipationAction::Propose),
        ) {
            (_, Err(refusal)) => Availability::Refused(refusal),
            (None, Ok(())) => Availability::SignInNeeded,
            (Some(person), Ok(()))
                if state.verification_missing(ParticipationAction::Propose, person) =>
            {
                Availability::Refused(Refusal::VerificationRequired {
                    action: ParticipationAction::Propose,
                })
            }
            (Some(_), Ok(())) => Availability::Open,
        }
    };
    Ok(ProcessDetail {
        requirements,
        can_manage,
        can_propose,
        summary: summary(ctx, process, phases, stats.proposals),
        description_html,
        directions: directions
            .into_iter()
            .map(|d| DirectionDto {
                proposal_count: by_direction.get(&d.id).copied().unwrap_or(0),
                description_html: markdown::render(&d.description_md),
                id: d.id,
                code: d.code,
                title: d.title,
                motto: d.motto,
            })
            .collect(),
        platforms: platforms
            .into_iter()
            .map(|p| platform_dto(p, &by_platform, &direction_refs))
            .collect(),
        zones: zones.into_iter().map(|z| zone_dto(z, &by_zone)).collect(),
        stats,
    })
}

pub(crate) fn platform_dto(
    p: platform::Model,
    counts: &HashMap<Uuid, u64>,
    directions: &HashMap<Uuid, NamedRef>,
) -> PlatformDto {
    PlatformDto {
        proposal_count: counts.get(&p.id).copied().unwrap_or(0),
        direction: p.direction_id.and_then(|id| directions.get(&id).cloned()),
        description_html: markdown::render(&p.description_md),
        id: p.id,
        slug: p.slug,
        title: p.title,
    }
}

pub(crate) fn zone_dto(z: zone::Model, counts: &HashMap<Uuid, u64>) -> ZoneDto {
    ZoneDto {
        proposal_count: counts.get(&z.id).copied().unwrap_or(0),
        id: z.id,
        slug: z.slug,
        name: z.name,
        description: z.description,
    }
}

fn summary(
    ctx: &Ctx,
    p: process::Model,
    phases: Vec<phase::Model>,
    proposal_count: u64,
) -> ProcessSummary {
    let _ = ctx;
    let cursor = PhaseCursor {
        cursor: usize::try_from(p.phase_cursor).unwrap_or(0),
        open: p.phase_open,
    };
    ProcessSummary {
        timeline: cursor.timeline(phases.len()),
        phases: phases
            .into_iter()
            .enumerate()
            .filter_map(|(index, ph)| {
                let kind = PhaseKind::parse(&ph.kind)?;
                Some(PhaseDto {
                    status: cursor.status_of(index),
                    supports_per_platform: ph
                        .supports_per_platform
                        .and_then(|n| u32::try_from(n).ok()),
                    support_counts_visible: ph.support_counts_visible,
                    description_html: markdown::render(&ph.description_md),
                    id: ph.id,
                    position: ph.position,
                    kind,
                    title: ph.title,
                    starts_on: ph.starts_on,
                    ends_on: ph.ends_on,
                })
            })
            .collect(),
        id: p.id,
        slug: p.slug,
        title: p.title,
        organization: p.organization,
        scope: p.scope,
        summary: p.summary,
        is_demo: p.is_demo,
        proposal_count,
    }
}

async fn phases_by_process(
    ctx: &Ctx,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<phase::Model>>, ServiceError> {
    let phases = phase::Entity::find()
        .filter(phase::Column::ProcessId.is_in(ids.to_vec()))
        .order_by_asc(phase::Column::ProcessId)
        .order_by_asc(phase::Column::Position)
        .all(&ctx.db)
        .await?;
    let mut by_process: HashMap<Uuid, Vec<phase::Model>> = HashMap::new();
    for phase in phases {
        by_process.entry(phase.process_id).or_default().push(phase);
    }
    Ok(by_process)
}

/// Visible proposals (not withdrawn) grouped by `column`, among those matching `scope`.
pub(crate) async fn count_by(
    ctx: &Ctx,
    column: proposal::Column,
    scope: sea_orm::sea_query::SimpleExpr,
) -> Result<HashMap<Uuid, u64>, ServiceError> {
    let rows: Vec<(Option<Uuid>, i64)> = proposal::Entity::find()
        .select_only()
        .column(column)
        .column_as(proposal::Column::Id.count(), "n")
        .filter(scope)
        .filter(proposal::Column::State.ne(ProposalState::Withdrawn.as_str()))
        .filter(proposal::Column::Visibility.eq("visibile"))
        .group_by(column)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, n)| Some((id?, non_negative(n))))
        .collect())
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
    assisted: Option<i64>,
}

/// Participation figures of a process, or of one of its platforms.
pub(crate) async fn stats(
    ctx: &Ctx,
    process_id: Uuid,
    platform_id: Option<Uuid>,
) -> Result<ProcessStats, ServiceError> {
    let mut scope = proposal::Column::ProcessId.eq(process_id);
    if let Some(platform_id) = platform_id {
        scope = scope.and(proposal::Column::PlatformId.eq(platform_id));
    }
    let visible = scope
        .clone()
        .and(proposal::Column::State.ne(ProposalState::Withdrawn.as_str()))
        .and(proposal::Column::Visibility.eq("visibile"));
    let key = (process_id, platform_id);
    let (proposals, supports) = match TOTALS.fresh(key) {
        Some(totals) => totals,
        None => {
            let (started, changes) = (std::time::Instant::now(), counts::changes());
            let totals: (i64, Option<i64>) = proposal::Entity::find()
                .select_only()
                .column_as(proposal::Column::Id.count(), "proposals")
                .column_as(proposal::Column::SupportCount.sum(), "supports")
                .filter(visible)
                .into_tuple()
                .one(&ctx.db)
                .await?
                .unwrap_or((0, None));
            TOTALS.store(key, &totals, started.elapsed(), changes);
            totals
        }
    };

    // While a vote hides support counts, a new supporter must not show as a
    // new participant either (the figure would count the votes): supporters
    // count only from before the hiding phase began.
    let phase_state = phases::load(&ctx.db, process_id).await?;
    let supports_hidden = phase_state.counts_hidden();
    let hidden_since = phase_state
        .current()
        .filter(|_| supports_hidden)
        .map(|p| p.starts_on.and_time(chrono::NaiveTime::MIN).and_utc());

    // Distinct people who proposed or supported: one UNION, counted by the database.
    let mut supporters = Query::select()
        .expr_as(
            Expr::col((support::Entity, support::Column::UserId)),
            Alias::new("person"),
        )
        .from(support::Entity)
        .inner_join(
            proposal::Entity,
            Expr::col((proposal::Entity, proposal::Column::Id))
                .equals((support::Entity, support::Column::ProposalId)),
        )
        .and_where(scope.clone())
        .and_where(Expr::col((support::Entity, support::Column::UserId)).is_not_null())
        .to_owned();
    if let Some(since) = hidden_since {
        supporters.and_where(Expr::col((support::Entity, support::Column::CreatedAt)).lt(since));
    }
    let authors = Query::select()
        .expr_as(
            Expr::col((proposal::Entity, proposal::Column::AuthorId)),
            Alias::new("person"),
        )
        .from(proposal::Entity)
        .and_where(scope)
        .and_where(Expr::col((proposal::Entity, proposal::Column::AuthorId)).is_not_null())
        .to_owned();
    let people = supporters
        .clone()
        .union(UnionType::Distinct, authors)
        .to_owned();
    // How many of them were recorded at the counter, in the same query.
    let count = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .expr_as(
            Expr::cust("SUM(CASE WHEN users.is_assisted THEN 1 ELSE 0 END)"),
            Alias::new("assisted"),
        )
        .from_subquery(people, Alias::new("people"))
        .left_join(
            user::Entity,
            Expr::col((user::Entity, user::Column::Id))
                .equals((Alias::new("people"), Alias::new("person"))),
        )
        .to_owned();
    let backend = ctx.db.get_database_backend();
    let kept = if supports_hidden {
        &PARTICIPANTS_DURING_HIDDEN_VOTE
    } else {
        &PARTICIPANTS
    };
    let (participants, assisted) = match kept.fresh(key) {
        Some(n) => n,
        None => {
            let (started, changes) = (std::time::Instant::now(), counts::changes());
            let n = Count::find_by_statement(StatementBuilder::build(&count, &backend))
                .one(&ctx.db)
                .await?
                .map_or((0, 0), |c| (c.n, c.assisted.unwrap_or(0)));
            kept.store(key, &n, started.elapsed(), changes);
            n
        }
    };

    Ok(ProcessStats {
        proposals: non_negative(proposals),
        supports: if supports_hidden {
            0
        } else {
            non_negative(supports.unwrap_or(0))
        },
        supports_hidden,
        participants: non_negative(participants),
        assisted_participants: non_negative(assisted),
    })
}

/// Visible proposals per direction, platform and zone.
#[derive(Clone, Debug, Default)]
struct Facets {
    by_direction: HashMap<Uuid, u64>,
    by_platform: HashMap<Uuid, u64>,
    by_zone: HashMap<Uuid, u64>,
}

/// The facets of a process in one grouped query (kept when slow).
async fn facets(ctx: &Ctx, process_id: Uuid) -> Result<Facets, ServiceError> {
    let key = (process_id, None);
    if let Some(kept) = FACETS.fresh(key) {
        return Ok(kept);
    }
    let (started, changes) = (std::time::Instant::now(), counts::changes());
    type Row = (Option<Uuid>, Uuid, Option<Uuid>, i64);
    let rows: Vec<Row> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::DirectionId)
        .column(proposal::Column::PlatformId)
        .column(proposal::Column::ZoneId)
        .column_as(proposal::Column::Id.count(), "n")
        .filter(proposal::Column::ProcessId.eq(process_id))
        .filter(proposal::Column::Visibility.eq("visibile"))
        .filter(proposal::Column::State.ne(ProposalState::Withdrawn.as_str()))
        .group_by(proposal::Column::DirectionId)
        .group_by(proposal::Column::PlatformId)
        .group_by(proposal::Column::ZoneId)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let mut facets = Facets::default();
    for (direction, platform, zone, n) in rows {
        let n = non_negative(n);
        if let Some(direction) = direction {
            *facets.by_direction.entry(direction).or_default() += n;
        }
        *facets.by_platform.entry(platform).or_default() += n;
        if let Some(zone) = zone {
            *facets.by_zone.entry(zone).or_default() += n;
        }
    }
    FACETS.store(key, &facets, started.elapsed(), changes);
    Ok(facets)
}

/// A database count as an unsigned number.
fn non_negative(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Sets whether proposing and supporting in a process need verified residence.
pub async fn set_requirements(
    ctx: &Ctx,
    slug: &str,
    requirements: ParticipationRequirements,
) -> Result<(), ServiceError> {
    let process = find_by_slug(ctx, slug).await?;
    authorize(
        ctx,
        Operation::SetProcessRequirements,
        Scope::Process(process.id),
    )?;
    let txn = begin_write(&ctx.db).await?;
    process::Entity::update_many()
        .col_expr(
            process::Column::VerifiedToPropose,
            Expr::value(requirements.verified_to_propose),
        )
        .col_expr(
            process::Column::VerifiedToSupport,
            Expr::value(requirements.verified_to_support),
        )
        .col_expr(process::Column::UpdatedAt, Expr::value(ctx.now))
        .filter(process::Column::Id.eq(process.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        ctx,
        "requirements_changed",
        None,
        format!(
            "{}: residenza verificata per proporre {}, per sostenere {}",
            process.slug,
            if requirements.verified_to_propose {
                "sì"
            } else {
                "no"
            },
            if requirements.verified_to_support {
                "sì"
            } else {
                "no"
            },
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
