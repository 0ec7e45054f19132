//! Persistence and the operations every entry point (server functions, REST
//! handlers, CLI) calls. Each operation takes a [`Ctx`] and returns
//! `Result<Dto, ServiceError>`; authorization is decided here.

pub mod accounts;
pub mod demo;
pub mod entity;
pub mod markdown;
pub mod processes;
pub mod proposals;

mod context;
mod db;
mod error;

pub use context::{Actor, Ctx};
pub use db::{Db, DbConfig, connect};
pub use error::ServiceError;
