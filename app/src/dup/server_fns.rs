//! The DUP: editions (list, create, copy, attach to a process), objective
//! pages, links from proposals and projects, coverage and monitoring.
//! Importing a file and downloading an export are plain HTTP routes
//! (`POST /dup/{id}/importa`, `GET /dup/{id}/esporta.csv|json`) because
//! they carry files.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::model::dup::{
    Coverage, EditionDetail, EditionList, ImportResult, ItemLinks, Monitoring, ObjectiveDetail,
};

use crate::ui::api_error::ApiError;
#[cfg(feature = "ssr")]
use shared::model::common::FieldProblem;

/// An edition's page: the tree, and the outcome of the import just made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditionPage {
    pub detail: EditionDetail,
    pub import: Option<ImportResult>,
    /// The pasted text of a refused import, to correct it.
    pub pasted: Option<String>,
}

#[cfg(feature = "ssr")]
use crate::ui::ssr::parse_id;

#[cfg(feature = "ssr")]
fn edition_input(
    ente: &str,
    titolo: &str,
    primo_anno: &str,
    ultimo_anno: &str,
    semplificato: Option<&str>,
) -> Result<shared::model::dup::EditionInput, ApiError> {
    shared::model::dup::EditionInput::parse(
        ente,
        titolo,
        primo_anno,
        ultimo_anno,
        semplificato == Some("si"),
    )
    .map_err(|(field, problem)| ApiError::field(field, problem))
}

/// Every edition.
#[server(endpoint = "dup/editions")]
pub async fn get_editions() -> Result<EditionList, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::dup::editions::editions(&ctx).await?)
}

/// Creates an empty edition, then opens it.
#[server(endpoint = "dup/create")]
pub async fn create_edition(
    ente: String,
    titolo: String,
    primo_anno: String,
    ultimo_anno: String,
    semplificato: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let input = edition_input(
        &ente,
        &titolo,
        &primo_anno,
        &ultimo_anno,
        semplificato.as_deref(),
    )?;
    let id = shared::service::dup::editions::create_edition(&ctx, &input).await?;
    leptos_axum::redirect(&format!("/dup/{id}?esito=edizione-creata"));
    Ok(())
}

/// Starts a new edition as a copy of `da`, then opens it.
#[server(endpoint = "dup/copy")]
pub async fn copy_edition(
    da: String,
    ente: String,
    titolo: String,
    primo_anno: String,
    ultimo_anno: String,
    semplificato: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let from = parse_id(&da, "da")?;
    let input = edition_input(
        &ente,
        &titolo,
        &primo_anno,
        &ultimo_anno,
        semplificato.as_deref(),
    )?;
    let id = shared::service::dup::editions::copy_edition(&ctx, from, &input).await?;
    leptos_axum::redirect(&format!("/dup/{id}?esito=edizione-copiata"));
    Ok(())
}

/// Says which edition a process informs (empty `edizione` detaches it).
#[server(endpoint = "dup/attach")]
pub async fn attach_edition(process: String, edizione: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let edition = match edizione.trim() {
        "" => None,
        raw => Some(parse_id(raw, "edizione")?),
    };
    shared::service::dup::editions::attach(&ctx, &process, edition).await?;
    let back = edition.map_or_else(|| "/dup".to_owned(), |id| format!("/dup/{id}"));
    leptos_axum::redirect(&format!("{back}?esito=edizione-collegata"));
    Ok(())
}

/// An edition with its tree; `importazione` takes the outcome of the import
/// just made (kept for the person who made it, once).
#[server(endpoint = "dup/edition")]
pub async fn get_edition(id: String, importazione: bool) -> Result<EditionPage, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let edition = uuid::Uuid::try_parse(id.trim()).map_err(|_| ApiError::NotFound)?;
    let detail = shared::service::dup::editions::edition(&ctx, edition).await?;
    let (mut import, mut pasted) = (None, None);
    if importazione
        && ctx.actor.person().is_some()
        && let Some(draft) = shared::service::common::drafts::take(
            &ctx,
            &crate::http::import_draft_key(&edition.to_string()),
        )
        .await?
    {
        import = draft
            .get("esito")
            .and_then(|json| serde_json::from_str(json).ok());
        pasted = draft.get("testo").cloned().filter(|t| !t.is_empty());
    }
    Ok(EditionPage {
        detail,
        import,
        pasted,
    })
}

/// An objective's page.
#[server(endpoint = "dup/objective")]
pub async fn get_objective(id: String) -> Result<ObjectiveDetail, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = uuid::Uuid::try_parse(id.trim()).map_err(|_| ApiError::NotFound)?;
    Ok(shared::service::dup::objectives::objective(&ctx, id).await?)
}

