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
