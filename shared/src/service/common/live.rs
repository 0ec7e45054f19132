//! Live updates: a proposal's new support count, told to every browser that
//! has its page open, whichever server process it is connected to. With
//! PostgreSQL the count goes through `NOTIFY` on one channel and every
//! process `LISTEN`s (see the server's `live` module); with SQLite (one
//! process) it goes straight to this process's subscribers.

use std::sync::LazyLock;

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::service::Db;

/// The PostgreSQL channel.
pub const CHANNEL: &str = "piazza_live";

/// A proposal's support count changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportChanged {
    pub proposal: Uuid,
    pub count: i64,
}

/// This process's subscribers (the open event streams).
static LOCAL: LazyLock<broadcast::Sender<SupportChanged>> =
    LazyLock::new(|| broadcast::channel(4096).0);

/// Receives every change this process hears of.
pub fn subscribe() -> broadcast::Receiver<SupportChanged> {
    LOCAL.subscribe()
}

/// Hands a change to this process's subscribers (nobody listening is fine).
pub fn deliver(event: SupportChanged) {
    let _ = LOCAL.send(event);
}

/// Tells every process. A failure is logged, never the caller's problem:
/// the support itself is already stored.
pub async fn publish(db: &Db, event: SupportChanged) {
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let payload = match serde_json::to_string(&event) {
                Ok(payload) => payload,
                Err(_) => return,
            };
            let notify = Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            );
            if let Err(error) = db.execute_raw(notify).await {
                tracing::warn!(%error, "live update not sent");
            }
        }
        _ => deliver(event),
    }
}
