//! A participatory process (percorso partecipativo).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "processes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub organization: String,
    pub scope: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub description_md: String,
    pub is_demo: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Only verified residents may propose.
    pub verified_to_propose: bool,
    /// Only verified residents may support.
    pub verified_to_support: bool,
    /// See `PhaseCursor`: the current (or next) phase's index.
    pub phase_cursor: i32,
    pub phase_open: bool,
    pub phase_changed_at: Option<DateTimeUtc>,
    /// New contributions wait for a moderator's approval.
    pub pre_moderation: bool,
    /// Distinct reports that hide a contribution until a moderator decides.
    pub report_threshold: i32,
    /// The DUP edition this process's plan informs.
    pub dup_edition_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
