//! A DUP edition: one municipality, one three-year period.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dup_editions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization: String,
    pub title: String,
    pub first_year: i32,
    pub last_year: i32,
    /// Under 5,000 inhabitants: objectives per mission, no strategic section.
    pub simplified: bool,
    pub copied_from: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
