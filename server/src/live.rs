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
