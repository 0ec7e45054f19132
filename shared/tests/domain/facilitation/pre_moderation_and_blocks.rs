//! Pre-moderation holds new content until approved; blocks hide a person and refuse them.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn pre_moderation_holds_new_proposals_until_approved() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&demo, &facilitator);
    moderation::set_settings(&as_facilitator, PINEROLO, true, 3)
        .await
        .unwrap();
    assert!(process_row(&demo, PINEROLO).await.pre_moderation);
    let author = fresh_person(&demo, "Autore In Attesa").await;
    let other = fresh_person(&demo, "Altra Cittadina").await;
    let stats_before = read::detail(&anon, PINEROLO).await.unwrap();
    let platform_count = |detail: &shared::model::ProcessDetail| {
        detail
            .platforms
            .iter()
            .find(|p| p.slug == "servizi-online")
            .unwrap()
            .proposal_count
    };

    let title = "Prenotazione online delle sale civiche";
    let id = authoring::create(
        &ctx(&demo, &author),
        PINEROLO,
        "servizi-online",
        &input(title),
    )
    .await
    .unwrap();
    assert_eq!(proposal_row(&demo, id).await.visibility, "in_attesa");
    // Its author and the facilitator read it; nobody else even finds it.
    let own = proposals::detail(&ctx(&demo, &author), id).await.unwrap();
    assert_eq!(
        (own.title.as_str(), own.visibility),
        (title, Visibility::Pending)
    );
    assert_eq!(
        proposals::detail(&as_facilitator, id).await.unwrap().title,
        title
    );
    for viewer in [ctx(&demo, &other), anon.clone()] {
        assert!(matches!(
            proposals::detail(&viewer, id).await,
            Err(ServiceError::NotFound(_))
        ));
    }
    assert!(!listed(&anon, PINEROLO).await.contains(&id));
    assert!(!listed(&ctx(&demo, &author), PINEROLO).await.contains(&id));
    let stats_now = read::detail(&anon, PINEROLO).await.unwrap();
    assert_eq!(stats_now.stats.proposals, stats_before.stats.proposals);
    assert_eq!(platform_count(&stats_now), platform_count(&stats_before));
    assert!(matches!(
        supports::give(&ctx(&demo, &other), id).await,
        Err(ServiceError::NotFound(_))
    ));

    // The queue holds it, and the dashboard counts it.
    let queue = queue::queue(&as_facilitator, PINEROLO, None).await.unwrap();
    assert!(queue.pre_moderation);
    let item = queue
        .items
        .iter()
        .find(|i| i.target_id == id)
        .expect("the new proposal waits");
    assert_eq!(
        (item.target_kind, item.visibility, item.author_id),
        (TargetKind::Proposal, Visibility::Pending, Some(author.id))
    );
    assert_eq!(
        dashboard::overview(&as_facilitator, PINEROLO, None)
            .await
            .unwrap()
            .queue_total,
        1
    );

    // Approved: everyone sees it.
    moderation::decide(
        &as_facilitator,
        "proposta",
        id,
        ModerationDecision::Approve,
        "",
    )
    .await
    .unwrap();
    assert_eq!(proposal_row(&demo, id).await.visibility, "visibile");
    assert!(listed(&anon, PINEROLO).await.contains(&id));
    assert_eq!(
        proposals::detail(&ctx(&demo, &other), id)
            .await
            .unwrap()
            .title,
        title
    );
    let stats_after = read::detail(&anon, PINEROLO).await.unwrap();
    assert_eq!(
        stats_after.stats.proposals,
        stats_before.stats.proposals + 1
    );
    assert_eq!(
        platform_count(&stats_after),
        platform_count(&stats_before) + 1
    );
    assert!(
        logged(
            &public_log(&demo, PINEROLO).await,
            ModerationAction::Approved,
            &format!("/proposte/{id}")
        )
        .is_some()
    );
    assert_eq!(
        refusal(
            moderation::decide(
                &as_facilitator,
                "proposta",
                id,
                ModerationDecision::Approve,
                ""
            )
            .await
        ),
        Refusal::ModerationStale
    );
    assert!(
        queue::queue(&as_facilitator, PINEROLO, None)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn pre_moderated_comments_count_and_notify_only_once_approved() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&demo, &facilitator);
    moderation::set_settings(&as_facilitator, PINEROLO, true, 3)
        .await
        .unwrap();
    let target = published_in(&demo, PINEROLO, "territorio-connesso").await[0];
    let follower = fresh_person(&demo, "Chi Segue").await;
    authoring::follow(&ctx(&demo, &follower), target, true)
        .await
        .unwrap();
    let commenter = fresh_person(&demo, "Commentatrice In Attesa").await;
    let reader = fresh_person(&demo, "Lettore").await;
    let before = proposal_row(&demo, target).await.comment_count;

    let id = comments::post(
        &ctx(&demo, &commenter),
        target,
        None,
        "Un commento che aspetta il moderatore.",
        "favore",
    )
    .await
    .unwrap();
    assert_eq!(comment_row(&demo, id).await.visibility, "in_attesa");
    assert_eq!(proposal_row(&demo, target).await.comment_count, before);
    for viewer in [anon.clone(), ctx(&demo, &reader)] {
        let page = comments::list(&viewer, target, None).await.unwrap();
        assert!(!flatten(&page.threads).iter().any(|c| c.id == id));
        assert_eq!(page.total, before as u64);
    }
    assert!(
        comment_seen(&ctx(&demo, &commenter), target, id)
            .await
            .unwrap()
            .mine
    );
    assert!(
        comment_seen(&as_facilitator, target, id)
            .await
            .unwrap()
            .body_html
            .contains("aspetta il moderatore")
    );
    assert_eq!(notified_of_comment(&demo, follower.id, id).await, 0);
    assert!(
        queue::queue(&as_facilitator, PINEROLO, None)
            .await
            .unwrap()
            .items
            .iter()
            .any(|i| i.target_id == id && i.target_kind == TargetKind::Comment)
    );

    moderation::decide(
        &as_facilitator,
        "commento",
        id,
        ModerationDecision::Approve,
        "",
    )
    .await
    .unwrap();
    assert_eq!(comment_row(&demo, id).await.visibility, "visibile");
    assert_eq!(proposal_row(&demo, target).await.comment_count, before + 1);
    assert_eq!(notified_of_comment(&demo, follower.id, id).await, 1);
    let seen = comment_seen(&ctx(&demo, &reader), target, id)
        .await
        .unwrap();
    assert!(seen.body_html.contains("aspetta il moderatore"));
    assert_eq!(
        comments::list(&anon, target, None).await.unwrap().total,
        before as u64 + 1
    );
}

