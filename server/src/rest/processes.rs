//! Processes and what they are made of: phases, platforms, strategic
//! directions, zones, and their participation figures.

use axum::Json;
use axum::extract::{Extension, State};
use serde::Serialize;
use shared::model::dup::Coverage;
use shared::model::participation::PlatformDetail;
use shared::model::participation::ProcessResults;
use shared::model::processes::{
    DirectionDto, PhaseDto, PlatformDto, ProcessDetail, ProcessStats, ProcessSummary, ZoneDto,
};
use shared::service::{Actor, dup::links, participation::supports, processes::read};
use utoipa::{IntoParams, ToSchema};

use super::common::{ReadProblems, ctx};
use super::extract::{ApiPath, ApiQuery};
use super::problem::Problem;
use crate::state::AppState;

/// Every process, newest first.
#[utoipa::path(get, path = "/processes", operation_id = "processes_list", tag = "processi",
    responses((status = 200, description = "The processes", body = Vec<ProcessSummary>), ReadProblems))]
pub async fn list(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<Vec<ProcessSummary>>, Problem> {
    Ok(Json(read::list(&ctx(&state, actor)).await?))
}

/// A process with its phases, directions, platforms, zones and figures,
/// and what the caller may do in it.
#[utoipa::path(get, path = "/processes/{process}", operation_id = "processes_detail", tag = "processi",
    params(("process" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "The process", body = ProcessDetail), ReadProblems))]
pub async fn detail(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
) -> Result<Json<ProcessDetail>, Problem> {
    Ok(Json(read::detail(&ctx(&state, actor), &process).await?))
}

/// The phases of a process, in order, with their status today.
#[utoipa::path(get, path = "/processes/{process}/phases", operation_id = "processes_phases", tag = "processi",
    params(("process" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "The phases", body = Vec<PhaseDto>), ReadProblems))]
pub async fn phases(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
) -> Result<Json<Vec<PhaseDto>>, Problem> {
    let detail = read::detail(&ctx(&state, actor), &process).await?;
    Ok(Json(detail.summary.phases))
}

/// The project platforms (*piattaforme progettuali*) of a process.
#[utoipa::path(get, path = "/processes/{process}/platforms", operation_id = "processes_platforms", tag = "processi",
    params(("process" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "The platforms", body = Vec<PlatformDto>), ReadProblems))]
pub async fn platforms(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
) -> Result<Json<Vec<PlatformDto>>, Problem> {
    let detail = read::detail(&ctx(&state, actor), &process).await?;
    Ok(Json(detail.platforms))
}

/// One platform with its figures and most supported proposals.
#[utoipa::path(get, path = "/processes/{process}/platforms/{platform}", operation_id = "processes_platform", tag = "processi",
    params(("process" = String, Path, description = "The process's slug"),
           ("platform" = String, Path, description = "The platform's slug")),
    responses((status = 200, description = "The platform", body = PlatformDetail), ReadProblems))]
pub async fn platform(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath((process, platform)): ApiPath<(String, String)>,
) -> Result<Json<PlatformDetail>, Problem> {
    Ok(Json(
        shared::service::participation::platforms::platform_detail(
            &ctx(&state, actor),
            &process,
            &platform,
        )
        .await?,
    ))
}

/// The strategic directions of a process.
#[utoipa::path(get, path = "/processes/{process}/directions", operation_id = "processes_directions", tag = "processi",
    params(("process" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "The strategic directions", body = Vec<DirectionDto>), ReadProblems))]
pub async fn directions(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
) -> Result<Json<Vec<DirectionDto>>, Problem> {
    let detail = read::detail(&ctx(&state, actor), &process).await?;
    Ok(Json(detail.directions))
}

/// The homogeneous zones of a process.
#[utoipa::path(get, path = "/processes/{process}/zones", operation_id = "processes_zones", tag = "processi",
    params(("process" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "The zones", body = Vec<ZoneDto>), ReadProblems))]
pub async fn zones(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
) -> Result<Json<Vec<ZoneDto>>, Problem> {
    let detail = read::detail(&ctx(&state, actor), &process).await?;
    Ok(Json(detail.zones))
}

/// A process's participation figures.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Statistics {
    /// Proposals, supports and distinct participants.
    pub totals: ProcessStats,
    /// Supports per platform and per zone, with distinct supporters.
    pub results: ProcessResults,
}

/// Participation figures: totals, and supports per platform and zone
/// (hidden while a voting phase hides the counts).
#[utoipa::path(get, path = "/processes/{process}/statistics", operation_id = "processes_statistics", tag = "processi",
    params(("process" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "The figures", body = Statistics), ReadProblems))]
pub async fn statistics(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
) -> Result<Json<Statistics>, Problem> {
    let ctx = ctx(&state, actor);
    let detail = read::detail(&ctx, &process).await?;
    let results = supports::results(&ctx, &process).await?;
    Ok(Json(Statistics {
        totals: detail.stats,
        results,
    }))
}

/// The coverage filters.
#[derive(Clone, Debug, Default, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageParams {
    /// Only proposals in this zone (slug), and projects with an original there.
    pub zona: Option<String>,
    /// Only this platform (slug).
    pub piattaforma: Option<String>,
}

/// How the plan covers the objectives of the process's DUP: per mission and
/// objective, linked proposals, projects and distinct supporters.
#[utoipa::path(get, path = "/processes/{process}/coverage", operation_id = "processes_coverage", tag = "dup",
    params(("process" = String, Path, description = "The process's slug"), CoverageParams),
    responses((status = 200, description = "The coverage", body = Coverage), ReadProblems))]
pub async fn coverage(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
    ApiQuery(params): ApiQuery<CoverageParams>,
) -> Result<Json<Coverage>, Problem> {
    let pick = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Ok(Json(
        links::coverage(
            &ctx(&state, actor),
            &process,
            pick(&params.zona).as_deref(),
            pick(&params.piattaforma).as_deref(),
        )
        .await?,
    ))
}
