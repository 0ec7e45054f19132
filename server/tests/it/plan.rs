//! The final plan (issue 7): composing and saving versions, comparing them,
//! the council's approval (once, in the approval phase, freezing its
//! version) and the Markdown and HTML exports, through the services and the
//! real router.

use http::StatusCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use shared::model::common::FieldProblem;
use shared::model::common::Refusal;
use shared::model::plan::{PlanEntryKind, PlanVersionView};
use shared::service::entity::{plan_approval, plan_version};
use shared::service::{plan::render, plan::versions};
use shared::testing::plan::*;
use uuid::Uuid;

use crate::helpers::{
    anonymous, ctx, denied, field_of, person, process_row, refusal, sign_in_demo, spawn_app,
};

mod redaction;

const MILANO: &str = "piano-strategico-metropolitano-milano";

#[tokio::test]
async fn the_council_approves_one_version_once_and_it_stays_frozen() {
    let app = spawn_app().await;
    let facilitator = ctx(&app, &person(&app, FACILITATOR).await);
    let council = ctx(&app, &person(&app, COUNCIL).await);
    let admin = ctx(&app, &person(&app, "admin@demo.piazza.invalid").await);
    for note in ["prima", "seconda"] {
        versions::save(&facilitator, MILANO, &input("Introduzione.", &[], note))
            .await
            .unwrap();
    }

    // Milan is in its monitoring phase: the approval phase is over.
    assert_eq!(
        refusal(versions::approve(&council, MILANO, &approval("2")).await),
        Refusal::ApprovalClosed
    );
    let overview = versions::overview(&council, MILANO).await.unwrap();
    assert!(overview.approval_closed && !overview.can_approve);

    move_to_phase(&app, MILANO, "approval").await;
    // Only council members approve: not facilitators, not administrators.
    denied(
        versions::approve(&facilitator, MILANO, &approval("2")).await,
        true,
        "facilitator",
    );
    denied(
        versions::approve(&admin, MILANO, &approval("2")).await,
        true,
        "admin",
    );
    denied(
        versions::approve(&anonymous(&app), MILANO, &approval("2")).await,
        false,
        "anonymous",
    );
    assert_eq!(
        field_of(versions::approve(&council, MILANO, &approval("7")).await),
        ("versione".to_owned(), FieldProblem::NotRecognized)
    );
    assert!(
        versions::overview(&council, MILANO)
            .await
            .unwrap()
            .can_approve
    );

    let approved = versions::approve(&council, MILANO, &approval("2"))
        .await
        .unwrap();
    assert_eq!(approved.version, 2);
    assert_eq!(
        refusal(versions::approve(&council, MILANO, &approval("1")).await),
        Refusal::PlanAlreadyApproved { version: 2 }
    );

    // The database refuses a second approval row on its own.
    let process = process_row(&app, MILANO).await;
    let v1 = plan_version::Entity::find()
        .filter(plan_version::Column::ProcessId.eq(process.id))
        .filter(plan_version::Column::Number.eq(1))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let duplicate = plan_approval::Entity::insert(plan_approval::ActiveModel {
        id: Set(Uuid::now_v7()),
        process_id: Set(process.id),
        version_id: Set(v1.id),
        body: Set("giunta".into()),
        resolution_number: Set("1".into()),
        resolution_date: Set(chrono::NaiveDate::from_ymd_opt(2016, 5, 13).unwrap()),
        recorded_by: Set(None),
        recorded_at: Set(chrono::Utc::now()),
    })
    .exec_without_returning(&app.db)
    .await;
    assert!(duplicate.is_err(), "a second approval row is refused");

    // A later save makes version 3; version 2 stays the approved one, unchanged.
    let frozen: PlanVersionView = versions::version(&anonymous(&app), MILANO, 2)
        .await
        .unwrap();
    let third = versions::save(
        &facilitator,
        MILANO,
        &input("Introduzione riscritta.", &[], "dopo"),
    )
    .await
    .unwrap();
    assert_eq!(third, 3);
    let still = versions::version(&anonymous(&app), MILANO, 2)
        .await
        .unwrap();
    assert_eq!(still.document, frozen.document);
    assert_eq!(still.approval.as_ref().map(|a| a.version), Some(2));
    let overview = versions::overview(&anonymous(&app), MILANO).await.unwrap();
    assert_eq!(overview.versions.len(), 3);
    assert_eq!(overview.shown.as_ref().map(|v| v.summary.number), Some(2));
    assert!(
        overview
            .versions
            .iter()
            .filter(|v| v.approved)
            .map(|v| v.number)
            .eq([2])
    );
    let composer = versions::composer(&facilitator, MILANO).await.unwrap();
    assert_eq!(composer.approved_version, Some(2));
    let council_view = versions::overview(&council, MILANO).await.unwrap();
    assert!(!council_view.can_approve && !council_view.approval_closed);

    // The approval is in the Markdown and on the page.
    let markdown = render::markdown(&still.document, still.approval.as_ref());
    assert!(
        markdown.contains("approvata dal Consiglio con delibera n. 45/2016 del 12 maggio 2016")
            || markdown.contains("delibera n. 45/2016 del 12 maggio 2016")
    );
    let page = app.page(&format!("/processi/{MILANO}/piano")).await;
    assert!(page.contains("45/2016"), "the approval on the plan page");
}

