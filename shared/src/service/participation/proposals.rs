//! Reading proposals: the filtered, sorted, keyset-paginated list and one proposal.

use crate::service::accounts::people::display_names;
use crate::service::participation::lookup::find;
use crate::service::participation::visibility;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use uuid::Uuid;

use crate::model::common::FieldProblem;

use crate::model::common::NamedRef;
use crate::model::common::Visibility;
use crate::model::common::{Availability, EditLock, ParticipationAction, Refusal};
use crate::model::participation::listing::{RANDOM_KEY_MODULUS, shuffle_coefficients, shuffle_key};
use crate::model::participation::{AnswerDto, ProposalViewer};
use crate::model::{
    ProposalCard, ProposalCursor, ProposalDetail, ProposalPage, ProposalQuery, ProposalSort,
    ProposalState,
};
use crate::service::common::authz::{Operation, Scope, authorize, permits};
use crate::service::entity::{
    follow, platform, process, project, proposal, report, strategic_direction, support, user, zone,
};
use crate::service::processes::lookup::{direction_ref, find_by_slug, platforms_of, zones_of};
use crate::service::{
    Ctx, ServiceError, common::markdown, participation::authoring, participation::images,
    participation::supports, processes::phases,
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
    let phases = phases::load(&ctx.db, process.id).await?;
    let counts_hidden = phases.counts_hidden();
    let adjusted;
    let query = if counts_hidden && query.sort == ProposalSort::MostSupported {
        // Ordering by supports would reveal them: newest first instead.
        adjusted = ProposalQuery {
            sort: ProposalSort::Newest,
            after: None,
            ..query.clone()
        };
        &adjusted
    } else {
        query
    };
    let filter = &query.filter;
    let mut select = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::Visibility.eq(Visibility::Visible.as_str()));
    if let Some(key) = &filter.platform {
        let id = Labels::key_to_id(&labels.platforms, key)
            .ok_or_else(|| ServiceError::field("piattaforma", FieldProblem::NotRecognized))?;
        select = select.filter(proposal::Column::PlatformId.eq(id));
    }
    if let Some(key) = &filter.zone {
        let id = Labels::key_to_id(&labels.zones, key)
            .ok_or_else(|| ServiceError::field("zona", FieldProblem::NotRecognized))?;
        select = select.filter(proposal::Column::ZoneId.eq(id));
    }
    if let Some(key) = &filter.direction {
        let id = Labels::key_to_id(&labels.directions, key)
            .ok_or_else(|| ServiceError::field("direzione", FieldProblem::NotRecognized))?;
        select = select.filter(proposal::Column::DirectionId.eq(id));
    }
    select = match filter.state {
        Some(state) => select.filter(proposal::Column::State.eq(state.as_str())),
        // Withdrawn proposals are shown only when asked for.
        None => select.filter(proposal::Column::State.ne(ProposalState::Withdrawn.as_str())),
    };
    if let Some(text) = &filter.search {
        select = match authoring::search_condition(ctx.db.get_database_backend(), text) {
            Some(condition) => select.filter(condition),
            // Only common words: nothing to look for, so nothing matches.
            None => select.filter(Expr::value(false)),
        };
    }
    let total = select.clone().count(&ctx.db).await?;

    let select = order_and_seek(select, query)?;
    let mut rows = select.limit(query.limit + 1).all(&ctx.db).await?;
    let next = if rows.len() as u64 > query.limit {
        rows.truncate(query.limit as usize);
        rows.last().map(|last| cursor_of(query.sort, last).encode())
    } else {
        None
    };
    let authors = display_names(&ctx.db, rows.iter().filter_map(|p| p.author_id)).await?;
    let items = rows
        .into_iter()
        .filter_map(|p| card(p, &labels, &authors, counts_hidden))
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
        counts_hidden,
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

