//! Creating and describing processes; phases; directions, platforms and zones.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn admins_create_processes_and_facilitators_only_describe_theirs() {
    let demo = demo_db().await;
    let as_admin = ctx(&demo, &admin(&demo).await);

    let created = editing::create_process(
        &as_admin,
        &process_input("bilancio-partecipativo-test", "Bilancio partecipativo", ""),
    )
    .await
    .unwrap();
    assert_eq!(created, "bilancio-partecipativo-test");
    let row = process_row(&demo, "bilancio-partecipativo-test").await;
    assert_eq!(row.title, "Bilancio partecipativo");
    assert!(!row.is_demo);

    // The same slug again, or a demo one: already present.
    for slug in ["bilancio-partecipativo-test", PINEROLO] {
        assert_eq!(
            field_of(
                editing::create_process(&as_admin, &process_input(slug, "Un altro titolo", ""))
                    .await
            ),
            ("slug".into(), FieldProblem::AlreadyPresent),
            "{slug}"
        );
    }
    // A slug with spaces and capitals is malformed.
    let problems = ProcessInput::parse(
        "Con Spazi",
        "Titolo valido",
        "Comune di Prova",
        "comunale",
        "Una sintesi abbastanza lunga del percorso.",
        "",
    )
    .unwrap_err();
    assert!(
        problems.contains(&("slug", FieldProblem::Malformed)),
        "{problems:?}"
    );

    // A facilitator of a process may not create one…
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&demo, &facilitator);
    forbidden(
        editing::create_process(
            &as_facilitator,
            &process_input("percorso-abusivo", "Percorso abusivo", ""),
        )
        .await,
        "facilitator creates",
    );
    assert_eq!(
        process::Entity::find()
            .filter(process::Column::Slug.eq("percorso-abusivo"))
            .count(&demo.db)
            .await
            .unwrap(),
        0
    );

    // …but describes theirs; the slug never changes, even if asked.
    let before = process_row(&demo, PINEROLO).await;
    editing::update_process(
        &as_facilitator,
        PINEROLO,
        &process_input(
            "slug-nuovo-pinerolo",
            "Agenda digitale di Pinerolo, rivista",
            "Una **nuova** descrizione del percorso.",
        ),
    )
    .await
    .unwrap();
    let after = process_row(&demo, PINEROLO).await;
    assert_eq!(after.id, before.id);
    assert_eq!(after.slug, PINEROLO);
    assert_eq!(after.title, "Agenda digitale di Pinerolo, rivista");
    assert_eq!(
        after.description_md,
        "Una **nuova** descrizione del percorso."
    );
    assert_eq!(
        process::Entity::find()
            .filter(process::Column::Slug.eq("slug-nuovo-pinerolo"))
            .count(&demo.db)
            .await
            .unwrap(),
        0
    );
    let editor = editing::editor(&as_facilitator, PINEROLO).await.unwrap();
    assert_eq!(editor.process.slug, PINEROLO);
    assert_eq!(editor.process.title, "Agenda digitale di Pinerolo, rivista");
    // The admin may edit too.
    editing::update_process(
        &as_admin,
        PINEROLO,
        &process_input(PINEROLO, "Agenda digitale di Pinerolo", "Di nuovo."),
    )
    .await
    .unwrap();
    assert_eq!(
        process_row(&demo, PINEROLO).await.description_md,
        "Di nuovo."
    );
}

