//! Running a process: moderation (reports, decisions, blocks, settings, the
//! public log), the dashboard with bulk answers, merging proposals into
//! projects, the transition preview, and the counter. Actions redirect to
//! the page they came from (a local path in `ritorno`) with an `esito`, so
//! they work the same with and without JavaScript.

use leptos::prelude::*;
use shared::model::facilitation::{
    CounterRecordDto, Dashboard, ModerationLogPage, ModerationQueue, ProjectDetail, ProjectSummary,
    TransitionPreview,
};

use crate::ui::api_error::ApiError;
#[cfg(feature = "ssr")]
use shared::model::common::FieldProblem;

#[cfg(feature = "ssr")]
use crate::ui::ssr::{back_to, first_problem, parse_id};

#[cfg(feature = "ssr")]
fn ids(raw: Option<Vec<String>>) -> Result<Vec<uuid::Uuid>, ApiError> {
    raw.unwrap_or_default()
        .iter()
        .map(|id| parse_id(id, "proposte"))
        .collect()
}

/// Reports a proposal or comment (`tipo`: proposta or commento).
#[server(endpoint = "moderation/report")]
pub async fn report_content(
    tipo: String,
    id: String,
    motivo: String,
    nota: Option<String>,
    ritorno: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = parse_id(&id, "id")?;
    shared::service::facilitation::reports::report(
        &ctx,
        &tipo,
        id,
        &motivo,
        nota.as_deref().unwrap_or(""),
    )
    .await?;
    back_to(ritorno.as_deref(), "/", "segnalazione-inviata");
    Ok(())
}

/// A moderator's decision (`decisione`: nascondi, ripristina, approva).
#[server(endpoint = "moderation/decide")]
pub async fn moderate_content(
    tipo: String,
    id: String,
    decisione: String,
    motivo: Option<String>,
    ritorno: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = parse_id(&id, "id")?;
    let decision = shared::model::facilitation::ModerationDecision::parse(&decisione)
        .ok_or_else(|| ApiError::field("decisione", FieldProblem::NotRecognized))?;
    shared::service::facilitation::moderation::decide(
        &ctx,
        &tipo,
        id,
        decision,
        motivo.as_deref().unwrap_or(""),
    )
    .await?;
    back_to(ritorno.as_deref(), "/", "decisione-registrata");
    Ok(())
}

/// Blocks (`blocca=si`) or unblocks a person in a process.
#[server(endpoint = "moderation/block")]
pub async fn block_person(
    process: String,
    persona: String,
    motivo: String,
    blocca: Option<String>,
    ritorno: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let person = parse_id(&persona, "persona")?;
    let fallback = format!("/processi/{process}/moderazione");
    if blocca.as_deref() == Some("si") {
        shared::service::facilitation::blocks::block(&ctx, &process, person, &motivo).await?;
        back_to(ritorno.as_deref(), &fallback, "persona-bloccata");
    } else {
        shared::service::facilitation::blocks::unblock(&ctx, &process, person, &motivo).await?;
        back_to(ritorno.as_deref(), &fallback, "persona-sbloccata");
    }
    Ok(())
}

/// Pre-moderation (`premoderazione=si`) and the report threshold.
#[server(endpoint = "moderation/settings")]
pub async fn set_moderation_settings(
    process: String,
    premoderazione: Option<String>,
    soglia: String,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let threshold = soglia
        .trim()
        .parse::<i32>()
        .map_err(|_| ApiError::field("soglia", FieldProblem::Malformed))?;
    shared::service::facilitation::moderation::set_settings(
        &ctx,
        &process,
        premoderazione.as_deref() == Some("si"),
        threshold,
    )
    .await?;
    back_to(
        None,
        &format!("/processi/{process}/moderazione#impostazioni"),
        "impostazioni-salvate",
    );
    Ok(())
}

/// What waits for a moderator in a process (or one platform).
#[server(endpoint = "moderation/queue")]
pub async fn get_moderation_queue(
    process: String,
    piattaforma: Option<String>,
) -> Result<ModerationQueue, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::facilitation::queue::queue(&ctx, &process, piattaforma.as_deref()).await?)
}

/// The public moderation log of a process.
#[server(endpoint = "moderation/log")]
pub async fn get_moderation_log(
    process: String,
    prima: Option<String>,
) -> Result<ModerationLogPage, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(
        shared::service::facilitation::moderation::public_log(&ctx, &process, prima.as_deref())
            .await?,
    )
}

/// The facilitators' dashboard of a process (or one platform).
#[server(endpoint = "dashboard")]
pub async fn get_dashboard(
    process: String,
    piattaforma: Option<String>,
) -> Result<Dashboard, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(
        shared::service::facilitation::dashboard::overview(&ctx, &process, piattaforma.as_deref())
            .await?,
    )
}

/// Answers the chosen proposals at once.
#[server(endpoint = "proposals/answer-many")]
pub async fn answer_proposals(
    proposte: Option<Vec<String>>,
    stato: String,
    risposta: String,
    ritorno: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let chosen = ids(proposte)?;
    shared::service::participation::authoring::answer_many(&ctx, &chosen, &stato, &risposta)
        .await?;
    back_to(ritorno.as_deref(), "/", "risposte-pubblicate");
    Ok(())
}

#[cfg(feature = "ssr")]
fn project_input(
    title: &str,
    description: &str,
    partners: Option<&str>,
    agreement: &str,
) -> Result<shared::model::facilitation::ProjectInput, ApiError> {
    shared::model::facilitation::ProjectInput::parse(
        title,
        description,
        partners.unwrap_or(""),
        agreement,
    )
    .map_err(first_problem)
}

