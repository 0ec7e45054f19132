//! Copied editions; who manages, links and records; suggestions of objectives.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn a_copied_edition_has_the_same_tree_and_no_links() {
    let demo = demo_db().await;
    let admin = admin(&demo).await;
    let milano = edition_of(&demo, MILANO).await;
    let source_rows = rows(&demo, milano).await;
    assert!(links_in(&demo, milano).await > 0);

    let input = EditionInput::parse(
        "Città metropolitana di Milano",
        "DUP 2019–2021",
        "2019",
        "2021",
        false,
    )
    .unwrap();
    let copy = editions::copy_edition(&admin, milano, &input)
        .await
        .unwrap();
    assert_ne!(copy, milano);
    assert_eq!(rows(&demo, copy).await, source_rows);
    for format in [DupFormat::Csv, DupFormat::Json] {
        assert_eq!(
            export(&demo, copy, format).await,
            export(&demo, milano, format).await
        );
    }
    assert_eq!(links_in(&demo, copy).await, 0, "links are not copied");
    let stored = dup_edition::Entity::find_by_id(copy)
        .one(&demo.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.copied_from, Some(milano));
    assert_eq!((stored.first_year, stored.last_year), (2019, 2021));
    let (name, _, _) = editions::export(&anonymous(&demo), copy, DupFormat::Csv)
        .await
        .unwrap();
    assert_eq!(name, "dup-2019-2021.csv");
    // The copy is independent: the objectives are new rows.
    let original = objective(&demo, milano, "SeO-10.02.1").await;
    let copied = objective(&demo, copy, "SeO-10.02.1").await;
    assert_ne!(original.id, copied.id);
    assert_eq!(
        objectives::objective(&anonymous(&demo), copied.id)
            .await
            .unwrap()
            .links,
        vec![]
    );
    // The source is attached to Milano; the copy to nothing yet.
    let list = editions::editions(&anonymous(&demo)).await.unwrap();
    let listed = |id: Uuid| list.editions.iter().find(|e| e.id == id).unwrap().clone();
    assert_eq!(listed(milano).processes[0].key, MILANO);
    assert!(listed(copy).processes.is_empty());
    assert_eq!(listed(copy).objective_count, source_rows.objectives);
}

