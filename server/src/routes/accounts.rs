//! The account routes that are plain HTTP: the data download and the
//! census upload (a file).

use super::refusal::refusal;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Extension, Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header;
use shared::service::{Actor, Ctx, ServiceError, accounts::account, accounts::residence};

/// `GET /profilo/dati`: everything the person wrote and did, as a JSON file.
pub(crate) async fn download_my_data(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Response {
    let ctx = Ctx::new(state.db.clone(), actor);
    match account::export_data(&ctx).await {
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
pub(crate) async fn upload_census(
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
            shared::model::common::FieldProblem::TooLong { .. } => back("errore=troppo-grande"),
            _ => back("errore=vuoto"),
        },
        Err(error) => refusal(error, "%2Famministrazione%2Fresidenza"),
    }
}
