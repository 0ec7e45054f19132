//! The DUP's file routes; roll-ups; coverage while counts are hidden.

use super::*;
use shared::testing::*;

/// A strategic objective counts what is linked to its operational
/// objectives: on Milano's demo plan, each strategic row holds at least
/// what each of its children holds, distinct supporters included, and no
/// strategic objective with a covered child is listed as uncovered.
#[tokio::test]
async fn strategic_objectives_roll_up_their_operational_objectives() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let edition = edition_of(&demo, MILANO).await;
    let coverage = links::coverage(&anon, MILANO, None, None).await.unwrap();
    let rows: Vec<_> = coverage
        .missions
        .iter()
        .flat_map(|m| m.objectives.iter())
        .collect();
    let mut checked = 0;
    for row in rows.iter().filter(|r| r.objective.code.starts_with("SeS")) {
        let parent = objective(&demo, edition, &row.objective.code).await;
        let children: Vec<_> = rows
            .iter()
            .filter(|r| r.objective.code.starts_with("SeO"))
            .filter(|r| r.objective.mission_code == row.objective.mission_code)
            .collect();
        for child in children {
            let child_row = objective(&demo, edition, &child.objective.code).await;
            if child_row.parent_id != Some(parent.id) {
                continue;
            }
            assert!(row.proposals >= child.proposals, "{}", row.objective.code);
            assert!(row.supporters >= child.supporters, "{}", row.objective.code);
            if child.proposals + child.projects > 0 {
                assert!(row.proposals > 0, "{} rolls up", row.objective.code);
                assert!(
                    !coverage.uncovered.iter().any(|o| o.id == row.objective.id),
                    "{} is covered through its children",
                    row.objective.code
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "the demo links operational objectives");
}

/// While a voting phase hides support counts, the coverage view hides its
/// supporters too (per objective and per mission), for everyone.
#[tokio::test]
async fn coverage_hides_supporters_while_the_voting_phase_hides_counts() {
    let demo = demo_db().await;
    let alessandria = "piano-strategico-alessandria-2030";
    // Alessandria plans against its own DUP (a copy of Milano's tree).
    let milano_edition = edition_of(&demo, MILANO).await;
    let own = editions::copy_edition(
        &admin(&demo).await,
        milano_edition,
        &EditionInput::parse(
            "Comune di Alessandria",
            "DUP 2016–2018",
            "2016",
            "2018",
            false,
        )
        .unwrap(),
    )
    .await
    .unwrap();
    editions::attach(&admin(&demo).await, alessandria, Some(own))
        .await
        .unwrap();
    let anon = anonymous(&demo);
    let visible = links::coverage(&anon, alessandria, None, None)
        .await
        .unwrap();
    assert!(visible.missions.iter().all(|m| m.supporters.is_some()));
    demo.db
        .execute_unprepared(
            "UPDATE phases SET support_counts_visible = FALSE WHERE kind = 'voting' AND \
             process_id = (SELECT id FROM processes WHERE slug = 'piano-strategico-alessandria-2030')",
        )
        .await
        .unwrap();
    let hidden = links::coverage(&anon, alessandria, None, None)
        .await
        .unwrap();
    assert!(!hidden.missions.is_empty());
    assert!(hidden.missions.iter().all(|m| m.supporters.is_none()));
    assert!(
        hidden
            .missions
            .iter()
            .flat_map(|m| m.objectives.iter())
            .all(|r| r.supporters.is_none())
    );
}
