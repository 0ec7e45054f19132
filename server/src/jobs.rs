//! Scheduled work besides mail: phases that open and close on their dates,
//! and the email digest of unread notifications. Both are safe with several
//! server processes running (each move and each digest is claimed in the
//! database).

use std::time::Duration;

use shared::service::{Actor, Ctx, Db, notifications::inbox, processes::phases};

/// How often the phase dates are checked.
const PHASE_CHECK: Duration = Duration::from_secs(60);
/// Digests go out every this many phase checks (ten minutes).
const DIGEST_EVERY: u64 = 10;

/// Runs the jobs until the process ends. Digests only when mail really
/// leaves (`send_digests`), so the outbox is not filled for nobody.
pub fn spawn(db: Db, base_url: String, send_digests: bool) {
    tokio::spawn(async move {
        let mut ticks: u64 = 0;
        loop {
            let ctx = Ctx::new(db.clone(), Actor::System);
            match phases::advance_on_schedule(&ctx).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(processes = n, "phases moved on their dates"),
                Err(error) => tracing::error!(%error, "phase schedule failed"),
            }
            if send_digests && ticks.is_multiple_of(DIGEST_EVERY) {
                match inbox::send_digests(&ctx, &base_url).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(emails = n, "notification digests queued"),
                    Err(error) => tracing::error!(%error, "notification digests failed"),
                }
            }
            ticks += 1;
            tokio::time::sleep(PHASE_CHECK).await;
        }
    });
}
