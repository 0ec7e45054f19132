//! Server functions: the SPA's own RPC. Each is thin: it builds the service
//! context from the request, calls the service, and maps the error.

pub mod accounts;
pub mod admin;
pub mod dup;
mod error;
pub mod facilitation;
pub mod participation;
pub mod plan;
pub mod processes;
pub mod proposals;
pub mod tokens;

pub use error::ApiError;

/// What the server tells the app about itself (provided as context on the server).
#[derive(Clone, Debug)]
pub struct SiteSettings {
    /// The public address, for links in emails.
    pub base_url: String,
    /// Whether cookies carry `Secure`.
    pub secure_cookies: bool,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! What only the server side of a server function needs.
    use http::request::Parts;
    use http::{HeaderValue, header};
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;
    use shared::service::accounts::account::ClientInfo;
    use shared::service::{Actor, Ctx, Db};

    use super::{ApiError, SiteSettings};
    use crate::SESSION_COOKIE;

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

    /// Reads one cookie from the request headers.
    pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_owned())
    }

    /// The `Set-Cookie` value for a session cookie (`None` clears it).
    pub fn session_cookie_header(token: Option<&str>, max_age_secs: i64, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        match token {
            Some(token) => format!(
                "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
            ),
            None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
        }
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
}
