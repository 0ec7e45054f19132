//! Progress recorded on an objective or project during monitoring.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dup_progress")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub objective_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    /// `non_avviato`, `in_corso`, `completato`, `annullato`.
    pub status: String,
    pub percent: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub note_md: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub recorded_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