/// Merges the chosen proposals into a new project.
#[server(endpoint = "projects/merge")]
pub async fn merge_proposals(
    proposte: Option<Vec<String>>,
    titolo: String,
    descrizione: String,
    partner: Option<String>,
    accordo: String,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let chosen = ids(proposte)?;
    let input = project_input(&titolo, &descrizione, partner.as_deref(), &accordo)?;
    let id = shared::service::facilitation::projects::merge(&ctx, &chosen, &input).await?;
    leptos_axum::redirect(&format!("/progetti/{id}?esito=progetto-creato"));
    Ok(())
}

/// Edits a project.
#[server(endpoint = "projects/edit")]
pub async fn edit_project(
    id: String,
    titolo: String,
    descrizione: String,
    partner: Option<String>,
    accordo: String,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = parse_id(&id, "id")?;
    let input = project_input(&titolo, &descrizione, partner.as_deref(), &accordo)?;
    shared::service::facilitation::projects::edit(&ctx, id, &input).await?;
    leptos_axum::redirect(&format!("/progetti/{id}?esito=progetto-modificato"));
    Ok(())
}

/// Undoes a merge.
#[server(endpoint = "projects/undo")]
pub async fn undo_merge(id: String, motivo: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = parse_id(&id, "id")?;
    shared::service::facilitation::projects::undo(&ctx, id, &motivo).await?;
    leptos_axum::redirect(&format!("/progetti/{id}?esito=unione-annullata"));
    Ok(())
}

/// A project with its original proposals.
#[server(endpoint = "projects/get")]
pub async fn get_project(id: String) -> Result<ProjectDetail, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = uuid::Uuid::try_parse(id.trim()).map_err(|_| ApiError::NotFound)?;
    Ok(shared::service::facilitation::projects::detail(&ctx, id).await?)
}

/// The live projects of a process.
#[server(endpoint = "projects/list")]
pub async fn list_projects(process: String) -> Result<Vec<ProjectSummary>, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::facilitation::projects::list(&ctx, &process).await?)
}

/// What moving the process on would open and close.
#[server(endpoint = "phases/preview")]
pub async fn get_transition_preview(process: String) -> Result<TransitionPreview, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let detail = shared::service::processes::read::detail(&ctx, &process).await?;
    Ok(shared::service::processes::phases::preview(&ctx, detail.summary.id).await?)
}

/// Staff record a person at the counter; the receipt shows the claim code once.
#[server(endpoint = "counter/record")]
pub async fn record_visitor(
    nome: String,
    documento: String,
    codice: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let receipt = shared::service::facilitation::counter::record(
        &ctx,
        &nome,
        &documento,
        codice.as_deref().unwrap_or(""),
    )
    .await?;
    // The receipt page shows the code once: with JavaScript from this answer,
    // without it from a draft only this staff member can take, once.
    let fields =
        std::collections::BTreeMap::from([("codice".to_owned(), receipt.claim_code.clone())]);
    shared::service::common::drafts::save(&ctx, &receipt_form(receipt.record_id), &fields).await?;
    leptos_axum::redirect(&format!(
        "/sportello/{}?esito=registrata",
        receipt.record_id
    ));
    Ok(())
}

/// The draft key under which a new record's claim code waits for its receipt.
pub fn receipt_form(record: uuid::Uuid) -> String {
    format!("ricevuta-{record}")
}

/// People recorded at the counter whose name matches.
#[server(endpoint = "counter/search")]
pub async fn search_visitors(cerca: Option<String>) -> Result<Vec<CounterRecordDto>, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(
        shared::service::facilitation::counter::search(&ctx, cerca.as_deref().unwrap_or(""))
            .await?,
    )
}

/// One person recorded at the counter.
#[server(endpoint = "counter/get")]
pub async fn get_visitor(id: String) -> Result<CounterRecordDto, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = uuid::Uuid::try_parse(id.trim()).map_err(|_| ApiError::NotFound)?;
    Ok(shared::service::facilitation::counter::detail(&ctx, id).await?)
}

/// Staff write a proposal for a recorded person.
#[server(endpoint = "counter/propose")]
#[allow(clippy::too_many_arguments)]
pub async fn propose_for_visitor(
    scheda: String,
    process: String,
    piattaforma: String,
    titolo: String,
    testo: String,
    zona: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let record = parse_id(&scheda, "scheda")?;
    let zone = zona.as_deref().map(str::trim).filter(|z| !z.is_empty());
    let input = shared::model::participation::ProposalInput::parse(&titolo, &testo, zone, None)
        .map_err(|(field, problem)| ApiError::field(field, problem))?;
    shared::service::facilitation::counter::propose(&ctx, record, &process, &piattaforma, &input)
        .await?;
    leptos_axum::redirect(&format!("/sportello/{record}?esito=proposta-registrata"));
    Ok(())
}

/// Staff give a support for a recorded person (`proposta`: the proposal's id
/// or its address).
#[server(endpoint = "counter/support")]
pub async fn support_for_visitor(scheda: String, proposta: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let record = parse_id(&scheda, "scheda")?;
    let raw = proposta.trim().trim_end_matches('/');
    let raw = raw.rsplit('/').next().unwrap_or(raw);
    let proposal = parse_id(raw, "proposta")?;
    shared::service::facilitation::counter::support(&ctx, record, proposal).await?;
    leptos_axum::redirect(&format!("/sportello/{record}?esito=sostegno-registrato"));
    Ok(())
}

/// A person signed in online claims their counter record.
#[server(endpoint = "counter/claim")]
pub async fn claim_counter_record(codice: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let outcome = shared::service::facilitation::counter::claim(&ctx, &codice).await?;
    leptos_axum::redirect(&format!(
        "/profilo?esito=scheda-rivendicata&proposte={}&sostegni={}#sportello",
        outcome.proposals, outcome.supports
    ));
    Ok(())
}
