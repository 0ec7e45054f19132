//! Projects that merge proposals: the list of a process's projects and one
//! project.

use axum::Json;
use axum::extract::{Extension, State};
use shared::model::facilitation::{ProjectDetail, ProjectSummary};
use shared::service::{Actor, facilitation::projects};
use uuid::Uuid;

use super::common::{ReadProblems, ctx};
use super::extract::ApiPath;
use super::problem::Problem;
use crate::state::AppState;

/// The projects of a process, with their originals' figures.
#[utoipa::path(get, path = "/processes/{process}/projects", operation_id = "plan_projects", tag = "progetti",
    params(("process" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "The projects", body = Vec<ProjectSummary>), ReadProblems))]
pub async fn projects(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
) -> Result<Json<Vec<ProjectSummary>>, Problem> {
    Ok(Json(projects::list(&ctx(&state, actor), &process).await?))
}

/// One project: its text, partners, merged proposals and distinct supporters.
#[utoipa::path(get, path = "/projects/{id}", operation_id = "plan_project", tag = "progetti",
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 200, description = "The project", body = ProjectDetail), ReadProblems))]
pub async fn project(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ProjectDetail>, Problem> {
    Ok(Json(projects::detail(&ctx(&state, actor), id).await?))
}
