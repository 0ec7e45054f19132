//! The DUP (Documento Unico di Programmazione) on a real database: editions
//! imported from CSV and JSON (strict, line-numbered Italian errors, all or
//! nothing, matched by code), exported and imported back unchanged, copied;
//! who may do what; links from proposals and projects to objectives with
//! suggestions; the coverage of a plan counted by hand; progress recorded
//! during monitoring, with notifications to followers.

use axum::body::Body;
use chrono::NaiveDate;
use http::{Request, StatusCode};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Value};
use shared::model::ProposalState;
use shared::model::common::FieldProblem;
use shared::model::common::NamedRef;
use shared::model::common::Refusal;
use shared::model::dup::{
    DupFormat, EditionInput, ImportOutcome, ImportProblem, ImportResult, IndicatorYear, LinkInput,
    ObjectiveLevel, PlanItem, ProgressInput, ProgressStatus, ResourceYear,
};
use shared::model::facilitation::ProjectInput;
use shared::model::participation::{NotificationKind, ProposalInput};
use shared::service::dup::monitoring::Monitored;
use shared::service::dup::objectives;
use shared::service::entity::{
    dup_edition, dup_indicator, dup_link, dup_objective, dup_progress, notification, proposal,
};
use shared::service::{
    Ctx, Person, ServiceError, dup::editions, dup::links, dup::monitoring, facilitation::projects,
    participation::authoring, participation::supports, processes::phases,
};
use uuid::Uuid;

use crate::helpers::{
    ORIGIN, TestApp, anonymous, count_sql, ctx, denied, field_of, fresh_person, person,
    process_row, refusal, sign_in_demo, spawn_app, statement,
};

const MILANO: &str = "piano-strategico-metropolitano-milano";
const PINEROLO: &str = "agenda-digitale-pinerolo";
const BODY: &str = "Un testo che supera senz'altro i trenta caratteri richiesti.";

const HEADER: &str = "tipo,codice,missione,programma,padre,titolo,descrizione,responsabile,anno,importo,unita,valore_base,valore_atteso,valore_rilevato\n";

/// A small ordinary DUP: three programmes in two missions, two strategic and
/// three operational objectives, resources and indicators.
const GOOD: &str = "\
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
const GOOD_ITEMS: u32 = 3 + 2 + 3 + 3;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

async fn admin(app: &TestApp) -> Ctx {
    ctx(app, &person(app, "admin@demo.piazza.invalid").await)
}

/// The edition a process's plan informs.
async fn edition_of(app: &TestApp, slug: &str) -> Uuid {
    process_row(app, slug)
        .await
        .dup_edition_id
        .unwrap_or_else(|| panic!("{slug} has a DUP edition"))
}

async fn objective(app: &TestApp, edition: Uuid, code: &str) -> dup_objective::Model {
    dup_objective::Entity::find()
        .filter(dup_objective::Column::EditionId.eq(edition))
        .filter(dup_objective::Column::Code.eq(code))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("objective {code}"))
}

async fn indicator(app: &TestApp, edition: Uuid, code: &str) -> dup_indicator::Model {
    dup_indicator::Entity::find()
        .filter(dup_indicator::Column::EditionId.eq(edition))
        .filter(dup_indicator::Column::Code.eq(code))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("indicator {code}"))
}

/// A demo proposal of a process, by the start of its title.
async fn proposal_titled(app: &TestApp, slug: &str, start: &str) -> proposal::Model {
    let process = process_row(app, slug).await;
    let found: Vec<proposal::Model> = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.title.starts_with(start))
        .collect();
    assert_eq!(found.len(), 1, "one proposal titled «{start}…»");
    found.into_iter().next().unwrap()
}

fn edition_input(title: &str, simplified: bool) -> EditionInput {
    EditionInput::parse("Comune di Prova", title, "2026", "2028", simplified)
        .expect("valid edition input")
}

/// A new empty edition, made by the administrator.
async fn new_edition(app: &TestApp, title: &str, simplified: bool) -> Uuid {
    editions::create_edition(&admin(app).await, &edition_input(title, simplified))
        .await
        .unwrap()
}

#[track_caller]
fn imported(result: Result<ImportResult, ServiceError>) -> ImportOutcome {
    match result {
        Ok(ImportResult::Imported(outcome)) => outcome,
        other => panic!("expected an import, got {other:?}"),
    }
}

#[track_caller]
fn rejected(result: Result<ImportResult, ServiceError>) -> Vec<ImportProblem> {
    match result {
        Ok(ImportResult::Rejected(problems)) => problems,
        other => panic!("expected a rejected import, got {other:?}"),
    }
}

/// `(line, message)` of each problem, in order.
fn lines_and_messages(problems: &[ImportProblem]) -> Vec<(Option<u64>, &str)> {
    problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect()
}

/// The rows an edition holds, table by table.
#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
struct Rows {
    programmes: i64,
    objectives: i64,
    resources: i64,
    indicators: i64,
    values: i64,
}

impl Rows {
    /// What an import counts: programmes, objectives and indicators.
    fn items(self) -> u32 {
        (self.programmes + self.objectives + self.indicators) as u32
    }
}