#[tokio::test]
async fn the_exports_carry_every_entry_and_objective() {
    let app = spawn_app().await;
    let facilitator = ctx(&app, &person(&app, FACILITATOR).await);
    merge_two(&app).await;
    versions::save(
        &facilitator,
        MILANO,
        &input(
            "Un'introduzione con <script>alert(1)</script> dentro.",
            &[],
            "",
        ),
    )
    .await
    .unwrap();
    let version = versions::version(&anonymous(&app), MILANO, 1)
        .await
        .unwrap();
    assert!(
        version.document.entries().any(|e| !e.objectives.is_empty()),
        "the demo links objectives"
    );

    let markdown = app
        .get(&format!("/processi/{MILANO}/piano/versioni/1/piano.md"))
        .await;
    assert_eq!(markdown.status, StatusCode::OK);
    assert!(
        markdown.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/markdown")
    );
    assert!(
        markdown.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("piano-{MILANO}-v1.md"))
    );
    let html = app
        .get(&format!("/processi/{MILANO}/piano/versioni/1/piano.html"))
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.starts_with("<!DOCTYPE html>"));
    assert!(html.body.contains("<html lang=\"it\">"));
    assert!(!html.body.contains("<script"), "Markdown is sanitized");
    for entry in version.document.entries() {
        let escaped = entry.title.replace('\'', "&#39;").replace('"', "&quot;");
        assert!(html.body.contains(&escaped), "HTML lacks {}", entry.title);
        // The Markdown escapes what Markdown would read.
        assert!(
            markdown.body.contains(&entry.title)
                || markdown
                    .body
                    .contains(&entry.title.replace('*', "\\*").replace('_', "\\_")),
            "Markdown lacks {}",
            entry.title
        );
        for objective in &entry.objectives {
            assert!(markdown.body.contains(&objective.code));
            assert!(html.body.contains(&objective.code));
        }
    }
    assert!(
        markdown
            .body
            .contains("## Allegato: corrispondenza con gli obiettivi del DUP")
    );
    assert!(html.body.contains("<svg role=\"img\""), "the zones chart");

    for missing in [
        "/processi/{MILANO}/piano/versioni/2/piano.md",
        "/processi/{MILANO}/piano/versioni/uno/piano.md",
        "/processi/{MILANO}/piano/versioni/1/piano.exe",
        "/processi/{MILANO}/piano/versioni/1/piano.PDF",
        "/processi/{MILANO}/piano/versioni/1/altro.pdf",
        "/processi/non-esiste/piano/versioni/1/piano.md",
    ] {
        let uri = missing.replace("{MILANO}", MILANO);
        assert_eq!(app.get(&uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn the_pages_compose_compare_and_approve_through_forms() {
    let app = spawn_app().await;
    let facilitator = sign_in_demo(&app, FACILITATOR).await;
    let citizen = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;

    let empty = app.page(&format!("/processi/{MILANO}/piano")).await;
    assert!(empty.contains("non ha ancora una versione salvata"));
    let form = app
        .get_as(&format!("/processi/{MILANO}/piano/componi"), &facilitator)
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"sezione[]\""));

    // A wrong position names its field; nothing is saved.
    let answer = app
        .post_form(
            "/api/plan/save",
            &[
                ("process", MILANO),
                ("introduzione", "Introduzione"),
                ("conclusione", ""),
                ("sezione[]", "d:1"),
                ("posizione[]", "zero"),
                ("testo[]", ""),
            ],
            Some(&facilitator),
        )
        .await;
    assert!(answer.status.is_redirection(), "{}", answer.status);
    assert_eq!(
        answer.form_error(),
        Some(serde_json::json!({"InvalidInput": {"field": "posizione_1", "problem": "Malformed"}}))
    );
    assert_eq!(
        plan_version::Entity::find()
            .filter(plan_version::Column::ProcessId.eq(process_row(&app, MILANO).await.id))
            .all(&app.db)
            .await
            .unwrap()
            .len(),
        0
    );

    // A citizen cannot save.
    let answer = app
        .post_form(
            "/api/plan/save",
            &[
                ("process", MILANO),
                ("introduzione", "x"),
                ("conclusione", ""),
            ],
            Some(&citizen),
        )
        .await;
    assert!(answer.status.is_redirection());
    assert_eq!(answer.form_error(), Some(serde_json::json!("Forbidden")));

    for intro in ["Prima introduzione.", "Seconda introduzione."] {
        let answer = app
            .post_form(
                "/api/plan/save",
                &[
                    ("process", MILANO),
                    ("introduzione", intro),
                    ("conclusione", "Fine."),
                    ("nota", "dal modulo"),
                ],
                Some(&facilitator),
            )
            .await;
        assert!(answer.status.is_redirection(), "{}", answer.body);
        assert!(
            answer.location().contains("/piano/versioni/"),
            "{}",
            answer.location()
        );
    }
    let page = app.page(&format!("/processi/{MILANO}/piano")).await;
    assert!(page.contains("Seconda introduzione."));
    assert!(page.contains("/piano/versioni/1"));
    assert!(page.contains("name=\"da\""), "the comparison form");
    let diff = app
        .page(&format!("/processi/{MILANO}/piano/confronta?da=1&a=2"))
        .await;
    assert!(diff.contains("<del"), "{}", &diff[..diff.len().min(400)]);
    assert!(diff.contains("Prima introduzione."));
    assert!(diff.contains("<ins"));
    let version = app
        .page(&format!("/processi/{MILANO}/piano/versioni/1"))
        .await;
    assert!(version.contains("Prima introduzione."));

    // The council approves through the form in the approval phase.
    move_to_phase(&app, MILANO, "approval").await;
    let council = sign_in_demo(&app, COUNCIL).await;
    let page = app
        .get_as(&format!("/processi/{MILANO}/piano"), &council)
        .await;
    assert!(page.body.contains("name=\"numero_delibera\""));
    let answer = app
        .post_form(
            "/api/plan/approve",
            &[
                ("process", MILANO),
                ("versione", "1"),
                ("organo", "giunta"),
                ("numero_delibera", "12/2016"),
                ("data_delibera", ""),
            ],
            Some(&council),
        )
        .await;
    assert_eq!(
        answer.form_error(),
        Some(serde_json::json!({"InvalidInput": {"field": "data_delibera", "problem": "Empty"}}))
    );
    let answer = app
        .post_form(
            "/api/plan/approve",
            &[
                ("process", MILANO),
                ("versione", "1"),
                ("organo", "giunta"),
                ("numero_delibera", "12/2016"),
                ("data_delibera", "2016-05-20"),
            ],
            Some(&council),
        )
        .await;
    assert!(answer.status.is_redirection());
    assert!(
        answer.location().contains("esito=piano-approvato"),
        "{}",
        answer.location()
    );
    let page = app.page(&format!("/processi/{MILANO}/piano")).await;
    assert!(page.contains("12/2016"));
}

/// Whitespace collapsed, so that text a layout wrapped onto two lines still
/// reads as one phrase.
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs a document tool, failing the test with a clear message when it is
/// missing (`.ci/install-tools.sh test` installs it).
fn tool(program: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    let output = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed (poppler-utils, libreoffice-writer-nogui): {e}")
        });
    assert!(output.status.success(), "{program}: {output:?}");
    output
}

