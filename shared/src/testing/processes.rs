//! Helpers of the processes tests (domain and HTTP alike).

use crate::model::Role;
use crate::model::facilitation::{PhaseInput, ProcessInput, TopicInput};
use crate::service::{Person, ServiceError};

use super::helpers::*;
use super::test_db::TestDatabase;

pub async fn admin(app: &impl TestDatabase) -> Person {
    with_role(app, "Amministratrice", Role::Admin, None, None).await
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
