//! A comment on a proposal, threaded to depth 3; deleted ones stay as tombstones.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub proposal_id: Uuid,
    pub parent_id: Option<Uuid>,
    /// The thread's top-level comment (itself when top-level).
    pub root_id: Uuid,
    pub depth: i32,
    pub author_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub body_md: String,
    pub alignment: String,
    pub upvotes: i32,
    pub downvotes: i32,
    pub reply_count: i32,
    pub created_at: DateTimeUtc,
    pub edited_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
    /// `visibile`, or why only the author and moderators see it (see `Visibility`).
    pub visibility: String,
    /// The moderators' reason, shown with hidden content.
    #[sea_orm(column_type = "Text", nullable)]
    pub moderation_note: Option<String>,
    /// Distinct people who reported it.
    pub report_count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