fn card(
    p: proposal::Model,
    labels: &Labels,
    authors: &HashMap<Uuid, String>,
    counts_hidden: bool,
) -> Option<ProposalCard> {
    Some(ProposalCard {
        excerpt: markdown::excerpt(&p.body_md, EXCERPT_CHARS),
        platform: labels.platforms.get(&p.platform_id)?.clone(),
        direction: p
            .direction_id
            .and_then(|id| labels.directions.get(&id).cloned()),
        zone: p.zone_id.and_then(|id| labels.zones.get(&id).cloned()),
        state: ProposalState::parse(&p.state)?,
        support_count: (!counts_hidden).then_some(i64::from(p.support_count)),
        comment_count: i64::from(p.comment_count),
        published_at: p.published_at,
        author_name: p.author_id.and_then(|id| authors.get(&id).cloned()),
        id: p.id,
        title: p.title,
    })
}

/// Whether the viewer may follow a proposal's support count live: it exists
/// and they may see it. `NotFound` otherwise, so a stream never opens for
/// nothing or for what is out of sight.
pub async fn watchable(ctx: &Ctx, id: Uuid) -> Result<(), ServiceError> {
    authorize(ctx, Operation::WatchSupports, Scope::Global)?;
    visibility::find_visible(&ctx.db, &ctx.actor, id).await?;
    Ok(())
}

/// One proposal with everything its page shows, and what the viewer may do with it.
pub async fn detail(ctx: &Ctx, id: Uuid) -> Result<ProposalDetail, ServiceError> {
    authorize(ctx, Operation::ViewProposal, Scope::Global)?;
    let mut p = find(&ctx.db, id).await?;
    let visibility = Visibility::parse(&p.visibility).unwrap_or(Visibility::Visible);
    if !visibility::can_see(
        &ctx.actor,
        &p.visibility,
        p.author_id,
        p.process_id,
        p.platform_id,
    ) {
        if visibility == Visibility::Pending {
            return Err(ServiceError::NotFound("proposal"));
        }
        // Out of sight: the page says so, and why, without the content.
        p.title = String::new();
        p.body_md = String::new();
        p.answer_md = None;
        p.author_id = None;
    }
    let project = match p.project_id {
        Some(project_id) => project::Entity::find_by_id(project_id)
            .one(&ctx.db)
            .await?
            .map(|pr| NamedRef {
                key: pr.id.to_string(),
                name: pr.title,
            }),
        None => None,
    };
    let phases = phases::load(&ctx.db, p.process_id).await?;
    let process = &phases.process;
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
    let state = ProposalState::parse(&p.state).ok_or(ServiceError::NotFound("proposal"))?;
    let viewer = viewer_of(ctx, &p, &phases).await?;
    let counts_hidden = phases.counts_hidden();
    Ok(ProposalDetail {
        process: NamedRef {
            key: process.slug.clone(),
            name: process.title.clone(),
        },
        body_html: markdown::render(&p.body_md),
        body_md: viewer.is_author.then(|| p.body_md.clone()),
        author_name,
        platform: NamedRef {
            key: platform.slug,
            name: platform.title,
        },
        direction: direction.as_ref().map(direction_ref),
        zone_key: zone.as_ref().map(|z| z.slug.clone()),
        zone: zone.map(|z| NamedRef {
            key: z.slug,
            name: z.name,
        }),
        state,
        support_count: (!counts_hidden).then_some(i64::from(p.support_count)),
        comment_count: i64::from(p.comment_count),
        published_at: p.published_at,
        updated_at: p.updated_at,
        version: p.version,
        answer: p.answered_at.map(|answered_at| AnswerDto {
            state,
            body_html: p
                .answer_md
                .as_deref()
                .map(markdown::render)
                .unwrap_or_default(),
            answered_at,
        }),
        answer_md: viewer.can_answer.then(|| p.answer_md.clone()).flatten(),
        images: if p.title.is_empty() {
            Vec::new()
        } else {
            images::of_proposal(&ctx.db, p.id).await?
        },
        current_phase: phases.current().map(|ph| ph.title.clone()),
        viewer,
        visibility,
        moderation_note: p.moderation_note.clone(),
        project,
        assisted: p.assisted_by.is_some(),
        id: p.id,
        title: p.title,
    })
}

