//! Comments and supports through the API.

use super::*;

#[tokio::test]
async fn comments_are_posted_answered_edited_and_deleted_by_their_authors_only() {
    let app = spawn_app().await;
    let citizen = sign_in_demo(&app, CITIZEN).await;
    let (_, other) = token(&app, &person(&app, CITIZEN_2).await, "scrittura").await;
    let target = proposal_titled(&app, PINEROLO, "Corsi su SPID").await.id;
    let elsewhere = proposal_titled(&app, PINEROLO, "Wi-Fi pubblico gratuito")
        .await
        .id;
    let list = format!("/proposals/{target}/comments");
    let start = ok(&get(&app, &list, Who::Nobody).await, 200);
    let total = start["total"].as_i64().unwrap();
    let stored = comments_on(&app, target).await;
    assert_eq!(start["can_comment"], "SignInNeeded");
    // A cursor that does not read names the parameter the caller sent.
    let bad_cursor = problem(
        &get(&app, &format!("{list}?dopo=non-un-cursore"), Who::Nobody).await,
        422,
        "dati-non-validi",
    );
    assert_eq!(bad_cursor["errors"][0]["field"], "dopo", "{bad_cursor}");

    // Nobody signed in may not comment.
    let comment = json!({ "commento": "Ottima idea, la sostengo.", "posizione": "favore" });
    problem(
        &call(
            &app,
            Method::POST,
            &list,
            Who::Nobody,
            Some(comment.clone()),
        )
        .await,
        401,
        "accesso-richiesto",
    );

    // A comment (cookie), and a reply to it (token).
    let posted = call(
        &app,
        Method::POST,
        &list,
        Who::Cookie(&citizen),
        Some(comment),
    )
    .await;
    let first = id_of(&ok(&posted, 201)["id"]);
    assert_eq!(header(&posted, "location"), format!("/api/v1{list}"));
    let reply = ok(
        &call(
            &app,
            Method::POST,
            &list,
            Who::Token(&other),
            Some(json!({
                "commento": "Concordo, ma servono più orari.",
                "posizione": "neutro",
                "risposta_a": first,
            })),
        )
        .await,
        201,
    );
    let reply = id_of(&reply["id"]);
    assert_eq!(comments_on(&app, target).await, stored + 2);

    // Replies belong to the same proposal and to a live comment.
    let other_thread = ok(
        &call(
            &app,
            Method::POST,
            &format!("/proposals/{elsewhere}/comments"),
            Who::Token(&other),
            Some(json!({ "commento": "Sì, anche in periferia.", "posizione": "favore" })),
        )
        .await,
        201,
    );
    for parent in [id_of(&other_thread["id"]), Uuid::now_v7()] {
        problem(
            &call(
                &app,
                Method::POST,
                &list,
                Who::Cookie(&citizen),
                Some(json!({ "commento": "Risposta fuori posto", "posizione": "neutro", "risposta_a": parent })),
            )
            .await,
            404,
            "non-trovato",
        );
    }
    for (body, field, code) in [
        (
            json!({ "commento": "Forse sì.", "posizione": "forse" }),
            "posizione",
            "malformed",
        ),
        (
            json!({ "commento": "", "posizione": "contro" }),
            "commento",
            "empty",
        ),
    ] {
        let doc = problem(
            &call(&app, Method::POST, &list, Who::Cookie(&citizen), Some(body)).await,
            422,
            "dati-non-validi",
        );
        assert_eq!(doc["errors"][0]["field"], field);
        assert_eq!(doc["errors"][0]["code"], code);
    }
    assert_eq!(comments_on(&app, target).await, stored + 2);

    // The thread, as its author sees it.
    let page = ok(&get(&app, &list, Who::Cookie(&citizen)).await, 200);
    assert_eq!(page["total"].as_i64().unwrap(), total + 2);
    assert_eq!(page["can_comment"], "Open");
    let thread = page["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == first.to_string())
        .expect("the new thread is listed")
        .clone();
    assert_eq!(thread["alignment"], "in_favour");
    assert_eq!(thread["mine"], true);
    assert_eq!(
        thread["author_name"],
        person(&app, CITIZEN).await.display_name
    );
    assert_eq!(thread["depth"], 1);
    assert_eq!(thread["replies"][0]["id"], reply.to_string());
    assert_eq!(thread["replies"][0]["parent_id"], first.to_string());
    assert_eq!(thread["replies"][0]["depth"], 2);
    assert_eq!(thread["replies"][0]["alignment"], "neutral");
    assert_eq!(thread["replies"][0]["mine"], false);
    assert_eq!(
        thread["replies"][0]["author_name"],
        person(&app, CITIZEN_2).await.display_name
    );

    // Only the author edits and deletes.
    let edit = json!({ "commento": "Ottima idea, la sostengo con convinzione." });
    problem(
        &call(
            &app,
            Method::PUT,
            &format!("/comments/{first}"),
            Who::Token(&other),
            Some(edit.clone()),
        )
        .await,
        403,
        "vietato",
    );
    problem(
        &call(
            &app,
            Method::DELETE,
            &format!("/comments/{first}"),
            Who::Token(&other),
            None,
        )
        .await,
        403,
        "vietato",
    );
    let stored_body = count_sql(
        &app,
        "SELECT COUNT(*) FROM comments WHERE id = ? AND body_md = ? AND edited_at IS NULL",
        vec![first.into(), "Ottima idea, la sostengo.".into()],
    )
    .await;
    assert_eq!(stored_body, 1, "unchanged");
    let edited = call(
        &app,
        Method::PUT,
        &format!("/comments/{first}"),
        Who::Cookie(&citizen),
        Some(edit),
    )
    .await;
    assert_eq!(edited.status, 204, "{}", edited.body);
    assert!(edited.body.is_empty());
    let page = ok(&get(&app, &list, Who::Cookie(&citizen)).await, 200);
    let thread = page["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == first.to_string())
        .unwrap();
    assert_eq!(
        thread["body_md"],
        "Ottima idea, la sostengo con convinzione."
    );
    assert!(thread["edited_at"].is_string());

    let deleted = call(
        &app,
        Method::DELETE,
        &format!("/comments/{first}"),
        Who::Cookie(&citizen),
        None,
    )
    .await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    assert_eq!(
        count_sql(
            &app,
            "SELECT COUNT(*) FROM comments WHERE id = ? AND deleted_at IS NOT NULL AND body_md = ''",
            vec![first.into()],
        )
        .await,
        1
    );
    let page = ok(&get(&app, &list, Who::Nobody).await, 200);
    assert_eq!(
        page["total"].as_i64().unwrap(),
        total + 1,
        "tombstones are not counted"
    );
    let tombstone = page["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == first.to_string())
        .expect("the tombstone stays");
    assert_eq!(tombstone["deleted"], true);
    assert_eq!(tombstone["body_html"], "");
    assert_eq!(tombstone["author_name"], Value::Null);
    assert_eq!(
        tombstone["replies"][0]["id"],
        reply.to_string(),
        "replies stay"
    );

    // A deleted comment can no longer be changed or answered.
    for answer in [
        call(
            &app,
            Method::PUT,
            &format!("/comments/{first}"),
            Who::Cookie(&citizen),
            Some(json!({ "commento": "Ci ho ripensato." })),
        )
        .await,
        call(
            &app,
            Method::POST,
            &list,
            Who::Token(&other),
            Some(json!({ "commento": "Risposta tardiva", "posizione": "neutro", "risposta_a": first })),
        )
        .await,
    ] {
        let doc = problem(&answer, 409, "operazione-rifiutata");
        assert_eq!(doc["refusal"], "comment_deleted");
    }

    // Outside the comment phase: refused, with the reason in data and words.
    let voting = proposal_titled(&app, ALESSANDRIA, "Pedibus organizzato")
        .await
        .id;
    let before = comments_on(&app, voting).await;
    let refused = problem(
        &call(
            &app,
            Method::POST,
            &format!("/proposals/{voting}/comments"),
            Who::Cookie(&citizen),
            Some(json!({ "commento": "Un commento tardivo", "posizione": "neutro" })),
        )
        .await,
        409,
        "operazione-rifiutata",
    );
    assert_eq!(
        refused["refusal"],
        json!({ "phase_closed": { "action": "comment", "opens": null } })
    );
    assert!(
        text(&refused["detail"]).starts_with("I commenti non sono aperti"),
        "{refused}"
    );
    assert_eq!(comments_on(&app, voting).await, before);
}

// ---------------------------------------------------------------------------
// 6. Supports
// ---------------------------------------------------------------------------

#[tokio::test]
async fn supports_count_once_per_person_and_respect_the_phase_and_its_limit() {
    let app = spawn_app().await;
    let supporter = fresh_person(&app, "Sostenitrice API").await;
    let (_, secret) = token(&app, &supporter, "scrittura").await;
    let me = Who::Token(&secret);
    let pedibus = proposal_titled(&app, ALESSANDRIA, "Pedibus organizzato")
        .await
        .id;
    let path = format!("/proposals/{pedibus}/support");
    let shown = ok(
        &get(&app, &format!("/proposals/{pedibus}"), Who::Nobody).await,
        200,
    )["support_count"]
        .as_i64()
        .expect("counts are visible");
    let rows = supports_of(&app, pedibus).await;

    // Giving: once, however often it is asked.
    let given = ok(&call(&app, Method::PUT, &path, me, None).await, 200);
    assert_eq!(
        given,
        json!({ "supported": true, "support_count": shown + 1, "changed": true })
    );
    assert_eq!(supports_of(&app, pedibus).await, rows + 1);
    let repeated = ok(&call(&app, Method::PUT, &path, me, None).await, 200);
    assert_eq!(
        repeated,
        json!({ "supported": true, "support_count": shown + 1, "changed": false })
    );
    assert_eq!(
        supports_of(&app, pedibus).await,
        rows + 1,
        "not counted twice"
    );
    assert_eq!(supports_by(&app, supporter.id).await, 1);
    let detail = ok(&get(&app, &format!("/proposals/{pedibus}"), me).await, 200);
    assert_eq!(detail["support_count"], shown + 1);
    assert_eq!(detail["viewer"]["supported"], true);
    assert_eq!(
        proposal_row(&app, pedibus).await.support_count as i64,
        shown + 1
    );

    // Withdrawing: once too.
    let withdrawn = ok(&call(&app, Method::DELETE, &path, me, None).await, 200);
    assert_eq!(
        withdrawn,
        json!({ "supported": false, "support_count": shown, "changed": true })
    );
    let again = ok(&call(&app, Method::DELETE, &path, me, None).await, 200);
    assert_eq!(
        again,
        json!({ "supported": false, "support_count": shown, "changed": false })
    );
    assert_eq!(supports_of(&app, pedibus).await, rows);
    assert_eq!(supports_by(&app, supporter.id).await, 0);

    // With a session cookie too.
    let citizen = sign_in_demo(&app, CITIZEN).await;
    let citizen_id = person(&app, CITIZEN).await.id;
    let trail = proposal_titled(&app, ALESSANDRIA, "Pista ciclabile continua")
        .await
        .id;
    let outcome = ok(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{trail}/support"),
            Who::Cookie(&citizen),
            None,
        )
        .await,
        200,
    );
    assert_eq!(outcome["supported"], true);
    assert_eq!(
        count_sql(
            &app,
            "SELECT COUNT(*) FROM supports WHERE proposal_id = ? AND user_id = ?",
            vec![trail.into(), citizen_id.into()],
        )
        .await,
        1
    );
    assert_eq!(
        outcome["support_count"].as_i64().unwrap(),
        i64::from(proposal_row(&app, trail).await.support_count)
    );

    // Nobody signed in, or no such proposal.
    problem(
        &call(&app, Method::PUT, &path, Who::Nobody, None).await,
        401,
        "accesso-richiesto",
    );
    problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{}/support", Uuid::now_v7()),
            me,
            None,
        )
        .await,
        404,
        "non-trovato",
    );
    assert_eq!(supports_of(&app, pedibus).await, rows);

    // Five per platform in this phase: the sixth is refused.
    let process = process_row(&app, ALESSANDRIA).await;
    let published: Vec<Uuid> = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::State.eq("published"))
        .order_by_asc(proposal::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mobility = mobility_only(&app, published).await;
    assert!(mobility.len() >= 6, "{}", mobility.len());
    for id in &mobility[..5] {
        let outcome = ok(
            &call(
                &app,
                Method::PUT,
                &format!("/proposals/{id}/support"),
                me,
                None,
            )
            .await,
            200,
        );
        assert_eq!(outcome["changed"], true);
    }
    let sixth = mobility[5];
    let count = proposal_row(&app, sixth).await.support_count;
    let limit = problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{sixth}/support"),
            me,
            None,
        )
        .await,
        409,
        "operazione-rifiutata",
    );
    assert_eq!(
        limit["refusal"],
        json!({ "support_limit_reached": { "limit": 5 } })
    );
    assert!(text(&limit["detail"]).contains('5'), "{limit}");
    assert_eq!(supports_by(&app, supporter.id).await, 5);
    assert_eq!(proposal_row(&app, sixth).await.support_count, count);

    // A withdrawn proposal takes no supports.
    let withdrawn = proposal_titled(&app, ALESSANDRIA, "Pensiline fotovoltaiche")
        .await
        .id;
    let closed = problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{withdrawn}/support"),
            Who::Cookie(&citizen),
            None,
        )
        .await,
        409,
        "operazione-rifiutata",
    );
    assert_eq!(
        closed["refusal"],
        json!({ "proposal_closed": { "state": "withdrawn" } })
    );

    // Not yet in Pinerolo: the refusal says when, in Italian or English.
    let early = proposal_titled(&app, PINEROLO, "Corsi su SPID").await.id;
    let before = supports_of(&app, early).await;
    let refused = problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{early}/support"),
            me,
            None,
        )
        .await,
        409,
        "operazione-rifiutata",
    );
    assert_eq!(refused["title"], "Operazione rifiutata");
    assert_eq!(refused["refusal"]["phase_closed"]["action"], "support");
    assert_eq!(
        refused["refusal"]["phase_closed"]["opens"]["phase_title"],
        "Sostegno alle proposte"
    );
    let detail = text(&refused["detail"]);
    assert!(
        detail.starts_with("I sostegni non sono aperti")
            && detail.contains("«Sostegno alle proposte»"),
        "{detail}"
    );
    let english = raw(
        &app,
        Method::PUT,
        &format!("/api/v1/proposals/{early}/support"),
        &[
            ("authorization", &format!("Bearer {secret}")),
            ("accept-language", "en-GB,en;q=0.9"),
        ],
        Body::empty(),
        CLIENT,
    )
    .await;
    let english = problem(&english, 409, "operazione-rifiutata");
    assert_eq!(english["title"], "Operation refused");
    assert!(
        text(&english["detail"]).starts_with("Supports are not open"),
        "{english}"
    );
    assert_eq!(english["refusal"], refused["refusal"]);
    assert_eq!(supports_of(&app, early).await, before);
}
