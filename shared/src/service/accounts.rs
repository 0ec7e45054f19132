//! Accounts and roles.

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

use super::entity::{role_assignment, user};
use super::{Actor, Ctx, ServiceError};
use crate::model::account::{DisplayName, EmailAddress};

/// The roles a person can hold (scoped roles carry a process or platform).
pub const ROLE_ADMIN: &str = "admin";

/// Creates the person with this email (or finds them) and makes them an
/// administrator. Only the server itself (the CLI) may do this. Returns the
/// person's id and whether the account was new.
pub async fn create_admin(
    ctx: &Ctx,
    email: &EmailAddress,
    name: &DisplayName,
) -> Result<(Uuid, bool), ServiceError> {
    if ctx.actor != Actor::System {
        return Err(ServiceError::Forbidden);
    }
    let txn = ctx.db.begin().await?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?;
    let (id, created) = match existing {
        Some(person) => (person.id, false),
        None => {
            let id = Uuid::now_v7();
            user::Entity::insert(user::ActiveModel {
                id: Set(id),
                email: Set(Some(email.as_str().to_owned())),
                display_name: Set(name.as_str().to_owned()),
                is_demo: Set(false),
                created_at: Set(ctx.now),
            })
            .exec_without_returning(&txn)
            .await?;
            (id, true)
        }
    };
    let already_admin = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(id))
        .filter(role_assignment::Column::Role.eq(ROLE_ADMIN))
        .one(&txn)
        .await?
        .is_some();
    if !already_admin {
        role_assignment::Entity::insert(role_assignment::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(id),
            role: Set(ROLE_ADMIN.to_owned()),
            process_id: Set(None),
            platform_id: Set(None),
            created_at: Set(ctx.now),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok((id, created))
}
