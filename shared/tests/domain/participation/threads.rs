//! Comments: threads three deep, votes, edits, tombstones and pages.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn replies_go_three_deep_and_no_deeper() {
    let demo = demo_db().await;
    let a = ctx(&demo, &person(&demo, "citizen@demo.piazza.invalid").await);
    let b = ctx(&demo, &person(&demo, "citizen-2@demo.piazza.invalid").await);
    let id = first_published(&demo, PINEROLO).await;
    let top = comments::post(&a, id, None, "Primo livello", "favore")
        .await
        .unwrap();
    let second = comments::post(&b, id, Some(top), "Secondo livello", "contro")
        .await
        .unwrap();
    let third = comments::post(&a, id, Some(second), "Terzo livello", "neutro")
        .await
        .unwrap();
    assert_eq!(
        refusal(comments::post(&b, id, Some(third), "Quarto livello", "neutro").await),
        Refusal::ThreadTooDeep { max_depth: 3 }
    );
    // A reply to a comment of another proposal is not found.
    let elsewhere = published_in(&demo, PINEROLO, "inclusione-digitale").await[0];
    assert!(matches!(
        comments::post(&b, elsewhere, Some(top), "Fuori posto", "neutro").await,
        Err(ServiceError::NotFound(_))
    ));
    // Bad input names its field.
    assert!(matches!(
        comments::post(&b, id, None, "x", "neutro").await,
        Err(ServiceError::InvalidInput { field, .. }) if field == "commento"
    ));
    assert!(matches!(
        comments::post(&b, id, None, "Posizione strana", "boh").await,
        Err(ServiceError::InvalidInput { field, .. }) if field == "posizione"
    ));

    let page = comments::list(&a, id, None).await.unwrap();
    assert_eq!(page.threads.len(), 1);
    assert_eq!(page.total, 3);
    assert_eq!(
        (page.in_favour, page.neutral, page.against),
        (1, 1, 1),
        "counts per alignment"
    );
    let t = &page.threads[0];
    assert_eq!((t.id, t.depth), (top, 1));
    assert_eq!((t.replies[0].id, t.replies[0].depth), (second, 2));
    assert_eq!(
        (t.replies[0].replies[0].id, t.replies[0].replies[0].depth),
        (third, 3)
    );
    assert!(t.replies[0].replies[0].replies.is_empty());
    assert!(t.mine && !t.replies[0].mine);
    let rows = comment::Entity::find()
        .filter(comment::Column::ProposalId.eq(id))
        .all(&demo.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 3, "the refused reply was not stored");
    assert!(rows.iter().all(|c| c.root_id == top));
    assert_eq!(rows.iter().find(|c| c.id == top).unwrap().reply_count, 1);
    assert_eq!(proposal_row(&demo, id).await.comment_count, 3);
}

#[tokio::test]
async fn comment_votes_are_one_per_person_and_never_ones_own() {
    let demo = demo_db().await;
    let author = ctx(&demo, &person(&demo, "citizen@demo.piazza.invalid").await);
    let voter = ctx(&demo, &person(&demo, "citizen-2@demo.piazza.invalid").await);
    let third = ctx(
        &demo,
        &person(&demo, "verified-pinerolo@demo.piazza.invalid").await,
    );
    let id = first_published(&demo, PINEROLO).await;
    let c = comments::post(&author, id, None, "Votatemi pure.", "neutro")
        .await
        .unwrap();
    let votes = async |viewer: &Ctx| {
        let page = comments::list(viewer, id, None).await.unwrap();
        let found = flatten(&page.threads)
            .into_iter()
            .find(|x| x.id == c)
            .cloned()
            .unwrap();
        (found.upvotes, found.downvotes, found.my_vote)
    };
    comments::vote(&voter, c, CommentVote::Up).await.unwrap();
    comments::vote(&voter, c, CommentVote::Up).await.unwrap();
    assert_eq!(votes(&voter).await, (1, 0, Some(1)), "up twice counts once");
    comments::vote(&voter, c, CommentVote::Down).await.unwrap();
    assert_eq!(votes(&voter).await, (0, 1, Some(-1)), "switched to down");
    comments::vote(&third, c, CommentVote::Down).await.unwrap();
    assert_eq!(votes(&third).await, (0, 2, Some(-1)));
    comments::vote(&voter, c, CommentVote::Clear).await.unwrap();
    assert_eq!(votes(&voter).await, (0, 1, None), "cleared");
    comments::vote(&voter, c, CommentVote::Clear).await.unwrap();
    comments::vote(&third, c, CommentVote::Clear).await.unwrap();
    assert_eq!(votes(&author).await, (0, 0, None));
    assert!(matches!(
        comments::vote(&author, c, CommentVote::Up).await,
        Err(ServiceError::Forbidden)
    ));
    assert_eq!(votes(&author).await, (0, 0, None));
    assert!(matches!(
        comments::vote(
            &Ctx::new(demo.db.clone(), Actor::Anonymous),
            c,
            CommentVote::Up
        )
        .await,
        Err(ServiceError::Unauthenticated)
    ));
}

