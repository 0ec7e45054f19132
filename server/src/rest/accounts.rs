//! The caller: who they are, and their notifications.

use axum::Json;
use axum::extract::{Extension, State};
use serde::{Deserialize, Serialize};
use shared::model::accounts::CurrentUser;
use shared::model::participation::NotificationPage;
use shared::service::{Actor, ServiceError, accounts::account, notifications::inbox};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::common::{SignedInProblems, WriteProblems, ctx};
use super::extract::{ApiJson, ApiQuery};
use super::problem::Problem;
use crate::state::AppState;

/// The signed-in caller, with their roles.
#[utoipa::path(get, path = "/me", operation_id = "me_me", tag = "io",
    responses((status = 200, description = "The caller", body = CurrentUser), SignedInProblems))]
pub async fn me(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Json<CurrentUser>, Problem> {
    let info = account::session_info(&ctx(&state, actor)).await?;
    info.user
        .map(Json)
        .ok_or_else(|| ServiceError::Unauthenticated.into())
}

/// Where a page of notifications starts.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationParams {
    /// The cursor (`next`) of the previous page: a notification's id.
    #[param(value_type = Option<uuid::Uuid>)]
    pub prima: Option<String>,
}

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/me/notifications", operation_id = "me_notifications", tag = "io",
    params(NotificationParams),
    responses((status = 200, description = "One page", body = NotificationPage), SignedInProblems))]
pub async fn notifications(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiQuery(params): ApiQuery<NotificationParams>,
) -> Result<Json<NotificationPage>, Problem> {
    let before = params
        .prima
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    // The service names the cursor `dopo`; here it is `prima`.
    let page = inbox::list(&ctx(&state, actor), before)
        .await
        .map_err(|error| match error {
            ServiceError::InvalidInput { field, problem } if field == "dopo" => {
                Problem::field("prima", problem)
            }
            other => Problem::from(other),
        })?;
    Ok(Json(page))
}

/// Which notifications to mark as read.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// Only this one; all of them when left out.
    #[serde(default)]
    pub notifica: Option<Uuid>,
}

/// How many notifications changed.
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
pub struct Marked {
    pub marked: u64,
}

/// Marks the caller's notifications (or one of them) as read.
#[utoipa::path(post, path = "/me/notifications/read", operation_id = "me_mark_read", tag = "io",
    request_body = MarkRead,
    responses((status = 200, description = "How many were marked", body = Marked), WriteProblems))]
pub async fn mark_read(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    ApiJson(body): ApiJson<MarkRead>,
) -> Result<Json<Marked>, Problem> {
    let marked = inbox::mark_read(&ctx(&state, actor), body.notifica).await?;
    Ok(Json(Marked { marked }))
}
