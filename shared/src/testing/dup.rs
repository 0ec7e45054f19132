//! Helpers of the dup tests (domain and HTTP alike).

use crate::model::dup::{
    DupFormat, EditionInput, ImportOutcome, ImportProblem, ImportResult, LinkInput, ProgressInput,
};
use crate::model::facilitation::ProjectInput;
use crate::service::entity::{dup_indicator, dup_objective, proposal};
use crate::service::{Ctx, ServiceError, dup::editions};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Value};
use uuid::Uuid;

use super::helpers::*;
use super::test_db::TestDatabase;

pub const HEADER: &str = "tipo,codice,missione,programma,padre,titolo,descrizione,responsabile,anno,importo,unita,valore_base,valore_atteso,valore_rilevato\n";

/// A small ordinary DUP: three programmes in two missions, two strategic and
/// three operational objectives, resources and indicators.
pub const GOOD: &str = "\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
programma,05,10,,,Viabilità e infrastrutture stradali,,,,,,,,
programma,01,12,,,Interventi per l'infanzia e i minori e per asili nido,,,,,,,,
obiettivo_strategico,SeS-10.1,10,,,Una città che si muove meglio,Meno auto e più autobus,,,,,,,
obiettivo_strategico,SeS-12.1,12,,,Una città che si prende cura,,,,,,,,
obiettivo_operativo,SeO-10.02.1,10,02,SeS-10.1,Nuove linee di autobus nei quartieri,\"Linee **serali** verso le periferie, anche la domenica.\",Settore mobilità,,,,,,
risorse,,,,SeO-10.02.1,,,,2026,\"1.250.000,50\",,,,
risorse,,,,SeO-10.02.1,,,,2027,900000,,,,
obiettivo_operativo,SeO-10.05.1,10,05,SeS-10.1,Strade sicure davanti alle scuole,,Settore lavori pubblici,,,,,,
obiettivo_operativo,SeO-12.01.1,12,01,SeS-12.1,Nidi aperti anche d'estate,,Settore servizi educativi,,,,,,
risorse,,,,SeO-12.01.1,,,,2028,\"0,07\",,,,
indicatore,IND-1,,,SeO-10.02.1,Passeggeri annui,,,,,migliaia,1200,,
valore,,,,IND-1,,,,2026,,,,1300,1280
valore,,,,IND-1,,,,2027,,,,1400,
indicatore,IND-2,,,SeO-10.02.1,Linee serali attive,,,,,linee,\"2,5\",,
valore,,,,IND-2,,,,2028,,,,\"7,25\",
indicatore,IND-3,,,SeO-12.01.1,Posti nei nidi,,,,,posti,,,
valore,,,,IND-3,,,,2026,,,,,310
";

/// Items in [`GOOD`]: programmes, objectives and indicators.
pub const GOOD_ITEMS: u32 = 3 + 2 + 3 + 3;

/// The rows an edition holds, table by table.
#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
pub struct Rows {
    pub programmes: i64,
    pub objectives: i64,
    pub resources: i64,
    pub indicators: i64,
    pub values: i64,
}

pub async fn admin(app: &impl TestDatabase) -> Ctx {
    ctx(app, &person(app, "admin@demo.piazza.invalid").await)
}

/// The edition a process's plan informs.
pub async fn edition_of(app: &impl TestDatabase, slug: &str) -> Uuid {
    process_row(app, slug)
        .await
        .dup_edition_id
        .unwrap_or_else(|| panic!("{slug} has a DUP edition"))
}

pub async fn objective(app: &impl TestDatabase, edition: Uuid, code: &str) -> dup_objective::Model {
    dup_objective::Entity::find()
        .filter(dup_objective::Column::EditionId.eq(edition))
        .filter(dup_objective::Column::Code.eq(code))
        .one(app.db())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("objective {code}"))
}

pub async fn indicator(app: &impl TestDatabase, edition: Uuid, code: &str) -> dup_indicator::Model {
    dup_indicator::Entity::find()
        .filter(dup_indicator::Column::EditionId.eq(edition))
        .filter(dup_indicator::Column::Code.eq(code))
        .one(app.db())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("indicator {code}"))
}

/// A demo proposal of a process, by the start of its title.
pub async fn proposal_titled(app: &impl TestDatabase, slug: &str, start: &str) -> proposal::Model {
    let process = process_row(app, slug).await;
    let found: Vec<proposal::Model> = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.title.starts_with(start))
        .collect();
    assert_eq!(found.len(), 1, "one proposal titled «{start}…»");
    found.into_iter().next().unwrap()
}

pub fn edition_input(title: &str, simplified: bool) -> EditionInput {
    EditionInput::parse("Comune di Prova", title, "2026", "2028", simplified)
        .expect("valid edition input")
}

