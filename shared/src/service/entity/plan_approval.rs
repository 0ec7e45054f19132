//! The council's (or giunta's) approval of one version of a plan.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_approvals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Unique: a process's plan is approved once.
    pub process_id: Uuid,
    pub version_id: Uuid,
    /// See `ApprovingBody`.
    pub body: String,
    pub resolution_number: String,
    pub resolution_date: Date,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
