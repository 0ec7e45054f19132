//! A person recorded at the counter (sportello), acted for by staff.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "counter_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The account contributions are made through (gone once claimed).
    pub user_id: Option<Uuid>,
    pub full_name: String,
    pub identity_check: String,
    pub resident: bool,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// SHA-256 of the claim code on the receipt.
    pub claim_hash: String,
    pub claimed_by: Option<Uuid>,
    pub claimed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
