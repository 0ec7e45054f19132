//! Plain HTTP routes outside the Leptos app: health checks and the language switch.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{StatusCode, header};
use serde::Deserialize;

use crate::startup::AppState;

/// Health, readiness and the language switch.
pub fn plain_routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/lingua/{lang}", get(set_language))
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers too.
async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(error) => {
            tracing::warn!(%error, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

#[derive(Deserialize)]
struct Back {
    torna: Option<String>,
}

/// Only local paths: never a redirect to another site.
fn safe_local_path(path: Option<String>) -> String {
    path.filter(|p| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.starts_with("/\\")
            && !p.chars().any(char::is_control)
    })
    .unwrap_or_else(|| "/".to_owned())
}

/// `/lingua/{it|en}?torna=/path`: remembers the language in a cookie and
/// goes back, so switching works without JavaScript.
async fn set_language(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    if !matches!(lang.as_str(), "it" | "en") {
        return (
            StatusCode::NOT_FOUND,
            "lingua non disponibile / language not available",
        )
            .into_response();
    }
    let secure = if state.config.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{}={lang}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        app::LANGUAGE_COOKIE
    );
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (header::LOCATION, safe_local_path(back.torna)),
        ],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            safe_local_path(Some("/processi/x?zona=y".into())),
            "/processi/x?zona=y"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "/a\nb",
        ] {
            assert_eq!(safe_local_path(Some(bad.into())), "/", "{bad}");
        }
        assert_eq!(safe_local_path(None), "/");
    }
}
