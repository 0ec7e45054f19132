//! The final plan: its versions (each frozen when saved), the comparison of
//! two, saving a new version (the process's facilitators) and the
//! council's approval. The same service functions as the plan's pages.

use axum::Json;
use axum::extract::{Extension, State};
use axum::response::Response;
use serde::Deserialize;
use shared::model::plan::{
    ApprovalInput, ApprovalView, ApprovingBody, PlanDiff, PlanInput, PlanOverview, PlanVersionView,
};
use shared::service::{Actor, plan::versions};
use utoipa::{IntoParams, ToSchema};

use super::common::{Created, ReadProblems, WriteProblems, ctx, field_problem};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::problem::Problem;
use crate::state::AppState;

/// The plan of a process: its versions, newest first, the approval, and
/// the version a reader sees (the approved one, else the newest).
#[utoipa::path(get, path = "/processes/{process}/plan", operation_id = "plan_overview", tag = "piano",
    params(("process" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "The plan", body = PlanOverview), ReadProblems))]
pub async fn overview(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
) -> Result<Json<PlanOverview>, Problem> {
    Ok(Json(
        versions::overview(&ctx(&state, actor), &process).await?,
    ))
}

/// One saved version, whole: the document as it read when saved (also as
/// HTML) and its approval if it is the approved one. The same version as
/// files: `/processi/{process}/piano/versioni/{number}/piano.md` and `piano.html`.
#[utoipa::path(get, path = "/processes/{process}/plan/versions/{number}", operation_id = "plan_version", tag = "piano",
    params(
        ("process" = String, Path, description = "The process's slug"),
        ("number" = i32, Path, description = "The version's number (1, 2, …)")
    ),
    responses((status = 200, description = "The version", body = PlanVersionView), ReadProblems))]
pub async fn version(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath((process, number)): ApiPath<(String, i32)>,
) -> Result<Json<PlanVersionView>, Problem> {
    Ok(Json(
        versions::version(&ctx(&state, actor), &process, number).await?,
    ))
}

/// The two versions to compare.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareParams {
    /// The older version's number (by default the one before `a`).
    #[param(minimum = 1)]
    pub da: Option<i32>,
    /// The newer version's number (by default the newest).
    #[param(minimum = 1)]
    pub a: Option<i32>,
}

/// Two versions compared line by line on their Markdown text: the changed
/// lines with three lines of context, and how many were added and removed.
#[utoipa::path(get, path = "/processes/{process}/plan/compare", operation_id = "plan_compare", tag = "piano",
    params(("process" = String, Path, description = "The process's slug"), CompareParams),
    responses((status = 200, description = "The comparison", body = PlanDiff), ReadProblems))]
pub async fn compare(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
    ApiQuery(params): ApiQuery<CompareParams>,
) -> Result<Json<PlanDiff>, Problem> {
    let ctx = ctx(&state, actor);
    let to = match params.a {
        Some(n) => n,
        None => versions::overview(&ctx, &process)
            .await?
            .versions
            .first()
            .map(|v| v.number)
            .unwrap_or(1),
    };
    let from = params.da.unwrap_or((to - 1).max(1));
    Ok(Json(versions::compare(&ctx, &process, from, to).await?))
}

/// A section's place and text in a new version.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionBody {
    /// `d:<direction code>` (`d:` for the platforms without one) or `p:<platform slug>`.
    pub sezione: String,
    /// 1–999, lower first; absent for the process's own order.
    #[serde(default)]
    pub posizione: Option<i32>,
    /// Editorial text, Markdown (at most 10,000 characters).
    #[serde(default)]
    pub testo: Option<String>,
}

/// A new version of the plan.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVersion {
    /// Markdown (at most 20,000 characters).
    #[serde(default)]
    pub introduzione: Option<String>,
    /// Markdown (at most 20,000 characters).
    #[serde(default)]
    pub conclusione: Option<String>,
    /// What changes in this version (at most 300 characters).
    #[serde(default)]
    #[schema(max_length = 300)]
    pub nota: Option<String>,
    /// Sections given a place or a text; the others keep the process's order.
    #[serde(default)]
    pub sezioni: Vec<SectionBody>,
}

/// The number of a saved version.
#[derive(Clone, Debug, serde::Serialize, ToSchema)]
pub struct SavedVersion {
    pub number: i32,
}

/// Saves a new version from the texts given and the process's data now
/// (the process's facilitators). An approved version is never changed.
#[utoipa::path(post, path = "/processes/{process}/plan/versions", operation_id = "plan_save", tag = "piano",
    params(("process" = String, Path, description = "The process's slug")),
    request_body = NewVersion,
    responses((status = 201, description = "Saved; its number", body = SavedVersion), WriteProblems))]
pub async fn save(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
    ApiJson(body): ApiJson<NewVersion>,
) -> Result<Response, Problem> {
    let sections: Vec<(String, String, String)> = body
        .sezioni
        .into_iter()
        .map(|s| {
            (
                s.sezione,
                s.posizione.map(|p| p.to_string()).unwrap_or_default(),
                s.testo.unwrap_or_default(),
            )
        })
        .collect();
    let text = |t: Option<String>| t.unwrap_or_default();
    let input = PlanInput::parse(
        &text(body.introduzione),
        &text(body.conclusione),
        &text(body.nota),
        &sections,
    )
    .map_err(|(field, problem)| field_problem((field.as_str(), problem)))?;
    let number = versions::save(&ctx(&state, actor), &process, &input).await?;
    Ok(Created::at(
        format!("/api/v1/processes/{process}/plan/versions/{number}"),
        SavedVersion { number },
    ))
}

/// The council's approval of a version.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApproval {
    /// The approved version's number.
    #[schema(minimum = 1)]
    pub versione: i32,
    /// Who approved it: `consiglio` or `giunta`.
    #[schema(value_type = ApprovingBody)]
    pub organo: String,
    /// The resolution's number as written ("45/2026").
    #[schema(max_length = 40)]
    pub numero_delibera: String,
    /// The resolution's date, `YYYY-MM-DD`.
    pub data_delibera: chrono::NaiveDate,
}

/// Records the approval of one version (council members, in the approval
/// phase, once per process).
#[utoipa::path(post, path = "/processes/{process}/plan/approval", operation_id = "plan_approve", tag = "piano",
    params(("process" = String, Path, description = "The process's slug")),
    request_body = NewApproval,
    responses((status = 201, description = "Recorded", body = ApprovalView), WriteProblems))]
pub async fn approve(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiPath(process): ApiPath<String>,
    ApiJson(body): ApiJson<NewApproval>,
) -> Result<Response, Problem> {
    let input = ApprovalInput::parse(
        &body.versione.to_string(),
        &body.organo,
        &body.numero_delibera,
        &body.data_delibera.to_string(),
    )
    .map_err(|(field, problem)| field_problem((field.as_str(), problem)))?;
    let approval = versions::approve(&ctx(&state, actor), &process, &input).await?;
    Ok(Created::at(
        format!("/api/v1/processes/{process}/plan"),
        approval,
    ))
}