async fn rows(app: &TestApp, edition: Uuid) -> Rows {
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
async fn links_in(app: &TestApp, edition: Uuid) -> i64 {
    count_sql(
        app,
        "SELECT COUNT(*) FROM dup_links l JOIN dup_objectives o ON o.id = l.objective_id \
         WHERE o.edition_id = ?",
        vec![edition.into()],
    )
    .await
}

/// An edition's export as anybody downloads it.
async fn export(app: &TestApp, edition: Uuid, format: DupFormat) -> String {
    editions::export(&anonymous(app), edition, format)
        .await
        .unwrap()
        .2
}

fn link_input(objective: Uuid, rationale: &str, weight: &str) -> LinkInput {
    LinkInput::parse(&objective.to_string(), rationale, weight).expect("valid link input")
}

fn progress(
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

fn project_input(title: &str) -> ProjectInput {
    ProjectInput::parse(
        title,
        "Un progetto che riunisce proposte vicine in un unico cantiere.",
        "Città metropolitana\nComuni della zona",
        "protocollo_intesa",
    )
    .expect("valid project input")
}

/// `(year, target, actual)` of an indicator as stored.
async fn stored_values(app: &TestApp, indicator: Uuid) -> Vec<(i32, Option<f64>, Option<f64>)> {
    let backend = app.db.get_database_backend();
    app.db
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

// ---------------------------------------------------------------------------
// 1. A good file
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_good_csv_builds_the_tree_with_resources_and_indicators() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let anon = anonymous(&app);
    let id = new_edition(&app, "DUP 2026–2028", false).await;
    assert_eq!(rows(&app, id).await, Rows::default());

    let outcome = imported(editions::import(&admin, id, &format!("{HEADER}{GOOD}")).await);
    assert_eq!(
        outcome,
        ImportOutcome {
            created: GOOD_ITEMS,
            updated: 0,
            unchanged: 0,
        }
    );
    assert_eq!(
        rows(&app, id).await,
        Rows {
            programmes: 3,
            objectives: 5,
            resources: 3,
            indicators: 3,
            values: 4,
        }
    );

    // The list of editions.
    let list = editions::editions(&anon).await.unwrap();
    assert!(!list.can_manage);
    assert!(editions::editions(&admin).await.unwrap().can_manage);
    let summary = list
        .editions
        .iter()
        .find(|e| e.id == id)
        .expect("the new edition is listed");
    assert_eq!(
        (
            summary.organization.as_str(),
            summary.title.as_str(),
            summary.first_year,
            summary.last_year,
            summary.simplified,
            summary.objective_count,
        ),
        ("Comune di Prova", "DUP 2026–2028", 2026, 2028, false, 5)
    );
    assert!(summary.processes.is_empty());

    // The tree: missions with something in them, in order.
    let detail = editions::edition(&anon, id).await.unwrap();
    assert!(!detail.can_manage);
    assert!(editions::edition(&admin, id).await.unwrap().can_manage);
    assert_eq!(detail.summary.objective_count, 5);
    let missions: Vec<(&str, &str)> = detail
        .missions
        .iter()
        .map(|m| (m.code.as_str(), m.title.as_str()))
        .collect();
    assert_eq!(
        missions,
        vec![
            ("10", "Trasporti e diritto alla mobilità"),
            ("12", "Diritti sociali, politiche sociali e famiglia"),
        ]
    );
    let transport = &detail.missions[0];
    assert_eq!(
        transport
            .strategic
            .iter()
            .map(|o| (o.code.as_str(), o.level, o.parent_code.clone()))
            .collect::<Vec<_>>(),
        vec![("SeS-10.1", ObjectiveLevel::Strategic, None)]
    );
    let programmes: Vec<(&str, &str, Vec<&str>)> = transport
        .programmes
        .iter()
        .map(|p| {
            (
                p.code.as_str(),
                p.title.as_str(),
                p.objectives.iter().map(|o| o.code.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        programmes,
        vec![
            ("02", "Trasporto pubblico locale", vec!["SeO-10.02.1"]),
            (
                "05",
                "Viabilità e infrastrutture stradali",
                vec!["SeO-10.05.1"]
            ),
        ]
    );
    let bus = &transport.programmes[0].objectives[0];
    assert_eq!(bus.level, ObjectiveLevel::Operational);
    assert_eq!(bus.title, "Nuove linee di autobus nei quartieri");
    assert_eq!(bus.parent_code.as_deref(), Some("SeS-10.1"));
    assert_eq!(bus.office, "Settore mobilità");
    assert_eq!(bus.link_count, 0);
    let social = &detail.missions[1];
    assert_eq!(social.strategic[0].code, "SeS-12.1");
    assert_eq!(social.programmes[0].objectives[0].code, "SeO-12.01.1");

    // The objective page: resources to the cent, indicators per year.
    let page = objectives::objective(&anon, bus.id).await.unwrap();
    assert_eq!(page.objective.code, "SeO-10.02.1");
    assert_eq!(page.objective.mission_code, "10");
    assert_eq!(page.edition.key, id.to_string());
    assert_eq!(page.edition.name, "Comune di Prova – DUP 2026–2028");
    assert_eq!(page.mission_title, "Trasporti e diritto alla mobilità");
    assert_eq!(
        page.programme,
        Some(NamedRef {
            key: "02".into(),
            name: "Trasporto pubblico locale".into(),
        })
    );
    assert_eq!(
        page.parent.as_ref().map(|p| (p.code.as_str(), p.level)),
        Some(("SeS-10.1", ObjectiveLevel::Strategic))
    );
    assert!(page.children.is_empty());
    assert_eq!(page.office, "Settore mobilità");
    assert!(
        page.description_html.contains("<strong>serali</strong>"),
        "{}",
        page.description_html
    );
    assert_eq!(
        page.resources,
        vec![
            ResourceYear {
                year: 2026,
                cents: 125_000_050,
            },
            ResourceYear {
                year: 2027,
                cents: 90_000_000,
            },
        ]
    );
    let indicators: Vec<_> = page
        .indicators
        .iter()
        .map(|i| {
            (
                i.code.as_str(),
                i.name.as_str(),
                i.unit.as_str(),
                i.baseline,
                i.years.clone(),
            )
        })
        .collect();
    assert_eq!(
        indicators,
        vec![
            (
                "IND-1",
                "Passeggeri annui",
                "migliaia",
                Some(1200.0),
                vec![
                    IndicatorYear {
                        year: 2026,
                        target: Some(1300.0),
                        actual: Some(1280.0),
                    },
                    IndicatorYear {
                        year: 2027,
                        target: Some(1400.0),
                        actual: None,
                    },
                ]
            ),
            (
                "IND-2",
                "Linee serali attive",
                "linee",
                Some(2.5),
                vec![IndicatorYear {
                    year: 2028,
                    target: Some(7.25),
                    actual: None,
                }]
            ),
        ]
    );
    assert_eq!(page.indicators[0].years[0].gap(), Some(-20.0));
    assert!(page.links.is_empty() && page.progress.is_empty());

    // Seven cents stay seven cents; an indicator with only an actual value.
    let nursery = objective(&app, id, "SeO-12.01.1").await;
    let page = objectives::objective(&anon, nursery.id).await.unwrap();
    assert_eq!(
        page.resources,
        vec![ResourceYear {
            year: 2028,
            cents: 7,
        }]
    );
    assert_eq!(page.indicators.len(), 1);
    assert_eq!(page.indicators[0].baseline, None);
    assert_eq!(
        page.indicators[0].years,
        vec![IndicatorYear {
            year: 2026,
            target: None,
            actual: Some(310.0),
        }]
    );

    // The strategic objective lists its operational ones in code order.
    let strategic = objective(&app, id, "SeS-10.1").await;
    let page = objectives::objective(&anon, strategic.id).await.unwrap();
    assert_eq!(page.objective.level, ObjectiveLevel::Strategic);
    assert_eq!(
        page.children
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>(),
        vec!["SeO-10.02.1", "SeO-10.05.1"]
    );
    assert_eq!(page.parent, None);
    assert_eq!(page.programme, None);
    assert!(page.resources.is_empty() && page.indicators.is_empty());
    assert!(page.description_html.contains("Meno auto e più autobus"));
}

// ---------------------------------------------------------------------------
// 2. Bad lines: each named, nothing written
// ---------------------------------------------------------------------------

#[tokio::test]
async fn every_bad_line_is_named_in_italian_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let id = new_edition(&app, "DUP con errori", false).await;

    let bad = format!(
        "{HEADER}\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
obiettivo_strategico,SeS-10.1,10,,,Una città che si muove meglio,,,,,,,,
obiettivo_operativo,SeO-10.02.1,10,02,SeS-10.1,Nuove linee di autobus,,Settore mobilità,,,,,,
programma,01,77,,,Una missione inventata,,,,,,,,
programma,01,20,,,Fondo di riserva,,,,,,,,
obiettivo_operativo,SeO-12.02.1,12,02,SeS-10.1,Programma di un'altra missione,,,,,,,,
obiettivo_operativo,SeO-10.02.2,10,02,SeS-99,Padre che non esiste,,,,,,,,
indicatore,IND-9,,,SeO-99,Indicatore senza obiettivo,,,,,numero,,,
obiettivo_strategico,SeS-10.1,10,,,Lo stesso codice due volte,,,,,,,,
risorse,,,,SeO-10.02.1,,,,2026,tanti,,,,
indicatore,IND-1,,,SeO-10.02.1,Passeggeri annui,,,,,migliaia,1200,,
valore,,,,IND-1,,,,2026,,,,molti,
risorse,,,,SeO-99.1,,,,2026,100,,,,
valore,,,,IND-99,,,,2026,,,,5,
"
    );
    let problems = rejected(editions::import(&admin, id, &bad).await);
    assert_eq!(
        lines_and_messages(&problems),
        vec![
            (Some(5), "Missione «77» sconosciuta o tecnica."),
            (Some(6), "Missione «20» sconosciuta o tecnica."),
            (Some(7), "Programma «02» non presente nella missione 12."),
            (Some(8), "Obiettivo strategico «SeS-99» non trovato."),
            (Some(9), "Obiettivo operativo «SeO-99» non trovato."),
            (Some(10), "Codice «SeS-10.1» duplicato (già in riga 3)."),
            (Some(11), "Importo «tanti» non è un numero."),
            (Some(13), "Valore atteso «molti» non è un numero."),
            (Some(14), "Obiettivo operativo «SeO-99.1» non trovato."),
            (Some(15), "Indicatore «IND-99» non trovato."),
        ]
    );
    for p in &problems {
        assert_eq!(p.place, format!("riga {}", p.line.unwrap()));
    }
    // The good lines were not written either.
    assert_eq!(rows(&app, id).await, Rows::default());

    // Over an edition with content: a bad line keeps the good changes out.
    imported(editions::import(&admin, id, &format!("{HEADER}{GOOD}")).await);
    let before = rows(&app, id).await;
    let csv_before = export(&app, id, DupFormat::Csv).await;
    let edited = format!(
        "{HEADER}{}programma,03,10,,,Trasporto ferroviario,,,,,,,,\n\
         risorse,,,,SeO-10.05.1,,,,2027,12.34.5,,,,\n",
        GOOD.replace(
            "Nuove linee di autobus nei quartieri",
            "Un titolo che non deve arrivare",
        )
    );
    let problems = rejected(editions::import(&admin, id, &edited).await);
    assert_eq!(
        lines_and_messages(&problems),
        vec![(Some(21), "Importo «12.34.5» non è un numero.")]
    );
    assert_eq!(rows(&app, id).await, before);
    assert_eq!(export(&app, id, DupFormat::Csv).await, csv_before);
    assert_eq!(
        objective(&app, id, "SeO-10.02.1").await.title,
        "Nuove linee di autobus nei quartieri"
    );

    // A problem found only while writing (a code changing level) rolls
    // back what was already written in the same import.
    let level_change = format!(
        "{HEADER}\
programma,03,10,,,Trasporto ferroviario,,,,,,,,
obiettivo_strategico,SeS-10.9,10,,,Treni più frequenti,,,,,,,,
obiettivo_operativo,SeS-10.1,10,03,SeS-10.9,Un codice strategico usato come operativo,,,,,,,,
"
    );
    let problems = rejected(editions::import(&admin, id, &level_change).await);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, None);
    assert_eq!(problems[0].place, "codice SeS-10.1");
    assert_eq!(
        problems[0].message,
        "Il codice «SeS-10.1» nell'edizione è un obiettivo strategico: non può cambiare livello."
    );
    assert_eq!(rows(&app, id).await, before);
    assert_eq!(export(&app, id, DupFormat::Csv).await, csv_before);
    assert_eq!(
        count_sql(
            &app,
            "SELECT COUNT(*) FROM dup_objectives WHERE edition_id = ? AND code = 'SeS-10.9'",
            vec![id.into()],
        )
        .await,
        0
    );

    // Missing columns, an empty file.
    let problems = rejected(editions::import(&admin, id, "tipo,codice\nprogramma,01\n").await);
    assert_eq!(problems[0].line, Some(1));
    assert!(
        problems[0]
            .message
            .starts_with("Mancano le colonne: missione, programma"),
        "{}",
        problems[0].message
    );
    assert_eq!(
        field_of(editions::import(&admin, id, "  \n").await),
        ("file".to_owned(), FieldProblem::Empty)
    );
    assert!(matches!(
        editions::import(&admin, Uuid::now_v7(), &format!("{HEADER}{GOOD}")).await,
        Err(ServiceError::NotFound(_))
    ));
    assert_eq!(rows(&app, id).await, before);
}

// ---------------------------------------------------------------------------
// 3. Round trips and idempotence
// ---------------------------------------------------------------------------

#[tokio::test]
async fn exports_import_back_to_the_same_text_and_reimporting_changes_nothing() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let milano = edition_of(&app, MILANO).await;
    let milano_rows = rows(&app, milano).await;
    assert!(milano_rows.objectives > 10 && milano_rows.indicators > 3);

    let (name, media, csv) = editions::export(&anonymous(&app), milano, DupFormat::Csv)
        .await
        .unwrap();
    assert_eq!(name, "dup-2016-2018.csv");
    assert_eq!(media, "text/csv; charset=utf-8");
    assert!(csv.starts_with(HEADER), "{}", &csv[..200]);
    // Amounts in euro with a decimal comma, no thousands separator.
    assert!(
        csv.contains("\nrisorse,,,,SeO-10.02.1,,,,2016,1500000,,,,\n"),
        "{csv}"
    );
    let (name, media, json) = editions::export(&anonymous(&app), milano, DupFormat::Json)
        .await
        .unwrap();
    assert_eq!(name, "dup-2016-2018.json");
    assert_eq!(media, "application/json");
    assert!(json.contains("\"formato\": \"piazza-dup/1\""));

    // CSV → a new edition → CSV: the same text.
    let from_csv = new_edition(&app, "Copia CSV", false).await;
    let outcome = imported(editions::import(&admin, from_csv, &csv).await);
    assert_eq!(
        outcome,
        ImportOutcome {
            created: milano_rows.items(),
            updated: 0,
            unchanged: 0,
        }
    );
    assert_eq!(rows(&app, from_csv).await, milano_rows);
    assert_eq!(export(&app, from_csv, DupFormat::Csv).await, csv);
    assert_eq!(export(&app, from_csv, DupFormat::Json).await, json);

    // JSON → a new edition → JSON: the same text.
    let from_json = new_edition(&app, "Copia JSON", false).await;
    let outcome = imported(editions::import(&admin, from_json, &json).await);
    assert_eq!(outcome.created, milano_rows.items());
    assert_eq!(rows(&app, from_json).await, milano_rows);
    assert_eq!(export(&app, from_json, DupFormat::Json).await, json);
    assert_eq!(export(&app, from_json, DupFormat::Csv).await, csv);

    // The small fixture too, with its cents and decimals.
    let small = new_edition(&app, "Piccolo", false).await;
    imported(editions::import(&admin, small, &format!("{HEADER}{GOOD}")).await);
    let small_csv = export(&app, small, DupFormat::Csv).await;
    let small_json = export(&app, small, DupFormat::Json).await;
    let again = new_edition(&app, "Piccolo di nuovo", false).await;
    imported(editions::import(&admin, again, &small_csv).await);
    assert_eq!(export(&app, again, DupFormat::Csv).await, small_csv);
    let again_json = new_edition(&app, "Piccolo in JSON", false).await;
    imported(editions::import(&admin, again_json, &small_json).await);
    assert_eq!(export(&app, again_json, DupFormat::Json).await, small_json);
    let bus = objective(&app, again_json, "SeO-10.02.1").await;
    assert_eq!(
        objectives::objective(&anonymous(&app), bus.id)
            .await
            .unwrap()
            .resources[0]
            .cents,
        125_000_050
    );

    // The demo edition's own export, imported into it: nothing changes.
    let links_before = links_in(&app, milano).await;
    assert!(links_before > 0, "the demo links accepted proposals");
    for text in [&csv, &json] {
        let outcome = imported(editions::import(&admin, milano, text).await);
        assert_eq!(
            outcome,
            ImportOutcome {
                created: 0,
                updated: 0,
                unchanged: milano_rows.items(),
            }
        );
        assert_eq!(rows(&app, milano).await, milano_rows);
        assert_eq!(export(&app, milano, DupFormat::Csv).await, csv);
        assert_eq!(links_in(&app, milano).await, links_before);
    }
}

// ---------------------------------------------------------------------------
// 4. Re-import after an edit
// ---------------------------------------------------------------------------

#[tokio::test]
async fn reimporting_an_edited_file_updates_in_place() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let milano = edition_of(&app, MILANO).await;
    let before = rows(&app, milano).await;
    let transport = objective(&app, milano, "SeO-10.02.1").await;
    let links_before = dup_link::Entity::find()
        .filter(dup_link::Column::ObjectiveId.eq(transport.id))
        .count(&app.db)
        .await
        .unwrap();
    assert!(links_before > 0, "the demo links the integrated ticket");

    let csv = export(&app, milano, DupFormat::Csv).await;
    let old = "Biglietto unico e interscambi alle stazioni";
    let new = "Biglietto unico e interscambi con parcheggi alle stazioni";
    assert_eq!(csv.matches(old).count(), 1);
    let outcome = imported(editions::import(&admin, milano, &csv.replace(old, new)).await);
    assert_eq!(
        outcome,
        ImportOutcome {
            created: 0,
            updated: 1,
            unchanged: before.items() - 1,
        }
    );
    assert_eq!(rows(&app, milano).await, before);
    let after = objective(&app, milano, "SeO-10.02.1").await;
    assert_eq!(after.id, transport.id, "matched by code, not replaced");
    assert_eq!(after.parent_id, transport.parent_id);
    assert_eq!(
        count_sql(
            &app,
            "SELECT COUNT(*) FROM dup_objectives WHERE edition_id = ? AND code = 'SeO-10.02.1'",
            vec![milano.into()],
        )
        .await,
        1
    );
    assert_eq!(
        dup_link::Entity::find()
            .filter(dup_link::Column::ObjectiveId.eq(after.id))
            .count(&app.db)
            .await
            .unwrap(),
        links_before,
        "links stay on the objective"
    );

    // An indicator's target changes: the indicator counts as updated.
    let csv = export(&app, milano, DupFormat::Csv).await;
    let target_line = "valore,,,,IND-10.02.1-A,,,,2018,,,,720,";
    assert_eq!(csv.matches(target_line).count(), 1, "{csv}");
    let outcome = imported(
        editions::import(
            &admin,
            milano,
            &csv.replace(target_line, "valore,,,,IND-10.02.1-A,,,,2018,,,,730,"),
        )
        .await,
    );
    assert_eq!((outcome.created, outcome.updated), (0, 1));
    let ind = indicator(&app, milano, "IND-10.02.1-A").await;
    assert_eq!(
        stored_values(&app, ind.id).await,
        vec![(2017, Some(700.0), None), (2018, Some(730.0), None)]
    );
    assert_eq!(rows(&app, milano).await, before);

    // Items missing from the file are kept.
    let partial = format!("{HEADER}programma,02,10,,,Trasporto pubblico locale,,,,,,,,\n");
    let outcome = imported(editions::import(&admin, milano, &partial).await);
    assert_eq!(
        outcome,
        ImportOutcome {
            created: 0,
            updated: 0,
            unchanged: 1,
        }
    );
    assert_eq!(rows(&app, milano).await, before);
}

/// The edits a re-import reports as updates are written: an objective's
/// title and office, an indicator's name, unit and baseline.
#[tokio::test]
async fn edits_reported_as_updates_are_written() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let milano = edition_of(&app, MILANO).await;
    let csv = export(&app, milano, DupFormat::Csv).await;
    let edits = [
        (
            "Biglietto unico e interscambi alle stazioni",
            "Biglietto unico e interscambi con parcheggi alle stazioni",
        ),
        ("Settore trasporti", "Settore mobilità e trasporti"),
        (
            "Passeggeri del trasporto pubblico metropolitano,,,,,milioni/anno,680",
            "Passeggeri di treni e autobus metropolitani,,,,,milioni l'anno,690",
        ),
    ];
    let mut edited = csv.clone();
    for (old, new) in edits {
        assert_eq!(edited.matches(old).count(), 1, "{old}");
        edited = edited.replace(old, new);
    }
    let outcome = imported(editions::import(&admin, milano, &edited).await);
    assert_eq!((outcome.created, outcome.updated), (0, 2));

    let transport = objective(&app, milano, "SeO-10.02.1").await;
    assert_eq!(
        (transport.title.as_str(), transport.office.as_str()),
        (
            "Biglietto unico e interscambi con parcheggi alle stazioni",
            "Settore mobilità e trasporti"
        )
    );
    let passengers = indicator(&app, milano, "IND-10.02.1-A").await;
    assert_eq!(
        (
            passengers.name.as_str(),
            passengers.unit.as_str(),
            passengers.baseline
        ),
        (
            "Passeggeri di treni e autobus metropolitani",
            "milioni l'anno",
            Some(690.0)
        )
    );
    assert_eq!(export(&app, milano, DupFormat::Csv).await, edited);
    // Imported again, the edited file changes nothing more.
    let outcome = imported(editions::import(&admin, milano, &edited).await);
    assert_eq!((outcome.created, outcome.updated), (0, 0));
}

