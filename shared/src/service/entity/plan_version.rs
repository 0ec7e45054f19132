//! A saved version of a process's plan.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub process_id: Uuid,
    /// 1, 2, 3… within the process.
    pub number: i32,
    pub note: String,
    /// `PlanComposition` as JSON.
    #[sea_orm(column_type = "Text")]
    pub composition_json: String,
    /// `PlanDocument` as JSON: the plan as it read when saved.
    #[sea_orm(column_type = "Text")]
    pub document_json: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
