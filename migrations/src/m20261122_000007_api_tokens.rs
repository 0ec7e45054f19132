//! Personal access tokens for the REST API (issue 8): a person creates one
//! in their profile, scoped to reading or to reading and writing; it is
//! shown once and stored as its SHA-256, with when it was last used.

use sea_orm_migration::prelude::*;

use crate::table_helpers::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(
            manager,
            "api_tokens",
            vec![
                primary_id(),
                uuid("user_id"),
                // What the person calls it ("Sito del Comune").
                string("name", 100),
                // `lettura` or `scrittura`.
                string("scope", 12),
                string("token_hash", 64),
                // The first characters, to tell tokens apart in the profile.
                string("prefix", 12),
                timestamp("created_at"),
                optional_timestamp("last_used_at"),
                optional_timestamp("revoked_at"),
            ],
            vec![fk(
                "api_tokens",
                "user_id",
                "users",
                ForeignKeyAction::Cascade,
            )],
        )
        .await?;
        index(
            manager,
            "api_tokens",
            "ux_api_tokens_hash",
            &["token_hash"],
            true,
        )
        .await?;
        index(
            manager,
            "api_tokens",
            "ix_api_tokens_user",
            &["user_id"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("api_tokens")).take())
            .await
    }
}
