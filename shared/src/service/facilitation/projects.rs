//! Projects (cantieri progettuali): facilitators merge proposals of one
//! platform into a project without losing anything. The originals stay
//! readable with their comments and link to the project; the project's
//! support count is the number of distinct people who supported any
//! original, computed by the database; authors, followers and supporters
//! are told; a merge can be undone, and both show in the public log.

use crate::service::accounts::people;
use crate::service::common::db::begin_write;
use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Value,
};
use uuid::Uuid;

use crate::model::ProposalState;
use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::common::Refusal;
use crate::model::common::Visibility;
use crate::model::facilitation::{
    AgreementKind, ModerationAction, ModerationReason, ProjectDetail, ProjectInput, ProjectMember,
    ProjectSummary, TargetKind,
};
use crate::model::participation::NotificationKind;
use crate::service::common::authz::{Operation, Scope, authorize, permits};
use crate::service::common::db::statement;
use crate::service::entity::{platform, process, project, proposal};
use crate::service::processes::lookup::find_by_slug;
use crate::service::{
    Ctx, ServiceError, common::markdown, facilitation::moderation, notifications::inbox,
    processes::phases,
};

/// Most proposals one merge may take.
pub const MAX_MEMBERS: usize = 100;

/// Distinct supporters of the live projects among `ids`: each person once,
/// however many originals they supported. Supports whose account was
/// deleted cannot be told apart and count one each.
pub(crate) async fn distinct_supporters(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>, ServiceError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let placeholders = vec!["?"; ids.len()].join(", ");
    let sql = format!(
        "SELECT p.project_id, COUNT(DISTINCT s.user_id) + \
         SUM(CASE WHEN s.user_id IS NULL THEN 1 ELSE 0 END) \
         FROM supports s JOIN proposals p ON p.id = s.proposal_id \
         WHERE p.project_id IN ({placeholders}) GROUP BY p.project_id"
    );
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            &sql,
            ids.iter().map(|id| Value::from(*id)),
        ))
        .await?;
    let mut counts = HashMap::new();
    for row in rows {
        let id: Uuid = row.try_get_by_index(0)?;
        let n: i64 = row.try_get_by_index(1)?;
        counts.insert(id, n);
    }
    Ok(counts)
}

fn scope_of(p: &project::Model) -> Scope {
    Scope::Platform {
        process: p.process_id,
        platform: p.platform_id,
    }
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<project::Model, ServiceError> {
    project::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("project"))
}

