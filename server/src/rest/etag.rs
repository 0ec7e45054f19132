//! Conditional reads: every successful `GET` carries a strong `ETag` (a hash
//! of the body), and a client that sends it back in `If-None-Match` gets
//! `304 Not Modified` without the body.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use sha2::{Digest, Sha256};

/// Bodies larger than this are sent without an `ETag`.
const MAX_HASHED_BODY: usize = 8 * 1024 * 1024;

/// The entity tag of a body: the first 128 bits of its SHA-256.
pub fn tag_of(body: &[u8]) -> String {
    tag_of_digest(&Sha256::digest(body))
}

/// The entity tag of a body whose SHA-256 is `digest` (hashed in pieces).
pub fn tag_of_digest(digest: &[u8]) -> String {
    format!(
        "\"{}\"",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
    )
}

/// Whether `If-None-Match` names `tag` (or `*`); weak tags compare weakly.
pub fn matches(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == tag)
}

/// Adds `ETag`, and answers 304 when the client already has this body.
pub async fn conditional(request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let conditions = request.headers().clone();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let too_large = axum::body::HttpBody::size_hint(response.body())
        .upper()
        .is_none_or(|upper| upper > MAX_HASHED_BODY as u64);
    if too_large {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_HASHED_BODY).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    let tag = tag_of(&bytes);
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    // What a person may see differs by who asks and in which language.
    parts.headers.insert(
        header::VARY,
        HeaderValue::from_static("Authorization, Cookie, Accept-Language"),
    );
    parts
        .headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("private, no-cache"));
    if matches(&conditions, &tag) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_follow_the_body_and_match_weakly() {
        let tag = tag_of(b"{\"a\":1}");
        assert_eq!(tag, tag_of(b"{\"a\":1}"));
        assert_ne!(tag, tag_of(b"{\"a\":2}"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"x\", W/{tag}")).unwrap(),
        );
        assert!(matches(&headers, &tag));
        assert!(!matches(&headers, &tag_of(b"other")));
    }
}
