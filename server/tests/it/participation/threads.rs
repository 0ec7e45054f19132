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

#[tokio::test]
async fn a_long_thread_shows_ten_replies_and_pages_the_rest() {
    let app = spawn_app().await;
    let a = person(&app, "citizen@demo.piazza.invalid").await;
    let b = person(&app, "citizen-2@demo.piazza.invalid").await;
    let viewer = Ctx::new(app.db.clone(), Actor::Anonymous);
    let id = first_published(&app, PINEROLO).await;
    let root = comments::post(&ctx(&app, &a), id, None, "L'inizio", "neutro")
        .await
        .unwrap();
    // 64 replies; every eighth answers the reply before it (depth 3).
    let mut replies: Vec<Uuid> = Vec::new();
    for n in 0..64 {
        let who = if n % 2 == 0 { &a } else { &b };
        let parent = if n % 8 == 7 { replies[n - 1] } else { root };
        replies.push(
            comments::post(
                &ctx(&app, who),
                id,
                Some(parent),
                &format!("Risposta {n}"),
                "neutro",
            )
            .await
            .unwrap(),
        );
    }

    // The proposal's page: the first ten replies, and how many more.
    let page = comments::list(&viewer, id, None).await.unwrap();
    let thread = page.threads.iter().find(|t| t.id == root).unwrap();
    let shown: Vec<Uuid> = flatten(&thread.replies).iter().map(|c| c.id).collect();
    assert_eq!(shown.len(), 10);
    assert_eq!(thread.more_replies, 54);
    let cursor = thread.replies_next.clone().expect("a cursor to the rest");
    let html = app.get(&format!("/proposte/{id}")).await;
    assert!(
        html.body
            .contains("Altre 54 risposte in questa discussione"),
        "{}",
        html.body
    );
    let link = format!("/proposte/{id}/discussioni/{root}?risposte={cursor}");
    assert!(
        html.body.contains(&link),
        "the link to the rest of the thread"
    );

    // The thread's own pages: 50, then 4; every reply once, in order.
    let second = comments::thread(&viewer, id, root, Some(&cursor))
        .await
        .unwrap();
    let mut seen = shown.clone();
    seen.extend(flatten(&second.thread.replies).iter().map(|c| c.id));
    assert_eq!(seen.len(), 60);
    let next = second.next.clone().expect("a last page");
    let third = comments::thread(&viewer, id, root, Some(&next))
        .await
        .unwrap();
    seen.extend(flatten(&third.thread.replies).iter().map(|c| c.id));
    assert!(third.next.is_none());
    let mut in_order = replies.clone();
    in_order.sort();
    let mut seen_sorted = seen.clone();
    seen_sorted.sort();
    assert_eq!(seen_sorted, in_order, "every reply exactly once");
    // Reply 63 answers reply 62, both on the last page: nested. Reply 15
    // answers 14, both on the second page; reply 7's parent (6) is shown
    // on the proposal's page, so on a later page it would hang from the root.
    let last = &third.thread.replies;
    assert!(
        last.iter()
            .any(|c| c.id == replies[62] && c.replies.iter().any(|r| r.id == replies[63]))
    );

    // The same through the router: the page, the JSON, and bad cursors.
    let page = app.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Risposta 10") && page.body.contains("Risposta 59"));
    assert!(
        !page.body.contains("Risposta 60<"),
        "the next page's replies wait"
    );
    assert!(page.body.contains("Risposte successive"));
    let json = app
        .get(&format!(
            "/api/v1/proposals/{id}/comments/{root}/replies?dopo={cursor}"
        ))
        .await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    let value: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(value["thread"]["id"], root.to_string());
    assert!(value["next"].is_string());
    let bad = app
        .get(&format!(
            "/api/v1/proposals/{id}/comments/{root}/replies?dopo=nonsense"
        ))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("dopo"));
    let bad_page = app
        .get(&format!(
            "/proposte/{id}/discussioni/{root}?risposte=nonsense"
        ))
        .await;
    assert!(bad_page.status.is_client_error(), "{}", bad_page.status);
    // A reply's id is not a thread; an unknown one neither.
    for not_a_thread in [replies[0], Uuid::now_v7()] {
        let missing = app
            .get(&format!(
                "/api/v1/proposals/{id}/comments/{not_a_thread}/replies"
            ))
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
    }
}
