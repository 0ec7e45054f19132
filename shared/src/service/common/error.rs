//! The one error type of the service layer.

use sea_orm::DbErr;

use crate::model::common::FieldProblem;
use crate::model::common::Refusal;

/// Why an operation did not happen. Internals (database errors) are logged
/// by whoever maps this to a response, never shown to users.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing asked for does not exist (or is not visible to the actor).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// A parameter or field is invalid; `field` names it as the user sent it.
    #[error("invalid input in {field}: {problem:?}")]
    InvalidInput {
        field: String,
        problem: FieldProblem,
    },
    /// Only a signed-in person may do this.
    #[error("sign-in required")]
    Unauthenticated,
    /// The actor may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Wrong email or password (never says which).
    #[error("sign-in failed")]
    SignInFailed,
    /// The address is not confirmed yet; a new confirmation was sent.
    #[error("email not confirmed")]
    EmailNotConfirmed,
    /// Too many attempts; try again after this many seconds.
    #[error("rate limited for {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// A one-time link that is unknown, used or expired.
    #[error("invalid or expired token")]
    TokenInvalid,
    /// Allowed in general, but not now or not here (phase, limits, state).
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

impl ServiceError {
    /// A field-level error.
    pub fn field(field: &str, problem: FieldProblem) -> Self {
        ServiceError::InvalidInput {
            field: field.to_owned(),
            problem,
        }
    }
}
