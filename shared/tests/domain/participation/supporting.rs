//! Authors edit and withdraw; supports count once per person, exactly, within the platform's limit.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn authors_edit_until_someone_engages_and_may_withdraw() {
    let demo = demo_db().await;
    let author = person(&demo, "citizen-2@demo.piazza.invalid").await;
    let other = person(&demo, "citizen@demo.piazza.invalid").await;
    let old_body = "La prima stesura: sportelli aperti anche il sabato mattina.";
    let id = propose(
        &demo,
        &author,
        PINEROLO,
        "servizi-online",
        "Sportelli comunali aperti il sabato",
        old_body,
    )
    .await;
    let new_body = "La seconda stesura: sportelli aperti il sabato e un giovedì sera.";
    authoring::edit(
        &ctx(&demo, &author),
        id,
        &input("Sportelli comunali aperti il sabato e la sera", new_body),
    )
    .await
    .expect("the author edits before anyone engages");
    let row = proposal_row(&demo, id).await;
    assert_eq!(row.version, 2);
    assert_eq!(row.title, "Sportelli comunali aperti il sabato e la sera");
    assert_eq!(row.body_md, new_body);
    let history = authoring::history(&ctx(&demo, &other), id).await.unwrap();
    assert_eq!(history.versions.len(), 2);
    assert_eq!(
        history
            .versions
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        vec![2, 1],
        "newest first"
    );
    assert!(history.versions[1].body_html.contains("La prima stesura"));
    assert_eq!(
        history.versions[1].title,
        "Sportelli comunali aperti il sabato"
    );
    assert!(history.versions[0].body_html.contains("La seconda stesura"));

    // Someone else may not edit it.
    assert!(matches!(
        authoring::edit(
            &ctx(&demo, &other),
            id,
            &input("Un titolo rubato per sempre", BODY)
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    // After someone else's comment, the text is settled.
    comments::post(&ctx(&demo, &other), id, None, "Ottima idea.", "favore")
        .await
        .unwrap();
    assert_eq!(
        refusal(
            authoring::edit(
                &ctx(&demo, &author),
                id,
                &input("Sportelli aperti il sabato, terza versione", BODY),
            )
            .await
        ),
        Refusal::EditWindowClosed {
            reason: EditLock::Commented
        }
    );
    let row = proposal_row(&demo, id).await;
    assert_eq!(row.version, 2, "the refused edit changed nothing");
    assert_eq!(row.body_md, new_body);

    // Only the author withdraws.
    assert!(matches!(
        authoring::withdraw(&ctx(&demo, &other), id).await,
        Err(ServiceError::Forbidden)
    ));
    authoring::withdraw(&ctx(&demo, &author), id).await.unwrap();
    assert_eq!(proposal_row(&demo, id).await.state, "withdrawn");
    assert_eq!(
        refusal(authoring::withdraw(&ctx(&demo, &author), id).await),
        Refusal::ProposalClosed {
            state: ProposalState::Withdrawn
        }
    );
    assert_eq!(
        refusal(
            authoring::edit(
                &ctx(&demo, &author),
                id,
                &input("Ci ripenso, torna indietro", BODY)
            )
            .await
        ),
        Refusal::EditWindowClosed {
            reason: EditLock::NotPublished
        }
    );
    // The only follower is the author, who did it: nobody is notified.
    assert_eq!(
        notification::Entity::find()
            .filter(notification::Column::ProposalId.eq(id))
            .filter(notification::Column::Kind.eq(NotificationKind::StateChange.as_str()))
            .count(&demo.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_supports_keep_every_count_exact() {
    let demo = demo_db().await;
    let targets: Vec<Uuid> = published_in(&demo, ALESSANDRIA, "mobilita").await[..3].to_vec();
    let mut before = HashMap::new();
    for id in &targets {
        before.insert(*id, proposal_row(&demo, *id).await.support_count);
    }
    let mut people = Vec::new();
    for n in 0..10 {
        people.push(fresh_person(&demo, &format!("Sostenitrice {n}")).await);
    }
    // 40 requests: every person supports every proposal once, and ten of
    // them are sent twice (retries).
    let mut tasks = Vec::new();
    for i in 0..40 {
        let who = people[i % 10].clone();
        let target = targets[(i / 10) % 3];
        let ctx = ctx(&demo, &who);
        tasks.push(tokio::spawn(async move {
            (target, supports::give(&ctx, target).await)
        }));
    }
    let mut changed = 0;
    for task in tasks {
        let (target, result) = task.await.unwrap();
        let outcome = result.unwrap_or_else(|e| panic!("{target}: {e:?}"));
        assert!(outcome.supported);
        changed += usize::from(outcome.changed);
    }
    assert_eq!(
        changed, 30,
        "each pair counted once, retries changed nothing"
    );
    for id in &targets {
        let row = proposal_row(&demo, *id).await;
        assert_eq!(row.support_count, before[id] + 10, "{id}");
        assert_eq!(
            supports_rows(&demo, *id).await,
            row.support_count as u64,
            "the counter equals the rows"
        );
    }
    for who in &people {
        assert_eq!(supports_by(&demo, who.id).await, 3);
    }
    // And the same people withdrawing concurrently, twice each.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let who = people[i % 10].clone();
        let target = targets[0];
        let ctx = ctx(&demo, &who);
        tasks.push(tokio::spawn(async move {
            supports::withdraw(&ctx, target).await
        }));
    }
    let mut withdrawn = 0;
    for task in tasks {
        withdrawn += usize::from(task.await.unwrap().unwrap().changed);
    }
    assert_eq!(withdrawn, 10);
    let row = proposal_row(&demo, targets[0]).await;
    assert_eq!(row.support_count, before[&targets[0]]);
    assert_eq!(
        supports_rows(&demo, targets[0]).await,
        row.support_count as u64
    );
}

/// While a vote hides support counts, the public participants figure does
/// not rise with each new supporter (it would count the votes); once the
/// counts show, it does.
#[tokio::test]
async fn a_hidden_vote_shows_no_new_participants() {
    use sea_orm::ConnectionTrait;
    let demo = demo_db().await;
    demo.db
        .execute_unprepared(
            "UPDATE phases SET support_counts_visible = FALSE WHERE kind = 'voting' AND \
             process_id = (SELECT id FROM processes WHERE slug = 'piano-strategico-alessandria-2030')",
        )
        .await
        .unwrap();
    let anon = anonymous(&demo);
    let participants = |anon: Ctx| async move {
        shared::service::processes::read::detail(&anon, ALESSANDRIA)
            .await
            .unwrap()
            .stats
            .participants
    };
    let before = participants(anon.clone()).await;
    let target = published_in(&demo, ALESSANDRIA, "mobilita").await[0];
    for n in 0..3 {
        let voter = fresh_person(&demo, &format!("Votante {n}")).await;
        supports::give(&ctx(&demo, &voter), target).await.unwrap();
    }
    assert_eq!(
        participants(anon.clone()).await,
        before,
        "the figure counted the votes"
    );
    demo.db
        .execute_unprepared("UPDATE phases SET support_counts_visible = TRUE WHERE kind = 'voting'")
        .await
        .unwrap();
    assert_eq!(participants(anon).await, before + 3);
}
