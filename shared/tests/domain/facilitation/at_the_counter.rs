//! The counter acts under the same rules; a claim counts supports once.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn the_counter_acts_under_the_same_rules_and_a_claim_counts_supports_once() {
    let demo = demo_db().await;
    let staff = with_role(&demo, "Sportellista", Role::Staff, None, None).await;
    let as_staff = ctx(&demo, &staff);
    let citizen = fresh_person(&demo, "Cittadino curioso").await;

    // Only staff record people.
    assert!(matches!(
        counter::record(&ctx(&demo, &citizen), "Maria Rossi", "carta_identita", "").await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        counter::record(&anonymous(&demo), "Maria Rossi", "carta_identita", "").await,
        Err(ServiceError::Unauthenticated)
    ));
    assert_eq!(
        field_of(counter::record(&as_staff, "Mi", "carta_identita", "").await).0,
        "nome"
    );
    assert_eq!(
        field_of(counter::record(&as_staff, "Maria Rossi", "tessera_biblioteca", "").await).0,
        "documento"
    );
    assert_eq!(
        counter_record::Entity::find()
            .count(&demo.db)
            .await
            .unwrap(),
        0
    );

    let receipt = counter::record(&as_staff, "Maria  Rossi", "carta_identita", "")
        .await
        .unwrap();
    assert_eq!(receipt.claim_code.len(), 14);
    let record = counter_record::Entity::find_by_id(receipt.record_id)
        .one(&demo.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            record.full_name.as_str(),
            record.identity_check.as_str(),
            record.resident,
            record.recorded_by
        ),
        ("Maria Rossi", "carta_identita", false, Some(staff.id))
    );
    let assisted = record.user_id.expect("an account to act through");
    let account = user::Entity::find_by_id(assisted)
        .one(&demo.db)
        .await
        .unwrap()
        .unwrap();
    assert!(account.is_assisted);
    assert_eq!(account.display_name, "Maria R.");
    assert_eq!(account.email, None);
    assert!(!receipt.claim_code.contains(['0', 'O', '1', 'I']));

    // A proposal on her behalf, marked as assisted.
    let proposed = counter::propose(
        &as_staff,
        receipt.record_id,
        PINEROLO,
        "inclusione-digitale",
        &input("Corsi di informatica per chi non ha un computer"),
    )
    .await
    .unwrap();
    let row = proposal_row(&demo, proposed).await;
    assert_eq!(
        (row.author_id, row.assisted_by),
        (Some(assisted), Some(staff.id))
    );
    let seen = proposals::detail(&anonymous(&demo), proposed)
        .await
        .unwrap();
    assert!(seen.assisted);
    assert_eq!(seen.author_name.as_deref(), Some("Maria R."));
    assert!(matches!(
        counter::propose(
            &ctx(&demo, &citizen),
            receipt.record_id,
            PINEROLO,
            "inclusione-digitale",
            &input("Una proposta che non dovrebbe esistere"),
        )
        .await,
        Err(ServiceError::Forbidden)
    ));

    // Supports on her behalf: the same limit and one per proposal.
    let mobilita = published_in(&demo, ALESSANDRIA, "mobilita").await;
    let x = mobilita[0];
    let online = fresh_person(&demo, "Maria Rossi online").await;
    assert!(
        supports::give(&ctx(&demo, &online), x)
            .await
            .unwrap()
            .changed
    );
    let x_before = proposal_row(&demo, x).await.support_count;
    for id in &mobilita[..5] {
        assert!(
            counter::support(&as_staff, receipt.record_id, *id)
                .await
                .unwrap()
                .changed
        );
    }
    assert_eq!(
        refusal(counter::support(&as_staff, receipt.record_id, mobilita[5]).await),
        Refusal::SupportLimitReached { limit: 5 }
    );
    let again = counter::support(&as_staff, receipt.record_id, x)
        .await
        .unwrap();
    assert!(!again.changed && again.supported);
    assert_eq!(proposal_row(&demo, x).await.support_count, x_before + 1);
    let given = support::Entity::find()
        .filter(support::Column::UserId.eq(assisted))
        .all(&demo.db)
        .await
        .unwrap();
    assert_eq!(given.len(), 5);
    assert!(given.iter().all(|s| s.assisted_by == Some(staff.id)));
    assert!(matches!(
        counter::support(&ctx(&demo, &citizen), receipt.record_id, mobilita[5]).await,
        Err(ServiceError::Forbidden)
    ));

    // Staff find her again.
    let found = counter::search(&as_staff, "rossi").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, receipt.record_id);
    assert_eq!((found[0].proposals.len(), found[0].supports.len()), (1, 5));
    assert_eq!(found[0].recorded_by.as_deref(), Some("Sportellista"));
    assert!(matches!(
        counter::search(&ctx(&demo, &citizen), "rossi").await,
        Err(ServiceError::Forbidden)
    ));

    // She claims the record online, where she had already supported X.
    let outcome = counter::claim(
        &ctx(&demo, &online),
        &receipt.claim_code.to_lowercase().replace('-', " "),
    )
    .await
    .unwrap();
    assert_eq!(
        outcome,
        ClaimOutcome {
            proposals: 1,
            supports: 4,
            duplicates_dropped: 1,
            over_limit_dropped: 0,
        },
        "X online and four more from the counter: five, the platform's limit"
    );
    let x_after = proposal_row(&demo, x).await.support_count;
    assert_eq!(x_after, x_before, "X lost the counter's duplicate");
    assert_eq!(x_after as u64, supports_rows(&demo, x).await);
    for id in &mobilita[..6] {
        assert_eq!(
            proposal_row(&demo, *id).await.support_count as u64,
            supports_rows(&demo, *id).await,
            "{id}: the counter equals the rows"
        );
    }
    let hers: HashSet<Uuid> = support::Entity::find()
        .filter(support::Column::UserId.eq(online.id))
        .all(&demo.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.proposal_id)
        .collect();
    assert_eq!(hers, mobilita[..5].iter().copied().collect());
    assert_eq!(
        support::Entity::find()
            .filter(support::Column::UserId.eq(assisted))
            .count(&demo.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        proposal_row(&demo, proposed).await.author_id,
        Some(online.id)
    );
    let claimed = counter_record::Entity::find_by_id(receipt.record_id)
        .one(&demo.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.claimed_by, Some(online.id));
    assert!(claimed.claimed_at.is_some() && claimed.user_id.is_none());
    assert!(
        user::Entity::find_by_id(assisted)
            .one(&demo.db)
            .await
            .unwrap()
            .is_none(),
        "the account acted through is gone"
    );
    // Her allowance now counts the supports she holds.
    let viewer = proposals::detail(&ctx(&demo, &online), mobilita[6])
        .await
        .unwrap()
        .viewer;
    assert_eq!(viewer.supports_used, Some((5, 5)));
    assert!(
        counter::detail(&as_staff, receipt.record_id)
            .await
            .unwrap()
            .claimed
    );

    // The code works once.
    let someone_else = fresh_person(&demo, "Altra persona").await;
    assert_eq!(
        field_of(counter::claim(&ctx(&demo, &someone_else), &receipt.claim_code).await),
        ("codice".to_owned(), FieldProblem::NotRecognized)
    );
    assert_eq!(
        field_of(counter::claim(&ctx(&demo, &online), &receipt.claim_code).await).0,
        "codice"
    );
    assert!(matches!(
        counter::claim(&anonymous(&demo), &receipt.claim_code).await,
        Err(ServiceError::Unauthenticated)
    ));
    // Nobody acts for a claimed record any more.
    assert!(matches!(
        counter::support(&as_staff, receipt.record_id, mobilita[6]).await,
        Err(ServiceError::NotFound(_))
    ));
}

