//! sea-orm entities, one per table (see the `migrations` crate for the schema).

pub mod account_token;
pub mod attachment;
pub mod audit_entry;
pub mod census_code;
pub mod comment;
pub mod comment_vote;
pub mod dup_mission;
pub mod follow;
pub mod form_draft;
pub mod notification;
pub mod outbox_message;
pub mod phase;
pub mod platform;
pub mod process;
pub mod proposal;
pub mod proposal_version;
pub mod rate_event;
pub mod residence_verification;
pub mod role_assignment;
pub mod session;
pub mod site_page;
pub mod strategic_direction;
pub mod support;
pub mod user;
pub mod zone;
