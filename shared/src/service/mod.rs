//! Persistence and the operations every entry point (server functions, REST
//! handlers, CLI) calls. Each operation takes a [`Ctx`] and returns
//! `Result<Dto, ServiceError>`; authorization is decided here ([`authz`]).

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod authoring;
pub mod authz;
pub mod comments;
pub mod counter;
pub mod dashboard;
pub mod demo;
pub mod drafts;
pub mod dup;
pub mod dup_format;
pub mod dup_links;
pub mod editing;
pub mod entity;
pub mod generate;
pub mod live;
pub mod markdown;
pub mod moderation;
pub mod monitoring;
pub mod notifications;
pub mod open_data;
pub mod outbox;
pub mod phases;
pub mod plan;
pub mod plan_blocks;
pub mod plan_export;
pub mod plan_odt;
pub mod plan_pdf;
pub mod plan_render;
pub mod processes;
pub mod projects;
pub mod proposals;
pub mod rate_limit;
pub mod residence;
pub mod roles;
pub mod search;
pub mod secrets;
pub mod sessions;
pub mod site_pages;
pub mod supports;
pub mod tokens;
pub mod upgrade;

mod context;
pub(crate) mod db;
mod error;

pub use context::{Actor, Ctx, Person};
pub use db::{Db, DbConfig, connect};
pub use error::ServiceError;
