//! A saved version keeps nothing hidden later forever: a moderator omits
//! the entry, in every format at once, with a note, the rest unchanged.

use super::*;
use sea_orm::sea_query::Expr;
use shared::model::common::Visibility;
use shared::service::common::secrets::sha256_hex;
use shared::service::entity::proposal;

#[tokio::test]
async fn a_moderator_omits_an_entry_from_a_saved_version_in_every_format() {
    let app = spawn_app().await;
    let facilitator = ctx(&app, &person(&app, FACILITATOR).await);
    versions::save(
        &facilitator,
        MILANO,
        &input("Introduzione.", &[], "per il consiglio"),
    )
    .await
    .unwrap();
    let before = versions::version(&anonymous(&app), MILANO, 1)
        .await
        .unwrap();
    let entry = before
        .document
        .entries()
        .find(|e| e.kind == PlanEntryKind::Proposal)
        .expect("an accepted proposal in the plan")
        .clone();
    // Later, the proposal is hidden (it named a neighbour, say).
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::Visibility,
            Expr::value(Visibility::Hidden.as_str()),
        )
        .filter(proposal::Column::Id.eq(entry.id))
        .exec(&app.db)
        .await
        .unwrap();
    let markdown_uri = format!("/processi/{MILANO}/piano/versioni/1/piano.md");
    let first = app.get(&markdown_uri).await;
    assert!(
        first.body.contains(&entry.title),
        "still in the saved version"
    );
    assert_eq!(first.headers["cache-control"], "public, no-cache");
    let old_tag = first.headers["etag"].to_str().unwrap().to_owned();
    let unchanged = app
        .get_with(&markdown_uri, &[("if-none-match", old_tag.as_str())])
        .await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);

    // Only the process's moderators see the form and may use it.
    let page = format!("/processi/{MILANO}/piano/versioni/1");
    let moderator = sign_in_demo(&app, FACILITATOR).await;
    let seen = app.get_as(&page, &moderator).await;
    assert!(seen.body.contains("Omettere una voce da questa versione"));
    assert!(
        seen.body.contains(&format!(
            "{} (proposta ora nascosta)",
            entry.title.replace('\'', "&#39;")
        )),
        "the hidden proposal is pointed out"
    );
    assert!(!app.get(&page).await.body.contains("Omettere una voce"));
    let citizen = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let id = entry.id.to_string();
    let form = |motivo: &'static str, voce: String| {
        vec![
            ("process", MILANO.to_owned()),
            ("versione", "1".to_owned()),
            ("voce", voce),
            ("motivo", motivo.to_owned()),
        ]
    };
    let post = |cookie: String, fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/api/plan/redact", &fields, Some(&cookie))
                .await
        }
    };
    let refused = post(citizen.clone(), form("dati personali di terzi", id.clone())).await;
    assert_eq!(
        refused.form_error().expect("refused"),
        serde_json::json!("Forbidden")
    );
    for (motivo, voce, field, problem) in [
        ("", id.clone(), "motivo", "Empty"),
        ("no", id.clone(), "motivo", "TooShort"),
        (
            "dati personali di terzi",
            Uuid::now_v7().to_string(),
            "voce",
            "NotRecognized",
        ),
    ] {
        let answer = post(moderator.clone(), form(motivo, voce)).await;
        let error = answer.form_error().expect("refused on a field");
        assert_eq!(error["InvalidInput"]["field"], field, "{error}");
        assert!(
            error["InvalidInput"]["problem"]
                .to_string()
                .contains(problem),
            "{error}"
        );
    }
    let done = post(
        moderator.clone(),
        form("dati personali di terzi", id.clone()),
    )
    .await;
    assert!(
        done.location().contains("esito=voce-omessa"),
        "{}",
        done.location()
    );
    let again = post(
        moderator.clone(),
        form("dati personali di terzi", id.clone()),
    )
    .await;
    assert!(
        again
            .form_error()
            .unwrap()
            .to_string()
            .contains("AlreadyPresent")
    );

    // Everywhere: the note instead of the entry; the rest exactly as saved.
    let after = versions::version(&anonymous(&app), MILANO, 1)
        .await
        .unwrap();
    let redaction = &after.document.redactions[0];
    assert_eq!(redaction.entry_id, entry.id);
    assert_eq!(redaction.reason, "dati personali di terzi");
    assert_eq!(
        redaction.original_sha256,
        sha256_hex(&serde_json::to_string(&entry).unwrap()),
        "whoever holds the original can check it"
    );
    let others = |v: &PlanVersionView| -> Vec<shared::model::plan::PlanEntry> {
        v.document
            .entries()
            .filter(|e| e.id != entry.id)
            .cloned()
            .collect()
    };
    assert_eq!(others(&after), others(&before));
    assert_eq!(after.document.figures, before.document.figures);
    let omitted = after.document.entries().find(|e| e.id == entry.id).unwrap();
    assert_eq!(omitted.title, "Voce omessa dai moderatori");
    assert!(omitted.answer_md.is_none());

    let markdown = app.get(&markdown_uri).await;
    assert_eq!(markdown.status, StatusCode::OK);
    assert_ne!(
        markdown.headers["etag"].to_str().unwrap(),
        old_tag,
        "a new file"
    );
    let stale = app
        .get_with(&markdown_uri, &[("if-none-match", old_tag.as_str())])
        .await;
    assert_eq!(
        stale.status,
        StatusCode::OK,
        "a browser's copy is not reused"
    );
    let html = app
        .get(&format!("/processi/{MILANO}/piano/versioni/1/piano.html"))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let pdf = app
        .get(&format!("/processi/{MILANO}/piano/versioni/1/piano.pdf"))
        .await;
    std::fs::write(dir.path().join("piano.pdf"), &pdf.bytes).unwrap();
    let pdf_text = squeezed(&read_pdf(&dir.path().join("piano.pdf")).1);
    let odt = app
        .get(&format!("/processi/{MILANO}/piano/versioni/1/piano.odt"))
        .await;
    std::fs::write(dir.path().join("piano.odt"), &odt.bytes).unwrap();
    let odt_text = squeezed(&odt_text_through_libreoffice(&dir.path().join("piano.odt")));
    let page = app.get(&page).await;
    // The start of the entry's text, where it reads the same in every format.
    let probe: String = entry
        .description_md
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == ' ')
        .take(30)
        .collect();
    for (format, text) in [
        ("Markdown", markdown.body.clone()),
        ("HTML", html.body.clone()),
        ("PDF", pdf_text),
        ("ODT", odt_text),
        ("page", page.body.clone()),
    ] {
        let text = squeezed(&text);
        assert!(!text.contains(&entry.title), "{format} still has the title");
        if probe.len() > 10 {
            assert!(
                !text.contains(probe.as_str()),
                "{format} still has the text"
            );
        }
        assert!(text.contains("Voce omessa dai moderatori"), "{format}");
        assert!(text.contains("dati personali di terzi"), "{format}");
        assert!(
            text.contains("una voce omessa dai moderatori dopo il salvataggio"),
            "{format}"
        );
    }
}
