//! Finding a process and its labels: the lookups every feature above uses.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::model::common::NamedRef;
use crate::service::entity::{platform, process, strategic_direction, zone};
use crate::service::{Ctx, ServiceError};

pub(crate) async fn find_by_slug(ctx: &Ctx, slug: &str) -> Result<process::Model, ServiceError> {
    // PostgreSQL refuses NUL in text: no slug has one, so nothing to look up.
    if slug.contains('\0') {
        return Err(ServiceError::NotFound("process"));
    }
    process::Entity::find()
        .filter(process::Column::Slug.eq(slug))
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("process"))
}

pub(crate) async fn platforms_of(
    ctx: &Ctx,
    process_id: Uuid,
) -> Result<Vec<platform::Model>, ServiceError> {
    Ok(platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(process_id))
        .order_by_asc(platform::Column::Position)
        .all(&ctx.db)
        .await?)
}

pub(crate) async fn zones_of(
    ctx: &Ctx,
    process_id: Uuid,
) -> Result<Vec<zone::Model>, ServiceError> {
    Ok(zone::Entity::find()
        .filter(zone::Column::ProcessId.eq(process_id))
        .order_by_asc(zone::Column::Position)
        .all(&ctx.db)
        .await?)
}

pub(crate) fn direction_ref(direction: &strategic_direction::Model) -> NamedRef {
    NamedRef {
        key: direction.code.clone(),
        name: direction.title.clone(),
    }
}
