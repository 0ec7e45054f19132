//! A DUP edition's import (a file upload) and export (CSV or JSON).

use super::refusal::refusal;
use crate::state::AppState;
use axum::extract::{Extension, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{StatusCode, header};
use shared::model::common::FieldProblem;
use shared::service::{Actor, Ctx, ServiceError, common::drafts, dup::editions};

/// Most problems of a refused import carried back to the page.
const IMPORT_PROBLEMS_SHOWN: usize = 200;
/// What an import's outcome and pasted text may take in the one-time draft
/// (which holds 64 KB): the pasted text goes first, then problems.
const DRAFT_BUDGET: usize = 60 * 1024;

/// `POST /dup/{id}/importa` (multipart: a `file`, or pasted `testo`): imports
/// a DUP tree (CSV or JSON) into an edition, all or nothing, then back to
/// the edition with the outcome (carried in a one-time draft for the person
/// who imported, with the pasted text when the import was refused).
pub(crate) async fn import_dup(
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
    match editions::import(&ctx, id, &text).await {
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
            let key = app::http::import_draft_key(&id.to_string());
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
pub(crate) async fn export_dup(
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
    match editions::export(&ctx, id, format).await {
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
