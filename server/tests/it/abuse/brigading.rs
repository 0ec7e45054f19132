//! Three fake accounts cannot silence a rival: reports from new accounts do
//! not hide anything on their own, and during a vote a reported proposal
//! stays in the vote until a moderator decides. Every report still reaches
//! the moderators' queue.

use shared::model::common::Visibility;
use shared::service::facilitation::{queue, reports};
use shared::service::participation::supports;
use shared::testing::published_in;
use shared::testing::{
    ALESSANDRIA, PINEROLO, ctx, fresh_person, person, proposal_row, trusted_person,
};

use crate::helpers::spawn_app;

#[tokio::test]
async fn fake_accounts_cannot_take_a_proposal_out_of_sight_or_out_of_a_vote() {
    let app = spawn_app().await;
    // Pinerolo collects proposals; its threshold is the demo's.
    let target = published_in(&app, PINEROLO, "servizi-online").await[0];
    let threshold = shared::testing::process_row(&app, PINEROLO)
        .await
        .report_threshold;
    for n in 0..threshold + 2 {
        let fake = fresh_person(&app, &format!("Account nuovo {n}")).await;
        reports::report(&ctx(&app, &fake), "proposta", target, "spam", "")
            .await
            .unwrap();
    }
    let row = proposal_row(&app, target).await;
    assert_eq!(
        row.visibility,
        Visibility::Visible.as_str(),
        "new accounts hid it"
    );
    assert!(row.report_count >= threshold);
    let page = app.get(&format!("/proposte/{target}")).await;
    assert_eq!(page.status, 200);
    // The moderators see it waiting for them.
    let moderator = person(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    let waiting = queue::queue(&ctx(&app, &moderator), PINEROLO, None)
        .await
        .unwrap();
    assert!(format!("{waiting:?}").contains(&target.to_string()));
    // People with some history are believed.
    for n in 0..threshold {
        let known = trusted_person(&app, &format!("Partecipante di lunga data {n}")).await;
        reports::report(&ctx(&app, &known), "proposta", target, "spam", "")
            .await
            .unwrap();
    }
    assert_eq!(
        proposal_row(&app, target).await.visibility,
        Visibility::Reported.as_str()
    );

    // Alessandria is voting: even believed reports leave the proposal in
    // the vote until a moderator decides.
    let voted = published_in(&app, ALESSANDRIA, "mobilita").await[0];
    let threshold = shared::testing::process_row(&app, ALESSANDRIA)
        .await
        .report_threshold;
    for n in 0..threshold + 1 {
        let known = trusted_person(&app, &format!("Elettore di lunga data {n}")).await;
        reports::report(&ctx(&app, &known), "proposta", voted, "fuori_tema", "")
            .await
            .unwrap();
    }
    assert_eq!(
        proposal_row(&app, voted).await.visibility,
        Visibility::Visible.as_str()
    );
    let voter = fresh_person(&app, "Votante").await;
    supports::give(&ctx(&app, &voter), voted)
        .await
        .expect("still in the vote");
}
