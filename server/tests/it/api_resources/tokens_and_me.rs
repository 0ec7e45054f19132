//! Tokens act within their scope; the caller's own data and notifications.

use super::*;

// ---------------------------------------------------------------------------
// 7. Tokens
// ---------------------------------------------------------------------------

#[tokio::test]
async fn tokens_act_for_their_owner_within_their_scope_until_revoked() {
    let app = spawn_app().await;
    let owner = person(&app, CITIZEN).await;
    let (writer_id, writer) = token(&app, &owner, "scrittura").await;
    let (_, reader) = token(&app, &owner, "lettura").await;
    let zone30 = proposal_titled(&app, ALESSANDRIA, "Zone 30 e strade scolastiche")
        .await
        .id;
    let spid = proposal_titled(&app, PINEROLO, "Corsi su SPID").await.id;

    // Both act for their owner, and their use is recorded.
    for secret in [&writer, &reader] {
        let me = ok(&get(&app, "/me", Who::Token(secret)).await, 200);
        assert_eq!(me["id"], owner.id.to_string());
        assert_eq!(me["display_name"], owner.display_name);
    }
    let listed = tokens::list(&ctx(&app, &owner)).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|t| t.last_used_at.is_some()));
    let seen = ok(
        &get(&app, &format!("/proposals/{zone30}"), Who::Token(&reader)).await,
        200,
    );
    assert_eq!(seen["viewer"]["signed_in"], true);

    // A read-only token reads, and may not write anything.
    let supports = supports_of(&app, zone30).await;
    let comments = comments_on(&app, spid).await;
    let proposals = proposals_in(&app, PINEROLO).await;
    let writes = [
        (Method::PUT, format!("/proposals/{zone30}/support"), None),
        (Method::DELETE, format!("/proposals/{zone30}/support"), None),
        (
            Method::POST,
            format!("/processes/{PINEROLO}/proposals"),
            Some(new_proposal(
                "servizi-online",
                "Una proposta scritta con un token di sola lettura",
            )),
        ),
        (
            Method::POST,
            format!("/proposals/{spid}/comments"),
            Some(json!({ "commento": "Dal token di lettura.", "posizione": "neutro" })),
        ),
        (
            Method::POST,
            "/me/notifications/read".to_owned(),
            Some(json!({})),
        ),
    ];
    for (method, path, body) in writes {
        let answer = call(&app, method, &path, Who::Token(&reader), body).await;
        let doc = problem(&answer, 403, "token-solo-lettura");
        assert_eq!(doc["title"], "Il token di accesso permette solo la lettura");
        assert!(
            header(&answer, "www-authenticate").contains("insufficient_scope"),
            "{path}: {:?}",
            answer.headers
        );
    }
    assert_eq!(supports_of(&app, zone30).await, supports);
    assert_eq!(comments_on(&app, spid).await, comments);
    assert_eq!(proposals_in(&app, PINEROLO).await, proposals);

    // A write token writes, from any site: without a cookie there is
    // nothing another site could forge.
    let supported = raw(
        &app,
        Method::PUT,
        &format!("/api/v1/proposals/{zone30}/support"),
        &[
            ("authorization", &format!("Bearer {writer}")),
            ("origin", EVIL_SITE),
        ],
        Body::empty(),
        CLIENT,
    )
    .await;
    assert_eq!(ok(&supported, 200)["supported"], true);
    assert_eq!(supports_of(&app, zone30).await, supports + 1);
    assert_eq!(
        count_sql(
            &app,
            "SELECT COUNT(*) FROM supports WHERE proposal_id = ? AND user_id = ?",
            vec![zone30.into(), owner.id.into()],
        )
        .await,
        1
    );
    // With a cookie alongside, the request must come from our pages.
    let cookie = sign_in_demo(&app, CITIZEN).await;
    let forged = raw(
        &app,
        Method::DELETE,
        &format!("/api/v1/proposals/{zone30}/support"),
        &[
            ("authorization", &format!("Bearer {writer}")),
            ("cookie", &cookie),
            ("origin", EVIL_SITE),
        ],
        Body::empty(),
        CLIENT,
    )
    .await;
    problem(&forged, 403, "origine-non-ammessa");
    assert_eq!(supports_of(&app, zone30).await, supports + 1);

    // Unknown, malformed or foreign credentials: 401, public reads included.
    for value in [
        "Bearer pzt_nonesiste00000000000000000000",
        "Bearer qualcosa",
        "Bearer ",
        "Bearer",
        "bearer ",
    ] {
        let answer = raw(
            &app,
            Method::GET,
            "/api/v1/processes",
            &[("authorization", value)],
            Body::empty(),
            CLIENT,
        )
        .await;
        let doc = problem(&answer, 401, "token-non-valido");
        assert_eq!(
            doc["title"],
            "Token di accesso non valido, scaduto o revocato"
        );
        assert_eq!(
            header(&answer, "www-authenticate"),
            "Bearer error=\"invalid_token\"",
            "{value}"
        );
    }

    // Other schemes are not ours (a site behind HTTP Basic): an anonymous
    // read, and the scheme's case does not matter for tokens.
    let basic = raw(
        &app,
        Method::GET,
        "/api/v1/processes",
        &[("authorization", "Basic dXRlbnRlOnBhc3N3b3Jk")],
        Body::empty(),
        CLIENT,
    )
    .await;
    assert_eq!(basic.status, 200);
    let lower = format!("bearer {writer}");
    let me = raw(
        &app,
        Method::GET,
        "/api/v1/me",
        &[("authorization", lower.as_str())],
        Body::empty(),
        CLIENT,
    )
    .await;
    assert_eq!(me.status, 200, "{}", me.body);

    // Revoked: never again, for reads or writes.
    tokens::revoke(&ctx(&app, &owner), writer_id).await.unwrap();
    problem(
        &get(&app, "/me", Who::Token(&writer)).await,
        401,
        "token-non-valido",
    );
    problem(
        &call(
            &app,
            Method::DELETE,
            &format!("/proposals/{zone30}/support"),
            Who::Token(&writer),
            None,
        )
        .await,
        401,
        "token-non-valido",
    );
    assert_eq!(
        supports_of(&app, zone30).await,
        supports + 1,
        "still supported"
    );
    ok(&get(&app, "/me", Who::Token(&reader)).await, 200);
}

