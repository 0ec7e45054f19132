//! Helpers of the participation tests (domain and HTTP alike).

use crate::model::ProposalState;
use crate::model::participation::ProposalInput;
use crate::service::entity::{phase, proposal, support};
use crate::service::{Actor, Ctx, Person, participation::authoring};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::helpers::*;
use super::test_db::TestDatabase;

pub fn system(app: &impl TestDatabase) -> Ctx {
    Ctx::new(app.db().clone(), Actor::System)
}

/// The phases of a process, in order.
pub async fn phases_of(app: &impl TestDatabase, process_id: Uuid) -> Vec<phase::Model> {
    phase::Entity::find()
        .filter(phase::Column::ProcessId.eq(process_id))
        .order_by_asc(phase::Column::Position)
        .all(app.db())
        .await
        .unwrap()
}

pub fn phase_of_kind<'a>(phases: &'a [phase::Model], kind: &str) -> &'a phase::Model {
    phases
        .iter()
        .find(|p| p.kind == kind)
        .unwrap_or_else(|| panic!("a {kind} phase"))
}

pub async fn set_phase_dates(
    app: &impl TestDatabase,
    id: Uuid,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) {
    phase::Entity::update_many()
        .col_expr(phase::Column::StartsOn, Expr::value(starts_on))
        .col_expr(phase::Column::EndsOn, Expr::value(ends_on))
        .filter(phase::Column::Id.eq(id))
        .exec(app.db())
        .await
        .unwrap();
}

pub async fn first_published(app: &impl TestDatabase, process_slug: &str) -> Uuid {
    let process = process_row(app, process_slug).await;
    proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::State.eq(ProposalState::Published.as_str()))
        .order_by_asc(proposal::Column::Id)
        .one(app.db())
        .await
        .unwrap()
        .expect("a published proposal")
        .id
}

pub fn input(title: &str, body: &str) -> ProposalInput {
    ProposalInput::parse(title, body, None, None).expect("valid proposal input")
}

/// Publishes a proposal through the service.
pub async fn propose(
    app: &impl TestDatabase,
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

pub async fn supports_by(app: &impl TestDatabase, user_id: Uuid) -> u64 {
    support::Entity::find()
        .filter(support::Column::UserId.eq(user_id))
        .count(app.db())
        .await
        .unwrap()
}

/// The id in a `/proposte/{id}?…` redirect.
pub fn proposal_id_in(location: &str) -> Uuid {
    let rest = location
        .strip_prefix("/proposte/")
        .unwrap_or_else(|| panic!("a proposal redirect: {location}"));
    Uuid::try_parse(&rest[..36]).expect("a proposal id")
}