/// Merges proposals of one platform into a new project. Returns its id.
pub async fn merge(
    ctx: &Ctx,
    proposal_ids: &[Uuid],
    input: &ProjectInput,
) -> Result<Uuid, ServiceError> {
    let unique: HashSet<Uuid> = proposal_ids.iter().copied().collect();
    if unique.len() < 2 || unique.len() > MAX_MEMBERS {
        return Err(ServiceError::field(
            "proposte",
            if unique.len() < 2 {
                FieldProblem::TooShort { min: 2 }
            } else {
                FieldProblem::TooLong { max: MAX_MEMBERS }
            },
        ));
    }
    let originals = proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(unique.iter().copied()))
        .order_by_asc(proposal::Column::PublishedAt)
        .all(&ctx.db)
        .await?;
    let Some(first) = originals.first() else {
        return Err(ServiceError::NotFound("proposal"));
    };
    let (process_id, platform_id) = (first.process_id, first.platform_id);
    if originals
        .iter()
        .any(|p| p.process_id != process_id || p.platform_id != platform_id)
    {
        return Err(ServiceError::field("proposte", FieldProblem::Malformed));
    }
    authorize(
        ctx,
        Operation::MergeProposals,
        Scope::Platform {
            process: process_id,
            platform: platform_id,
        },
    )?;
    if originals.len() != unique.len() {
        return Err(ServiceError::NotFound("proposal"));
    }
    if originals
        .iter()
        .any(|p| p.visibility != Visibility::Visible.as_str())
    {
        return Err(ServiceError::NotFound("proposal"));
    }
    if let Some(closed) = originals.iter().find(|p| {
        p.project_id.is_some()
            || matches!(
                ProposalState::parse(&p.state),
                Some(ProposalState::Withdrawn | ProposalState::Merged) | None
            )
    }) {
        return Err(ServiceError::Refused(Refusal::ProposalClosed {
            state: ProposalState::parse(&closed.state).unwrap_or(ProposalState::Merged),
        }));
    }
    let id = Uuid::now_v7();
    let txn = begin_write(&ctx.db).await?;
    project::Entity::insert(project::ActiveModel {
        id: Set(id),
        process_id: Set(process_id),
        platform_id: Set(platform_id),
        title: Set(input.title.clone()),
        description_md: Set(input.description_md.clone()),
        partners: Set(input.partners.join("\n")),
        agreement: Set(input.agreement.as_str().to_owned()),
        created_by: Set(ctx.actor.person().map(|p| p.id)),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        dissolved_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    // Each original keeps the state it had, to be restored by an undo.
    let moved = proposal::Entity::update_many()
        .col_expr(
            proposal::Column::PremergeState,
            Expr::col(proposal::Column::State),
        )
        .col_expr(
            proposal::Column::State,
            Expr::value(ProposalState::Merged.as_str()),
        )
        .col_expr(proposal::Column::ProjectId, Expr::value(Some(id)))
        .col_expr(proposal::Column::UpdatedAt, Expr::value(ctx.now))
        .filter(proposal::Column::Id.is_in(unique.iter().copied()))
        .filter(proposal::Column::ProjectId.is_null())
        .filter(proposal::Column::State.is_not_in([
            ProposalState::Withdrawn.as_str(),
            ProposalState::Merged.as_str(),
        ]))
        .exec(&txn)
        .await?
        .rows_affected;
    if moved != unique.len() as u64 {
        txn.rollback().await?;
        return Err(ServiceError::Refused(Refusal::ModerationStale));
    }
    for original in &originals {
        inbox::supporters_event(&txn, ctx, original, NotificationKind::Merged, &input.title)
            .await?;
    }
    let titles: Vec<&str> = originals.iter().map(|p| p.title.as_str()).collect();
    moderation::log(
        &txn,
        ctx,
        process_id,
        ModerationAction::Merged,
        TargetKind::Project,
        Some(id),
        &input.title,
        &format!("Unite {} proposte: {}", originals.len(), titles.join("; ")),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(id)
}

/// Undoes a merge: the originals get back their state and stand alone; the
/// project is kept, marked as dissolved, for the log.
pub async fn undo(ctx: &Ctx, project_id: Uuid, reason: &str) -> Result<(), ServiceError> {
    let project = find(&ctx.db, project_id).await?;
    authorize(ctx, Operation::UndoMerge, scope_of(&project))?;
    let reason = ModerationReason::parse(reason).map_err(|p| ServiceError::field("motivo", p))?;
    let txn = begin_write(&ctx.db).await?;
    let dissolved = project::Entity::update_many()
        .col_expr(project::Column::DissolvedAt, Expr::value(Some(ctx.now)))
        .filter(project::Column::Id.eq(project.id))
        .filter(project::Column::DissolvedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if dissolved == 0 {
        txn.rollback().await?;
        return Err(ServiceError::Refused(Refusal::ModerationStale));
    }
    let originals = proposal::Entity::find()
        .filter(proposal::Column::ProjectId.eq(project.id))
        .all(&txn)
        .await?;
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::State,
            Expr::cust("COALESCE(premerge_state, 'published')"),
        )
        .col_expr(proposal::Column::PremergeState, Expr::value(None::<String>))
        .col_expr(proposal::Column::ProjectId, Expr::value(None::<Uuid>))
        .col_expr(proposal::Column::UpdatedAt, Expr::value(ctx.now))
        .filter(proposal::Column::ProjectId.eq(project.id))
        .exec(&txn)
        .await?;
    for original in &originals {
        inbox::supporters_event(
            &txn,
            ctx,
            original,
            NotificationKind::Unmerged,
            &project.title,
        )
        .await?;
    }
    moderation::log(
        &txn,
        ctx,
        project.process_id,
        ModerationAction::Unmerged,
        TargetKind::Project,
        Some(project.id),
        &project.title,
        reason.as_str(),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

/// Changes a live project's title, description, partners and agreement.
pub async fn edit(ctx: &Ctx, project_id: Uuid, input: &ProjectInput) -> Result<(), ServiceError> {
    let project = find(&ctx.db, project_id).await?;
    authorize(ctx, Operation::EditProject, scope_of(&project))?;
    if project.dissolved_at.is_some() {
        return Err(ServiceError::Refused(Refusal::ModerationStale));
    }
    let txn = begin_write(&ctx.db).await?;
    project::Entity::update_many()
        .col_expr(project::Column::Title, Expr::value(input.title.as_str()))
        .col_expr(
            project::Column::DescriptionMd,
            Expr::value(input.description_md.as_str()),
        )
        .col_expr(
            project::Column::Partners,
            Expr::value(input.partners.join("\n")),
        )
        .col_expr(
            project::Column::Agreement,
            Expr::value(input.agreement.as_str()),
        )
        .col_expr(project::Column::UpdatedAt, Expr::value(ctx.now))
        .filter(project::Column::Id.eq(project.id))
        .exec(&txn)
        .await?;
    crate::service::common::audit::record(
        &txn,
        ctx,
        "progetto.modificato",
        None,
        format!("{}: «{}»", project.id, input.title),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

/// A project with its originals.
pub async fn detail(ctx: &Ctx, project_id: Uuid) -> Result<ProjectDetail, ServiceError> {
    authorize(ctx, Operation::ViewProject, Scope::Global)?;
    let project = find(&ctx.db, project_id).await?;
    let process = process::Entity::find_by_id(project.process_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("process"))?;
    let platform = platform::Entity::find_by_id(project.platform_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("platform"))?;
    let counts_hidden = phases::load(&ctx.db, project.process_id)
        .await?
        .counts_hidden();
    let originals = proposal::Entity::find()
        .filter(proposal::Column::ProjectId.eq(project.id))
        .order_by_asc(proposal::Column::PublishedAt)
        .all(&ctx.db)
        .await?;
    let author_ids: Vec<Uuid> = originals.iter().filter_map(|p| p.author_id).collect();
    let authors = people::display_names(&ctx.db, author_ids).await?;
    let supporters = distinct_supporters(&ctx.db, &[project.id]).await?;
    Ok(ProjectDetail {
        id: project.id,
        process: NamedRef {
            key: process.slug,
            name: process.title,
        },
        platform: NamedRef {
            key: platform.slug,
            name: platform.title,
        },
        description_html: markdown::render(&project.description_md),
        description_md: project.description_md.clone(),
        partners: project
            .partners
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
        agreement: AgreementKind::parse(&project.agreement).unwrap_or(AgreementKind::Other),
        distinct_supporters: (!counts_hidden)
            .then(|| supporters.get(&project.id).copied().unwrap_or(0)),
        members: originals
            .into_iter()
            .map(|p| {
                // An original the moderators took out of sight keeps its
                // place (it still counts) without its title or author.
                let shown = p.visibility == Visibility::Visible.as_str();
                ProjectMember {
                    id: p.id,
                    author_name: p
                        .author_id
                        .filter(|_| shown)
                        .and_then(|id| authors.get(&id).cloned()),
                    support_count: (!counts_hidden).then_some(i64::from(p.support_count)),
                    comment_count: i64::from(p.comment_count),
                    title: if shown { p.title } else { String::new() },
                }
            })
            .collect(),
        created_at: project.created_at,
        dissolved_at: project.dissolved_at,
        can_manage: project.dissolved_at.is_none()
            && permits(&ctx.actor, Operation::EditProject, scope_of(&project)),
        title: project.title,
    })
}

/// The live projects of a process, in the order they were made.
pub async fn list(ctx: &Ctx, process_slug: &str) -> Result<Vec<ProjectSummary>, ServiceError> {
    authorize(ctx, Operation::ListProjects, Scope::Global)?;
    let process = find_by_slug(ctx, process_slug).await?;
    summaries(&ctx.db, process.id, None).await
}

/// Summaries of the live projects of a process (or of one platform).
pub(crate) async fn summaries(
    db: &impl ConnectionTrait,
    process_id: Uuid,
    platform_id: Option<Uuid>,
) -> Result<Vec<ProjectSummary>, ServiceError> {
    let mut select = project::Entity::find()
        .filter(project::Column::ProcessId.eq(process_id))
        .filter(project::Column::DissolvedAt.is_null());
    if let Some(id) = platform_id {
        select = select.filter(project::Column::PlatformId.eq(id));
    }
    let projects = select
        .order_by_asc(project::Column::CreatedAt)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = projects.iter().map(|p| p.id).collect();
    let supporters = distinct_supporters(db, &ids).await?;
    let members: HashMap<Uuid, i64> = if ids.is_empty() {
        HashMap::new()
    } else {
        proposal::Entity::find()
            .select_only()
            .column(proposal::Column::ProjectId)
            .column_as(proposal::Column::Id.count(), "n")
            .filter(proposal::Column::ProjectId.is_in(ids.clone()))
            .group_by(proposal::Column::ProjectId)
            .into_tuple::<(Option<Uuid>, i64)>()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(id, n)| Some((id?, n)))
            .collect()
    };
    let platforms: HashMap<Uuid, NamedRef> = platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(process_id))
        .all(db)
        .await?
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
        .collect();
    let counts_hidden = phases::load(db, process_id).await?.counts_hidden();
    Ok(projects
        .into_iter()
        .map(|p| ProjectSummary {
            id: p.id,
            platform: platforms.get(&p.platform_id).cloned().unwrap_or(NamedRef {
                key: String::new(),
                name: String::new(),
            }),
            member_count: members.get(&p.id).copied().unwrap_or(0),
            distinct_supporters: (!counts_hidden)
                .then(|| supporters.get(&p.id).copied().unwrap_or(0)),
            agreement: AgreementKind::parse(&p.agreement).unwrap_or(AgreementKind::Other),
            title: p.title,
        })
        .collect())
}
