//! Proposals, their comments and supports. Requests name their fields as
//! the site's forms do (`titolo`, `testo`…), so a refusal names the same
//! field in the API and on the page.

use axum::Json;
use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::{Deserialize, Serialize};
use shared::model::participation::listing::ProposalListParams;
use shared::model::participation::{CommentPage, ProposalInput, SupportOutcome, ThreadPage};
use shared::model::participation::{ProposalDetail, ProposalPage};
use shared::service::{
    Actor, ServiceError, participation::authoring, participation::comments,
    participation::proposals, participation::supports,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::common::{Created, ReadProblems, WriteProblems, ctx, field_problem};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::problem::Problem;
use crate::state::AppState;

/// A page of proposals: the same filters, search, order and cursor as the
/// site's list (`/processi/{process}/proposte?…`).
#[utoipa::path(get, path = "/processes/{process}/proposals", operation_id = "proposals_list", tag = "proposte",
    params(("process" = String, Path, description = "The process's slug"), ProposalListParams),
    responses((status = 200, description = "One page; `next` is the cursor of the following page (also in `Link: rel=\"next\"`)", body = ProposalPage), ReadProblems))]
pub async fn list(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
    ApiQuery(params): ApiQuery<ProposalListParams>,
) -> Result<Response, Problem> {
    let fresh_seed = (Uuid::now_v7().as_u128() & u128::from(u32::MAX)) as u32;
    let query = params
        .parse(fresh_seed)
        .map_err(|e| Problem::field(&e.field, shared::model::common::FieldProblem::Malformed))?;
    let page = proposals::list(&ctx(&state, actor), &process, &query).await?;
    let next_link = page.next.as_ref().map(|cursor| {
        let mut next = params.clone();
        next.dopo = Some(cursor.clone());
        next.seme = page.seed.map(|s| s.to_string());
        // While the vote hides the counts the list came newest first, not by
        // supports: so do its next pages (as on the site's list).
        if page.counts_hidden
            && query.sort == shared::model::participation::listing::ProposalSort::MostSupported
        {
            next.ordine = Some("recenti".into());
        }
        let query = serde_urlencoded(&next);
        format!("</api/v1/processes/{process}/proposals?{query}>; rel=\"next\"")
    });
    let mut response = Json(page).into_response();
    if let Some(value) = next_link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        response.headers_mut().insert(header::LINK, value);
    }
    Ok(response)
}

/// The query string of list parameters, empty ones left out.
fn serde_urlencoded(params: &ProposalListParams) -> String {
    let pairs = [
        ("piattaforma", &params.piattaforma),
        ("direzione", &params.direzione),
        ("zona", &params.zona),
        ("stato", &params.stato),
        ("ordine", &params.ordine),
        ("seme", &params.seme),
        ("cerca", &params.cerca),
        ("dopo", &params.dopo),
    ];
    pairs
        .iter()
        .filter_map(|(name, value)| {
            let value = value.as_deref()?.trim();
            (!value.is_empty()).then(|| format!("{name}={}", percent_encode(value)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One proposal with its answer, images and what the caller may do.
#[utoipa::path(get, path = "/proposals/{id}", operation_id = "proposals_detail", tag = "proposte",
    params(("id" = Uuid, Path, description = "The proposal's id")),
    responses((status = 200, description = "The proposal", body = ProposalDetail), ReadProblems))]
pub async fn detail(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ProposalDetail>, Problem> {
    Ok(Json(proposals::detail(&ctx(&state, actor), id).await?))
}

/// A new proposal.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    /// The platform's slug.
    pub piattaforma: String,
    /// The title, 10–150 characters on one line.
    #[schema(min_length = 10, max_length = 150)]
    pub titolo: String,
    /// The text (Markdown), 30–20,000 characters.
    #[schema(min_length = 30, max_length = 20000)]
    pub testo: String,
    /// A zone's slug.
    #[serde(default)]
    pub zona: Option<String>,
    /// A strategic direction's code.
    #[serde(default)]
    pub direzione: Option<String>,
}

/// A proposal's new text (every field; what is left out is cleared).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalChange {
    /// The title, 10–150 characters on one line.
    #[schema(min_length = 10, max_length = 150)]
    pub titolo: String,
    /// The text (Markdown), 30–20,000 characters.
    #[schema(min_length = 30, max_length = 20000)]
    pub testo: String,
    /// A zone's slug.
    #[serde(default)]
    pub zona: Option<String>,
    /// A strategic direction's code.
    #[serde(default)]
    pub direzione: Option<String>,
}

/// Publishes a proposal in a platform of the process (signed-in people,
/// in a phase that takes proposals). The author follows it.
#[utoipa::path(post, path = "/processes/{process}/proposals", operation_id = "proposals_create", tag = "proposte",
    params(("process" = String, Path, description = "The process's slug")),
    request_body = NewProposal,
    responses((status = 201, description = "Published; `Location` is its address", body = ProposalDetail), WriteProblems))]
