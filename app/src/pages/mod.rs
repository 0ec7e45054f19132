//! One module per page.

pub mod admin;
pub mod auth;
pub mod counter;
pub mod dup;
pub mod editing;
pub mod facilitation;
pub mod home;
pub mod legal;
pub mod not_found;
pub mod notifications;
pub mod platform;
pub mod process;
pub mod profile;
pub mod proposal;
pub mod proposals;
pub mod results;
pub mod write;