/// What an import reports must tell a change of resources: an objective
/// whose yearly amounts change was changed by the import.
#[tokio::test]
async fn a_change_of_resources_is_reported_as_an_update() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let id = new_edition(&app, "Risorse", false).await;
    imported(editions::import(&admin, id, &format!("{HEADER}{GOOD}")).await);
    let changed = GOOD.replace("2027,900000", "2027,950000");
    let outcome = imported(editions::import(&admin, id, &format!("{HEADER}{changed}")).await);
    let bus = objective(&app, id, "SeO-10.02.1").await;
    let page = objectives::objective(&anonymous(&app), bus.id)
        .await
        .unwrap();
    assert_eq!(
        page.resources[1].cents, 95_000_000,
        "the amount was written"
    );
    assert_eq!(
        outcome,
        ImportOutcome {
            created: 0,
            updated: 1,
            unchanged: GOOD_ITEMS - 1,
        },
        "the objective whose resources changed counts as updated"
    );
}

// ---------------------------------------------------------------------------
// 5. Simplified DUP
// ---------------------------------------------------------------------------

const SIMPLE: &str = "\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
obiettivo_operativo,SeO-1,10,02,,Bus nei quartieri,,Ufficio tecnico,,,,,,
risorse,,,,SeO-1,,,,2026,\"15.000,00\",,,,
indicatore,IND-1,,,SeO-1,Corse al giorno,,,,,corse,10,,
valore,,,,IND-1,,,,2026,,,,14,
";

