//! Who is acting, on which database, at what time.

use chrono::{DateTime, NaiveDate, Utc};

use super::Db;

/// The person (or process) on whose behalf an operation runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// Nobody signed in: may read what is public, nothing else.
    Anonymous,
    /// The server itself (CLI commands, demo loading, scheduled jobs).
    System,
}

/// The context of one operation.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub db: Db,
    pub actor: Actor,
    /// The time the operation sees as "now" (fixed in tests).
    pub now: DateTime<Utc>,
}

impl Ctx {
    /// A context for `actor` at the current time.
    pub fn new(db: Db, actor: Actor) -> Self {
        Self {
            db,
            actor,
            now: Utc::now(),
        }
    }

    /// Today's date, in UTC, as phases count days.
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }
}
