//! Coverage counts each supporter once per objective and mission.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn coverage_counts_each_supporter_once_per_objective_and_mission() {
    let fx = coverage_fixture().await;
    let demo = &fx.demo;
    let anon = anonymous(demo);
    let (a, b) = (fx.objective("A").await, fx.objective("B").await);

    let p1 = fx
        .proposal("Certificati anagrafici online", "servizi-online", "centro")
        .await;
    let p2 = fx
        .proposal("Pagamenti online per la mensa", "servizi-online", "collina")
        .await;
    let p3 = fx
        .proposal(
            "Corsi di informatica per anziani",
            "inclusione-digitale",
            "centro",
        )
        .await;
    let p4 = fx
        .proposal(
            "Tablet in prestito in biblioteca",
            "inclusione-digitale",
            "frazioni-pianura",
        )
        .await;
    let p5 = fx
        .proposal("Wifi nella piazza del mercato", "servizi-online", "centro")
        .await;

    fx.open_voting().await;
    let x = fresh_person(demo, "Persona X").await;
    let y = fresh_person(demo, "Persona Y").await;
    for (who, id) in [(&x, p1), (&x, p2), (&y, p1), (&x, p3), (&x, p4)] {
        assert!(supports::give(&ctx(demo, who), id).await.unwrap().changed);
    }
    // An accepted proposal nobody links.
    authoring::answer(&ctx(demo, &fx.facilitator), p5, "accepted", "Accolta.")
        .await
        .unwrap();

    let coverage = links::coverage(&anon, PINEROLO, None, None).await.unwrap();
    assert_eq!(
        coverage.edition.as_ref().map(|e| e.key.clone()),
        Some(fx.edition.to_string())
    );
    assert_eq!(
        figures(&coverage),
        vec![row("A", 0, 0, 0), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );
    assert_eq!(codes(&coverage.uncovered), vec!["A", "B", "C"]);
    assert_eq!(
        coverage
            .unlinked
            .iter()
            .map(|u| (u.item, u.title.as_str(), u.platform.as_str()))
            .collect::<Vec<_>>(),
        vec![(
            PlanItem::Proposal(p5),
            "Wifi nella piazza del mercato",
            "Servizi online"
        )]
    );

    // Two proposals on A, both supported by X, one also by Y.
    fx.link(PlanItem::Proposal(p1), a).await;
    fx.link(PlanItem::Proposal(p2), a).await;
    let coverage = links::coverage(&anon, PINEROLO, None, None).await.unwrap();
    assert_eq!(
        figures(&coverage),
        vec![row("A", 2, 0, 2), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );

    // A project on A whose originals X supported: X still counts once.
    let project = projects::merge(
        &ctx(demo, &fx.facilitator),
        &[p3, p4],
        &project_input("Facilitazione digitale diffusa"),
    )
    .await
    .unwrap();
    let unlinked = links::coverage(&anon, PINEROLO, None, None)
        .await
        .unwrap()
        .unlinked;
    assert!(
        unlinked
            .iter()
            .any(|u| u.item == PlanItem::Project(project))
    );
    fx.link(PlanItem::Project(project), a).await;
    // P2 feeds B too.
    fx.link(PlanItem::Proposal(p2), b).await;

    let coverage = links::coverage(&anon, PINEROLO, None, None).await.unwrap();
    assert_eq!(
        figures(&coverage),
        vec![row("A", 2, 1, 2), row("B", 1, 0, 1), row("C", 0, 0, 0)]
    );
    assert_eq!(codes(&coverage.uncovered), vec!["C"]);
    assert_eq!(
        missions(&coverage),
        vec![("01".to_owned(), 2, 2), ("04".to_owned(), 0, 0)],
        "X counts once over the whole mission"
    );
    assert_eq!(
        coverage.missions[0].title,
        "Servizi istituzionali, generali e di gestione"
    );
    assert_eq!(
        coverage.unlinked.iter().map(|u| u.item).collect::<Vec<_>>(),
        vec![PlanItem::Proposal(p5)]
    );
    assert_eq!(coverage.zones.len(), 3);
    assert_eq!(coverage.platforms.len(), 4);
    assert_eq!(
        (coverage.zone.clone(), coverage.platform.clone()),
        (None, None)
    );

    // One zone: P1 is in the centre, P2 on the hill; the project counts in
    // the centre through P3, with the supporters of its originals there.
    let centre = links::coverage(&anon, PINEROLO, Some("centro"), None)
        .await
        .unwrap();
    assert_eq!(centre.zone.as_deref(), Some("centro"));
    assert_eq!(
        figures(&centre),
        vec![row("A", 1, 1, 2), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );
    assert_eq!(codes(&centre.uncovered), vec!["B", "C"]);
    assert_eq!(missions(&centre)[0], ("01".to_owned(), 1, 2));
    assert_eq!(
        centre.unlinked.iter().map(|u| u.item).collect::<Vec<_>>(),
        vec![PlanItem::Proposal(p5)]
    );
    let hill = links::coverage(&anon, PINEROLO, Some("collina"), None)
        .await
        .unwrap();
    assert_eq!(
        figures(&hill),
        vec![row("A", 1, 0, 1), row("B", 1, 0, 1), row("C", 0, 0, 0)]
    );
    assert_eq!(missions(&hill)[0], ("01".to_owned(), 2, 1));
    assert!(hill.unlinked.is_empty());
    let plain = links::coverage(&anon, PINEROLO, Some("frazioni-pianura"), None)
        .await
        .unwrap();
    assert_eq!(
        figures(&plain),
        vec![row("A", 0, 1, 1), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );

    // One platform.
    let online = links::coverage(&anon, PINEROLO, None, Some("servizi-online"))
        .await
        .unwrap();
    assert_eq!(online.platform.as_deref(), Some("servizi-online"));
    assert_eq!(
        figures(&online),
        vec![row("A", 2, 0, 2), row("B", 1, 0, 1), row("C", 0, 0, 0)]
    );
    assert_eq!(
        online.unlinked.iter().map(|u| u.item).collect::<Vec<_>>(),
        vec![PlanItem::Proposal(p5)]
    );
    let inclusion = links::coverage(&anon, PINEROLO, None, Some("inclusione-digitale"))
        .await
        .unwrap();
    assert_eq!(
        figures(&inclusion),
        vec![row("A", 0, 1, 1), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );
    assert_eq!(missions(&inclusion)[0], ("01".to_owned(), 1, 1));
    assert!(inclusion.unlinked.is_empty());
    // Both filters together.
    let both = links::coverage(
        &anon,
        PINEROLO,
        Some("collina"),
        Some("inclusione-digitale"),
    )
    .await
    .unwrap();
    assert_eq!(
        figures(&both),
        vec![row("A", 0, 0, 0), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );
    // Unknown filters name the field.
    assert_eq!(
        field_of(links::coverage(&anon, PINEROLO, Some("luna"), None).await).0,
        "zona"
    );
    assert_eq!(
        field_of(links::coverage(&anon, PINEROLO, None, Some("marte")).await).0,
        "piattaforma"
    );

    // The figures match the database, counted another way.
    let distinct_on_a = count_sql(
        demo,
        "SELECT COUNT(DISTINCT s.user_id) FROM supports s WHERE s.proposal_id IN \
         (SELECT proposal_id FROM dup_links WHERE objective_id = ? AND proposal_id IS NOT NULL \
          UNION SELECT m.id FROM proposals m JOIN dup_links l ON l.project_id = m.project_id \
          WHERE l.objective_id = ?)",
        vec![a.into(), a.into()],
    )
    .await;
    assert_eq!(distinct_on_a, 2);
}

/// Links to an objective of an edition the process no longer informs do
/// not count, neither per objective nor over the mission.
#[tokio::test]
async fn links_to_another_edition_do_not_count_in_coverage() {
    let fx = coverage_fixture().await;
    let demo = &fx.demo;
    let anon = anonymous(demo);
    let a = fx.objective("A").await;
    let p1 = fx
        .proposal("Certificati anagrafici online", "servizi-online", "centro")
        .await;
    let q = fx
        .proposal("Un'demo per le segnalazioni", "servizi-online", "centro")
        .await;
    fx.open_voting().await;
    let x = fresh_person(demo, "Persona X").await;
    let v = fresh_person(demo, "Persona V").await;
    supports::give(&ctx(demo, &x), p1).await.unwrap();
    supports::give(&ctx(demo, &v), q).await.unwrap();
    fx.link(PlanItem::Proposal(p1), a).await;

    // Q is linked while the old edition (same mission 01) is attached.
    editions::attach(&ctx(demo, &fx.facilitator), PINEROLO, Some(fx.old_edition))
        .await
        .unwrap();
    let old = objective(demo, fx.old_edition, "SeO-01.08.1").await;
    fx.link(PlanItem::Proposal(q), old.id).await;
    editions::attach(&ctx(demo, &fx.facilitator), PINEROLO, Some(fx.edition))
        .await
        .unwrap();

    let coverage = links::coverage(&anon, PINEROLO, None, None).await.unwrap();
    assert_eq!(
        figures(&coverage),
        vec![row("A", 1, 0, 1), row("B", 0, 0, 0), row("C", 0, 0, 0)]
    );
    assert_eq!(
        missions(&coverage)[0],
        ("01".to_owned(), 1, 1),
        "V supported only a proposal linked to the old edition"
    );
}

async fn coverage_fixture() -> Fixture {
    let app = demo_db().await;
    let facilitator = person(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    let old_edition = edition_of(&app, PINEROLO).await;
    let edition = new_edition_of(&app, "Comune di Pinerolo", "Copertura", true).await;
    imported(
        editions::import(
            &admin(&app).await,
            edition,
            &format!("{HEADER}{COVERAGE_DUP}"),
        )
        .await,
    );
    editions::attach(&ctx(&app, &facilitator), PINEROLO, Some(edition))
        .await
        .unwrap();
    assert_eq!(edition_of(&app, PINEROLO).await, edition);
    Fixture {
        demo: app,
        facilitator,
        edition,
        old_edition,
    }
}

/// `(proposals, projects, supporters)` of each objective, by code.
fn figures(coverage: &shared::model::dup::Coverage) -> Vec<(String, i64, i64, i64)> {
    coverage
        .missions
        .iter()
        .flat_map(|m| m.objectives.iter())
        .map(|r| {
            (
                r.objective.code.clone(),
                r.proposals,
                r.projects,
                r.supporters.expect("counts visible"),
            )
        })
        .collect()
}

/// `(mission, covered, supporters)`.
fn missions(coverage: &shared::model::dup::Coverage) -> Vec<(String, i64, i64)> {
    coverage
        .missions
        .iter()
        .map(|m| {
            (
                m.code.clone(),
                m.covered,
                m.supporters.expect("counts visible"),
            )
        })
        .collect()
}

fn row(code: &str, proposals: i64, projects: i64, supporters: i64) -> (String, i64, i64, i64) {
    (code.to_owned(), proposals, projects, supporters)
}

fn codes(objectives: &[shared::model::dup::ObjectiveRef]) -> Vec<&str> {
    objectives.iter().map(|o| o.code.as_str()).collect()
}

/// A small simplified edition: objectives A and B in mission 01, C in 04.
const COVERAGE_DUP: &str = "\
programma,08,01,,,Statistica e sistemi informativi,,,,,,,,
programma,02,04,,,Altri ordini di istruzione non universitaria,,,,,,,,
obiettivo_operativo,A,01,08,,Sportello online,,,,,,,,
obiettivo_operativo,B,01,08,,Dati aperti,,,,,,,,
obiettivo_operativo,C,04,02,,Scuole digitali,,,,,,,,
";

/// Pinerolo, with a new small edition attached and in its voting phase.
struct Fixture {
    demo: TestDb,
    facilitator: Person,
    edition: Uuid,
    old_edition: Uuid,
}

impl Fixture {
    /// A new proposal of Pinerolo by a new author.
    async fn proposal(&self, title: &str, platform: &str, zone: &str) -> Uuid {
        let author = fresh_person(&self.demo, &format!("Autore di {title}")).await;
        authoring::create(
            &ctx(&self.demo, &author),
            PINEROLO,
            platform,
            &ProposalInput::parse(title, BODY, Some(zone), None).unwrap(),
        )
        .await
        .unwrap()
    }

    /// From proposals, through deliberation, to voting.
    async fn open_voting(&self) {
        let process = process_row(&self.demo, PINEROLO).await;
        for _ in 0..2 {
            phases::advance(&ctx(&self.demo, &self.facilitator), process.id)
                .await
                .unwrap();
        }
    }

    async fn link(&self, item: PlanItem, objective: Uuid) -> Uuid {
        links::link(
            &ctx(&self.demo, &self.facilitator),
            item,
            &link_input(objective, "Collegata a mano per la prova.", "3"),
        )
        .await
        .unwrap()
    }

    async fn objective(&self, code: &str) -> Uuid {
        objective(&self.demo, self.edition, code).await.id
    }
}
