//! Proposal images (upload as a file, serving) and the live support count
//! stream.

use super::refusal::refusal;
use crate::state::AppState;
use axum::extract::{Extension, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{StatusCode, header};
use shared::model::common::FieldProblem;
use shared::service::accounts::account::ClientInfo;
use shared::service::{Actor, Ctx, ServiceError, participation::images};

/// `POST /proposte/{id}/immagini` (multipart: `immagine`, `descrizione`):
/// the author attaches an image, then back to the proposal.
pub(crate) async fn upload_image(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Response {
    let Ok(id) = uuid::Uuid::try_parse(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let ctx = Ctx::new(state.db.clone(), actor);
    let back =
        |query: &str| Redirect::to(&format!("/proposte/{id}?{query}#immagini")).into_response();
    let (mut bytes, mut name, mut alt) = (None, String::new(), String::new());
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("immagine") => {
                name = field.file_name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(b) => bytes = Some(b.to_vec()),
                    Err(_) => return back("errore-immagine=troppo-grande"),
                }
            }
            Ok(Some(field)) if field.name() == Some("descrizione") => {
                alt = field.text().await.unwrap_or_default();
            }
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(_) => return back("errore-immagine=illeggibile"),
        }
    }
    let store = images::FileStore::new(&state.config.upload_dir);
    match images::upload(&ctx, &store, id, &name, &alt, bytes.unwrap_or_default()).await {
        Ok(_) => back("esito=immagine-aggiunta"),
        Err(ServiceError::InvalidInput { field, problem }) => match (field.as_str(), problem) {
            ("descrizione", _) => back("errore-immagine=descrizione"),
            (_, FieldProblem::TooLarge { .. }) => back("errore-immagine=troppo-grande"),
            (_, FieldProblem::TooManyPixels { .. }) => back("errore-immagine=troppi-pixel"),
            _ => back("errore-immagine=illeggibile"),
        },
        Err(ServiceError::Refused(_)) => back("errore-immagine=non-ammessa"),
        Err(ServiceError::NotFound(_)) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => refusal(error, &format!("%2Fproposte%2F{id}")),
    }
}

/// `GET /immagini/{id}`: an attached image, with its type, never sniffed or
/// run as a document. Caches revalidate every time (a 304 by ETag costs
/// nothing), so an image whose proposal the moderators hide stops showing.
pub(crate) async fn serve_image(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Ok(id) = uuid::Uuid::try_parse(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let ctx = Ctx::new(state.db.clone(), actor);
    let store = images::FileStore::new(&state.config.upload_dir);
    match images::get(&ctx, &store, id).await {
        Ok(file)
            if headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim_matches('"') == file.sha256) =>
        {
            (
                StatusCode::NOT_MODIFIED,
                [
                    (header::ETAG, format!("\"{}\"", file.sha256)),
                    (header::CACHE_CONTROL, "no-cache".to_owned()),
                ],
            )
                .into_response()
        }
        Ok(file) => (
            [
                (header::CONTENT_TYPE, file.content_type),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{}\"", file.file_name.replace('"', "")),
                ),
                (header::CACHE_CONTROL, "no-cache".to_owned()),
                (header::ETAG, format!("\"{}\"", file.sha256)),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; sandbox".to_owned(),
                ),
            ],
            file.bytes,
        )
            .into_response(),
        Err(ServiceError::NotFound(_)) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => refusal(error, "%2F"),
    }
}

/// `GET /proposte/{id}/eventi`: a stream of server-sent events, one
/// `sostegni` event with the new count each time the proposal's supports
/// change (in any server process). Nothing while the vote hides counts.
/// Only for a proposal the viewer may see; at most a few streams per client
/// and a bound in all (429 beyond); kept alive every 20 s; ended when the
/// server stops.
pub(crate) async fn support_events(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Extension(client): Extension<ClientInfo>,
    Path(id): Path<String>,
) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use tokio::sync::broadcast::error::RecvError;
    let Ok(id) = uuid::Uuid::try_parse(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let ctx = Ctx::new(state.db.clone(), actor);
    if shared::service::participation::proposals::watchable(&ctx, id)
        .await
        .is_err()
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some(slot) = crate::live::StreamSlot::open(&client.ip) else {
        return (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "30")]).into_response();
    };
    let changes = shared::service::common::live::subscribe();
    let stopping = crate::live::StreamSlot::stopping();
    let events = futures_util::stream::unfold(
        (changes, stopping, slot),
        move |(mut changes, mut stopping, slot)| async move {
            loop {
                if *stopping.borrow() {
                    return None;
                }
                tokio::select! {
                    _ = stopping.changed() => return None,
                    received = changes.recv() => match received {
                        Ok(change) if change.proposal == id => {
                            let event = Event::default()
                                .event("sostegni")
                                .data(change.count.to_string());
                            return Some((
                                Ok::<_, std::convert::Infallible>(event),
                                (changes, stopping, slot),
                            ));
                        }
                        Ok(_) | Err(RecvError::Lagged(_)) => continue,
                        Err(RecvError::Closed) => return None,
                    },
                }
            }
        },
    );
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(20)))
        .into_response();
    // Proxies (nginx) must pass events on at once.
    response
        .headers_mut()
        .insert("x-accel-buffering", http::HeaderValue::from_static("no"));
    response
}
