//! The DUP (issue 6, groundwork): editions per municipality and period,
//! programmes within the official missions, strategic (SeS) and operational
//! (SeO) objectives with resources per year and indicators (targets and
//! actuals per year), links from proposals and projects to objectives, and
//! progress recorded during monitoring.

use sea_orm_migration::prelude::*;

use crate::table_helpers::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

use ForeignKeyAction::{Cascade, SetNull};

fn optional_text(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).text().null().take()
}

fn real(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).double().null().take()
}

fn mission_fk(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_mission_code"))
        .from(name(table), name("mission_code"))
        .to(name("dup_missions"), name("code"))
        .on_delete(ForeignKeyAction::Restrict)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(
            manager,
            "dup_editions",
            vec![
                primary_id(),
                string("organization", 200),
                // e.g. "DUP 2026–2028".
                string("title", 200),
                integer("first_year", 0),
                integer("last_year", 0),
                // Under 5,000 inhabitants: objectives per mission, no SeS.
                boolean("simplified", false),
                optional_uuid("copied_from"),
                timestamp("created_at"),
            ],
            vec![fk("dup_editions", "copied_from", "dup_editions", SetNull)],
        )
        .await?;
        // Which edition a process's plan informs.
        add_column(manager, "processes", optional_uuid("dup_edition_id")).await?;

        create(
            manager,
            "dup_programmes",
            vec![
                primary_id(),
                uuid("edition_id"),
                string("mission_code", 2),
                // Two digits within the mission.
                string("code", 2),
                string("title", 300),
            ],
            vec![
                fk("dup_programmes", "edition_id", "dup_editions", Cascade),
                mission_fk("dup_programmes"),
            ],
        )
        .await?;
        index(
            manager,
            "dup_programmes",
            "ux_dup_programmes",
            &["edition_id", "mission_code", "code"],
            true,
        )
        .await?;

        create(
            manager,
            "dup_objectives",
            vec![
                primary_id(),
                uuid("edition_id"),
                // `strategico` (SeS) or `operativo` (SeO).
                string("level", 12),
                string("code", 40),
                string("mission_code", 2),
                optional_uuid("programme_id"),
                // The strategic objective of an operational one.
                optional_uuid("parent_id"),
                string("title", 300),
                text("description_md"),
                string("office", 200),
                timestamp("created_at"),
                timestamp("updated_at"),
            ],
            vec![
                fk("dup_objectives", "edition_id", "dup_editions", Cascade),
                fk("dup_objectives", "programme_id", "dup_programmes", Cascade),
                fk("dup_objectives", "parent_id", "dup_objectives", SetNull),
                mission_fk("dup_objectives"),
            ],
        )
        .await?;
        index(
            manager,
            "dup_objectives",
            "ux_dup_objectives_code",
            &["edition_id", "code"],
            true,
        )
        .await?;
        index(
            manager,
            "dup_objectives",
            "ix_dup_objectives_mission",
            &["edition_id", "mission_code"],
            false,
        )
        .await?;

        create(
            manager,
            "dup_resources",
            vec![
                uuid("objective_id"),
                integer("year", 0),
                ColumnDef::new(name("cents"))
                    .big_integer()
                    .not_null()
                    .take(),
            ],
            vec![fk(
                "dup_resources",
                "objective_id",
                "dup_objectives",
                Cascade,
            )],
        )
        .await?;
        index(
            manager,
            "dup_resources",
            "ux_dup_resources",
            &["objective_id", "year"],
            true,
        )
        .await?;

        create(
            manager,
            "dup_indicators",
            vec![
                primary_id(),
                uuid("edition_id"),
                uuid("objective_id"),
                string("code", 40),
                string("name", 300),
                string("unit", 60),
                real("baseline"),
            ],
            vec![
                fk("dup_indicators", "edition_id", "dup_editions", Cascade),
                fk("dup_indicators", "objective_id", "dup_objectives", Cascade),
            ],
        )
        .await?;
        index(
            manager,
            "dup_indicators",
            "ux_dup_indicators_code",
            &["edition_id", "code"],
            true,
        )
        .await?;

        create(
            manager,
            "dup_indicator_values",
            vec![
                uuid("indicator_id"),
                integer("year", 0),
                real("target"),
                real("actual"),
            ],
            vec![fk(
                "dup_indicator_values",
                "indicator_id",
                "dup_indicators",
                Cascade,
            )],
        )
        .await?;
        index(
            manager,
            "dup_indicator_values",
            "ux_dup_indicator_values",
            &["indicator_id", "year"],
            true,
        )
        .await?;

        create(
            manager,
            "dup_links",
            vec![
                primary_id(),
                uuid("objective_id"),
                optional_uuid("proposal_id"),
                optional_uuid("project_id"),
                text("rationale"),
                ColumnDef::new(name("weight")).integer().null().take(),
                optional_uuid("linked_by"),
                timestamp("created_at"),
            ],
            vec![
                fk("dup_links", "objective_id", "dup_objectives", Cascade),
                fk("dup_links", "proposal_id", "proposals", Cascade),
                fk("dup_links", "project_id", "projects", Cascade),
                fk("dup_links", "linked_by", "users", SetNull),
            ],
        )
        .await?;
        // One link per objective and proposal, and per objective and project.
        index(
            manager,
            "dup_links",
            "ux_dup_links_proposal",
            &["objective_id", "proposal_id"],
            true,
        )
        .await?;
        index(
            manager,
            "dup_links",
            "ux_dup_links_project",
            &["objective_id", "project_id"],
            true,
        )
        .await?;
        index(
            manager,
            "dup_links",
            "ix_dup_links_proposal",
            &["proposal_id"],
            false,
        )
        .await?;
        index(
            manager,
            "dup_links",
            "ix_dup_links_project",
            &["project_id"],
            false,
        )
        .await?;

        create(
            manager,
            "dup_progress",
            vec![
                primary_id(),
                optional_uuid("objective_id"),
                optional_uuid("project_id"),
                // non_avviato, in_corso, completato, annullato.
                string("status", 20),
                integer("percent", 0),
                optional_text("note_md"),
                optional_uuid("recorded_by"),
                ColumnDef::new(name("recorded_on")).date().not_null().take(),
                timestamp("created_at"),
            ],
            vec![
                fk("dup_progress", "objective_id", "dup_objectives", Cascade),
                fk("dup_progress", "project_id", "projects", Cascade),
                fk("dup_progress", "recorded_by", "users", SetNull),
            ],
        )
        .await?;
        index(
            manager,
            "dup_progress",
            "ix_dup_progress_objective",
            &["objective_id", "recorded_on"],
            false,
        )
        .await?;
        index(
            manager,
            "dup_progress",
            "ix_dup_progress_project",
            &["project_id", "recorded_on"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "dup_progress",
            "dup_links",
            "dup_indicator_values",
            "dup_indicators",
            "dup_resources",
            "dup_objectives",
            "dup_programmes",
        ] {
            manager
                .drop_table(Table::drop().table(name(table)).take())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(name("processes"))
                    .drop_column(name("dup_edition_id"))
                    .take(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(name("dup_editions")).take())
            .await?;
        Ok(())
    }
}
