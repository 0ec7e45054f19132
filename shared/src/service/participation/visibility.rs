//! Who sees a contribution and who may add one: the rules of pre-moderation,
//! blocks and moderators, at the bottom of participation so every module
//! above can ask them.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::model::common::Refusal;
use crate::model::common::Visibility;
use crate::service::common::authz::{Operation, Scope, permits};
use crate::service::entity::{process, process_block};
use crate::service::{Actor, ServiceError};

/// How a new contribution starts in `process`.
pub(crate) fn initial_visibility(process: &process::Model) -> Visibility {
    if process.pre_moderation {
        Visibility::Pending
    } else {
        Visibility::Visible
    }
}

/// Refuses a person blocked in the process.
pub(crate) async fn ensure_not_blocked(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    process_id: Uuid,
) -> Result<(), ServiceError> {
    let blocked = process_block::Entity::find()
        .filter(process_block::Column::UserId.eq(user_id))
        .filter(process_block::Column::ProcessId.eq(process_id))
        .one(db)
        .await?
        .is_some();
    if blocked {
        Err(ServiceError::Refused(Refusal::Blocked))
    } else {
        Ok(())
    }
}

/// Whether `actor` moderates the content of a platform.
pub(crate) fn moderates(actor: &Actor, process_id: Uuid, platform_id: Uuid) -> bool {
    permits(
        actor,
        Operation::ModerateContent,
        Scope::Platform {
            process: process_id,
            platform: platform_id,
        },
    )
}

/// The proposal, if the viewer may see it; `NotFound` otherwise (as if it
/// did not exist, so nothing out of sight is confirmed).
pub(crate) async fn find_visible(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> Result<crate::service::entity::proposal::Model, ServiceError> {
    let p = crate::service::participation::lookup::find(db, id).await?;
    if can_see(
        actor,
        &p.visibility,
        p.author_id,
        p.process_id,
        p.platform_id,
    ) {
        Ok(p)
    } else {
        Err(ServiceError::NotFound("proposal"))
    }
}

/// Whether the viewer may see content with this visibility and author.
pub(crate) fn can_see(
    actor: &Actor,
    visibility: &str,
    author_id: Option<Uuid>,
    process_id: Uuid,
    platform_id: Uuid,
) -> bool {
    visibility == Visibility::Visible.as_str()
        || (author_id.is_some() && actor.person().map(|p| p.id) == author_id)
        || moderates(actor, process_id, platform_id)
}
