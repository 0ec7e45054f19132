//! Live updates between server processes: with PostgreSQL, every process
//! listens on one channel and hands what it hears to its own open event
//! streams (`/proposte/{id}/eventi`), so a support cast through one process
//! reaches a browser connected to another.

use std::time::Duration;

use sea_orm::DatabaseBackend;
use shared::service::Db;
use shared::service::common::live::{self, CHANNEL, SupportChanged};

/// Starts listening (PostgreSQL only; with SQLite there is one process and
/// changes are delivered directly). Reconnects after a failure.
pub fn spawn_listener(db: Db) {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return;
    }
    tokio::spawn(async move {
        loop {
            if let Err(error) = listen(&db).await {
                tracing::warn!(%error, "live updates: listening failed, retrying");
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    });
}

async fn listen(db: &Db) -> Result<(), sqlx::Error> {
    let pool = db.get_postgres_connection_pool();
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    tracing::info!(channel = CHANNEL, "live updates: listening");
    loop {
        let notification = listener.recv().await?;
        match serde_json::from_str::<SupportChanged>(notification.payload()) {
            Ok(event) => live::deliver(event),
            Err(error) => tracing::warn!(%error, "live updates: unreadable notification"),
        }
    }
}

/// Event streams open at once in this process, in all.
pub const MAX_STREAMS: usize = 2_000;
/// Event streams open at once from one client address.
pub const MAX_STREAMS_PER_CLIENT: usize = 8;

/// The streams open now: in all, and per client address.
static OPEN: std::sync::LazyLock<
    std::sync::Mutex<(usize, std::collections::HashMap<String, usize>)>,
> = std::sync::LazyLock::new(Default::default);

/// Ends every stream when the server stops.
static STOPPING: std::sync::LazyLock<tokio::sync::watch::Sender<bool>> =
    std::sync::LazyLock::new(|| tokio::sync::watch::channel(false).0);

/// One open stream, counted until it is dropped (the client went away, or
/// the server stops).
pub struct StreamSlot {
    client: String,
}

impl StreamSlot {
    /// A slot for a new stream from `client`, if the caps allow one.
    pub fn open(client: &str) -> Option<StreamSlot> {
        let mut open = OPEN.lock().unwrap_or_else(|e| e.into_inner());
        let mine = open.1.get(client).copied().unwrap_or(0);
        if open.0 >= MAX_STREAMS || mine >= MAX_STREAMS_PER_CLIENT {
            return None;
        }
        open.0 += 1;
        open.1.insert(client.to_owned(), mine + 1);
        Some(StreamSlot {
            client: client.to_owned(),
        })
    }

    /// Resolves when the server begins to stop.
    pub fn stopping() -> tokio::sync::watch::Receiver<bool> {
        STOPPING.subscribe()
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = OPEN.lock().unwrap_or_else(|e| e.into_inner());
        open.0 = open.0.saturating_sub(1);
        if let Some(n) = open.1.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                open.1.remove(&self.client);
            }
        }
    }
}

/// Ends every open stream (graceful shutdown waits for none of them).
pub fn end_streams() {
    STOPPING.send_replace(true);
}
