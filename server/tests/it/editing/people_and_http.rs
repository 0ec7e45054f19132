//! Platform facilitators; who edits a process; editing over HTTP.

use super::*;

#[tokio::test]
async fn platform_facilitators_are_assigned_by_email_and_removed() {
    let app = spawn_app().await;
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&app, &facilitator);
    let helper = fresh_person(&app, "Nuova facilitatrice").await;
    let email = email_of(helper.id);

    // Unknown, malformed and doubled addresses.
    assert_eq!(
        field_of(
            editing::assign_facilitator(
                &as_facilitator,
                PINEROLO,
                "servizi-online",
                "nessuno@example.it",
            )
            .await
        ),
        ("email".into(), FieldProblem::NotRecognized)
    );
    assert_eq!(
        field_of(
            editing::assign_facilitator(&as_facilitator, PINEROLO, "non-esiste", &email).await
        )
        .0,
        "piattaforma"
    );
    editing::assign_facilitator(&as_facilitator, PINEROLO, "servizi-online", &email)
        .await
        .unwrap();
    assert_eq!(
        field_of(
            editing::assign_facilitator(
                &as_facilitator,
                PINEROLO,
                "servizi-online",
                &email.replace("example.it", "Example.IT"),
            )
            .await
        ),
        ("email".into(), FieldProblem::AlreadyPresent)
    );
    let editor = editing::editor(&as_facilitator, PINEROLO).await.unwrap();
    let assigned: Vec<_> = editor
        .facilitators
        .iter()
        .filter(|f| f.email.as_deref() == Some(email.as_str()))
        .collect();
    assert_eq!(assigned.len(), 1);
    assert_eq!(assigned[0].platform.key, "servizi-online");
    let assignment_id = assigned[0].assignment_id;

    // The new facilitator answers proposals of that platform only.
    let helper = reload(&app, &helper).await;
    let as_helper = ctx(&app, &helper);
    let mine = published_in(&app, PINEROLO, "servizi-online").await;
    let theirs = published_in(&app, PINEROLO, "territorio-connesso").await;
    authoring::answer(
        &as_helper,
        mine[0],
        "accepted",
        "Accolta: entra nell'agenda.",
    )
    .await
    .unwrap();
    assert_eq!(
        proposal::Entity::find_by_id(mine[0])
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .state,
        ProposalState::Accepted.as_str()
    );
    forbidden(
        authoring::answer(
            &as_helper,
            theirs[0],
            "accepted",
            "Non è la mia piattaforma.",
        )
        .await,
        "answer on another platform",
    );
    // Nor may a platform facilitator edit the process.
    forbidden(editing::editor(&as_helper, PINEROLO).await, "editor");

    // A facilitator of another process cannot remove it.
    let stranger = process_facilitator(&app, ALESSANDRIA, "Facilitatrice Alessandria").await;
    forbidden(
        editing::remove_facilitator(&ctx(&app, &stranger), PINEROLO, assignment_id).await,
        "remove from another process",
    );
    // Nor can it be removed through another process.
    assert!(matches!(
        editing::remove_facilitator(&ctx(&app, &admin(&app).await), ALESSANDRIA, assignment_id)
            .await,
        Err(ServiceError::NotFound(_))
    ));

    // Removed: no longer answers.
    editing::remove_facilitator(&as_facilitator, PINEROLO, assignment_id)
        .await
        .unwrap();
    let editor = editing::editor(&as_facilitator, PINEROLO).await.unwrap();
    assert!(
        editor
            .facilitators
            .iter()
            .all(|f| f.assignment_id != assignment_id)
    );
    let helper = reload(&app, &helper).await;
    assert!(helper.grants.is_empty());
    forbidden(
        authoring::answer(&ctx(&app, &helper), mine[1], "accepted", "Non più.").await,
        "answer after removal",
    );
    // Removing twice: not found.
    assert!(matches!(
        editing::remove_facilitator(&as_facilitator, PINEROLO, assignment_id).await,
        Err(ServiceError::NotFound(_))
    ));
}

// ---------------------------------------------------------------------------
// 5. Who may edit
// ---------------------------------------------------------------------------

