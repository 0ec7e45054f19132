//! The plan's files and the open-data zip, as downloads from the site.
//! The service layer decides who may read what; this turns the result into
//! a file answer. Layout and zipping are CPU and disk work, so they run off
//! the request threads, one at a time per server process.

use std::io::{Seek, SeekFrom};
use std::sync::LazyLock;

use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use shared::service::open_data::{self, ExportError};
use shared::service::plan::export::{self as plan_export, PlanFormat};
use shared::service::{Actor, Ctx, ServiceError};
use tokio::sync::Semaphore;
use tokio_util::io::ReaderStream;

use super::refusal::refusal;
use crate::state::AppState;

/// One heavy file at a time per server process: a second request waits
/// instead of doubling the memory and the cores in use.
static HEAVY_WORK: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(1));

fn failed(what: &str, error: &dyn std::fmt::Display) -> Response {
    tracing::error!(%error, what, "download failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Non è stato possibile preparare il file. / The file could not be prepared.",
    )
        .into_response()
}

/// `GET /processi/{slug}/piano/versioni/{n}/piano.{pdf,odt,html,md}`: a
/// saved version of the plan as a file.
pub(crate) async fn plan_file(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, n, file)): Path<(String, String, String)>,
    headers: http::HeaderMap,
) -> Response {
    let (Ok(number), Some(format)) = (
        n.parse::<i32>(),
        file.strip_prefix("piano.")
            .and_then(PlanFormat::from_extension),
    ) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let ctx = Ctx::new(state.db.clone(), actor);
    let version = match plan_export::chosen_version(&ctx, &slug, Some(number)).await {
        Ok(version) => version,
        Err(ServiceError::NotFound(_)) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return refusal(error, "%2F"),
    };
    // The file changes when the version does (its approval, a moderator's
    // omission) or with a new release of the renderer: the tag says which,
    // and a browser asks again each time, so an omission takes effect at
    // once, while an unchanged file costs a 304 and no rendering.
    let tag = crate::rest::etag::tag_of(
        format!(
            "{}:{}:{}",
            env!("CARGO_PKG_VERSION"),
            format.extension(),
            serde_json::to_string(&(&version.document, &version.approval)).unwrap_or_default()
        )
        .as_bytes(),
    );
    if crate::rest::etag::matches(&headers, &tag) {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, tag),
                (header::CACHE_CONTROL, "public, no-cache".to_owned()),
            ],
        )
            .into_response();
    }
    let Ok(_permit) = HEAVY_WORK.acquire().await else {
        return failed("plan", &"semaphore closed");
    };
    let name = plan_export::file_name(&version, format);
    let rendered = tokio::task::spawn_blocking(move || plan_export::render(&version, format)).await;
    let bytes = match rendered {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(error)) => return failed("plan", &error),
        Err(error) => return failed("plan", &error),
    };
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "public, no-cache".to_owned()),
            (header::ETAG, tag),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /processi/{slug}/dati-aperti.zip`: the process's open data (the
/// same files as `server export open-data`, manifest included), zipped.
/// Written to a temporary folder and an anonymous temporary file, then
/// streamed: memory stays flat whatever the size.
pub(crate) async fn open_data_zip(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
) -> Response {
    let ctx = Ctx::new(state.db.clone(), actor);
    let Ok(_permit) = HEAVY_WORK.acquire().await else {
        return failed("open data", &"semaphore closed");
    };
    let folder = match tempfile::tempdir() {
        Ok(folder) => folder,
        Err(error) => return failed("open data", &error),
    };
    let summary = match open_data::export(&ctx, &slug, folder.path(), &|_, _| {}).await {
        Ok(summary) => summary,
        Err(ExportError::Service(ServiceError::NotFound(_))) => {
            return StatusCode::NOT_FOUND.into_response();
        }
        Err(ExportError::SupportCountsHidden) => {
            return (
                StatusCode::CONFLICT,
                "I sostegni sono nascosti durante la votazione: i dati aperti si possono \
                 scaricare quando la votazione è chiusa. / Supports are hidden while voting \
                 is open: download the open data after it closes.",
            )
                .into_response();
        }
        Err(ExportError::Service(error)) => return refusal(error, "%2F"),
        Err(error) => return failed("open data", &error),
    };
    let zipped = tokio::task::spawn_blocking(move || {
        let mut file = tempfile::tempfile()?;
        open_data::zip_export(folder.path(), &summary, &mut file)?;
        file.seek(SeekFrom::Start(0))?;
        Ok::<_, ExportError>(file)
    })
    .await;
    let file = match zipped {
        Ok(Ok(file)) => file,
        Ok(Err(error)) => return failed("open data", &error),
        Err(error) => return failed("open data", &error),
    };
    let length = file.metadata().map(|m| m.len()).ok();
    let stream = ReaderStream::new(tokio::fs::File::from_std(file));
    let name = format!("dati-aperti-{slug}-{}.zip", ctx.now.format("%Y-%m-%d"));
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-cache".to_owned()),
        ],
        Body::from_stream(stream),
    )
        .into_response();
    if let Some(length) = length
        && let Ok(value) = length.to_string().parse()
    {
        response.headers_mut().insert(header::CONTENT_LENGTH, value);
    }
    response
}