/// What the viewer may do with `p`, decided with the same rules the operations apply.
async fn viewer_of(
    ctx: &Ctx,
    p: &proposal::Model,
    phases: &phases::ProcessPhases,
) -> Result<ProposalViewer, ServiceError> {
    let Some(me) = ctx.actor.person() else {
        let support_phase = phases.allows(ParticipationAction::Support);
        return Ok(ProposalViewer {
            signed_in: false,
            is_author: false,
            supported: false,
            follows: false,
            can_support: match support_phase {
                Err(refusal) => Availability::Refused(refusal),
                Ok(()) if supports::supportable(&p.state) => Availability::SignInNeeded,
                Ok(()) => Availability::Refused(Refusal::ProposalClosed {
                    state: ProposalState::parse(&p.state).unwrap_or(ProposalState::Withdrawn),
                }),
            },
            supports_used: None,
            can_withdraw_support: false,
            can_edit: Availability::SignInNeeded,
            can_withdraw: false,
            can_answer: false,
            can_attach: false,
            can_moderate: false,
            can_report: false,
            reported: false,
        });
    };
    let supported = support::Entity::find()
        .filter(support::Column::ProposalId.eq(p.id))
        .filter(support::Column::UserId.eq(me.id))
        .one(&ctx.db)
        .await?
        .is_some();
    let follows = follow::Entity::find()
        .filter(follow::Column::ProposalId.eq(p.id))
        .filter(follow::Column::UserId.eq(me.id))
        .one(&ctx.db)
        .await?
        .is_some();
    let blocked = visibility::ensure_not_blocked(&ctx.db, me.id, p.process_id)
        .await
        .is_err();
    let reported = report::Entity::find()
        .filter(report::Column::TargetId.eq(p.id))
        .filter(report::Column::ReporterId.eq(me.id))
        .one(&ctx.db)
        .await?
        .is_some();
    let limit = phases.support_limit();
    let used = match limit {
        Some(_) => supports::used_in_platform(&ctx.db, me.id, p.platform_id).await?,
        None => 0,
    };
    let can_support = if supported {
        Availability::Refused(Refusal::ProposalClosed {
            state: ProposalState::parse(&p.state).unwrap_or(ProposalState::Published),
        })
    } else if blocked {
        Availability::Refused(Refusal::Blocked)
    } else {
        match phases.check(ParticipationAction::Support, me) {
            Err(ServiceError::Refused(refusal)) => Availability::Refused(refusal),
            Err(other) => return Err(other),
            Ok(()) if !supports::supportable(&p.state) => {
                Availability::Refused(Refusal::ProposalClosed {
                    state: ProposalState::parse(&p.state).unwrap_or(ProposalState::Withdrawn),
                })
            }
            Ok(()) => match limit {
                Some(limit) if used >= limit => {
                    Availability::Refused(Refusal::SupportLimitReached { limit })
                }
                _ => Availability::Open,
            },
        }
    };
    let is_author = p.author_id == Some(me.id);
    let lock = authoring::edit_lock(p, phases);
    Ok(ProposalViewer {
        signed_in: true,
        is_author,
        supported,
        follows,
        can_support,
        supports_used: limit.map(|limit| (used, limit)),
        can_withdraw_support: supported && phases.allows(ParticipationAction::Support).is_ok(),
        can_edit: match (is_author, lock) {
            (false, _) => Availability::Refused(Refusal::EditWindowClosed {
                reason: EditLock::NotPublished,
            }),
            (true, _) if blocked => Availability::Refused(Refusal::Blocked),
            (true, Some(reason)) => Availability::Refused(Refusal::EditWindowClosed { reason }),
            (true, None) => Availability::Open,
        },
        can_withdraw: is_author
            && !blocked
            && (p.state == ProposalState::Published.as_str()
                || p.state == ProposalState::UnderEvaluation.as_str()),
        can_answer: permits(
            &ctx.actor,
            Operation::AnswerProposal,
            Scope::Platform {
                process: p.process_id,
                platform: p.platform_id,
            },
        ) && !matches!(
            ProposalState::parse(&p.state),
            Some(ProposalState::Withdrawn | ProposalState::Merged)
        ),
        can_attach: is_author && lock.is_none() && !blocked,
        can_moderate: visibility::moderates(&ctx.actor, p.process_id, p.platform_id),
        can_report: !is_author
            && !blocked
            && !reported
            && p.visibility == Visibility::Visible.as_str(),
        reported,
    })
}