#[tokio::test]
async fn a_simplified_dup_has_operational_objectives_only() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let anon = anonymous(&app);
    let simple = new_edition(&app, "DUP semplificato 2026–2028", true).await;

    let outcome = imported(editions::import(&admin, simple, &format!("{HEADER}{SIMPLE}")).await);
    assert_eq!(outcome.created, 3);
    let detail = editions::edition(&anon, simple).await.unwrap();
    assert!(detail.summary.simplified);
    assert_eq!(detail.missions.len(), 1);
    assert!(detail.missions[0].strategic.is_empty());
    let node = &detail.missions[0].programmes[0].objectives[0];
    assert_eq!(
        (node.code.as_str(), node.parent_code.clone()),
        ("SeO-1", None)
    );
    let page = objectives::objective(&anon, node.id).await.unwrap();
    assert_eq!(page.parent, None);
    assert_eq!(page.resources[0].cents, 1_500_000);
    let before = rows(&app, simple).await;

    // A strategic objective, or an operational one with a parent: refused.
    let with_strategic = format!(
        "{HEADER}{SIMPLE}obiettivo_strategico,SeS-10.1,10,,,Una città che si muove,,,,,,,,\n\
         obiettivo_operativo,SeO-2,10,02,SeS-10.1,Con un padre,,,,,,,,\n"
    );
    let problems = rejected(editions::import(&admin, simple, &with_strategic).await);
    assert_eq!(
        lines_and_messages(&problems),
        vec![
            (Some(7), "Un DUP semplificato non ha obiettivi strategici."),
            (Some(8), "Un DUP semplificato non ha obiettivi strategici."),
        ]
    );
    assert!(problems.iter().all(|p| p.message.contains("semplificato")));
    assert_eq!(rows(&app, simple).await, before);

    // An ordinary edition wants the strategic objective.
    let ordinary = new_edition(&app, "DUP ordinario", false).await;
    let problems = rejected(editions::import(&admin, ordinary, &format!("{HEADER}{SIMPLE}")).await);
    assert_eq!(
        lines_and_messages(&problems),
        // What hangs from the refused objective is not reported again.
        vec![(Some(3), "Manca l'obiettivo strategico (colonna «padre»).")]
    );
    assert_eq!(rows(&app, ordinary).await, Rows::default());

    // A simplified edition is never copied into an ordinary one...
    assert_eq!(
        field_of(editions::copy_edition(&admin, simple, &edition_input("Ordinaria", false)).await)
            .0,
        "semplificato"
    );
    // ...but an ordinary one may become simplified: strategic objectives go.
    let milano = edition_of(&app, MILANO).await;
    let copy = editions::copy_edition(&admin, milano, &edition_input("Semplificata", true))
        .await
        .unwrap();
    let operational = count_sql(
        &app,
        "SELECT COUNT(*) FROM dup_objectives WHERE edition_id = ? AND level = 'operativo'",
        vec![milano.into()],
    )
    .await;
    assert_eq!(rows(&app, copy).await.objectives, operational);
    let detail = editions::edition(&anon, copy).await.unwrap();
    assert!(detail.missions.iter().all(|m| m.strategic.is_empty()));
    assert!(
        detail
            .missions
            .iter()
            .flat_map(|m| m.programmes.iter().flat_map(|p| p.objectives.iter()))
            .all(|o| o.parent_code.is_none())
    );
}

// ---------------------------------------------------------------------------
// 6. JSON problems
// ---------------------------------------------------------------------------

