//! Persistence and the operations every entry point (server functions, REST
//! handlers, CLI) calls. Each operation takes a [`Ctx`] and returns
//! `Result<Dto, ServiceError>`; authorization is decided in
//! [`common::authz`].
//!
//! Folders are features, listed from the bottom up: a module may use the
//! ones above it in this list, never one below, so there are no import
//! circles (`.ci/cycles.py` checks it).

pub mod accounts;
pub mod common;
pub mod dup;
pub mod entity;
pub mod facilitation;
pub mod notifications;
pub mod open_data;
pub mod participation;
pub mod plan;
pub mod processes;
pub mod seed;

pub use common::context::{Actor, Ctx, Person};
pub use common::db::{Db, DbConfig, connect};
pub use common::error::ServiceError;
