//! The final plan (issue 7): every saved version of a process's plan, kept
//! whole (a snapshot of what it said, so a later edit of a project never
//! changes a version already read or approved), and the council's approval,
//! at most one per process (the unique index refuses a second).

use sea_orm_migration::prelude::*;

use crate::table_helpers::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(
            manager,
            "plan_versions",
            vec![
                primary_id(),
                uuid("process_id"),
                // 1, 2, 3… within the process.
                integer("number", 1),
                // What changed, in the facilitator's words.
                string("note", 300),
                // The composition as typed (introduction, closing, order and
                // editorial texts of the sections), JSON.
                text("composition_json"),
                // The whole plan as it read when saved, JSON.
                text("document_json"),
                optional_uuid("created_by"),
                timestamp("created_at"),
            ],
            vec![
                fk(
                    "plan_versions",
                    "process_id",
                    "processes",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "plan_versions",
                    "created_by",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        index(
            manager,
            "plan_versions",
            "ux_plan_versions_number",
            &["process_id", "number"],
            true,
        )
        .await?;
        create(
            manager,
            "plan_approvals",
            vec![
                primary_id(),
                uuid("process_id"),
                uuid("version_id"),
                // `consiglio` or `giunta`.
                string("body", 12),
                // The resolution's number as the municipality writes it ("45/2026").
                string("resolution_number", 40),
                ColumnDef::new(name("resolution_date"))
                    .date()
                    .not_null()
                    .take(),
                optional_uuid("recorded_by"),
                timestamp("recorded_at"),
            ],
            vec![
                fk(
                    "plan_approvals",
                    "process_id",
                    "processes",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "plan_approvals",
                    "version_id",
                    "plan_versions",
                    ForeignKeyAction::Restrict,
                ),
                fk(
                    "plan_approvals",
                    "recorded_by",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        index(
            manager,
            "plan_approvals",
            "ux_plan_approvals_process",
            &["process_id"],
            true,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("plan_approvals")).take())
            .await?;
        manager
            .drop_table(Table::drop().table(name("plan_versions")).take())
            .await
    }
}
