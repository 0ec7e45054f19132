//! Piazza's domain, shared by every side.
//!
//! - [`model`]: always compiled (also to wasm): DTOs, parsing newtypes,
//!   enums and pure rules. No IO.
//! - `service` (feature `server`): persistence with sea-orm and the
//!   operations every entry point calls; authorization lives there.
//! - `testing` (feature `testing`, for tests only): a database per test
//!   copied from a migrated template, and the helpers tests share.

pub mod model;

#[cfg(feature = "server")]
pub mod service;

#[cfg(feature = "testing")]
pub mod testing;
