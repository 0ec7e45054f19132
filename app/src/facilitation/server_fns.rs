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
use crate::ui::ssr::parse_id;

/// Redirects to `back` (a path of this site, else `fallback`) with an outcome.
#[cfg(feature = "ssr")]
fn back_to(back: Option<&str>, fallback: &str, outcome: &str) {
    // Only a path of this site, in a strict alphabet: no scheme, no host,
    // no whitespace or control characters a browser might skip.
    let safe = |p: &&str| {
        p.starts_with('/')
            && !p[1..].starts_with(['/', '\\'])
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/-_.~#?=&%".contains(c))
    };
    let path = back.map(str::trim).filter(safe).unwrap_or(fallback);
    let (path, anchor) = match path.split_once('#') {
        Some((path, anchor)) => (path, format!("#{anchor}")),
        None => (path, String::new()),
    };
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    // A platform's page stays that platform's page.
    let platform = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("piattaforma="))
        .filter(|slug| {
            !slug.is_empty()
                && slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .map(|slug| format!("piattaforma={slug}&"))
        .unwrap_or_default();
    // A query never seen before, so the page reloads its data even when the
    // same action runs twice in a row.
    let nonce = chrono::Utc::now().timestamp_millis();
    leptos_axum::redirect(&format!(
        "{path}?{platform}esito={outcome}&v={nonce}{anchor}"
    ));
}

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

#[cfg(feature = "ssr")]
fn first_problem(problems: Vec<(&'static str, FieldProblem)>) -> ApiError {
    let (field, problem) = problems[0];
    ApiError::field(field, problem)
}

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
