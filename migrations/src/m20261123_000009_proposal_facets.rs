//! An index that answers the process page's counts (proposals per
//! direction, platform and zone, and their supports) from the index alone,
//! without reading the proposals' rows.

use sea_orm_migration::prelude::*;

use crate::table_helpers::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(
            manager,
            "proposals",
            "ix_proposals_process_facets",
            &[
                "process_id",
                "visibility",
                "state",
                "direction_id",
                "platform_id",
                "zone_id",
                "support_count",
            ],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_proposals_process_facets")
                    .table(name("proposals"))
                    .to_owned(),
            )
            .await
    }
}
