//! Phases open and close actions; facilitators and the scheduler move them, once.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn each_phase_opens_its_actions_and_refuses_the_others() {
    let demo = demo_db().await;
    let citizen = person(&demo, "citizen@demo.piazza.invalid").await;
    let as_citizen = ctx(&demo, &citizen);
    let pinerolo = process_row(&demo, PINEROLO).await;
    let pinerolo_phases = phases_of(&demo, pinerolo.id).await;
    let pinerolo_voting = phase_of_kind(&pinerolo_phases, "voting");

    // Pinerolo collects proposals: proposing and commenting are open.
    let mine = propose(
        &demo,
        &citizen,
        PINEROLO,
        "servizi-online",
        "Certificati online senza code allo sportello",
        BODY,
    )
    .await;
    assert_eq!(proposal_row(&demo, mine).await.state, "published");
    let other = first_published(&demo, PINEROLO).await;
    let other_supports = proposal_row(&demo, other).await.support_count;
    comments::post(&as_citizen, other, None, "Sono d'accordo.", "favore")
        .await
        .expect("commenting is open while proposals are collected");
    // Supporting waits for the voting phase, and says when it opens.
    assert_eq!(
        refusal(supports::give(&as_citizen, other).await),
        Refusal::PhaseClosed {
            action: ParticipationAction::Support,
            opens: Some(PhaseOpening {
                phase_title: pinerolo_voting.title.clone(),
                starts_on: pinerolo_voting.starts_on,
            }),
        }
    );
    assert_eq!(
        proposal_row(&demo, other).await.support_count,
        other_supports
    );
    assert_eq!(
        supports_rows(&demo, other).await,
        other_supports as u64,
        "nothing stored"
    );

    // Alessandria votes: supporting is open, proposing and commenting are over
    // (no later phase opens them again).
    let voted = first_published(&demo, ALESSANDRIA).await;
    assert!(supports::give(&as_citizen, voted).await.unwrap().changed);
    assert_eq!(
        refusal(
            authoring::create(
                &as_citizen,
                ALESSANDRIA,
                "mobilita",
                &input("Una nuova linea di autobus notturna", BODY),
            )
            .await
        ),
        Refusal::PhaseClosed {
            action: ParticipationAction::Propose,
            opens: None,
        }
    );
    assert_eq!(
        refusal(comments::post(&as_citizen, voted, None, "Un commento tardivo", "neutro").await),
        Refusal::PhaseClosed {
            action: ParticipationAction::Comment,
            opens: None,
        }
    );
    assert_eq!(
        comment::Entity::find()
            .filter(comment::Column::ProposalId.eq(voted))
            .count(&demo.db)
            .await
            .unwrap(),
        0
    );

    // Verified residence, when the process asks for it.
    for (slug, propose, support) in [(PINEROLO, true, false), (ALESSANDRIA, false, true)] {
        process::Entity::update_many()
            .col_expr(process::Column::VerifiedToPropose, Expr::value(propose))
            .col_expr(process::Column::VerifiedToSupport, Expr::value(support))
            .filter(process::Column::Slug.eq(slug))
            .exec(&demo.db)
            .await
            .unwrap();
    }
    let citizen2 = person(&demo, "citizen-2@demo.piazza.invalid").await;
    let verified = person(&demo, "verified-pinerolo@demo.piazza.invalid").await;
    assert!(verified.has(Role::Verified) && !citizen2.has(Role::Verified));
    assert_eq!(
        refusal(
            authoring::create(
                &ctx(&demo, &citizen2),
                PINEROLO,
                "servizi-online",
                &input("Pagamenti online per la mensa scolastica", BODY),
            )
            .await
        ),
        Refusal::VerificationRequired {
            action: ParticipationAction::Propose
        }
    );
    propose(
        &demo,
        &verified,
        PINEROLO,
        "servizi-online",
        "Pagamenti online per la mensa scolastica",
        BODY,
    )
    .await;
    // Commenting never asks for residence.
    comments::post(&ctx(&demo, &citizen2), other, None, "Anch'io!", "favore")
        .await
        .expect("comments need no verified residence");
    let second = published_in(&demo, ALESSANDRIA, "mobilita").await[1];
    assert_eq!(
        refusal(supports::give(&ctx(&demo, &citizen2), second).await),
        Refusal::VerificationRequired {
            action: ParticipationAction::Support
        }
    );
    let verified_alessandria = person(&demo, "verified@demo.piazza.invalid").await;
    assert!(
        supports::give(&ctx(&demo, &verified_alessandria), second)
            .await
            .unwrap()
            .changed
    );
}

