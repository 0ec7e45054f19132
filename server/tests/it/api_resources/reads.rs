//! Processes, their parts and the proposal list read through the API.

use super::*;

#[tokio::test]
async fn processes_and_their_parts_read_alike_through_every_sub_resource() {
    let app = spawn_app().await;
    let citizen = sign_in_demo(&app, CITIZEN).await;
    let facilitator = sign_in_demo(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    let staff = sign_in_demo(&app, "staff-milano@demo.piazza.invalid").await;
    let (_, reader) = token(&app, &person(&app, CITIZEN_2).await, "lettura").await;

    // The list: every demo process, open ones first.
    let list = ok(&get(&app, "/processes", Who::Nobody).await, 200);
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| text(&p["slug"]))
        .collect();
    assert_eq!(
        slugs.iter().copied().collect::<HashSet<_>>(),
        HashSet::from([
            MILANO,
            ALESSANDRIA,
            PINEROLO,
            RIVOLI,
            "piano-strategico-chieri-2030",
            "piano-strategico-ivrea-2030",
        ])
    );
    let pinerolo_summary = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == PINEROLO)
        .unwrap();
    assert_eq!(
        pinerolo_summary["proposal_count"],
        proposals_in(&app, PINEROLO).await
    );
    assert_eq!(pinerolo_summary["timeline"], json!({ "running": 1 }));

    // The detail, and each part of it at its own address.
    let detail = ok(
        &get(&app, &format!("/processes/{PINEROLO}"), Who::Nobody).await,
        200,
    );
    assert_eq!(detail["summary"]["slug"], PINEROLO);
    assert_eq!(detail["summary"]["organization"], "Comune di Pinerolo");
    assert_eq!(detail["can_manage"], false);
    assert_eq!(detail["stats"]["proposals"], 19);
    let phases = ok(
        &get(&app, &format!("/processes/{PINEROLO}/phases"), Who::Nobody).await,
        200,
    );
    assert_eq!(phases, detail["summary"]["phases"]);
    let kinds: Vec<&str> = phases
        .as_array()
        .unwrap()
        .iter()
        .map(|p| text(&p["kind"]))
        .collect();
    assert_eq!(
        kinds,
        [
            "information",
            "proposals",
            "deliberation",
            "voting",
            "synthesis",
            "approval",
            "monitoring"
        ]
    );
    assert_eq!(phases[1]["status"], "current");
    assert_eq!(phases[0]["status"], "past");
    assert_eq!(phases[3]["title"], "Sostegno alle proposte");

    let platforms = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/platforms"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(platforms, detail["platforms"]);
    let platform_slugs: HashSet<&str> = platforms
        .as_array()
        .unwrap()
        .iter()
        .map(|p| text(&p["slug"]))
        .collect();
    assert_eq!(
        platform_slugs,
        HashSet::from([
            "servizi-online",
            "inclusione-digitale",
            "territorio-connesso",
            "organizzazione-lavoro-agile"
        ])
    );
    let zones = ok(
        &get(&app, &format!("/processes/{PINEROLO}/zones"), Who::Nobody).await,
        200,
    );
    assert_eq!(zones, detail["zones"]);
    let zone_slugs: HashSet<&str> = zones
        .as_array()
        .unwrap()
        .iter()
        .map(|z| text(&z["slug"]))
        .collect();
    assert_eq!(
        zone_slugs,
        HashSet::from(["centro", "frazioni-pianura", "collina"])
    );
    let directions = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/directions"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(directions, detail["directions"]);
    assert!(!directions.as_array().unwrap().is_empty());

    // One platform, with its top proposals.
    let platform = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/platforms/servizi-online"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(platform["process"]["key"], PINEROLO);
    assert_eq!(platform["platform"]["slug"], "servizi-online");
    assert_eq!(platform["top_proposals"]["total"], 5);
    assert!(
        platform["top_proposals"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["platform"]["key"] == "servizi-online")
    );
    problem(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/platforms/nessuna"),
            Who::Nobody,
        )
        .await,
        404,
        "non-trovato",
    );

    // Figures: the same totals as the detail, per platform and zone.
    let stats = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/statistics"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(stats["totals"], detail["stats"]);
    assert_eq!(stats["results"]["process"]["key"], PINEROLO);
    assert_eq!(stats["results"]["visible"], true);
    let by_platform: HashSet<&str> = stats["results"]["by_platform"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| text(&r["key"]))
        .collect();
    assert_eq!(by_platform, platform_slugs);

    // Coverage of the DUP, with its filters echoed.
    let edition = process_row(&app, PINEROLO).await.dup_edition_id.unwrap();
    let coverage = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/coverage?zona=centro&piattaforma=servizi-online"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(coverage["process"]["key"], PINEROLO);
    assert_eq!(coverage["edition"]["key"], edition.to_string());
    assert_eq!(coverage["zone"], "centro");
    assert_eq!(coverage["platform"], "servizi-online");
    let rivoli = ok(
        &get(&app, &format!("/processes/{RIVOLI}/coverage"), Who::Nobody).await,
        200,
    );
    assert_eq!(rivoli["edition"], Value::Null, "Rivoli informs no DUP");
    for (query, field) in [
        ("zona=luna", "zona"),
        ("piattaforma=nessuna", "piattaforma"),
    ] {
        let doc = problem(
            &get(
                &app,
                &format!("/processes/{PINEROLO}/coverage?{query}"),
                Who::Nobody,
            )
            .await,
            422,
            "dati-non-validi",
        );
        assert_eq!(doc["errors"][0]["field"], field);
        assert_eq!(doc["errors"][0]["code"], "not_recognized");
    }

    // Monitoring: open in Milano (staff may record), not yet in Pinerolo.
    let milano = ok(
        &get(
            &app,
            &format!("/processes/{MILANO}/monitoring"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(milano["process"]["key"], MILANO);
    assert_eq!(
        (&milano["open"], &milano["can_record"]),
        (&json!(true), &json!(false))
    );
    let as_staff = ok(
        &get(
            &app,
            &format!("/processes/{MILANO}/monitoring"),
            Who::Cookie(&staff),
        )
        .await,
        200,
    );
    assert_eq!(as_staff["can_record"], true);
    let pinerolo = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/monitoring"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(pinerolo["open"], false);

    // The caller changes what they may do, not what there is.
    let as_facilitator = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}"),
            Who::Cookie(&facilitator),
        )
        .await,
        200,
    );
    assert_eq!(as_facilitator["can_manage"], true);
    assert_eq!(as_facilitator["platforms"], detail["platforms"]);
    let as_citizen = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}"),
            Who::Cookie(&citizen),
        )
        .await,
        200,
    );
    assert_eq!(as_citizen["can_manage"], false);
    assert_eq!(as_citizen["can_propose"], "Open");
    assert_eq!(detail["can_propose"], "SignInNeeded");
    let as_reader = ok(
        &get(&app, &format!("/processes/{PINEROLO}"), Who::Token(&reader)).await,
        200,
    );
    assert_eq!(as_reader["can_manage"], false);
    assert_eq!(as_reader["stats"], detail["stats"]);

    // An unknown process, at every address that names one.
    for path in [
        "/processes/nessun-processo",
        "/processes/nessun-processo/phases",
        "/processes/nessun-processo/platforms",
        "/processes/nessun-processo/statistics",
        "/processes/nessun-processo/proposals",
        "/processes/nessun-processo/coverage",
        "/processes/nessun-processo/monitoring",
        "/processes/nessun-processo/projects",
    ] {
        let answer = get(&app, path, Who::Nobody).await;
        problem(&answer, 404, "non-trovato");
    }
}

