//! A citizen's (or staff member's) proposal.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub process_id: Uuid,
    pub platform_id: Uuid,
    pub direction_id: Option<Uuid>,
    pub zone_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body_md: String,
    pub state: String,
    /// Kept equal to the rows in `supports` by the operations that write them.
    pub support_count: i32,
    /// Drawn at creation from `0..RANDOM_KEY_MODULUS`; orders random listings.
    pub random_key: i64,
    pub published_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Kept equal to the live (not deleted) rows in `comments`.
    pub comment_count: i32,
    /// The current version number (1 until the first edit).
    pub version: i32,
    /// The facilitators' official answer, Markdown.
    #[sea_orm(column_type = "Text", nullable)]
    pub answer_md: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
    /// Stemmed words of title and body, indexed for full-text search.
    #[sea_orm(column_type = "Text")]
    pub search_terms: String,
    /// `visibile`, or why only the author and moderators see it (see `Visibility`).
    pub visibility: String,
    /// The moderators' reason, shown with hidden content.
    #[sea_orm(column_type = "Text", nullable)]
    pub moderation_note: Option<String>,
    /// Distinct people who reported it.
    pub report_count: i32,
    /// The project it was merged into, if any.
    pub project_id: Option<Uuid>,
    /// The state it had before the merge, restored by undoing it.
    pub premerge_state: Option<String>,
    /// The staff member who recorded it at the counter.
    pub assisted_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
