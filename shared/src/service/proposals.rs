//! Reading proposals: the filtered, sorted, keyset-paginated list and one proposal.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use uuid::Uuid;

use crate::model::account::FieldProblem;

use super::authz::{Operation, Scope, authorize};
use super::entity::{platform, process, proposal, strategic_direction, user, zone};
use super::processes::{direction_ref, find_by_slug, platforms_of, zones_of};
use super::{Ctx, ServiceError, markdown};
use crate::model::listing::{RANDOM_KEY_MODULUS, shuffle_coefficients, shuffle_key};
use crate::model::process::NamedRef;
use crate::model::{
    ProposalCard, ProposalCursor, ProposalDetail, ProposalPage, ProposalQuery, ProposalSort,
    ProposalState,
};

/// Characters of body text shown in a list.
const EXCERPT_CHARS: usize = 220;

/// One page of the proposals of the process `process_slug` matching `query`.
pub async fn list(
    ctx: &Ctx,
    process_slug: &str,
    query: &ProposalQuery,
) -> Result<ProposalPage, ServiceError> {
    authorize(ctx, Operation::ListProposals, Scope::Global)?;
    let process = find_by_slug(ctx, process_slug).await?;
    list_in(ctx, &process, query).await
}

/// The names a list shows next to each proposal, for one process.
struct Labels {
    platforms: HashMap<Uuid, NamedRef>,
    zones: HashMap<Uuid, NamedRef>,
    directions: HashMap<Uuid, NamedRef>,
}

impl Labels {
    async fn of(ctx: &Ctx, process_id: Uuid) -> Result<Self, ServiceError> {
        let platforms = platforms_of(ctx, process_id).await?;
        let zones = zones_of(ctx, process_id).await?;
        let directions = strategic_direction::Entity::find()
            .filter(strategic_direction::Column::ProcessId.eq(process_id))
            .all(&ctx.db)
            .await?;
        Ok(Self {
            platforms: platforms
                .into_iter()
                .map(|p| {
                    (
                        p.id,
                        NamedRef {
                            key: p.slug,
                            name: p.title,
                        },
                    )
                })
                .collect(),
            zones: zones
                .into_iter()
                .map(|z| {
                    (
                        z.id,
                        NamedRef {
                            key: z.slug,
                            name: z.name,
                        },
                    )
                })
                .collect(),
            directions: directions
                .iter()
                .map(|d| (d.id, direction_ref(d)))
                .collect(),
        })
    }

    fn key_to_id(map: &HashMap<Uuid, NamedRef>, key: &str) -> Option<Uuid> {
        map.iter().find(|(_, r)| r.key == key).map(|(id, _)| *id)
    }
}

pub(crate) async fn list_in(
    ctx: &Ctx,
    process: &process::Model,
    query: &ProposalQuery,
) -> Result<ProposalPage, ServiceError> {
    let labels = Labels::of(ctx, process.id).await?;
    let filter = &query.filter;
    let mut select = proposal::Entity::find().filter(proposal::Column::ProcessId.eq(process.id));
    if let Some(key) = &filter.platform {
        let id = Labels::key_to_id(&labels.platforms, key)
            .ok_or_else(|| ServiceError::field("piattaforma", FieldProblem::Malformed))?;
        select = select.filter(proposal::Column::PlatformId.eq(id));
    }
    if let Some(key) = &filter.zone {
        let id = Labels::key_to_id(&labels.zones, key)
            .ok_or_else(|| ServiceError::field("zona", FieldProblem::Malformed))?;
        select = select.filter(proposal::Column::ZoneId.eq(id));
    }
    if let Some(key) = &filter.direction {
        let id = Labels::key_to_id(&labels.directions, key)
            .ok_or_else(|| ServiceError::field("direzione", FieldProblem::Malformed))?;
        select = select.filter(proposal::Column::DirectionId.eq(id));
    }
    select = match filter.state {
        Some(state) => select.filter(proposal::Column::State.eq(state.as_str())),
        // Withdrawn proposals are shown only when asked for.
        None => select.filter(proposal::Column::State.ne(ProposalState::Withdrawn.as_str())),
    };
    let total = select.clone().count(&ctx.db).await?;

    let select = order_and_seek(select, query)?;
    let mut rows = select.limit(query.limit + 1).all(&ctx.db).await?;
    let next = if rows.len() as u64 > query.limit {
        rows.truncate(query.limit as usize);
        rows.last().map(|last| cursor_of(query.sort, last).encode())
    } else {
        None
    };
    let authors = author_names(ctx, rows.iter().filter_map(|p| p.author_id)).await?;
    let items = rows
        .into_iter()
        .filter_map(|p| card(p, &labels, &authors))
        .collect();
    let seed = match query.sort {
        ProposalSort::Random { seed } => Some(seed),
        _ => None,
    };
    Ok(ProposalPage {
        items,
        next,
        total,
        seed,
    })
}

