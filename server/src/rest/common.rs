//! What every REST handler shares: the service context of the caller, the
//! answer for something created, field problems, and the problem sets each
//! kind of operation documents.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use shared::model::common::FieldProblem;
use shared::service::{Actor, Ctx};

use super::problem::{Problem, ProblemDocument};
use crate::state::AppState;

/// The services' context for this caller.
pub fn ctx(state: &AppState, actor: Actor) -> Ctx {
    Ctx::new(state.db.clone(), actor)
}

/// A form parser's refusal as a problem naming the field.
pub fn field_problem((field, problem): (&str, FieldProblem)) -> Problem {
    Problem::field(field, problem)
}

/// `201 Created` with `Location` and a JSON body.
pub struct Created;

impl Created {
    /// The answer for something created at `location`.
    pub fn at(location: String, body: impl Serialize) -> Response {
        let mut response = (StatusCode::CREATED, Json(body)).into_response();
        if let Ok(value) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        response
    }
}

/// The problems any read may meet (and the bodiless answer to a
/// conditional request).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum ReadProblems {
    /// Unchanged since the `ETag` sent in `If-None-Match`: no body.
    #[response(status = 304)]
    NotModified,
    /// A path parameter does not read (an id that is not a UUID).
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(ProblemDocument),
    /// A token was sent but is not valid.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(ProblemDocument),
    /// The caller may not see this.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(ProblemDocument),
    /// No such thing, or not visible to the caller.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(ProblemDocument),
    /// A filter's value or a cursor is not one of those allowed (`errors` names the parameter).
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(ProblemDocument),
    /// Over the rate limit: wait `Retry-After` seconds.
    #[response(status = 429, content_type = "application/problem+json")]
    TooMany(ProblemDocument),
}

/// The problems of reads that need a signed-in caller.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum SignedInProblems {
    /// A parameter does not read.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(ProblemDocument),
    /// No session and no (valid) token.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(ProblemDocument),
    /// A cursor that is not one of ours (`errors` names the parameter).
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(ProblemDocument),
    /// Over the rate limit: wait `Retry-After` seconds.
    #[response(status = 429, content_type = "application/problem+json")]
    TooMany(ProblemDocument),
}

/// The problems any write may meet.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum WriteProblems {
    /// The body is not JSON, or a parameter does not read.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(ProblemDocument),
    /// No session and no (valid) token.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(ProblemDocument),
    /// The caller's role does not allow it, the token is read-only, or a
    /// session request came from another site.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(ProblemDocument),
    /// No such thing, or not visible to the caller.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(ProblemDocument),
    /// Not now: the phase, a limit or the thing's state refuses it (`refusal` says why).
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(ProblemDocument),
    /// The body is over 64 KB.
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(ProblemDocument),
    /// The body is not `application/json`.
    #[response(status = 415, content_type = "application/problem+json")]
    Unsupported(ProblemDocument),
    /// A field is missing, of the wrong type or invalid (`errors` names it; an unknown field is named in `detail`).
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(ProblemDocument),
    /// Over the rate limit: wait `Retry-After` seconds.
    #[response(status = 429, content_type = "application/problem+json")]
    TooMany(ProblemDocument),
}
