//! Open data: the export of a process (files, manifest, totals equal to
//! the database's, nothing personal), `verify` catching tampering, and the
//! `export open-data` and `verify-export` commands of the binary.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use sha2::{Digest, Sha256};
use shared::model::dup::{LinkInput, PlanItem};
use shared::model::facilitation::ProjectInput;
use shared::service::entity::{comment, dup_link, user};
use shared::service::open_data::{self, DATASETS, ExportError, MANIFEST, METADATA, TOTALS};
use shared::service::{dup::links, facilitation::projects};
use shared::testing::open_data::tamper_with_a_support_count;
use shared::testing::plan::{FACILITATOR, two_accepted};
use shared::testing::*;
use std::collections::BTreeMap;
use std::path::Path;
use uuid::Uuid;

#[tokio::test]
async fn open_data_export_matches_the_database_and_verifies() {
    let demo = demo_db().await;
    let (project, originals, objective) = prepare(&demo).await;
    let process = process_row(&demo, MILANO).await;
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("milano");
    let ticks = std::sync::Mutex::new(Vec::<(String, u64)>::new());
    let progress =
        |dataset: &str, rows: u64| ticks.lock().unwrap().push((dataset.to_owned(), rows));
    let summary = open_data::export(&anonymous(&demo), MILANO, &out, &progress)
        .await
        .expect("the export is written");

    // Every file, and nothing else.
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut expected = expected_files();
    expected.sort();
    assert_eq!(written, expected);
    assert_eq!(summary.files.len(), expected.len());
    let ticks = ticks.into_inner().unwrap();
    assert!(
        ticks.iter().any(|(d, n)| d == "proposte" && *n > 0),
        "{ticks:?}"
    );

    // The manifest: every other file once, sorted, with its hash.
    let manifest = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
    let lines: Vec<(&str, &str)> = manifest
        .lines()
        .map(|l| l.split_once("  ").expect("hash  name"))
        .collect();
    let names: Vec<&str> = lines.iter().map(|(_, n)| *n).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names.len(), expected.len() - 1);
    for (hash, name) in &lines {
        assert_eq!(
            *hash,
            sha256_hex(&std::fs::read(out.join(name)).unwrap()),
            "{name}"
        );
    }
    let report = open_data::verify(&out);
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.files_checked, expected.len() - 1);

    // Rows and totals equal what the database counts.
    let visible = count_sql(
        &demo,
        "SELECT COUNT(*) FROM proposals WHERE process_id = ? AND visibility = 'visibile'",
        vec![process.id.into()],
    )
    .await;
    let rows: BTreeMap<String, u64> = summary.rows.iter().cloned().collect();
    assert_eq!(rows["proposte"] as i64, visible);
    assert_eq!(rows["processo"], 1);
    assert_eq!(rows["commenti"], 1, "the hidden comment stays out");
    let all_supports = count_sql(
        &demo,
        "SELECT COUNT(*) FROM supports s JOIN proposals p ON p.id = s.proposal_id \
         WHERE p.process_id = ? AND p.visibility = 'visibile'",
        vec![process.id.into()],
    )
    .await;
    assert!(all_supports > 0);
    let totals = totals(&out);
    assert_eq!(totals["sostegni_totali"], all_supports);
    let supporters = count_sql(
        &demo,
        "SELECT COUNT(DISTINCT user_id) + SUM(CASE WHEN user_id IS NULL THEN 1 ELSE 0 END) \
         FROM supports WHERE proposal_id IN (?, ?)",
        vec![originals[0].into(), originals[1].into()],
    )
    .await;
    let separately = count_sql(
        &demo,
        "SELECT COUNT(*) FROM supports WHERE proposal_id IN (?, ?)",
        vec![originals[0].into(), originals[1].into()],
    )
    .await;
    assert!(supporters > 0 && supporters <= separately);
    assert_eq!(
        totals["sostenitori_per_progetto"][project.to_string()],
        supporters
    );
    // The objective's supporters are the coverage's.
    let coverage = links::coverage(&anonymous(&demo), MILANO, None, None)
        .await
        .unwrap();
    let mut compared = 0;
    for row in coverage.missions.iter().flat_map(|m| m.objectives.iter()) {
        if let Some(n) = row.supporters {
            assert_eq!(
                totals["sostenitori_per_obiettivo"][row.objective.id.to_string()],
                n,
                "{}",
                row.objective.code
            );
            compared += 1;
        }
    }
    assert!(compared > 0);
    assert!(
        totals["sostenitori_per_obiettivo"][objective.to_string()]
            .as_i64()
            .unwrap()
            > 0
    );

    // Nothing personal: no person's id or address in any file.
    let people = user::Entity::find().all(&demo.db).await.unwrap();
    assert!(people.len() > 10);
    for name in &expected {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        for someone in &people {
            assert!(!text.contains(&someone.id.to_string()), "{name}: an id");
            assert!(
                !text.contains(&someone.id.simple().to_string()),
                "{name}: an id"
            );
            if let Some(email) = &someone.email {
                assert!(!text.contains(email.as_str()), "{name}: {email}");
            }
        }
    }

    // JSON rows keep the columns' order.
    let proposals_json = std::fs::read_to_string(out.join("proposte.json")).unwrap();
    assert!(
        proposals_json.starts_with("[\n{\"id\":\""),
        "{}",
        &proposals_json[..40]
    );
    assert!(
        std::fs::read_to_string(out.join("proposte.csv"))
            .unwrap()
            .starts_with("id,platform,direction,zone,title,body_md,state,support_count,")
    );

    // The metadata describes each file with its size and hash.
    let metadata: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join(METADATA)).unwrap()).unwrap();
    assert_eq!(
        metadata["dct:license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    assert_eq!(metadata["dct:publisher"]["foaf:name"], process.organization);
    let distributions = metadata["dcat:distribution"].as_array().unwrap();
    assert_eq!(distributions.len(), expected.len() - 2);
    let proposals_csv = distributions
        .iter()
        .find(|d| d["dct:title"] == "proposte.csv")
        .unwrap();
    assert_eq!(proposals_csv["dcat:mediaType"], "text/csv");
    assert_eq!(
        proposals_csv["dcat:byteSize"],
        std::fs::metadata(out.join("proposte.csv")).unwrap().len()
    );
    assert_eq!(
        proposals_csv["spdx:checksum"]["spdx:checksumValue"],
        sha256_hex(&std::fs::read(out.join("proposte.csv")).unwrap())
    );

    // A folder that holds something is refused; pseudonyms differ between exports.
    let again = open_data::export(&anonymous(&demo), MILANO, &out, &|_, _| {}).await;
    assert!(
        matches!(again, Err(ExportError::FolderNotEmpty(_))),
        "{again:?}"
    );
    let second = temp.path().join("milano-2");
    open_data::export(&anonymous(&demo), MILANO, &second, &|_, _| {})
        .await
        .unwrap();
    assert!(open_data::verify(&second).is_ok());
    let first_authors = std::fs::read_to_string(out.join("commenti.csv")).unwrap();
    let second_authors = std::fs::read_to_string(second.join("commenti.csv")).unwrap();
    assert_ne!(first_authors, second_authors);
    assert_eq!(
        std::fs::read(out.join("proposte.csv")).unwrap(),
        std::fs::read(second.join("proposte.csv")).unwrap()
    );
}

#[tokio::test]
async fn verify_reports_tampering_and_missing_files() {
    let demo = demo_db().await;
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("export");
    open_data::export(&anonymous(&demo), MILANO, &out, &|_, _| {})
        .await
        .unwrap();
    assert!(open_data::verify(&out).is_ok());

    tamper_with_a_support_count(&out);
    let report = open_data::verify(&out);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p == "proposte.csv: hash diverso dal manifesto"),
        "{report}"
    );
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.starts_with("proposte.csv: sostegni della proposta")),
        "{report}"
    );
    assert!(
        report
            .problems
            .iter()
            .any(|p| p == "proposte.csv: hash diverso da metadati.json"),
        "{report}"
    );

    std::fs::remove_file(out.join("commenti.json")).unwrap();
    std::fs::write(out.join("note.txt"), "aggiunto").unwrap();
    let report = open_data::verify(&out);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.starts_with("commenti.json: file mancante")),
        "{report}"
    );
    assert!(
        report.problems.iter().any(|p| p.starts_with("note.txt")),
        "{report}"
    );

    std::fs::remove_file(out.join(MANIFEST)).unwrap();
    let report = open_data::verify(&out);
    assert!(
        report.problems.iter().any(|p| p.starts_with(MANIFEST)),
        "{report}"
    );
}

