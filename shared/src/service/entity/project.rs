//! A project (cantiere progettuale) that merges proposals of one platform.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub process_id: Uuid,
    pub platform_id: Uuid,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description_md: String,
    /// One partner per line.
    #[sea_orm(column_type = "Text")]
    pub partners: String,
    /// See `AgreementKind`.
    pub agreement: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the merge was undone.
    pub dissolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
