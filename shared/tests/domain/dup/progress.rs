//! Monitoring: progress recorded by staff reaches the followers and the page.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn staff_record_progress_followers_are_told_and_the_page_shows_it() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let staff = person(&demo, "staff-milano@demo.piazza.invalid").await;
    let milano_process = process_row(&demo, MILANO).await;
    let milano = edition_of(&demo, MILANO).await;
    let transport = objective(&demo, milano, "SeO-10.02.1").await;
    let passengers = indicator(&demo, milano, "IND-10.02.1-A").await;
    let ticket = proposal_titled(&demo, MILANO, "Un biglietto unico").await;
    assert!(
        links::links_of(&anon, PlanItem::Proposal(ticket.id))
            .await
            .unwrap()
            .links
            .iter()
            .any(|l| l.objective.id == transport.id),
        "the demo links the ticket to the transport objective"
    );

    // A follower of the linked proposal; the staff member follows it too.
    let follower = fresh_person(&demo, "Segue il biglietto").await;
    authoring::follow(&ctx(&demo, &follower), ticket.id, true)
        .await
        .unwrap();
    authoring::follow(&ctx(&demo, &staff), ticket.id, true)
        .await
        .unwrap();
    let progress_notices = |user: Uuid| {
        notification::Entity::find()
            .filter(notification::Column::UserId.eq(user))
            .filter(notification::Column::Kind.eq(NotificationKind::Progress.as_str()))
            .all(&demo.db)
    };
    assert!(progress_notices(follower.id).await.unwrap().is_empty());

    let overview = monitoring::overview(&anon, MILANO).await.unwrap();
    assert!(overview.open && !overview.can_record);
    assert!(overview.timeline.is_empty());
    let key = format!("obiettivo:{}", transport.id);
    let item = overview
        .items
        .iter()
        .find(|i| i.key == key)
        .expect("a linked objective is monitored");
    assert_eq!(item.latest, None);

    let first = monitoring::record(
        &ctx(&demo, &staff),
        MILANO,
        Monitored::Objective(transport.id),
        &progress(
            "in_corso",
            "40",
            "Gara per la **bigliettazione** aggiudicata.",
            "2017-03-15",
            &[(passengers.id, 2017, "695")],
        ),
    )
    .await
    .unwrap();
    let stored = dup_progress::Entity::find_by_id(first)
        .one(&demo.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            stored.objective_id,
            stored.project_id,
            stored.status.as_str(),
            stored.percent,
            stored.recorded_by,
            stored.recorded_on,
        ),
        (
            Some(transport.id),
            None,
            "in_corso",
            40,
            Some(staff.id),
            NaiveDate::from_ymd_opt(2017, 3, 15).unwrap(),
        )
    );
    // The actual value is stored next to the target, which stays.
    assert_eq!(
        stored_values(&demo, passengers.id).await,
        vec![(2017, Some(700.0), Some(695.0)), (2018, Some(720.0), None)]
    );

    // The follower is told, the person who recorded is not.
    let notices = progress_notices(follower.id).await.unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].proposal_id, Some(ticket.id));
    assert_eq!(notices[0].process_id, Some(milano_process.id));
    assert_eq!(
        notices[0].detail,
        "SeO-10.02.1 Biglietto unico e interscambi alle stazioni: in corso, 40%"
    );
    assert!(progress_notices(staff.id).await.unwrap().is_empty());

    // A later record.
    let second = monitoring::record(
        &ctx(&demo, &staff),
        MILANO,
        Monitored::Objective(transport.id),
        &progress("completato", "100", "", "2018-01-10", &[]),
    )
    .await
    .unwrap();
    assert_eq!(progress_notices(follower.id).await.unwrap().len(), 2);

    let overview = monitoring::overview(&anon, MILANO).await.unwrap();
    assert_eq!(
        overview.edition.as_ref().map(|e| e.key.clone()),
        Some(milano.to_string())
    );
    let item = overview.items.iter().find(|i| i.key == key).unwrap();
    assert_eq!(item.code.as_deref(), Some("SeO-10.02.1"));
    assert_eq!(item.href, format!("/obiettivi/{}", transport.id));
    let latest = item.latest.as_ref().expect("the latest record");
    assert_eq!(
        (latest.id, latest.status, latest.percent),
        (second, ProgressStatus::Completed, 100)
    );
    let years = &item
        .indicators
        .iter()
        .find(|i| i.id == passengers.id)
        .unwrap()
        .years;
    assert_eq!(
        years[0],
        IndicatorYear {
            year: 2017,
            target: Some(700.0),
            actual: Some(695.0),
        }
    );
    let timeline: Vec<_> = overview
        .timeline
        .iter()
        .map(|r| (r.id, r.item_key.as_str(), r.status))
        .collect();
    assert_eq!(
        timeline,
        vec![
            (second, key.as_str(), ProgressStatus::Completed),
            (first, key.as_str(), ProgressStatus::InProgress),
        ]
    );
    assert!(
        overview.timeline[1]
            .note_html
            .contains("<strong>bigliettazione</strong>")
    );
    assert_eq!(
        overview.timeline[1].item_title,
        "SeO-10.02.1 Biglietto unico e interscambi alle stazioni"
    );
    let page = objectives::objective(&anon, transport.id).await.unwrap();
    assert_eq!(
        page.progress.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![second, first]
    );

    // Only objectives linked to the plan, and only their own indicators.
    let unlinked = dup_objective::Entity::find()
        .filter(dup_objective::Column::EditionId.eq(milano))
        .all(&demo.db)
        .await
        .unwrap();
    let mut lonely = None;
    for o in unlinked {
        let n = dup_link::Entity::find()
            .filter(dup_link::Column::ObjectiveId.eq(o.id))
            .count(&demo.db)
            .await
            .unwrap();
        if n == 0 {
            lonely = Some(o);
            break;
        }
    }
    let lonely = lonely.expect("an objective with no link");
    assert_eq!(
        field_of(
            monitoring::record(
                &ctx(&demo, &staff),
                MILANO,
                Monitored::Objective(lonely.id),
                &progress("in_corso", "5", "", "2017-02-01", &[]),
            )
            .await
        ),
        ("voce".to_owned(), FieldProblem::NotRecognized)
    );
    let other_indicator = indicator(&demo, milano, "IND-09.02.1-A").await;
    assert_eq!(
        field_of(
            monitoring::record(
                &ctx(&demo, &staff),
                MILANO,
                Monitored::Objective(transport.id),
                &progress(
                    "in_corso",
                    "5",
                    "",
                    "2017-02-01",
                    &[(other_indicator.id, 2017, "1")],
                ),
            )
            .await
        ),
        (
            format!("valore_{}_2017", other_indicator.id),
            FieldProblem::NotRecognized
        )
    );
    assert_eq!(
        dup_progress::Entity::find().count(&demo.db).await.unwrap(),
        2
    );

    // Pinerolo is not in monitoring: refused.
    let pinerolo = edition_of(&demo, PINEROLO).await;
    let online = objective(&demo, pinerolo, "SeO-01.08.1").await;
    assert_eq!(
        refusal(
            monitoring::record(
                &ctx(&demo, &staff),
                PINEROLO,
                Monitored::Objective(online.id),
                &progress("in_corso", "10", "", "2026-05-01", &[]),
            )
            .await
        ),
        Refusal::MonitoringClosed
    );
    let closed = monitoring::overview(&ctx(&demo, &staff), PINEROLO)
        .await
        .unwrap();
    assert!(!closed.open && !closed.can_record);
    assert_eq!(
        dup_progress::Entity::find().count(&demo.db).await.unwrap(),
        2
    );
}