#[tokio::test]
async fn only_process_facilitators_and_admins_edit_a_process() {
    let app = spawn_app().await;
    let pinerolo = process_row(&app, PINEROLO).await;
    let citizen = fresh_person(&app, "Cittadina").await;
    let staff = with_role(&app, "Dipendente", Role::Staff, None, None).await;
    let verified = with_role(&app, "Residente", Role::Verified, None, None).await;
    let council = with_role(&app, "Consigliera", Role::Council, None, None).await;
    let stranger = process_facilitator(&app, ALESSANDRIA, "Facilitatore Alessandria").await;
    let platform = platform_row(&app, PINEROLO, "servizi-online").await;
    let platform_only = with_role(
        &app,
        "Facilitatrice piattaforma",
        Role::Facilitator,
        Some(pinerolo.id),
        Some(platform.id),
    )
    .await;
    let target = fresh_person(&app, "Candidata").await;
    let editor = editing::editor(&ctx(&app, &admin(&app).await), PINEROLO)
        .await
        .unwrap();
    let upcoming = editor.phases[2].clone();
    let last = editor.phases.last().unwrap().clone();
    let new_phase = phase_input(
        "monitoring",
        "Fase abusiva",
        last.ends_on + Duration::days(1),
        last.ends_on + Duration::days(10),
    );

    let denied_as = |expect_unauthenticated: bool, what: String| {
        move |result: Result<(), ServiceError>| match (result, expect_unauthenticated) {
            (Err(ServiceError::Forbidden), false) | (Err(ServiceError::Unauthenticated), true) => {}
            (other, _) => panic!("{what}: got {other:?}"),
        }
    };

    let mut actors: Vec<(String, Ctx, bool)> = vec![
        ("citizen".into(), ctx(&app, &citizen), false),
        ("staff".into(), ctx(&app, &staff), false),
        ("verified".into(), ctx(&app, &verified), false),
        ("council".into(), ctx(&app, &council), false),
        ("other process".into(), ctx(&app, &stranger), false),
        (
            "platform facilitator".into(),
            ctx(&app, &platform_only),
            false,
        ),
    ];
    actors.push(("anonymous".into(), anonymous(&app), true));
    for (who, as_who, anon) in &actors {
        let check = |op: &str| denied_as(*anon, format!("{who} {op}"));
        check("update_process")(
            editing::update_process(
                as_who,
                PINEROLO,
                &process_input(PINEROLO, "Titolo abusivo", "Abuso."),
            )
            .await,
        );
        check("create_process")(
            editing::create_process(as_who, &process_input("abuso", "Titolo abusivo", ""))
                .await
                .map(|_| ()),
        );
        check("save_phase (new)")(editing::save_phase(as_who, PINEROLO, None, &new_phase).await);
        check("save_phase (edit)")(
            editing::save_phase(
                as_who,
                PINEROLO,
                Some(upcoming.id),
                &phase_input("voting", "Abuso", upcoming.starts_on, upcoming.ends_on),
            )
            .await,
        );
        check("delete_phase")(editing::delete_phase(as_who, PINEROLO, upcoming.id).await);
        check("save_topic")(
            editing::save_topic(
                as_who,
                PINEROLO,
                TopicKind::Zone,
                None,
                &topic(false, "zona-abusiva", "Zona abusiva", ""),
            )
            .await,
        );
        check("assign_facilitator")(
            editing::assign_facilitator(as_who, PINEROLO, "servizi-online", &email_of(target.id))
                .await,
        );
        check("editor")(editing::editor(as_who, PINEROLO).await.map(|_| ()));
    }

    // Nothing changed.
    let after = editing::editor(&ctx(&app, &admin(&app).await), PINEROLO)
        .await
        .unwrap();
    assert_eq!(after, editor);
    assert_eq!(process_row(&app, PINEROLO).await, pinerolo);
    assert_eq!(
        role_assignment::Entity::find()
            .filter(role_assignment::Column::UserId.eq(target.id))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        process::Entity::find()
            .filter(process::Column::Slug.eq("abuso"))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

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