#[tokio::test]
async fn only_the_right_people_manage_link_and_record() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let citizen = ctx(&demo, &person(&demo, "citizen@demo.piazza.invalid").await);
    let staff = ctx(
        &demo,
        &person(&demo, "staff-milano@demo.piazza.invalid").await,
    );
    let council = ctx(
        &demo,
        &person(&demo, "council-milano@demo.piazza.invalid").await,
    );
    let pinerolo_facilitator = ctx(
        &demo,
        &person(&demo, "facilitator-pinerolo@demo.piazza.invalid").await,
    );
    let ambiente = ctx(
        &demo,
        &person(&demo, "facilitator-milano-ambiente@demo.piazza.invalid").await,
    );
    let milano = edition_of(&demo, MILANO).await;
    let csv = format!("{HEADER}{GOOD}");
    let input = edition_input("Non autorizzata", false);

    // Editions: administrators only.
    denied(
        editions::import(&anon, milano, &csv).await,
        false,
        "anonymous import",
    );
    for (who, name) in [
        (&citizen, "citizen"),
        (&staff, "staff"),
        (&council, "council"),
        (&pinerolo_facilitator, "facilitator"),
    ] {
        denied(editions::import(who, milano, &csv).await, true, name);
        denied(editions::create_edition(who, &input).await, true, name);
        denied(
            editions::copy_edition(who, milano, &input).await,
            true,
            name,
        );
    }
    denied(
        editions::create_edition(&anon, &input).await,
        false,
        "anonymous create",
    );
    assert_eq!(
        dup_edition::Entity::find().count(&demo.db).await.unwrap(),
        2,
        "only the demo editions"
    );
    // Everybody reads and exports.
    for who in [&anon, &citizen, &council] {
        editions::edition(who, milano).await.unwrap();
        editions::export(who, milano, DupFormat::Json)
            .await
            .unwrap();
        links::coverage(who, MILANO, None, None).await.unwrap();
        monitoring::overview(who, MILANO).await.unwrap();
    }

    // Attaching: facilitators of that process.
    denied(
        editions::attach(&pinerolo_facilitator, MILANO, None).await,
        true,
        "a Pinerolo facilitator attaching Milano",
    );
    denied(
        editions::attach(&citizen, PINEROLO, None).await,
        true,
        "citizen attach",
    );
    denied(
        editions::attach(&anon, PINEROLO, None).await,
        false,
        "anonymous attach",
    );
    assert_eq!(
        process_row(&demo, MILANO).await.dup_edition_id,
        Some(milano)
    );

    // Linking: facilitators of the proposal's platform.
    let transport = objective(&demo, milano, "SeO-10.02.1").await;
    let ticket = proposal_titled(&demo, MILANO, "Un biglietto unico").await;
    let item = PlanItem::Proposal(ticket.id);
    let why = link_input(transport.id, "Lo stesso obiettivo.", "3");
    denied(
        links::link(&anon, item, &why).await,
        false,
        "anonymous link",
    );
    denied(
        links::link(&citizen, item, &why).await,
        true,
        "citizen link",
    );
    denied(
        links::link(&ambiente, item, &why).await,
        true,
        "the Ambiente facilitator linking a Trasporti proposal",
    );
    denied(
        links::link(&pinerolo_facilitator, item, &why).await,
        true,
        "a Pinerolo facilitator linking a Milano proposal",
    );
    let seen = links::links_of(&ambiente, item).await.unwrap();
    assert!(!seen.can_link && seen.suggestions.is_empty() && seen.choices.is_empty());
    assert!(!links::links_of(&anon, item).await.unwrap().can_link);
    let demo_link = seen.links[0].id;
    denied(
        links::unlink(&ambiente, demo_link).await,
        true,
        "the Ambiente facilitator unlinking",
    );
    denied(
        links::unlink(&citizen, demo_link).await,
        true,
        "citizen unlink",
    );
    // The Ambiente facilitator links within Ambiente.
    let parks = proposal_titled(&demo, MILANO, "Mettere in rete i PLIS").await;
    assert!(
        links::links_of(&ambiente, PlanItem::Proposal(parks.id))
            .await
            .unwrap()
            .can_link
    );
    let parks_objective = objective(&demo, milano, "SeO-09.02.1").await;
    links::link(
        &ambiente,
        PlanItem::Proposal(parks.id),
        &link_input(parks_objective.id, "I PLIS sono la rete dei parchi.", ""),
    )
    .await
    .unwrap();

    // Recording progress: staff, the process's facilitators, administrators.
    let record = progress("in_corso", "10", "", "2017-01-10", &[]);
    let target = Monitored::Objective(transport.id);
    denied(
        monitoring::record(&citizen, MILANO, target, &record).await,
        true,
        "citizen record",
    );
    denied(
        monitoring::record(&council, MILANO, target, &record).await,
        true,
        "council record",
    );
    denied(
        monitoring::record(&ambiente, MILANO, target, &record).await,
        true,
        "a platform facilitator recording",
    );
    denied(
        monitoring::record(&anon, MILANO, target, &record).await,
        false,
        "anonymous record",
    );
    assert_eq!(
        dup_progress::Entity::find().count(&demo.db).await.unwrap(),
        0
    );
    monitoring::record(&staff, MILANO, target, &record)
        .await
        .unwrap();
    let milano_facilitator = ctx(
        &demo,
        &person(&demo, "facilitator-milano@demo.piazza.invalid").await,
    );
    monitoring::record(&milano_facilitator, MILANO, target, &record)
        .await
        .unwrap();
    assert!(
        !monitoring::overview(&citizen, MILANO)
            .await
            .unwrap()
            .can_record
    );
    assert!(
        monitoring::overview(&staff, MILANO)
            .await
            .unwrap()
            .can_record
    );
    assert_eq!(
        dup_progress::Entity::find().count(&demo.db).await.unwrap(),
        2
    );
}

