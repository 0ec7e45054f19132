//! Request extractors whose refusals are problem documents: a body that is
//! not JSON, a field of the wrong type, an unknown value, an id that does
//! not parse each get their 4xx, never a plain-text error or a 500.

use std::fmt;
use std::marker::PhantomData;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use http::request::Parts;
use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use shared::model::common::FieldProblem;

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
        match axum::Json::<Object<T>>::from_request(request, state).await {
            Ok(axum::Json(Object(value))) => Ok(Self(value)),
            Err(rejection) => Err(json_problem(rejection)),
        }
    }
}

/// A body that must be a JSON object: serde would otherwise also read a
/// struct from an array, its fields by position (`[]` as `{}`).
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Fields<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_map(Fields(PhantomData))
            .map(Object)
    }
}

fn json_problem(rejection: JsonRejection) -> Problem {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => Problem::new(Kind::UnsupportedMediaType),
        JsonRejection::JsonDataError(error) => {
            let text = error.body_text();
            let mut problem = Problem::with_detail(Kind::InvalidData, text.clone());
            if let Some((field, kind)) = field_of_data_error(&text) {
                problem.errors.push(super::problem::FieldError {
                    field,
                    problem: kind,
                });
            }
            problem
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

/// The field a body's data error is about, from serde's words (axum puts
/// the field's path before them): a missing field is empty, a value of the
/// wrong type or out of range is malformed. Unknown fields are named in
/// `detail` only (they are not fields of the request).
fn field_of_data_error(text: &str) -> Option<(String, FieldProblem)> {
    let message = text.split_once("target type: ").map_or(text, |(_, m)| m);
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_owned);
    if let Some(rest) = message.strip_prefix("missing field ") {
        return quoted(rest).map(|f| (f, FieldProblem::Empty));
    }
    if message.starts_with("unknown field ") {
        return None;
    }
    let (path, reason) = message.split_once(": ")?;
    if reason.starts_with("unknown field ") {
        return None;
    }
    let field = path.trim();
    let simple = !field.is_empty()
        && field
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '[' || c == ']');
    simple.then(|| (field.to_owned(), FieldProblem::Malformed))
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
            // A name with a NUL character names nothing (and PostgreSQL
            // would refuse to look it up).
            Ok(axum::extract::Path(value)) => match has_nul(parts, state).await {
                true => Err(Problem::new(Kind::NotFound)),
                false => Ok(Self(value)),
            },
            Err(PathRejection::FailedToDeserializePathParams(error)) => {
                Err(Problem::with_detail(Kind::BadRequest, error.body_text()))
            }
            Err(other) => Err(Problem::with_detail(Kind::BadRequest, other.body_text())),
        }
    }
}

async fn has_nul<S: Send + Sync>(parts: &mut Parts, state: &S) -> bool {
    RawPathParams::from_request_parts(parts, state)
        .await
        .is_ok_and(|params| params.iter().any(|(_, value)| value.contains('\0')))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_errors_name_their_field() {
        let prefix = "Failed to deserialize the JSON body into the target type: ";
        assert_eq!(
            field_of_data_error(&format!(
                "{prefix}titolo: invalid type: integer `12`, expected a string at line 1 column 12"
            )),
            Some(("titolo".into(), FieldProblem::Malformed))
        );
        assert_eq!(
            field_of_data_error(&format!(
                "{prefix}missing field `testo` at line 1 column 20"
            )),
            Some(("testo".into(), FieldProblem::Empty))
        );
        assert_eq!(
            field_of_data_error(&format!(
                "{prefix}unknown field `x`, expected one of `titolo`, `testo` at line 1 column 5"
            )),
            None
        );
        assert_eq!(
            field_of_data_error(&format!(
                "{prefix}invalid type: sequence, expected a JSON object"
            )),
            None
        );
    }
}