/// The objectives a proposal or project feeds (`elemento`: `proposta:<id>`
/// or `progetto:<id>`).
#[server(endpoint = "dup/links")]
pub async fn get_item_links(elemento: String) -> Result<ItemLinks, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let item = shared::model::dup::PlanItem::parse(&elemento).ok_or(ApiError::NotFound)?;
    Ok(shared::service::dup::links::links_of(&ctx, item).await?)
}

/// Back to the proposal's or project's objectives, with an outcome (and a
/// query never seen before, so the page reloads its data).
#[cfg(feature = "ssr")]
fn back_to_item(item: shared::model::dup::PlanItem, outcome: &str) {
    let page = match item {
        shared::model::dup::PlanItem::Proposal(id) => format!("/proposte/{id}"),
        shared::model::dup::PlanItem::Project(id) => format!("/progetti/{id}"),
    };
    let nonce = chrono::Utc::now().timestamp_millis();
    leptos_axum::redirect(&format!("{page}?esito={outcome}&v={nonce}#obiettivi-dup"));
}

/// Links a proposal or project to an objective, then back to its page.
#[server(endpoint = "dup/link")]
pub async fn link_objective(
    elemento: String,
    obiettivo: String,
    motivazione: String,
    peso: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let item = shared::model::dup::PlanItem::parse(&elemento)
        .ok_or_else(|| ApiError::field("elemento", FieldProblem::Malformed))?;
    let input = shared::model::dup::LinkInput::parse(
        &obiettivo,
        &motivazione,
        peso.as_deref().unwrap_or(""),
    )
    .map_err(|(field, problem)| ApiError::field(field, problem))?;
    shared::service::dup::links::link(&ctx, item, &input).await?;
    back_to_item(item, "obiettivo-collegato");
    Ok(())
}

/// Removes a link, then back to the proposal or project.
#[server(endpoint = "dup/unlink")]
pub async fn unlink_objective(elemento: String, collegamento: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let item = shared::model::dup::PlanItem::parse(&elemento)
        .ok_or_else(|| ApiError::field("elemento", FieldProblem::Malformed))?;
    let link = parse_id(&collegamento, "collegamento")?;
    shared::service::dup::links::unlink(&ctx, link).await?;
    back_to_item(item, "obiettivo-scollegato");
    Ok(())
}

/// The coverage of a process's plan, optionally for a zone and a platform.
#[server(endpoint = "dup/coverage")]
pub async fn get_coverage(
    process: String,
    zona: Option<String>,
    piattaforma: Option<String>,
) -> Result<Coverage, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::dup::links::coverage(
        &ctx,
        &process,
        zona.as_deref(),
        piattaforma.as_deref(),
    )
    .await?)
}

/// The progress page of a process.
#[server(endpoint = "dup/monitoring")]
pub async fn get_monitoring(process: String) -> Result<Monitoring, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::dup::monitoring::overview(&ctx, &process).await?)
}

/// Records progress on an objective or project (`voce`); indicator actuals
/// come as parallel lists `indicatore[]`, `anno[]`, `valore[]`.
#[server(endpoint = "dup/progress")]
#[allow(clippy::too_many_arguments)]
pub async fn record_progress(
    process: String,
    voce: String,
    stato: String,
    percentuale: String,
    nota: Option<String>,
    data: String,
    indicatore: Option<Vec<String>>,
    anno: Option<Vec<String>>,
    valore: Option<Vec<String>>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let target = shared::service::dup::monitoring::Monitored::parse(&voce)
        .ok_or_else(|| ApiError::field("voce", FieldProblem::Malformed))?;
    let (indicators, years, values) = (
        indicatore.unwrap_or_default(),
        anno.unwrap_or_default(),
        valore.unwrap_or_default(),
    );
    if indicators.len() != years.len() || indicators.len() != values.len() {
        return Err(ApiError::field("valore", FieldProblem::Malformed));
    }
    let actuals: Vec<(String, String, String)> = indicators
        .into_iter()
        .zip(years)
        .zip(values)
        .map(|((i, y), v)| (i, y, v))
        .collect();
    let input = shared::model::dup::ProgressInput::parse(
        &stato,
        &percentuale,
        nota.as_deref().unwrap_or(""),
        &data,
        &actuals,
    )
    .map_err(|(field, problem)| {
        // The per-indicator field names are not form fields: name the values.
        let field = if field.starts_with("valore_") {
            "valore".to_owned()
        } else {
            field
        };
        ApiError::field(&field, problem)
    })?;
    shared::service::dup::monitoring::record(&ctx, &process, target, &input).await?;
    let nonce = chrono::Utc::now().timestamp_millis();
    leptos_axum::redirect(&format!(
        "/processi/{process}/monitoraggio?esito=avanzamento-registrato&v={nonce}"
    ));
    Ok(())
}
