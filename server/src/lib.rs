//! Piazza's server: configuration, CLI, the axum router, and what only the
//! process does. Pages and server functions come from `app`; operations
//! from `shared::service`.

pub mod assets;
pub mod cli;
pub mod config;
pub mod export;
pub mod jobs;
pub mod live;
pub mod mailer;
pub mod open_data_store;
pub mod rest;
pub mod routes;
pub mod security;
pub mod server_key;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use startup::{StartupError, open_database, router};
pub use state::AppState;
