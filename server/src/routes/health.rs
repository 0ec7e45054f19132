//! Health and readiness checks, and the language switch.

use crate::state::AppState;
use app::http::safe_local_path;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use serde::Deserialize;

/// Liveness: the process answers.
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers too.
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(error) => {
            tracing::warn!(%error, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `/lingua/{it|en}?torna=/path`: remembers the language in a cookie and
/// goes back, so switching works without JavaScript.
pub(crate) async fn set_language(
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
        app::http::LANGUAGE_COOKIE
    );
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (
                header::LOCATION,
                safe_local_path(back.torna.as_deref(), "/"),
            ),
        ],
    )
        .into_response()
}

#[derive(Deserialize)]
pub(crate) struct Back {
    torna: Option<String>,
}
