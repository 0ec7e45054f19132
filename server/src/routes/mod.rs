//! Plain HTTP routes outside the Leptos app, one file per feature: health
//! and the language switch, the account data download and census upload,
//! proposal images and live counts, the DUP's files, the plan's files and
//! the open-data zip.

mod accounts;
mod dup;
mod health;
mod participation;
mod plan;
pub use plan::HEAVY_DOWNLOADS_PER_MINUTE;
mod refusal;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use shared::service::{accounts::residence, dup::editions};

use crate::state::AppState;

/// Health, readiness, the language switch, and the two account routes that
/// are plain HTTP: the data download and the census upload (a file).
pub fn plain_routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/lingua/{lang}", get(health::set_language))
        .route("/profilo/dati", get(accounts::download_my_data))
        .route(
            "/proposte/{id}/immagini",
            post(participation::upload_image).layer(DefaultBodyLimit::max(
                shared::model::participation::MAX_IMAGE_BYTES + 64 * 1024,
            )),
        )
        .route("/immagini/{id}", get(participation::serve_image))
        .route("/proposte/{id}/eventi", get(participation::support_events))
        .route(
            "/dup/{id}/importa",
            post(dup::import_dup).layer(DefaultBodyLimit::max(
                editions::MAX_IMPORT_BYTES + 64 * 1024,
            )),
        )
        .route("/dup/{id}/{file}", get(dup::export_dup))
        .route(
            "/processi/{slug}/piano/versioni/{n}/{file}",
            get(plan::plan_file),
        )
        .route("/processi/{slug}/dati-aperti.zip", get(plan::open_data_zip))
        .route(
            "/amministrazione/residenza",
            post(accounts::upload_census).layer(DefaultBodyLimit::max(
                residence::MAX_UPLOAD_BYTES + 64 * 1024,
            )),
        )
}