/// Every file an export writes.
fn expected_files() -> Vec<String> {
    let mut files: Vec<String> = DATASETS
        .iter()
        .flat_map(|(name, _, _)| [format!("{name}.csv"), format!("{name}.json")])
        .collect();
    files.extend([TOTALS.to_owned(), METADATA.to_owned(), MANIFEST.to_owned()]);
    files
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn totals(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(TOTALS)).unwrap()).unwrap()
}

/// Merges two accepted Milan proposals of one platform into a project,
/// links the project to the objective a demo link already uses, and makes
/// one supporter of an original a deleted account. Returns the project and
/// its originals.
async fn prepare(app: &impl TestDatabase) -> (Uuid, [Uuid; 2], Uuid) {
    let facilitator = person(app, FACILITATOR).await;
    let (first, second) = two_accepted(app).await;
    let project = projects::merge(
        &ctx(app, &facilitator),
        &[first.id, second.id],
        &ProjectInput::parse(
            "Cantiere dei dati aperti",
            "Un cantiere che unisce due proposte.",
            "Comune di Milano",
            "protocollo_intesa",
        )
        .expect("valid project"),
    )
    .await
    .expect("merged");
    let objective = dup_link::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .find_map(|l| l.proposal_id.map(|_| l.objective_id))
        .expect("the demo links proposals to the DUP");
    links::link(
        &ctx(app, &facilitator),
        PlanItem::Project(project),
        &LinkInput::parse(&objective.to_string(), "Serve l'obiettivo.", "3").expect("valid"),
    )
    .await
    .expect("the project is linked");
    // A supporter of an original deletes their account: their support stays
    // and counts once, with no one behind it.
    let backend = app.db().get_database_backend();
    app.db()
        .execute_raw(statement(
            backend,
            "UPDATE supports SET user_id = NULL WHERE id = \
             (SELECT id FROM supports WHERE proposal_id = ? ORDER BY id LIMIT 1)",
            vec![first.id.into()],
        ))
        .await
        .unwrap();
    // A visible comment and a hidden one, by a citizen.
    let citizen = person(app, "citizen@demo.piazza.invalid").await;
    for (body, visibility) in [
        ("Sono d'accordo, serve davvero.", "visibile"),
        ("Commento nascosto dai moderatori.", "nascosta"),
    ] {
        let id = Uuid::now_v7();
        comment::Entity::insert(comment::ActiveModel {
            id: Set(id),
            proposal_id: Set(first.id),
            parent_id: Set(None),
            root_id: Set(id),
            depth: Set(1),
            author_id: Set(Some(citizen.id)),
            body_md: Set(body.to_owned()),
            alignment: Set("favore".to_owned()),
            upvotes: Set(0),
            downvotes: Set(0),
            reply_count: Set(0),
            created_at: Set(chrono::Utc::now()),
            edited_at: Set(None),
            deleted_at: Set(None),
            visibility: Set(visibility.to_owned()),
            moderation_note: Set(None),
            report_count: Set(0),
        })
        .exec_without_returning(app.db())
        .await
        .unwrap();
    }
    (project, [first.id, second.id], objective)
}
