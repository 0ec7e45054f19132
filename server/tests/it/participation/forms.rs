//! Bad input names its field; the voting limit applies; refused forms come back filled in.

use super::*;

#[tokio::test]
async fn bad_participation_input_answers_400_and_names_the_field() {
    let app = spawn_app().await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let pinerolo_proposal = first_published(&app, PINEROLO).await.to_string();
    let proposals_before = proposal::Entity::find().count(&app.db).await.unwrap();

    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "/api/proposals/create",
            vec![
                ("process", PINEROLO),
                ("piattaforma", "servizi-online"),
                ("titolo", "Corto"),
                ("testo", BODY),
            ],
            "titolo",
        ),
        (
            "/api/proposals/create",
            vec![
                ("process", PINEROLO),
                ("piattaforma", "servizi-online"),
                ("titolo", "Un titolo abbastanza lungo"),
                ("testo", "breve"),
            ],
            "testo",
        ),
        (
            "/api/proposals/create",
            vec![
                ("process", PINEROLO),
                ("piattaforma", "non-esiste"),
                ("titolo", "Un titolo abbastanza lungo"),
                ("testo", BODY),
            ],
            "piattaforma",
        ),
        (
            "/api/proposals/create",
            vec![
                ("process", PINEROLO),
                ("piattaforma", "servizi-online"),
                ("titolo", "Un titolo abbastanza lungo"),
                ("testo", BODY),
                ("zona", "atlantide"),
            ],
            "zona",
        ),
        ("/api/supports/give", vec![("id", "non-un-uuid")], "id"),
        ("/api/supports/withdraw", vec![("id", "1234")], "id"),
        (
            "/api/comments/post",
            vec![
                ("proposal", &pinerolo_proposal),
                ("commento", "Un commento valido"),
                ("posizione", "boh"),
            ],
            "posizione",
        ),
        (
            "/api/comments/post",
            vec![
                ("proposal", "non-un-uuid"),
                ("commento", "Un commento valido"),
                ("posizione", "favore"),
            ],
            "proposal",
        ),
        (
            "/api/comments/post",
            vec![
                ("proposal", &pinerolo_proposal),
                ("parent", "storto"),
                ("commento", "Un commento valido"),
            ],
            "parent",
        ),
        (
            "/api/comments/vote",
            vec![
                ("proposal", &pinerolo_proposal),
                ("id", &pinerolo_proposal),
                ("voto", "forse"),
            ],
            "voto",
        ),
        // Missing fields: the request itself is malformed.
        ("/api/supports/give", vec![], "request"),
        ("/api/comments/post", vec![("proposal", "x")], "request"),
    ];
    for (uri, fields, field) in &cases {
        let answer = post_api(&app, uri, fields, Some(&cookie)).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{uri} {fields:?}: {}",
            answer.body
        );
        let error: serde_json::Value = serde_json::from_str(&answer.body)
            .unwrap_or_else(|_| panic!("{uri}: a typed error: {}", answer.body));
        assert_eq!(error["InvalidInput"]["field"], *field, "{uri}: {error}");
        // The no-JavaScript form gets the same error back in the redirect.
        let form = app.post_form(uri, fields, Some(&cookie)).await;
        assert_ne!(form.status, StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
        if let Some(error) = form.form_error() {
            assert_eq!(error["InvalidInput"]["field"], *field, "{uri}: {error}");
        }
    }
    // Refusals are 409 with the reason; unknown proposals 404.
    let voted = first_published(&app, ALESSANDRIA).await.to_string();
    let closed = post_api(
        &app,
        "/api/comments/post",
        &[
            ("proposal", &voted),
            ("commento", "Troppo tardi per commentare"),
            ("posizione", "neutro"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(closed.status, StatusCode::CONFLICT, "{}", closed.body);
    assert!(closed.body.contains("phase_closed"), "{}", closed.body);
    let missing = post_api(
        &app,
        "/api/supports/give",
        &[("id", &Uuid::now_v7().to_string())],
        Some(&cookie),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
    // Without our origin, nothing is even read.
    let mut request = Request::post("/api/supports/give")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .header("cookie", &cookie)
        .body(Body::from(format!("id={voted}")))
        .unwrap();
    request.headers_mut().remove("referer");
    assert_eq!(
        app.send(request, [10, 0, 0, 1]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        proposal::Entity::find().count(&app.db).await.unwrap(),
        proposals_before,
        "no bad request created anything"
    );
}

// ---------------------------------------------------------------------------
// Phase settings and forms refused without JavaScript
// ---------------------------------------------------------------------------

#[tokio::test]
async fn facilitators_set_the_voting_limit_and_it_applies() {
    let app = spawn_app().await;
    let alessandria = process_row(&app, "piano-strategico-alessandria-2030").await;
    let voting = phases_of(&app, alessandria.id)
        .await
        .into_iter()
        .find(|p| p.kind == "voting")
        .expect("a voting phase");
    let facilitator = Ctx::new(
        app.db.clone(),
        Actor::Person(person(&app, "facilitator@demo.piazza.invalid").await),
    );
    let citizen = Ctx::new(
        app.db.clone(),
        Actor::Person(person(&app, "citizen@demo.piazza.invalid").await),
    );
    assert!(matches!(
        phases::set_settings(&citizen, voting.id, Some(1), true).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        phases::set_settings(&facilitator, voting.id, Some(0), true).await,
        Err(ServiceError::InvalidInput { .. })
    ));
    phases::set_settings(&facilitator, voting.id, Some(1), false)
        .await
        .expect("a facilitator of the process sets the phase");

    let voter = fresh_person(&app, "Limite Uno").await;
    let ctx = Ctx::new(app.db.clone(), Actor::Person(voter));
    let ids = published_in(
        &app,
        "piano-strategico-alessandria-2030",
        "servizi-digitali",
    )
    .await;
    assert!(ids.len() >= 2, "two proposals to support");
    supports::give(&ctx, ids[0])
        .await
        .expect("the first support");
    assert!(matches!(
        supports::give(&ctx, ids[1]).await,
        Err(ServiceError::Refused(Refusal::SupportLimitReached {
            limit: 1
        }))
    ));
    // Counts are hidden now: neither the proposal nor the results show them.
    let detail = proposals::detail(&ctx, ids[0]).await.unwrap();
    assert_eq!(detail.support_count, None);
    let results = supports::results(&ctx, "piano-strategico-alessandria-2030")
        .await
        .unwrap();
    assert!(!results.visible && results.by_platform.is_empty());
    let html = app
        .get("/processi/piano-strategico-alessandria-2030/proposte")
        .await
        .body;
    assert!(
        html.contains("resta nascosto"),
        "the list says counts are hidden"
    );
    assert!(!html.contains("Sostegni: "), "no count on the cards");
    // The next page follows the order the list really used (newest first).
    let next = html
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a next page link")
        .replace("&amp;", "&");
    assert!(next.contains("ordine=recenti"), "{next}");
    assert_eq!(app.get(&next).await.status, StatusCode::OK);

    // When a supported proposal is withdrawn, its supporters get the support back.
    let first = proposal_row(&app, ids[0]).await;
    let author_email = user::Entity::find_by_id(first.author_id.expect("an author"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .email
        .expect("an email");
    let author = Ctx::new(
        app.db.clone(),
        Actor::Person(person(&app, &author_email).await),
    );
    authoring::withdraw(&author, ids[0])
        .await
        .expect("the author withdraws");
    supports::give(&ctx, ids[1])
        .await
        .expect("the support given back can go elsewhere");
    assert!(matches!(
        supports::withdraw(&ctx, ids[0]).await,
        Err(ServiceError::Refused(Refusal::ProposalClosed { .. }))
    ));
}

#[tokio::test]
async fn a_refused_form_without_javascript_comes_back_filled_in() {
    let app = spawn_app().await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let body_text = "Testo breve ma prezioso";
    let answer = app
        .post_form(
            "/api/proposals/create",
            &[
                ("process", "agenda-digitale-pinerolo"),
                ("piattaforma", "servizi-online"),
                ("titolo", "Un titolo di prova per la bozza"),
                ("testo", body_text),
                ("zona", "collina"),
            ],
            Some(&cookie),
        )
        .await;
    assert!(answer.status.is_redirection(), "{}", answer.status);
    let page = app
        .get_as("/processi/agenda-digitale-pinerolo/proposte/nuova", &cookie)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(body_text), "the body comes back");
    assert!(
        page.body
            .contains("value=\"Un titolo di prova per la bozza\"")
    );
    assert!(page.body.contains("<option value=\"collina\" selected"));
    // Taken once: a later visit starts empty.
    let again = app
        .get_as("/processi/agenda-digitale-pinerolo/proposte/nuova", &cookie)
        .await;
    assert!(!again.body.contains(body_text));
    // Nobody else ever sees it.
    let other = sign_in_demo(&app, "citizen-2@demo.piazza.invalid").await;
    let theirs = app
        .get_as("/processi/agenda-digitale-pinerolo/proposte/nuova", &other)
        .await;
    assert!(!theirs.body.contains(body_text));
}
