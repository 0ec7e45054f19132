//! What must never be shown: the public moderation log naming people or
//! republishing what is out of sight.

use sea_orm::{ActiveValue::Set, EntityTrait};
use shared::model::facilitation::ModerationDecision;
use shared::service::entity::moderation_entry;
use shared::service::facilitation::{blocks, moderation};
use shared::service::participation::comments;
use shared::testing::published_in;
use shared::testing::{PINEROLO, ctx, fresh_person, person, process_row};

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_public_moderation_log_names_no_person_and_no_hidden_proposal() {
    let app = spawn_app().await;
    let facilitator = person(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    let as_facilitator = ctx(&app, &facilitator);
    let log_path = format!("/processi/{PINEROLO}/registro-moderazione");

    // A block is public; who was blocked is not.
    let blocked = fresh_person(&app, "Ernesto Bloccabile").await;
    blocks::block(
        &as_facilitator,
        PINEROLO,
        blocked.id,
        "Insulti ripetuti ad altri",
    )
    .await
    .unwrap();
    let page = app.page(&log_path).await;
    assert!(page.contains("Una persona"), "the block is in the log");
    assert!(!page.contains("Ernesto Bloccabile"));
    // Blocks logged before this rule named the person: never shown.
    let process = process_row(&app, PINEROLO).await;
    moderation_entry::Entity::insert(moderation_entry::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        process_id: Set(process.id),
        action: Set("bloccato".to_owned()),
        target_kind: Set("persona".to_owned()),
        target_id: Set(Some(blocked.id)),
        target_label: Set("Ernesto Bloccabile".to_owned()),
        reason: Set("Un blocco di prima".to_owned()),
        moderator_id: Set(Some(facilitator.id)),
        created_at: Set(chrono::Utc::now()),
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
    let page = app.page(&log_path).await;
    assert!(page.contains("Un blocco di prima"));
    assert!(!page.contains("Ernesto Bloccabile"));

    // A comment restored on a visible proposal names the proposal...
    let proposal = published_in(&app, PINEROLO, "servizi-online").await[0];
    let title = shared::testing::proposal_row(&app, proposal).await.title;
    let citizen = person(&app, "citizen@demo.piazza.invalid").await;
    let comment = comments::post(
        &ctx(&app, &citizen),
        proposal,
        None,
        "Un commento.",
        "neutro",
    )
    .await
    .unwrap();
    for decision in [ModerationDecision::Hide, ModerationDecision::Restore] {
        moderation::decide(&as_facilitator, "commento", comment, decision, "Verifica")
            .await
            .unwrap();
    }
    assert!(app.page(&log_path).await.contains(&title));
    // ...until the proposal goes out of sight: then no entry names it, old or new.
    moderation::decide(
        &as_facilitator,
        "proposta",
        proposal,
        ModerationDecision::Hide,
        "Dati personali",
    )
    .await
    .unwrap();
    for decision in [ModerationDecision::Hide, ModerationDecision::Restore] {
        moderation::decide(&as_facilitator, "commento", comment, decision, "Di nuovo")
            .await
            .unwrap();
    }
    let page = app.page(&log_path).await;
    assert!(page.contains("Di nuovo"), "the later decisions are logged");
    assert!(
        !page.contains(&title),
        "the log republishes a hidden proposal's title"
    );
}
