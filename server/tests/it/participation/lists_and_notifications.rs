//! The newest-first list never repeats; authors hear about comments and answers.

use super::*;

// ---------------------------------------------------------------------------
// 7. Notifications
// ---------------------------------------------------------------------------

#[tokio::test]
async fn authors_hear_about_comments_and_answers() {
    let app = spawn_app().await;
    let author = person(&app, "citizen-2@demo.piazza.invalid").await;
    let commenter = person(&app, "citizen@demo.piazza.invalid").await;
    let facilitator = person(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    let as_author = ctx(&app, &author);
    let id = propose(
        &app,
        &author,
        PINEROLO,
        "territorio-connesso",
        "Fibra ottica nelle borgate di collina",
        BODY,
    )
    .await;
    let unread = async || {
        account::session_info(&as_author)
            .await
            .unwrap()
            .unread_notifications
    };
    let before = unread().await;

    comments::post(&ctx(&app, &commenter), id, None, "Finalmente!", "favore")
        .await
        .unwrap();
    comments::post(&as_author, id, None, "Grazie a tutti.", "favore")
        .await
        .unwrap();
    assert_eq!(
        unread().await,
        before + 1,
        "not told about one's own comment"
    );
    // Another platform's facilitator of another process may not answer.
    assert!(matches!(
        authoring::answer(
            &ctx(&app, &person(&app, "facilitator@demo.piazza.invalid").await),
            id,
            "accepted",
            ""
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    authoring::answer(
        &ctx(&app, &facilitator),
        id,
        "accepted",
        "La inseriremo nel piano della connettività.",
    )
    .await
    .unwrap();
    assert_eq!(proposal_row(&app, id).await.state, "accepted");
    assert_eq!(unread().await, before + 2);

    let page = inbox::list(&as_author, None).await.unwrap();
    let about_it: Vec<_> = page
        .items
        .iter()
        .filter(|n| n.proposal.as_ref().map(|p| p.key.clone()) == Some(id.to_string()))
        .collect();
    assert_eq!(about_it.len(), 2);
    assert_eq!(about_it[0].kind, NotificationKind::Answer, "newest first");
    assert_eq!(about_it[0].detail, "accepted");
    assert_eq!(about_it[1].kind, NotificationKind::NewComment);
    assert_eq!(about_it[1].detail, commenter.display_name);
    assert!(about_it.iter().all(|n| !n.read));
    assert_eq!(page.unread, before + 2);
    // The commenter, who does not follow it, heard nothing of the answer.
    assert!(
        inbox::list(&ctx(&app, &commenter), None)
            .await
            .unwrap()
            .items
            .iter()
            .all(|n| n.proposal.as_ref().map(|p| p.key.clone()) != Some(id.to_string()))
    );

    // Reading one, then all.
    let one = inbox::mark_read(&as_author, Some(about_it[1].id))
        .await
        .unwrap();
    assert_eq!(one, 1);
    assert_eq!(unread().await, before + 1);
    let rest = inbox::mark_read(&as_author, None).await.unwrap();
    assert_eq!(rest, before + 1);
    assert_eq!(unread().await, 0);
    assert_eq!(inbox::mark_read(&as_author, None).await.unwrap(), 0);
    // Through the router: the page loads, and the header shows no count.
    let cookie = sign_in_demo(&app, "citizen-2@demo.piazza.invalid").await;
    let html = app.get_as("/notifiche", &cookie).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains("Fibra ottica nelle borgate di collina"));
}
