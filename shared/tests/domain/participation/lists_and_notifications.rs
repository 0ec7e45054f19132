//! The newest-first list never repeats; authors hear about comments and answers.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn newest_first_pages_of_new_proposals_never_repeat() {
    let demo = demo_db().await;
    let viewer = Ctx::new(demo.db.clone(), Actor::Anonymous);
    // 21 new proposals (the spam brake allows ten an hour each), at the
    // real current time as the server writes them.
    let mut people = Vec::new();
    for n in 0..3 {
        people.push(fresh_person(&demo, &format!("Autrice {n}")).await);
    }
    let mut created = Vec::new();
    for n in 0..21 {
        created.push(
            propose(
                &demo,
                &people[n % 3],
                PINEROLO,
                "servizi-online",
                &format!("Proposta numero {n} sui servizi online"),
                BODY,
            )
            .await,
        );
    }
    let mut seen = Vec::new();
    let mut lengths = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let query = ProposalListParams {
            ordine: Some("recenti".into()),
            dopo: after.clone(),
            ..Default::default()
        }
        .parse(1)
        .unwrap();
        let page = proposals::list(&viewer, PINEROLO, &query).await.unwrap();
        assert_eq!(page.total, 40);
        lengths.push(page.items.len());
        seen.extend(page.items.iter().map(|c| c.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
        assert!(lengths.len() < 10, "pagination ends");
    }
    assert_eq!(lengths, vec![20, 20], "40 proposals in two pages");
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        40,
        "no proposal repeated or skipped"
    );
    let newest: Vec<Uuid> = created.iter().rev().copied().collect();
    assert_eq!(&seen[..21], &newest[..], "newest first");
}
