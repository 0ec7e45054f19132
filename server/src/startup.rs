//! Opening the database and building the router.

use std::time::Duration;

use axum::Router;
use axum::handler::Handler;
use http::{HeaderName, Request};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use migrations::{Migrator, MigratorTrait};
use shared::service::{Db, DbConfig, connect};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::state::AppState;
use crate::{routes, security};

/// Where the compiled site (wasm, JS, CSS, assets) is, and how to serve it.
/// cargo-leptos passes `LEPTOS_*` variables when it runs the server; a
/// deployed binary uses the defaults (`target/site`, production mode) or
/// the same variables.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let env = match var("LEPTOS_ENV").as_deref() {
        Some("DEV") | Some("dev") | Some("development") => leptos::config::Env::DEV,
        _ => leptos::config::Env::PROD,
    };
    let hash_file = var("LEPTOS_HASH_FILE_NAME").unwrap_or_else(|| "hash.txt".into());
    LeptosOptions::builder()
        .output_name(var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|| "piazza".into()))
        .site_root(var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()))
        .site_pkg_dir(var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|| "pkg".into()))
        .site_addr(config.listen)
        .reload_port(
            var("LEPTOS_RELOAD_PORT")
                .and_then(|p| p.parse().ok())
                .unwrap_or(3001),
        )
        .env(env)
        .hash_files(crate::assets::hashed_names_in_use(&hash_file))
        .hash_file(hash_file.into())
        .build()
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot create the database folder {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Key(#[from] crate::server_key::KeyError),
    #[error("cannot open the database {url}: {source}")]
    Connect { url: String, source: sea_orm::DbErr },
    #[error("database migrations failed: {0}")]
    Migrate(sea_orm::DbErr),
}

/// Connects (creating the SQLite folder if needed) and applies pending migrations.
/// Installs the server key first: upgrading existing data may need it.
pub async fn open_database(config: &Config) -> Result<Db, StartupError> {
    crate::server_key::install(config)?;
    if let Some(dir) = config.sqlite_dir() {
        std::fs::create_dir_all(&dir).map_err(|source| StartupError::DataDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    let db = connect(&DbConfig {
        url: config.database_url.clone(),
        max_connections: config.db_max_connections,
    })
    .await
    .map_err(|source| StartupError::Connect {
        url: config.database_url_redacted(),
        source,
    })?;
    Migrator::up(&db, None)
        .await
        .map_err(StartupError::Migrate)?;
    // What an upgraded instance needs once (search terms, stored phases).
    let ctx = shared::service::Ctx::new(db.clone(), shared::service::Actor::System);
    match shared::service::seed::upgrade::backfill(&ctx).await {
        Ok(report) if report != Default::default() => {
            tracing::info!(?report, "existing data brought up to date");
        }
        Ok(_) => {}
        Err(error) => tracing::error!(%error, "bringing existing data up to date failed"),
    }
    Ok(db)
}

/// The whole HTTP surface: health, language, Leptos pages and server
/// functions, static files and the 404 fallback, under the common layers.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let context = {
        let db = state.db.clone();
        let settings = app::http::SiteSettings {
            base_url: state.config.base_url.clone(),
            secure_cookies: state.config.secure_cookies(),
        };
        let files =
            shared::service::participation::images::FileStore::new(&state.config.upload_dir);
        move || {
            provide_context(db.clone());
            provide_context(settings.clone());
            provide_context(files.clone());
            // The page's inline scripts carry the nonce the security layer put in
            // the request and names in the response's CSP.
            if let Some(nonce) = use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<security::CspNonce>().cloned())
            {
                provide_context(leptos::nonce::Nonce::from_value(nonce.0));
            }
        }
    };
    // Static files come straight from the site folder. Leptos's own file
    // handler reads `ResponseOptions` under a new reactive owner whose parent
    // is whatever owner the worker thread had last, so under load a file
    // could take another request's status (the wasm module answered 404 with
    // two browser suites at once). Only what is no file reaches Leptos, which
    // answers with the site's 404 page.
    let not_found = file_and_error_handler_with_context::<AppState, _>(context.clone(), app::shell)
        .with_state(state.clone());
    let static_files = ServeDir::new(&*state.leptos_options.site_root)
        .append_index_html_on_directories(false)
        // Any other method than GET or HEAD is no file either: the 404 page.
        .call_fallback_on_method_not_allowed(true)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_found);
    let x_request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(routes::plain_routes())
        .nest(crate::rest::BASE_PATH, crate::rest::router(&state))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback_service(static_files)
        .layer(axum::middleware::from_fn(server_fn_status))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::session_and_origin))
        // Fonts (woff2) are compressed already.
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("font/")),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.leptos_options.hash_files,
            crate::assets::cache_static_files,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::security_headers))
        .layer(TimeoutLayer::with_status_code(http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(CatchPanicLayer::new())
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .with_state(state)
}

/// Server functions answer every `Err` with 500. Their body is a typed
/// [`app::http::ApiError`]; give it its real status (400, 403, 404), so bad
/// input never reads as a server failure.
async fn server_fn_status(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let is_server_fn = path.starts_with("/api/") && !path.starts_with("/api/v1/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<app::http::ApiError>(&bytes) {
        parts.status = http::StatusCode::from_u16(error.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}
