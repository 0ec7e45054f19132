//! Setting up a process, on a real database: creating and describing it,
//! its phases, directions, platforms and zones, who facilitates each
//! platform, who may do any of it, and the same through the real router.

use axum::body::Body;
use chrono::{Duration, Utc};
use http::{Request, StatusCode};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared::model::common::Availability;
use shared::model::common::FieldProblem;
use shared::model::facilitation::{PhaseInput, ProcessInput, TopicInput};
use shared::model::{PhaseKind, PhaseTimeline, ProposalState, Role, RoleGrant};
use shared::service::entity::{process, proposal, report, role_assignment, user};
use shared::service::processes::editing::{self, TopicKind};
use shared::service::{Ctx, Person, ServiceError, participation::authoring, processes::read};
use uuid::Uuid;

use crate::helpers::{
    TestApp, anonymous, ctx, email_of, field_of, fresh_person, platform_row, process_row,
    sign_in_demo, spawn_app,
};

const PINEROLO: &str = "agenda-digitale-pinerolo";
const ALESSANDRIA: &str = "piano-strategico-alessandria-2030";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A new person holding `role` (scoped if given).
async fn with_role(
    app: &TestApp,
    name: &str,
    role: Role,
    process_id: Option<Uuid>,
    platform_id: Option<Uuid>,
) -> Person {
    let who = fresh_person(app, name).await;
    role_assignment::Entity::insert(role_assignment::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(who.id),
        role: Set(role.as_str().to_owned()),
        process_id: Set(process_id),
        platform_id: Set(platform_id),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
    reload(app, &who).await
}

/// `who` with the roles the database holds now (as a new session sees them).
async fn reload(app: &TestApp, who: &Person) -> Person {
    let grants = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(who.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| RoleGrant {
            role: Role::parse(&a.role).expect("a known role"),
            process_id: a.process_id,
            platform_id: a.platform_id,
        })
        .collect();
    Person {
        grants,
        ..who.clone()
    }
}

async fn process_facilitator(app: &TestApp, slug: &str, name: &str) -> Person {
    let process = process_row(app, slug).await;
    with_role(app, name, Role::Facilitator, Some(process.id), None).await
}

async fn admin(app: &TestApp) -> Person {
    with_role(app, "Amministratrice", Role::Admin, None, None).await
}

/// Published proposals of a platform.
async fn published_in(app: &TestApp, slug: &str, platform_slug: &str) -> Vec<Uuid> {
    let platform = platform_row(app, slug, platform_slug).await;
    proposal::Entity::find()
        .filter(proposal::Column::PlatformId.eq(platform.id))
        .filter(proposal::Column::State.eq(ProposalState::Published.as_str()))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect()
}

#[track_caller]
fn forbidden<T: std::fmt::Debug>(result: Result<T, ServiceError>, what: &str) {
    match result {
        Err(ServiceError::Forbidden) => {}
        other => panic!("{what}: expected Forbidden, got {other:?}"),
    }
}

fn process_input(slug: &str, title: &str, description: &str) -> ProcessInput {
    ProcessInput::parse(
        slug,
        title,
        "Comune di Prova",
        "comunale",
        "Una sintesi abbastanza lunga del percorso.",
        description,
    )
    .expect("valid process input")
}

fn phase_input(
    kind: &str,
    title: &str,
    starts: chrono::NaiveDate,
    ends: chrono::NaiveDate,
) -> PhaseInput {
    PhaseInput::parse(
        kind,
        title,
        "Descrizione della fase.",
        &starts.to_string(),
        &ends.to_string(),
    )
    .expect("valid phase input")
}

fn topic(is_direction: bool, key: &str, title: &str, direction: &str) -> TopicInput {
    TopicInput::parse(is_direction, key, title, "", "Descrizione.", direction)
        .expect("valid topic input")
}

// ---------------------------------------------------------------------------
// 1. Creating and describing a process
// ---------------------------------------------------------------------------

#[tokio::test]
async fn admins_create_processes_and_facilitators_only_describe_theirs() {
    let app = spawn_app().await;
    let as_admin = ctx(&app, &admin(&app).await);

    let created = editing::create_process(
        &as_admin,
        &process_input("bilancio-partecipativo-test", "Bilancio partecipativo", ""),
    )
    .await
    .unwrap();
    assert_eq!(created, "bilancio-partecipativo-test");
    let row = process_row(&app, "bilancio-partecipativo-test").await;
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
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&app, &facilitator);
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
            .count(&app.db)
            .await
            .unwrap(),
        0
    );

    // …but describes theirs; the slug never changes, even if asked.
    let before = process_row(&app, PINEROLO).await;
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
    let after = process_row(&app, PINEROLO).await;
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
            .count(&app.db)
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
        process_row(&app, PINEROLO).await.description_md,
        "Di nuovo."
    );
}

// ---------------------------------------------------------------------------
// 2. Phases
// ---------------------------------------------------------------------------

#[tokio::test]
async fn phases_are_added_at_the_end_without_overlaps_and_started_ones_keep_their_kind() {
    let app = spawn_app().await;
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatrice Pinerolo").await;
    let as_facilitator = ctx(&app, &facilitator);

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
    let detail = read::detail(&anonymous(&app), PINEROLO).await.unwrap();
    assert_eq!(detail.summary.timeline, PhaseTimeline::Running(1));
}

#[tokio::test]
async fn only_upcoming_phases_are_deleted_and_the_current_phase_stays() {
    let app = spawn_app().await;
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&app, &facilitator);
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
    let detail = read::detail(&anonymous(&app), PINEROLO).await.unwrap();
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

// ---------------------------------------------------------------------------
// 3. Directions, platforms and zones
// ---------------------------------------------------------------------------

#[tokio::test]
async fn directions_platforms_and_zones_are_added_renamed_and_checked() {
    let app = spawn_app().await;
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatrice Pinerolo").await;
    let as_facilitator = ctx(&app, &facilitator);

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
    let other_editor = editing::editor(&ctx(&app, &admin(&app).await), ALESSANDRIA)
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
    let detail = read::detail(&anonymous(&app), PINEROLO).await.unwrap();
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

// ---------------------------------------------------------------------------
// 4. Platform facilitators
// ---------------------------------------------------------------------------

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
