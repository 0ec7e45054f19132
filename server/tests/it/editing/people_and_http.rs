//! Platform facilitators; who edits a process; editing over HTTP.

use super::*;

// ---------------------------------------------------------------------------
// 6. Through the real router
// ---------------------------------------------------------------------------

#[tokio::test]
async fn editing_over_http_is_refused_to_citizens_and_names_bad_fields() {
    let app = spawn_app().await;
    let before = process_row(&app, PINEROLO).await;

    // A signed-in citizen may not change the process.
    let citizen = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let fields = [
        ("process", PINEROLO),
        ("titolo", "Titolo dei vandali"),
        ("ente", "Nessuno"),
        ("ambito", "comunale"),
        ("sintesi", "Una sintesi scritta da chi non può."),
        ("descrizione", "Vandalismo."),
    ];
    let answer = app
        .post_form_accepting(
            "/api/processes/update",
            &fields,
            Some(&citizen),
            "application/json",
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    // Nor does a browser's own form post change anything.
    let answer = app
        .post_form("/api/processes/update", &fields, Some(&citizen))
        .await;
    assert!(!answer.status.is_server_error(), "{}", answer.status);
    assert_eq!(process_row(&app, PINEROLO).await, before);

    // A facilitator's phase that ends before it starts: the field is named.
    let facilitator = sign_in_demo(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    let phases_before = editing::editor(&ctx(&app, &admin(&app).await), PINEROLO)
        .await
        .unwrap()
        .phases;
    let answer = app
        .post_form_accepting(
            "/api/phases/save",
            &[
                ("process", PINEROLO),
                ("tipo", "monitoring"),
                ("titolo", "Fase al contrario"),
                ("descrizione", ""),
                ("inizio", "2099-02-01"),
                ("fine", "2099-01-01"),
            ],
            Some(&facilitator),
            "application/json",
        )
        .await;
    assert!(
        answer.status.is_client_error(),
        "{}: {}",
        answer.status,
        answer.body
    );
    assert!(
        answer.body.contains("InvalidInput") && answer.body.contains("fine"),
        "{}",
        answer.body
    );
    // A valid one works and lands last.
    let last = phases_before.last().unwrap();
    let starts = (last.ends_on + Duration::days(1)).to_string();
    let ends = (last.ends_on + Duration::days(20)).to_string();
    let answer = app
        .post_form(
            "/api/phases/save",
            &[
                ("process", PINEROLO),
                ("tipo", "monitoring"),
                ("titolo", "Fase aggiunta dal web"),
                ("descrizione", ""),
                ("inizio", &starts),
                ("fine", &ends),
            ],
            Some(&facilitator),
        )
        .await;
    assert!(
        answer.status.is_redirection(),
        "{} {}",
        answer.status,
        answer.body
    );
    assert!(answer.form_error().is_none(), "{:?}", answer.form_error());
    let phases = editing::editor(&ctx(&app, &admin(&app).await), PINEROLO)
        .await
        .unwrap()
        .phases;
    assert_eq!(phases.len(), phases_before.len() + 1);
    assert_eq!(phases.last().unwrap().title, "Fase aggiunta dal web");
}

#[tokio::test]
async fn reports_over_http_need_our_origin() {
    let app = spawn_app().await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let me = user::Entity::find()
        .filter(user::Column::Email.eq("citizen@demo.piazza.invalid"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let platform = platform_row(&app, PINEROLO, "servizi-online").await;
    let target = proposal::Entity::find()
        .filter(proposal::Column::PlatformId.eq(platform.id))
        .filter(proposal::Column::State.eq(ProposalState::Published.as_str()))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.author_id != Some(me.id))
        .expect("a proposal by someone else");
    let id = target.id.to_string();
    let body = format!("tipo=proposta&id={id}&motivo=spam&nota=");
    let reports = || async {
        report::Entity::find()
            .filter(report::Column::TargetId.eq(target.id))
            .filter(report::Column::ReporterId.eq(me.id))
            .count(&app.db)
            .await
            .unwrap()
    };

    // No origin: refused before anything is read.
    let request = Request::post("/api/moderation/report")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie.clone())
        .body(Body::from(body.clone()))
        .unwrap();
    let answer = app.send(request, [10, 0, 0, 3]).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    assert_eq!(reports().await, 0);

    // Our origin: the report is stored.
    let answer = app
        .post_form(
            "/api/moderation/report",
            &[
                ("tipo", "proposta"),
                ("id", &id),
                ("motivo", "spam"),
                ("nota", "Pubblicità"),
                ("ritorno", &format!("/proposte/{id}")),
            ],
            Some(&cookie),
        )
        .await;
    assert!(
        answer.status.is_success() || answer.status.is_redirection(),
        "{} {}",
        answer.status,
        answer.body
    );
    assert!(answer.form_error().is_none(), "{:?}", answer.form_error());
    assert_eq!(reports().await, 1);
}
