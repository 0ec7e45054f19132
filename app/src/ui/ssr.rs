//! What only the server side of a server function needs: the service
//! context of the request, the client, the site's settings, cookies.

use http::request::Parts;
use http::{HeaderValue, header};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use shared::model::common::FieldProblem;
use shared::service::accounts::account::ClientInfo;
use shared::service::{Actor, Ctx, Db};

use crate::http::{SESSION_COOKIE, SiteSettings, cookie_value, session_cookie_header};
use crate::ui::api_error::ApiError;

/// An id from a form or URL; a malformed one names its field.
pub fn parse_id(raw: &str, field: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::try_parse(raw.trim())
        .map_err(|_| ApiError::field(field, shared::model::common::FieldProblem::Malformed))
}

/// The service context of the current request: the signed-in person (the
/// server's session layer put them in the request), or anonymous.
pub fn ctx() -> Result<Ctx, ApiError> {
    let db = use_context::<Db>().ok_or_else(|| {
        tracing::error!("database missing from the request context");
        ApiError::Internal
    })?;
    let actor = use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<Actor>().cloned())
        .unwrap_or(Actor::Anonymous);
    Ok(Ctx::new(db, actor))
}

/// Where the request came from (set by the server's session layer).
pub fn client() -> ClientInfo {
    use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<ClientInfo>().cloned())
        .unwrap_or(ClientInfo {
            ip: "unknown".into(),
            user_agent: None,
        })
}

/// The server's settings.
pub fn settings() -> Result<SiteSettings, ApiError> {
    use_context::<SiteSettings>().ok_or_else(|| {
        tracing::error!("site settings missing from the request context");
        ApiError::Internal
    })
}

/// Whether this request is a form the browser posted itself (no
/// JavaScript): it asks for a page, not for data.
pub fn is_plain_form_post() -> bool {
    use_context::<Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// The session token the browser sent, if any.
pub fn session_token() -> Option<String> {
    let parts = use_context::<Parts>()?;
    cookie_value(&parts.headers, SESSION_COOKIE)
}

/// Gives the browser a session cookie (or clears it with `None`).
pub fn set_session_cookie(token: Option<&str>, max_age_secs: i64) -> Result<(), ApiError> {
    let settings = settings()?;
    let value = session_cookie_header(token, max_age_secs, settings.secure_cookies);
    let response = use_context::<ResponseOptions>().ok_or(ApiError::Internal)?;
    let value = HeaderValue::from_str(&value).map_err(|_| ApiError::Internal)?;
    response.append_header(header::SET_COOKIE, value);
    Ok(())
}

/// Redirects to `back` (a path of this site, else `fallback`) with an outcome.
pub fn back_to(back: Option<&str>, fallback: &str, outcome: &str) {
    // Only a path of this site, in a strict alphabet: no scheme, no host,
    // no whitespace or control characters a browser might skip.
    let safe = |p: &&str| {
        p.starts_with('/')
            && !p[1..].starts_with(['/', '\\'])
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/-_.~#?=&%".contains(c))
    };
    let path = back.map(str::trim).filter(safe).unwrap_or(fallback);
    let (path, anchor) = match path.split_once('#') {
        Some((path, anchor)) => (path, format!("#{anchor}")),
        None => (path, String::new()),
    };
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    // A platform's page stays that platform's page.
    let platform = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("piattaforma="))
        .filter(|slug| {
            !slug.is_empty()
                && slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .map(|slug| format!("piattaforma={slug}&"))
        .unwrap_or_default();
    // A query never seen before, so the page reloads its data even when the
    // same action runs twice in a row.
    let nonce = chrono::Utc::now().timestamp_millis();
    leptos_axum::redirect(&format!(
        "{path}?{platform}esito={outcome}&v={nonce}{anchor}"
    ));
}

/// The first of a form's problems, as the answer naming its field.
pub fn first_problem(problems: Vec<(&'static str, FieldProblem)>) -> ApiError {
    let (field, problem) = problems[0];
    ApiError::field(field, problem)
}
