//! Data written before the security rules of 2026-12:
//! - the public moderation log never names a person: blocks written before
//!   named the blocked person in `target_label`, which is public and
//!   outlives the account; they now say "Una persona", as new ones do;
//! - an email address is one account whatever its case: addresses are
//!   stored in lower case (`Mario@` and `mario@` were two accounts). An
//!   address whose lower-case form another account already holds is left as
//!   it is (the two accounts stay apart; sign-in finds the lower-case one).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE moderation_log SET target_label = 'Una persona' \
                 WHERE target_kind = 'persona'",
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE users SET email = LOWER(email) \
                 WHERE email IS NOT NULL AND email <> LOWER(email) \
                 AND NOT EXISTS (SELECT 1 FROM users AS other WHERE other.email = LOWER(users.email))",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The names are gone on purpose: nothing to put back.
        Ok(())
    }
}
