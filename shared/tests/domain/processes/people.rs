//! Platform facilitators; who edits a process; editing over HTTP.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn platform_facilitators_are_assigned_by_email_and_removed() {
    let demo = demo_db().await;
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&demo, &facilitator);
    let helper = fresh_person(&demo, "Nuova facilitatrice").await;
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
    let helper = reload(&demo, &helper).await;
    let as_helper = ctx(&demo, &helper);
    let mine = published_in(&demo, PINEROLO, "servizi-online").await;
    let theirs = published_in(&demo, PINEROLO, "territorio-connesso").await;
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
            .one(&demo.db)
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
    let stranger = process_facilitator(&demo, ALESSANDRIA, "Facilitatrice Alessandria").await;
    forbidden(
        editing::remove_facilitator(&ctx(&demo, &stranger), PINEROLO, assignment_id).await,
        "remove from another process",
    );
    // Nor can it be removed through another process.
    assert!(matches!(
        editing::remove_facilitator(&ctx(&demo, &admin(&demo).await), ALESSANDRIA, assignment_id)
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
    let helper = reload(&demo, &helper).await;
    assert!(helper.grants.is_empty());
    forbidden(
        authoring::answer(&ctx(&demo, &helper), mine[1], "accepted", "Non più.").await,
        "answer after removal",
    );
    // Removing twice: not found.
    assert!(matches!(
        editing::remove_facilitator(&as_facilitator, PINEROLO, assignment_id).await,
        Err(ServiceError::NotFound(_))
    ));
}

#[tokio::test]
async fn only_process_facilitators_and_admins_edit_a_process() {
    let demo = demo_db().await;
    let pinerolo = process_row(&demo, PINEROLO).await;
    let citizen = fresh_person(&demo, "Cittadina").await;
    let staff = with_role(&demo, "Dipendente", Role::Staff, None, None).await;
    let verified = with_role(&demo, "Residente", Role::Verified, None, None).await;
    let council = with_role(&demo, "Consigliera", Role::Council, None, None).await;
    let stranger = process_facilitator(&demo, ALESSANDRIA, "Facilitatore Alessandria").await;
    let platform = platform_row(&demo, PINEROLO, "servizi-online").await;
    let platform_only = with_role(
        &demo,
        "Facilitatrice piattaforma",
        Role::Facilitator,
        Some(pinerolo.id),
        Some(platform.id),
    )
    .await;
    let target = fresh_person(&demo, "Candidata").await;
    let editor = editing::editor(&ctx(&demo, &admin(&demo).await), PINEROLO)
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
        ("citizen".into(), ctx(&demo, &citizen), false),
        ("staff".into(), ctx(&demo, &staff), false),
        ("verified".into(), ctx(&demo, &verified), false),
        ("council".into(), ctx(&demo, &council), false),
        ("other process".into(), ctx(&demo, &stranger), false),
        (
            "platform facilitator".into(),
            ctx(&demo, &platform_only),
            false,
        ),
    ];
    actors.push(("anonymous".into(), anonymous(&demo), true));
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
    let after = editing::editor(&ctx(&demo, &admin(&demo).await), PINEROLO)
        .await
        .unwrap();
    assert_eq!(after, editor);
    assert_eq!(process_row(&demo, PINEROLO).await, pinerolo);
    assert_eq!(
        role_assignment::Entity::find()
            .filter(role_assignment::Column::UserId.eq(target.id))
            .count(&demo.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        process::Entity::find()
            .filter(process::Column::Slug.eq("abuso"))
            .count(&demo.db)
            .await
            .unwrap(),
        0
    );
}
