//! The one error type of the service layer.

use sea_orm::DbErr;

/// Why an operation did not happen. Internals (database errors) are logged
/// by whoever maps this to a response, never shown to users.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing asked for does not exist (or is not visible to the actor).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// A parameter or field is invalid; `field` names it as the user sent it.
    #[error("invalid input in {field}")]
    InvalidInput { field: String },
    /// The actor may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}