#[tokio::test]
async fn phases_are_added_at_the_end_without_overlaps_and_started_ones_keep_their_kind() {
    let demo = demo_db().await;
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatrice Pinerolo").await;
    let as_facilitator = ctx(&demo, &facilitator);

    let editor = editing::editor(&as_facilitator, PINEROLO).await.unwrap();
    assert_eq!(editor.phases.len(), 7);
    assert_eq!(editor.phases[1].kind, PhaseKind::Proposals);
    assert!(!editor.phases[0].upcoming && !editor.phases[1].upcoming);
    assert!(editor.phases[2..].iter().all(|p| p.upcoming));
    let last = editor.phases.last().unwrap().clone();

    // Added at the end: it comes last.
    let starts = last.ends_on + Duration::days(1);
    let ends = starts + Duration::days(30);
    editing::save_phase(
        &as_facilitator,
        PINEROLO,
        None,
        &phase_input("monitoring", "Verifica finale", starts, ends),
    )
    .await
    .unwrap();
    let editor = editing::editor(&as_facilitator, PINEROLO).await.unwrap();
    assert_eq!(editor.phases.len(), 8);
    let added = editor.phases.last().unwrap();
    assert_eq!(
        (
            added.title.as_str(),
            added.starts_on,
            added.ends_on,
            added.upcoming
        ),
        ("Verifica finale", starts, ends, true)
    );

    // A new phase starting before the last one ends overlaps it.
    assert_eq!(
        field_of(
            editing::save_phase(
                &as_facilitator,
                PINEROLO,
                None,
                &phase_input("monitoring", "Sovrapposta", ends, ends + Duration::days(5)),
            )
            .await
        ),
        ("inizio".into(), FieldProblem::Malformed)
    );
    // An upcoming phase stretched into the next one overlaps it.
    let deliberation = editor.phases[2].clone();
    let voting = editor.phases[3].clone();
    assert_eq!(
        field_of(
            editing::save_phase(
                &as_facilitator,
                PINEROLO,
                Some(deliberation.id),
                &phase_input(
                    "deliberation",
                    &deliberation.title,
                    deliberation.starts_on,
                    voting.starts_on,
                ),
            )
            .await
        ),
        ("fine".into(), FieldProblem::Malformed)
    );
    assert_eq!(
        editing::editor(&as_facilitator, PINEROLO)
            .await
            .unwrap()
            .phases
            .len(),
        8
    );

    // The running phase keeps its kind…
    let running = editor.phases[1].clone();
    assert_eq!(
        field_of(
            editing::save_phase(
                &as_facilitator,
                PINEROLO,
                Some(running.id),
                &phase_input(
                    "deliberation",
                    &running.title,
                    running.starts_on,
                    running.ends_on
                ),
            )
            .await
        )
        .0,
        "tipo"
    );
    // …and so does a past one.
    let past = editor.phases[0].clone();
    assert_eq!(
        field_of(
            editing::save_phase(
                &as_facilitator,
                PINEROLO,
                Some(past.id),
                &phase_input("voting", &past.title, past.starts_on, past.ends_on),
            )
            .await
        )
        .0,
        "tipo"
    );
    // Its title and description may change.
    editing::save_phase(
        &as_facilitator,
        PINEROLO,
        Some(running.id),
        &PhaseInput::parse(
            "proposals",
            "Raccolta delle idee",
            "Scrivete le vostre idee.",
            &running.starts_on.to_string(),
            &running.ends_on.to_string(),
        )
        .unwrap(),
    )
    .await
    .unwrap();
    // An upcoming phase may change kind.
    editing::save_phase(
        &as_facilitator,
        PINEROLO,
        Some(deliberation.id),
        &phase_input(
            "information",
            "Incontri pubblici",
            deliberation.starts_on,
            deliberation.ends_on,
        ),
    )
    .await
    .unwrap();
    let editor = editing::editor(&as_facilitator, PINEROLO).await.unwrap();
    assert_eq!(editor.phases[1].kind, PhaseKind::Proposals);
    assert_eq!(editor.phases[1].title, "Raccolta delle idee");
    assert_eq!(editor.phases[1].description_md, "Scrivete le vostre idee.");
    assert_eq!(editor.phases[2].kind, PhaseKind::Information);
    let detail = read::detail(&anonymous(&demo), PINEROLO).await.unwrap();
    assert_eq!(detail.summary.timeline, PhaseTimeline::Running(1));
}

