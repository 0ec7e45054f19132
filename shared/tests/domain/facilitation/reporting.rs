//! Reports hide content at the threshold until a moderator decides.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn distinct_reports_hide_at_the_threshold_until_a_moderator_restores() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let moderator = process_facilitator(&demo, PINEROLO, "Moderatrice Pinerolo").await;
    moderation::set_settings(&ctx(&demo, &moderator), PINEROLO, false, 2)
        .await
        .unwrap();
    let stored = process_row(&demo, PINEROLO).await;
    assert_eq!((stored.pre_moderation, stored.report_threshold), (false, 2));
    assert_eq!(
        field_of(moderation::set_settings(&ctx(&demo, &moderator), PINEROLO, false, 0).await).0,
        "soglia"
    );
    assert_eq!(process_row(&demo, PINEROLO).await.report_threshold, 2);

    let author = fresh_person(&demo, "Autrice Segnalata").await;
    let first = trusted_person(&demo, "Ermenegilda Segnalatrice").await;
    let second = trusted_person(&demo, "Gualtiero Segnalatore").await;
    let id = authoring::create(
        &ctx(&demo, &author),
        PINEROLO,
        "servizi-online",
        &input("Bacheca digitale per gli annunci del quartiere"),
    )
    .await
    .unwrap();
    let link = format!("/proposte/{id}");

    // One report: still visible and listed.
    reports::report(
        &ctx(&demo, &first),
        "proposta",
        id,
        "spam",
        "Sembra pubblicità",
    )
    .await
    .unwrap();
    let row = proposal_row(&demo, id).await;
    assert_eq!((row.visibility.as_str(), row.report_count), ("visibile", 1));
    assert!(listed(&anon, PINEROLO).await.contains(&id));
    // The same person again: nothing changes.
    reports::report(&ctx(&demo, &first), "proposta", id, "offensivo", "")
        .await
        .unwrap();
    let row = proposal_row(&demo, id).await;
    assert_eq!((row.visibility.as_str(), row.report_count), ("visibile", 1));
    assert_eq!(
        report::Entity::find()
            .filter(report::Column::TargetId.eq(id))
            .count(&demo.db)
            .await
            .unwrap(),
        1
    );
    // Nobody reports their own proposal; "altro" needs a note.
    assert!(matches!(
        reports::report(&ctx(&demo, &author), "proposta", id, "spam", "").await,
        Err(ServiceError::Forbidden)
    ));
    assert_eq!(
        field_of(reports::report(&ctx(&demo, &second), "proposta", id, "altro", " ").await).0,
        "nota"
    );
    assert!(matches!(
        reports::report(&anon, "proposta", id, "spam", "").await,
        Err(ServiceError::Unauthenticated)
    ));
    assert_eq!(proposal_row(&demo, id).await.report_count, 1);

    // The queue shows the open report with its reason, never who gave it.
    let queue = queue::queue(&ctx(&demo, &moderator), PINEROLO, None)
        .await
        .unwrap();
    assert_eq!(queue.report_threshold, 2);
    let item = queue
        .items
        .iter()
        .find(|i| i.target_id == id)
        .expect("the reported proposal waits in the queue");
    assert_eq!(item.target_kind, TargetKind::Proposal);
    assert_eq!(item.visibility, Visibility::Visible);
    assert_eq!(item.report_count, 1);
    assert_eq!(
        item.reasons,
        vec![(ReportReason::Spam, "Sembra pubblicità".to_owned())]
    );
    let queue_text = serde_json::to_string(&queue).unwrap();
    assert!(!queue_text.contains(&first.display_name));
    assert!(!queue_text.contains(&first.id.to_string()));

    // A second, distinct report reaches the threshold: out of sight.
    reports::report(&ctx(&demo, &second), "proposta", id, "fuori_tema", "")
        .await
        .unwrap();
    let row = proposal_row(&demo, id).await;
    assert_eq!(
        (row.visibility.as_str(), row.report_count),
        ("segnalata", 2)
    );
    assert!(!listed(&anon, PINEROLO).await.contains(&id));
    let seen = proposals::detail(&anon, id).await.unwrap();
    assert_eq!(seen.title, "");
    assert_eq!(seen.body_html, "");
    assert_eq!(seen.visibility, Visibility::Reported);
    let other = trusted_person(&demo, "Passante").await;
    assert_eq!(
        proposals::detail(&ctx(&demo, &other), id)
            .await
            .unwrap()
            .title,
        ""
    );
    // Its author and the moderators still read it.
    assert_eq!(
        proposals::detail(&ctx(&demo, &author), id)
            .await
            .unwrap()
            .title,
        "Bacheca digitale per gli annunci del quartiere"
    );
    let as_moderator = proposals::detail(&ctx(&demo, &moderator), id)
        .await
        .unwrap();
    assert_eq!(
        as_moderator.title,
        "Bacheca digitale per gli annunci del quartiere"
    );
    assert!(as_moderator.viewer.can_moderate);
    // Out of sight, it takes no more reports (and no supports).
    reports::report(&ctx(&demo, &other), "proposta", id, "spam", "")
        .await
        .unwrap();
    assert_eq!(proposal_row(&demo, id).await.report_count, 2);

    // The public log says it was hidden by reports, and never who reported.
    let log = moderation::public_log(&anon, PINEROLO, None).await.unwrap();
    let entry = logged(&log.entries, ModerationAction::AutoHidden, &link)
        .expect("the log records the automatic hiding");
    assert_eq!(entry.target_kind, TargetKind::Proposal);
    // The log names it neutrally: it must not republish what it hides.
    assert_eq!(entry.target_label, "Una proposta");
    let log_text = serde_json::to_string(&log).unwrap();
    assert!(!log_text.contains("Bacheca digitale per gli annunci del quartiere"));
    for reporter in [&first, &second] {
        assert!(!log_text.contains(&reporter.display_name), "{log_text}");
        assert!(!log_text.contains(&reporter.id.to_string()));
    }
    assert!(!log_text.contains(&moderator.display_name));

    // A moderator restores it, with a reason.
    assert_eq!(
        field_of(
            moderation::decide(
                &ctx(&demo, &moderator),
                "proposta",
                id,
                ModerationDecision::Restore,
                "ok"
            )
            .await
        ),
        ("motivo".to_owned(), FieldProblem::TooShort { min: 5 })
    );
    assert_eq!(proposal_row(&demo, id).await.visibility, "segnalata");
    moderation::decide(
        &ctx(&demo, &moderator),
        "proposta",
        id,
        ModerationDecision::Restore,
        "Contenuto conforme alle regole del percorso",
    )
    .await
    .unwrap();
    let row = proposal_row(&demo, id).await;
    assert_eq!((row.visibility.as_str(), row.report_count), ("visibile", 0));
    assert!(listed(&anon, PINEROLO).await.contains(&id));
    assert_eq!(
        proposals::detail(&anon, id).await.unwrap().title,
        "Bacheca digitale per gli annunci del quartiere"
    );
    let open_reports = report::Entity::find()
        .filter(report::Column::TargetId.eq(id))
        .filter(report::Column::ResolvedAt.is_null())
        .count(&demo.db)
        .await
        .unwrap();
    assert_eq!(open_reports, 0, "the restore resolves the reports");
    let log = public_log(&demo, PINEROLO).await;
    let restored = logged(&log, ModerationAction::Restored, &link).expect("restored in the log");
    assert_eq!(
        restored.reason,
        "Contenuto conforme alle regole del percorso"
    );
    assert!(
        !queue::queue(&ctx(&demo, &moderator), PINEROLO, None)
            .await
            .unwrap()
            .items
            .iter()
            .any(|i| i.target_id == id)
    );
}