#[tokio::test]
async fn only_process_facilitators_move_phases_and_what_opens_follows() {
    let demo = demo_db().await;
    let pinerolo = process_row(&demo, PINEROLO).await;
    let alessandria = process_row(&demo, ALESSANDRIA).await;
    let today = shared::model::common::time::italian_date(Utc::now());
    let citizen = person(&demo, "citizen@demo.piazza.invalid").await;
    let platform_only = person(
        &demo,
        "facilitator-alessandria-universita@demo.piazza.invalid",
    )
    .await;
    let alessandria_facilitator = person(&demo, "facilitator@demo.piazza.invalid").await;
    let facilitator = person(&demo, "facilitator-pinerolo@demo.piazza.invalid").await;

    for (who, process_id) in [
        (&citizen, pinerolo.id),
        (&platform_only, alessandria.id),
        (&alessandria_facilitator, pinerolo.id),
    ] {
        assert!(
            matches!(
                phases::advance(&ctx(&demo, who), process_id).await,
                Err(ServiceError::Forbidden)
            ),
            "{} may not move phases",
            who.display_name
        );
    }
    assert!(matches!(
        phases::advance(&Ctx::new(demo.db.clone(), Actor::Anonymous), pinerolo.id).await,
        Err(ServiceError::Unauthenticated)
    ));
    assert_eq!(
        process_row(&demo, PINEROLO).await.phase_cursor,
        1,
        "unmoved"
    );
    assert_eq!(process_row(&demo, ALESSANDRIA).await.phase_cursor, 3);

    let some = first_published(&demo, PINEROLO).await;
    let as_citizen = ctx(&demo, &citizen);
    // Proposals → deliberation: proposing closes, commenting stays open.
    assert_eq!(
        phases::advance(&ctx(&demo, &facilitator), pinerolo.id)
            .await
            .unwrap(),
        PhaseTimeline::Running(2)
    );
    let stored = process_row(&demo, PINEROLO).await;
    assert_eq!((stored.phase_cursor, stored.phase_open), (2, true));
    let dates = phases_of(&demo, pinerolo.id).await;
    assert_eq!(dates[1].ends_on, today, "the closed phase ends today");
    assert_eq!(dates[2].starts_on, today, "the opened phase starts today");
    assert!(matches!(
        refusal(
            authoring::create(
                &as_citizen,
                PINEROLO,
                "servizi-online",
                &input("Troppo tardi per questa proposta", BODY),
            )
            .await
        ),
        Refusal::PhaseClosed {
            action: ParticipationAction::Propose,
            ..
        }
    ));
    comments::post(&as_citizen, some, None, "Discutiamone.", "neutro")
        .await
        .expect("deliberation keeps comments open");
    assert!(matches!(
        refusal(supports::give(&as_citizen, some).await),
        Refusal::PhaseClosed {
            action: ParticipationAction::Support,
            opens: Some(_),
        }
    ));

    // Deliberation → voting: supporting opens, commenting closes.
    assert_eq!(
        phases::advance(&ctx(&demo, &facilitator), pinerolo.id)
            .await
            .unwrap(),
        PhaseTimeline::Running(3)
    );
    let outcome = supports::give(&as_citizen, some).await.unwrap();
    assert!(outcome.changed && outcome.supported);
    assert!(matches!(
        refusal(comments::post(&as_citizen, some, None, "Ancora una cosa", "neutro").await),
        Refusal::PhaseClosed {
            action: ParticipationAction::Comment,
            ..
        }
    ));

    // The whole-process facilitator closes Alessandria's voting.
    assert_eq!(
        phases::advance(&ctx(&demo, &alessandria_facilitator), alessandria.id)
            .await
            .unwrap(),
        PhaseTimeline::Running(4)
    );
    let voted = first_published(&demo, ALESSANDRIA).await;
    assert!(matches!(
        refusal(supports::give(&as_citizen, voted).await),
        Refusal::PhaseClosed {
            action: ParticipationAction::Support,
            opens: None,
        }
    ));
}

