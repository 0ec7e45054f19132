//! ETags, languages, rate limits and cross-site calls.

use super::*;

#[tokio::test]
async fn reads_carry_etags_and_problems_speak_the_callers_language() {
    let app = spawn_app().await;
    let conditional = |uri: String, headers: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            raw(app, Method::GET, &uri, &headers, Body::empty(), CLIENT).await
        }
    };

    // A strong tag on every successful read, the same for the same body.
    let first = get(&app, "/processes", Who::Nobody).await;
    assert_eq!(first.status, 200);
    let etag = header(&first, "etag");
    assert!(
        etag.len() > 2 && etag.starts_with('"') && etag.ends_with('"'),
        "{etag}"
    );
    assert!(header(&first, "vary").contains("Authorization"));
    assert_eq!(header(&first, "cache-control"), "private, no-cache");
    assert_eq!(
        header(&get(&app, "/processes", Who::Nobody).await, "etag"),
        etag
    );

    // Sent back: 304 without a body; a weak or listed match counts too.
    for sent in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"altro\", {etag}"),
        "*".to_owned(),
    ] {
        let cached = conditional(
            "/api/v1/processes".into(),
            vec![("if-none-match", sent.clone())],
        )
        .await;
        assert_eq!(cached.status, 304, "{sent}");
        assert!(cached.body.is_empty());
        assert_eq!(header(&cached, "etag"), etag);
        assert!(header(&cached, "content-type").is_empty());
    }
    let other = conditional(
        "/api/v1/processes".into(),
        vec![("if-none-match", "\"altro\"".into())],
    )
    .await;
    assert_eq!(other.status, 200);
    assert_eq!(other.body, first.body);

    // The tag follows the content: a new comment changes the proposal.
    let spid = proposal_titled(&app, PINEROLO, "Corsi su SPID").await.id;
    let uri = format!("/api/v1/proposals/{spid}");
    let before = conditional(uri.clone(), vec![]).await;
    let old = header(&before, "etag");
    let citizen = sign_in_demo(&app, CITIZEN).await;
    ok(
        &call(
            &app,
            Method::POST,
            &format!("/proposals/{spid}/comments"),
            Who::Cookie(&citizen),
            Some(json!({ "commento": "Utile anche per i caregiver.", "posizione": "favore" })),
        )
        .await,
        201,
    );
    let after = conditional(uri.clone(), vec![("if-none-match", old.clone())]).await;
    assert_eq!(after.status, 200, "changed, so sent again");
    assert_ne!(header(&after, "etag"), old);
    assert_eq!(
        ok(&after, 200)["comment_count"].as_i64().unwrap(),
        ok(&before, 200)["comment_count"].as_i64().unwrap() + 1
    );

    // Problems are never cached nor tagged.
    let missing = conditional(
        format!("/api/v1/proposals/{}", Uuid::now_v7()),
        vec![("if-none-match", "*".into())],
    )
    .await;
    let doc = problem(&missing, 404, "non-trovato");
    assert!(header(&missing, "etag").is_empty());

    // Italian by default, English when preferred.
    assert_eq!(doc["title"], "Non trovato");
    assert_eq!(header(&missing, "content-language"), "it");
    let lost = format!("/api/v1/proposals/{}", Uuid::now_v7());
    for (accept, title, language) in [
        ("en", "Not found", "en"),
        ("en-GB,en;q=0.9", "Not found", "en"),
        ("it-IT,it;q=0.9,en;q=0.8", "Non trovato", "it"),
        ("fr", "Non trovato", "it"),
        ("de,en;q=0.5", "Not found", "en"),
    ] {
        let answer = conditional(lost.clone(), vec![("accept-language", accept.into())]).await;
        let doc = problem(&answer, 404, "non-trovato");
        assert_eq!(doc["title"], title, "{accept}");
        assert_eq!(header(&answer, "content-language"), language, "{accept}");
    }
    let english = |uri: &str| conditional(uri.to_owned(), vec![("accept-language", "en".into())]);
    let doc = problem(
        &english("/api/v1/nessuna").await,
        404,
        "indirizzo-inesistente",
    );
    assert_eq!(doc["title"], "No such address in the API");
    let invalid_uri = format!("/api/v1/processes/{ALESSANDRIA}/proposals?stato=approvata");
    let english_422 = problem(&english(&invalid_uri).await, 422, "dati-non-validi");
    let italian_422 = problem(
        &conditional(invalid_uri, vec![]).await,
        422,
        "dati-non-validi",
    );
    assert_eq!(english_422["title"], "Invalid data");
    assert_eq!(english_422["errors"][0]["field"], "stato");
    assert_ne!(
        english_422["errors"][0]["message"],
        italian_422["errors"][0]["message"]
    );
    let wrong = raw(
        &app,
        Method::POST,
        "/api/v1/processes",
        &[("origin", ORIGIN), ("accept-language", "en")],
        Body::empty(),
        CLIENT,
    )
    .await;
    let doc = problem(&wrong, 405, "metodo-non-ammesso");
    assert_eq!(doc["title"], "Method not allowed for this address");
    assert!(header(&wrong, "allow").contains("GET"));
}

