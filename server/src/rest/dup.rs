//! The DUP (editions and objectives), the links from proposals and projects
//! to its objectives, and the monitoring of progress.

use axum::Json;
use axum::extract::{Extension, State};
use axum::response::Response;
use http::StatusCode;
use serde::Deserialize;
use shared::model::dup::{
    EditionDetail, EditionList, ItemLinks, LinkInput, Monitoring, ObjectiveDetail, PlanItem,
};
use shared::service::dup::objectives;
use shared::service::{Actor, dup::editions, dup::links, dup::monitoring};
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::{Created, ReadProblems, WriteProblems, ctx, field_problem};
use super::extract::{ApiJson, ApiPath};
use super::participation::CreatedId;
use super::problem::Problem;
use crate::state::AppState;

/// The DUP editions, newest first.
#[utoipa::path(get, path = "/dup/editions", operation_id = "plan_editions", tag = "dup",
    responses((status = 200, description = "The editions", body = EditionList), ReadProblems))]
pub async fn editions(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<EditionList>, Problem> {
    Ok(Json(editions::editions(&ctx(&state, actor)).await?))
}

/// A DUP edition's tree: missions, programmes, strategic and operational
/// objectives. The whole edition in the exchange formats is at
/// `/dup/{id}/esporta.csv` and `/dup/{id}/esporta.json`.
#[utoipa::path(get, path = "/dup/editions/{id}", operation_id = "plan_edition", tag = "dup",
    params(("id" = Uuid, Path, description = "The edition's id")),
    responses((status = 200, description = "The edition", body = EditionDetail), ReadProblems))]
pub async fn edition(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<EditionDetail>, Problem> {
    Ok(Json(editions::edition(&ctx(&state, actor), id).await?))
}

/// An objective: its place in the tree, resources, indicators, linked
/// proposals and projects, and progress.
#[utoipa::path(get, path = "/dup/objectives/{id}", operation_id = "plan_objective", tag = "dup",
    params(("id" = Uuid, Path, description = "The objective's id")),
    responses((status = 200, description = "The objective", body = ObjectiveDetail), ReadProblems))]
pub async fn objective(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ObjectiveDetail>, Problem> {
    Ok(Json(objectives::objective(&ctx(&state, actor), id).await?))
}

/// The objectives a proposal feeds (through its project too); for
/// facilitators, also suggestions and the objectives they may link.
#[utoipa::path(get, path = "/proposals/{id}/objectives", operation_id = "plan_proposal_links", tag = "dup",
    params(("id" = Uuid, Path, description = "The proposal's id")),
    responses((status = 200, description = "The links", body = ItemLinks), ReadProblems))]
pub async fn proposal_links(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ItemLinks>, Problem> {
    Ok(Json(
        links::links_of(&ctx(&state, actor), PlanItem::Proposal(id)).await?,
    ))
}

/// The objectives a project feeds.
#[utoipa::path(get, path = "/projects/{id}/objectives", operation_id = "plan_project_links", tag = "dup",
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 200, description = "The links", body = ItemLinks), ReadProblems))]
pub async fn project_links(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ItemLinks>, Problem> {
    Ok(Json(
        links::links_of(&ctx(&state, actor), PlanItem::Project(id)).await?,
    ))
}

/// A link to an objective of the process's DUP.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLink {
    /// The objective's id.
    #[schema(format = Uuid)]
    pub obiettivo: String,
    /// Why the item serves the objective (at most 500 characters).
    #[schema(max_length = 500)]
    pub motivazione: String,
    /// 1 (marginal) to 5 (central).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 5)]
    pub peso: Option<u8>,
}

async fn link(
    state: AppState,
    actor: Actor,
    item: PlanItem,
    body: NewLink,
) -> Result<Response, Problem> {
    let weight = body.peso.map(|w| w.to_string()).unwrap_or_default();
    let input =
        LinkInput::parse(&body.obiettivo, &body.motivazione, &weight).map_err(field_problem)?;
    let id = links::link(&ctx(&state, actor), item, &input).await?;
    let at = match item {
        PlanItem::Proposal(p) => format!("/api/v1/proposals/{p}/objectives"),
        PlanItem::Project(p) => format!("/api/v1/projects/{p}/objectives"),
    };
    Ok(Created::at(at, CreatedId { id }))
}

/// Links a proposal to an objective (the platform's facilitators); linking
/// again updates the rationale and weight.
#[utoipa::path(post, path = "/proposals/{id}/objectives", operation_id = "plan_link_proposal", tag = "dup",
    params(("id" = Uuid, Path, description = "The proposal's id")),
    request_body = NewLink,
    responses((status = 201, description = "Linked; the link's id", body = CreatedId), WriteProblems))]
pub async fn link_proposal(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<NewLink>,
) -> Result<Response, Problem> {
    link(state, actor, PlanItem::Proposal(id), body).await
}

/// Links a project to an objective (the platform's facilitators).
#[utoipa::path(post, path = "/projects/{id}/objectives", operation_id = "plan_link_project", tag = "dup",
    params(("id" = Uuid, Path, description = "The project's id")),
    request_body = NewLink,
    responses((status = 201, description = "Linked; the link's id", body = CreatedId), WriteProblems))]
pub async fn link_project(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<NewLink>,
) -> Result<Response, Problem> {
    link(state, actor, PlanItem::Project(id), body).await
}

/// Removes a link (the platform's facilitators).
#[utoipa::path(delete, path = "/dup/links/{id}", operation_id = "plan_unlink", tag = "dup",
    params(("id" = Uuid, Path, description = "The link's id")),
    responses((status = 204, description = "Removed"), WriteProblems))]
pub async fn unlink(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, Problem> {
    links::unlink(&ctx(&state, actor), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The monitoring of an approved plan: each linked objective and project
/// with its latest progress, indicators and timeline.
#[utoipa::path(get, path = "/processes/{process}/monitoring", operation_id = "plan_monitoring", tag = "dup",
    params(("process" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "The monitoring", body = Monitoring), ReadProblems))]
pub async fn monitoring(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
) -> Result<Json<Monitoring>, Problem> {
    Ok(Json(
        monitoring::overview(&ctx(&state, actor), &process).await?,
    ))
}
