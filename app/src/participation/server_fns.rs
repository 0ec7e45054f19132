//! Taking part: writing proposals, comments, supports, follows, answers,
//! notifications, results and moving phases. Actions redirect back to the
//! page they belong to with an `esito` the page announces, so they work the
//! same with and without JavaScript.

use leptos::prelude::*;
use shared::model::participation::{
    CommentPage, NotificationPage, ProcessResults, ProposalHistory, SimilarProposal, ThreadPage,
};

use crate::ui::api_error::ApiError;
#[cfg(feature = "ssr")]
use shared::model::common::FieldProblem;

#[cfg(feature = "ssr")]
use crate::ui::ssr::parse_id;

#[cfg(feature = "ssr")]
fn to_proposal(id: uuid::Uuid, outcome: &str, anchor: &str) {
    leptos_axum::redirect(&format!("/proposte/{id}?esito={outcome}#{anchor}"));
}

/// Back to the thread page a comment form was on (`discussione`, the
/// replies cursor `risposte`), else to the proposal.
#[cfg(feature = "ssr")]
fn to_thread_or_proposal(
    id: uuid::Uuid,
    thread: Option<&str>,
    cursor: Option<&str>,
    outcome: &str,
    anchor: &str,
) {
    let root = thread.and_then(|t| uuid::Uuid::try_parse(t.trim()).ok());
    // A cursor is digits, a dot and hex digits: anything else is dropped.
    let cursor = cursor
        .map(str::trim)
        .filter(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_hexdigit() || ch == '.'));
    match (root, cursor) {
        (Some(root), Some(cursor)) => leptos_axum::redirect(&format!(
            "/proposte/{id}/discussioni/{root}?risposte={cursor}&esito={outcome}#{anchor}"
        )),
        (Some(root), None) => leptos_axum::redirect(&format!(
            "/proposte/{id}/discussioni/{root}?esito={outcome}#{anchor}"
        )),
        _ => to_proposal(id, outcome, anchor),
    }
}

#[cfg(feature = "ssr")]
fn input(
    title: &str,
    body: &str,
    zone: Option<&str>,
    direction: Option<&str>,
) -> Result<shared::model::participation::ProposalInput, ApiError> {
    shared::model::participation::ProposalInput::parse(title, body, zone, direction)
        .map_err(|(field, problem)| ApiError::field(field, problem))
}

/// When a form sent without JavaScript is refused, keeps what was typed so
/// the page the browser goes back to can show it again. (With JavaScript the
/// form never leaves the page, so nothing needs keeping.)
#[cfg(feature = "ssr")]
async fn keep_on_error<T>(
    ctx: &shared::service::Ctx,
    form: &str,
    fields: &[(&str, &str)],
    result: Result<T, ApiError>,
) -> Result<T, ApiError> {
    let about_input = matches!(
        result,
        Err(ApiError::InvalidInput { .. } | ApiError::Refused(_))
    );
    if about_input && crate::ui::ssr::is_plain_form_post() {
        let fields = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if let Err(error) = shared::service::common::drafts::save(ctx, form, &fields).await {
            tracing::warn!(%error, "form draft not kept");
        }
    }
    result
}

/// What the person typed in `form` before it was refused (taken once).
#[server(endpoint = "drafts/take")]
pub async fn take_form_draft(
    form: String,
) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::common::drafts::take(&ctx, &form)
        .await?
        .unwrap_or_default())
}

/// Publishes a proposal and opens it.
#[server(endpoint = "proposals/create")]
pub async fn create_proposal(
    process: String,
    piattaforma: String,
    titolo: String,
    testo: String,
    zona: Option<String>,
    direzione: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let result = async {
        let input = input(&titolo, &testo, zona.as_deref(), direzione.as_deref())?;
        Ok(
            shared::service::participation::authoring::create(&ctx, &process, &piattaforma, &input)
                .await?,
        )
    }
    .await;
    let fields = [
        ("piattaforma", piattaforma.as_str()),
        ("titolo", titolo.as_str()),
        ("testo", testo.as_str()),
        ("zona", zona.as_deref().unwrap_or("")),
        ("direzione", direzione.as_deref().unwrap_or("")),
    ];
    let id = keep_on_error(&ctx, &format!("proposta-{process}"), &fields, result).await?;
    to_proposal(id, "proposta-pubblicata", "contenuto");
    Ok(())
}