/// A new empty edition, made by the administrator.
pub async fn new_edition(app: &impl TestDatabase, title: &str, simplified: bool) -> Uuid {
    editions::create_edition(&admin(app).await, &edition_input(title, simplified))
        .await
        .unwrap()
}

/// A new empty edition of `organization` (which a process of that
/// organization may attach).
pub async fn new_edition_of(
    app: &impl TestDatabase,
    organization: &str,
    title: &str,
    simplified: bool,
) -> Uuid {
    let input = EditionInput::parse(organization, title, "2026", "2028", simplified)
        .expect("valid edition input");
    editions::create_edition(&admin(app).await, &input)
        .await
        .unwrap()
}

#[track_caller]
pub fn imported(result: Result<ImportResult, ServiceError>) -> ImportOutcome {
    match result {
        Ok(ImportResult::Imported(outcome)) => outcome,
        other => panic!("expected an import, got {other:?}"),
    }
}

#[track_caller]
pub fn rejected(result: Result<ImportResult, ServiceError>) -> Vec<ImportProblem> {
    match result {
        Ok(ImportResult::Rejected(problems)) => problems,
        other => panic!("expected a rejected import, got {other:?}"),
    }
}

/// `(line, message)` of each problem, in order.
pub fn lines_and_messages(problems: &[ImportProblem]) -> Vec<(Option<u64>, &str)> {
    problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect()
}

pub async fn rows(app: &impl TestDatabase, edition: Uuid) -> Rows {
    let id = || vec![Value::from(edition)];
    Rows {
        programmes: count_sql(
            app,
            "SELECT COUNT(*) FROM dup_programmes WHERE edition_id = ?",
            id(),
        )
        .await,
        objectives: count_sql(
            app,
            "SELECT COUNT(*) FROM dup_objectives WHERE edition_id = ?",
            id(),
        )
        .await,
        resources: count_sql(
            app,
            "SELECT COUNT(*) FROM dup_resources r JOIN dup_objectives o \
             ON o.id = r.objective_id WHERE o.edition_id = ?",
            id(),
        )
        .await,
        indicators: count_sql(
            app,
            "SELECT COUNT(*) FROM dup_indicators WHERE edition_id = ?",
            id(),
        )
        .await,
        values: count_sql(
            app,
            "SELECT COUNT(*) FROM dup_indicator_values v JOIN dup_indicators i \
             ON i.id = v.indicator_id WHERE i.edition_id = ?",
            id(),
        )
        .await,
    }
}

/// Links whose objective is in the edition.
pub async fn links_in(app: &impl TestDatabase, edition: Uuid) -> i64 {
    count_sql(
        app,
        "SELECT COUNT(*) FROM dup_links l JOIN dup_objectives o ON o.id = l.objective_id \
         WHERE o.edition_id = ?",
        vec![edition.into()],
    )
    .await
}

/// An edition's export as anybody downloads it.
pub async fn export(app: &impl TestDatabase, edition: Uuid, format: DupFormat) -> String {
    editions::export(&anonymous(app), edition, format)
        .await
        .unwrap()
        .2
}

pub fn link_input(objective: Uuid, rationale: &str, weight: &str) -> LinkInput {
    LinkInput::parse(&objective.to_string(), rationale, weight).expect("valid link input")
}

pub fn progress(
    status: &str,
    percent: &str,
    note: &str,
    on: &str,
    actuals: &[(Uuid, i32, &str)],
) -> ProgressInput {
    let actuals: Vec<(String, String, String)> = actuals
        .iter()
        .map(|(i, y, v)| (i.to_string(), y.to_string(), (*v).to_owned()))
        .collect();
    ProgressInput::parse(status, percent, note, on, &actuals).expect("valid progress input")
}

pub fn project_input(title: &str) -> ProjectInput {
    ProjectInput::parse(
        title,
        "Un progetto che riunisce proposte vicine in un unico cantiere.",
        "Città metropolitana\nComuni della zona",
        "protocollo_intesa",
    )
    .expect("valid project input")
}

/// `(year, target, actual)` of an indicator as stored.
pub async fn stored_values(
    app: &impl TestDatabase,
    indicator: Uuid,
) -> Vec<(i32, Option<f64>, Option<f64>)> {
    let backend = app.db().get_database_backend();
    app.db()
        .query_all_raw(statement(
            backend,
            "SELECT year, target, actual FROM dup_indicator_values WHERE indicator_id = ? \
             ORDER BY year",
            vec![indicator.into()],
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.try_get_by_index(0).unwrap(),
                r.try_get_by_index(1).unwrap(),
                r.try_get_by_index(2).unwrap(),
            )
        })
        .collect()
}

impl Rows {
    /// What an import counts: programmes, objectives and indicators.
    pub fn items(self) -> u32 {
        (self.programmes + self.objectives + self.indicators) as u32
    }
}