#[tokio::test]
async fn reported_comments_are_veiled_for_others_until_restored() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let moderator = platform_facilitator(&demo, PINEROLO, "servizi-online", "Moderatore").await;
    let pinerolo_facilitator = process_facilitator(&demo, PINEROLO, "Facilitatrice").await;
    moderation::set_settings(&ctx(&demo, &pinerolo_facilitator), PINEROLO, false, 2)
        .await
        .unwrap();
    let target = published_in(&demo, PINEROLO, "servizi-online").await[0];
    let commenter = fresh_person(&demo, "Commentatore Segnalato").await;
    let first = trusted_person(&demo, "Ermenegilda Segnalatrice").await;
    let second = trusted_person(&demo, "Gualtiero Segnalatore").await;
    let reader = fresh_person(&demo, "Lettrice").await;
    let text = "Un commento che qualcuno troverà fuori luogo.";
    let id = comments::post(&ctx(&demo, &commenter), target, None, text, "contro")
        .await
        .unwrap();
    let counted = proposal_row(&demo, target).await.comment_count;
    let link = format!("/proposte/{target}#commento-{id}");

    reports::report(&ctx(&demo, &first), "commento", id, "offensivo", "")
        .await
        .unwrap();
    reports::report(&ctx(&demo, &first), "commento", id, "spam", "")
        .await
        .unwrap();
    let row = comment_row(&demo, id).await;
    assert_eq!((row.visibility.as_str(), row.report_count), ("visibile", 1));
    assert!(matches!(
        reports::report(&ctx(&demo, &commenter), "commento", id, "spam", "").await,
        Err(ServiceError::Forbidden)
    ));
    assert!(
        comment_seen(&anon, target, id)
            .await
            .unwrap()
            .body_html
            .contains("fuori luogo")
    );

    reports::report(&ctx(&demo, &second), "commento", id, "offensivo", "")
        .await
        .unwrap();
    let row = comment_row(&demo, id).await;
    assert_eq!(
        (row.visibility.as_str(), row.report_count),
        ("segnalata", 2)
    );
    // Others see a placeholder that keeps its place, without text or author.
    for viewer in [anon.clone(), ctx(&demo, &reader)] {
        let seen = comment_seen(&viewer, target, id)
            .await
            .expect("a placeholder keeps its place");
        assert_eq!(seen.body_html, "");
        assert_eq!(seen.author_name, None);
        assert_eq!(seen.visibility, Visibility::Reported);
    }
    // Its author and the moderators still read it.
    let own = comment_seen(&ctx(&demo, &commenter), target, id)
        .await
        .unwrap();
    assert!(own.mine && own.body_html.contains("fuori luogo"));
    let moderated = comment_seen(&ctx(&demo, &moderator), target, id)
        .await
        .unwrap();
    assert!(moderated.body_html.contains("fuori luogo"));
    assert_eq!(
        proposal_row(&demo, target).await.comment_count,
        counted,
        "a reported comment keeps its place in the count"
    );
    let queue = queue::queue(&ctx(&demo, &moderator), PINEROLO, Some("servizi-online"))
        .await
        .unwrap();
    let item = queue
        .items
        .iter()
        .find(|i| i.target_id == id)
        .expect("the comment waits in the queue");
    assert_eq!(
        (item.target_kind, item.proposal_id, item.visibility),
        (TargetKind::Comment, target, Visibility::Reported)
    );

    let log = moderation::public_log(&anon, PINEROLO, None).await.unwrap();
    let entry =
        logged(&log.entries, ModerationAction::AutoHidden, &link).expect("the hiding is logged");
    assert_eq!(entry.target_kind, TargetKind::Comment);
    let log_text = serde_json::to_string(&log).unwrap();
    assert!(!log_text.contains(&first.display_name) && !log_text.contains(&second.display_name));

    // A platform moderator restores it.
    moderation::decide(
        &ctx(&demo, &moderator),
        "commento",
        id,
        ModerationDecision::Restore,
        "Critica legittima, nessuna offesa",
    )
    .await
    .unwrap();
    let row = comment_row(&demo, id).await;
    assert_eq!((row.visibility.as_str(), row.report_count), ("visibile", 0));
    let seen = comment_seen(&anon, target, id).await.unwrap();
    assert!(seen.body_html.contains("fuori luogo"));
    assert_eq!(seen.author_name.as_deref(), Some("Commentatore Segnalato"));
    assert!(
        logged(
            &public_log(&demo, PINEROLO).await,
            ModerationAction::Restored,
            &link
        )
        .is_some()
    );
    assert_eq!(proposal_row(&demo, target).await.comment_count, counted);
}
