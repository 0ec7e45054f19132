//! One person's support of one proposal (unique per pair in the database).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub proposal_id: Uuid,
    /// `None` once the supporter deleted their account: still counted.
    pub user_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// The staff member who recorded it at the counter.
    pub assisted_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
