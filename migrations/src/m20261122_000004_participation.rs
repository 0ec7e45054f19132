//! The participation loop: the stored state of each process's phases and
//! their settings, proposal versions, answers, images and full-text search,
//! threaded comments with their votes, per-platform support allowances,
//! follows and notifications.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

use crate::table_helpers::*;

use ForeignKeyAction::{Cascade, SetNull};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Where each process stands, stored so that a facilitator can move it
        // by hand and the scheduler moves it forward on the dates (see
        // `PhaseCursor` in the shared model).
        add_column(manager, "processes", integer("phase_cursor", 0)).await?;
        add_column(manager, "processes", boolean("phase_open", false)).await?;
        add_column(manager, "processes", optional_timestamp("phase_changed_at")).await?;
        // Phase settings.
        add_column(
            manager,
            "phases",
            ColumnDef::new(name("supports_per_platform"))
                .integer()
                .null()
                .take(),
        )
        .await?;
        add_column(manager, "phases", boolean("support_counts_visible", true)).await?;
        // People choose whether unread notifications reach them by email.
        add_column(manager, "users", boolean("email_digest", true)).await?;

        // Proposals: counters kept by the operations, the official answer,
        // and the text the search index is built from.
        add_column(manager, "proposals", integer("comment_count", 0)).await?;
        add_column(manager, "proposals", integer("version", 1)).await?;
        add_column(
            manager,
            "proposals",
            ColumnDef::new(name("answer_md")).text().null().take(),
        )
        .await?;
        add_column(manager, "proposals", optional_timestamp("answered_at")).await?;
        add_column(
            manager,
            "proposals",
            ColumnDef::new(name("search_terms"))
                .text()
                .not_null()
                .default("")
                .take(),
        )
        .await?;

        create(
            manager,
            "proposal_versions",
            vec![
                primary_id(),
                uuid("proposal_id"),
                integer("version", 1),
                string("title", 200),
                text("body_md"),
                optional_uuid("zone_id"),
                optional_uuid("editor_id"),
                timestamp("created_at"),
            ],
            vec![
                fk("proposal_versions", "proposal_id", "proposals", Cascade),
                fk("proposal_versions", "editor_id", "users", SetNull),
                fk("proposal_versions", "zone_id", "zones", SetNull),
            ],
        )
        .await?;
        index(
            manager,
            "proposal_versions",
            "ux_proposal_versions",
            &["proposal_id", "version"],
            true,
        )
        .await?;

        create(
            manager,
            "attachments",
            vec![
                primary_id(),
                uuid("proposal_id"),
                optional_uuid("uploader_id"),
                string("file_name", 200),
                string("alt_text", 300),
                string("content_type", 40),
                ColumnDef::new(name("byte_size"))
                    .big_integer()
                    .not_null()
                    .take(),
                string("sha256", 64),
                timestamp("created_at"),
            ],
            vec![
                fk("attachments", "proposal_id", "proposals", Cascade),
                fk("attachments", "uploader_id", "users", SetNull),
            ],
        )
        .await?;
        index(
            manager,
            "attachments",
            "ix_attachments_proposal",
            &["proposal_id", "created_at"],
            false,
        )
        .await?;

        create(
            manager,
            "comments",
            vec![
                primary_id(),
                uuid("proposal_id"),
                optional_uuid("parent_id"),
                // The top-level comment of the thread (itself for a top-level one).
                uuid("root_id"),
                integer("depth", 1),
                optional_uuid("author_id"),
                text("body_md"),
                string("alignment", 10),
                integer("upvotes", 0),
                integer("downvotes", 0),
                integer("reply_count", 0),
                timestamp("created_at"),
                optional_timestamp("edited_at"),
                optional_timestamp("deleted_at"),
            ],
            vec![
                fk("comments", "proposal_id", "proposals", Cascade),
                fk("comments", "parent_id", "comments", Cascade),
                fk("comments", "author_id", "users", SetNull),
            ],
        )
        .await?;
        // Top-level comments of a proposal in order (keyset), and the replies of a thread.
        index(
            manager,
            "comments",
            "ix_comments_thread_roots",
            &["proposal_id", "depth", "created_at", "id"],
            false,
        )
        .await?;
        index(
            manager,
            "comments",
            "ix_comments_root",
            &["root_id", "created_at"],
            false,
        )
        .await?;
        index(
            manager,
            "comments",
            "ix_comments_author",
            &["author_id"],
            false,
        )
        .await?;

        create(
            manager,
            "comment_votes",
            vec![
                primary_id(),
                uuid("comment_id"),
                optional_uuid("user_id"),
                ColumnDef::new(name("value"))
                    .small_integer()
                    .not_null()
                    .take(),
                timestamp("created_at"),
            ],
            vec![
                fk("comment_votes", "comment_id", "comments", Cascade),
                fk("comment_votes", "user_id", "users", SetNull),
            ],
        )
        .await?;
        // One vote per person per comment, guaranteed by the database.
        index(
            manager,
            "comment_votes",
            "ux_comment_votes",
            &["comment_id", "user_id"],
            true,
        )
        .await?;
        index(
            manager,
            "comment_votes",
            "ix_comment_votes_user",
            &["user_id"],
            false,
        )
        .await?;

        // How many supports each person has given in each platform: the row
        // is locked by the upsert, so a per-platform limit holds under concurrency.
        create(
            manager,
            "support_allowances",
            vec![uuid("user_id"), uuid("platform_id"), integer("used", 0)],
            vec![
                fk("support_allowances", "user_id", "users", Cascade),
                fk("support_allowances", "platform_id", "platforms", Cascade),
            ],
        )
        .await?;
        index(
            manager,
            "support_allowances",
            "ux_support_allowances",
            &["user_id", "platform_id"],
            true,
        )
        .await?;

        create(
            manager,
            "follows",
            vec![
                primary_id(),
                uuid("user_id"),
                uuid("proposal_id"),
                timestamp("created_at"),
            ],
            vec![
                fk("follows", "user_id", "users", Cascade),
                fk("follows", "proposal_id", "proposals", Cascade),
            ],
        )
        .await?;
        index(
            manager,
            "follows",
            "ux_follows",
            &["proposal_id", "user_id"],
            true,
        )
        .await?;
        index(manager, "follows", "ix_follows_user", &["user_id"], false).await?;

        create(
            manager,
            "notifications",
            vec![
                primary_id(),
                uuid("user_id"),
                string("kind", 20),
                optional_uuid("process_id"),
                optional_uuid("proposal_id"),
                optional_uuid("comment_id"),
                // What the message names: a phase title, a state, a person.
                string("detail", 200),
                timestamp("created_at"),
                optional_timestamp("read_at"),
                optional_timestamp("emailed_at"),
            ],
            vec![
                fk("notifications", "user_id", "users", Cascade),
                fk("notifications", "process_id", "processes", Cascade),
                fk("notifications", "proposal_id", "proposals", Cascade),
                fk("notifications", "comment_id", "comments", Cascade),
            ],
        )
        .await?;
        index(
            manager,
            "notifications",
            "ix_notifications_user",
            &["user_id", "id desc"],
            false,
        )
        .await?;
        index(
            manager,
            "notifications",
            "ix_notifications_unread",
            &["user_id", "read_at"],
            false,
        )
        .await?;
        index(
            manager,
            "notifications",
            "ix_notifications_digest",
            &["emailed_at", "read_at"],
            false,
        )
        .await?;

        // What a person typed in a form the server refused, kept briefly so the
        // form comes back filled in without JavaScript.
        create(
            manager,
            "form_drafts",
            vec![
                primary_id(),
                uuid("user_id"),
                string("form", 120),
                text("data"),
                timestamp("created_at"),
            ],
            vec![fk("form_drafts", "user_id", "users", Cascade)],
        )
        .await?;
        index(
            manager,
            "form_drafts",
            "ix_form_drafts_user",
            &["user_id", "form"],
            false,
        )
        .await?;

        // What an instance upgraded from the previous migration already holds:
        // each person's supports per platform, each proposal's first version,
        // and authors following their proposals. (Search terms need the
        // stemmer: the server fills them at start, see `service::upgrade`.)
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO support_allowances (user_id, platform_id, used) \
             SELECT s.user_id, p.platform_id, COUNT(*) FROM supports s \
             JOIN proposals p ON p.id = s.proposal_id \
             WHERE s.user_id IS NOT NULL GROUP BY s.user_id, p.platform_id",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO proposal_versions \
             (id, proposal_id, version, title, body_md, zone_id, editor_id, created_at) \
             SELECT id, id, 1, title, body_md, zone_id, author_id, published_at FROM proposals",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO follows (id, user_id, proposal_id, created_at) \
             SELECT id, author_id, id, published_at FROM proposals WHERE author_id IS NOT NULL",
        )
        .await?;

        // Full-text search over the stemmed terms (see `shared::service::search`).

        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "ALTER TABLE proposals ADD COLUMN search_vector tsvector \
                     GENERATED ALWAYS AS (to_tsvector('simple', search_terms)) STORED",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX ix_proposals_search ON proposals USING GIN (search_vector)",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE proposal_search USING fts5(\
                     terms, proposal_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared("ALTER TABLE proposals DROP COLUMN search_vector")
                    .await?;
            }
            _ => {
                db.execute_unprepared("DROP TABLE proposal_search").await?;
            }
        }
        for table in [
            "form_drafts",
            "notifications",
            "follows",
            "support_allowances",
            "comment_votes",
            "comments",
            "attachments",
            "proposal_versions",
        ] {
            manager
                .drop_table(Table::drop().table(name(table)).take())
                .await?;
        }
        for (table, column) in [
            ("proposals", "search_terms"),
            ("proposals", "answered_at"),
            ("proposals", "answer_md"),
            ("proposals", "version"),
            ("proposals", "comment_count"),
            ("users", "email_digest"),
            ("phases", "support_counts_visible"),
            ("phases", "supports_per_platform"),
            ("processes", "phase_changed_at"),
            ("processes", "phase_open"),
            ("processes", "phase_cursor"),
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
