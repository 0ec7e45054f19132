//! Authors edit and withdraw; supports count once per person, exactly, within the platform's limit.

use super::*;

// ---------------------------------------------------------------------------
// 4. Supports
// ---------------------------------------------------------------------------

#[tokio::test]
async fn supports_are_idempotent_limited_per_platform_and_closed_on_withdrawn() {
    let app = spawn_app().await;
    let citizen = person(&app, "citizen@demo.piazza.invalid").await;
    let as_citizen = ctx(&app, &citizen);
    let mobilita = published_in(&app, ALESSANDRIA, "mobilita").await;
    assert!(mobilita.len() >= 6, "enough proposals to reach the limit");
    let target = mobilita[0];
    let before = i64::from(proposal_row(&app, target).await.support_count);

    let first = supports::give(&as_citizen, target).await.unwrap();
    assert!(first.changed && first.supported);
    assert_eq!(first.support_count, Some(before + 1));
    let again = supports::give(&as_citizen, target).await.unwrap();
    assert!(
        !again.changed && again.supported,
        "a repeat changes nothing"
    );
    assert_eq!(again.support_count, Some(before + 1));
    assert_eq!(supports_rows(&app, target).await as i64, before + 1);

    let back = supports::withdraw(&as_citizen, target).await.unwrap();
    assert!(back.changed && !back.supported);
    assert_eq!(back.support_count, Some(before));
    let back_again = supports::withdraw(&as_citizen, target).await.unwrap();
    assert!(!back_again.changed && !back_again.supported);
    assert_eq!(back_again.support_count, Some(before));
    assert_eq!(supports_rows(&app, target).await as i64, before);

    // Five supports per platform while Alessandria votes.
    let fresh = fresh_person(&app, "Persona nuova").await;
    let as_fresh = ctx(&app, &fresh);
    for id in &mobilita[..5] {
        assert!(supports::give(&as_fresh, *id).await.unwrap().changed);
    }
    assert_eq!(
        refusal(supports::give(&as_fresh, mobilita[5]).await),
        Refusal::SupportLimitReached { limit: 5 }
    );
    assert_eq!(supports_by(&app, fresh.id).await, 5);
    // A repeat of one already given is still fine (and changes nothing).
    assert!(
        !supports::give(&as_fresh, mobilita[0])
            .await
            .unwrap()
            .changed
    );
    // Another platform has its own allowance.
    let digital = published_in(&app, ALESSANDRIA, "servizi-digitali").await;
    assert!(supports::give(&as_fresh, digital[0]).await.unwrap().changed);
    // Withdrawing one frees a place.
    assert!(
        supports::withdraw(&as_fresh, mobilita[0])
            .await
            .unwrap()
            .changed
    );
    assert!(
        supports::give(&as_fresh, mobilita[5])
            .await
            .unwrap()
            .changed
    );
    assert_eq!(supports_by(&app, fresh.id).await, 6);
    // The page offers no sixth support, and says why.
    let detail = proposals::detail(&as_fresh, mobilita[0]).await.unwrap();
    assert_eq!(detail.viewer.supports_used, Some((5, 5)));
    assert_eq!(
        detail.viewer.can_support,
        Availability::Refused(Refusal::SupportLimitReached { limit: 5 })
    );

    // A withdrawn proposal takes no more supports.
    let process = process_row(&app, ALESSANDRIA).await;
    let withdrawn = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::State.eq("withdrawn"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the demo has a withdrawn proposal");
    assert_eq!(
        refusal(supports::give(&as_citizen, withdrawn.id).await),
        Refusal::ProposalClosed {
            state: ProposalState::Withdrawn
        }
    );
    assert_eq!(
        supports_rows(&app, withdrawn.id).await,
        withdrawn.support_count as u64
    );

    // Anonymous people are asked to sign in, and nothing is stored.
    let anonymous = supports::give(&Ctx::new(app.db.clone(), Actor::Anonymous), target).await;
    assert!(matches!(anonymous, Err(ServiceError::Unauthenticated)));
    let id = target.to_string();
    let answer = post_api(&app, "/api/supports/give", &[("id", &id)], None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    let answer = app
        .post_form("/api/supports/give", &[("id", &id)], None)
        .await;
    assert!(answer.status.is_redirection(), "{}", answer.status);
    assert_eq!(
        answer.form_error(),
        Some(serde_json::json!("Unauthenticated"))
    );
    assert_eq!(supports_rows(&app, target).await as i64, before);
}

#[tokio::test]
async fn the_router_publishes_supports_and_comments() {
    let app = spawn_app().await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;

    // Create a proposal in Pinerolo.
    let created = app
        .post_form(
            "/api/proposals/create",
            &[
                ("process", PINEROLO),
                ("piattaforma", "inclusione-digitale"),
                ("titolo", "Un punto di facilitazione digitale in biblioteca"),
                ("testo", BODY),
                ("zona", "centro"),
                ("direzione", ""),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(created.status, StatusCode::FOUND, "{}", created.location());
    let location = created.location();
    assert!(location.contains("esito=proposta-pubblicata"), "{location}");
    let id = proposal_id_in(&location);
    let row = proposal_row(&app, id).await;
    assert_eq!(
        row.title,
        "Un punto di facilitazione digitale in biblioteca"
    );
    assert_eq!(row.state, "published");
    assert!(row.zone_id.is_some(), "the zone was resolved");
    let page = app.get(&format!("/proposte/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Un punto di facilitazione digitale in biblioteca")
    );

    // Comment on it.
    let commented = app
        .post_form(
            "/api/comments/post",
            &[
                ("proposal", &id.to_string()),
                ("commento", "Servirebbe anche il sabato."),
                ("posizione", "favore"),
            ],
            Some(&cookie),
        )
        .await;
    assert!(
        commented.location().contains("esito=commento-pubblicato"),
        "{} {:?}",
        commented.location(),
        commented.form_error()
    );
    assert_eq!(proposal_row(&app, id).await.comment_count, 1);
    let stored = comment::Entity::find()
        .filter(comment::Column::ProposalId.eq(id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.alignment, "favore");
    assert!(
        commented
            .location()
            .ends_with(&format!("#commento-{}", stored.id))
    );

    // Support an Alessandria proposal.
    let voted = first_published(&app, ALESSANDRIA).await;
    let before = proposal_row(&app, voted).await.support_count;
    let given = app
        .post_form(
            "/api/supports/give",
            &[("id", &voted.to_string())],
            Some(&cookie),
        )
        .await;
    assert_eq!(
        given.location(),
        format!("/proposte/{voted}?esito=sostegno-dato#sostegno")
    );
    assert_eq!(proposal_row(&app, voted).await.support_count, before + 1);
    // A repeat (a double click) still lands on the page and changes nothing.
    let repeat = app
        .post_form(
            "/api/supports/give",
            &[("id", &voted.to_string())],
            Some(&cookie),
        )
        .await;
    assert!(repeat.location().contains("esito=sostegno-dato"));
    assert_eq!(proposal_row(&app, voted).await.support_count, before + 1);
    let withdrawn = app
        .post_form(
            "/api/supports/withdraw",
            &[("id", &voted.to_string())],
            Some(&cookie),
        )
        .await;
    assert!(withdrawn.location().contains("esito=sostegno-ritirato"));
    assert_eq!(proposal_row(&app, voted).await.support_count, before);
}

// ---------------------------------------------------------------------------
// 5. Concurrency
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_supports_never_exceed_the_platform_limit() {
    let app = spawn_app().await;
    let alessandria = process_row(&app, ALESSANDRIA).await;
    let voting = phase_of_kind(&phases_of(&app, alessandria.id).await, "voting").clone();
    phase::Entity::update_many()
        .col_expr(phase::Column::SupportsPerPlatform, Expr::value(Some(2)))
        .filter(phase::Column::Id.eq(voting.id))
        .exec(&app.db)
        .await
        .unwrap();
    let targets: Vec<Uuid> = published_in(&app, ALESSANDRIA, "mobilita").await[..5].to_vec();
    let mut before = HashMap::new();
    for id in &targets {
        before.insert(*id, proposal_row(&app, *id).await.support_count);
    }
    let mut people = Vec::new();
    for n in 0..4 {
        people.push(fresh_person(&app, &format!("Persona frettolosa {n}")).await);
    }
    // Each person asks for all five at once, each request twice.
    let mut tasks = Vec::new();
    for who in &people {
        for _retry in 0..2 {
            for target in &targets {
                let ctx = ctx(&app, who);
                let (target, user) = (*target, who.id);
                tasks.push(tokio::spawn(async move {
                    (user, target, supports::give(&ctx, target).await)
                }));
            }
        }
    }
    let mut granted: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for task in tasks {
        let (user, target, result) = task.await.unwrap();
        match result {
            Ok(outcome) => {
                assert!(outcome.supported);
                if outcome.changed {
                    assert!(
                        granted.entry(user).or_default().insert(target),
                        "one support per person and proposal"
                    );
                }
            }
            Err(ServiceError::Refused(Refusal::SupportLimitReached { limit: 2 })) => {}
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
    for who in &people {
        assert_eq!(
            granted.get(&who.id).map_or(0, HashSet::len),
            2,
            "{}: exactly the limit",
            who.display_name
        );
        assert_eq!(supports_by(&app, who.id).await, 2);
    }
    for id in &targets {
        let row = proposal_row(&app, *id).await;
        let gained = granted.values().filter(|set| set.contains(id)).count() as i32;
        assert_eq!(row.support_count, before[id] + gained);
        assert_eq!(supports_rows(&app, *id).await, row.support_count as u64);
    }
    // What the page shows matches.
    let detail = proposals::detail(&ctx(&app, &people[0]), targets[0])
        .await
        .unwrap();
    assert_eq!(detail.viewer.supports_used, Some((2, 2)));
}
