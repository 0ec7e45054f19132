//! The participation loop on a real database: phase rules and moves, writing
//! and editing proposals, supports (limits, concurrency), comments, follows
//! and notifications, search, safe Markdown, images and results, through the
//! services and through the real router.

mod forms;
mod images_and_results;
mod lists_and_notifications;
mod search_and_markup;
mod supporting;
mod threads;

use std::collections::{HashMap, HashSet};

use axum::body::Body;
use chrono::{Duration, Utc};
use http::{Request, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared::model::ProposalState;
use shared::model::common::{Availability, Refusal};
use shared::model::participation::NotificationKind;
use shared::service::entity::{attachment, comment, phase, platform, proposal, support, user};
use shared::service::{
    Actor, Ctx, ServiceError, accounts::account, notifications::inbox, participation::authoring,
    participation::comments, participation::proposals, participation::supports, processes::phases,
};
use uuid::Uuid;

use crate::helpers::{
    Answer, TestApp, ctx, encode, fresh_person, image_upload, person, process_row, proposal_row,
    refusal, sign_in_demo, spawn_app,
};
use shared::testing::helpers::*;
use shared::testing::participation::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// POST `fields` as a JavaScript client would (asking for JSON).
async fn post_api(
    app: &TestApp,
    uri: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> Answer {
    app.post_form_accepting(uri, fields, cookie, "application/json")
        .await
}