/// The value of one `pdfinfo` line ("Tagged:" → "yes").
fn info_field<'a>(info: &'a str, name: &str) -> &'a str {
    info.lines()
        .find_map(|line| line.strip_prefix(name))
        .map_or("", str::trim)
}

/// What `pdfinfo` says of a PDF, and its text by `pdftotext`.
fn read_pdf(path: &std::path::Path) -> (String, String) {
    let info = tool("pdfinfo", &[path.as_os_str()]);
    let text = tool("pdftotext", &[path.as_os_str(), "-".as_ref()]);
    (
        String::from_utf8_lossy(&info.stdout).into_owned(),
        String::from_utf8_lossy(&text.stdout).into_owned(),
    )
}

/// An OpenDocument file converted to PDF by LibreOffice, as text.
fn odt_text_through_libreoffice(odt: &std::path::Path) -> String {
    let dir = odt.parent().unwrap();
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", dir.display());
    tool(
        "soffice",
        &[
            profile.as_ref(),
            "--headless".as_ref(),
            "--convert-to".as_ref(),
            "pdf".as_ref(),
            "--outdir".as_ref(),
            dir.as_os_str(),
            odt.as_os_str(),
        ],
    );
    read_pdf(&odt.with_extension("pdf")).1
}

const EVERY_KIND: &str = "Un'introduzione con **grassetto**, *corsivo*, `codice` e un \
    [collegamento](https://www.comune.example.it/piano).\n\n- primo punto\n- secondo punto\n  \
    1. sottopunto numerato\n\n> Una citazione: «la città è di chi la vive».\n\n| Zona | Quota |\n\
    |---|--:|\n| Nord | 12 |\n| Sud | 8 |\n\n```\nriga di codice\n```\n\nCaratteri: à è é ì ò ù \
    ’ & < > \"virgolette\".";