#[tokio::test]
async fn the_scheduler_moves_forward_on_dates_once_and_never_back() {
    let demo = demo_db().await;
    let today = shared::model::common::time::italian_date(Utc::now());
    let pinerolo = process_row(&demo, PINEROLO).await;
    let dates = phases_of(&demo, pinerolo.id).await;
    // Nothing is due: nothing moves.
    assert_eq!(
        phases::advance_on_schedule(&system(&demo)).await.unwrap(),
        0
    );
    assert!(matches!(
        phases::advance_on_schedule(&ctx(
            &demo,
            &person(&demo, "admin@demo.piazza.invalid").await
        ))
        .await,
        Err(ServiceError::Forbidden)
    ));

    // The proposals phase ended yesterday; deliberation starts today.
    set_phase_dates(
        &demo,
        dates[1].id,
        dates[1].starts_on,
        today - Duration::days(1),
    )
    .await;
    set_phase_dates(&demo, dates[2].id, today, dates[2].ends_on).await;
    assert_eq!(
        phases::advance_on_schedule(&system(&demo)).await.unwrap(),
        1
    );
    let stored = process_row(&demo, PINEROLO).await;
    assert_eq!((stored.phase_cursor, stored.phase_open), (2, true));
    assert!(stored.phase_changed_at.is_some());
    assert_eq!(
        phases::advance_on_schedule(&system(&demo)).await.unwrap(),
        0,
        "a second pass finds nothing to do"
    );

    // A facilitator moves ahead of the dates; the scheduler never moves back.
    let facilitator = person(&demo, "facilitator-pinerolo@demo.piazza.invalid").await;
    assert_eq!(
        phases::advance(&ctx(&demo, &facilitator), pinerolo.id)
            .await
            .unwrap(),
        PhaseTimeline::Running(3)
    );
    for days in [0, 1, 5] {
        let later = Ctx {
            now: Utc::now() + Duration::days(days),
            ..system(&demo)
        };
        assert_eq!(phases::advance_on_schedule(&later).await.unwrap(), 0);
        let stored = process_row(&demo, PINEROLO).await;
        assert_eq!(
            (stored.phase_cursor, stored.phase_open),
            (3, true),
            "still voting {days} days later"
        );
    }
    // When the voting dates are over, it moves on again.
    let voting_ends = phases_of(&demo, pinerolo.id).await[3].ends_on;
    let after_voting = Ctx {
        now: (voting_ends + Duration::days(1))
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc(),
        ..system(&demo)
    };
    assert!(phases::advance_on_schedule(&after_voting).await.unwrap() >= 1);
    let stored = process_row(&demo, PINEROLO).await;
    assert_eq!((stored.phase_cursor, stored.phase_open), (4, true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_scheduler_passes_move_once_and_notify_once() {
    let demo = demo_db().await;
    let today = shared::model::common::time::italian_date(Utc::now());
    let pinerolo = process_row(&demo, PINEROLO).await;
    let dates = phases_of(&demo, pinerolo.id).await;
    let citizen = person(&demo, "citizen@demo.piazza.invalid").await;
    let followed = first_published(&demo, PINEROLO).await;
    authoring::follow(&ctx(&demo, &citizen), followed, true)
        .await
        .unwrap();
    // Repeating a follow changes nothing.
    authoring::follow(&ctx(&demo, &citizen), followed, true)
        .await
        .unwrap();
    let pinerolo_followers: HashSet<Uuid> = {
        let ids: Vec<Uuid> = proposal::Entity::find()
            .filter(proposal::Column::ProcessId.eq(pinerolo.id))
            .all(&demo.db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect();
        follow::Entity::find()
            .filter(follow::Column::ProposalId.is_in(ids))
            .all(&demo.db)
            .await
            .unwrap()
            .into_iter()
            .map(|f| f.user_id)
            .collect()
    };
    assert!(pinerolo_followers.contains(&citizen.id));

    // Two rounds: proposals → deliberation, then deliberation → voting.
    for (round, (closing, opening)) in [(1usize, 2usize), (2, 3)].into_iter().enumerate() {
        set_phase_dates(
            &demo,
            dates[closing].id,
            dates[closing].starts_on.min(today - Duration::days(2)),
            today - Duration::days(1),
        )
        .await;
        set_phase_dates(&demo, dates[opening].id, today, dates[opening].ends_on).await;
        let (a, b) = (system(&demo), system(&demo));
        let (first, second) = tokio::join!(
            tokio::spawn(async move { phases::advance_on_schedule(&a).await }),
            tokio::spawn(async move { phases::advance_on_schedule(&b).await }),
        );
        let (first, second) = (first.unwrap().unwrap(), second.unwrap().unwrap());
        assert_eq!(first + second, 1, "round {round}: moved exactly once");
        let stored = process_row(&demo, PINEROLO).await;
        assert_eq!(
            (stored.phase_cursor as usize, stored.phase_open),
            (opening, true)
        );

        let sent = notification::Entity::find()
            .filter(notification::Column::ProcessId.eq(pinerolo.id))
            .filter(notification::Column::Kind.eq(NotificationKind::PhaseChange.as_str()))
            .filter(notification::Column::Detail.eq(dates[opening].title.as_str()))
            .all(&demo.db)
            .await
            .unwrap();
        let mut per_person: HashMap<Uuid, usize> = HashMap::new();
        for n in &sent {
            *per_person.entry(n.user_id).or_default() += 1;
        }
        assert_eq!(
            per_person.keys().copied().collect::<HashSet<_>>(),
            pinerolo_followers,
            "round {round}: every follower is told"
        );
        assert!(
            per_person.values().all(|n| *n == 1),
            "round {round}: exactly one notification each: {per_person:?}"
        );
    }
    let mine = inbox::list(&ctx(&demo, &citizen), None).await.unwrap();
    let phase_changes: Vec<_> = mine
        .items
        .iter()
        .filter(|n| n.kind == NotificationKind::PhaseChange)
        .collect();
    assert_eq!(phase_changes.len(), 2);
    assert_eq!(phase_changes[0].detail, dates[3].title, "newest first");
    assert_eq!(
        phase_changes[0].process.as_ref().map(|p| p.key.as_str()),
        Some(PINEROLO)
    );
}