pub async fn create(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
    ApiJson(body): ApiJson<NewProposal>,
) -> Result<Response, Problem> {
    let ctx = ctx(&state, actor);
    let input = ProposalInput::parse(
        &body.titolo,
        &body.testo,
        body.zona.as_deref(),
        body.direzione.as_deref(),
    )
    .map_err(field_problem)?;
    let id = authoring::create(&ctx, &process, &body.piattaforma, &input).await?;
    let detail = proposals::detail(&ctx, id).await?;
    Ok(Created::at(format!("/api/v1/proposals/{id}"), detail))
}

/// Changes a proposal's text (its author, while it may still be edited).
#[utoipa::path(put, path = "/proposals/{id}", operation_id = "proposals_update", tag = "proposte",
    params(("id" = Uuid, Path, description = "The proposal's id")),
    request_body = ProposalChange,
    responses((status = 200, description = "The proposal as changed", body = ProposalDetail), WriteProblems))]
pub async fn update(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ProposalChange>,
) -> Result<Json<ProposalDetail>, Problem> {
    let ctx = ctx(&state, actor);
    let input = ProposalInput::parse(
        &body.titolo,
        &body.testo,
        body.zona.as_deref(),
        body.direzione.as_deref(),
    )
    .map_err(field_problem)?;
    authoring::edit(&ctx, id, &input).await?;
    Ok(Json(proposals::detail(&ctx, id).await?))
}

/// Withdraws a proposal (its author).
#[utoipa::path(post, path = "/proposals/{id}/withdraw", operation_id = "proposals_withdraw", tag = "proposte",
    params(("id" = Uuid, Path, description = "The proposal's id")),
    responses((status = 200, description = "The withdrawn proposal", body = ProposalDetail), WriteProblems))]
pub async fn withdraw(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ProposalDetail>, Problem> {
    let ctx = ctx(&state, actor);
    authoring::withdraw(&ctx, id).await?;
    Ok(Json(proposals::detail(&ctx, id).await?))
}

/// Supports a proposal (once per person, enforced by the database; a
/// second call changes nothing).
#[utoipa::path(put, path = "/proposals/{id}/support", operation_id = "proposals_support", tag = "sostegni",
    params(("id" = Uuid, Path, description = "The proposal's id")),
    responses((status = 200, description = "The caller's support and the count", body = SupportOutcome), WriteProblems))]
pub async fn support(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<SupportOutcome>, Problem> {
    Ok(Json(supports::give(&ctx(&state, actor), id).await?))
}

/// Withdraws the caller's support, while the phase allows supporting.
#[utoipa::path(delete, path = "/proposals/{id}/support", operation_id = "proposals_withdraw_support", tag = "sostegni",
    params(("id" = Uuid, Path, description = "The proposal's id")),
    responses((status = 200, description = "The caller's support and the count", body = SupportOutcome), WriteProblems))]
pub async fn withdraw_support(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<SupportOutcome>, Problem> {
    Ok(Json(supports::withdraw(&ctx(&state, actor), id).await?))
}

/// Where a page of comments starts.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentParams {
    /// The cursor (`next`) of the previous page, as the server wrote it.
    #[param(pattern = "^-?[0-9]{1,20}\\.[0-9a-f]{32}$")]
    pub dopo: Option<String>,
}

/// A page of a proposal's comment threads, oldest first, replies nested.
#[utoipa::path(get, path = "/proposals/{id}/comments", operation_id = "proposals_comments", tag = "commenti",
    params(("id" = Uuid, Path, description = "The proposal's id"), CommentParams),
    responses((status = 200, description = "One page of threads", body = CommentPage), ReadProblems))]
