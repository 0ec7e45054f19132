//! Integration tests through the real axum router against a real database:
//! SQLite by default, PostgreSQL when `PIAZZA_TEST_DATABASE_URL` points at a
//! server. Each test gets its own database, copied from a template made
//! once per test build (`shared::testing::databases`), so tests run in parallel (one
//! process each under cargo-nextest).

mod helpers;

mod abuse;
mod accounts;
mod admin;
mod api_contract;
mod api_resources;
mod api_smoke;
mod dup;
mod editing;
mod errors_and_health;
mod language;
mod open_data;
mod pages;
mod participation;
mod plan;
mod proposal_list;
mod security;
mod server_functions;
