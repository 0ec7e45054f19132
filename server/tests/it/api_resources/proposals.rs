//! Proposals published, changed and withdrawn through the API; client errors write nothing.

use super::*;

#[tokio::test]
async fn a_citizen_publishes_changes_and_withdraws_a_proposal_and_others_may_not() {
    let app = spawn_app().await;
    let citizen = sign_in_demo(&app, CITIZEN).await;
    let other = sign_in_demo(&app, CITIZEN_2).await;
    let (_, other_token) = token(&app, &person(&app, CITIZEN_2).await, "scrittura").await;
    let create = format!("/processes/{PINEROLO}/proposals");
    let before = proposals_in(&app, PINEROLO).await;
    let mut body = new_proposal(
        "servizi-online",
        "Certificati online senza code allo sportello",
    );
    body["zona"] = json!("centro");

    // A session write must come from our pages.
    for origin in [Some(EVIL_SITE), None] {
        let mut headers = vec![
            ("cookie", citizen.as_str()),
            ("content-type", "application/json"),
        ];
        if let Some(origin) = origin {
            headers.push(("origin", origin));
        }
        let refused = raw(
            &app,
            Method::POST,
            &format!("/api/v1{create}"),
            &headers,
            Body::from(body.to_string()),
            CLIENT,
        )
        .await;
        problem(&refused, 403, "origine-non-ammessa");
    }
    // Nobody signed in may not publish.
    let anonymous = call(&app, Method::POST, &create, Who::Nobody, Some(body.clone())).await;
    problem(&anonymous, 401, "accesso-richiesto");
    assert_eq!(header(&anonymous, "www-authenticate"), "Bearer");
    assert_eq!(
        proposals_in(&app, PINEROLO).await,
        before,
        "nothing written"
    );

    // Published: 201, its address, and readable there by anyone.
    let created = call(
        &app,
        Method::POST,
        &create,
        Who::Cookie(&citizen),
        Some(body),
    )
    .await;
    let doc = ok(&created, 201);
    let id = id_of(&doc["id"]);
    assert_eq!(
        header(&created, "location"),
        format!("/api/v1/proposals/{id}")
    );
    assert_eq!(doc["title"], "Certificati online senza code allo sportello");
    assert_eq!(doc["state"], "published");
    assert_eq!(doc["platform"]["key"], "servizi-online");
    assert_eq!(doc["zone"]["key"], "centro");
    assert_eq!(doc["process"]["key"], PINEROLO);
    assert_eq!(doc["author_name"], person(&app, CITIZEN).await.display_name);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["viewer"]["is_author"], true);
    assert_eq!(doc["viewer"]["follows"], true);
    assert_eq!(proposals_in(&app, PINEROLO).await, before + 1);
    let read = ok(
        &get(&app, &format!("/proposals/{id}"), Who::Nobody).await,
        200,
    );
    assert_eq!(read["title"], doc["title"]);
    assert_eq!(read["viewer"]["signed_in"], false);
    let newest = ok(
        &get(&app, &format!("{create}?ordine=recenti"), Who::Nobody).await,
        200,
    );
    assert_eq!(id_of(&newest["items"][0]["id"]), id);

    // Someone else may not change it, with a cookie or a token.
    let change = json!({
        "titolo": "Certificati online per tutti, anche in biblioteca",
        "testo": format!("{BODY} Con un aiuto in biblioteca."),
    });
    for who in [Who::Cookie(&other), Who::Token(&other_token)] {
        let refused = call(
            &app,
            Method::PUT,
            &format!("/proposals/{id}"),
            who,
            Some(change.clone()),
        )
        .await;
        problem(&refused, 403, "vietato");
        let refused = call(
            &app,
            Method::POST,
            &format!("/proposals/{id}/withdraw"),
            who,
            None,
        )
        .await;
        problem(&refused, 403, "vietato");
    }
    let unchanged = proposal_row(&app, id).await;
    assert_eq!(
        (
            unchanged.title.as_str(),
            unchanged.version,
            unchanged.state.as_str()
        ),
        (
            "Certificati online senza code allo sportello",
            1,
            "published"
        )
    );
    problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{id}"),
            Who::Nobody,
            Some(change.clone()),
        )
        .await,
        401,
        "accesso-richiesto",
    );

    // Its author changes it; what is left out (the zone) is cleared.
    let changed = ok(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{id}"),
            Who::Cookie(&citizen),
            Some(change.clone()),
        )
        .await,
        200,
    );
    assert_eq!(
        changed["title"],
        "Certificati online per tutti, anche in biblioteca"
    );
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["zone"], Value::Null);
    let stored = proposal_row(&app, id).await;
    assert_eq!((stored.version, stored.zone_id), (2, None));
    assert_eq!(
        count_sql(
            &app,
            "SELECT COUNT(*) FROM proposal_versions WHERE proposal_id = ?",
            vec![id.into()]
        )
        .await,
        2
    );
    problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{}", Uuid::now_v7()),
            Who::Cookie(&citizen),
            Some(change.clone()),
        )
        .await,
        404,
        "non-trovato",
    );

    // Withdrawn by its author; a second time, and any change, are refused.
    let withdrawn = ok(
        &call(
            &app,
            Method::POST,
            &format!("/proposals/{id}/withdraw"),
            Who::Cookie(&citizen),
            None,
        )
        .await,
        200,
    );
    assert_eq!(withdrawn["state"], "withdrawn");
    assert_eq!(proposal_row(&app, id).await.state, "withdrawn");
    let again = problem(
        &call(
            &app,
            Method::POST,
            &format!("/proposals/{id}/withdraw"),
            Who::Cookie(&citizen),
            None,
        )
        .await,
        409,
        "operazione-rifiutata",
    );
    assert_eq!(
        again["refusal"],
        json!({ "proposal_closed": { "state": "withdrawn" } })
    );
    assert!(text(&again["detail"]).contains('«'), "{again}");
    let locked = problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{id}"),
            Who::Cookie(&citizen),
            Some(change),
        )
        .await,
        409,
        "operazione-rifiutata",
    );
    assert!(
        locked["refusal"]["edit_window_closed"].is_object(),
        "{locked}"
    );
    assert_eq!(proposal_row(&app, id).await.version, 2);
}