// ---------------------------------------------------------------------------
// 11. Rate limits
// ---------------------------------------------------------------------------

#[tokio::test]
async fn rate_limits_apply_per_address_and_separately_per_token() {
    let app = spawn_app_with(&[
        ("PIAZZA_API_RATE_PER_IP", "3"),
        ("PIAZZA_API_RATE_PER_TOKEN", "2"),
    ])
    .await;
    let owner = person(&app, CITIZEN).await;
    let (_, first_token) = token(&app, &owner, "lettura").await;
    let (_, second_token) = token(&app, &owner, "lettura").await;
    let busy = [10, 0, 0, 7];
    let from = |ip: [u8; 4], headers: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            raw(
                app,
                Method::GET,
                "/api/v1/processes",
                &headers,
                Body::empty(),
                ip,
            )
            .await
        }
    };

    // Per address: three a minute, then 429 with how long to wait.
    for n in 0..3 {
        assert_eq!(from(busy, vec![]).await.status, 200, "request {n}");
    }
    let limited = from(busy, vec![]).await;
    let doc = problem(&limited, 429, "troppe-richieste");
    let wait: u64 = header(&limited, "retry-after")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=20).contains(&wait), "{wait}");
    assert_eq!(doc["retry_after"], wait);
    let english = from(busy, vec![("accept-language", "en".into())]).await;
    assert_eq!(
        problem(&english, 429, "troppe-richieste")["title"],
        "Too many requests"
    );
    assert!(!header(&english, "retry-after").is_empty());
    assert_eq!(
        from([10, 0, 0, 8], vec![]).await.status,
        200,
        "another address"
    );
    // A session counts on its address.
    let cookie = sign_in_demo(&app, CITIZEN).await;
    problem(
        &raw(
            &app,
            Method::GET,
            "/api/v1/me",
            &[("cookie", &cookie)],
            Body::empty(),
            busy,
        )
        .await,
        429,
        "troppe-richieste",
    );

    // Tokens that are not valid count on their address too: guessing them
    // is throttled like any other request.
    // (Each guess is a different token: the same one again would meet its
    // own per-token limit first, which is checked before any lookup.)
    let guessing = [10, 0, 0, 11];
    let guess = |n: u32| vec![("authorization", format!("Bearer pzt_nonesiste{n:0>39}"))];
    for n in 0..3 {
        let answer = from(guessing, guess(n)).await;
        assert_eq!(answer.status, 401, "guess {n}");
    }
    let limited = from(guessing, guess(3)).await;
    problem(&limited, 429, "troppe-richieste");
    assert!(!header(&limited, "retry-after").is_empty());

    // Per token: on its own count, wherever it comes from.
    let bearer = |secret: &str| vec![("authorization", format!("Bearer {secret}"))];
    assert_eq!(from(busy, bearer(&first_token)).await.status, 200);
    assert_eq!(from([10, 0, 0, 9], bearer(&first_token)).await.status, 200);
    let limited = from([10, 0, 0, 10], bearer(&first_token)).await;
    problem(&limited, 429, "troppe-richieste");
    let wait: u64 = header(&limited, "retry-after")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=30).contains(&wait), "{wait}");
    assert_eq!(
        from(busy, bearer(&second_token)).await.status,
        200,
        "another token"
    );
}

