//! A database for each test, copied from a template: the migrations and the
//! demo data run once per test build (and day), not once per test.
//!
//! Tests run as separate processes (cargo-nextest) and in parallel, so the
//! template is made by the first process that needs it while the others
//! wait: on SQLite behind a lock file, on PostgreSQL behind an advisory
//! lock. SQLite templates are written with `VACUUM INTO` and copied as
//! files; PostgreSQL ones are databases copied with `CREATE DATABASE …
//! TEMPLATE`. The key names the test binary (its path and build time) and
//! the day, so a rebuilt binary or a new day (the demo's dates follow
//! today) never reads an old template.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, TransactionTrait};

use crate::service::{Actor, Ctx, DbConfig, connect, seed::demo};

/// What a test's database holds when the test begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    /// Migrated, no rows of people's data.
    Empty,
    /// Migrated, with the demo data loaded.
    Demo,
}

impl Seed {
    fn name(self) -> &'static str {
        match self {
            Seed::Empty => "empty",
            Seed::Demo => "demo",
        }
    }
}

/// How long a process waits for another to finish a template.
const WAIT_FOR_TEMPLATE: Duration = Duration::from_secs(180);

/// The template's key: this test binary (path and build time) and today.
fn template_key() -> String {
    let exe = std::env::current_exe().expect("the test binary's path");
    let built = std::fs::metadata(&exe)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    exe.hash(&mut hasher);
    built.hash(&mut hasher);
    chrono::Utc::now().date_naive().hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Migrates the database at `url` and loads what `seed` asks for.
async fn build(url: &str, seed: Seed) {
    let db = connect(&DbConfig {
        url: url.to_owned(),
        max_connections: 4,
    })
    .await
    .expect("template database opens");
    Migrator::up(&db, None)
        .await
        .expect("template database migrates");
    if seed == Seed::Demo {
        demo::load(&Ctx::new(db.clone(), Actor::System))
            .await
            .expect("demo data loads into the template");
    }
    db.close().await.expect("template connections close");
}

/// A new SQLite database file in `dir`, copied from this build's template.
pub async fn sqlite(dir: &Path, seed: Seed) -> String {
    let templates = std::env::temp_dir().join("piazza-test-templates");
    std::fs::create_dir_all(&templates).expect("templates folder");
    let template = templates.join(format!("{}-{}.db", template_key(), seed.name()));
    if !template.exists() {
        make_sqlite_template(&templates, &template, seed).await;
    }
    let file = dir.join("piazza.db");
    std::fs::copy(&template, &file).expect("template copied");
    format!("sqlite://{}?mode=rwc", file.display())
}

async fn make_sqlite_template(templates: &Path, template: &PathBuf, seed: Seed) {
    let lock = template.with_extension("lock");
    let started = SystemTime::now();
    loop {
        if template.exists() {
            return;
        }
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&lock)
        {
            Ok(_) => break,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // A process that died while making it leaves its lock: old
                // locks are taken over.
                let stale = std::fs::metadata(&lock)
                    .and_then(|m| m.modified())
                    .is_ok_and(|at| at.elapsed().unwrap_or_default() > WAIT_FOR_TEMPLATE);
                if stale {
                    let _ = std::fs::remove_file(&lock);
                } else if started.elapsed().unwrap_or_default() > WAIT_FOR_TEMPLATE {
                    panic!(
                        "no template after {WAIT_FOR_TEMPLATE:?}: {}",
                        lock.display()
                    );
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("template lock {}: {e}", lock.display()),
        }
    }
    let work = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}?mode=rwc", work.path().join("t.db").display());
    build(&url, seed).await;
    // One self-contained file, written beside the template and renamed into
    // place, so a reader never sees half of it.
    let partial = template.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let db = Database::connect(&url).await.expect("template reopens");
    db.execute_unprepared(&format!(
        "VACUUM INTO '{}'",
        partial.display().to_string().replace('\'', "''")
    ))
    .await
    .expect("VACUUM INTO writes the template");
    db.close().await.ok();
    std::fs::rename(&partial, template).expect("template in place");
    let _ = std::fs::remove_file(&lock);
    // Templates of other builds and days.
    if let Ok(entries) = std::fs::read_dir(templates) {
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|at| at.elapsed().unwrap_or_default() > Duration::from_secs(86_400));
            if old {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// A new PostgreSQL database on the server of `admin_url`, copied from this
/// build's template; returns its URL.
pub async fn postgres(admin_url: &str, seed: Seed) -> String {
    let (base, _) = admin_url.rsplit_once('/').expect("URL has a database name");
    let template = format!("piazza_tpl_{}_{}", template_key(), seed.name());
    let admin = Database::connect(admin_url)
        .await
        .expect("PostgreSQL for tests is reachable");
    make_postgres_template(&admin, base, &template, seed).await;
    let name = format!("piazza_t_{}", uuid::Uuid::now_v7().simple());
    // Copies from one template may meet; PostgreSQL then asks to try again.
    let mut tries = 0;
    loop {
        let made = admin
            .execute_unprepared(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
            ))
            .await;
        match made {
            Ok(_) => break,
            Err(e) if tries < 50 => {
                tries += 1;
                tracing::debug!(%e, "copying the template again");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("test database copied from {template}: {e}"),
        }
    }
    admin.close().await.ok();
    format!("{base}/{name}")
}

async fn make_postgres_template(
    admin: &DatabaseConnection,
    base: &str,
    template: &str,
    seed: Seed,
) {
    let exists = |admin: &DatabaseConnection| {
        let query = format!("SELECT 1 FROM pg_database WHERE datname = '{template}'");
        let admin = admin.clone();
        async move {
            admin
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    query,
                ))
                .await
                .expect("pg_database reads")
                .is_some()
        }
    };
    if exists(admin).await {
        return;
    }
    // One process makes it; the lock ends with the transaction.
    let txn = admin.begin().await.expect("transaction");
    txn.execute_unprepared("SELECT pg_advisory_xact_lock(8201207)")
        .await
        .expect("advisory lock");
    if !exists(admin).await {
        let partial = format!("{template}_partial");
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{partial}\""))
            .await
            .expect("an unfinished template is dropped");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{partial}\""))
            .await
            .expect("template database created");
        build(&format!("{base}/{partial}"), seed).await;
        admin
            .execute_unprepared(&format!(
                "ALTER DATABASE \"{partial}\" RENAME TO \"{template}\""
            ))
            .await
            .expect("template in place");
    }
    txn.commit().await.expect("lock released");
}
