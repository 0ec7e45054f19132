//! Piazza's domain, shared by every side.
//!
//! - [`model`]: always compiled (also to wasm): DTOs, parsing newtypes,
//!   enums and pure rules. No IO.
//! - `service` (feature `server`): persistence with sea-orm and the
//!   operations every entry point calls; authorization lives there.

pub mod model;

#[cfg(feature = "server")]
pub mod service;