#[tokio::test]
async fn edited_comments_say_so_and_deleted_ones_leave_a_tombstone() {
    let demo = demo_db().await;
    let author = ctx(&demo, &person(&demo, "citizen@demo.piazza.invalid").await);
    let other = ctx(&demo, &person(&demo, "citizen-2@demo.piazza.invalid").await);
    let id = first_published(&demo, PINEROLO).await;
    let top = comments::post(&author, id, None, "Prima versione del commento", "favore")
        .await
        .unwrap();
    let reply = comments::post(&other, id, Some(top), "Una risposta che resta", "contro")
        .await
        .unwrap();
    assert_eq!(proposal_row(&demo, id).await.comment_count, 2);

    assert!(matches!(
        comments::edit(&other, top, "Non è mio ma lo cambio").await,
        Err(ServiceError::Forbidden)
    ));
    comments::edit(&author, top, "Seconda versione del commento")
        .await
        .unwrap();
    let page = comments::list(&author, id, None).await.unwrap();
    let edited = &page.threads[0];
    assert!(edited.edited_at.is_some());
    assert!(edited.body_html.contains("Seconda versione"));
    assert_eq!(
        edited.body_md.as_deref(),
        Some("Seconda versione del commento"),
        "the author gets the source to edit"
    );
    assert!(edited.replies[0].edited_at.is_none());

    assert!(matches!(
        comments::delete(&other, top).await,
        Err(ServiceError::Forbidden)
    ));
    comments::delete(&author, top).await.unwrap();
    let row = comment::Entity::find_by_id(top)
        .one(&demo.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.deleted_at.is_some());
    assert_eq!(row.body_md, "", "the text is gone from the database");
    let page = comments::list(&other, id, None).await.unwrap();
    let tomb = &page.threads[0];
    assert_eq!(tomb.id, top);
    assert!(tomb.deleted && tomb.body_html.is_empty() && tomb.author_name.is_none());
    assert!(tomb.body_md.is_none() && !tomb.mine);
    assert_eq!(tomb.replies.len(), 1, "replies keep their place");
    assert_eq!(tomb.replies[0].id, reply);
    assert!(tomb.replies[0].body_html.contains("Una risposta che resta"));
    assert_eq!(page.total, 1);
    assert_eq!(proposal_row(&demo, id).await.comment_count, 1);
    // A tombstone can be neither changed, deleted again, voted nor answered.
    assert_eq!(
        refusal(comments::edit(&author, top, "Resuscitato").await),
        Refusal::CommentDeleted
    );
    assert_eq!(
        refusal(comments::delete(&author, top).await),
        Refusal::CommentDeleted
    );
    assert_eq!(
        refusal(comments::vote(&other, top, CommentVote::Up).await),
        Refusal::CommentDeleted
    );
    assert_eq!(
        refusal(comments::post(&other, id, Some(top), "Rispondo al nulla", "neutro").await),
        Refusal::CommentDeleted
    );
    assert_eq!(proposal_row(&demo, id).await.comment_count, 1);
}
