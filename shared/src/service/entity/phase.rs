//! A dated phase of a process.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "phases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub process_id: Uuid,
    pub position: i32,
    pub kind: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description_md: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub supports_per_platform: Option<i32>,
    pub support_counts_visible: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
