//! Who is acting, on which database, at what time.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::model::{Role, RoleGrant};
use crate::service::Db;

/// A signed-in person, with the roles they hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: Uuid,
    pub display_name: String,
    pub is_demo: bool,
    pub grants: Vec<RoleGrant>,
    /// The session this request came with (none for tests and tools).
    pub session_id: Option<Uuid>,
}

impl Person {
    /// Holds `role` anywhere.
    pub fn has(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Facilitates the whole process `process_id`.
    pub fn facilitates_process(&self, process_id: Uuid) -> bool {
        self.grants.iter().any(|g| {
            g.role == Role::Facilitator
                && g.process_id == Some(process_id)
                && g.platform_id.is_none()
        })
    }

    /// Facilitates the platform `platform_id` of `process_id` (directly or
    /// through the whole process).
    pub fn facilitates_platform(&self, process_id: Uuid, platform_id: Uuid) -> bool {
        self.facilitates_process(process_id)
            || self
                .grants
                .iter()
                .any(|g| g.role == Role::Facilitator && g.platform_id == Some(platform_id))
    }
}

/// The person (or process) on whose behalf an operation runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// Nobody signed in: may read what is public, nothing else.
    Anonymous,
    /// The server itself (CLI commands, demo loading, scheduled jobs).
    System,
    /// A signed-in person.
    Person(Person),
}

impl Actor {
    /// The signed-in person, if any.
    pub fn person(&self) -> Option<&Person> {
        match self {
            Actor::Person(person) => Some(person),
            _ => None,
        }
    }
}

/// The context of one operation.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub db: Db,
    pub actor: Actor,
    /// The time the operation sees as "now" (fixed in tests).
    pub now: DateTime<Utc>,
    /// The staff member acting at the counter for the person in `actor`.
    pub assisted_by: Option<Uuid>,
}

impl Ctx {
    /// A context for `actor` at the current time.
    pub fn new(db: Db, actor: Actor) -> Self {
        Self {
            db,
            actor,
            now: Utc::now(),
            assisted_by: None,
        }
    }

    /// Today's date in Italy: phases open and close at Italian midnight.
    pub fn today(&self) -> NaiveDate {
        crate::model::common::time::italian_date(self.now)
    }
}
