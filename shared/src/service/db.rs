//! Connecting to SQLite (the embedded default) or PostgreSQL.

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// A pooled connection to the database.
pub type Db = DatabaseConnection;

/// How to reach the database.
#[derive(Clone, Debug)]
pub struct DbConfig {
    /// `sqlite://path?mode=rwc` or `postgres://user:pass@host/db`.
    pub url: String,
    pub max_connections: u32,
}

/// Opens the pool. SQLite gets WAL, foreign keys and a busy timeout, so
/// writers queue instead of failing; PostgreSQL is used as configured.
pub async fn connect(config: &DbConfig) -> Result<Db, DbErr> {
    let mut options = ConnectOptions::new(config.url.clone());
    options
        .max_connections(config.max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    Database::connect(options).await
}
