//! Request extractors whose refusals are problem documents: a body that is
//! not JSON, a field of the wrong type, an unknown value, an id that does
//! not parse each get their 4xx, never a plain-text error or a 500.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::problem::{Kind, Problem};

/// A JSON body (`Content-Type: application/json`, at most 64 KB).
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_problem(rejection)),
        }
    }
}

fn json_problem(rejection: JsonRejection) -> Problem {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => Problem::new(Kind::UnsupportedMediaType),
        JsonRejection::JsonDataError(error) => {
            Problem::with_detail(Kind::InvalidData, error.body_text())
        }
        JsonRejection::JsonSyntaxError(error) => {
            Problem::with_detail(Kind::BadRequest, error.body_text())
        }
        JsonRejection::BytesRejection(error) => {
            if error.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(Kind::TooLarge)
            } else {
                Problem::with_detail(Kind::BadRequest, error.body_text())
            }
        }
        other => Problem::with_detail(Kind::BadRequest, other.body_text()),
    }
}

/// Path parameters (ids, slugs).
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(PathRejection::FailedToDeserializePathParams(error)) => {
                Err(Problem::with_detail(Kind::BadRequest, error.body_text()))
            }
            Err(other) => Err(Problem::with_detail(Kind::BadRequest, other.body_text())),
        }
    }
}

/// Query parameters.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(error)) => {
                Err(Problem::with_detail(Kind::BadRequest, error.body_text()))
            }
            Err(other) => Err(Problem::with_detail(Kind::BadRequest, other.body_text())),
        }
    }
}