#[tokio::test]
async fn each_staff_member_has_a_daily_budget_and_the_figures_say_assisted() {
    let demo = demo_db().await;
    let staff = with_role(&demo, "Sportellista svelto", Role::Staff, None, None).await;
    let other = with_role(&demo, "Sportellista lento", Role::Staff, None, None).await;
    let as_staff = ctx(&demo, &staff);
    let admin = with_role(&demo, "Amministratrice", Role::Admin, None, None).await;

    // 70 records at once: exactly the budget (60) is made, the rest refused.
    let mut attempts = tokio::task::JoinSet::new();
    for n in 0..70 {
        let as_staff = as_staff.clone();
        attempts.spawn(async move {
            counter::record(
                &as_staff,
                &format!("Persona Numero {n}"),
                "carta_identita",
                "",
            )
            .await
        });
    }
    let results = attempts.join_all().await;
    let made = results.iter().filter(|r| r.is_ok()).count();
    let limited = results
        .iter()
        .filter(|r| matches!(r, Err(ServiceError::RateLimited { .. })))
        .count();
    assert_eq!((made, limited), (60, 10), "{results:?}");
    assert_eq!(
        counter_record::Entity::find()
            .filter(counter_record::Column::RecordedBy.eq(staff.id))
            .count(&demo.db)
            .await
            .unwrap(),
        60
    );
    // Another staff member's budget is their own.
    let receipt = counter::record(&ctx(&demo, &other), "Anna Bianchi", "carta_identita", "")
        .await
        .unwrap();

    // Administrators see who used how much; staff do not.
    let budgets = counter::budgets(&ctx(&demo, &admin)).await.unwrap();
    assert_eq!(
        budgets
            .iter()
            .map(|b| (b.staff_name.as_str(), b.used, b.max, b.week))
            .collect::<Vec<_>>(),
        vec![
            ("Sportellista svelto", 60, 60, 60),
            ("Sportellista lento", 1, 60, 1)
        ]
    );
    denied(
        counter::budgets(&as_staff).await,
        true,
        "staff read the budgets",
    );

    // A person recorded at the counter who supports shows as assisted in
    // the public figures.
    let before = read::detail(&anonymous(&demo), ALESSANDRIA)
        .await
        .unwrap()
        .stats;
    let mobilita = published_in(&demo, ALESSANDRIA, "mobilita").await;
    counter::support(&ctx(&demo, &other), receipt.record_id, mobilita[0])
        .await
        .unwrap();
    let after = read::detail(&anonymous(&demo), ALESSANDRIA)
        .await
        .unwrap()
        .stats;
    assert_eq!(after.participants, before.participants + 1);
    assert_eq!(
        after.assisted_participants,
        before.assisted_participants + 1
    );
    assert!(after.assisted_participants <= after.participants);
}
