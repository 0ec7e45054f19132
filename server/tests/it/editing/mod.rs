//! Setting up a process, on a real database: creating and describing it,
//! its phases, directions, platforms and zones, who facilitates each
//! platform, who may do any of it, and the same through the real router.

mod people_and_http;
mod processes;

use axum::body::Body;
use chrono::{Duration, Utc};
use http::{Request, StatusCode};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared::model::common::Availability;
use shared::model::common::FieldProblem;
use shared::model::facilitation::{PhaseInput, ProcessInput, TopicInput};
use shared::model::{PhaseKind, PhaseTimeline, ProposalState, Role, RoleGrant};
use shared::service::entity::{process, proposal, report, role_assignment, user};
use shared::service::processes::editing::{self, TopicKind};
use shared::service::{Ctx, Person, ServiceError, participation::authoring, processes::read};
use uuid::Uuid;

use crate::helpers::{
    TestApp, anonymous, ctx, email_of, field_of, fresh_person, platform_row, process_row,
    sign_in_demo, spawn_app,
};

const PINEROLO: &str = "agenda-digitale-pinerolo";
const ALESSANDRIA: &str = "piano-strategico-alessandria-2030";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A new person holding `role` (scoped if given).
async fn with_role(
    app: &TestApp,
    name: &str,
    role: Role,
    process_id: Option<Uuid>,
    platform_id: Option<Uuid>,
) -> Person {
    let who = fresh_person(app, name).await;
    role_assignment::Entity::insert(role_assignment::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(who.id),
        role: Set(role.as_str().to_owned()),
        process_id: Set(process_id),
        platform_id: Set(platform_id),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
    reload(app, &who).await
}

/// `who` with the roles the database holds now (as a new session sees them).
async fn reload(app: &TestApp, who: &Person) -> Person {
    let grants = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(who.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| RoleGrant {
            role: Role::parse(&a.role).expect("a known role"),
            process_id: a.process_id,
            platform_id: a.platform_id,
        })
        .collect();
    Person {
        grants,
        ..who.clone()
    }
}

async fn process_facilitator(app: &TestApp, slug: &str, name: &str) -> Person {
    let process = process_row(app, slug).await;
    with_role(app, name, Role::Facilitator, Some(process.id), None).await
}

async fn admin(app: &TestApp) -> Person {
    with_role(app, "Amministratrice", Role::Admin, None, None).await
}

/// Published proposals of a platform.
async fn published_in(app: &TestApp, slug: &str, platform_slug: &str) -> Vec<Uuid> {
    let platform = platform_row(app, slug, platform_slug).await;
    proposal::Entity::find()
        .filter(proposal::Column::PlatformId.eq(platform.id))
        .filter(proposal::Column::State.eq(ProposalState::Published.as_str()))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect()
}

#[track_caller]
fn forbidden<T: std::fmt::Debug>(result: Result<T, ServiceError>, what: &str) {
    match result {
        Err(ServiceError::Forbidden) => {}
        other => panic!("{what}: expected Forbidden, got {other:?}"),
    }
}

fn process_input(slug: &str, title: &str, description: &str) -> ProcessInput {
    ProcessInput::parse(
        slug,
        title,
        "Comune di Prova",
        "comunale",
        "Una sintesi abbastanza lunga del percorso.",
        description,
    )
    .expect("valid process input")
}

fn phase_input(
    kind: &str,
    title: &str,
    starts: chrono::NaiveDate,
    ends: chrono::NaiveDate,
) -> PhaseInput {
    PhaseInput::parse(
        kind,
        title,
        "Descrizione della fase.",
        &starts.to_string(),
        &ends.to_string(),
    )
    .expect("valid phase input")
}

fn topic(is_direction: bool, key: &str, title: &str, direction: &str) -> TopicInput {
    TopicInput::parse(is_direction, key, title, "", "Descrizione.", direction)
        .expect("valid topic input")
}

// ---------------------------------------------------------------------------
// 1. Creating and describing a process
// ---------------------------------------------------------------------------
