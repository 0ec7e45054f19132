//! The plan's files and the open-data zip, as downloads from the site.
//! The service layer decides who may read what; this turns the result into
//! a file answer. Layout and zipping are CPU and disk work, so they run off
//! the request threads, one at a time per server process.

use std::sync::LazyLock;

use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use http::{StatusCode, header};
use shared::service::accounts::account::ClientInfo;
use shared::service::open_data::{self, ExportError};
use shared::service::plan::export::{self as plan_export, PlanFormat};
use shared::service::{Actor, Ctx, ServiceError};
use std::num::NonZeroU32;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::refusal::refusal;
use crate::state::AppState;

/// One heavy file at a time per server process: a second request waits
/// instead of doubling the memory and the cores in use.
static HEAVY_WORK: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(1));

/// Heavy downloads one client address may ask for in a minute (a plan file
/// laid out, an open-data package sent): a person needs a few; a script
/// asking for more would keep the heavy work busy for everyone else.
pub const HEAVY_DOWNLOADS_PER_MINUTE: u32 = 12;

static HEAVY_PER_CLIENT: LazyLock<DefaultKeyedRateLimiter<String>> = LazyLock::new(|| {
    RateLimiter::keyed(Quota::per_minute(
        NonZeroU32::new(HEAVY_DOWNLOADS_PER_MINUTE).unwrap_or(NonZeroU32::MIN),
    ))
});

/// Takes one heavy download from `client`'s minute; past the limit, the
/// answer to give instead (429 with `Retry-After`).
fn heavy_download(client: Option<&ClientInfo>) -> Option<Response> {
    let address = client.map_or("unknown", |c| c.ip.as_str()).to_owned();
    let not_until = HEAVY_PER_CLIENT.check_key(&address).err()?;
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    let seconds = wait.as_secs() + 1;
    Some(
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, seconds.to_string())],
            format!(
                "Troppi file scaricati in un minuto: riprova tra {seconds} secondi. / \
                 Too many downloads in a minute: try again in {seconds} seconds."
            ),
        )
            .into_response(),
    )
}

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
    client: Option<Extension<ClientInfo>>,
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
    // Only the work counts: a browser that has the file costs nothing.
    if let Some(refused) = heavy_download(client.as_ref().map(|c| &c.0)) {
        return refused;
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

/// How long a download waits for its package to be built before it is
/// told to come back (the build goes on).
const PACKAGE_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// `GET /processi/{slug}/dati-aperti.zip`: the process's open data (the
/// same files as `server export open-data`, manifest included), zipped.
/// Served from the stored package (see [`crate::open_data_store`]) with its
/// `ETag`, `Last-Modified` and byte ranges; memory stays flat whatever the
/// size, and a download never starts a second build.
pub(crate) async fn open_data_zip(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    client: Option<Extension<ClientInfo>>,
    Path(slug): Path<String>,
    request: axum::extract::Request,
) -> Response {
    if let Some(refused) = heavy_download(client.as_ref().map(|c| &c.0)) {
        return refused;
    }
    let ctx = Ctx::new(state.db.clone(), actor);
    let process_id = match open_data::export::available(&ctx, &slug).await {
        Ok(id) => id,
        Err(error) => return export_refused(error),
    };
    let waited = tokio::time::timeout(
        PACKAGE_WAIT,
        crate::open_data_store::package(
            state.db.clone(),
            state.config.cache_dir.join("dati-aperti"),
            process_id,
            slug.clone(),
            &HEAVY_WORK,
        ),
    )
    .await;
    let package = match waited {
        Ok(Ok(package)) => package,
        Ok(Err(error)) => return export_refused(error),
        Err(_) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "30")],
                "Il pacchetto dei dati aperti è in preparazione: riprova tra mezzo minuto. / \
                 The open-data package is being prepared: try again in half a minute.",
            )
                .into_response();
        }
    };
    let name = format!(
        "dati-aperti-{slug}-{}.zip",
        package.built_at.format("%Y-%m-%d")
    );
    let mut response = if crate::rest::etag::matches(request.headers(), &package.tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match ServeFile::new(&package.path).oneshot(request).await {
            Ok(served) => served.map(Body::new),
            Err(error) => return failed("open data", &error),
        }
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "application/zip".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ),
        (header::CACHE_CONTROL, "no-cache".to_owned()),
        (header::ETAG, package.tag.clone()),
    ] {
        if let Ok(value) = value.parse() {
            headers.insert(name, value);
        }
    }
    response
}

/// The answer to an open-data download that cannot be made.
fn export_refused(error: ExportError) -> Response {
    match error {
        ExportError::Service(ServiceError::NotFound(_)) => StatusCode::NOT_FOUND.into_response(),
        ExportError::SupportCountsHidden => (
            StatusCode::CONFLICT,
            "I sostegni sono nascosti durante la votazione: i dati aperti si possono \
             scaricare quando la votazione è chiusa. / Supports are hidden while voting \
             is open: download the open data after it closes.",
        )
            .into_response(),
        ExportError::Service(error) => refusal(error, "%2F"),
        error => failed("open data", &error),
    }
}
