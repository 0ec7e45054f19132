//! The participation loop on a real database: phase rules and moves, writing
//! and editing proposals, supports (limits, concurrency), comments, follows
//! and notifications, search, safe Markdown, images and results, through the
//! services and through the real router.

mod forms;
mod images_and_results;
mod lists_and_notifications;
mod phase_rules;
mod search_and_markup;
mod supporting;
mod threads;

use std::collections::{HashMap, HashSet};

use axum::body::Body;
use chrono::{Duration, NaiveDate, Utc};
use http::{Request, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use shared::model::common::{Availability, EditLock, ParticipationAction, PhaseOpening, Refusal};
use shared::model::participation::listing::ProposalListParams;
use shared::model::participation::{CommentDto, CommentVote, NotificationKind, ProposalInput};
use shared::model::{PhaseTimeline, ProposalState, Role};
use shared::service::entity::{
    attachment, comment, follow, notification, phase, platform, process, proposal, support, user,
};
use shared::service::{
    Actor, Ctx, Person, ServiceError, accounts::account, notifications::inbox,
    participation::authoring, participation::comments, participation::proposals,
    participation::supports, processes::phases,
};
use uuid::Uuid;

use crate::helpers::{
    Answer, ORIGIN, TestApp, ctx, encode, fresh_person, person, process_row, proposal_row, refusal,
    sign_in_demo, spawn_app,
};

const ALESSANDRIA: &str = "piano-strategico-alessandria-2030";
const PINEROLO: &str = "agenda-digitale-pinerolo";
const BODY: &str = "Un testo che supera senz'altro i trenta caratteri richiesti.";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn system(app: &TestApp) -> Ctx {
    Ctx::new(app.db.clone(), Actor::System)
}

/// The phases of a process, in order.
async fn phases_of(app: &TestApp, process_id: Uuid) -> Vec<phase::Model> {
    phase::Entity::find()
        .filter(phase::Column::ProcessId.eq(process_id))
        .order_by_asc(phase::Column::Position)
        .all(&app.db)
        .await
        .unwrap()
}

fn phase_of_kind<'a>(phases: &'a [phase::Model], kind: &str) -> &'a phase::Model {
    phases
        .iter()
        .find(|p| p.kind == kind)
        .unwrap_or_else(|| panic!("a {kind} phase"))
}

async fn set_phase_dates(app: &TestApp, id: Uuid, starts_on: NaiveDate, ends_on: NaiveDate) {
    phase::Entity::update_many()
        .col_expr(phase::Column::StartsOn, Expr::value(starts_on))
        .col_expr(phase::Column::EndsOn, Expr::value(ends_on))
        .filter(phase::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
}

/// Published proposals of a platform, oldest id first.
async fn published_in(app: &TestApp, process_slug: &str, platform_slug: &str) -> Vec<Uuid> {
    let process = process_row(app, process_slug).await;
    let platform = platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(process.id))
        .filter(platform::Column::Slug.eq(platform_slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("platform {platform_slug}"));
    proposal::Entity::find()
        .filter(proposal::Column::PlatformId.eq(platform.id))
        .filter(proposal::Column::State.eq(ProposalState::Published.as_str()))
        .order_by_asc(proposal::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect()
}

async fn first_published(app: &TestApp, process_slug: &str) -> Uuid {
    let process = process_row(app, process_slug).await;
    proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::State.eq(ProposalState::Published.as_str()))
        .order_by_asc(proposal::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("a published proposal")
        .id
}

fn input(title: &str, body: &str) -> ProposalInput {
    ProposalInput::parse(title, body, None, None).expect("valid proposal input")
}

/// Publishes a proposal through the service.
async fn propose(
    app: &TestApp,
    who: &Person,
    process_slug: &str,
    platform_slug: &str,
    title: &str,
    body: &str,
) -> Uuid {
    authoring::create(
        &ctx(app, who),
        process_slug,
        platform_slug,
        &input(title, body),
    )
    .await
    .unwrap_or_else(|e| panic!("{title}: {e:?}"))
}

async fn supports_rows(app: &TestApp, proposal_id: Uuid) -> u64 {
    support::Entity::find()
        .filter(support::Column::ProposalId.eq(proposal_id))
        .count(&app.db)
        .await
        .unwrap()
}

async fn supports_by(app: &TestApp, user_id: Uuid) -> u64 {
    support::Entity::find()
        .filter(support::Column::UserId.eq(user_id))
        .count(&app.db)
        .await
        .unwrap()
}

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

/// The id in a `/proposte/{id}?…` redirect.
fn proposal_id_in(location: &str) -> Uuid {
    let rest = location
        .strip_prefix("/proposte/")
        .unwrap_or_else(|| panic!("a proposal redirect: {location}"));
    Uuid::try_parse(&rest[..36]).expect("a proposal id")
}

/// Every comment of a page of threads, depth first.
fn flatten(threads: &[CommentDto]) -> Vec<&CommentDto> {
    let mut out = Vec::new();
    for c in threads {
        out.push(c);
        out.extend(flatten(&c.replies));
    }
    out
}

// ---------------------------------------------------------------------------
// 1. Phase rules
// ---------------------------------------------------------------------------
