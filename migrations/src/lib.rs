//! Piazza's database migrations. Ordered, append-only: a migration that has
//! shipped is never edited; change the schema with a new one.
//! Every migration must run on SQLite and PostgreSQL alike.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_foundation;
mod m20261122_000002_dup_missions;
mod m20261122_000003_accounts;
mod m20261122_000004_participation;
mod m20261122_000005_facilitation;
mod m20261122_000006_dup;
mod m20261122_000007_api_tokens;
mod m20261123_000008_plan;
mod m20261123_000009_proposal_facets;
mod m20261123_000010_proposal_filters;
mod m20261207_000011_security;
mod m20261207_000012_census_keyed;
mod table_helpers;

/// The ordered list of migrations, applied at start and by `server migrate`.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261122_000002_dup_missions::Migration),
            Box::new(m20261122_000003_accounts::Migration),
            Box::new(m20261122_000004_participation::Migration),
            Box::new(m20261122_000005_facilitation::Migration),
            Box::new(m20261122_000006_dup::Migration),
            Box::new(m20261122_000007_api_tokens::Migration),
            Box::new(m20261123_000008_plan::Migration),
            Box::new(m20261123_000009_proposal_facets::Migration),
            Box::new(m20261123_000010_proposal_filters::Migration),
            Box::new(m20261207_000011_security::Migration),
            Box::new(m20261207_000012_census_keyed::Migration),
        ]
    }
}
