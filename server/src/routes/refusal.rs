//! The answer for a refused or failed plain route.

use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use shared::service::ServiceError;

/// The answer for a refused or failed plain route.
pub(crate) fn refusal(error: ServiceError, sign_in_back_to: &str) -> Response {
    match error {
        ServiceError::Unauthenticated => {
            Redirect::to(&format!("/accedi?torna={sign_in_back_to}")).into_response()
        }
        ServiceError::Forbidden => (
            StatusCode::FORBIDDEN,
            "Non hai i permessi per questa operazione. / You are not allowed to do this.",
        )
            .into_response(),
        other => {
            tracing::error!(error = %other, "request failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Si è verificato un problema. / Something went wrong.",
            )
                .into_response()
        }
    }
}