/// A project of the plan is monitored too; the followers of its originals
/// are told.
#[tokio::test]
async fn progress_on_a_project_tells_the_followers_of_its_originals() {
    let demo = demo_db().await;
    let facilitator = person(&demo, "facilitator-milano@demo.piazza.invalid").await;
    let evening = proposal_titled(&demo, MILANO, "Autobus a chiamata serale").await;
    let logistics = proposal_titled(&demo, MILANO, "Piano della logistica").await;
    let project = projects::merge(
        &ctx(&demo, &facilitator),
        &[evening.id, logistics.id],
        &project_input("Mobilità serale e logistica nei comuni"),
    )
    .await
    .unwrap();
    let follower = fresh_person(&demo, "Segue la logistica").await;
    authoring::follow(&ctx(&demo, &follower), logistics.id, true)
        .await
        .unwrap();

    monitoring::record(
        &ctx(&demo, &facilitator),
        MILANO,
        Monitored::Project(project),
        &progress("in_corso", "20", "Prime corse attive.", "2017-06-01", &[]),
    )
    .await
    .unwrap();
    let notices = notification::Entity::find()
        .filter(notification::Column::UserId.eq(follower.id))
        .filter(notification::Column::Kind.eq("progress"))
        .all(&demo.db)
        .await
        .unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].proposal_id, Some(logistics.id));
    let overview = monitoring::overview(&anonymous(&demo), MILANO)
        .await
        .unwrap();
    let item = overview
        .items
        .iter()
        .find(|i| i.key == format!("progetto:{project}"))
        .unwrap();
    assert_eq!(item.href, format!("/progetti/{project}"));
    assert_eq!(
        item.latest.as_ref().map(|l| (l.status, l.percent)),
        Some((ProgressStatus::InProgress, 20))
    );
    // Indicator values only go with objectives.
    let milano = edition_of(&demo, MILANO).await;
    let passengers = indicator(&demo, milano, "IND-10.02.1-A").await;
    assert_eq!(
        field_of(
            monitoring::record(
                &ctx(&demo, &facilitator),
                MILANO,
                Monitored::Project(project),
                &progress(
                    "in_corso",
                    "30",
                    "",
                    "2017-07-01",
                    &[(passengers.id, 2017, "5")]
                ),
            )
            .await
        )
        .0,
        "valori"
    );
}
