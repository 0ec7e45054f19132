//! The error every server function returns: safe to show, never internals.

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

/// Why a server function failed, as the user may know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiError {
    /// Nothing there (HTTP 404).
    NotFound,
    /// A parameter is invalid; `field` names it as in the URL or form (HTTP 400).
    InvalidInput { field: String },
    /// Not allowed (HTTP 403).
    Forbidden,
    /// Our fault; details are in the server log (HTTP 500).
    Internal,
    /// The request did not reach the server or its answer was unreadable.
    Transport,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::NotFound => f.write_str("not found"),
            ApiError::InvalidInput { field } => write!(f, "invalid input: {field}"),
            ApiError::Forbidden => f.write_str("forbidden"),
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
            ApiError::InvalidInput { .. } => 400,
            ApiError::Forbidden => 403,
            ApiError::Internal | ApiError::Transport => 500,
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => ApiError::InvalidInput {
                field: "request".into(),
            },
            // On the server this is a request it could not read: bad input.
            // In the browser it is an answer it could not read.
            ServerFnErrorErr::Deserialization(_) if cfg!(feature = "ssr") => {
                ApiError::InvalidInput {
                    field: "request".into(),
                }
            }
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
            ServiceError::InvalidInput { field } => ApiError::InvalidInput { field },
            ServiceError::Forbidden => ApiError::Forbidden,
            ServiceError::Database(db) => {
                tracing::error!(error = %db, "database error");
                ApiError::Internal
            }
        }
    }
}
