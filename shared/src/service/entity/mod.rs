//! sea-orm entities, one per table (see the `migrations` crate for the schema).

pub mod dup_mission;
pub mod phase;
pub mod platform;
pub mod process;
pub mod proposal;
pub mod role_assignment;
pub mod strategic_direction;
pub mod support;
pub mod user;
pub mod zone;