// ---------------------------------------------------------------------------
// 8. The caller and their notifications
// ---------------------------------------------------------------------------

#[tokio::test]
async fn me_and_notifications_are_the_signed_in_callers_own() {
    let app = spawn_app().await;

    // Nobody signed in.
    let anonymous = get(&app, "/me", Who::Nobody).await;
    problem(&anonymous, 401, "accesso-richiesto");
    assert_eq!(header(&anonymous, "www-authenticate"), "Bearer");
    let anonymous = get(&app, "/me/notifications", Who::Nobody).await;
    problem(&anonymous, 401, "accesso-richiesto");
    assert_eq!(header(&anonymous, "www-authenticate"), "Bearer");
    problem(
        &call(
            &app,
            Method::POST,
            "/me/notifications/read",
            Who::Nobody,
            Some(json!({})),
        )
        .await,
        401,
        "accesso-richiesto",
    );

    // Who is asking, with their roles.
    let citizen = person(&app, CITIZEN).await;
    let cookie = sign_in_demo(&app, CITIZEN).await;
    let me = ok(&get(&app, "/me", Who::Cookie(&cookie)).await, 200);
    assert_eq!(
        me,
        json!({ "id": citizen.id, "display_name": citizen.display_name, "is_demo": true, "grants": [] })
    );
    let facilitator = sign_in_demo(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    let pinerolo = process_row(&app, PINEROLO).await;
    let me = ok(&get(&app, "/me", Who::Cookie(&facilitator)).await, 200);
    assert_eq!(
        me["grants"],
        json!([{ "role": "Facilitator", "process_id": pinerolo.id, "platform_id": null }])
    );

    // Comments on the citizen's proposal notify them, not the commenter.
    let created = ok(
        &call(
            &app,
            Method::POST,
            &format!("/processes/{PINEROLO}/proposals"),
            Who::Cookie(&cookie),
            Some(new_proposal(
                "inclusione-digitale",
                "Tablet in prestito nelle biblioteche di quartiere",
            )),
        )
        .await,
        201,
    );
    let mine = created["id"].clone();
    let commenter = person(&app, CITIZEN_2).await;
    let (_, other) = token(&app, &commenter, "scrittura").await;
    for words in ["Prima risposta utile.", "Seconda risposta utile."] {
        ok(
            &call(
                &app,
                Method::POST,
                &format!("/proposals/{}/comments", text(&mine)),
                Who::Token(&other),
                Some(json!({ "commento": words, "posizione": "favore" })),
            )
            .await,
            201,
        );
    }
    let unread = unread_of(&app, citizen.id).await;
    assert!(unread >= 2, "{unread}");
    let page = ok(
        &get(&app, "/me/notifications", Who::Cookie(&cookie)).await,
        200,
    );
    assert_eq!(page["unread"], unread);
    let ours: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["proposal"]["key"] == mine)
        .collect();
    assert_eq!(ours.len(), 2, "{page}");
    for n in &ours {
        assert_eq!(n["kind"], "new_comment");
        assert_eq!(n["read"], false);
        assert_eq!(n["detail"], commenter.display_name);
        assert_eq!(n["process"]["key"], PINEROLO);
    }
    let theirs = ok(
        &get(&app, "/me/notifications", Who::Token(&other)).await,
        200,
    );
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["proposal"]["key"] != mine),
        "the commenter is not told about their own comments"
    );
    let bad_cursor = problem(
        &get(
            &app,
            "/me/notifications?prima=non-un-id",
            Who::Cookie(&cookie),
        )
        .await,
        422,
        "dati-non-validi",
    );
    assert_eq!(bad_cursor["errors"][0]["field"], "prima", "{bad_cursor}");

    // Marking one, then all; someone else's stays as it is.
    let one = id_of(&ours[0]["id"]);
    let read = "/me/notifications/read";
    let marked = call(
        &app,
        Method::POST,
        read,
        Who::Token(&other),
        Some(json!({ "notifica": one })),
    )
    .await;
    assert_eq!(ok(&marked, 200), json!({ "marked": 0 }));
    assert_eq!(unread_of(&app, citizen.id).await, unread);
    let marked = call(
        &app,
        Method::POST,
        read,
        Who::Cookie(&cookie),
        Some(json!({ "notifica": one })),
    )
    .await;
    assert_eq!(ok(&marked, 200), json!({ "marked": 1 }));
    assert_eq!(unread_of(&app, citizen.id).await, unread - 1);
    let marked = call(
        &app,
        Method::POST,
        read,
        Who::Cookie(&cookie),
        Some(json!({ "notifica": one })),
    )
    .await;
    assert_eq!(ok(&marked, 200), json!({ "marked": 0 }), "already read");
    let marked = call(
        &app,
        Method::POST,
        read,
        Who::Cookie(&cookie),
        Some(json!({})),
    )
    .await;
    assert_eq!(ok(&marked, 200), json!({ "marked": unread - 1 }));
    assert_eq!(unread_of(&app, citizen.id).await, 0);
    let page = ok(
        &get(&app, "/me/notifications", Who::Cookie(&cookie)).await,
        200,
    );
    assert_eq!(page["unread"], 0);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["read"] == true)
    );

    // A body that does not read, or a cookie from another site.
    for body in [json!({ "notifica": "non-un-id" }), json!({ "tutte": true })] {
        problem(
            &call(&app, Method::POST, read, Who::Cookie(&cookie), Some(body)).await,
            422,
            "dati-non-validi",
        );
    }
    let forged = raw(
        &app,
        Method::POST,
        &format!("/api/v1{read}"),
        &[
            ("cookie", &cookie),
            ("origin", EVIL_SITE),
            ("content-type", "application/json"),
        ],
        Body::from("{}"),
        CLIENT,
    )
    .await;
    problem(&forged, 403, "origine-non-ammessa");
}
