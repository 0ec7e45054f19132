//! The error every server function returns: safe to show, never internals.

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};
use shared::model::common::FieldProblem;
use shared::model::common::Refusal;

/// Why a server function failed, as the user may know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiError {
    /// Nothing there (HTTP 404).
    NotFound,
    /// A parameter is invalid; `field` names it as in the URL or form (HTTP 400).
    InvalidInput {
        field: String,
        problem: FieldProblem,
    },
    /// Signing in is needed (HTTP 401).
    Unauthenticated,
    /// Not allowed (HTTP 403).
    Forbidden,
    /// Wrong email or password, never saying which (HTTP 401).
    SignInFailed,
    /// The address is not confirmed; a new link was sent (HTTP 403).
    EmailNotConfirmed,
    /// Too many attempts (HTTP 429).
    RateLimited { retry_after_secs: u64 },
    /// A one-time link that is unknown, used or expired (HTTP 400).
    TokenInvalid,
    /// Allowed in general, but not now or not here: the phase, a limit, the
    /// proposal's state (HTTP 409).
    Refused(Refusal),
    /// Our fault; details are in the server log (HTTP 500).
    Internal,
    /// The request did not reach the server or its answer was unreadable.
    Transport,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::NotFound => f.write_str("not found"),
            ApiError::InvalidInput { field, problem } => {
                write!(f, "invalid input: {field} ({problem:?})")
            }
            ApiError::Unauthenticated => f.write_str("sign-in required"),
            ApiError::Forbidden => f.write_str("forbidden"),
            ApiError::SignInFailed => f.write_str("sign-in failed"),
            ApiError::EmailNotConfirmed => f.write_str("email not confirmed"),
            ApiError::RateLimited { retry_after_secs } => {
                write!(f, "rate limited ({retry_after_secs} s)")
            }
            ApiError::TokenInvalid => f.write_str("invalid or expired link"),
            ApiError::Refused(refusal) => write!(f, "refused: {refusal:?}"),
            ApiError::Internal => f.write_str("internal error"),
            ApiError::Transport => f.write_str("transport error"),
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::NotFound => 404,
            ApiError::InvalidInput { .. } | ApiError::TokenInvalid => 400,
            ApiError::Unauthenticated | ApiError::SignInFailed => 401,
            ApiError::Forbidden | ApiError::EmailNotConfirmed => 403,
            ApiError::RateLimited { .. } => 429,
            ApiError::Refused(_) => 409,
            ApiError::Internal | ApiError::Transport => 500,
        }
    }

    /// A field-level error.
    pub fn field(field: &str, problem: FieldProblem) -> Self {
        ApiError::InvalidInput {
            field: field.to_owned(),
            problem,
        }
    }

    /// The field this error is about, if any.
    pub fn field_name(&self) -> Option<&str> {
        match self {
            ApiError::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let malformed_request = || ApiError::field("request", FieldProblem::Malformed);
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => malformed_request(),
            // On the server this is a request it could not read: bad input.
            // In the browser it is an answer it could not read.
            ServerFnErrorErr::Deserialization(_) if cfg!(feature = "ssr") => malformed_request(),
            ServerFnErrorErr::Request(_)
            | ServerFnErrorErr::Response(_)
            | ServerFnErrorErr::Deserialization(_) => ApiError::Transport,
            _ => ApiError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<shared::service::ServiceError> for ApiError {
    fn from(error: shared::service::ServiceError) -> Self {
        use shared::service::ServiceError;
        match error {
            ServiceError::NotFound(_) => ApiError::NotFound,
            ServiceError::InvalidInput { field, problem } => {
                ApiError::InvalidInput { field, problem }
            }
            ServiceError::Unauthenticated => ApiError::Unauthenticated,
            ServiceError::Forbidden => ApiError::Forbidden,
            ServiceError::SignInFailed => ApiError::SignInFailed,
            ServiceError::EmailNotConfirmed => ApiError::EmailNotConfirmed,
            ServiceError::RateLimited { retry_after_secs } => {
                ApiError::RateLimited { retry_after_secs }
            }
            ServiceError::TokenInvalid => ApiError::TokenInvalid,
            ServiceError::Refused(refusal) => ApiError::Refused(refusal),
            ServiceError::Database(db) => {
                tracing::error!(error = %db, "database error");
                ApiError::Internal
            }
        }
    }
}