// ---------------------------------------------------------------------------
// 2. Proposal lists
// ---------------------------------------------------------------------------

#[tokio::test]
async fn proposal_lists_filter_search_and_page_by_cursor_and_link() {
    let app = spawn_app().await;
    let base = format!("/processes/{ALESSANDRIA}/proposals");

    // Newest first, page by page: every proposal exactly once.
    let expected = listed_count(&app, ALESSANDRIA, "AND p.state <> 'withdrawn'").await;
    assert_eq!(expected, 52);
    let first = get(&app, &format!("{base}?ordine=recenti"), Who::Nobody).await;
    let page = ok(&first, 200);
    assert_eq!(page["total"], expected);
    assert_eq!(page["items"].as_array().unwrap().len(), 20);
    let cursor = text(&page["next"]).to_owned();
    assert_eq!(
        next_target(&first).as_deref(),
        Some(format!("/api/v1{base}?ordine=recenti&dopo={cursor}").as_str())
    );
    let mut seen = ids_in(&page);
    let mut dates: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| text(&i["published_at"]).to_owned())
        .collect();
    let mut answer = first;
    let mut pages = 1;
    while let Some(target) = next_target(&answer) {
        let cursor = {
            let page = ok(&answer, 200);
            text(&page["next"]).to_owned()
        };
        // The cursor by hand and the Link header lead to the same page.
        let by_hand = get(
            &app,
            &format!("{base}?ordine=recenti&dopo={cursor}"),
            Who::Nobody,
        )
        .await;
        answer = raw(&app, Method::GET, &target, &[], Body::empty(), CLIENT).await;
        let page = ok(&answer, 200);
        assert_eq!(page, ok(&by_hand, 200));
        seen.extend(ids_in(&page));
        dates.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| text(&i["published_at"]).to_owned()),
        );
        pages += 1;
    }
    let last = ok(&answer, 200);
    assert_eq!(last["next"], Value::Null);
    assert_eq!(pages, 3);
    assert_eq!(seen.len() as i64, expected);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        seen.len(),
        "no repeats"
    );
    let parsed: Vec<chrono::DateTime<chrono::Utc>> =
        dates.iter().map(|d| d.parse().unwrap()).collect();
    assert!(parsed.windows(2).all(|w| w[0] >= w[1]), "newest first");

    // The default order: most supported first.
    let by_support = ok(&get(&app, &base, Who::Nobody).await, 200);
    let counts: Vec<i64> = by_support["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["support_count"].as_i64().expect("counts are visible"))
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert_eq!(by_support["counts_hidden"], false);

    // Filters, each checked against the database.
    let mobility = ok(
        &get(&app, &format!("{base}?piattaforma=mobilita"), Who::Nobody).await,
        200,
    );
    assert_eq!(
        mobility["total"],
        listed_count(
            &app,
            ALESSANDRIA,
            "AND p.state <> 'withdrawn' AND pl.slug = 'mobilita'"
        )
        .await
    );
    assert_eq!(mobility["total"], 7);
    assert!(
        mobility["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["platform"]["key"] == "mobilita")
    );
    let centre = ok(
        &get(&app, &format!("{base}?zona=centro"), Who::Nobody).await,
        200,
    );
    assert_eq!(
        centre["total"],
        listed_count(
            &app,
            ALESSANDRIA,
            "AND p.state <> 'withdrawn' AND z.slug = 'centro'"
        )
        .await
    );
    assert!(
        centre["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["zone"]["key"] == "centro")
    );
    let both = ok(
        &get(
            &app,
            &format!("{base}?piattaforma=mobilita&zona=cristo"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(both["total"], 2);
    let withdrawn = ok(
        &get(&app, &format!("{base}?stato=ritirata"), Who::Nobody).await,
        200,
    );
    assert_eq!(withdrawn["total"], 1);
    assert_eq!(withdrawn["items"][0]["state"], "withdrawn");
    assert!(
        text(&withdrawn["items"][0]["title"]).starts_with("Pensiline fotovoltaiche"),
        "{withdrawn}"
    );
    let evaluated = ok(
        &get(&app, &format!("{base}?stato=in_valutazione"), Who::Nobody).await,
        200,
    );
    assert_eq!(
        evaluated["total"],
        listed_count(&app, ALESSANDRIA, "AND p.state = 'under_evaluation'").await
    );
    assert!(
        evaluated["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["state"] == "under_evaluation")
    );
    let search = ok(
        &get(&app, &format!("{base}?cerca=pedibus"), Who::Nobody).await,
        200,
    );
    assert_eq!(search["total"], 1, "{search}");
    assert!(text(&search["items"][0]["title"]).starts_with("Pedibus organizzato"));
    let nothing = ok(
        &get(&app, &format!("{base}?cerca=astronave"), Who::Nobody).await,
        200,
    );
    assert_eq!(
        (&nothing["total"], &nothing["next"]),
        (&json!(0), &Value::Null)
    );
    assert!(
        header(
            &get(&app, &format!("{base}?cerca=astronave"), Who::Nobody).await,
            "link"
        )
        .is_empty()
    );

    // A shuffled order keeps its seed in the next page's link.
    let shuffled = get(&app, &format!("{base}?ordine=casuale&seme=42"), Who::Nobody).await;
    let page = ok(&shuffled, 200);
    assert_eq!(page["seed"], 42);
    let target = next_target(&shuffled).expect("a second page");
    assert!(target.contains("ordine=casuale&seme=42&dopo=r"), "{target}");
    let again = ok(
        &get(&app, &format!("{base}?ordine=casuale&seme=42"), Who::Nobody).await,
        200,
    );
    assert_eq!(
        ids_in(&again),
        ids_in(&page),
        "the same seed, the same order"
    );

    // Values that do not read name their parameter.
    for (query, field) in [
        ("stato=approvata", "stato"),
        ("ordine=alfabetico", "ordine"),
        ("dopo=non-un-cursore", "dopo"),
        (
            "ordine=recenti&dopo=s10_0190a0b8c7d47e0fa8b2f0d4a6c3e9b1",
            "dopo",
        ),
        ("piattaforma=nessuna", "piattaforma"),
        ("zona=luna", "zona"),
        ("piattaforma=a%20b", "piattaforma"),
    ] {
        let doc = problem(
            &get(&app, &format!("{base}?{query}"), Who::Nobody).await,
            422,
            "dati-non-validi",
        );
        assert_eq!(doc["errors"][0]["field"], field, "{query}: {doc}");
        // A well-formed key of nothing that exists is not recognized; the
        // rest does not parse.
        let code = if matches!(query, "piattaforma=nessuna" | "zona=luna") {
            "not_recognized"
        } else {
            "malformed"
        };
        assert_eq!(doc["errors"][0]["code"], code, "{query}");
        assert!(
            text(&doc["errors"][0]["message"]).len() > 5,
            "{query}: {doc}"
        );
    }

    // While the vote hides the counts, the default list comes newest first,
    // and its next pages must follow the same order.
    let alessandria = process_row(&app, ALESSANDRIA).await;
    phase::Entity::update_many()
        .col_expr(phase::Column::SupportCountsVisible, Expr::value(false))
        .filter(phase::Column::ProcessId.eq(alessandria.id))
        .filter(phase::Column::Kind.eq("voting"))
        .exec(&app.db)
        .await
        .unwrap();
    let mut answer = get(&app, &base, Who::Nobody).await;
    let first = ok(&answer, 200);
    assert_eq!(first["counts_hidden"], true);
    assert!(
        first["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["support_count"].is_null())
    );
    let mut seen = ids_in(&first);
    while let Some(target) = next_target(&answer) {
        assert!(target.contains("ordine=recenti"), "{target}");
        answer = raw(&app, Method::GET, &target, &[], Body::empty(), CLIENT).await;
        seen.extend(ids_in(&ok(&answer, 200)));
    }
    assert_eq!(seen.len() as i64, expected);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        seen.len(),
        "no page repeats another"
    );
}
