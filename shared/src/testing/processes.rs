//! Helpers of the processes tests (domain and HTTP alike).

use crate::model::facilitation::{PhaseInput, ProcessInput, TopicInput};
use crate::model::{ProposalState, Role, RoleGrant};
use crate::service::entity::{proposal, role_assignment};
use crate::service::{Person, ServiceError};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::helpers::*;
use super::test_db::TestDatabase;

/// A new person holding `role` (scoped if given).
pub async fn with_role(
    app: &impl TestDatabase,
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
    .exec_without_returning(app.db())
    .await
    .unwrap();
    reload(app, &who).await
}

/// `who` with the roles the database holds now (as a new session sees them).
pub async fn reload(app: &impl TestDatabase, who: &Person) -> Person {
    let grants = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(who.id))
        .all(app.db())
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

pub async fn process_facilitator(app: &impl TestDatabase, slug: &str, name: &str) -> Person {
    let process = process_row(app, slug).await;
    with_role(app, name, Role::Facilitator, Some(process.id), None).await
}

pub async fn admin(app: &impl TestDatabase) -> Person {
    with_role(app, "Amministratrice", Role::Admin, None, None).await
}

/// Published proposals of a platform.
pub async fn published_in(app: &impl TestDatabase, slug: &str, platform_slug: &str) -> Vec<Uuid> {
    let platform = platform_row(app, slug, platform_slug).await;
    proposal::Entity::find()
        .filter(proposal::Column::PlatformId.eq(platform.id))
        .filter(proposal::Column::State.eq(ProposalState::Published.as_str()))
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect()
}

#[track_caller]
pub fn forbidden<T: std::fmt::Debug>(result: Result<T, ServiceError>, what: &str) {
    match result {
        Err(ServiceError::Forbidden) => {}
        other => panic!("{what}: expected Forbidden, got {other:?}"),
    }
}

pub fn process_input(slug: &str, title: &str, description: &str) -> ProcessInput {
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

pub fn phase_input(
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

pub fn topic(is_direction: bool, key: &str, title: &str, direction: &str) -> TopicInput {
    TopicInput::parse(is_direction, key, title, "", "Descrizione.", direction)
        .expect("valid topic input")
}