#[tokio::test]
async fn a_facilitator_links_a_project_to_objectives_with_a_rationale() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let facilitator = person(&demo, "facilitator-milano@demo.piazza.invalid").await;
    let milano = edition_of(&demo, MILANO).await;
    let transport = objective(&demo, milano, "SeO-10.02.1").await;
    let cycling = objective(&demo, milano, "SeO-10.05.1").await;

    let evening = proposal_titled(&demo, MILANO, "Autobus a chiamata serale").await;
    let logistics = proposal_titled(&demo, MILANO, "Piano della logistica").await;
    let title = "Mobilità serale e logistica nei comuni";
    let project = projects::merge(
        &ctx(&demo, &facilitator),
        &[evening.id, logistics.id],
        &project_input(title),
    )
    .await
    .unwrap();
    let item = PlanItem::Project(project);

    // Before: nothing linked; the facilitator may link and gets choices.
    let seen = links::links_of(&anon, item).await.unwrap();
    assert!(seen.links.is_empty() && !seen.can_link);
    assert_eq!(
        seen.edition,
        Some(NamedRef {
            key: milano.to_string(),
            name: "Città metropolitana di Milano – DUP 2016–2018".into(),
        })
    );
    let own = links::links_of(&ctx(&demo, &facilitator), item)
        .await
        .unwrap();
    assert!(own.can_link);
    assert_eq!(
        own.choices.len() as i64,
        rows(&demo, milano).await.objectives
    );
    assert!(!own.suggestions.is_empty() && own.suggestions.len() <= 5);
    assert!(
        own.suggestions.windows(2).all(|w| w[0].score >= w[1].score),
        "best first"
    );

    let first = links::link(
        &ctx(&demo, &facilitator),
        item,
        &link_input(
            transport.id,
            "Gli autobus a chiamata portano alle stazioni di interscambio.",
            "4",
        ),
    )
    .await
    .unwrap();
    let second = links::link(
        &ctx(&demo, &facilitator),
        item,
        &link_input(
            cycling.id,
            "La logistica libera le strade per le ciclovie.",
            "",
        ),
    )
    .await
    .unwrap();
    assert_ne!(first, second);

    let supporters = projects::detail(&anon, project)
        .await
        .unwrap()
        .distinct_supporters;
    assert!(supporters.is_some_and(|n| n > 0));
    let seen = links::links_of(&anon, item).await.unwrap();
    let mut links = seen.links.clone();
    links.sort_by(|a, b| a.objective.code.cmp(&b.objective.code));
    let shown: Vec<_> = links
        .iter()
        .map(|l| {
            (
                l.objective.code.as_str(),
                l.rationale.as_str(),
                l.weight,
                l.linked_by.as_deref(),
                l.item,
                l.item_title.as_str(),
                l.supports,
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            (
                "SeO-10.02.1",
                "Gli autobus a chiamata portano alle stazioni di interscambio.",
                Some(4),
                Some(facilitator.display_name.as_str()),
                item,
                title,
                supporters,
            ),
            (
                "SeO-10.05.1",
                "La logistica libera le strade per le ciclovie.",
                None,
                Some(facilitator.display_name.as_str()),
                item,
                title,
                supporters,
            ),
        ]
    );
    // Suggestions leave out what is already linked.
    let own = links::links_of(&ctx(&demo, &facilitator), item)
        .await
        .unwrap();
    assert!(
        own.suggestions
            .iter()
            .all(|s| s.objective.id != transport.id && s.objective.id != cycling.id)
    );
    // The objective's page and the tree show the link.
    let page = objectives::objective(&anon, transport.id).await.unwrap();
    assert!(page.links.iter().any(|l| l.id == first && l.item == item));
    let tree = editions::edition(&anon, milano).await.unwrap();
    let node = tree
        .missions
        .iter()
        .flat_map(|m| m.programmes.iter().flat_map(|p| p.objectives.iter()))
        .find(|o| o.id == transport.id)
        .unwrap();
    assert_eq!(node.link_count, page.links.len() as i64);

    // Linking again changes the rationale and weight: still one link.
    let again = links::link(
        &ctx(&demo, &facilitator),
        item,
        &link_input(transport.id, "Il progetto porta passeggeri ai treni.", "5"),
    )
    .await
    .unwrap();
    assert_eq!(again, first);
    let stored = dup_link::Entity::find()
        .filter(dup_link::Column::ProjectId.eq(project))
        .all(&demo.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    let updated = stored.iter().find(|l| l.id == first).unwrap();
    assert_eq!(
        (updated.rationale.as_str(), updated.weight),
        ("Il progetto porta passeggeri ai treni.", Some(5))
    );

    // An objective of another edition is not a choice.
    let pinerolo = edition_of(&demo, PINEROLO).await;
    let elsewhere = objective(&demo, pinerolo, "SeO-01.08.1").await;
    assert_eq!(
        field_of(
            links::link(
                &ctx(&demo, &facilitator),
                item,
                &link_input(elsewhere.id, "Un altro ente.", ""),
            )
            .await
        ),
        ("obiettivo".to_owned(), FieldProblem::NotRecognized)
    );
    // A withdrawn proposal is not linked.
    let withdrawn = proposal_titled(&demo, MILANO, "Collegamento ferroviario diretto").await;
    assert_eq!(withdrawn.state, ProposalState::Withdrawn.as_str());
    assert_eq!(
        refusal(
            links::link(
                &ctx(&demo, &facilitator),
                PlanItem::Proposal(withdrawn.id),
                &link_input(transport.id, "Treni per Malpensa.", ""),
            )
            .await
        ),
        Refusal::ProposalClosed {
            state: ProposalState::Withdrawn
        }
    );
    assert_eq!(
        dup_link::Entity::find()
            .filter(dup_link::Column::ProjectId.eq(project))
            .count(&demo.db)
            .await
            .unwrap(),
        2
    );

    // Unlinking.
    links::unlink(&ctx(&demo, &facilitator), second)
        .await
        .unwrap();
    let seen = links::links_of(&anon, item).await.unwrap();
    assert_eq!(
        seen.links
            .iter()
            .map(|l| l.objective.code.as_str())
            .collect::<Vec<_>>(),
        vec!["SeO-10.02.1"]
    );
    assert!(matches!(
        links::unlink(&ctx(&demo, &facilitator), second).await,
        Err(ServiceError::NotFound(_))
    ));
}

#[tokio::test]
async fn the_closest_objective_is_suggested_first() {
    let demo = demo_db().await;
    let facilitator = ctx(
        &demo,
        &person(&demo, "facilitator-milano@demo.piazza.invalid").await,
    );
    let milano = edition_of(&demo, MILANO).await;
    let transport = objective(&demo, milano, "SeO-10.02.1").await;
    let ticket = proposal_titled(
        &demo,
        MILANO,
        "Un biglietto unico per treni, metropolitana e autobus",
    )
    .await;
    let item = PlanItem::Proposal(ticket.id);

    // The demo linked it by text similarity, on nobody's behalf.
    let seen = links::links_of(&facilitator, item).await.unwrap();
    assert_eq!(seen.links.len(), 1);
    let by_demo = &seen.links[0];
    assert_eq!(by_demo.objective.code, "SeO-10.02.1");
    assert_eq!(by_demo.linked_by, None);
    assert!(
        by_demo.rationale.contains("somiglianza"),
        "{}",
        by_demo.rationale
    );
    assert!(
        seen.suggestions
            .iter()
            .all(|s| s.objective.id != transport.id),
        "a linked objective is not suggested"
    );

    // Unlinked, the transport objective is the first suggestion.
    links::unlink(&facilitator, by_demo.id).await.unwrap();
    let seen = links::links_of(&facilitator, item).await.unwrap();
    assert!(seen.links.is_empty());
    let best = &seen.suggestions[0];
    assert_eq!(best.objective.code, "SeO-10.02.1");
    assert_eq!(best.objective.level, ObjectiveLevel::Operational);
    assert!(seen.suggestions[1..].iter().all(|s| s.score < best.score));
    // Anybody else sees no suggestions.
    let public = links::links_of(&anonymous(&demo), item).await.unwrap();
    assert!(public.suggestions.is_empty() && public.choices.is_empty());
}
