//! Integration tests through the real axum router against a real database:
//! SQLite by default, PostgreSQL when `PIAZZA_TEST_DATABASE_URL` points at a
//! server (a fresh database is created for each test).

mod helpers;

mod accounts;
mod admin;
mod api_contract;
mod api_resources;
mod api_smoke;
mod cli_and_config;
mod dup;
mod editing;
mod errors_and_health;
mod facilitation;
mod language;
mod open_data;
mod pages;
mod participation;
mod plan;
mod proposal_list;
mod security;
mod server_functions;
mod tokens;
