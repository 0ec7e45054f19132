//! Comments: threads three deep, votes, edits, tombstones and pages.

use super::*;

/// Walks every page of a proposal's top-level comments; returns the ids per page.
async fn comment_pages(viewer: &Ctx, id: Uuid) -> Vec<Vec<Uuid>> {
    let mut pages = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = comments::list(viewer, id, after.as_deref()).await.unwrap();
        pages.push(page.threads.iter().map(|c| c.id).collect());
        match page.next {
            Some(next) => after = Some(next),
            None => return pages,
        }
        assert!(pages.len() < 10, "pagination ends");
    }
}

#[tokio::test]
async fn top_level_comments_page_by_twenty_without_overlap() {
    let app = spawn_app().await;
    let a = person(&app, "citizen@demo.piazza.invalid").await;
    let b = person(&app, "citizen-2@demo.piazza.invalid").await;
    let viewer = Ctx::new(app.db.clone(), Actor::Anonymous);

    // As the server does it: each comment at the real current time.
    let id = first_published(&app, PINEROLO).await;
    let mut posted = Vec::new();
    for n in 0..25 {
        let who = if n % 2 == 0 { &a } else { &b };
        posted.push(
            comments::post(
                &ctx(&app, who),
                id,
                None,
                &format!("Commento numero {n}"),
                "neutro",
            )
            .await
            .unwrap(),
        );
    }
    // A reply does not take a place on the page.
    comments::post(&ctx(&app, &a), id, Some(posted[24]), "Risposta", "neutro")
        .await
        .unwrap();
    let first = comments::list(&viewer, id, None).await.unwrap();
    assert_eq!(first.threads.len(), 20);
    assert_eq!(first.total, 26);
    let cursor = first.next.clone().expect("a second page");
    let pages = comment_pages(&viewer, id).await;
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![20, 5],
        "the second page holds the other five, none repeated"
    );
    assert_eq!(pages.concat(), posted, "oldest first, every comment once");
    let second = comments::list(&viewer, id, Some(&cursor)).await.unwrap();
    assert!(second.next.is_none());
    assert_eq!(second.threads[4].replies.len(), 1);
    assert!(matches!(
        comments::list(&viewer, id, Some("non-un-cursore")).await,
        Err(ServiceError::InvalidInput { .. })
    ));
    // Through the page too: the second page link works.
    let html = app
        .page(&format!("/proposte/{id}?commenti={}", encode(&cursor)))
        .await;
    assert!(html.contains("Commento numero 24"));
    assert!(!html.contains("Commento numero 19<"));

    // Comments posted in the same instant are told apart by their id.
    let other = published_in(&app, PINEROLO, "inclusione-digitale").await[0];
    let instant = Utc::now() - Duration::minutes(5);
    let mut tied = Vec::new();
    for n in 0..23 {
        let at = Ctx {
            now: instant + Duration::microseconds(n / 4),
            ..ctx(&app, &b)
        };
        tied.push(
            comments::post(&at, other, None, &format!("Insieme {n}"), "neutro")
                .await
                .unwrap(),
        );
    }
    let pages = comment_pages(&viewer, other).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), vec![20, 3]);
    assert_eq!(pages.concat(), tied);
}
