//! Facilitation and moderation: per-process moderation settings, the
//! visibility of proposals and comments, reports, the public moderation log,
//! blocks, projects that merge proposals, and assisted participation at the
//! counter (who recorded a contribution, and the counter's records).

use sea_orm_migration::prelude::*;

use crate::table_helpers::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

use ForeignKeyAction::{Cascade, SetNull};

/// Where a proposal or comment can be seen: `visibile` everywhere, otherwise
/// only by its author and the moderators.
fn visibility() -> ColumnDef {
    ColumnDef::new(name("visibility"))
        .string_len(12)
        .not_null()
        .default("visibile")
        .take()
}

fn optional_text(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).text().null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Moderation settings of a process.
        add_column(manager, "processes", boolean("pre_moderation", false)).await?;
        add_column(manager, "processes", integer("report_threshold", 3)).await?;

        // People recorded at the counter have an account nobody signs in to.
        add_column(manager, "users", boolean("is_assisted", false)).await?;

        create(
            manager,
            "projects",
            vec![
                primary_id(),
                uuid("process_id"),
                uuid("platform_id"),
                string("title", 200),
                text("description_md"),
                // One partner per line.
                text("partners"),
                string("agreement", 30),
                optional_uuid("created_by"),
                timestamp("created_at"),
                timestamp("updated_at"),
                // Set when the merge is undone: the project is kept for the log.
                optional_timestamp("dissolved_at"),
            ],
            vec![
                fk("projects", "process_id", "processes", Cascade),
                fk("projects", "platform_id", "platforms", Cascade),
                fk("projects", "created_by", "users", SetNull),
            ],
        )
        .await?;
        index(
            manager,
            "projects",
            "ix_projects_platform",
            &["platform_id", "dissolved_at"],
            false,
        )
        .await?;
        index(
            manager,
            "projects",
            "ix_projects_process",
            &["process_id", "dissolved_at"],
            false,
        )
        .await?;

        for table in ["proposals", "comments"] {
            add_column(manager, table, visibility()).await?;
            add_column(manager, table, optional_text("moderation_note")).await?;
            add_column(manager, table, integer("report_count", 0)).await?;
        }
        add_column(manager, "proposals", optional_uuid("project_id")).await?;
        // The state a merged proposal had, restored when the merge is undone.
        add_column(
            manager,
            "proposals",
            ColumnDef::new(name("premerge_state"))
                .string_len(20)
                .null()
                .take(),
        )
        .await?;
        add_column(manager, "proposals", optional_uuid("assisted_by")).await?;
        add_column(manager, "supports", optional_uuid("assisted_by")).await?;
        index(
            manager,
            "proposals",
            "ix_proposals_project",
            &["project_id"],
            false,
        )
        .await?;
        index(
            manager,
            "proposals",
            "ix_proposals_visibility",
            &["process_id", "visibility"],
            false,
        )
        .await?;
        index(
            manager,
            "comments",
            "ix_comments_visibility",
            &["visibility"],
            false,
        )
        .await?;

        create(
            manager,
            "reports",
            vec![
                primary_id(),
                uuid("process_id"),
                // `proposta` or `commento`, and its id.
                string("target_kind", 10),
                uuid("target_id"),
                optional_uuid("reporter_id"),
                string("reason", 20),
                text("note"),
                timestamp("created_at"),
                optional_timestamp("resolved_at"),
            ],
            vec![
                fk("reports", "process_id", "processes", Cascade),
                fk("reports", "reporter_id", "users", SetNull),
            ],
        )
        .await?;
        // One report per person per content, guaranteed by the database.
        index(
            manager,
            "reports",
            "ux_reports_target_reporter",
            &["target_id", "reporter_id"],
            true,
        )
        .await?;
        index(
            manager,
            "reports",
            "ix_reports_open",
            &["process_id", "resolved_at", "created_at"],
            false,
        )
        .await?;

        create(
            manager,
            "moderation_log",
            vec![
                primary_id(),
                uuid("process_id"),
                string("action", 20),
                string("target_kind", 10),
                optional_uuid("target_id"),
                // What was acted on, as it read then (a title, or a comment's opening).
                string("target_label", 200),
                text("reason"),
                // Kept for the administrators' action log; never shown publicly.
                optional_uuid("moderator_id"),
                timestamp("created_at"),
            ],
            vec![
                fk("moderation_log", "process_id", "processes", Cascade),
                fk("moderation_log", "moderator_id", "users", SetNull),
            ],
        )
        .await?;
        index(
            manager,
            "moderation_log",
            "ix_moderation_log_process",
            &["process_id", "created_at desc", "id desc"],
            false,
        )
        .await?;

        create(
            manager,
            "process_blocks",
            vec![
                primary_id(),
                uuid("process_id"),
                uuid("user_id"),
                text("reason"),
                optional_uuid("blocked_by"),
                timestamp("created_at"),
            ],
            vec![
                fk("process_blocks", "process_id", "processes", Cascade),
                fk("process_blocks", "user_id", "users", Cascade),
                fk("process_blocks", "blocked_by", "users", SetNull),
            ],
        )
        .await?;
        index(
            manager,
            "process_blocks",
            "ux_process_blocks",
            &["user_id", "process_id"],
            true,
        )
        .await?;

        create(
            manager,
            "counter_records",
            vec![
                primary_id(),
                // The account the counter acts through (gone once claimed).
                optional_uuid("user_id"),
                string("full_name", 120),
                // How identity was checked: `carta_identita`, `patente`, …
                string("identity_check", 20),
                // Residence was verified with a census code.
                boolean("resident", false),
                optional_uuid("recorded_by"),
                timestamp("created_at"),
                // SHA-256 of the code printed on the receipt.
                string("claim_hash", 64),
                optional_uuid("claimed_by"),
                optional_timestamp("claimed_at"),
            ],
            vec![
                fk("counter_records", "user_id", "users", SetNull),
                fk("counter_records", "recorded_by", "users", SetNull),
                fk("counter_records", "claimed_by", "users", SetNull),
            ],
        )
        .await?;
        index(
            manager,
            "counter_records",
            "ux_counter_records_claim",
            &["claim_hash"],
            true,
        )
        .await?;
        index(
            manager,
            "counter_records",
            "ix_counter_records_name",
            &["full_name"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, index_name) in [
            ("proposals", "ix_proposals_project"),
            ("proposals", "ix_proposals_visibility"),
            ("comments", "ix_comments_visibility"),
        ] {
            manager
                .drop_index(Index::drop().name(index_name).table(name(table)).to_owned())
                .await?;
        }
        for table in [
            "counter_records",
            "process_blocks",
            "moderation_log",
            "reports",
            "projects",
        ] {
            manager
                .drop_table(Table::drop().table(name(table)).take())
                .await?;
        }
        for (table, column) in [
            ("supports", "assisted_by"),
            ("proposals", "assisted_by"),
            ("proposals", "premerge_state"),
            ("proposals", "project_id"),
            ("proposals", "report_count"),
            ("proposals", "moderation_note"),
            ("proposals", "visibility"),
            ("comments", "report_count"),
            ("comments", "moderation_note"),
            ("comments", "visibility"),
            ("users", "is_assisted"),
            ("processes", "report_threshold"),
            ("processes", "pre_moderation"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(name(table))
                        .drop_column(name(column))
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
