//! Indexes for the proposal list filtered by zone or by platform: the total
//! and the page both come from the index (the process, the filter, visible,
//! newest first), without reading rows or scanning the whole process (at
//! 30,000 proposals the zone count took 3.5 ms over the facets index; 0.4 ms
//! here).

use sea_orm_migration::prelude::*;

use crate::table_helpers::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each index: its name and the column that filters.
const FILTERS: [(&str, &str); 2] = [
    ("ix_proposals_process_zone", "zone_id"),
    ("ix_proposals_process_platform", "platform_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (index_name, column) in FILTERS {
            index(
                manager,
                "proposals",
                index_name,
                &[
                    "process_id",
                    column,
                    "visibility",
                    "published_at desc",
                    "id desc",
                    "state",
                ],
                false,
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (index_name, _) in FILTERS {
            manager
                .drop_index(
                    Index::drop()
                        .name(index_name)
                        .table(name("proposals"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