// ---------------------------------------------------------------------------
// 4. Client errors
// ---------------------------------------------------------------------------

#[tokio::test]
async fn every_client_error_is_a_problem_document_and_writes_nothing() {
    let app = spawn_app().await;
    let citizen = sign_in_demo(&app, CITIZEN).await;
    let create = format!("/api/v1/processes/{PINEROLO}/proposals");
    let before = proposals_in(&app, PINEROLO).await;
    let send = |content_type: Option<&'static str>, body: Vec<u8>| {
        let cookie = citizen.clone();
        let app = &app;
        let create = create.clone();
        async move {
            let mut headers = vec![("cookie", cookie.as_str()), ("origin", ORIGIN)];
            if let Some(content_type) = content_type {
                headers.push(("content-type", content_type));
            }
            raw(
                app,
                Method::POST,
                &create,
                &headers,
                Body::from(body),
                CLIENT,
            )
            .await
        }
    };

    // 400: a body that is not JSON, a path id that is not a uuid.
    let broken = send(Some("application/json"), b"{\"titolo\": ".to_vec()).await;
    let doc = problem(&broken, 400, "richiesta-non-valida");
    assert!(
        doc["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{doc}"
    );
    assert_eq!(header(&broken, "cache-control"), "no-store");
    problem(
        &get(&app, "/proposals/non-un-uuid", Who::Nobody).await,
        400,
        "richiesta-non-valida",
    );
    problem(
        &call(
            &app,
            Method::PUT,
            "/proposals/42/support",
            Who::Cookie(&citizen),
            None,
        )
        .await,
        400,
        "richiesta-non-valida",
    );

    // 404: no such proposal, project, edition, objective, comment, link;
    // no such address at all.
    for path in [
        format!("/proposals/{}", Uuid::now_v7()),
        format!("/proposals/{}/comments", Uuid::now_v7()),
        format!("/proposals/{}/objectives", Uuid::now_v7()),
        format!("/projects/{}", Uuid::now_v7()),
        format!("/dup/editions/{}", Uuid::now_v7()),
        format!("/dup/objectives/{}", Uuid::now_v7()),
    ] {
        problem(&get(&app, &path, Who::Nobody).await, 404, "non-trovato");
    }
    problem(
        &call(
            &app,
            Method::DELETE,
            &format!("/comments/{}", Uuid::now_v7()),
            Who::Cookie(&citizen),
            None,
        )
        .await,
        404,
        "non-trovato",
    );
    for (method, path) in [
        (Method::GET, "/nessuna/risorsa"),
        (Method::GET, "/processes/a/b/c/d"),
        (Method::POST, "/proposte"),
    ] {
        let doc = problem(
            &call(&app, method, path, Who::Nobody, None).await,
            404,
            "indirizzo-inesistente",
        );
        assert_eq!(doc["title"], "Questo indirizzo non esiste nell'API");
    }

    // 405: the address exists, not with this method; Allow says which.
    let wrong = call(&app, Method::POST, "/processes", Who::Nobody, None).await;
    problem(&wrong, 405, "metodo-non-ammesso");
    assert!(
        header(&wrong, "allow").contains("GET"),
        "{:?}",
        wrong.headers
    );
    assert!(!header(&wrong, "allow").contains("POST"));
    let (_, writer) = token(&app, &person(&app, CITIZEN).await, "scrittura").await;
    let id = proposal_titled(&app, PINEROLO, "Corsi su SPID").await.id;
    let wrong = call(
        &app,
        Method::DELETE,
        &format!("/proposals/{id}"),
        Who::Token(&writer),
        None,
    )
    .await;
    problem(&wrong, 405, "metodo-non-ammesso");
    let allow = header(&wrong, "allow");
    assert!(allow.contains("GET") && allow.contains("PUT"), "{allow}");
    assert_eq!(proposal_row(&app, id).await.state, "published");

    // 413: over 64 KB.
    let huge = json!({
        "piattaforma": "servizi-online",
        "titolo": "Una proposta lunghissima davvero",
        "testo": "x".repeat(70 * 1024),
    });
    let too_large = send(Some("application/json"), huge.to_string().into_bytes()).await;
    problem(&too_large, 413, "richiesta-troppo-grande");

    // 415: not JSON, or no content type at all.
    let body = new_proposal("servizi-online", "Una proposta mandata come testo").to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let answer = send(content_type, body.clone().into_bytes()).await;
        problem(&answer, 415, "formato-non-supportato");
    }

    // 422: each field named as the forms name it, with a code and a sentence.
    let short = send(
        Some("application/json"),
        new_proposal("servizi-online", "Breve")
            .to_string()
            .into_bytes(),
    )
    .await;
    let doc = problem(&short, 422, "dati-non-validi");
    assert_eq!(doc["title"], "Dati non validi");
    assert_eq!(doc["errors"][0]["field"], "titolo");
    assert_eq!(doc["errors"][0]["code"], "too_short");
    assert_eq!(doc["errors"][0]["limit"], 10);
    let message = text(&doc["errors"][0]["message"]);
    assert!(message.contains("10") && message.contains('«'), "{message}");
    let cases = [
        (
            json!({ "piattaforma": "servizi-online", "titolo": "Un titolo abbastanza lungo", "testo": "corto" }),
            "testo",
            "too_short",
        ),
        (
            json!({ "piattaforma": "servizi-online", "titolo": "", "testo": BODY }),
            "titolo",
            "empty",
        ),
        (
            json!({ "piattaforma": "nessuna", "titolo": "Un titolo abbastanza lungo", "testo": BODY }),
            "piattaforma",
            "not_recognized",
        ),
        (
            json!({ "piattaforma": "servizi-online", "titolo": "Un titolo abbastanza lungo", "testo": BODY, "zona": "luna" }),
            "zona",
            "not_recognized",
        ),
        (
            json!({ "piattaforma": "servizi-online", "titolo": "Un titolo abbastanza lungo", "testo": BODY, "direzione": "Z9" }),
            "direzione",
            "not_recognized",
        ),
    ];
    for (body, field, code) in cases {
        let doc = problem(
            &send(Some("application/json"), body.to_string().into_bytes()).await,
            422,
            "dati-non-validi",
        );
        assert_eq!(doc["errors"][0]["field"], field, "{doc}");
        assert_eq!(doc["errors"][0]["code"], code, "{doc}");
    }
    // Unknown, missing or mistyped fields: the parser's own words.
    for (body, word) in [
        (
            json!({ "piattaforma": "servizi-online", "titolo": "Un titolo abbastanza lungo", "testo": BODY, "colore": "blu" }),
            "colore",
        ),
        (
            json!({ "piattaforma": "servizi-online", "titolo": "Un titolo abbastanza lungo" }),
            "testo",
        ),
        (
            json!({ "piattaforma": "servizi-online", "titolo": 42, "testo": BODY }),
            "titolo",
        ),
    ] {
        let doc = problem(
            &send(Some("application/json"), body.to_string().into_bytes()).await,
            422,
            "dati-non-validi",
        );
        assert!(text(&doc["detail"]).contains(word), "{word}: {doc}");
    }
    assert_eq!(
        proposals_in(&app, PINEROLO).await,
        before,
        "nothing was written"
    );
}
