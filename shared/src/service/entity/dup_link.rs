//! A proposal or project feeding an objective.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dup_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub objective_id: Uuid,
    pub proposal_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub rationale: String,
    pub weight: Option<i32>,
    pub linked_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