/// Saves a new version of the author's proposal.
#[server(endpoint = "proposals/edit")]
pub async fn edit_proposal(
    id: String,
    titolo: String,
    testo: String,
    zona: Option<String>,
    direzione: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = parse_id(&id, "id")?;
    let result = async {
        let input = input(&titolo, &testo, zona.as_deref(), direzione.as_deref())?;
        Ok(shared::service::participation::authoring::edit(&ctx, id, &input).await?)
    }
    .await;
    let fields = [
        ("titolo", titolo.as_str()),
        ("testo", testo.as_str()),
        ("zona", zona.as_deref().unwrap_or("")),
        ("direzione", direzione.as_deref().unwrap_or("")),
    ];
    keep_on_error(&ctx, &format!("modifica-{id}"), &fields, result).await?;
    to_proposal(id, "proposta-modificata", "contenuto");
    Ok(())
}

/// The author withdraws their proposal.
#[server(endpoint = "proposals/withdraw")]
pub async fn withdraw_proposal(id: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = parse_id(&id, "id")?;
    shared::service::participation::authoring::withdraw(&ctx, id).await?;
    to_proposal(id, "proposta-ritirata", "contenuto");
    Ok(())
}

/// Every version of a proposal.
#[server(endpoint = "proposals/history")]
pub async fn get_proposal_history(id: String) -> Result<ProposalHistory, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = uuid::Uuid::try_parse(&id).map_err(|_| ApiError::NotFound)?;
    Ok(shared::service::participation::authoring::history(&ctx, id).await?)
}

/// Proposals like the one being written.
#[server(endpoint = "proposals/similar")]
pub async fn similar_proposals(
    process: String,
    text: String,
) -> Result<Vec<SimilarProposal>, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::participation::authoring::similar(&ctx, &process, &text).await?)
}

/// Follows (`segui=si`) or stops following a proposal.
#[server(endpoint = "proposals/follow")]
pub async fn follow_proposal(id: String, segui: Option<String>) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = parse_id(&id, "id")?;
    let on = segui.as_deref() == Some("si");
    shared::service::participation::authoring::follow(&ctx, id, on).await?;
    to_proposal(id, if on { "seguita" } else { "non-seguita" }, "segui");
    Ok(())
}

/// A facilitator's official answer with the new state.
#[server(endpoint = "proposals/answer")]
pub async fn answer_proposal(id: String, stato: String, risposta: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = parse_id(&id, "id")?;
    shared::service::participation::authoring::answer(&ctx, id, &stato, &risposta).await?;
    to_proposal(id, "risposta-pubblicata", "risposta");
    Ok(())
}

/// Supports a proposal (a repeat changes nothing).
#[server(endpoint = "supports/give")]
pub async fn give_support(id: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = parse_id(&id, "id")?;
    shared::service::participation::supports::give(&ctx, id).await?;
    to_proposal(id, "sostegno-dato", "sostegno");
    Ok(())
}

/// Withdraws the person's support.
#[server(endpoint = "supports/withdraw")]
pub async fn withdraw_support(id: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = parse_id(&id, "id")?;
    shared::service::participation::supports::withdraw(&ctx, id).await?;
    to_proposal(id, "sostegno-ritirato", "sostegno");
    Ok(())
}

/// Supports per platform and zone.
#[server(endpoint = "processes/results")]
pub async fn get_results(process: String) -> Result<ProcessResults, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::participation::supports::results(&ctx, &process).await?)
}

/// One page of a proposal's comment threads.
#[server(endpoint = "comments/list")]
pub async fn list_comments(
    proposal: String,
    commenti: Option<String>,
) -> Result<CommentPage, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = uuid::Uuid::try_parse(&proposal).map_err(|_| ApiError::NotFound)?;
    Ok(shared::service::participation::comments::list(&ctx, id, commenti.as_deref()).await?)
}

/// One page of the replies of a long thread.
#[server(endpoint = "comments/thread")]
pub async fn list_replies(
    proposal: String,
    discussione: String,
    risposte: Option<String>,
) -> Result<ThreadPage, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = uuid::Uuid::try_parse(&proposal).map_err(|_| ApiError::NotFound)?;
    let root = uuid::Uuid::try_parse(&discussione).map_err(|_| ApiError::NotFound)?;
    Ok(
        shared::service::participation::comments::thread(&ctx, id, root, risposte.as_deref())
            .await?,
    )
}

/// Adds a comment or a reply.
#[server(endpoint = "comments/post")]
pub async fn post_comment(
    proposal: String,
    parent: Option<String>,
    commento: String,
    posizione: Option<String>,
    discussione: Option<String>,
    risposte: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let proposal = parse_id(&proposal, "proposal")?;
    let parent = match parent.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(raw) => Some(parse_id(raw, "parent")?),
        None => None,
    };
    let id = shared::service::participation::comments::post(
        &ctx,
        proposal,
        parent,
        &commento,
        posizione.as_deref().unwrap_or("neutro"),
    )
    .await?;
    to_thread_or_proposal(
        proposal,
        discussione.as_deref(),
        risposte.as_deref(),
        "commento-pubblicato",
        &format!("commento-{id}"),
    );
    Ok(())
}