#[tokio::test]
async fn only_upcoming_phases_are_deleted_and_the_current_phase_stays() {
    let demo = demo_db().await;
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&demo, &facilitator);
    let editor = editing::editor(&as_facilitator, PINEROLO).await.unwrap();
    let (past, running, next) = (
        editor.phases[0].clone(),
        editor.phases[1].clone(),
        editor.phases[2].clone(),
    );

    for phase in [&past, &running] {
        assert_eq!(
            field_of(editing::delete_phase(&as_facilitator, PINEROLO, phase.id).await),
            ("fase".into(), FieldProblem::NotRecognized),
            "{}",
            phase.title
        );
    }
    assert!(matches!(
        editing::delete_phase(&as_facilitator, PINEROLO, Uuid::now_v7()).await,
        Err(ServiceError::NotFound(_))
    ));
    editing::delete_phase(&as_facilitator, PINEROLO, next.id)
        .await
        .unwrap();

    let editor = editing::editor(&as_facilitator, PINEROLO).await.unwrap();
    assert_eq!(editor.phases.len(), 6);
    assert!(editor.phases.iter().all(|p| p.id != next.id));
    assert_eq!(editor.phases[0].id, past.id);
    assert_eq!(editor.phases[1].id, running.id);
    assert!(!editor.phases[1].upcoming);
    let detail = read::detail(&anonymous(&demo), PINEROLO).await.unwrap();
    assert_eq!(detail.summary.timeline, PhaseTimeline::Running(1));
    assert_eq!(detail.summary.phases.len(), 6);
    assert_eq!(detail.summary.phases[1].title, running.title);
    // Proposing is still open.
    assert!(
        !matches!(detail.can_propose, Availability::Refused(_)),
        "{:?}",
        detail.can_propose
    );
}

