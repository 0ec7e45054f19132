//! The open-data package of each process, built once and served from disk.
//! Building it reads every proposal, comment and support of the process
//! (tens of seconds for a large one), so a download must not start a build:
//! the package is kept as a file and served with its `ETag`, `Last-Modified`
//! and byte ranges until the data changes. Changes made through this server
//! process make it old after a minute (so a burst of changes costs one
//! build a minute at most); changes made through another server process are
//! picked up within ten minutes. One build at a time per process, in a task
//! of its own: a client that leaves does not leave it half done, and the
//! clients waiting for it share it.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use shared::service::open_data::{self, ExportError};
use shared::service::processes::counts;
use shared::service::{Actor, Ctx, Db};
use uuid::Uuid;

/// A package made through this server process's changes is old after this.
const OLD_AFTER_CHANGES: Duration = Duration::from_secs(60);
/// Any package is old after this (changes made by other server processes).
const OLD_AFTER: Duration = Duration::from_secs(600);

/// A package on disk.
#[derive(Clone, Debug)]
pub struct Package {
    pub path: PathBuf,
    pub built_at: DateTime<Utc>,
    /// A strong entity tag: the package's SHA-256 (start).
    pub tag: String,
    pub length: u64,
    built: Instant,
    changes: u64,
}

impl Package {
    fn fresh(&self) -> bool {
        let age = self.built.elapsed();
        age < OLD_AFTER && (self.changes == counts::changes() || age < OLD_AFTER_CHANGES)
    }
}

type Slot = Arc<tokio::sync::Mutex<Option<Package>>>;

/// One slot per process: the package, and the lock its build holds.
static SLOTS: LazyLock<Mutex<HashMap<Uuid, Slot>>> = LazyLock::new(Default::default);

fn slot(process_id: Uuid) -> Slot {
    let mut slots = SLOTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    slots.entry(process_id).or_default().clone()
}

/// The package of `process_id` (its slug `slug`), fresh: the stored one, or
/// one built now, in a task that finishes even if the caller stops waiting.
pub async fn package(
    db: Db,
    dir: PathBuf,
    process_id: Uuid,
    slug: String,
    heavy: &'static tokio::sync::Semaphore,
) -> Result<Package, ExportError> {
    let slot = slot(process_id);
    if let Some(package) = slot.lock().await.as_ref().filter(|p| p.fresh()) {
        return Ok(package.clone());
    }
    let build = tokio::spawn(async move {
        let mut stored = slot.lock_owned().await;
        // Whoever held the lock before may have just built it.
        if let Some(package) = stored.as_ref().filter(|p| p.fresh()) {
            return Ok(package.clone());
        }
        let _permit = heavy.acquire().await.map_err(|_| {
            ExportError::Io(std::io::Error::other("the heavy-work semaphore is closed"))
        })?;
        let package = build(db, &dir, process_id, &slug).await?;
        if let Some(old) = stored.replace(package.clone())
            && old.path != package.path
        {
            let _ = std::fs::remove_file(&old.path);
        }
        Ok(package)
    });
    build
        .await
        .map_err(|e| ExportError::Io(std::io::Error::other(e.to_string())))?
}

/// A strong entity tag from the file's SHA-256, read in pieces (memory
/// stays flat whatever the size).
fn file_tag(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(crate::rest::etag::tag_of_digest(&hasher.finalize()))
}

/// Exports the process into a scratch folder, zips it next to the stored
/// packages and hashes it.
async fn build(db: Db, dir: &Path, process_id: Uuid, slug: &str) -> Result<Package, ExportError> {
    let started = Instant::now();
    let changes = counts::changes();
    std::fs::create_dir_all(dir)?;
    let scratch = tempfile::tempdir_in(dir)?;
    // The package is the same for everyone: built as the public sees it.
    let ctx = Ctx::new(db, Actor::Anonymous);
    let built_at = ctx.now;
    let summary = open_data::export(&ctx, slug, scratch.path(), &|_, _| {}).await?;
    let dir = dir.to_path_buf();
    let slug = slug.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut file = tempfile::NamedTempFile::new_in(&dir)?;
        open_data::zip_export(scratch.path(), &summary, file.as_file_mut())?;
        file.flush()?;
        let tag = file_tag(file.path())?;
        let path = dir.join(format!("{process_id}-{}.zip", built_at.timestamp_millis()));
        file.persist(&path).map_err(|e| ExportError::Io(e.error))?;
        let length = std::fs::metadata(&path)?.len();
        tracing::info!(
            process = %slug,
            bytes = length,
            seconds = started.elapsed().as_secs_f64(),
            "open-data package built"
        );
        Ok(Package {
            path,
            built_at,
            tag,
            length,
            built: Instant::now(),
            changes,
        })
    })
    .await
    .map_err(|e| ExportError::Io(std::io::Error::other(e.to_string())))?
}
