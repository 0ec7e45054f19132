//! Errors of the REST API as `application/problem+json` (RFC 9457), for the
//! coming `/api/v1` (issue 8, groundwork): the status follows the kind of
//! refusal, validation names the field in `errors`, internals are logged
//! and never shown.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use shared::model::account::FieldProblem;
use shared::service::ServiceError;

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field as the request named it.
    pub field: String,
    /// A stable machine-readable code (`empty`, `too_long`…).
    pub code: &'static str,
    /// The limit, for lengths and sizes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

/// A problem document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// A URI naming the kind of problem (`/api/v1/problemi/{code}`).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short, stable summary of the kind (Italian).
    pub title: &'static str,
    pub status: u16,
    /// What happened this time, when there is more to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The fields to correct, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Seconds to wait, for rate limits (also sent as `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

fn code_of(problem: FieldProblem) -> (&'static str, Option<usize>) {
    match problem {
        FieldProblem::Empty => ("empty", None),
        FieldProblem::TooLong { max } => ("too_long", Some(max)),
        FieldProblem::TooShort { min } => ("too_short", Some(min)),
        FieldProblem::Malformed => ("malformed", None),
        FieldProblem::ControlCharacters => ("control_characters", None),
        FieldProblem::TooCommon => ("too_common", None),
        FieldProblem::NotConfirmed => ("not_confirmed", None),
        FieldProblem::NotRecognized => ("not_recognized", None),
        FieldProblem::LastAdmin => ("last_admin", None),
        FieldProblem::AlreadyPresent => ("already_present", None),
        FieldProblem::TooLarge { max } => ("too_large", Some(max)),
    }
}

impl Problem {
    fn new(code: &str, title: &'static str, status: StatusCode) -> Self {
        Self {
            kind: format!("/api/v1/problemi/{code}"),
            title,
            status: status.as_u16(),
            detail: None,
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// A request body or parameter that does not parse at all (wrong JSON,
    /// wrong types, unknown enum values): 400 with the parser's words.
    pub fn malformed(detail: impl Into<String>) -> Self {
        let mut problem = Self::new(
            "richiesta-non-valida",
            "Richiesta non valida",
            StatusCode::BAD_REQUEST,
        );
        problem.detail = Some(detail.into());
        problem
    }
}

impl From<ServiceError> for Problem {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound(_) => {
                Problem::new("non-trovato", "Non trovato", StatusCode::NOT_FOUND)
            }
            ServiceError::InvalidInput { field, problem } => {
                let (code, limit) = code_of(problem);
                let mut p = Problem::new(
                    "dati-non-validi",
                    "Dati non validi",
                    StatusCode::UNPROCESSABLE_ENTITY,
                );
                p.errors.push(FieldError { field, code, limit });
                p
            }
            ServiceError::Unauthenticated | ServiceError::SignInFailed => Problem::new(
                "accesso-richiesto",
                "Accesso richiesto",
                StatusCode::UNAUTHORIZED,
            ),
            ServiceError::Forbidden | ServiceError::EmailNotConfirmed => {
                Problem::new("vietato", "Operazione non permessa", StatusCode::FORBIDDEN)
            }
            ServiceError::TokenInvalid => Problem::new(
                "codice-non-valido",
                "Codice non valido o scaduto",
                StatusCode::BAD_REQUEST,
            ),
            ServiceError::RateLimited { retry_after_secs } => {
                let mut p = Problem::new(
                    "troppe-richieste",
                    "Troppe richieste",
                    StatusCode::TOO_MANY_REQUESTS,
                );
                p.retry_after = Some(retry_after_secs.max(1));
                p
            }
            ServiceError::Refused(refusal) => {
                let mut p = Problem::new("rifiutato", "Operazione rifiutata", StatusCode::CONFLICT);
                p.detail = Some(format!("{refusal:?}"));
                p
            }
            ServiceError::Database(error) => {
                tracing::error!(%error, "database error behind an API call");
                Problem::new(
                    "errore-interno",
                    "Errore interno",
                    StatusCode::INTERNAL_SERVER_ERROR,
                )
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("it"));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_error_has_its_status_and_never_leaks_internals() {
        let cases = [
            (ServiceError::NotFound("proposal"), 404),
            (
                ServiceError::field("titolo", FieldProblem::TooShort { min: 10 }),
                422,
            ),
            (ServiceError::Unauthenticated, 401),
            (ServiceError::Forbidden, 403),
            (
                ServiceError::RateLimited {
                    retry_after_secs: 30,
                },
                429,
            ),
            (
                ServiceError::Database(sea_orm::DbErr::Custom("password=secret".into())),
                500,
            ),
        ];
        for (error, status) in cases {
            let problem = Problem::from(error);
            assert_eq!(problem.status, status);
            let json = serde_json::to_string(&problem).unwrap();
            assert!(!json.contains("secret"), "{json}");
        }
    }

    #[test]
    fn validation_names_the_field_and_rate_limits_say_when() {
        let problem = Problem::from(ServiceError::field(
            "titolo",
            FieldProblem::TooShort { min: 10 },
        ));
        let json: serde_json::Value = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["errors"][0]["field"], "titolo");
        assert_eq!(json["errors"][0]["code"], "too_short");
        assert_eq!(json["errors"][0]["limit"], 10);
        let response = Problem::from(ServiceError::RateLimited {
            retry_after_secs: 30,
        })
        .into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "30");
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    }
}
