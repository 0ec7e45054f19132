//! Census codes are stored as a keyed digest with a version prefix
//! (`k1:` + 64 hex digits, see `accounts::residence`): the column grows from
//! 64 to 80 characters. SQLite does not enforce the length; PostgreSQL does.
//! The rows themselves are keyed at the next start, by the server, which
//! alone holds the key.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "ALTER TABLE census_codes ALTER COLUMN code_hash TYPE varchar(80)",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Keyed digests do not fit the old width: the column stays wide.
        Ok(())
    }
}