#[tokio::test]
async fn directions_platforms_and_zones_are_added_renamed_and_checked() {
    let demo = demo_db().await;
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatrice Pinerolo").await;
    let as_facilitator = ctx(&demo, &facilitator);

    editing::save_topic(
        &as_facilitator,
        PINEROLO,
        TopicKind::Zone,
        None,
        &topic(false, "abbadia-alpina", "Abbadia Alpina", ""),
    )
    .await
    .unwrap();
    editing::save_topic(
        &as_facilitator,
        PINEROLO,
        TopicKind::Direction,
        None,
        &topic(true, "D4", "Dati aperti", ""),
    )
    .await
    .unwrap();
    editing::save_topic(
        &as_facilitator,
        PINEROLO,
        TopicKind::Platform,
        None,
        &topic(false, "open-data", "Dati aperti comunali", "D4"),
    )
    .await
    .unwrap();

    let editor = editing::editor(&as_facilitator, PINEROLO).await.unwrap();
    let zone = editor.zones.last().unwrap().clone();
    assert_eq!(
        (zone.key.as_str(), zone.title.as_str()),
        ("abbadia-alpina", "Abbadia Alpina")
    );
    let direction = editor.directions.last().unwrap().clone();
    assert_eq!(direction.key, "D4");
    let new_platform = editor.platforms.last().unwrap().clone();
    assert_eq!(new_platform.key, "open-data");
    assert_eq!(new_platform.direction.as_deref(), Some("D4"));

    // Duplicates: already present.
    assert_eq!(
        field_of(
            editing::save_topic(
                &as_facilitator,
                PINEROLO,
                TopicKind::Zone,
                None,
                &topic(false, "centro", "Centro bis", ""),
            )
            .await
        ),
        ("slug".into(), FieldProblem::AlreadyPresent)
    );
    assert_eq!(
        field_of(
            editing::save_topic(
                &as_facilitator,
                PINEROLO,
                TopicKind::Direction,
                None,
                &topic(true, "D4", "Altro asse", ""),
            )
            .await
        ),
        ("codice".into(), FieldProblem::AlreadyPresent)
    );
    assert_eq!(
        field_of(
            editing::save_topic(
                &as_facilitator,
                PINEROLO,
                TopicKind::Platform,
                None,
                &topic(false, "servizi-online", "Doppione", ""),
            )
            .await
        ),
        ("slug".into(), FieldProblem::AlreadyPresent)
    );
    // Renaming a platform onto another's slug: already present too.
    assert_eq!(
        field_of(
            editing::save_topic(
                &as_facilitator,
                PINEROLO,
                TopicKind::Platform,
                Some(new_platform.id),
                &topic(false, "servizi-online", "Dati aperti", "D4"),
            )
            .await
        ),
        ("slug".into(), FieldProblem::AlreadyPresent)
    );
    // An unknown direction code.
    assert_eq!(
        field_of(
            editing::save_topic(
                &as_facilitator,
                PINEROLO,
                TopicKind::Platform,
                None,
                &topic(false, "senza-asse", "Senza asse", "Z9"),
            )
            .await
        ),
        ("direzione".into(), FieldProblem::NotRecognized)
    );
    // A direction of another process is unknown here.
    let other_editor = editing::editor(&ctx(&demo, &admin(&demo).await), ALESSANDRIA)
        .await
        .unwrap();
    let foreign = other_editor
        .directions
        .iter()
        .find(|d| !editor.directions.iter().any(|mine| mine.key == d.key))
        .map(|d| d.key.clone());
    if let Some(code) = foreign {
        assert_eq!(
            field_of(
                editing::save_topic(
                    &as_facilitator,
                    PINEROLO,
                    TopicKind::Platform,
                    None,
                    &topic(false, "asse-altrui", "Asse altrui", &code),
                )
                .await
            ),
            ("direzione".into(), FieldProblem::NotRecognized)
        );
    }
    // A topic of another process cannot be edited from this one.
    let alessandria_zone = other_editor.zones.first().cloned();
    if let Some(zone) = alessandria_zone {
        assert!(matches!(
            editing::save_topic(
                &as_facilitator,
                PINEROLO,
                TopicKind::Zone,
                Some(zone.id),
                &topic(false, "presa", "Presa", ""),
            )
            .await,
            Err(ServiceError::NotFound(_))
        ));
    }

    // Editing renames (same key: no clash with itself).
    editing::save_topic(
        &as_facilitator,
        PINEROLO,
        TopicKind::Zone,
        Some(zone.id),
        &topic(false, "abbadia-alpina", "Frazione Abbadia Alpina", ""),
    )
    .await
    .unwrap();
    editing::save_topic(
        &as_facilitator,
        PINEROLO,
        TopicKind::Direction,
        Some(direction.id),
        &topic(true, "D4", "Dati aperti e trasparenza", ""),
    )
    .await
    .unwrap();
    editing::save_topic(
        &as_facilitator,
        PINEROLO,
        TopicKind::Platform,
        Some(new_platform.id),
        &topic(false, "dati-aperti", "Portale dei dati aperti", "D4"),
    )
    .await
    .unwrap();
    let editor = editing::editor(&as_facilitator, PINEROLO).await.unwrap();
    let zone = editor.zones.iter().find(|z| z.id == zone.id).unwrap();
    assert_eq!(zone.title, "Frazione Abbadia Alpina");
    let direction = editor
        .directions
        .iter()
        .find(|d| d.id == direction.id)
        .unwrap();
    assert_eq!(direction.title, "Dati aperti e trasparenza");
    let renamed = editor
        .platforms
        .iter()
        .find(|p| p.id == new_platform.id)
        .unwrap();
    assert_eq!(
        (
            renamed.key.as_str(),
            renamed.title.as_str(),
            renamed.direction.as_deref()
        ),
        ("dati-aperti", "Portale dei dati aperti", Some("D4"))
    );

    // The process page lists the new platform with its direction, and the zone.
    let detail = read::detail(&anonymous(&demo), PINEROLO).await.unwrap();
    let shown = detail
        .platforms
        .iter()
        .find(|p| p.slug == "dati-aperti")
        .expect("the new platform is listed");
    assert_eq!(shown.title, "Portale dei dati aperti");
    assert_eq!(shown.direction.as_ref().map(|d| d.key.as_str()), Some("D4"));
    assert!(!detail.platforms.iter().any(|p| p.slug == "open-data"));
    assert!(detail.zones.iter().any(|z| z.slug == "abbadia-alpina"));
    assert!(detail.directions.iter().any(|d| d.code == "D4"));
}