#[tokio::test]
async fn json_problems_say_the_line_or_the_item() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let id = new_edition(&app, "DUP in JSON", false).await;

    let broken = "{\n  \"formato\": \"piazza-dup/1\",\n  \"programmi\": [\n    \
                  {\"missione\": \"10\" \"codice\": \"02\", \"titolo\": \"Trasporto\"}\n  ]\n}\n";
    let problems = rejected(editions::import(&admin, id, broken).await);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(4));
    assert!(
        problems[0].place.starts_with("riga 4, colonna "),
        "{problems:?}"
    );
    assert!(
        problems[0].message.starts_with("JSON non valido"),
        "{problems:?}"
    );

    let unknown_mission = r#"{"formato": "piazza-dup/1", "programmi": [
        {"missione": "77", "codice": "01", "titolo": "Una missione inventata"},
        {"missione": "10", "codice": "02", "titolo": "Trasporto pubblico locale"}
    ], "obiettivi_strategici": [
        {"codice": "SeS-10.1", "missione": "10", "titolo": "Muoversi meglio"}
    ], "obiettivi_operativi": [
        {"codice": "SeO-10.02.1", "missione": "10", "programma": "02",
         "obiettivo_strategico": "SeS-10.1", "titolo": "Bus nei quartieri",
         "risorse": [{"anno": 2026, "euro": 1000.5}, {"anno": 2027, "euro": -5}]}
    ], "indicatori": [
        {"codice": "IND-1", "obiettivo": "SeO-9", "nome": "Passeggeri"}
    ]}"#;
    let problems = rejected(editions::import(&admin, id, unknown_mission).await);
    let places: Vec<(Option<u64>, &str, &str)> = problems
        .iter()
        .map(|p| (p.line, p.place.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        places,
        vec![
            (None, "programmi[0]", "Missione «77» sconosciuta o tecnica."),
            (
                None,
                "obiettivi_operativi[0].risorse[1]",
                "Importo «-5» fuori misura."
            ),
            (
                None,
                "indicatori[0]",
                "Obiettivo operativo «SeO-9» non trovato."
            ),
        ]
    );
    assert_eq!(rows(&app, id).await, Rows::default());

    let problems =
        rejected(editions::import(&admin, id, r#"{"formato": "piazza-dup/1", "altro": []}"#).await);
    assert!(problems[0].message.contains("«altro»"), "{problems:?}");
    assert!(
        problems[0]
            .message
            .starts_with("Campo mancante, sconosciuto o di tipo sbagliato")
    );
    let problems = rejected(editions::import(&admin, id, r#"{"formato": "piazza-dup/2"}"#).await);
    assert_eq!(
        (problems[0].place.as_str(), problems[0].message.as_str()),
        (
            "formato",
            "Formato «piazza-dup/2» sconosciuto: serve «piazza-dup/1»."
        )
    );
    assert_eq!(rows(&app, id).await, Rows::default());

    // Corrected, the same document imports.
    let good = unknown_mission
        .replace(
            r#"{"missione": "77", "codice": "01", "titolo": "Una missione inventata"},"#,
            "",
        )
        .replace(r#", {"anno": 2027, "euro": -5}"#, "")
        .replace("SeO-9", "SeO-10.02.1");
    let outcome = imported(editions::import(&admin, id, &good).await);
    assert_eq!(outcome.created, 4);
    let bus = objective(&app, id, "SeO-10.02.1").await;
    assert_eq!(
        objectives::objective(&anonymous(&app), bus.id)
            .await
            .unwrap()
            .resources,
        vec![ResourceYear {
            year: 2026,
            cents: 100_050,
        }]
    );
}

// ---------------------------------------------------------------------------
// 7. Copying an edition
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_copied_edition_has_the_same_tree_and_no_links() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let milano = edition_of(&app, MILANO).await;
    let source_rows = rows(&app, milano).await;
    assert!(links_in(&app, milano).await > 0);

    let input = EditionInput::parse(
        "Città metropolitana di Milano",
        "DUP 2019–2021",
        "2019",
        "2021",
        false,
    )
    .unwrap();
    let copy = editions::copy_edition(&admin, milano, &input)
        .await
        .unwrap();
    assert_ne!(copy, milano);
    assert_eq!(rows(&app, copy).await, source_rows);
    for format in [DupFormat::Csv, DupFormat::Json] {
        assert_eq!(
            export(&app, copy, format).await,
            export(&app, milano, format).await
        );
    }
    assert_eq!(links_in(&app, copy).await, 0, "links are not copied");
    let stored = dup_edition::Entity::find_by_id(copy)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.copied_from, Some(milano));
    assert_eq!((stored.first_year, stored.last_year), (2019, 2021));
    let (name, _, _) = editions::export(&anonymous(&app), copy, DupFormat::Csv)
        .await
        .unwrap();
    assert_eq!(name, "dup-2019-2021.csv");
    // The copy is independent: the objectives are new rows.
    let original = objective(&app, milano, "SeO-10.02.1").await;
    let copied = objective(&app, copy, "SeO-10.02.1").await;
    assert_ne!(original.id, copied.id);
    assert_eq!(
        objectives::objective(&anonymous(&app), copied.id)
            .await
            .unwrap()
            .links,
        vec![]
    );
    // The source is attached to Milano; the copy to nothing yet.
    let list = editions::editions(&anonymous(&app)).await.unwrap();
    let listed = |id: Uuid| list.editions.iter().find(|e| e.id == id).unwrap().clone();
    assert_eq!(listed(milano).processes[0].key, MILANO);
    assert!(listed(copy).processes.is_empty());
    assert_eq!(listed(copy).objective_count, source_rows.objectives);
}

// ---------------------------------------------------------------------------
// 8. Who may do what
// ---------------------------------------------------------------------------

#[tokio::test]
async fn only_the_right_people_manage_link_and_record() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let citizen = ctx(&app, &person(&app, "citizen@demo.piazza.invalid").await);
    let staff = ctx(
        &app,
        &person(&app, "staff-milano@demo.piazza.invalid").await,
    );
    let council = ctx(
        &app,
        &person(&app, "council-milano@demo.piazza.invalid").await,
    );
    let pinerolo_facilitator = ctx(
        &app,
        &person(&app, "facilitator-pinerolo@demo.piazza.invalid").await,
    );
    let ambiente = ctx(
        &app,
        &person(&app, "facilitator-milano-ambiente@demo.piazza.invalid").await,
    );
    let milano = edition_of(&app, MILANO).await;
    let csv = format!("{HEADER}{GOOD}");
    let input = edition_input("Non autorizzata", false);

    // Editions: administrators only.
    denied(
        editions::import(&anon, milano, &csv).await,
        false,
        "anonymous import",
    );
    for (who, name) in [
        (&citizen, "citizen"),
        (&staff, "staff"),
        (&council, "council"),
        (&pinerolo_facilitator, "facilitator"),
    ] {
        denied(editions::import(who, milano, &csv).await, true, name);
        denied(editions::create_edition(who, &input).await, true, name);
        denied(
            editions::copy_edition(who, milano, &input).await,
            true,
            name,
        );
    }
    denied(
        editions::create_edition(&anon, &input).await,
        false,
        "anonymous create",
    );
    assert_eq!(
        dup_edition::Entity::find().count(&app.db).await.unwrap(),
        2,
        "only the demo editions"
    );
    // Everybody reads and exports.
    for who in [&anon, &citizen, &council] {
        editions::edition(who, milano).await.unwrap();
        editions::export(who, milano, DupFormat::Json)
            .await
            .unwrap();
        links::coverage(who, MILANO, None, None).await.unwrap();
        monitoring::overview(who, MILANO).await.unwrap();
    }

    // Attaching: facilitators of that process.
    denied(
        editions::attach(&pinerolo_facilitator, MILANO, None).await,
        true,
        "a Pinerolo facilitator attaching Milano",
    );
    denied(
        editions::attach(&citizen, PINEROLO, None).await,
        true,
        "citizen attach",
    );
    denied(
        editions::attach(&anon, PINEROLO, None).await,
        false,
        "anonymous attach",
    );
    assert_eq!(process_row(&app, MILANO).await.dup_edition_id, Some(milano));

    // Linking: facilitators of the proposal's platform.
    let transport = objective(&app, milano, "SeO-10.02.1").await;
    let ticket = proposal_titled(&app, MILANO, "Un biglietto unico").await;
    let item = PlanItem::Proposal(ticket.id);
    let why = link_input(transport.id, "Lo stesso obiettivo.", "3");
    denied(
        links::link(&anon, item, &why).await,
        false,
        "anonymous link",
    );
    denied(
        links::link(&citizen, item, &why).await,
        true,
        "citizen link",
    );
    denied(
        links::link(&ambiente, item, &why).await,
        true,
        "the Ambiente facilitator linking a Trasporti proposal",
    );
    denied(
        links::link(&pinerolo_facilitator, item, &why).await,
        true,
        "a Pinerolo facilitator linking a Milano proposal",
    );
    let seen = links::links_of(&ambiente, item).await.unwrap();
    assert!(!seen.can_link && seen.suggestions.is_empty() && seen.choices.is_empty());
    assert!(!links::links_of(&anon, item).await.unwrap().can_link);
    let demo_link = seen.links[0].id;
    denied(
        links::unlink(&ambiente, demo_link).await,
        true,
        "the Ambiente facilitator unlinking",
    );
    denied(
        links::unlink(&citizen, demo_link).await,
        true,
        "citizen unlink",
    );
    // The Ambiente facilitator links within Ambiente.
    let parks = proposal_titled(&app, MILANO, "Mettere in rete i PLIS").await;
    assert!(
        links::links_of(&ambiente, PlanItem::Proposal(parks.id))
            .await
            .unwrap()
            .can_link
    );
    let parks_objective = objective(&app, milano, "SeO-09.02.1").await;
    links::link(
        &ambiente,
        PlanItem::Proposal(parks.id),
        &link_input(parks_objective.id, "I PLIS sono la rete dei parchi.", ""),
    )
    .await
    .unwrap();

    // Recording progress: staff, the process's facilitators, administrators.
    let record = progress("in_corso", "10", "", "2017-01-10", &[]);
    let target = Monitored::Objective(transport.id);
    denied(
        monitoring::record(&citizen, MILANO, target, &record).await,
        true,
        "citizen record",
    );
    denied(
        monitoring::record(&council, MILANO, target, &record).await,
        true,
        "council record",
    );
    denied(
        monitoring::record(&ambiente, MILANO, target, &record).await,
        true,
        "a platform facilitator recording",
    );
    denied(
        monitoring::record(&anon, MILANO, target, &record).await,
        false,
        "anonymous record",
    );
    assert_eq!(
        dup_progress::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    monitoring::record(&staff, MILANO, target, &record)
        .await
        .unwrap();
    let milano_facilitator = ctx(
        &app,
        &person(&app, "facilitator-milano@demo.piazza.invalid").await,
    );
    monitoring::record(&milano_facilitator, MILANO, target, &record)
        .await
        .unwrap();
    assert!(
        !monitoring::overview(&citizen, MILANO)
            .await
            .unwrap()
            .can_record
    );
    assert!(
        monitoring::overview(&staff, MILANO)
            .await
            .unwrap()
            .can_record
    );
    assert_eq!(
        dup_progress::Entity::find().count(&app.db).await.unwrap(),
        2
    );
}

// ---------------------------------------------------------------------------
// 9. Links and suggestions
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_facilitator_links_a_project_to_objectives_with_a_rationale() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let facilitator = person(&app, "facilitator-milano@demo.piazza.invalid").await;
    let milano = edition_of(&app, MILANO).await;
    let transport = objective(&app, milano, "SeO-10.02.1").await;
    let cycling = objective(&app, milano, "SeO-10.05.1").await;

    let evening = proposal_titled(&app, MILANO, "Autobus a chiamata serale").await;
    let logistics = proposal_titled(&app, MILANO, "Piano della logistica").await;
    let title = "Mobilità serale e logistica nei comuni";
    let project = projects::merge(
        &ctx(&app, &facilitator),
        &[evening.id, logistics.id],
        &project_input(title),
    )
    .await
    .unwrap();
    let item = PlanItem::Project(project);

    // Before: nothing linked; the facilitator may link and gets choices.
    let seen = links::links_of(&anon, item).await.unwrap();
    assert!(seen.links.is_empty() && !seen.can_link);
    assert_eq!(
        seen.edition,
        Some(NamedRef {
            key: milano.to_string(),
            name: "Città metropolitana di Milano – DUP 2016–2018".into(),
        })
    );
    let own = links::links_of(&ctx(&app, &facilitator), item)
        .await
        .unwrap();
    assert!(own.can_link);
    assert_eq!(
        own.choices.len() as i64,
        rows(&app, milano).await.objectives
    );
    assert!(!own.suggestions.is_empty() && own.suggestions.len() <= 5);
    assert!(
        own.suggestions.windows(2).all(|w| w[0].score >= w[1].score),
        "best first"
    );

    let first = links::link(
        &ctx(&app, &facilitator),
        item,
        &link_input(
            transport.id,
            "Gli autobus a chiamata portano alle stazioni di interscambio.",
            "4",
        ),
    )
    .await
    .unwrap();
    let second = links::link(
        &ctx(&app, &facilitator),
        item,
        &link_input(
            cycling.id,
            "La logistica libera le strade per le ciclovie.",
            "",
        ),
    )
    .await
    .unwrap();
    assert_ne!(first, second);

    let supporters = projects::detail(&anon, project)
        .await
        .unwrap()
        .distinct_supporters;
    assert!(supporters.is_some_and(|n| n > 0));
    let seen = links::links_of(&anon, item).await.unwrap();
    let mut links = seen.links.clone();
    links.sort_by(|a, b| a.objective.code.cmp(&b.objective.code));
    let shown: Vec<_> = links
        .iter()
        .map(|l| {
            (
                l.objective.code.as_str(),
                l.rationale.as_str(),
                l.weight,
                l.linked_by.as_deref(),
                l.item,
                l.item_title.as_str(),
                l.supports,
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            (
                "SeO-10.02.1",
                "Gli autobus a chiamata portano alle stazioni di interscambio.",
                Some(4),
                Some(facilitator.display_name.as_str()),
                item,
                title,
                supporters,
            ),
            (
                "SeO-10.05.1",
                "La logistica libera le strade per le ciclovie.",
                None,
                Some(facilitator.display_name.as_str()),
                item,
                title,
                supporters,
            ),
        ]
    );
    // Suggestions leave out what is already linked.
    let own = links::links_of(&ctx(&app, &facilitator), item)
        .await
        .unwrap();
    assert!(
        own.suggestions
            .iter()
            .all(|s| s.objective.id != transport.id && s.objective.id != cycling.id)
    );
    // The objective's page and the tree show the link.
    let page = objectives::objective(&anon, transport.id).await.unwrap();
    assert!(page.links.iter().any(|l| l.id == first && l.item == item));
    let tree = editions::edition(&anon, milano).await.unwrap();
    let node = tree
        .missions
        .iter()
        .flat_map(|m| m.programmes.iter().flat_map(|p| p.objectives.iter()))
        .find(|o| o.id == transport.id)
        .unwrap();
    assert_eq!(node.link_count, page.links.len() as i64);

    // Linking again changes the rationale and weight: still one link.
    let again = links::link(
        &ctx(&app, &facilitator),
        item,
        &link_input(transport.id, "Il progetto porta passeggeri ai treni.", "5"),
    )
    .await
    .unwrap();
    assert_eq!(again, first);
    let stored = dup_link::Entity::find()
        .filter(dup_link::Column::ProjectId.eq(project))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    let updated = stored.iter().find(|l| l.id == first).unwrap();
    assert_eq!(
        (updated.rationale.as_str(), updated.weight),
        ("Il progetto porta passeggeri ai treni.", Some(5))
    );

    // An objective of another edition is not a choice.
    let pinerolo = edition_of(&app, PINEROLO).await;
    let elsewhere = objective(&app, pinerolo, "SeO-01.08.1").await;
    assert_eq!(
        field_of(
            links::link(
                &ctx(&app, &facilitator),
                item,
                &link_input(elsewhere.id, "Un altro ente.", ""),
            )
            .await
        ),
        ("obiettivo".to_owned(), FieldProblem::NotRecognized)
    );
    // A withdrawn proposal is not linked.
    let withdrawn = proposal_titled(&app, MILANO, "Collegamento ferroviario diretto").await;
    assert_eq!(withdrawn.state, ProposalState::Withdrawn.as_str());
    assert_eq!(
        refusal(
            links::link(
                &ctx(&app, &facilitator),
                PlanItem::Proposal(withdrawn.id),
                &link_input(transport.id, "Treni per Malpensa.", ""),
            )
            .await
        ),
        Refusal::ProposalClosed {
            state: ProposalState::Withdrawn
        }
    );
    assert_eq!(
        dup_link::Entity::find()
            .filter(dup_link::Column::ProjectId.eq(project))
            .count(&app.db)
            .await
            .unwrap(),
        2
    );

    // Unlinking.
    links::unlink(&ctx(&app, &facilitator), second)
        .await
        .unwrap();
    let seen = links::links_of(&anon, item).await.unwrap();
    assert_eq!(
        seen.links
            .iter()
            .map(|l| l.objective.code.as_str())
            .collect::<Vec<_>>(),
        vec!["SeO-10.02.1"]
    );
    assert!(matches!(
        links::unlink(&ctx(&app, &facilitator), second).await,
        Err(ServiceError::NotFound(_))
    ));
}

#[tokio::test]
async fn the_closest_objective_is_suggested_first() {
    let app = spawn_app().await;
    let facilitator = ctx(
        &app,
        &person(&app, "facilitator-milano@demo.piazza.invalid").await,
    );
    let milano = edition_of(&app, MILANO).await;
    let transport = objective(&app, milano, "SeO-10.02.1").await;
    let ticket = proposal_titled(
        &app,
        MILANO,
        "Un biglietto unico per treni, metropolitana e autobus",
    )
    .await;
    let item = PlanItem::Proposal(ticket.id);

    // The demo linked it by text similarity, on nobody's behalf.
    let seen = links::links_of(&facilitator, item).await.unwrap();
    assert_eq!(seen.links.len(), 1);
    let demo = &seen.links[0];
    assert_eq!(demo.objective.code, "SeO-10.02.1");
    assert_eq!(demo.linked_by, None);
    assert!(demo.rationale.contains("somiglianza"), "{}", demo.rationale);
    assert!(
        seen.suggestions
            .iter()
            .all(|s| s.objective.id != transport.id),
        "a linked objective is not suggested"
    );

    // Unlinked, the transport objective is the first suggestion.
    links::unlink(&facilitator, demo.id).await.unwrap();
    let seen = links::links_of(&facilitator, item).await.unwrap();
    assert!(seen.links.is_empty());
    let best = &seen.suggestions[0];
    assert_eq!(best.objective.code, "SeO-10.02.1");
    assert_eq!(best.objective.level, ObjectiveLevel::Operational);
    assert!(seen.suggestions[1..].iter().all(|s| s.score < best.score));
    // Anybody else sees no suggestions.
    let public = links::links_of(&anonymous(&app), item).await.unwrap();
    assert!(public.suggestions.is_empty() && public.choices.is_empty());
}

// ---------------------------------------------------------------------------
// 10. Coverage, counted by hand
// ---------------------------------------------------------------------------

/// A small simplified edition: objectives A and B in mission 01, C in 04.
const COVERAGE_DUP: &str = "\
programma,08,01,,,Statistica e sistemi informativi,,,,,,,,
programma,02,04,,,Altri ordini di istruzione non universitaria,,,,,,,,
obiettivo_operativo,A,01,08,,Sportello online,,,,,,,,
obiettivo_operativo,B,01,08,,Dati aperti,,,,,,,,
obiettivo_operativo,C,04,02,,Scuole digitali,,,,,,,,
";

/// Pinerolo, with a new small edition attached and in its voting phase.
struct Fixture {
    app: TestApp,
    facilitator: Person,
    edition: Uuid,
    old_edition: Uuid,
}

async fn coverage_fixture() -> Fixture {
    let app = spawn_app().await;
    let facilitator = person(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    let old_edition = edition_of(&app, PINEROLO).await;
    let edition = new_edition(&app, "Copertura", true).await;
    imported(
        editions::import(
            &admin(&app).await,
            edition,
            &format!("{HEADER}{COVERAGE_DUP}"),
        )
        .await,
    );
    editions::attach(&ctx(&app, &facilitator), PINEROLO, Some(edition))
        .await
        .unwrap();
    assert_eq!(edition_of(&app, PINEROLO).await, edition);
    Fixture {
        app,
        facilitator,
        edition,
        old_edition,
    }
}

impl Fixture {
    /// A new proposal of Pinerolo by a new author.
    async fn proposal(&self, title: &str, platform: &str, zone: &str) -> Uuid {
        let author = fresh_person(&self.app, &format!("Autore di {title}")).await;
        authoring::create(
            &ctx(&self.app, &author),
            PINEROLO,
            platform,
            &ProposalInput::parse(title, BODY, Some(zone), None).unwrap(),
        )
        .await
        .unwrap()
    }

    /// From proposals, through deliberation, to voting.
    async fn open_voting(&self) {
        let process = process_row(&self.app, PINEROLO).await;
        for _ in 0..2 {
            phases::advance(&ctx(&self.app, &self.facilitator), process.id)
                .await
                .unwrap();
        }
    }

    async fn link(&self, item: PlanItem, objective: Uuid) -> Uuid {
        links::link(
            &ctx(&self.app, &self.facilitator),
            item,
            &link_input(objective, "Collegata a mano per la prova.", "3"),
        )
        .await
        .unwrap()
    }

    async fn objective(&self, code: &str) -> Uuid {
        objective(&self.app, self.edition, code).await.id
    }
}

/// `(proposals, projects, supporters)` of each objective, by code.
fn figures(coverage: &shared::model::dup::Coverage) -> Vec<(String, i64, i64, i64)> {
    coverage
        .missions
        .iter()
        .flat_map(|m| m.objectives.iter())
        .map(|r| {
            (
                r.objective.code.clone(),
                r.proposals,
                r.projects,
                r.supporters.expect("counts visible"),
            )
        })
        .collect()
}

/// `(mission, covered, supporters)`.
fn missions(coverage: &shared::model::dup::Coverage) -> Vec<(String, i64, i64)> {
    coverage
        .missions
        .iter()
        .map(|m| {
            (
                m.code.clone(),
                m.covered,
                m.supporters.expect("counts visible"),
            )
        })
        .collect()
}

fn row(code: &str, proposals: i64, projects: i64, supporters: i64) -> (String, i64, i64, i64) {
    (code.to_owned(), proposals, projects, supporters)
}

fn codes(objectives: &[shared::model::dup::ObjectiveRef]) -> Vec<&str> {
    objectives.iter().map(|o| o.code.as_str()).collect()
}

#[tokio::test]
async fn coverage_counts_each_supporter_once_per_objective_and_mission() {
    let fx = coverage_fixture().await;
    let app = &fx.app;
    let anon = anonymous(app);
    let (a, b) = (fx.objective("A").await, fx.objective("B").await);

    let p1 = fx
        .proposal("Certificati anagrafici online", "servizi-online", "centro")
        .await;
    let p2 = fx
        .proposal("Pagamenti online per la mensa", "servizi-online", "collina")
        .await;
    let p3 = fx
        .proposal(
            "Corsi di informatica per anziani",
            "inclusione-digitale",
            "centro",
        )
        .await;
    let p4 = fx
        .proposal(
            "Tablet in prestito in biblioteca",
            "inclusione-digitale",
            "frazioni-pianura",
        )
        .await;
    let p5 = fx
        .proposal("Wifi nella piazza del mercato", "servizi-online", "centro")
        .await;

    fx.open_voting().await;
    let x = fresh_person(app, "Persona X").await;
    let y = fresh_person(app, "Persona Y").await;
    for (who, id) in [(&x, p1), (&x, p2), (&y, p1), (&x, p3), (&x, p4)] {
        assert!(supports::give(&ctx(app, who), id).await.unwrap().changed);
    }
    // An accepted proposal nobody links.
    authoring::answer(&ctx(app, &fx.facilitator), p5, "accepted", "Accolta.")
        .await
        .unwrap();

    let coverage = links::coverage(&anon, PINEROLO, None, None).await.unwrap();
    assert_eq!(
        coverage.edition.as_ref().map(|e| e.key.clone()),
        Some(fx.edition.to_string())
    );
    assert_eq!(
        figures(&coverage),
        vec![row("A", 0, 0, 0), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );
    assert_eq!(codes(&coverage.uncovered), vec!["A", "B", "C"]);
    assert_eq!(
        coverage
            .unlinked
            .iter()
            .map(|u| (u.item, u.title.as_str(), u.platform.as_str()))
            .collect::<Vec<_>>(),
        vec![(
            PlanItem::Proposal(p5),
            "Wifi nella piazza del mercato",
            "Servizi online"
        )]
    );

    // Two proposals on A, both supported by X, one also by Y.
    fx.link(PlanItem::Proposal(p1), a).await;
    fx.link(PlanItem::Proposal(p2), a).await;
    let coverage = links::coverage(&anon, PINEROLO, None, None).await.unwrap();
    assert_eq!(
        figures(&coverage),
        vec![row("A", 2, 0, 2), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );

    // A project on A whose originals X supported: X still counts once.
    let project = projects::merge(
        &ctx(app, &fx.facilitator),
        &[p3, p4],
        &project_input("Facilitazione digitale diffusa"),
    )
    .await
    .unwrap();
    let unlinked = links::coverage(&anon, PINEROLO, None, None)
        .await
        .unwrap()
        .unlinked;
    assert!(
        unlinked
            .iter()
            .any(|u| u.item == PlanItem::Project(project))
    );
    fx.link(PlanItem::Project(project), a).await;
    // P2 feeds B too.
    fx.link(PlanItem::Proposal(p2), b).await;

    let coverage = links::coverage(&anon, PINEROLO, None, None).await.unwrap();
    assert_eq!(
        figures(&coverage),
        vec![row("A", 2, 1, 2), row("B", 1, 0, 1), row("C", 0, 0, 0)]
    );
    assert_eq!(codes(&coverage.uncovered), vec!["C"]);
    assert_eq!(
        missions(&coverage),
        vec![("01".to_owned(), 2, 2), ("04".to_owned(), 0, 0)],
        "X counts once over the whole mission"
    );
    assert_eq!(
        coverage.missions[0].title,
        "Servizi istituzionali, generali e di gestione"
    );
    assert_eq!(
        coverage.unlinked.iter().map(|u| u.item).collect::<Vec<_>>(),
        vec![PlanItem::Proposal(p5)]
    );
    assert_eq!(coverage.zones.len(), 3);
    assert_eq!(coverage.platforms.len(), 4);
    assert_eq!(
        (coverage.zone.clone(), coverage.platform.clone()),
        (None, None)
    );

    // One zone: P1 is in the centre, P2 on the hill; the project counts in
    // the centre through P3, with the supporters of its originals there.
    let centre = links::coverage(&anon, PINEROLO, Some("centro"), None)
        .await
        .unwrap();
    assert_eq!(centre.zone.as_deref(), Some("centro"));
    assert_eq!(
        figures(&centre),
        vec![row("A", 1, 1, 2), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );
    assert_eq!(codes(&centre.uncovered), vec!["B", "C"]);
    assert_eq!(missions(&centre)[0], ("01".to_owned(), 1, 2));
    assert_eq!(
        centre.unlinked.iter().map(|u| u.item).collect::<Vec<_>>(),
        vec![PlanItem::Proposal(p5)]
    );
    let hill = links::coverage(&anon, PINEROLO, Some("collina"), None)
        .await
        .unwrap();
    assert_eq!(
        figures(&hill),
        vec![row("A", 1, 0, 1), row("B", 1, 0, 1), row("C", 0, 0, 0)]
    );
    assert_eq!(missions(&hill)[0], ("01".to_owned(), 2, 1));
    assert!(hill.unlinked.is_empty());
    let plain = links::coverage(&anon, PINEROLO, Some("frazioni-pianura"), None)
        .await
        .unwrap();
    assert_eq!(
        figures(&plain),
        vec![row("A", 0, 1, 1), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );

    // One platform.
    let online = links::coverage(&anon, PINEROLO, None, Some("servizi-online"))
        .await
        .unwrap();
    assert_eq!(online.platform.as_deref(), Some("servizi-online"));
    assert_eq!(
        figures(&online),
        vec![row("A", 2, 0, 2), row("B", 1, 0, 1), row("C", 0, 0, 0)]
    );
    assert_eq!(
        online.unlinked.iter().map(|u| u.item).collect::<Vec<_>>(),
        vec![PlanItem::Proposal(p5)]
    );
    let inclusion = links::coverage(&anon, PINEROLO, None, Some("inclusione-digitale"))
        .await
        .unwrap();
    assert_eq!(
        figures(&inclusion),
        vec![row("A", 0, 1, 1), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );
    assert_eq!(missions(&inclusion)[0], ("01".to_owned(), 1, 1));
    assert!(inclusion.unlinked.is_empty());
    // Both filters together.
    let both = links::coverage(
        &anon,
        PINEROLO,
        Some("collina"),
        Some("inclusione-digitale"),
    )
    .await
    .unwrap();
    assert_eq!(
        figures(&both),
        vec![row("A", 0, 0, 0), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );
    // Unknown filters name the field.
    assert_eq!(
        field_of(links::coverage(&anon, PINEROLO, Some("luna"), None).await).0,
        "zona"
    );
    assert_eq!(
        field_of(links::coverage(&anon, PINEROLO, None, Some("marte")).await).0,
        "piattaforma"
    );

    // The figures match the database, counted another way.
    let distinct_on_a = count_sql(
        app,
        "SELECT COUNT(DISTINCT s.user_id) FROM supports s WHERE s.proposal_id IN \
         (SELECT proposal_id FROM dup_links WHERE objective_id = ? AND proposal_id IS NOT NULL \
          UNION SELECT m.id FROM proposals m JOIN dup_links l ON l.project_id = m.project_id \
          WHERE l.objective_id = ?)",
        vec![a.into(), a.into()],
    )
    .await;
    assert_eq!(distinct_on_a, 2);
}

/// Links to an objective of an edition the process no longer informs do
/// not count, neither per objective nor over the mission.
#[tokio::test]
async fn links_to_another_edition_do_not_count_in_coverage() {
    let fx = coverage_fixture().await;
    let app = &fx.app;
    let anon = anonymous(app);
    let a = fx.objective("A").await;
    let p1 = fx
        .proposal("Certificati anagrafici online", "servizi-online", "centro")
        .await;
    let q = fx
        .proposal("Un'app per le segnalazioni", "servizi-online", "centro")
        .await;
    fx.open_voting().await;
    let x = fresh_person(app, "Persona X").await;
    let v = fresh_person(app, "Persona V").await;
    supports::give(&ctx(app, &x), p1).await.unwrap();
    supports::give(&ctx(app, &v), q).await.unwrap();
    fx.link(PlanItem::Proposal(p1), a).await;

    // Q is linked while the old edition (same mission 01) is attached.
    editions::attach(&ctx(app, &fx.facilitator), PINEROLO, Some(fx.old_edition))
        .await
        .unwrap();
    let old = objective(app, fx.old_edition, "SeO-01.08.1").await;
    fx.link(PlanItem::Proposal(q), old.id).await;
    editions::attach(&ctx(app, &fx.facilitator), PINEROLO, Some(fx.edition))
        .await
        .unwrap();

    let coverage = links::coverage(&anon, PINEROLO, None, None).await.unwrap();
    assert_eq!(
        figures(&coverage),
        vec![row("A", 1, 0, 1), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );
    assert_eq!(
        missions(&coverage)[0],
        ("01".to_owned(), 1, 1),
        "V supported only a proposal linked to the old edition"
    );
}

// ---------------------------------------------------------------------------
// 11. Monitoring
// ---------------------------------------------------------------------------

#[tokio::test]
async fn staff_record_progress_followers_are_told_and_the_page_shows_it() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let staff = person(&app, "staff-milano@demo.piazza.invalid").await;
    let milano_process = process_row(&app, MILANO).await;
    let milano = edition_of(&app, MILANO).await;
    let transport = objective(&app, milano, "SeO-10.02.1").await;
    let passengers = indicator(&app, milano, "IND-10.02.1-A").await;
    let ticket = proposal_titled(&app, MILANO, "Un biglietto unico").await;
    assert!(
        links::links_of(&anon, PlanItem::Proposal(ticket.id))
            .await
            .unwrap()
            .links
            .iter()
            .any(|l| l.objective.id == transport.id),
        "the demo links the ticket to the transport objective"
    );

    // A follower of the linked proposal; the staff member follows it too.
    let follower = fresh_person(&app, "Segue il biglietto").await;
    authoring::follow(&ctx(&app, &follower), ticket.id, true)
        .await
        .unwrap();
    authoring::follow(&ctx(&app, &staff), ticket.id, true)
        .await
        .unwrap();
    let progress_notices = |user: Uuid| {
        notification::Entity::find()
            .filter(notification::Column::UserId.eq(user))
            .filter(notification::Column::Kind.eq(NotificationKind::Progress.as_str()))
            .all(&app.db)
    };
    assert!(progress_notices(follower.id).await.unwrap().is_empty());

    let overview = monitoring::overview(&anon, MILANO).await.unwrap();
    assert!(overview.open && !overview.can_record);
    assert!(overview.timeline.is_empty());
    let key = format!("obiettivo:{}", transport.id);
    let item = overview
        .items
        .iter()
        .find(|i| i.key == key)
        .expect("a linked objective is monitored");
    assert_eq!(item.latest, None);

    let first = monitoring::record(
        &ctx(&app, &staff),
        MILANO,
        Monitored::Objective(transport.id),
        &progress(
            "in_corso",
            "40",
            "Gara per la **bigliettazione** aggiudicata.",
            "2017-03-15",
            &[(passengers.id, 2017, "695")],
        ),
    )
    .await
    .unwrap();
    let stored = dup_progress::Entity::find_by_id(first)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            stored.objective_id,
            stored.project_id,
            stored.status.as_str(),
            stored.percent,
            stored.recorded_by,
            stored.recorded_on,
        ),
        (
            Some(transport.id),
            None,
            "in_corso",
            40,
            Some(staff.id),
            NaiveDate::from_ymd_opt(2017, 3, 15).unwrap(),
        )
    );
    // The actual value is stored next to the target, which stays.
    assert_eq!(
        stored_values(&app, passengers.id).await,
        vec![(2017, Some(700.0), Some(695.0)), (2018, Some(720.0), None)]
    );

    // The follower is told, the person who recorded is not.
    let notices = progress_notices(follower.id).await.unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].proposal_id, Some(ticket.id));
    assert_eq!(notices[0].process_id, Some(milano_process.id));
    assert_eq!(
        notices[0].detail,
        "SeO-10.02.1 Biglietto unico e interscambi alle stazioni: in corso, 40%"
    );
    assert!(progress_notices(staff.id).await.unwrap().is_empty());

    // A later record.
    let second = monitoring::record(
        &ctx(&app, &staff),
        MILANO,
        Monitored::Objective(transport.id),
        &progress("completato", "100", "", "2018-01-10", &[]),
    )
    .await
    .unwrap();
    assert_eq!(progress_notices(follower.id).await.unwrap().len(), 2);

    let overview = monitoring::overview(&anon, MILANO).await.unwrap();
    assert_eq!(
        overview.edition.as_ref().map(|e| e.key.clone()),
        Some(milano.to_string())
    );
    let item = overview.items.iter().find(|i| i.key == key).unwrap();
    assert_eq!(item.code.as_deref(), Some("SeO-10.02.1"));
    assert_eq!(item.href, format!("/obiettivi/{}", transport.id));
    let latest = item.latest.as_ref().expect("the latest record");
    assert_eq!(
        (latest.id, latest.status, latest.percent),
        (second, ProgressStatus::Completed, 100)
    );
    let years = &item
        .indicators
        .iter()
        .find(|i| i.id == passengers.id)
        .unwrap()
        .years;
    assert_eq!(
        years[0],
        IndicatorYear {
            year: 2017,
            target: Some(700.0),
            actual: Some(695.0),
        }
    );
    let timeline: Vec<_> = overview
        .timeline
        .iter()
        .map(|r| (r.id, r.item_key.as_str(), r.status))
        .collect();
    assert_eq!(
        timeline,
        vec![
            (second, key.as_str(), ProgressStatus::Completed),
            (first, key.as_str(), ProgressStatus::InProgress),
        ]
    );
    assert!(
        overview.timeline[1]
            .note_html
            .contains("<strong>bigliettazione</strong>")
    );
    assert_eq!(
        overview.timeline[1].item_title,
        "SeO-10.02.1 Biglietto unico e interscambi alle stazioni"
    );
    let page = objectives::objective(&anon, transport.id).await.unwrap();
    assert_eq!(
        page.progress.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![second, first]
    );

    // Only objectives linked to the plan, and only their own indicators.
    let unlinked = dup_objective::Entity::find()
        .filter(dup_objective::Column::EditionId.eq(milano))
        .all(&app.db)
        .await
        .unwrap();
    let mut lonely = None;
    for o in unlinked {
        let n = dup_link::Entity::find()
            .filter(dup_link::Column::ObjectiveId.eq(o.id))
            .count(&app.db)
            .await
            .unwrap();
        if n == 0 {
            lonely = Some(o);
            break;
        }
    }
    let lonely = lonely.expect("an objective with no link");
    assert_eq!(
        field_of(
            monitoring::record(
                &ctx(&app, &staff),
                MILANO,
                Monitored::Objective(lonely.id),
                &progress("in_corso", "5", "", "2017-02-01", &[]),
            )
            .await
        ),
        ("voce".to_owned(), FieldProblem::NotRecognized)
    );
    let other_indicator = indicator(&app, milano, "IND-09.02.1-A").await;
    assert_eq!(
        field_of(
            monitoring::record(
                &ctx(&app, &staff),
                MILANO,
                Monitored::Objective(transport.id),
                &progress(
                    "in_corso",
                    "5",
                    "",
                    "2017-02-01",
                    &[(other_indicator.id, 2017, "1")],
                ),
            )
            .await
        ),
        (
            format!("valore_{}_2017", other_indicator.id),
            FieldProblem::NotRecognized
        )
    );
    assert_eq!(
        dup_progress::Entity::find().count(&app.db).await.unwrap(),
        2
    );

    // Pinerolo is not in monitoring: refused.
    let pinerolo = edition_of(&app, PINEROLO).await;
    let online = objective(&app, pinerolo, "SeO-01.08.1").await;
    assert_eq!(
        refusal(
            monitoring::record(
                &ctx(&app, &staff),
                PINEROLO,
                Monitored::Objective(online.id),
                &progress("in_corso", "10", "", "2026-05-01", &[]),
            )
            .await
        ),
        Refusal::MonitoringClosed
    );
    let closed = monitoring::overview(&ctx(&app, &staff), PINEROLO)
        .await
        .unwrap();
    assert!(!closed.open && !closed.can_record);
    assert_eq!(
        dup_progress::Entity::find().count(&app.db).await.unwrap(),
        2
    );
}

/// A project of the plan is monitored too; the followers of its originals
/// are told.
#[tokio::test]
async fn progress_on_a_project_tells_the_followers_of_its_originals() {
    let app = spawn_app().await;
    let facilitator = person(&app, "facilitator-milano@demo.piazza.invalid").await;
    let evening = proposal_titled(&app, MILANO, "Autobus a chiamata serale").await;
    let logistics = proposal_titled(&app, MILANO, "Piano della logistica").await;
    let project = projects::merge(
        &ctx(&app, &facilitator),
        &[evening.id, logistics.id],
        &project_input("Mobilità serale e logistica nei comuni"),
    )
    .await
    .unwrap();
    let follower = fresh_person(&app, "Segue la logistica").await;
    authoring::follow(&ctx(&app, &follower), logistics.id, true)
        .await
        .unwrap();

    monitoring::record(
        &ctx(&app, &facilitator),
        MILANO,
        Monitored::Project(project),
        &progress("in_corso", "20", "Prime corse attive.", "2017-06-01", &[]),
    )
    .await
    .unwrap();
    let notices = notification::Entity::find()
        .filter(notification::Column::UserId.eq(follower.id))
        .filter(notification::Column::Kind.eq("progress"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].proposal_id, Some(logistics.id));
    let overview = monitoring::overview(&anonymous(&app), MILANO)
        .await
        .unwrap();
    let item = overview
        .items
        .iter()
        .find(|i| i.key == format!("progetto:{project}"))
        .unwrap();
    assert_eq!(item.href, format!("/progetti/{project}"));
    assert_eq!(
        item.latest.as_ref().map(|l| (l.status, l.percent)),
        Some((ProgressStatus::InProgress, 20))
    );
    // Indicator values only go with objectives.
    let milano = edition_of(&app, MILANO).await;
    let passengers = indicator(&app, milano, "IND-10.02.1-A").await;
    assert_eq!(
        field_of(
            monitoring::record(
                &ctx(&app, &facilitator),
                MILANO,
                Monitored::Project(project),
                &progress(
                    "in_corso",
                    "30",
                    "",
                    "2017-07-01",
                    &[(passengers.id, 2017, "5")]
                ),
            )
            .await
        )
        .0,
        "valori"
    );
}

// ---------------------------------------------------------------------------
// 12. Through the HTTP router
// ---------------------------------------------------------------------------

/// A multipart form post: `(name, file name if a file, content)`.
fn multipart(
    uri: &str,
    parts: &[(&str, Option<&str>, &str)],
    cookie: Option<&str>,
) -> Request<Body> {
    let boundary = "----piazzadup";
    let mut body = String::new();
    for (name, file, content) in parts {
        body.push_str(&format!("--{boundary}\r\n"));
        match file {
            Some(file) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                 Content-Type: text/csv\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(content);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let mut request = Request::post(uri)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("origin", ORIGIN);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn the_export_routes_send_the_file_and_the_pages_answer() {
    let app = spawn_app().await;
    let milano = edition_of(&app, MILANO).await;

    let answer = app.get(&format!("/dup/{milano}/esporta.csv")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        answer.headers.get("content-disposition").unwrap(),
        "attachment; filename=\"dup-2016-2018.csv\""
    );
    assert_eq!(
        answer.body.lines().next(),
        Some(HEADER.trim_end()),
        "the header line comes first"
    );
    assert_eq!(answer.body, export(&app, milano, DupFormat::Csv).await);

    let answer = app.get(&format!("/dup/{milano}/esporta.json")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.headers.get("content-type").unwrap(),
        "application/json"
    );
    assert_eq!(answer.body, export(&app, milano, DupFormat::Json).await);

    for uri in [
        format!("/dup/{}/esporta.csv", Uuid::now_v7()),
        format!("/dup/{milano}/esporta.xml"),
        "/dup/non-un-id/esporta.csv".to_owned(),
    ] {
        assert_eq!(app.get(&uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }

    // The pages read the same data.
    let transport = objective(&app, milano, "SeO-10.02.1").await;
    assert!(app.page("/dup").await.contains("DUP 2016–2018"));
    assert!(
        app.page(&format!("/dup/{milano}"))
            .await
            .contains("SeO-10.02.1")
    );
    let page = app.page(&format!("/obiettivi/{}", transport.id)).await;
    assert!(page.contains("Biglietto unico e interscambi alle stazioni"));
    assert!(page.contains("IND-10.02.1-A") || page.contains("Passeggeri del trasporto"));
    for uri in [
        format!("/processi/{MILANO}/copertura"),
        format!("/processi/{MILANO}/monitoraggio"),
    ] {
        assert!(app.page(&uri).await.contains("Biglietto unico"), "{uri}");
    }
    assert_eq!(
        app.get(&format!("/dup/{}", Uuid::now_v7())).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_import_route_takes_files_from_administrators_only() {
    let app = spawn_app().await;
    let id = new_edition(&app, "DUP via web", false).await;
    let uri = format!("/dup/{id}/importa");
    let good = format!("{HEADER}{GOOD}");

    let answer = app
        .send(
            multipart(&uri, &[("file", Some("dup.csv"), &good)], None),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(
        answer.location().starts_with("/accedi"),
        "{}",
        answer.location()
    );
    let citizen = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let answer = app
        .send(
            multipart(&uri, &[("file", Some("dup.csv"), &good)], Some(&citizen)),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(rows(&app, id).await, Rows::default());

    // Pasted text with a bad line: back to the edition with the problems.
    let admin = sign_in_demo(&app, "admin@demo.piazza.invalid").await;
    let bad = format!("{HEADER}programma,01,77,,,Una missione inventata,,,,,,,,\n");
    let answer = app
        .send(
            multipart(
                &uri,
                &[("file", Some(""), ""), ("testo", None, &bad)],
                Some(&admin),
            ),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(
        answer.location(),
        format!("/dup/{id}?importazione=1#importa")
    );
    assert_eq!(rows(&app, id).await, Rows::default());
    let page = app
        .get_as(&format!("/dup/{id}?importazione=1"), &admin)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("riga 2"), "the problem's place is shown");
    assert!(page.body.contains("Missione «77» sconosciuta o tecnica."));

    // The good file.
    let answer = app
        .send(
            multipart(&uri, &[("file", Some("dup.csv"), &good)], Some(&admin)),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(rows(&app, id).await.objectives, 5);
    assert_eq!(
        app.get(&format!("/dup/{id}/esporta.csv")).await.body,
        export(&app, id, DupFormat::Csv).await
    );
}

/// A strategic objective counts what is linked to its operational
/// objectives: on Milano's demo plan, each strategic row holds at least
/// what each of its children holds, distinct supporters included, and no
/// strategic objective with a covered child is listed as uncovered.
#[tokio::test]
async fn strategic_objectives_roll_up_their_operational_objectives() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let edition = edition_of(&app, MILANO).await;
    let coverage = links::coverage(&anon, MILANO, None, None).await.unwrap();
    let rows: Vec<_> = coverage
        .missions
        .iter()
        .flat_map(|m| m.objectives.iter())
        .collect();
    let mut checked = 0;
    for row in rows.iter().filter(|r| r.objective.code.starts_with("SeS")) {
        let parent = objective(&app, edition, &row.objective.code).await;
        let children: Vec<_> = rows
            .iter()
            .filter(|r| r.objective.code.starts_with("SeO"))
            .filter(|r| r.objective.mission_code == row.objective.mission_code)
            .collect();
        for child in children {
            let child_row = objective(&app, edition, &child.objective.code).await;
            if child_row.parent_id != Some(parent.id) {
                continue;
            }
            assert!(row.proposals >= child.proposals, "{}", row.objective.code);
            assert!(row.supporters >= child.supporters, "{}", row.objective.code);
            if child.proposals + child.projects > 0 {
                assert!(row.proposals > 0, "{} rolls up", row.objective.code);
                assert!(
                    !coverage.uncovered.iter().any(|o| o.id == row.objective.id),
                    "{} is covered through its children",
                    row.objective.code
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "the demo links operational objectives");
}

/// While a voting phase hides support counts, the coverage view hides its
/// supporters too (per objective and per mission), for everyone.
#[tokio::test]
async fn coverage_hides_supporters_while_the_voting_phase_hides_counts() {
    let app = spawn_app().await;
    let alessandria = "piano-strategico-alessandria-2030";
    let milano_edition = edition_of(&app, MILANO).await;
    editions::attach(&admin(&app).await, alessandria, Some(milano_edition))
        .await
        .unwrap();
    let anon = anonymous(&app);
    let visible = links::coverage(&anon, alessandria, None, None)
        .await
        .unwrap();
    assert!(visible.missions.iter().all(|m| m.supporters.is_some()));
    app.db
        .execute_unprepared(
            "UPDATE phases SET support_counts_visible = FALSE WHERE kind = 'voting' AND \
             process_id = (SELECT id FROM processes WHERE slug = 'piano-strategico-alessandria-2030')",
        )
        .await
        .unwrap();
    let hidden = links::coverage(&anon, alessandria, None, None)
        .await
        .unwrap();
    assert!(!hidden.missions.is_empty());
    assert!(hidden.missions.iter().all(|m| m.supporters.is_none()));
    assert!(
        hidden
            .missions
            .iter()
            .flat_map(|m| m.objectives.iter())
            .all(|r| r.supporters.is_none())
    );
}
