//! Helpers of the plan and open-data tests (domain and HTTP alike): the
//! Milano personas, plan input, moving to a phase, two proposals merged.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::model::facilitation::ProjectInput;
use crate::model::plan::{ApprovalInput, PlanInput};
use crate::service::entity::proposal;
use crate::service::facilitation::projects;

use super::helpers::*;
use super::test_db::TestDatabase;

pub const FACILITATOR: &str = "facilitator-milano@demo.piazza.invalid";

pub const COUNCIL: &str = "council-milano@demo.piazza.invalid";

pub fn input(introduction: &str, sections: &[(&str, &str, &str)], note: &str) -> PlanInput {
    let sections: Vec<(String, String, String)> = sections
        .iter()
        .map(|(k, p, t)| ((*k).into(), (*p).into(), (*t).into()))
        .collect();
    PlanInput::parse(introduction, "Conclusione del piano.", note, &sections).expect("valid")
}

pub fn approval(version: &str) -> ApprovalInput {
    ApprovalInput::parse(version, "consiglio", "45/2016", "2016-05-12").expect("valid")
}

/// Puts the process in its phase of `kind` (open).
pub async fn move_to_phase(app: &impl TestDatabase, slug: &str, kind: &str) {
    let process = process_row(app, slug).await;
    let backend = app.db().get_database_backend();
    let index = count_sql(
        app,
        "SELECT COUNT(*) FROM phases WHERE process_id = ? AND position < \
         (SELECT position FROM phases WHERE process_id = ? AND kind = ?)",
        vec![process.id.into(), process.id.into(), kind.into()],
    )
    .await;
    app.db()
        .execute_raw(statement(
            backend,
            "UPDATE processes SET phase_cursor = ?, phase_open = ? WHERE id = ?",
            vec![(index as i32).into(), true.into(), process.id.into()],
        ))
        .await
        .unwrap();
}

/// Puts the process in its voting phase with support counts hidden.
pub async fn vote_with_hidden_counts(app: &impl TestDatabase, slug: &str) {
    move_to_phase(app, slug, "voting").await;
    let process = process_row(app, slug).await;
    app.db()
        .execute_raw(statement(
            app.db().get_database_backend(),
            "UPDATE phases SET support_counts_visible = ? WHERE process_id = ?",
            vec![false.into(), process.id.into()],
        ))
        .await
        .unwrap();
}

/// Merges two accepted Milan proposals of one platform into a project with
/// partners, returning its id and the titles of its originals.
pub async fn merge_two(app: &impl TestDatabase) -> (Uuid, Vec<String>) {
    merge_two_titled(app, "Cantiere della pianificazione condivisa").await
}

/// Like [`merge_two`], the project taking `title`.
pub async fn merge_two_titled(app: &impl TestDatabase, title: &str) -> (Uuid, Vec<String>) {
    let facilitator = person(app, FACILITATOR).await;
    let (first, second) = two_accepted(app).await;
    let project = projects::merge(
        &ctx(app, &facilitator),
        &[first.id, second.id],
        &ProjectInput::parse(
            title,
            "Un **cantiere** che unisce le due proposte.",
            "Comune di Sesto San Giovanni\nPolitecnico di Milano",
            "protocollo_intesa",
        )
        .expect("valid project"),
    )
    .await
    .expect("merged");
    (project, vec![first.title, second.title])
}

/// The two oldest accepted Milan proposals of one platform (they can merge).
pub async fn two_accepted(app: &impl TestDatabase) -> (proposal::Model, proposal::Model) {
    let process = process_row(app, MILANO).await;
    let mut accepted: Vec<proposal::Model> = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::State.eq("accepted"))
        .all(app.db())
        .await
        .unwrap();
    accepted.sort_by_key(|p| p.published_at);
    let first = accepted[0].clone();
    let second = accepted
        .iter()
        .find(|p| p.platform_id == first.platform_id && p.id != first.id)
        .expect("two accepted proposals on one platform")
        .clone();
    (first, second)
}