#[tokio::test]
async fn a_blocked_person_is_hidden_and_refused_until_unblocked() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatrice Pinerolo").await;
    let as_facilitator = ctx(&demo, &facilitator);
    let alessandria_facilitator =
        process_facilitator(&demo, ALESSANDRIA, "Facilitatore Alessandria").await;
    let target = fresh_person(&demo, "Persona Da Bloccare").await;
    let as_target = ctx(&demo, &target);
    let mine = authoring::create(
        &as_target,
        PINEROLO,
        "servizi-online",
        &input("Una proposta scritta prima del blocco"),
    )
    .await
    .unwrap();
    let elsewhere = published_in(&demo, PINEROLO, "inclusione-digitale").await[0];
    let said = comments::post(
        &as_target,
        elsewhere,
        None,
        "Un commento scritto prima del blocco.",
        "neutro",
    )
    .await
    .unwrap();

    // A reason is required.
    assert_eq!(
        field_of(blocks::block(&as_facilitator, PINEROLO, target.id, "no").await),
        ("motivo".to_owned(), FieldProblem::TooShort { min: 5 })
    );
    assert_eq!(
        process_block::Entity::find().count(&demo.db).await.unwrap(),
        0
    );
    assert!(matches!(
        blocks::block(&as_facilitator, PINEROLO, facilitator.id, "Per prova").await,
        Err(ServiceError::Forbidden)
    ));

    blocks::block(
        &as_facilitator,
        PINEROLO,
        target.id,
        "Insulti ripetuti ad altri partecipanti",
    )
    .await
    .unwrap();
    assert_eq!(proposal_row(&demo, mine).await.visibility, "bloccata");
    assert_eq!(comment_row(&demo, said).await.visibility, "bloccata");
    assert!(!listed(&anon, PINEROLO).await.contains(&mine));
    let veiled = comment_seen(&anon, elsewhere, said).await.unwrap();
    assert_eq!(
        (veiled.body_html.as_str(), veiled.visibility),
        ("", Visibility::Blocked)
    );
    assert_eq!(
        refusal(
            authoring::create(
                &as_target,
                PINEROLO,
                "servizi-online",
                &input("Una proposta scritta durante il blocco"),
            )
            .await
        ),
        Refusal::Blocked
    );
    assert_eq!(
        refusal(comments::post(&as_target, elsewhere, None, "Ci riprovo.", "neutro").await),
        Refusal::Blocked
    );
    // A second block changes nothing.
    blocks::block(&as_facilitator, PINEROLO, target.id, "Ancora una volta")
        .await
        .unwrap();
    let pinerolo = process_row(&demo, PINEROLO).await;
    assert_eq!(
        process_block::Entity::find()
            .filter(process_block::Column::ProcessId.eq(pinerolo.id))
            .count(&demo.db)
            .await
            .unwrap(),
        1
    );
    let queue = queue::queue(&as_facilitator, PINEROLO, None).await.unwrap();
    assert_eq!(queue.blocked.len(), 1);
    assert_eq!(
        (queue.blocked[0].user_id, queue.blocked[0].reason.as_str()),
        (target.id, "Insulti ripetuti ad altri partecipanti")
    );
    let log = public_log(&demo, PINEROLO).await;
    let blocks: Vec<_> = log
        .iter()
        .filter(|e| e.action == ModerationAction::Blocked)
        .collect();
    assert_eq!(blocks.len(), 1, "logged once");
    assert_eq!(blocks[0].target_kind, TargetKind::Person);
    assert_eq!(blocks[0].reason, "Insulti ripetuti ad altri partecipanti");
    // The public log never names the person.
    assert_eq!(blocks[0].target_label, "Una persona");
    assert!(
        log.iter()
            .all(|e| !e.target_label.contains(&target.display_name))
    );

    // Blocked in the voting process too: supporting is refused there.
    blocks::block(
        &ctx(&demo, &alessandria_facilitator),
        ALESSANDRIA,
        target.id,
        "Stesso comportamento anche qui",
    )
    .await
    .unwrap();
    let voted = published_in(&demo, ALESSANDRIA, "mobilita").await[0];
    let supports_before = proposal_row(&demo, voted).await.support_count;
    assert_eq!(
        refusal(supports::give(&as_target, voted).await),
        Refusal::Blocked
    );
    assert_eq!(
        proposal_row(&demo, voted).await.support_count,
        supports_before
    );

    // Unblocked in Pinerolo: everything shows again, taking part works again.
    assert_eq!(
        field_of(blocks::unblock(&as_facilitator, PINEROLO, target.id, "ok").await).0,
        "motivo"
    );
    blocks::unblock(
        &as_facilitator,
        PINEROLO,
        target.id,
        "Chiarimento avvenuto con la persona",
    )
    .await
    .unwrap();
    assert_eq!(proposal_row(&demo, mine).await.visibility, "visibile");
    assert_eq!(comment_row(&demo, said).await.visibility, "visibile");
    assert!(listed(&anon, PINEROLO).await.contains(&mine));
    comments::post(
        &as_target,
        elsewhere,
        None,
        "Grazie del chiarimento.",
        "favore",
    )
    .await
    .expect("commenting works again");
    authoring::create(
        &as_target,
        PINEROLO,
        "servizi-online",
        &input("Una proposta scritta dopo il blocco"),
    )
    .await
    .expect("proposing works again");
    let log = public_log(&demo, PINEROLO).await;
    let unblocked = log
        .iter()
        .find(|e| e.action == ModerationAction::Unblocked)
        .expect("the unblock is logged");
    assert_eq!(unblocked.reason, "Chiarimento avvenuto con la persona");
    // Alessandria still blocks until its own facilitators decide.
    assert_eq!(
        refusal(supports::give(&as_target, voted).await),
        Refusal::Blocked
    );
    blocks::unblock(
        &ctx(&demo, &alessandria_facilitator),
        ALESSANDRIA,
        target.id,
        "Chiarimento avvenuto anche qui",
    )
    .await
    .unwrap();
    assert!(supports::give(&as_target, voted).await.unwrap().changed);
}
