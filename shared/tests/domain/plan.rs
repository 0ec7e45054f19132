//! The final plan (issue 7): composing and saving versions, comparing them,
//! the council's approval (once, in the approval phase, freezing its
//! version) and the Markdown and HTML exports, through the services and the
//! real router.

use shared::model::common::FieldProblem;
use shared::model::facilitation::ProjectInput;
use shared::model::plan::{LineChange, PlanEntryKind};
use shared::service::{ServiceError, facilitation::projects, plan::versions};
use shared::testing::plan::*;
use shared::testing::*;

#[tokio::test]
async fn facilitators_save_versions_and_anyone_compares_them() {
    let demo = demo_db().await;
    let facilitator = ctx(&demo, &person(&demo, FACILITATOR).await);
    let citizen = ctx(&demo, &person(&demo, "citizen@demo.piazza.invalid").await);
    let (project, originals) = merge_two(&demo).await;

    // Only the process's facilitators (and admins) compose.
    denied(
        versions::composer(&anonymous(&demo), MILANO).await,
        false,
        "anonymous composer",
    );
    denied(
        versions::composer(&citizen, MILANO).await,
        true,
        "citizen composer",
    );
    denied(
        versions::save(&citizen, MILANO, &input("x", &[], "")).await,
        true,
        "citizen save",
    );
    let other = ctx(
        &demo,
        &person(&demo, "facilitator-pinerolo@demo.piazza.invalid").await,
    );
    denied(
        versions::save(&other, MILANO, &input("x", &[], "")).await,
        true,
        "another process's facilitator",
    );

    let composer = versions::composer(&facilitator, MILANO).await.unwrap();
    assert_eq!(composer.based_on, None);
    assert!(composer.sections.iter().any(|s| !s.is_platform));
    let platform = composer
        .sections
        .iter()
        .find(|s| s.is_platform && s.entries > 0)
        .expect("a platform with entries")
        .clone();
    let direction = composer
        .sections
        .iter()
        .rev()
        .skip_while(|s| s.key != platform.key)
        .find(|s| !s.is_platform)
        .expect("the platform's direction")
        .clone();

    let first = versions::save(
        &facilitator,
        MILANO,
        &input(
            "Il piano nasce dalla **Mappa delle idee**.",
            &[(&direction.key, "1", "La direzione viene prima.")],
            "prima stesura",
        ),
    )
    .await
    .unwrap();
    assert_eq!(first, 1);
    let v1 = versions::version(&anonymous(&demo), MILANO, 1)
        .await
        .unwrap();
    assert_eq!(
        v1.document.sections[0].key, direction.key,
        "position 1 comes first"
    );
    assert_eq!(v1.document.sections[0].text_md, "La direzione viene prima.");
    let project_entry = v1
        .document
        .entries()
        .find(|e| e.id == project)
        .expect("the project is in the plan");
    assert_eq!(project_entry.kind, PlanEntryKind::Project);
    assert_eq!(project_entry.originals.len(), 2);
    assert_eq!(project_entry.partners.len(), 2);
    assert_eq!(
        project_entry.agreement.as_deref(),
        Some("Protocollo d'intesa")
    );
    for title in &originals {
        assert!(
            !v1.document
                .entries()
                .any(|e| e.kind == PlanEntryKind::Proposal && &e.title == title),
            "a merged proposal appears through its project only"
        );
    }
    // Every accepted proposal standing alone is in the plan, once.
    let process = process_row(&demo, MILANO).await;
    let standing = count_sql(
        &demo,
        "SELECT COUNT(*) FROM proposals WHERE process_id = ? AND state = 'accepted' \
         AND project_id IS NULL AND visibility = 'visibile'",
        vec![process.id.into()],
    )
    .await;
    assert_eq!(
        v1.document
            .entries()
            .filter(|e| e.kind == PlanEntryKind::Proposal)
            .count() as i64,
        standing
    );
    // The figures are the database's.
    let figures = &v1.document.figures;
    assert_eq!(
        figures.proposals,
        count_sql(
            &demo,
            "SELECT COUNT(*) FROM proposals WHERE process_id = ? AND visibility = 'visibile'",
            vec![process.id.into()],
        )
        .await
    );
    assert_eq!(
        figures.supports,
        Some(
            count_sql(
                &demo,
                "SELECT COUNT(*) FROM supports s JOIN proposals p ON p.id = s.proposal_id \
                 WHERE p.process_id = ? AND p.visibility = 'visibile'",
                vec![process.id.into()],
            )
            .await
        )
    );
    assert!(figures.participants > 0);
    assert_eq!(
        figures.zones.iter().map(|z| z.proposals).sum::<i64>(),
        figures.proposals
    );
    // Supporters of the project: distinct people across its originals.
    let distinct = count_sql(
        &demo,
        "SELECT COUNT(DISTINCT s.user_id) FROM supports s JOIN proposals p ON p.id = s.proposal_id \
         WHERE p.project_id = ?",
        vec![project.into()],
    )
    .await;
    assert_eq!(project_entry.supporters, Some(distinct));

    // The project changes; version 1 does not.
    projects::edit(
        &facilitator,
        project,
        &ProjectInput::parse(
            "Cantiere rinominato della pianificazione",
            "Una descrizione nuova del cantiere, più lunga.",
            "Politecnico di Milano",
            "convenzione",
        )
        .unwrap(),
    )
    .await
    .unwrap();
    let second = versions::save(
        &facilitator,
        MILANO,
        &input(
            "Il piano nasce dalla **Mappa delle idee** e dai tavoli territoriali.",
            &[],
            "seconda stesura",
        ),
    )
    .await
    .unwrap();
    assert_eq!(second, 2);
    let v1_again = versions::version(&anonymous(&demo), MILANO, 1)
        .await
        .unwrap();
    assert_eq!(
        v1_again.document, v1.document,
        "a saved version never changes"
    );
    let v2 = versions::version(&anonymous(&demo), MILANO, 2)
        .await
        .unwrap();
    assert!(
        v2.document
            .entries()
            .any(|e| e.title == "Cantiere rinominato della pianificazione")
    );

    // The composer starts from the newest version's texts.
    let composer = versions::composer(&facilitator, MILANO).await.unwrap();
    assert_eq!(composer.based_on, Some(2));
    assert!(composer.introduction_md.contains("tavoli territoriali"));

    // Compared: the introduction's line and the project's title changed.
    let diff = versions::compare(&anonymous(&demo), MILANO, 1, 2)
        .await
        .unwrap();
    assert_eq!((diff.from.number, diff.to.number), (1, 2));
    assert_eq!(diff.versions, vec![1, 2]);
    let lines: Vec<_> = diff.hunks.iter().flat_map(|h| h.lines.iter()).collect();
    assert!(lines.iter().any(|l| l.change == LineChange::Removed
        && l.text == "Il piano nasce dalla **Mappa delle idee**."));
    assert!(
        lines
            .iter()
            .any(|l| l.change == LineChange::Added && l.text.contains("tavoli territoriali"))
    );
    assert!(lines.iter().any(|l| l.change == LineChange::Added
        && l.text.contains("Cantiere rinominato della pianificazione")));
    assert_eq!(
        diff.added,
        lines
            .iter()
            .filter(|l| l.change == LineChange::Added)
            .count()
    );
    assert!(diff.removed >= 2);
    let same = versions::compare(&anonymous(&demo), MILANO, 2, 2)
        .await
        .unwrap();
    assert!(same.hunks.is_empty() && same.added == 0 && same.removed == 0);
    assert_eq!(
        field_of(versions::compare(&anonymous(&demo), MILANO, 1, 9).await),
        ("a".to_owned(), FieldProblem::NotRecognized)
    );
    assert!(matches!(
        versions::version(&anonymous(&demo), MILANO, 9).await,
        Err(ServiceError::NotFound(_))
    ));
}
