//! Connecting to SQLite (the embedded default) or PostgreSQL.

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

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

/// Starts a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`:
/// the write lock is taken at once (waiting in the busy handler), so a
/// transaction that reads before it writes can never fail because another
/// writer committed in between (`SQLITE_BUSY_SNAPSHOT`). PostgreSQL ignores
/// the mode. Every service write goes through here; a source check forbids a
/// bare `begin()` in the services.
pub async fn begin_write(db: &Db) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// A raw statement written with `?` placeholders, numbered (`$1`, `$2`…)
/// for PostgreSQL. For the few queries the query builder does not express.
pub(crate) fn statement(
    backend: sea_orm::DatabaseBackend,
    sql: &str,
    values: impl IntoIterator<Item = sea_orm::Value>,
) -> sea_orm::Statement {
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            let mut numbered = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    numbered.push_str(&format!("${n}"));
                } else {
                    numbered.push(c);
                }
            }
            numbered
        }
        _ => sql.to_owned(),
    };
    sea_orm::Statement::from_sql_and_values(backend, sql, values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    async fn scratch_db(name: &str) -> (Db, std::path::PathBuf) {
        let path = std::env::temp_dir().join(format!(
            "piazza-db-{name}-{}-{}.sqlite",
            std::process::id(),
            fastrand::u64(..)
        ));
        let db = connect(&DbConfig {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            max_connections: 4,
        })
        .await
        .unwrap();
        db.execute_unprepared(
            "CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0);",
        )
        .await
        .unwrap();
        (db, path)
    }

    async fn read(db: &impl ConnectionTrait) -> i64 {
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT n FROM counter",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index(0).unwrap()
    }

    /// The flaky failure this prevents: a transaction reads, another writer
    /// commits, the transaction writes. Deferred, the last step fails with
    /// `SQLITE_BUSY_SNAPSHOT`; begun with `begin_write`, the other writer
    /// waits instead and both increments count.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_transaction_that_reads_then_writes_never_loses_to_another_writer() {
        let (db, path) = scratch_db("immediate").await;
        let txn = begin_write(&db).await.unwrap();
        let seen = read(&txn).await;
        let other = {
            let db = db.clone();
            tokio::spawn(async move { db.execute_unprepared("UPDATE counter SET n = n + 1").await })
        };
        // The other writer is queued behind this transaction's lock.
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert!(!other.is_finished());
        txn.execute_unprepared(&format!("UPDATE counter SET n = {}", seen + 1))
            .await
            .unwrap();
        txn.commit().await.unwrap();
        other.await.unwrap().unwrap();
        assert_eq!(read(&db).await, 2);

        // The same steps with a deferred transaction fail: what the rule is for.
        let txn = db.begin().await.unwrap();
        let seen = read(&txn).await;
        db.execute_unprepared("UPDATE counter SET n = n + 1")
            .await
            .unwrap();
        let late = txn
            .execute_unprepared(&format!("UPDATE counter SET n = {}", seen + 1))
            .await;
        assert!(
            late.is_err(),
            "a deferred transaction wrote over a newer commit"
        );
        drop(txn);
        db.close().await.unwrap();
        let _ = std::fs::remove_file(&path);
    }
}
