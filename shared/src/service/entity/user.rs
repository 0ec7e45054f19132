//! A person with an account (or a demo persona).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub email: Option<String>,
    pub display_name: String,
    pub is_demo: bool,
    pub created_at: DateTimeUtc,
    /// Argon2id PHC string; `None` for accounts that cannot sign in.
    pub password_hash: Option<String>,
    /// When the person proved the address is theirs.
    pub email_confirmed_at: Option<DateTimeUtc>,
    /// Unread notifications are emailed in a digest.
    pub email_digest: bool,
    /// Recorded at the counter: acted for by staff, never signs in.
    pub is_assisted: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
