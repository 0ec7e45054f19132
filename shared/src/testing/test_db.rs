//! A database of one test's own: made, opened, and held.

use super::databases::{self, Seed};
use crate::service::Db;

/// Anything a test holds its database in: a bare [`TestDb`] for the
/// domain's tests, the server's test application for its own.
pub trait TestDatabase {
    /// The test's database.
    fn db(&self) -> &Db;
}

/// A database of one test's own, removed with it (SQLite) or left for the
/// next run's clean-up (PostgreSQL).
pub struct TestDb {
    /// The pool over it.
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase for TestDb {
    fn db(&self) -> &Db {
        &self.db
    }
}

/// A new database with the demo data loaded.
pub async fn demo_db() -> TestDb {
    open(Seed::Demo).await
}

/// A new migrated database with no people's data.
pub async fn empty_db() -> TestDb {
    open(Seed::Empty).await
}

async fn open(seed: Seed) -> TestDb {
    init_logs();
    let (url, dir) = fresh_database_url(seed).await;
    let db = crate::service::connect(&crate::service::DbConfig {
        url,
        max_connections: 4,
    })
    .await
    .expect("the test database opens");
    if std::env::var("PIAZZA_TEST_BACKEND").as_deref() == Ok("postgres") {
        assert_eq!(
            db.get_database_backend(),
            sea_orm::DbBackend::Postgres,
            "the PostgreSQL pass must run on PostgreSQL"
        );
    }
    TestDb { db, _dir: dir }
}

/// Logs go to the test's captured output, shown only when it fails
/// (`PIAZZA_TEST_LOG` sets the filter; `warn` by default).
pub fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(std::env::var("PIAZZA_TEST_LOG").unwrap_or_else(|_| "warn".into()))
        .with_test_writer()
        .try_init();
}

/// The server key every test uses (as `PIAZZA_SECRET_KEY`: 64 hex digits).
pub const TEST_SERVER_KEY_HEX: &str =
    "7465737420736572766572206b6579206f6e6c792c206e65766572207265616c";

/// Installs [`TEST_SERVER_KEY_HEX`] as this process's server key.
pub fn install_test_key() {
    let mut key = [0u8; crate::service::common::secrets::SERVER_KEY_BYTES];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&TEST_SERVER_KEY_HEX[i * 2..i * 2 + 2], 16)
            .expect("the test key is hexadecimal");
    }
    crate::service::common::secrets::install_server_key(key).expect("one server key per test");
}

/// The database URL for a new test, holding what `seed` asks for: a
/// temporary SQLite file, or a new PostgreSQL database on the server named
/// by `PIAZZA_TEST_DATABASE_URL`; both copied from a template.
pub async fn fresh_database_url(seed: Seed) -> (String, Option<tempfile::TempDir>) {
    install_test_key();
    match std::env::var("PIAZZA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        Some(admin_url) => (databases::postgres(&admin_url, seed).await, None),
        None => {
            let dir = tempfile::tempdir().expect("temporary folder");
            let url = databases::sqlite(dir.path(), seed).await;
            (url, Some(dir))
        }
    }
}
