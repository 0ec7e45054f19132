//! Plain HTTP routes outside the Leptos app: health checks and the language switch.

use axum::extract::{DefaultBodyLimit, Extension, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http::{StatusCode, header};
use serde::Deserialize;
use shared::model::account::FieldProblem;
use shared::service::{Actor, Ctx, ServiceError, accounts, attachments, drafts, dup, residence};

use app::api::accounts::safe_local_path;

use crate::startup::AppState;

/// Health, readiness, the language switch, and the two account routes that
/// are plain HTTP: the data download and the census upload (a file).
pub fn plain_routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/lingua/{lang}", get(set_language))
        .route("/profilo/dati", get(download_my_data))
        .route(
            "/proposte/{id}/immagini",
            post(upload_image).layer(DefaultBodyLimit::max(
                shared::model::participation::MAX_IMAGE_BYTES + 64 * 1024,
            )),
        )
        .route("/immagini/{id}", get(serve_image))
        .route("/proposte/{id}/eventi", get(support_events))
        .route(
            "/dup/{id}/importa",
            post(import_dup).layer(DefaultBodyLimit::max(dup::MAX_IMPORT_BYTES + 64 * 1024)),
        )
        .route("/dup/{id}/{file}", get(export_dup))
        .route(
            "/processi/{slug}/piano/versioni/{n}/{file}",
            get(crate::downloads::plan_file),
        )
        .route(
            "/processi/{slug}/dati-aperti.zip",
            get(crate::downloads::open_data_zip),
        )
        .route(
            "/amministrazione/residenza",
            post(upload_census).layer(DefaultBodyLimit::max(
                residence::MAX_UPLOAD_BYTES + 64 * 1024,
            )),
        )
}

/// The answer for a refused or failed plain route.
pub(crate) fn refusal(error: ServiceError, sign_in_back_to: &str) -> Response {
    match error {
        ServiceError::Unauthenticated => {
            Redirect::to(&format!("/accedi?torna={sign_in_back_to}")).into_response()
        }
        ServiceError::Forbidden => (
            StatusCode::FORBIDDEN,
            "Non hai i permessi per questa operazione. / You are not allowed to do this.",
        )
            .into_response(),
        other => {
            tracing::error!(error = %other, "request failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Si è verificato un problema. / Something went wrong.",
            )
                .into_response()
        }
    }
}

/// `GET /profilo/dati`: everything the person wrote and did, as a JSON file.
async fn download_my_data(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Response {
    let ctx = Ctx::new(state.db.clone(), actor);
    match accounts::export_data(&ctx).await {
        Ok(data) => {
            let name = format!("piazza-dati-{}.json", ctx.now.format("%Y-%m-%d"));
            (
                [
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                Json(data),
            )
                .into_response()
        }
        Err(error) => refusal(error, "%2Fprofilo"),
    }
}

/// `POST /amministrazione/residenza` (multipart, field `file`): loads a
/// census list, then back to the page with the outcome in the address.
async fn upload_census(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    mut form: Multipart,
) -> Response {
    let ctx = Ctx::new(state.db.clone(), actor);
    let back =
        |query: &str| Redirect::to(&format!("/amministrazione/residenza?{query}")).into_response();
    let mut text = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(bytes) => match String::from_utf8(bytes.to_vec()) {
                    Ok(t) => text = Some(t.trim_start_matches('\u{feff}').to_owned()),
                    Err(_) => return back("errore=illeggibile"),
                },
                Err(_) => return back("errore=troppo-grande"),
            },
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(_) => return back("errore=illeggibile"),
        }
    }
    let Some(text) = text else {
        return back("errore=vuoto");
    };
    match residence::upload_census(&ctx, &text).await {
        Ok(report) => back(&format!(
            "aggiunti={}&duplicati={}&non_validi={}&righe={}",
            report.added,
            report.duplicates,
            report.invalid_count,
            report
                .invalid_lines
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join("%2C")
        )),
        Err(ServiceError::InvalidInput { problem, .. }) => match problem {
            shared::model::account::FieldProblem::TooLong { .. } => back("errore=troppo-grande"),
            _ => back("errore=vuoto"),
        },
        Err(error) => refusal(error, "%2Famministrazione%2Fresidenza"),
    }
}

