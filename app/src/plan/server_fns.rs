//! The final plan: its page, a version, the comparison of two, the
//! composition form and its save, and the council's approval. The
//! downloads (Markdown, HTML) are plain HTTP routes
//! (`GET /processi/{slug}/piano/versioni/{n}/piano.md|html`).

use leptos::prelude::*;
use shared::model::plan::{PlanComposer, PlanDiff, PlanOverview, PlanVersionView};

use crate::ui::api_error::ApiError;
#[cfg(feature = "ssr")]
use shared::model::common::FieldProblem;

/// The plan page of a process.
#[server(endpoint = "plan/overview")]
pub async fn get_plan(process: String) -> Result<PlanOverview, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::plan::versions::overview(&ctx, &process).await?)
}

/// One saved version.
#[server(endpoint = "plan/version")]
pub async fn get_plan_version(process: String, number: i32) -> Result<PlanVersionView, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::plan::versions::version(&ctx, &process, number).await?)
}

/// A moderator omits one entry of a saved version (`voce`, its id), for
/// `motivo`, shown to every reader.
#[server(endpoint = "plan/redact")]
pub async fn redact_plan_entry(
    process: String,
    versione: String,
    voce: String,
    motivo: String,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let number = versione
        .trim()
        .parse::<i32>()
        .map_err(|_| ApiError::field("versione", FieldProblem::Malformed))?;
    let entry = uuid::Uuid::try_parse(voce.trim())
        .map_err(|_| ApiError::field("voce", FieldProblem::NotRecognized))?;
    shared::service::plan::redaction::redact(&ctx, &process, number, entry, &motivo).await?;
    leptos_axum::redirect(&format!(
        "/processi/{process}/piano/versioni/{number}?esito=voce-omessa#omissioni"
    ));
    Ok(())
}

/// Two versions compared (`da`, `a` as typed in the page's GET form).
#[server(endpoint = "plan/compare")]
pub async fn compare_plan(process: String, da: String, a: String) -> Result<PlanDiff, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let number = |raw: &str, field: &str| {
        raw.trim()
            .parse::<i32>()
            .map_err(|_| ApiError::field(field, FieldProblem::Malformed))
    };
    let (from, to) = (number(&da, "da")?, number(&a, "a")?);
    Ok(shared::service::plan::versions::compare(&ctx, &process, from, to).await?)
}

/// The composition form's data.
#[server(endpoint = "plan/composer")]
pub async fn get_plan_composer(process: String) -> Result<PlanComposer, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::plan::versions::composer(&ctx, &process).await?)
}

/// Saves a new version; the sections come as parallel lists `sezione[]`,
/// `posizione[]`, `testo[]`.
#[server(endpoint = "plan/save")]
pub async fn save_plan(
    process: String,
    introduzione: String,
    conclusione: String,
    nota: Option<String>,
    sezione: Option<Vec<String>>,
    posizione: Option<Vec<String>>,
    testo: Option<Vec<String>>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let (keys, positions, texts) = (
        sezione.unwrap_or_default(),
        posizione.unwrap_or_default(),
        testo.unwrap_or_default(),
    );
    if keys.len() != positions.len() || keys.len() != texts.len() {
        return Err(ApiError::field("sezione_1", FieldProblem::Malformed));
    }
    let sections: Vec<(String, String, String)> = keys
        .into_iter()
        .zip(positions)
        .zip(texts)
        .map(|((k, p), t)| (k, p, t))
        .collect();
    let input = shared::model::plan::PlanInput::parse(
        &introduzione,
        &conclusione,
        nota.as_deref().unwrap_or(""),
        &sections,
    )
    .map_err(|(field, problem)| ApiError::field(&field, problem))?;
    let number = shared::service::plan::versions::save(&ctx, &process, &input).await?;
    leptos_axum::redirect(&format!(
        "/processi/{process}/piano/versioni/{number}?esito=versione-salvata"
    ));
    Ok(())
}

/// Records the approval of a version.
#[server(endpoint = "plan/approve")]
pub async fn approve_plan(
    process: String,
    versione: String,
    organo: String,
    numero_delibera: String,
    data_delibera: String,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let input = shared::model::plan::ApprovalInput::parse(
        &versione,
        &organo,
        &numero_delibera,
        &data_delibera,
    )
    .map_err(|(field, problem)| ApiError::field(&field, problem))?;
    shared::service::plan::versions::approve(&ctx, &process, &input).await?;
    leptos_axum::redirect(&format!("/processi/{process}/piano?esito=piano-approvato"));
    Ok(())
}