/// Applies the sort and, after a cursor, the keyset condition "strictly after".
fn order_and_seek(
    select: Select<proposal::Entity>,
    query: &ProposalQuery,
) -> Result<Select<proposal::Entity>, ServiceError> {
    use proposal::Column as C;
    let bad_cursor = || ServiceError::field("dopo", FieldProblem::Malformed);
    Ok(match query.sort {
        ProposalSort::MostSupported => {
            let mut select = select.order_by_desc(C::SupportCount).order_by_desc(C::Id);
            if let Some(cursor) = query.after {
                let ProposalCursor::Supports { count, id } = cursor else {
                    return Err(bad_cursor());
                };
                select = select.filter(
                    Condition::any().add(C::SupportCount.lt(count)).add(
                        Condition::all()
                            .add(C::SupportCount.eq(count))
                            .add(C::Id.lt(id)),
                    ),
                );
            }
            select
        }
        ProposalSort::Newest => {
            let mut select = select.order_by_desc(C::PublishedAt).order_by_desc(C::Id);
            if let Some(cursor) = query.after {
                let ProposalCursor::Published { micros, id } = cursor else {
                    return Err(bad_cursor());
                };
                let at: DateTime<Utc> =
                    DateTime::from_timestamp_micros(micros).ok_or_else(bad_cursor)?;
                select = select.filter(
                    Condition::any().add(C::PublishedAt.lt(at)).add(
                        Condition::all()
                            .add(C::PublishedAt.eq(at))
                            .add(C::Id.lt(id)),
                    ),
                );
            }
            select
        }
        ProposalSort::Random { seed } => {
            let key = shuffled(seed);
            let mut select = select.order_by(key.clone(), Order::Asc).order_by_asc(C::Id);
            if let Some(cursor) = query.after {
                let ProposalCursor::Random { key: after, id } = cursor else {
                    return Err(bad_cursor());
                };
                select = select.filter(
                    Condition::any()
                        .add(key.clone().gt(after))
                        .add(Condition::all().add(key.eq(after)).add(C::Id.gt(id))),
                );
            }
            select
        }
    })
}

/// The SQL for `shuffle_key(random_key, seed)`; integers only, nothing from the user's text.
fn shuffled(seed: u32) -> SimpleExpr {
    let (a, b) = shuffle_coefficients(seed);
    Expr::cust(format!(
        "((\"random_key\" * {a} + {b}) % {RANDOM_KEY_MODULUS})"
    ))
}

/// The cursor that resumes a listing sorted by `sort` after row `p`.
fn cursor_of(sort: ProposalSort, p: &proposal::Model) -> ProposalCursor {
    match sort {
        ProposalSort::MostSupported => ProposalCursor::Supports {
            count: i64::from(p.support_count),
            id: p.id,
        },
        ProposalSort::Newest => ProposalCursor::Published {
            micros: p.published_at.timestamp_micros(),
            id: p.id,
        },
        ProposalSort::Random { seed } => ProposalCursor::Random {
            key: shuffle_key(p.random_key, seed),
            id: p.id,
        },
    }
}

async fn author_names(
    ctx: &Ctx,
    ids: impl Iterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>, ServiceError> {
    let ids: Vec<Uuid> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .filter(user::Column::Id.is_in(ids))
        .into_tuple()
        .all(&ctx.db)
        .await?;
    Ok(rows.into_iter().collect())
}

fn card(
    p: proposal::Model,
    labels: &Labels,
    authors: &HashMap<Uuid, String>,
) -> Option<ProposalCard> {
    Some(ProposalCard {
        excerpt: markdown::excerpt(&p.body_md, EXCERPT_CHARS),
        platform: labels.platforms.get(&p.platform_id)?.clone(),
        direction: p
            .direction_id
            .and_then(|id| labels.directions.get(&id).cloned()),
        zone: p.zone_id.and_then(|id| labels.zones.get(&id).cloned()),
        state: ProposalState::parse(&p.state)?,
        support_count: i64::from(p.support_count),
        published_at: p.published_at,
        author_name: p.author_id.and_then(|id| authors.get(&id).cloned()),
        id: p.id,
        title: p.title,
    })
}

/// One proposal with everything its page shows.
pub async fn detail(ctx: &Ctx, id: Uuid) -> Result<ProposalDetail, ServiceError> {
    authorize(ctx, Operation::ViewProposal, Scope::Global)?;
    let p = proposal::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("proposal"))?;
    let process = process::Entity::find_by_id(p.process_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("process"))?;
    let platform = platform::Entity::find_by_id(p.platform_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("platform"))?;
    let zone = match p.zone_id {
        Some(id) => zone::Entity::find_by_id(id).one(&ctx.db).await?,
        None => None,
    };
    let direction = match p.direction_id {
        Some(id) => {
            strategic_direction::Entity::find_by_id(id)
                .one(&ctx.db)
                .await?
        }
        None => None,
    };
    let author_name = match p.author_id {
        Some(id) => user::Entity::find_by_id(id)
            .one(&ctx.db)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    Ok(ProposalDetail {
        process: NamedRef {
            key: process.slug,
            name: process.title,
        },
        body_html: markdown::render(&p.body_md),
        author_name,
        platform: NamedRef {
            key: platform.slug,
            name: platform.title,
        },
        direction: direction.as_ref().map(direction_ref),
        zone: zone.map(|z| NamedRef {
            key: z.slug,
            name: z.name,
        }),
        state: ProposalState::parse(&p.state).ok_or(ServiceError::NotFound("proposal"))?,
        support_count: i64::from(p.support_count),
        published_at: p.published_at,
        updated_at: p.updated_at,
        id: p.id,
        title: p.title,
    })
}

/// The random key of a new proposal: from the random bits of its v7 id.
pub fn random_key_for(id: Uuid) -> i64 {
    ((id.as_u128() & u128::from(u64::MAX)) % RANDOM_KEY_MODULUS as u128) as i64
}
