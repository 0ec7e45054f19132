//! A facilitator of one municipality cannot reach another's official
//! figures: a DUP edition serves only its own organization's processes.

use shared::model::common::Refusal;
use shared::service::dup::editions;
use shared::testing::dup::edition_of;
use shared::testing::{MILANO, PINEROLO, ctx, person, refusal};

use crate::helpers::{sign_in_demo, spawn_app};

#[tokio::test]
async fn a_process_cannot_attach_another_organizations_dup() {
    let app = spawn_app().await;
    let milano_dup = edition_of(&app, MILANO).await;
    let pinerolo_dup = edition_of(&app, PINEROLO).await;
    let facilitator = person(&app, "facilitator-pinerolo@demo.piazza.invalid").await;

    // Through the form: refused in words, nothing changed.
    let session = sign_in_demo(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    let answer = app
        .post_form(
            "/api/dup/attach",
            &[("process", PINEROLO), ("edizione", &milano_dup.to_string())],
            Some(&session),
        )
        .await;
    let error = answer.form_error().expect("refused");
    assert_eq!(
        error["Refused"], "edition_of_another_organization",
        "{error}"
    );
    assert_eq!(edition_of(&app, PINEROLO).await, pinerolo_dup);

    // Through the service, whoever asks: the same.
    let admin = person(&app, "admin@demo.piazza.invalid").await;
    for who in [&facilitator, &admin] {
        assert_eq!(
            refusal(editions::attach(&ctx(&app, who), PINEROLO, Some(milano_dup)).await),
            Refusal::EditionOfAnotherOrganization
        );
    }
    // Its own organization's edition, or none, is fine.
    editions::attach(&ctx(&app, &facilitator), PINEROLO, None)
        .await
        .unwrap();
    editions::attach(&ctx(&app, &facilitator), PINEROLO, Some(pinerolo_dup))
        .await
        .unwrap();
}
