//! Test support shared by the domain's tests (`shared/tests`) and the
//! server's (`server/tests/it`): each test gets its own database, copied
//! from a template made once per test build ([`databases`]), and the
//! [`helpers`] read and make what tests need. Behind the `testing` feature,
//! which only dev-dependencies turn on.

pub mod databases;
pub mod dup;
pub mod facilitation;
pub mod helpers;
pub mod open_data;
pub mod participation;
pub mod plan;
pub mod processes;
pub mod test_db;

pub use databases::Seed;
pub use helpers::*;
pub use test_db::*;
