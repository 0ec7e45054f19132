//! An objective's page: where it sits in the tree, its resources and
//! indicators, what is linked to it, and its progress.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::model::common::NamedRef;
use crate::model::dup::{ObjectiveDetail, ResourceYear};
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::dup::tree::{
    find_edition, indicators_of, links_where, natural_key, objective_ref, progress_dto,
    resources_of,
};
use crate::service::entity::{dup_link, dup_mission, dup_objective, dup_programme, dup_progress};
use crate::service::{Ctx, ServiceError, common::markdown};

/// An objective's page: where it sits in the tree, resources, indicators,
/// the proposals and projects linked to it, and its progress.
pub async fn objective(ctx: &Ctx, objective_id: Uuid) -> Result<ObjectiveDetail, ServiceError> {
    authorize(ctx, Operation::ViewObjective, Scope::Global)?;
    let objective = dup_objective::Entity::find_by_id(objective_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("objective"))?;
    let edition = find_edition(&ctx.db, objective.edition_id).await?;
    let mission = dup_mission::Entity::find_by_id(objective.mission_code.clone())
        .one(&ctx.db)
        .await?;
    let programme = match objective.programme_id {
        Some(id) => dup_programme::Entity::find_by_id(id).one(&ctx.db).await?,
        None => None,
    };
    let parent = match objective.parent_id {
        Some(id) => dup_objective::Entity::find_by_id(id).one(&ctx.db).await?,
        None => None,
    };
    let mut children = dup_objective::Entity::find()
        .filter(dup_objective::Column::ParentId.eq(objective.id))
        .all(&ctx.db)
        .await?;
    children.sort_by_key(|o| natural_key(&o.code));
    let resources = resources_of(&ctx.db, objective.edition_id)
        .await?
        .remove(&objective.id)
        .unwrap_or_default()
        .into_iter()
        .map(|(year, cents)| ResourceYear { year, cents })
        .collect();
    let indicators = indicators_of(&ctx.db, &[objective.id])
        .await?
        .remove(&objective.id)
        .unwrap_or_default();
    // A strategic objective is fed through its operational objectives too.
    let fed: Vec<Uuid> = std::iter::once(objective.id)
        .chain(children.iter().map(|c| c.id))
        .collect();
    let links = links_where(
        ctx,
        sea_orm::Condition::all().add(dup_link::Column::ObjectiveId.is_in(fed)),
    )
    .await?;
    let title = format!("{} {}", objective.code, objective.title);
    let progress = dup_progress::Entity::find()
        .filter(dup_progress::Column::ObjectiveId.eq(objective.id))
        .order_by_desc(dup_progress::Column::RecordedOn)
        .order_by_desc(dup_progress::Column::CreatedAt)
        .limit(100)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|r| progress_dto(r, title.clone(), format!("obiettivo:{}", objective.id)))
        .collect();
    Ok(ObjectiveDetail {
        edition: NamedRef {
            key: edition.id.to_string(),
            name: format!("{} – {}", edition.organization, edition.title),
        },
        mission_title: mission.map(|m| m.name).unwrap_or_default(),
        programme: programme.map(|p| NamedRef {
            key: p.code,
            name: p.title,
        }),
        parent: parent.as_ref().map(objective_ref),
        children: children.iter().map(objective_ref).collect(),
        description_html: markdown::render(&objective.description_md),
        office: objective.office.clone(),
        resources,
        indicators,
        links,
        progress,
        objective: objective_ref(&objective),
    })
}
