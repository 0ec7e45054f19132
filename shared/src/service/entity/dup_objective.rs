//! A strategic (SeS) or operational (SeO) objective.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dup_objectives")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub edition_id: Uuid,
    /// `strategico` or `operativo`.
    pub level: String,
    pub code: String,
    pub mission_code: String,
    pub programme_id: Option<Uuid>,
    /// The strategic objective of an operational one.
    pub parent_id: Option<Uuid>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description_md: String,
    pub office: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