#[tokio::test]
async fn the_pdf_and_the_odt_carry_every_entry_and_objective() {
    let app = spawn_app().await;
    let facilitator = ctx(&app, &person(&app, FACILITATOR).await);
    merge_two(&app).await;
    versions::save(&facilitator, MILANO, &input(EVERY_KIND, &[], "tutto"))
        .await
        .unwrap();
    let version = versions::version(&anonymous(&app), MILANO, 1)
        .await
        .unwrap();
    assert!(
        version
            .document
            .entries()
            .any(|e| e.kind == PlanEntryKind::Project && !e.partners.is_empty())
    );
    let dir = tempfile::tempdir().unwrap();

    let pdf = app
        .get(&format!("/processi/{MILANO}/piano/versioni/1/piano.pdf"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(
        pdf.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("piano-{MILANO}-v1.pdf"))
    );
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let pdf_path = dir.path().join("piano.pdf");
    std::fs::write(&pdf_path, &pdf.bytes).unwrap();
    let (info, pdf_text) = read_pdf(&pdf_path);
    assert_eq!(info_field(&info, "Tagged:"), "yes", "{info}");
    assert_eq!(
        info_field(&info, "Title:"),
        render::title(&version.document),
        "{info}"
    );

    let odt = app
        .get(&format!("/processi/{MILANO}/piano/versioni/1/piano.odt"))
        .await;
    assert_eq!(odt.status, StatusCode::OK);
    assert_eq!(
        odt.headers["content-type"],
        "application/vnd.oasis.opendocument.text"
    );
    assert!(odt.bytes.starts_with(b"PK"));
    let odt_path = dir.path().join("piano-odt.odt");
    std::fs::write(&odt_path, &odt.bytes).unwrap();
    let odt_text = odt_text_through_libreoffice(&odt_path);

    for (format, text) in [("PDF", squeezed(&pdf_text)), ("ODT", squeezed(&odt_text))] {
        for expected in [
            "Indice",
            "La partecipazione",
            "Allegato: corrispondenza con gli obiettivi del DUP",
            "sottopunto numerato",
            "«la città è di chi la vive»",
            "à è é ì ò ù ’ & < >",
            "riga di codice",
            "Conclusione del piano.",
        ] {
            assert!(text.contains(expected), "{format} lacks {expected:?}");
        }
        for entry in version.document.entries() {
            assert!(
                text.contains(&squeezed(&entry.title)),
                "{format} lacks the entry {}",
                entry.title
            );
            for objective in &entry.objectives {
                assert!(
                    text.contains(&squeezed(&format!(
                        "{} {}",
                        objective.code, objective.title
                    ))),
                    "{format} lacks the objective {} of {}",
                    objective.code,
                    entry.title
                );
            }
            for partner in &entry.partners {
                assert!(
                    text.contains(&squeezed(partner)),
                    "{format} lacks {partner}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_open_data_zip_downloads_and_verifies() {
    let app = spawn_app().await;
    let zip = app
        .get(&format!("/processi/{MILANO}/dati-aperti.zip"))
        .await;
    assert_eq!(zip.status, StatusCode::OK);
    assert_eq!(zip.headers["content-type"], "application/zip");
    assert!(
        zip.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("dati-aperti-{MILANO}-"))
    );
    assert_eq!(
        zip.headers["content-length"].to_str().unwrap(),
        zip.bytes.len().to_string()
    );
    let dir = tempfile::tempdir().unwrap();
    let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(zip.bytes.clone())).unwrap();
    archive.extract(dir.path()).unwrap();
    let report = shared::service::open_data::verify(dir.path());
    assert!(report.is_ok(), "{report}");
    assert!(dir.path().join("MANIFEST.sha256").is_file());

    assert_eq!(
        app.get("/processi/non-esiste/dati-aperti.zip").await.status,
        StatusCode::NOT_FOUND
    );
    // While a voting phase hides the counts, they cannot be published
    // (Alessandria is voting; its counts are hidden here).
    const ALESSANDRIA: &str = "piano-strategico-alessandria-2030";
    vote_with_hidden_counts(&app, ALESSANDRIA).await;
    let hidden = app
        .get(&format!("/processi/{ALESSANDRIA}/dati-aperti.zip"))
        .await;
    assert_eq!(hidden.status, StatusCode::CONFLICT, "{}", hidden.body);
    assert!(hidden.body.contains("votazione"), "{}", hidden.body);
}

#[tokio::test]
async fn the_binary_writes_the_plan_in_every_format() {
    const CHIERI: &str = "piano-strategico-chieri-2030";
    let temp = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        temp.path().join("piazza.db").display()
    );
    let server = env!("CARGO_BIN_EXE_server");
    let run = |args: &[&str]| {
        std::process::Command::new(server)
            .args(args)
            .env_clear()
            .env("DATABASE_URL", &url)
            .env("PIAZZA_UPLOAD_DIR", temp.path().join("immagini"))
            .output()
            .expect("the binary runs")
    };
    let seeded = run(&["seed-demo"]);
    assert!(seeded.status.success(), "{seeded:?}");
    for (command, signature) in [
        ("pdf", b"%PDF-".as_slice()),
        ("odt", b"PK".as_slice()),
        ("html", b"<!DOCTYPE html>".as_slice()),
        ("md", b"# Piano strategico".as_slice()),
    ] {
        let out = temp.path().join(format!("piano.{command}"));
        let out_arg = out.to_string_lossy().into_owned();
        let written = run(&["export", command, "--process", CHIERI, "--out", &out_arg]);
        assert!(written.status.success(), "{command}: {written:?}");
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(signature), "{command}");
        assert!(
            String::from_utf8_lossy(&written.stdout).contains(&format!("{} byte", bytes.len())),
            "{written:?}"
        );
    }
    let (info, text) = read_pdf(&temp.path().join("piano.pdf"));
    assert_eq!(info_field(&info, "Tagged:"), "yes", "{info}");
    assert!(
        squeezed(&text).contains("Ciclabile continua tra la stazione e il centro storico"),
        "the demo plan's accepted proposals"
    );

    let missing = run(&[
        "export",
        "pdf",
        "--process",
        CHIERI,
        "--version",
        "9",
        "--out",
        "/tmp/x.pdf",
    ]);
    assert_eq!(missing.status.code(), Some(1), "{missing:?}");
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("no plan version 9"),
        "{missing:?}"
    );
    let unknown = run(&[
        "export",
        "odt",
        "--process",
        "non-esiste",
        "--out",
        "/tmp/x.odt",
    ]);
    assert_eq!(unknown.status.code(), Some(1), "{unknown:?}");
}