pub async fn comments(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(params): ApiQuery<CommentParams>,
) -> Result<Json<CommentPage>, Problem> {
    let after = params
        .dopo
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    // The service names the cursor as the page does; here it is `dopo`.
    let page = comments::list(&ctx(&state, actor), id, after)
        .await
        .map_err(|error| match error {
            ServiceError::InvalidInput { field, problem } if field == "commenti" => {
                Problem::field("dopo", problem)
            }
            other => Problem::from(other),
        })?;
    Ok(Json(page))
}

/// The replies of one thread after the cursor, 50 at a time, nested under
/// the thread's first comment (a long thread's rest, after the replies a
/// comments page shows).
#[utoipa::path(get, path = "/proposals/{id}/comments/{comment}/replies", operation_id = "proposals_comment_replies", tag = "commenti",
    params(("id" = Uuid, Path, description = "The proposal's id"),
        ("comment" = Uuid, Path, description = "The thread's first comment"), CommentParams),
    responses((status = 200, description = "One page of replies", body = ThreadPage), ReadProblems))]
pub async fn replies(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath((id, comment)): ApiPath<(Uuid, Uuid)>,
    ApiQuery(params): ApiQuery<CommentParams>,
) -> Result<Json<ThreadPage>, Problem> {
    let after = params
        .dopo
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let page = comments::thread(&ctx(&state, actor), id, comment, after)
        .await
        .map_err(|error| match error {
            ServiceError::InvalidInput { field, problem } if field == "risposte" => {
                Problem::field("dopo", problem)
            }
            other => Problem::from(other),
        })?;
    Ok(Json(page))
}

/// How a comment stands towards the proposal.
#[derive(Clone, Copy, Debug, ToSchema)]
#[allow(dead_code)]
#[schema(rename_all = "lowercase")]
pub enum Position {
    Favore,
    Neutro,
    Contro,
}

/// A new comment or reply.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// The text (Markdown), 2–5,000 characters.
    #[schema(min_length = 2, max_length = 5000)]
    pub commento: String,
    /// `favore`, `neutro` or `contro`.
    #[schema(value_type = Position)]
    pub posizione: String,
    /// The comment this replies to.
    #[serde(default)]
    pub risposta_a: Option<Uuid>,
}

/// A comment's new text.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentChange {
    /// The text (Markdown), 2–5,000 characters.
    #[schema(min_length = 2, max_length = 5000)]
    pub commento: String,
}

/// Comments on a proposal or replies to a comment (signed-in people, in a
/// phase that takes comments).
#[utoipa::path(post, path = "/proposals/{id}/comments", operation_id = "proposals_post_comment", tag = "commenti",
    params(("id" = Uuid, Path, description = "The proposal's id")),
    request_body = NewComment,
    responses((status = 201, description = "Posted", body = CreatedId), WriteProblems))]
pub async fn post_comment(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<NewComment>,
) -> Result<Response, Problem> {
    let comment = comments::post(
        &ctx(&state, actor),
        id,
        body.risposta_a,
        &body.commento,
        &body.posizione,
    )
    .await?;
    Ok(Created::at(
        format!("/api/v1/proposals/{id}/comments"),
        CreatedId { id: comment },
    ))
}

/// The id of what was created.
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
pub struct CreatedId {
    pub id: Uuid,
}

/// Changes a comment's text (its author).
#[utoipa::path(put, path = "/comments/{id}", operation_id = "proposals_edit_comment", tag = "commenti",
    params(("id" = Uuid, Path, description = "The comment's id")),
    request_body = CommentChange,
    responses((status = 204, description = "Changed"), WriteProblems))]
pub async fn edit_comment(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CommentChange>,
) -> Result<StatusCode, Problem> {
    comments::edit(&ctx(&state, actor), id, &body.commento).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a comment (its author): replies stay, under a tombstone.
#[utoipa::path(delete, path = "/comments/{id}", operation_id = "proposals_delete_comment", tag = "commenti",
    params(("id" = Uuid, Path, description = "The comment's id")),
    responses((status = 204, description = "Deleted"), WriteProblems))]
pub async fn delete_comment(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, Problem> {
    comments::delete(&ctx(&state, actor), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_keep_the_filters_and_encode_them() {
        let params = ProposalListParams {
            zona: Some("centro".into()),
            cerca: Some("piste ciclabili & più".into()),
            dopo: Some("s3_abc".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_urlencoded(&params),
            "zona=centro&cerca=piste%20ciclabili%20%26%20pi%C3%B9&dopo=s3_abc"
        );
    }
}