/// The author edits their comment.
#[server(endpoint = "comments/edit")]
pub async fn edit_comment(
    proposal: String,
    id: String,
    commento: String,
    discussione: Option<String>,
    risposte: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let proposal = parse_id(&proposal, "proposal")?;
    let id = parse_id(&id, "id")?;
    shared::service::participation::comments::edit(&ctx, id, &commento).await?;
    to_thread_or_proposal(
        proposal,
        discussione.as_deref(),
        risposte.as_deref(),
        "commento-modificato",
        &format!("commento-{id}"),
    );
    Ok(())
}

/// The author deletes their comment (a tombstone stays).
#[server(endpoint = "comments/delete")]
pub async fn delete_comment(
    proposal: String,
    id: String,
    discussione: Option<String>,
    risposte: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let proposal = parse_id(&proposal, "proposal")?;
    let id = parse_id(&id, "id")?;
    shared::service::participation::comments::delete(&ctx, id).await?;
    to_thread_or_proposal(
        proposal,
        discussione.as_deref(),
        risposte.as_deref(),
        "commento-eliminato",
        &format!("commento-{id}"),
    );
    Ok(())
}

/// Votes a comment up (`su`), down (`giu`) or takes the vote back (`nessuno`).
#[server(endpoint = "comments/vote")]
pub async fn vote_comment(
    proposal: String,
    id: String,
    voto: String,
    discussione: Option<String>,
    risposte: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let proposal = parse_id(&proposal, "proposal")?;
    let id = parse_id(&id, "id")?;
    let vote = shared::model::participation::CommentVote::parse(&voto)
        .ok_or_else(|| ApiError::field("voto", FieldProblem::Malformed))?;
    shared::service::participation::comments::vote(&ctx, id, vote).await?;
    to_thread_or_proposal(
        proposal,
        discussione.as_deref(),
        risposte.as_deref(),
        "voto-registrato",
        &format!("commento-{id}"),
    );
    Ok(())
}

/// The author removes an image.
#[server(endpoint = "images/remove")]
pub async fn remove_image(proposal: String, id: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let proposal = parse_id(&proposal, "proposal")?;
    let id = parse_id(&id, "id")?;
    let store =
        use_context::<shared::service::participation::images::FileStore>().ok_or_else(|| {
            tracing::error!("file store missing from the request context");
            ApiError::Internal
        })?;
    shared::service::participation::images::remove(&ctx, &store, id).await?;
    to_proposal(proposal, "immagine-rimossa", "immagini");
    Ok(())
}

/// The person's notifications.
#[server(endpoint = "notifications/list")]
pub async fn list_notifications(dopo: Option<String>) -> Result<NotificationPage, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::notifications::inbox::list(&ctx, dopo.as_deref()).await?)
}

/// Marks every notification read (or one, with `id`).
#[server(endpoint = "notifications/read")]
pub async fn mark_notifications_read(id: Option<String>) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let only = match id.as_deref().filter(|i| !i.is_empty()) {
        Some(raw) => Some(parse_id(raw, "id")?),
        None => None,
    };
    shared::service::notifications::inbox::mark_read(&ctx, only).await?;
    leptos_axum::redirect("/notifiche?esito=lette");
    Ok(())
}

/// Turns the email digest on (`riepilogo=si`) or off.
#[server(endpoint = "notifications/digest")]
pub async fn set_email_digest(riepilogo: Option<String>) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    shared::service::notifications::inbox::set_digest(&ctx, riepilogo.as_deref() == Some("si"))
        .await?;
    leptos_axum::redirect("/profilo?esito=salvata#riepilogo");
    Ok(())
}

/// A facilitator opens the next phase of the process.
#[server(endpoint = "phases/advance")]
pub async fn advance_phase(process: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let detail = shared::service::processes::read::detail(&ctx, &process).await?;
    shared::service::processes::phases::advance(&ctx, detail.summary.id).await?;
    leptos_axum::redirect(&format!(
        "/processi/{}?esito=fase-avanzata#fasi",
        detail.summary.slug
    ));
    Ok(())
}

/// A facilitator sets a phase's supports per platform (empty: no limit) and
/// whether counts show while it runs (`visibili=si`).
#[server(endpoint = "phases/settings")]
pub async fn set_phase_settings(
    process: String,
    phase: String,
    sostegni: Option<String>,
    visibili: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let phase = parse_id(&phase, "phase")?;
    let limit = match sostegni.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<u32>()
                .map_err(|_| ApiError::field("sostegni", FieldProblem::Malformed))?,
        ),
    };
    shared::service::processes::phases::set_settings(
        &ctx,
        phase,
        limit,
        visibili.as_deref() == Some("si"),
    )
    .await?;
    let slug: String = process
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    leptos_axum::redirect(&format!("/processi/{slug}?esito=salvata#fasi"));
    Ok(())
}
