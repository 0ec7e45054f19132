//! The domain's own tests: the services called directly, as every entry
//! point calls them, against a real database (SQLite by default,
//! PostgreSQL when `PIAZZA_TEST_DATABASE_URL` points at a server) and no
//! HTTP or UI. Each test gets its own database, copied from a template made
//! once per test build (`shared::testing::databases`), so they run in
//! parallel under cargo-nextest. The HTTP-level tests are in
//! `server/tests/it`, under the same feature names.

mod dup;
mod facilitation;
mod open_data;
mod participation;
mod plan;
mod processes;
mod seed;
mod tokens;
