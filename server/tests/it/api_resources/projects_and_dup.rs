//! Projects and the DUP read alike for everyone; only facilitators link objectives.

use super::*;

/// Merges two Milano transport proposals into a project; returns its id and
/// the originals.
async fn milano_project(app: &TestApp) -> (Uuid, [Uuid; 2]) {
    let facilitator = person(app, "facilitator-milano@demo.piazza.invalid").await;
    let evening = proposal_titled(app, MILANO, "Autobus a chiamata serale")
        .await
        .id;
    let logistics = proposal_titled(app, MILANO, "Piano della logistica")
        .await
        .id;
    let input = ProjectInput::parse(
        "Mobilità serale e logistica nei comuni",
        "Un progetto che riunisce proposte vicine in un unico cantiere.",
        "Comune\n\n  Associazione di quartiere  ",
        "protocollo_intesa",
    )
    .expect("valid project input");
    let project = projects::merge(&ctx(app, &facilitator), &[evening, logistics], &input)
        .await
        .expect("the facilitator merges");
    (project, [evening, logistics])
}

#[tokio::test]
async fn projects_and_the_dup_read_alike_for_everyone() {
    let app = spawn_app().await;
    let (project, originals) = milano_project(&app).await;
    let facilitator = sign_in_demo(&app, "facilitator-milano@demo.piazza.invalid").await;
    let admin = sign_in_demo(&app, "admin@demo.piazza.invalid").await;

    // Projects of a process, and one project.
    let list = ok(
        &get(&app, &format!("/processes/{MILANO}/projects"), Who::Nobody).await,
        200,
    );
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["id"], project.to_string());
    assert_eq!(list[0]["title"], "Mobilità serale e logistica nei comuni");
    assert_eq!(list[0]["member_count"], 2);
    assert_eq!(list[0]["agreement"], "MemorandumOfUnderstanding");
    let none = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/projects"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(none, json!([]));
    let detail = ok(
        &get(&app, &format!("/projects/{project}"), Who::Nobody).await,
        200,
    );
    assert_eq!(detail["process"]["key"], MILANO);
    assert_eq!(detail["platform"], list[0]["platform"]);
    assert_eq!(
        detail["partners"],
        json!(["Comune", "Associazione di quartiere"])
    );
    assert_eq!(detail["can_manage"], false);
    assert_eq!(detail["dissolved_at"], Value::Null);
    let members: HashSet<Uuid> = detail["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| id_of(&m["id"]))
        .collect();
    assert_eq!(members, HashSet::from(originals));
    assert!(
        detail["distinct_supporters"]
            .as_i64()
            .is_some_and(|n| n > 0)
    );
    let managed = ok(
        &get(
            &app,
            &format!("/projects/{project}"),
            Who::Cookie(&facilitator),
        )
        .await,
        200,
    );
    assert_eq!(managed["can_manage"], true);
    let merged = ok(
        &get(&app, &format!("/proposals/{}", originals[0]), Who::Nobody).await,
        200,
    );
    assert_eq!(merged["state"], "merged");
    assert_eq!(merged["project"]["key"], project.to_string());

    // The DUP editions, one edition's tree, one objective.
    let editions = ok(&get(&app, "/dup/editions", Who::Nobody).await, 200);
    assert_eq!(editions["can_manage"], false);
    let titles: HashSet<&str> = editions["editions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| text(&e["title"]))
        .collect();
    assert_eq!(titles, HashSet::from(["DUP 2016–2018", "DUP 2026–2028"]));
    let as_admin = ok(&get(&app, "/dup/editions", Who::Cookie(&admin)).await, 200);
    assert_eq!(as_admin["can_manage"], true);
    assert_eq!(as_admin["editions"], editions["editions"]);

    let edition = process_row(&app, MILANO).await.dup_edition_id.unwrap();
    let tree = ok(
        &get(&app, &format!("/dup/editions/{edition}"), Who::Nobody).await,
        200,
    );
    assert_eq!(tree["summary"]["id"], edition.to_string());
    assert_eq!(
        tree["summary"]["organization"],
        "Città metropolitana di Milano"
    );
    assert_eq!(
        tree["summary"]["objective_count"],
        count_sql(
            &app,
            "SELECT COUNT(*) FROM dup_objectives WHERE edition_id = ?",
            vec![edition.into()],
        )
        .await
    );
    assert!(
        tree["summary"]["processes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["key"] == MILANO)
    );
    assert!(!tree["missions"].as_array().unwrap().is_empty());

    let transport = objective_id(&app, MILANO, "SeO-10.02.1").await;
    let objective = ok(
        &get(&app, &format!("/dup/objectives/{transport}"), Who::Nobody).await,
        200,
    );
    assert_eq!(objective["objective"]["code"], "SeO-10.02.1");
    assert_eq!(objective["edition"]["key"], edition.to_string());
    assert!(
        objective["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| text(&l["item_title"]).starts_with("Un biglietto unico")),
        "{objective}"
    );

    // What a proposal and a project feed, as anyone sees it.
    let ticket = proposal_titled(&app, MILANO, "Un biglietto unico").await.id;
    let links = ok(
        &get(
            &app,
            &format!("/proposals/{ticket}/objectives"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(links["can_link"], false);
    assert_eq!(
        (&links["suggestions"], &links["choices"]),
        (&json!([]), &json!([]))
    );
    assert_eq!(links["edition"]["key"], edition.to_string());
    assert!(
        links["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["objective"]["code"] == "SeO-10.02.1"
                && l["item"] == json!({ "Proposal": ticket }))
    );
    let project_links = ok(
        &get(
            &app,
            &format!("/projects/{project}/objectives"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(
        (&project_links["links"], &project_links["can_link"]),
        (&json!([]), &json!(false))
    );
    problem(
        &get(
            &app,
            &format!("/projects/{}/objectives", Uuid::now_v7()),
            Who::Nobody,
        )
        .await,
        404,
        "non-trovato",
    );
}

#[tokio::test]
async fn only_the_platforms_facilitators_link_and_unlink_objectives() {
    let app = spawn_app().await;
    let (project, _) = milano_project(&app).await;
    let facilitator = sign_in_demo(&app, "facilitator-milano@demo.piazza.invalid").await;
    let (_, facilitator_token) = token(
        &app,
        &person(&app, "facilitator-milano@demo.piazza.invalid").await,
        "scrittura",
    )
    .await;
    let ambiente = sign_in_demo(&app, "facilitator-milano-ambiente@demo.piazza.invalid").await;
    let citizen = sign_in_demo(&app, CITIZEN).await;
    let (_, citizen_token) = token(&app, &person(&app, CITIZEN).await, "scrittura").await;
    let ticket = proposal_titled(&app, MILANO, "Un biglietto unico").await.id;
    let cycling = objective_id(&app, MILANO, "SeO-10.05.1").await;
    let transport = objective_id(&app, MILANO, "SeO-10.02.1").await;
    let path = format!("/proposals/{ticket}/objectives");
    let body = json!({
        "obiettivo": cycling,
        "motivazione": "Il biglietto unico vale anche per le bici sui treni.",
        "peso": 3,
    });
    let before = links_of_proposal(&app, ticket).await;

    // The facilitator is offered the objectives to choose from.
    let offered = ok(&get(&app, &path, Who::Cookie(&facilitator)).await, 200);
    assert_eq!(offered["can_link"], true);
    assert!(
        offered["choices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == cycling.to_string())
    );

    // Citizens, another platform's facilitator and nobody may not link.
    for (who, status, code) in [
        (Who::Cookie(&citizen), 403, "vietato"),
        (Who::Token(&citizen_token), 403, "vietato"),
        (Who::Cookie(&ambiente), 403, "vietato"),
        (Who::Nobody, 401, "accesso-richiesto"),
    ] {
        let answer = call(&app, Method::POST, &path, who, Some(body.clone())).await;
        problem(&answer, status, code);
    }
    assert_eq!(links_of_proposal(&app, ticket).await, before);

    // The facilitator links: 201, and the link reads back.
    let created = call(
        &app,
        Method::POST,
        &path,
        Who::Cookie(&facilitator),
        Some(body),
    )
    .await;
    let link = id_of(&ok(&created, 201)["id"]);
    assert_eq!(header(&created, "location"), format!("/api/v1{path}"));
    assert_eq!(links_of_proposal(&app, ticket).await, before + 1);
    let seen = ok(&get(&app, &path, Who::Nobody).await, 200);
    let shown = seen["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == link.to_string())
        .expect("the new link is listed")
        .clone();
    assert_eq!(shown["objective"]["code"], "SeO-10.05.1");
    assert_eq!(
        shown["rationale"],
        "Il biglietto unico vale anche per le bici sui treni."
    );
    assert_eq!(shown["weight"], 3);
    assert_eq!(
        shown["linked_by"],
        person(&app, "facilitator-milano@demo.piazza.invalid")
            .await
            .display_name
    );
    assert_eq!(shown["item"], json!({ "Proposal": ticket }));

    // Linking again changes the same link.
    let again = call(
        &app,
        Method::POST,
        &path,
        Who::Token(&facilitator_token),
        Some(json!({ "obiettivo": cycling, "motivazione": "Una motivazione più precisa." })),
    )
    .await;
    assert_eq!(id_of(&ok(&again, 201)["id"]), link);
    assert_eq!(links_of_proposal(&app, ticket).await, before + 1);
    assert_eq!(
        count_sql(
            &app,
            "SELECT COUNT(*) FROM dup_links WHERE id = ? AND rationale = ? AND weight IS NULL",
            vec![link.into(), "Una motivazione più precisa.".into()],
        )
        .await,
        1
    );

    // Fields that do not read are named.
    let elsewhere = {
        let edition = process_row(&app, PINEROLO).await.dup_edition_id.unwrap();
        dup_objective::Entity::find()
            .filter(dup_objective::Column::EditionId.eq(edition))
            .one(&app.db)
            .await
            .unwrap()
            .expect("Pinerolo's DUP has objectives")
            .id
    };
    for (body, field, code) in [
        (
            json!({ "obiettivo": "non-un-id", "motivazione": "Serve." }),
            "obiettivo",
            "malformed",
        ),
        (
            json!({ "obiettivo": " ", "motivazione": "Serve." }),
            "obiettivo",
            "empty",
        ),
        (
            json!({ "obiettivo": cycling, "motivazione": "  " }),
            "motivazione",
            "empty",
        ),
        (
            json!({ "obiettivo": cycling, "motivazione": "Serve.", "peso": 9 }),
            "peso",
            "malformed",
        ),
        (
            json!({ "obiettivo": elsewhere, "motivazione": "Serve." }),
            "obiettivo",
            "not_recognized",
        ),
    ] {
        let doc = problem(
            &call(
                &app,
                Method::POST,
                &path,
                Who::Cookie(&facilitator),
                Some(body),
            )
            .await,
            422,
            "dati-non-validi",
        );
        assert_eq!(doc["errors"][0]["field"], field, "{doc}");
        assert_eq!(doc["errors"][0]["code"], code, "{doc}");
    }
    assert_eq!(links_of_proposal(&app, ticket).await, before + 1);

    // A project's links, the same way.
    let project_path = format!("/projects/{project}/objectives");
    let project_body = json!({
        "obiettivo": transport,
        "motivazione": "Gli autobus serali portano alle stazioni.",
        "peso": 5,
    });
    problem(
        &call(
            &app,
            Method::POST,
            &project_path,
            Who::Cookie(&citizen),
            Some(project_body.clone()),
        )
        .await,
        403,
        "vietato",
    );
    let created = call(
        &app,
        Method::POST,
        &project_path,
        Who::Token(&facilitator_token),
        Some(project_body),
    )
    .await;
    let project_link = id_of(&ok(&created, 201)["id"]);
    assert_eq!(
        header(&created, "location"),
        format!("/api/v1{project_path}")
    );
    let seen = ok(&get(&app, &project_path, Who::Nobody).await, 200);
    assert_eq!(seen["links"].as_array().unwrap().len(), 1);
    assert_eq!(seen["links"][0]["id"], project_link.to_string());
    assert_eq!(seen["links"][0]["item"], json!({ "Project": project }));
    assert_eq!(seen["links"][0]["weight"], 5);

    // Unlinking: the same people only.
    let unlink = format!("/dup/links/{link}");
    for (who, status, code) in [
        (Who::Cookie(&citizen), 403, "vietato"),
        (Who::Token(&citizen_token), 403, "vietato"),
        (Who::Cookie(&ambiente), 403, "vietato"),
        (Who::Nobody, 401, "accesso-richiesto"),
    ] {
        problem(
            &call(&app, Method::DELETE, &unlink, who, None).await,
            status,
            code,
        );
    }
    assert_eq!(links_of_proposal(&app, ticket).await, before + 1);
    let removed = call(
        &app,
        Method::DELETE,
        &unlink,
        Who::Cookie(&facilitator),
        None,
    )
    .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert!(removed.body.is_empty());
    assert_eq!(links_of_proposal(&app, ticket).await, before);
    problem(
        &call(
            &app,
            Method::DELETE,
            &unlink,
            Who::Cookie(&facilitator),
            None,
        )
        .await,
        404,
        "non-trovato",
    );
    let removed = call(
        &app,
        Method::DELETE,
        &format!("/dup/links/{project_link}"),
        Who::Token(&facilitator_token),
        None,
    )
    .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let seen = ok(&get(&app, &project_path, Who::Nobody).await, 200);
    assert_eq!(seen["links"], json!([]));
}