// ---------------------------------------------------------------------------
// 12. CORS
// ---------------------------------------------------------------------------

#[tokio::test]
async fn configured_sites_may_call_with_a_token_but_never_with_the_session() {
    let app = spawn_app_with(&[("PIAZZA_API_CORS_ORIGINS", PARTNER_SITE)]).await;
    let spid = proposal_titled(&app, PINEROLO, "Corsi su SPID").await.id;
    let path = format!("/api/v1/proposals/{spid}/comments");
    let preflight = |origin: &'static str| {
        let app = &app;
        let path = path.clone();
        async move {
            raw(
                app,
                Method::OPTIONS,
                &path,
                &[
                    ("origin", origin),
                    ("access-control-request-method", "POST"),
                    (
                        "access-control-request-headers",
                        "authorization,content-type",
                    ),
                ],
                Body::empty(),
                CLIENT,
            )
            .await
        }
    };

    // The preflight: allowed for the configured site only.
    let allowed = preflight(PARTNER_SITE).await;
    assert_eq!(allowed.status, 200, "{}", allowed.body);
    assert_eq!(
        header(&allowed, "access-control-allow-origin"),
        PARTNER_SITE
    );
    let methods = header(&allowed, "access-control-allow-methods");
    assert!(
        methods.contains("POST") && methods.contains("PUT") && methods.contains("DELETE"),
        "{methods}"
    );
    let headers = header(&allowed, "access-control-allow-headers").to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
    assert_eq!(header(&allowed, "access-control-max-age"), "3600");
    let refused = preflight(EVIL_SITE).await;
    assert!(
        refused.headers.get("access-control-allow-origin").is_none(),
        "{:?}",
        refused.headers
    );

    // Simple reads: the configured site may read the answer and its headers.
    let read = raw(
        &app,
        Method::GET,
        &path,
        &[("origin", PARTNER_SITE)],
        Body::empty(),
        CLIENT,
    )
    .await;
    assert_eq!(read.status, 200);
    assert_eq!(header(&read, "access-control-allow-origin"), PARTNER_SITE);
    let exposed = header(&read, "access-control-expose-headers").to_ascii_lowercase();
    for name in ["etag", "retry-after", "location", "link"] {
        assert!(exposed.contains(name), "{name}: {exposed}");
    }
    let elsewhere = raw(
        &app,
        Method::GET,
        &path,
        &[("origin", EVIL_SITE)],
        Body::empty(),
        CLIENT,
    )
    .await;
    assert_eq!(elsewhere.status, 200);
    assert!(
        elsewhere
            .headers
            .get("access-control-allow-origin")
            .is_none()
    );

    // A token write from the configured site passes the origin check.
    let (_, writer) = token(&app, &person(&app, CITIZEN_2).await, "scrittura").await;
    let before = comments_on(&app, spid).await;
    let comment =
        json!({ "commento": "Scritto dal sito del Comune.", "posizione": "favore" }).to_string();
    let bearer = format!("Bearer {writer}");
    let posted = raw(
        &app,
        Method::POST,
        &path,
        &[
            ("origin", PARTNER_SITE),
            ("authorization", &bearer),
            ("content-type", "application/json"),
        ],
        Body::from(comment.clone()),
        CLIENT,
    )
    .await;
    ok(&posted, 201);
    assert_eq!(header(&posted, "access-control-allow-origin"), PARTNER_SITE);
    assert_eq!(comments_on(&app, spid).await, before + 1);

    // The session never travels from another site, CORS or not.
    let cookie = sign_in_demo(&app, CITIZEN).await;
    for headers in [
        vec![
            ("origin", PARTNER_SITE),
            ("cookie", cookie.as_str()),
            ("content-type", "application/json"),
        ],
        vec![
            ("origin", PARTNER_SITE),
            ("cookie", cookie.as_str()),
            ("authorization", bearer.as_str()),
            ("content-type", "application/json"),
        ],
    ] {
        let forged = raw(
            &app,
            Method::POST,
            &path,
            &headers,
            Body::from(comment.clone()),
            CLIENT,
        )
        .await;
        problem(&forged, 403, "origine-non-ammessa");
    }
    assert_eq!(comments_on(&app, spid).await, before + 1);
}
