//! Finding a proposal: the lookups every participation and facilitation
//! module uses.

use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::model::participation::listing::RANDOM_KEY_MODULUS;
use crate::service::ServiceError;
use crate::service::entity::proposal;

/// A proposal row by id (`NotFound` when there is none).
pub(crate) async fn find(
    db: &impl sea_orm::ConnectionTrait,
    id: Uuid,
) -> Result<proposal::Model, ServiceError> {
    proposal::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("proposal"))
}

/// The random key of a new proposal: from the random bits of its v7 id.
pub fn random_key_for(id: Uuid) -> i64 {
    ((id.as_u128() & u128::from(u64::MAX)) % RANDOM_KEY_MODULUS as u128) as i64
}