/// `POST /proposte/{id}/immagini` (multipart: `immagine`, `descrizione`):
/// the author attaches an image, then back to the proposal.
async fn upload_image(
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
    let store = attachments::FileStore::new(&state.config.upload_dir);
    match attachments::upload(&ctx, &store, id, &name, &alt, bytes.unwrap_or_default()).await {
        Ok(_) => back("esito=immagine-aggiunta"),
        Err(ServiceError::InvalidInput { field, problem }) => match (field.as_str(), problem) {
            ("descrizione", _) => back("errore-immagine=descrizione"),
            (_, FieldProblem::TooLarge { .. }) => back("errore-immagine=troppo-grande"),
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
async fn serve_image(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Ok(id) = uuid::Uuid::try_parse(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let ctx = Ctx::new(state.db.clone(), actor);
    let store = attachments::FileStore::new(&state.config.upload_dir);
    match attachments::get(&ctx, &store, id).await {
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

/// Most problems of a refused import carried back to the page.
const IMPORT_PROBLEMS_SHOWN: usize = 200;
/// What an import's outcome and pasted text may take in the one-time draft
/// (which holds 64 KB): the pasted text goes first, then problems.
const DRAFT_BUDGET: usize = 60 * 1024;

/// `POST /dup/{id}/importa` (multipart: a `file`, or pasted `testo`): imports
/// a DUP tree (CSV or JSON) into an edition, all or nothing, then back to
/// the edition with the outcome (carried in a one-time draft for the person
/// who imported, with the pasted text when the import was refused).
async fn import_dup(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Response {
    let Ok(id) = uuid::Uuid::try_parse(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let ctx = Ctx::new(state.db.clone(), actor);
    let back = |query: &str| Redirect::to(&format!("/dup/{id}?{query}#importa")).into_response();
    let (mut file, mut pasted) = (None, String::new());
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(bytes) if bytes.is_empty() => {}
                Ok(bytes) => match String::from_utf8(bytes.to_vec()) {
                    Ok(text) => file = Some(text.trim_start_matches('\u{feff}').to_owned()),
                    Err(_) => return back("errore-importazione=codifica"),
                },
                Err(_) => return back("errore-importazione=troppo-grande"),
            },
            Ok(Some(field)) if field.name() == Some("testo") => {
                pasted = field.text().await.unwrap_or_default();
            }
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(_) => return back("errore-importazione=illeggibile"),
        }
    }
    let from_file = file.is_some();
    let text = file.unwrap_or_else(|| pasted.clone());
    if text.trim().is_empty() {
        return back("errore-importazione=vuoto");
    }
    match dup::import(&ctx, id, &text).await {
        Ok(mut result) => {
            let refused = matches!(result, shared::model::dup::ImportResult::Rejected(_));
            if let shared::model::dup::ImportResult::Rejected(problems) = &mut result {
                problems.truncate(IMPORT_PROBLEMS_SHOWN);
            }
            // The draft holds 64 KB: fewer problems rather than none.
            let mut outcome = serde_json::to_string(&result).unwrap_or_default();
            while outcome.len() > DRAFT_BUDGET {
                match &mut result {
                    shared::model::dup::ImportResult::Rejected(problems) if problems.len() > 1 => {
                        problems.truncate(problems.len() / 2);
                        outcome = serde_json::to_string(&result).unwrap_or_default();
                    }
                    _ => break,
                }
            }
            let mut fields = std::collections::BTreeMap::new();
            let keep_text = refused && !from_file && outcome.len() + pasted.len() <= DRAFT_BUDGET;
            fields.insert("esito".to_owned(), outcome);
            if keep_text {
                fields.insert("testo".to_owned(), pasted);
            }
            let key = app::api::dup::import_draft_key(&id.to_string());
            if let Err(error) = drafts::save(&ctx, &key, &fields).await {
                return refusal(error, &format!("%2Fdup%2F{id}"));
            }
            back("importazione=1")
        }
        Err(ServiceError::InvalidInput { problem, .. }) => match problem {
            FieldProblem::TooLarge { .. } => back("errore-importazione=troppo-grande"),
            _ => back("errore-importazione=vuoto"),
        },
        Err(ServiceError::NotFound(_)) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => refusal(error, &format!("%2Fdup%2F{id}")),
    }
}

/// `GET /dup/{id}/esporta.csv` or `/dup/{id}/esporta.json`: an edition's
/// tree as a file, in the format the import reads.
async fn export_dup(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let format = match file.as_str() {
        "esporta.csv" => shared::model::dup::DupFormat::Csv,
        "esporta.json" => shared::model::dup::DupFormat::Json,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let Ok(id) = uuid::Uuid::try_parse(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let ctx = Ctx::new(state.db.clone(), actor);
    match dup::export(&ctx, id, format).await {
        Ok((name, content_type, body)) => (
            [
                (header::CONTENT_TYPE, content_type.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                (header::CACHE_CONTROL, "no-cache".to_owned()),
            ],
            body,
        )
            .into_response(),
        Err(ServiceError::NotFound(_)) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => refusal(error, "%2Fdup"),
    }
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
            (
                header::LOCATION,
                safe_local_path(back.torna.as_deref(), "/"),
            ),
        ],
    )
        .into_response()
}

/// `GET /proposte/{id}/eventi`: a stream of server-sent events, one
/// `sostegni` event with the new count each time the proposal's supports
/// change (in any server process). Nothing while the vote hides counts.
async fn support_events(Path(id): Path<String>) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use tokio::sync::broadcast::error::RecvError;
    let Ok(id) = uuid::Uuid::try_parse(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let changes = shared::service::live::subscribe();
    let events = futures_util::stream::unfold(changes, move |mut changes| async move {
        loop {
            match changes.recv().await {
                Ok(change) if change.proposal == id => {
                    let event = Event::default()
                        .event("sostegni")
                        .data(change.count.to_string());
                    return Some((Ok::<_, std::convert::Infallible>(event), changes));
                }
                Ok(_) | Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(20)))
        .into_response();
    // Proxies (nginx) must pass events on at once.
    response
        .headers_mut()
        .insert("x-accel-buffering", http::HeaderValue::from_static("no"));
    response
}
