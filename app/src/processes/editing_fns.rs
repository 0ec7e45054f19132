//! The server functions of process setup: the editor's data, creating and
//! updating a process, its phases, topics (directions, platforms, zones)
//! and platform facilitators. The services decide who may.

use crate::ui::api_error::ApiError;
#[cfg(feature = "ssr")]
use crate::ui::ssr::{back_to, first_problem, parse_id};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use shared::model::common::FieldProblem;

/// What the process editor shows.
#[server(endpoint = "processes/editor")]
pub async fn get_process_editor(
    process: String,
) -> Result<shared::model::facilitation::ProcessEditor, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::processes::editing::editor(&ctx, &process).await?)
}

/// An administrator creates a process.
#[server(endpoint = "processes/create")]
pub async fn create_process(
    slug: String,
    titolo: String,
    ente: String,
    ambito: String,
    sintesi: String,
    descrizione: String,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let input = shared::model::facilitation::ProcessInput::parse(
        &slug,
        &titolo,
        &ente,
        &ambito,
        &sintesi,
        &descrizione,
    )
    .map_err(first_problem)?;
    let slug = shared::service::processes::editing::create_process(&ctx, &input).await?;
    leptos_axum::redirect(&format!("/processi/{slug}/modifica?esito=salvata"));
    Ok(())
}

/// Facilitators change a process's description.
#[server(endpoint = "processes/update")]
pub async fn update_process(
    process: String,
    titolo: String,
    ente: String,
    ambito: String,
    sintesi: String,
    descrizione: String,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let input = shared::model::facilitation::ProcessInput::parse(
        &process,
        &titolo,
        &ente,
        &ambito,
        &sintesi,
        &descrizione,
    )
    .map_err(first_problem)?;
    shared::service::processes::editing::update_process(&ctx, &process, &input).await?;
    back_to(
        None,
        &format!("/processi/{process}/modifica#percorso"),
        "salvata",
    );
    Ok(())
}

/// Adds (no `fase`) or changes a phase.
#[server(endpoint = "phases/save")]
pub async fn save_phase(
    process: String,
    fase: Option<String>,
    tipo: String,
    titolo: String,
    descrizione: String,
    inizio: String,
    fine: String,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let phase = match fase.as_deref().filter(|f| !f.is_empty()) {
        Some(raw) => Some(parse_id(raw, "fase")?),
        None => None,
    };
    let input = shared::model::facilitation::PhaseInput::parse(
        &tipo,
        &titolo,
        &descrizione,
        &inizio,
        &fine,
    )
    .map_err(first_problem)?;
    shared::service::processes::editing::save_phase(&ctx, &process, phase, &input).await?;
    back_to(
        None,
        &format!("/processi/{process}/modifica#fasi"),
        "salvata",
    );
    Ok(())
}

/// Removes a phase that has not started.
#[server(endpoint = "phases/delete")]
pub async fn delete_phase(process: String, fase: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let phase = parse_id(&fase, "fase")?;
    shared::service::processes::editing::delete_phase(&ctx, &process, phase).await?;
    back_to(
        None,
        &format!("/processi/{process}/modifica#fasi"),
        "salvata",
    );
    Ok(())
}

/// Adds (no `id`) or changes a direction, platform or zone (`voce`).
#[server(endpoint = "processes/topic")]
#[allow(clippy::too_many_arguments)]
pub async fn save_topic(
    process: String,
    voce: String,
    id: Option<String>,
    chiave: String,
    titolo: String,
    motto: Option<String>,
    descrizione: Option<String>,
    direzione: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let kind = shared::service::processes::editing::TopicKind::parse(&voce)
        .ok_or_else(|| ApiError::field("voce", FieldProblem::NotRecognized))?;
    let topic = match id.as_deref().filter(|i| !i.is_empty()) {
        Some(raw) => Some(parse_id(raw, "id")?),
        None => None,
    };
    let is_direction = kind == shared::service::processes::editing::TopicKind::Direction;
    let input = shared::model::facilitation::TopicInput::parse(
        is_direction,
        &chiave,
        &titolo,
        motto.as_deref().unwrap_or(""),
        descrizione.as_deref().unwrap_or(""),
        direzione.as_deref().unwrap_or(""),
    )
    .map_err(|problems| {
        let (field, problem) = problems[0];
        let field = if matches!(field, "slug" | "codice") {
            "chiave"
        } else {
            field
        };
        ApiError::field(field, problem)
    })?;
    shared::service::processes::editing::save_topic(&ctx, &process, kind, topic, &input)
        .await
        .map_err(|error| match error {
            shared::service::ServiceError::InvalidInput { field, problem }
                if field == "slug" || field == "codice" =>
            {
                ApiError::field("chiave", problem)
            }
            other => other.into(),
        })?;
    back_to(
        None,
        &format!("/processi/{process}/modifica#{voce}"),
        "salvata",
    );
    Ok(())
}

/// Makes someone (by email) a facilitator of one platform.
#[server(endpoint = "processes/facilitators/add")]
pub async fn assign_platform_facilitator(
    process: String,
    piattaforma: String,
    email: String,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    shared::service::processes::editing::assign_facilitator(&ctx, &process, &piattaforma, &email)
        .await?;
    back_to(
        None,
        &format!("/processi/{process}/modifica#facilitatori"),
        "ruolo-assegnato",
    );
    Ok(())
}

/// Removes a platform facilitator.
#[server(endpoint = "processes/facilitators/remove")]
pub async fn remove_platform_facilitator(process: String, id: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = parse_id(&id, "id")?;
    shared::service::processes::editing::remove_facilitator(&ctx, &process, id).await?;
    back_to(
        None,
        &format!("/processi/{process}/modifica#facilitatori"),
        "ruolo-tolto",
    );
    Ok(())
}
