//! The participation loop on a real database: phase rules and moves, writing
//! and editing proposals, supports (limits, concurrency), comments, follows
//! and notifications, search, safe Markdown, images and results, through the
//! services and through the real router.

use std::collections::{HashMap, HashSet};

use axum::body::Body;
use chrono::{Duration, NaiveDate, Utc};
use http::{Request, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use shared::model::common::{Availability, EditLock, ParticipationAction, PhaseOpening, Refusal};
use shared::model::participation::listing::ProposalListParams;
use shared::model::participation::{CommentDto, CommentVote, NotificationKind, ProposalInput};
use shared::model::{PhaseTimeline, ProposalState, Role};
use shared::service::entity::{
    attachment, comment, follow, notification, phase, platform, process, proposal, support, user,
};
use shared::service::{
    Actor, Ctx, Person, ServiceError, accounts::account, notifications::inbox,
    participation::authoring, participation::comments, participation::proposals,
    participation::supports, processes::phases,
};
use uuid::Uuid;

use crate::helpers::{
    Answer, ORIGIN, TestApp, ctx, encode, fresh_person, person, process_row, proposal_row, refusal,
    sign_in_demo, spawn_app,
};

const ALESSANDRIA: &str = "piano-strategico-alessandria-2030";
const PINEROLO: &str = "agenda-digitale-pinerolo";
const BODY: &str = "Un testo che supera senz'altro i trenta caratteri richiesti.";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn system(app: &TestApp) -> Ctx {
    Ctx::new(app.db.clone(), Actor::System)
}

/// The phases of a process, in order.
async fn phases_of(app: &TestApp, process_id: Uuid) -> Vec<phase::Model> {
    phase::Entity::find()
        .filter(phase::Column::ProcessId.eq(process_id))
        .order_by_asc(phase::Column::Position)
        .all(&app.db)
        .await
        .unwrap()
}

fn phase_of_kind<'a>(phases: &'a [phase::Model], kind: &str) -> &'a phase::Model {
    phases
        .iter()
        .find(|p| p.kind == kind)
        .unwrap_or_else(|| panic!("a {kind} phase"))
}

async fn set_phase_dates(app: &TestApp, id: Uuid, starts_on: NaiveDate, ends_on: NaiveDate) {
    phase::Entity::update_many()
        .col_expr(phase::Column::StartsOn, Expr::value(starts_on))
        .col_expr(phase::Column::EndsOn, Expr::value(ends_on))
        .filter(phase::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
}

/// Published proposals of a platform, oldest id first.
async fn published_in(app: &TestApp, process_slug: &str, platform_slug: &str) -> Vec<Uuid> {
    let process = process_row(app, process_slug).await;
    let platform = platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(process.id))
        .filter(platform::Column::Slug.eq(platform_slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("platform {platform_slug}"));
    proposal::Entity::find()
        .filter(proposal::Column::PlatformId.eq(platform.id))
        .filter(proposal::Column::State.eq(ProposalState::Published.as_str()))
        .order_by_asc(proposal::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect()
}

async fn first_published(app: &TestApp, process_slug: &str) -> Uuid {
    let process = process_row(app, process_slug).await;
    proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::State.eq(ProposalState::Published.as_str()))
        .order_by_asc(proposal::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("a published proposal")
        .id
}

fn input(title: &str, body: &str) -> ProposalInput {
    ProposalInput::parse(title, body, None, None).expect("valid proposal input")
}

/// Publishes a proposal through the service.
async fn propose(
    app: &TestApp,
    who: &Person,
    process_slug: &str,
    platform_slug: &str,
    title: &str,
    body: &str,
) -> Uuid {
    authoring::create(
        &ctx(app, who),
        process_slug,
        platform_slug,
        &input(title, body),
    )
    .await
    .unwrap_or_else(|e| panic!("{title}: {e:?}"))
}

async fn supports_rows(app: &TestApp, proposal_id: Uuid) -> u64 {
    support::Entity::find()
        .filter(support::Column::ProposalId.eq(proposal_id))
        .count(&app.db)
        .await
        .unwrap()
}

async fn supports_by(app: &TestApp, user_id: Uuid) -> u64 {
    support::Entity::find()
        .filter(support::Column::UserId.eq(user_id))
        .count(&app.db)
        .await
        .unwrap()
}

/// POST `fields` as a JavaScript client would (asking for JSON).
async fn post_api(
    app: &TestApp,
    uri: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> Answer {
    app.post_form_accepting(uri, fields, cookie, "application/json")
        .await
}

/// The id in a `/proposte/{id}?…` redirect.
fn proposal_id_in(location: &str) -> Uuid {
    let rest = location
        .strip_prefix("/proposte/")
        .unwrap_or_else(|| panic!("a proposal redirect: {location}"));
    Uuid::try_parse(&rest[..36]).expect("a proposal id")
}

/// Every comment of a page of threads, depth first.
fn flatten(threads: &[CommentDto]) -> Vec<&CommentDto> {
    let mut out = Vec::new();
    for c in threads {
        out.push(c);
        out.extend(flatten(&c.replies));
    }
    out
}

// ---------------------------------------------------------------------------
// 1. Phase rules
// ---------------------------------------------------------------------------

#[tokio::test]
async fn each_phase_opens_its_actions_and_refuses_the_others() {
    let app = spawn_app().await;
    let citizen = person(&app, "citizen@demo.piazza.invalid").await;
    let as_citizen = ctx(&app, &citizen);
    let pinerolo = process_row(&app, PINEROLO).await;
    let pinerolo_phases = phases_of(&app, pinerolo.id).await;
    let pinerolo_voting = phase_of_kind(&pinerolo_phases, "voting");

    // Pinerolo collects proposals: proposing and commenting are open.
    let mine = propose(
        &app,
        &citizen,
        PINEROLO,
        "servizi-online",
        "Certificati online senza code allo sportello",
        BODY,
    )
    .await;
    assert_eq!(proposal_row(&app, mine).await.state, "published");
    let other = first_published(&app, PINEROLO).await;
    let other_supports = proposal_row(&app, other).await.support_count;
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
        proposal_row(&app, other).await.support_count,
        other_supports
    );
    assert_eq!(
        supports_rows(&app, other).await,
        other_supports as u64,
        "nothing stored"
    );

    // Alessandria votes: supporting is open, proposing and commenting are over
    // (no later phase opens them again).
    let voted = first_published(&app, ALESSANDRIA).await;
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
            .count(&app.db)
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
            .exec(&app.db)
            .await
            .unwrap();
    }
    let citizen2 = person(&app, "citizen-2@demo.piazza.invalid").await;
    let verified = person(&app, "verified-pinerolo@demo.piazza.invalid").await;
    assert!(verified.has(Role::Verified) && !citizen2.has(Role::Verified));
    assert_eq!(
        refusal(
            authoring::create(
                &ctx(&app, &citizen2),
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
        &app,
        &verified,
        PINEROLO,
        "servizi-online",
        "Pagamenti online per la mensa scolastica",
        BODY,
    )
    .await;
    // Commenting never asks for residence.
    comments::post(&ctx(&app, &citizen2), other, None, "Anch'io!", "favore")
        .await
        .expect("comments need no verified residence");
    let second = published_in(&app, ALESSANDRIA, "mobilita").await[1];
    assert_eq!(
        refusal(supports::give(&ctx(&app, &citizen2), second).await),
        Refusal::VerificationRequired {
            action: ParticipationAction::Support
        }
    );
    let verified_alessandria = person(&app, "verified@demo.piazza.invalid").await;
    assert!(
        supports::give(&ctx(&app, &verified_alessandria), second)
            .await
            .unwrap()
            .changed
    );
}

// ---------------------------------------------------------------------------
// 2. Moving phases
// ---------------------------------------------------------------------------

#[tokio::test]
async fn only_process_facilitators_move_phases_and_what_opens_follows() {
    let app = spawn_app().await;
    let pinerolo = process_row(&app, PINEROLO).await;
    let alessandria = process_row(&app, ALESSANDRIA).await;
    let today = shared::model::common::time::italian_date(Utc::now());
    let citizen = person(&app, "citizen@demo.piazza.invalid").await;
    let platform_only = person(
        &app,
        "facilitator-alessandria-universita@demo.piazza.invalid",
    )
    .await;
    let alessandria_facilitator = person(&app, "facilitator@demo.piazza.invalid").await;
    let facilitator = person(&app, "facilitator-pinerolo@demo.piazza.invalid").await;

    for (who, process_id) in [
        (&citizen, pinerolo.id),
        (&platform_only, alessandria.id),
        (&alessandria_facilitator, pinerolo.id),
    ] {
        assert!(
            matches!(
                phases::advance(&ctx(&app, who), process_id).await,
                Err(ServiceError::Forbidden)
            ),
            "{} may not move phases",
            who.display_name
        );
    }
    assert!(matches!(
        phases::advance(&Ctx::new(app.db.clone(), Actor::Anonymous), pinerolo.id).await,
        Err(ServiceError::Unauthenticated)
    ));
    assert_eq!(process_row(&app, PINEROLO).await.phase_cursor, 1, "unmoved");
    assert_eq!(process_row(&app, ALESSANDRIA).await.phase_cursor, 3);

    let some = first_published(&app, PINEROLO).await;
    let as_citizen = ctx(&app, &citizen);
    // Proposals → deliberation: proposing closes, commenting stays open.
    assert_eq!(
        phases::advance(&ctx(&app, &facilitator), pinerolo.id)
            .await
            .unwrap(),
        PhaseTimeline::Running(2)
    );
    let stored = process_row(&app, PINEROLO).await;
    assert_eq!((stored.phase_cursor, stored.phase_open), (2, true));
    let dates = phases_of(&app, pinerolo.id).await;
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
        phases::advance(&ctx(&app, &facilitator), pinerolo.id)
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
        phases::advance(&ctx(&app, &alessandria_facilitator), alessandria.id)
            .await
            .unwrap(),
        PhaseTimeline::Running(4)
    );
    let voted = first_published(&app, ALESSANDRIA).await;
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
    let app = spawn_app().await;
    let today = shared::model::common::time::italian_date(Utc::now());
    let pinerolo = process_row(&app, PINEROLO).await;
    let dates = phases_of(&app, pinerolo.id).await;
    // Nothing is due: nothing moves.
    assert_eq!(phases::advance_on_schedule(&system(&app)).await.unwrap(), 0);
    assert!(matches!(
        phases::advance_on_schedule(&ctx(&app, &person(&app, "admin@demo.piazza.invalid").await))
            .await,
        Err(ServiceError::Forbidden)
    ));

    // The proposals phase ended yesterday; deliberation starts today.
    set_phase_dates(
        &app,
        dates[1].id,
        dates[1].starts_on,
        today - Duration::days(1),
    )
    .await;
    set_phase_dates(&app, dates[2].id, today, dates[2].ends_on).await;
    assert_eq!(phases::advance_on_schedule(&system(&app)).await.unwrap(), 1);
    let stored = process_row(&app, PINEROLO).await;
    assert_eq!((stored.phase_cursor, stored.phase_open), (2, true));
    assert!(stored.phase_changed_at.is_some());
    assert_eq!(
        phases::advance_on_schedule(&system(&app)).await.unwrap(),
        0,
        "a second pass finds nothing to do"
    );

    // A facilitator moves ahead of the dates; the scheduler never moves back.
    let facilitator = person(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    assert_eq!(
        phases::advance(&ctx(&app, &facilitator), pinerolo.id)
            .await
            .unwrap(),
        PhaseTimeline::Running(3)
    );
    for days in [0, 1, 5] {
        let later = Ctx {
            now: Utc::now() + Duration::days(days),
            ..system(&app)
        };
        assert_eq!(phases::advance_on_schedule(&later).await.unwrap(), 0);
        let stored = process_row(&app, PINEROLO).await;
        assert_eq!(
            (stored.phase_cursor, stored.phase_open),
            (3, true),
            "still voting {days} days later"
        );
    }
    // When the voting dates are over, it moves on again.
    let voting_ends = phases_of(&app, pinerolo.id).await[3].ends_on;
    let after_voting = Ctx {
        now: (voting_ends + Duration::days(1))
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc(),
        ..system(&app)
    };
    assert!(phases::advance_on_schedule(&after_voting).await.unwrap() >= 1);
    let stored = process_row(&app, PINEROLO).await;
    assert_eq!((stored.phase_cursor, stored.phase_open), (4, true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_scheduler_passes_move_once_and_notify_once() {
    let app = spawn_app().await;
    let today = shared::model::common::time::italian_date(Utc::now());
    let pinerolo = process_row(&app, PINEROLO).await;
    let dates = phases_of(&app, pinerolo.id).await;
    let citizen = person(&app, "citizen@demo.piazza.invalid").await;
    let followed = first_published(&app, PINEROLO).await;
    authoring::follow(&ctx(&app, &citizen), followed, true)
        .await
        .unwrap();
    // Repeating a follow changes nothing.
    authoring::follow(&ctx(&app, &citizen), followed, true)
        .await
        .unwrap();
    let pinerolo_followers: HashSet<Uuid> = {
        let ids: Vec<Uuid> = proposal::Entity::find()
            .filter(proposal::Column::ProcessId.eq(pinerolo.id))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect();
        follow::Entity::find()
            .filter(follow::Column::ProposalId.is_in(ids))
            .all(&app.db)
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
            &app,
            dates[closing].id,
            dates[closing].starts_on.min(today - Duration::days(2)),
            today - Duration::days(1),
        )
        .await;
        set_phase_dates(&app, dates[opening].id, today, dates[opening].ends_on).await;
        let (a, b) = (system(&app), system(&app));
        let (first, second) = tokio::join!(
            tokio::spawn(async move { phases::advance_on_schedule(&a).await }),
            tokio::spawn(async move { phases::advance_on_schedule(&b).await }),
        );
        let (first, second) = (first.unwrap().unwrap(), second.unwrap().unwrap());
        assert_eq!(first + second, 1, "round {round}: moved exactly once");
        let stored = process_row(&app, PINEROLO).await;
        assert_eq!(
            (stored.phase_cursor as usize, stored.phase_open),
            (opening, true)
        );

        let sent = notification::Entity::find()
            .filter(notification::Column::ProcessId.eq(pinerolo.id))
            .filter(notification::Column::Kind.eq(NotificationKind::PhaseChange.as_str()))
            .filter(notification::Column::Detail.eq(dates[opening].title.as_str()))
            .all(&app.db)
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
    let mine = inbox::list(&ctx(&app, &citizen), None).await.unwrap();
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

// ---------------------------------------------------------------------------
// 3. Editing, history, withdrawal
// ---------------------------------------------------------------------------

#[tokio::test]
async fn authors_edit_until_someone_engages_and_may_withdraw() {
    let app = spawn_app().await;
    let author = person(&app, "citizen-2@demo.piazza.invalid").await;
    let other = person(&app, "citizen@demo.piazza.invalid").await;
    let old_body = "La prima stesura: sportelli aperti anche il sabato mattina.";
    let id = propose(
        &app,
        &author,
        PINEROLO,
        "servizi-online",
        "Sportelli comunali aperti il sabato",
        old_body,
    )
    .await;
    let new_body = "La seconda stesura: sportelli aperti il sabato e un giovedì sera.";
    authoring::edit(
        &ctx(&app, &author),
        id,
        &input("Sportelli comunali aperti il sabato e la sera", new_body),
    )
    .await
    .expect("the author edits before anyone engages");
    let row = proposal_row(&app, id).await;
    assert_eq!(row.version, 2);
    assert_eq!(row.title, "Sportelli comunali aperti il sabato e la sera");
    assert_eq!(row.body_md, new_body);
    let history = authoring::history(&ctx(&app, &other), id).await.unwrap();
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
            &ctx(&app, &other),
            id,
            &input("Un titolo rubato per sempre", BODY)
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    // After someone else's comment, the text is settled.
    comments::post(&ctx(&app, &other), id, None, "Ottima idea.", "favore")
        .await
        .unwrap();
    assert_eq!(
        refusal(
            authoring::edit(
                &ctx(&app, &author),
                id,
                &input("Sportelli aperti il sabato, terza versione", BODY),
            )
            .await
        ),
        Refusal::EditWindowClosed {
            reason: EditLock::Commented
        }
    );
    let row = proposal_row(&app, id).await;
    assert_eq!(row.version, 2, "the refused edit changed nothing");
    assert_eq!(row.body_md, new_body);

    // Only the author withdraws.
    assert!(matches!(
        authoring::withdraw(&ctx(&app, &other), id).await,
        Err(ServiceError::Forbidden)
    ));
    authoring::withdraw(&ctx(&app, &author), id).await.unwrap();
    assert_eq!(proposal_row(&app, id).await.state, "withdrawn");
    assert_eq!(
        refusal(authoring::withdraw(&ctx(&app, &author), id).await),
        Refusal::ProposalClosed {
            state: ProposalState::Withdrawn
        }
    );
    assert_eq!(
        refusal(
            authoring::edit(
                &ctx(&app, &author),
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
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

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
async fn concurrent_supports_keep_every_count_exact() {
    let app = spawn_app().await;
    let targets: Vec<Uuid> = published_in(&app, ALESSANDRIA, "mobilita").await[..3].to_vec();
    let mut before = HashMap::new();
    for id in &targets {
        before.insert(*id, proposal_row(&app, *id).await.support_count);
    }
    let mut people = Vec::new();
    for n in 0..10 {
        people.push(fresh_person(&app, &format!("Sostenitrice {n}")).await);
    }
    // 40 requests: every person supports every proposal once, and ten of
    // them are sent twice (retries).
    let mut tasks = Vec::new();
    for i in 0..40 {
        let who = people[i % 10].clone();
        let target = targets[(i / 10) % 3];
        let ctx = ctx(&app, &who);
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
        let row = proposal_row(&app, *id).await;
        assert_eq!(row.support_count, before[id] + 10, "{id}");
        assert_eq!(
            supports_rows(&app, *id).await,
            row.support_count as u64,
            "the counter equals the rows"
        );
    }
    for who in &people {
        assert_eq!(supports_by(&app, who.id).await, 3);
    }
    // And the same people withdrawing concurrently, twice each.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let who = people[i % 10].clone();
        let target = targets[0];
        let ctx = ctx(&app, &who);
        tasks.push(tokio::spawn(async move {
            supports::withdraw(&ctx, target).await
        }));
    }
    let mut withdrawn = 0;
    for task in tasks {
        withdrawn += usize::from(task.await.unwrap().unwrap().changed);
    }
    assert_eq!(withdrawn, 10);
    let row = proposal_row(&app, targets[0]).await;
    assert_eq!(row.support_count, before[&targets[0]]);
    assert_eq!(
        supports_rows(&app, targets[0]).await,
        row.support_count as u64
    );
}

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

// ---------------------------------------------------------------------------
// 6. Comments
// ---------------------------------------------------------------------------

#[tokio::test]
async fn replies_go_three_deep_and_no_deeper() {
    let app = spawn_app().await;
    let a = ctx(&app, &person(&app, "citizen@demo.piazza.invalid").await);
    let b = ctx(&app, &person(&app, "citizen-2@demo.piazza.invalid").await);
    let id = first_published(&app, PINEROLO).await;
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
    let elsewhere = published_in(&app, PINEROLO, "inclusione-digitale").await[0];
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
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 3, "the refused reply was not stored");
    assert!(rows.iter().all(|c| c.root_id == top));
    assert_eq!(rows.iter().find(|c| c.id == top).unwrap().reply_count, 1);
    assert_eq!(proposal_row(&app, id).await.comment_count, 3);
}

#[tokio::test]
async fn comment_votes_are_one_per_person_and_never_ones_own() {
    let app = spawn_app().await;
    let author = ctx(&app, &person(&app, "citizen@demo.piazza.invalid").await);
    let voter = ctx(&app, &person(&app, "citizen-2@demo.piazza.invalid").await);
    let third = ctx(
        &app,
        &person(&app, "verified-pinerolo@demo.piazza.invalid").await,
    );
    let id = first_published(&app, PINEROLO).await;
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
            &Ctx::new(app.db.clone(), Actor::Anonymous),
            c,
            CommentVote::Up
        )
        .await,
        Err(ServiceError::Unauthenticated)
    ));
}

#[tokio::test]
async fn edited_comments_say_so_and_deleted_ones_leave_a_tombstone() {
    let app = spawn_app().await;
    let author = ctx(&app, &person(&app, "citizen@demo.piazza.invalid").await);
    let other = ctx(&app, &person(&app, "citizen-2@demo.piazza.invalid").await);
    let id = first_published(&app, PINEROLO).await;
    let top = comments::post(&author, id, None, "Prima versione del commento", "favore")
        .await
        .unwrap();
    let reply = comments::post(&other, id, Some(top), "Una risposta che resta", "contro")
        .await
        .unwrap();
    assert_eq!(proposal_row(&app, id).await.comment_count, 2);

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
        .one(&app.db)
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
    assert_eq!(proposal_row(&app, id).await.comment_count, 1);
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
    assert_eq!(proposal_row(&app, id).await.comment_count, 1);
}

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
async fn newest_first_pages_of_new_proposals_never_repeat() {
    let app = spawn_app().await;
    let viewer = Ctx::new(app.db.clone(), Actor::Anonymous);
    // 21 new proposals (the spam brake allows ten an hour each), at the
    // real current time as the server writes them.
    let mut people = Vec::new();
    for n in 0..3 {
        people.push(fresh_person(&app, &format!("Autrice {n}")).await);
    }
    let mut created = Vec::new();
    for n in 0..21 {
        created.push(
            propose(
                &app,
                &people[n % 3],
                PINEROLO,
                "servizi-online",
                &format!("Proposta numero {n} sui servizi online"),
                BODY,
            )
            .await,
        );
    }
    let mut seen = Vec::new();
    let mut lengths = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let query = ProposalListParams {
            ordine: Some("recenti".into()),
            dopo: after.clone(),
            ..Default::default()
        }
        .parse(1)
        .unwrap();
        let page = proposals::list(&viewer, PINEROLO, &query).await.unwrap();
        assert_eq!(page.total, 40);
        lengths.push(page.items.len());
        seen.extend(page.items.iter().map(|c| c.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
        assert!(lengths.len() < 10, "pagination ends");
    }
    assert_eq!(lengths, vec![20, 20], "40 proposals in two pages");
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        40,
        "no proposal repeated or skipped"
    );
    let newest: Vec<Uuid> = created.iter().rev().copied().collect();
    assert_eq!(&seen[..21], &newest[..], "newest first");
}

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

// ---------------------------------------------------------------------------
// 8. Search
// ---------------------------------------------------------------------------

#[tokio::test]
async fn italian_search_finds_plurals_and_ignores_stop_words() {
    let app = spawn_app().await;
    let citizen = person(&app, "citizen@demo.piazza.invalid").await;
    let viewer = Ctx::new(app.db.clone(), Actor::Anonymous);
    let cycling = propose(
        &app,
        &citizen,
        PINEROLO,
        "territorio-connesso",
        "Nuove piste ciclabili nei quartieri",
        "Collegare le scuole e la stazione con percorsi protetti per le biciclette.",
    )
    .await;
    let other_platform = propose(
        &app,
        &citizen,
        PINEROLO,
        "servizi-online",
        "Mappa online della pista ciclabile",
        "Una pagina del sito comunale con i percorsi e i cantieri aggiornati.",
    )
    .await;
    let search = async |cerca: &str, platform: Option<&str>| {
        let query = ProposalListParams {
            cerca: Some(cerca.to_owned()),
            piattaforma: platform.map(str::to_owned),
            ..Default::default()
        }
        .parse(1)
        .expect("valid query");
        let page = proposals::list(&viewer, PINEROLO, &query).await.unwrap();
        let ids: HashSet<Uuid> = page.items.iter().map(|c| c.id).collect();
        assert_eq!(page.total as usize, ids.len());
        ids
    };
    assert_eq!(
        search("pista ciclabile", None).await,
        HashSet::from([cycling, other_platform]),
        "singular finds plural"
    );
    assert_eq!(
        search("PISTE Ciclabili", None).await,
        HashSet::from([cycling, other_platform])
    );
    assert_eq!(
        search("piste ciclabili scuola", None).await,
        HashSet::from([cycling]),
        "every word must match"
    );
    assert_eq!(
        search("pista ciclabile", Some("territorio-connesso")).await,
        HashSet::from([cycling]),
        "with a platform filter"
    );
    assert_eq!(
        search("pista ciclabile", Some("servizi-online")).await,
        HashSet::from([other_platform])
    );
    assert!(
        search("della e il per", None).await.is_empty(),
        "only stop words: nothing"
    );
    assert!(search("astronave", None).await.is_empty());
    // Hostile syntax is only words.
    assert!(
        search("\"); DROP TABLE proposals; -- NEAR(a b) * OR", None)
            .await
            .is_empty()
    );

    let similar = authoring::similar(&viewer, PINEROLO, "Una pista ciclabile in città")
        .await
        .unwrap();
    let similar_ids: Vec<Uuid> = similar.iter().map(|s| s.id).collect();
    assert!(similar_ids.contains(&cycling), "{similar:?}");
    assert!(similar_ids.contains(&other_platform));
    assert!(
        authoring::similar(&viewer, PINEROLO, "della e il per")
            .await
            .unwrap()
            .is_empty()
    );
    // Edits re-index; withdrawn proposals are not suggested.
    authoring::edit(
        &ctx(&app, &citizen),
        other_platform,
        &input("Mappa online dei cantieri stradali", BODY),
    )
    .await
    .unwrap();
    assert_eq!(
        search("pista ciclabile", None).await,
        HashSet::from([cycling])
    );
    authoring::withdraw(&ctx(&app, &citizen), cycling)
        .await
        .unwrap();
    assert!(
        !authoring::similar(&viewer, PINEROLO, "piste ciclabili")
            .await
            .unwrap()
            .iter()
            .any(|s| s.id == cycling)
    );
    // The demo data is searchable too.
    let alessandria = ProposalListParams {
        cerca: Some("piste ciclabili".into()),
        ..Default::default()
    }
    .parse(1)
    .unwrap();
    let page = proposals::list(&viewer, ALESSANDRIA, &alessandria)
        .await
        .unwrap();
    assert!(
        page.items
            .iter()
            .any(|c| c.title.starts_with("Pista ciclabile continua"))
    );
}

// ---------------------------------------------------------------------------
// 9. Markdown never becomes live markup
// ---------------------------------------------------------------------------

const PAYLOADS: &str = "Proposta con contenuti ostili.\n\n\
<script>alert(1)</script>\n\n\
[x](javascript:alert(1))\n\n\
<img src=x onerror=alert(1)>\n\n\
<svg onload=alert(1)>\n\n\
[d](data:text/html;base64,PHNjcmlwdD4=)\n\n\
<a href=\"javascript:alert(1)\"\n\n\
Fine.";

/// Parses the attributes of a tag's inside (`a href="…" rel=…`).
fn attributes(inside: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = inside
        .split_once(char::is_whitespace)
        .map_or("", |(_, a)| a)
        .trim();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_lowercase();
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |i| i + 1);
                    let value = after[1..close].to_owned();
                    rest = after.get(close + 1..).unwrap_or("").trim_start();
                    value
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    let value = after[..end].to_owned();
                    rest = after[end..].trim_start();
                    value
                }
            }
        } else {
            String::new()
        };
        out.push((name, value));
    }
    out
}

/// Every piece of live markup in `html` that could run a payload: script
/// tags without the page's nonce, event-handler attributes, and links or
/// sources to `javascript:` or `data:` documents. Escaped text is ignored.
fn live_payloads(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = html.to_lowercase();
    let mut at = 0;
    while let Some(offset) = lower[at..].find('<') {
        let start = at + offset;
        let Some(end) = lower[start..].find('>').map(|e| start + e) else {
            break;
        };
        let inside = lower[start + 1..end].trim_end_matches('/');
        at = end + 1;
        let name: String = inside
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ':')
            .collect();
        if name.is_empty() {
            continue; // closing tags, comments, doctype
        }
        let attrs = attributes(inside);
        if name == "script" {
            // Skip the script's content (hydration data); only the page's own
            // scripts, which carry its nonce, may have any.
            let Some(close) = lower[at..].find("</script") else {
                found.push(format!("unclosed <{inside}>"));
                break;
            };
            let content = lower[at..at + close].trim();
            if !content.is_empty() && !attrs.iter().any(|(k, _)| k == "nonce") {
                found.push(format!("script without nonce: <{inside}>{content}"));
            }
            at += close;
            continue;
        }
        if matches!(name.as_str(), "textarea" | "title") {
            // Plain text up to the closing tag (RCDATA): tags in it are inert.
            match lower[at..].find(&format!("</{name}")) {
                Some(close) => at += close,
                None => {
                    found.push(format!("unclosed <{inside}>"));
                    break;
                }
            }
            continue;
        }
        if matches!(name.as_str(), "iframe" | "object" | "embed" | "base") {
            found.push(format!("<{inside}>"));
        }
        for (key, value) in attrs {
            let value = value.trim().replace(['\t', '\n', '\r'], "");
            if key.starts_with("on") {
                found.push(format!("handler {key} in <{inside}>"));
            }
            let is_url = matches!(
                key.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href" | "data" | "srcdoc"
            );
            if is_url
                && (value.starts_with("javascript:")
                    || value.starts_with("data:text")
                    || value.starts_with("vbscript:")
                    || value.contains("&#"))
            {
                found.push(format!("{key}={value} in <{inside}>"));
            }
        }
    }
    found
}

#[tokio::test]
async fn markdown_payloads_never_reach_the_page_as_markup() {
    let app = spawn_app().await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let created = app
        .post_form(
            "/api/proposals/create",
            &[
                ("process", PINEROLO),
                ("piattaforma", "servizi-online"),
                ("titolo", "Una proposta con testo ostile"),
                ("testo", PAYLOADS),
            ],
            Some(&cookie),
        )
        .await;
    let id = proposal_id_in(&created.location());
    let commented = app
        .post_form(
            "/api/comments/post",
            &[
                ("proposal", &id.to_string()),
                ("commento", PAYLOADS),
                ("posizione", "contro"),
            ],
            Some(&cookie),
        )
        .await;
    assert!(
        commented.location().contains("esito=commento-pubblicato"),
        "{}",
        commented.location()
    );
    // What the services hand to the page is already clean.
    let anonymous = Ctx::new(app.db.clone(), Actor::Anonymous);
    let detail = proposals::detail(&anonymous, id).await.unwrap();
    let thread = comments::list(&anonymous, id, None).await.unwrap();
    for html in [&detail.body_html, &thread.threads[0].body_html] {
        let lower = html.to_lowercase();
        // Raw HTML survives only as escaped text, links only as http(s).
        for bad in ["<script", "<img", "<svg", "<a href", "data:text/html"] {
            assert!(!lower.contains(bad), "{bad} in {html}");
        }
        assert!(
            lower.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(live_payloads(html).is_empty(), "{html}");
    }

    // The page, for anyone and for the author.
    for (anonymous, answer) in [
        (true, app.get(&format!("/proposte/{id}")).await),
        (false, app.get_as(&format!("/proposte/{id}"), &cookie).await),
    ] {
        assert_eq!(answer.status, StatusCode::OK);
        let page = &answer.body;
        assert!(page.contains("Una proposta con testo ostile"));
        assert!(
            page.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "raw HTML is shown as text"
        );
        let lower = page.to_lowercase();
        if anonymous {
            // The author's page also carries the Markdown source, in the
            // comment's edit box (inert text) and as data; nobody else's does.
            assert!(!lower.contains("<script>alert"), "a live script");
            assert!(!lower.contains("<img src=x"));
            assert!(!lower.contains("<svg onload"));
            assert!(!lower.contains("<a href=\"javascript:"));
            assert!(!lower.contains("<a href=\"data:"));
            assert!(!lower.contains("data:text/html"));
        }
        let live = live_payloads(page);
        assert!(live.is_empty(), "live markup: {live:#?}");
    }
    // The list's excerpts are plain text too.
    let list = app
        .page(&format!("/processi/{PINEROLO}/proposte?ordine=recenti"))
        .await;
    assert!(list.contains("Una proposta con testo ostile"));
    assert!(live_payloads(&list).is_empty());
    assert!(!list.to_lowercase().contains("<script>alert"));
}

/// The author's own edit boxes hold the Markdown source as text: it must not
/// be able to close the box and go on as markup.
#[tokio::test]
async fn edit_boxes_keep_their_text_inside() {
    let app = spawn_app().await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let id = first_published(&app, PINEROLO).await;
    let breakout = "Chiudo la casella </textarea><img src=x onerror=alert(1)><b>fuori</b>";
    let posted = app
        .post_form(
            "/api/comments/post",
            &[
                ("proposal", &id.to_string()),
                ("commento", breakout),
                ("posizione", "neutro"),
            ],
            Some(&cookie),
        )
        .await;
    assert!(posted.location().contains("esito=commento-pubblicato"));
    // Others see it rendered and escaped.
    let page = app.page(&format!("/proposte/{id}")).await;
    assert!(live_payloads(&page).is_empty());
    // The author's page has the edit box with the source.
    let mine = app.get_as(&format!("/proposte/{id}"), &cookie).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("Modifica il commento"));
    let comment_box = live_payloads(&mine.body);

    // The same for a proposal's text on its edit page.
    let created = app
        .post_form(
            "/api/proposals/create",
            &[
                ("process", PINEROLO),
                ("piattaforma", "servizi-online"),
                ("titolo", "Una proposta che esce dalla casella"),
                ("testo", &format!("{breakout} e altro testo ancora.")),
            ],
            Some(&cookie),
        )
        .await;
    let proposal = proposal_id_in(&created.location());
    let edit = app
        .get_as(&format!("/proposte/{proposal}/modifica"), &cookie)
        .await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains("Una proposta che esce dalla casella"));
    let proposal_box = live_payloads(&edit.body);
    assert!(
        comment_box.is_empty() && proposal_box.is_empty(),
        "the text left its box: comment {comment_box:#?}, proposal {proposal_box:#?}"
    );
}

// ---------------------------------------------------------------------------
// 10. Images
// ---------------------------------------------------------------------------

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E, 0xAB, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];

/// The image form as the proposal page sends it.
fn image_upload(
    proposal_id: Uuid,
    cookie: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
    description: &str,
) -> Request<Body> {
    let boundary = "----piazzaimmagine";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"descrizione\"\r\n\r\n{description}\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"immagine\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(format!("/proposte/{proposal_id}/immagini"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("origin", ORIGIN)
        .header("cookie", cookie)
        .body(Body::from(body))
        .unwrap()
}

async fn images_of(app: &TestApp, proposal_id: Uuid) -> Vec<attachment::Model> {
    attachment::Entity::find()
        .filter(attachment::Column::ProposalId.eq(proposal_id))
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn images_are_stored_served_safely_and_svg_is_refused() {
    let app = spawn_app().await;
    let author = person(&app, "citizen@demo.piazza.invalid").await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let id = propose(
        &app,
        &author,
        PINEROLO,
        "territorio-connesso",
        "Panchine con ricarica solare in piazza",
        BODY,
    )
    .await;

    let uploaded = app
        .send(
            image_upload(
                id,
                &cookie,
                "panchina.png",
                "image/png",
                PNG,
                "Una panchina in piazza",
            ),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    assert_eq!(
        uploaded.location(),
        format!("/proposte/{id}?esito=immagine-aggiunta#immagini")
    );
    let stored = images_of(&app, id).await;
    assert_eq!(stored.len(), 1);
    let image = &stored[0];
    assert_eq!(image.content_type, "image/png");
    assert_eq!(image.alt_text, "Una panchina in piazza");
    assert_eq!(image.uploader_id, Some(author.id));

    let served = app.get(&format!("/immagini/{}", image.id)).await;
    assert_eq!(served.status, StatusCode::OK);
    let header = |name: &str| {
        served
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "image/png");
    assert_eq!(header("x-content-type-options"), "nosniff");
    // No scripts may run from it, whatever policy wins (see
    // `served_images_keep_their_sandbox_policy` for the sandbox itself).
    let csp = header("content-security-policy");
    assert!(
        csp.contains("default-src 'none'") || csp.contains("script-src 'self';"),
        "the image's CSP: {csp}"
    );
    assert!(!csp.contains("nonce-"), "no page policy on an image: {csp}");
    assert!(header("content-disposition").starts_with("inline"));
    // The page shows it with its description.
    let page = app.page(&format!("/proposte/{id}")).await;
    assert!(page.contains(&format!("/immagini/{}", image.id)));
    assert!(page.contains("Una panchina in piazza"));

    // SVG (script inside) is not an image we accept, whatever it claims to be.
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(1)</script></svg>";
    for (name, claimed) in [("disegno.svg", "image/svg+xml"), ("finta.png", "image/png")] {
        let refused = app
            .send(
                image_upload(id, &cookie, name, claimed, svg, "Un disegno vettoriale"),
                [10, 0, 0, 1],
            )
            .await;
        assert!(refused.status.is_redirection(), "{}", refused.status);
        assert!(
            refused.location().contains("errore-immagine="),
            "{}",
            refused.location()
        );
    }
    // No description: refused too.
    let no_alt = app
        .send(
            image_upload(id, &cookie, "panchina.png", "image/png", PNG, " "),
            [10, 0, 0, 1],
        )
        .await;
    assert!(no_alt.location().contains("errore-immagine=descrizione"));
    assert_eq!(images_of(&app, id).await.len(), 1, "nothing else stored");

    // Only the author attaches images; anonymous people are sent to sign in.
    let other = sign_in_demo(&app, "citizen-2@demo.piazza.invalid").await;
    let forbidden = app
        .send(
            image_upload(
                id,
                &other,
                "panchina.png",
                "image/png",
                PNG,
                "Non sono l'autore",
            ),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let anonymous = app
        .send(
            image_upload(
                id,
                "piazza_sessione=",
                "panchina.png",
                "image/png",
                PNG,
                "Anonimo",
            ),
            [10, 0, 0, 1],
        )
        .await;
    assert!(
        anonymous.location().starts_with("/accedi"),
        "{}",
        anonymous.location()
    );
    assert_eq!(images_of(&app, id).await.len(), 1);
    assert_eq!(
        app.get(&format!("/immagini/{}", Uuid::now_v7()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/immagini/non-un-id").await.status,
        StatusCode::NOT_FOUND
    );
}

/// The image route answers `Content-Security-Policy: default-src 'none';
/// sandbox`, so an image opened directly can never act as a document.
#[tokio::test]
async fn served_images_keep_their_sandbox_policy() {
    let app = spawn_app().await;
    let author = person(&app, "citizen@demo.piazza.invalid").await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let id = propose(
        &app,
        &author,
        PINEROLO,
        "territorio-connesso",
        "Una fontanella in ogni parco giochi",
        BODY,
    )
    .await;
    let uploaded = app
        .send(
            image_upload(
                id,
                &cookie,
                "fontana.png",
                "image/png",
                PNG,
                "La fontanella",
            ),
            [10, 0, 0, 1],
        )
        .await;
    assert!(uploaded.location().contains("esito=immagine-aggiunta"));
    let image = images_of(&app, id).await.remove(0);
    let served = app.get(&format!("/immagini/{}", image.id)).await;
    assert_eq!(served.status, StatusCode::OK);
    let csp = served
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("sandbox"), "the image's CSP: {csp}");
    assert!(csp.contains("default-src 'none'"), "the image's CSP: {csp}");
}

// ---------------------------------------------------------------------------
// 11. Results
// ---------------------------------------------------------------------------

/// The rows of the table `table_id`: (name, numbers in the cells).
fn table_rows(html: &str, table_id: &str) -> Vec<(String, Vec<u64>)> {
    let start = html
        .find(&format!("id=\"{table_id}\""))
        .unwrap_or_else(|| panic!("table {table_id}"));
    let end = start + html[start..].find("</table>").expect("the table ends");
    let strip = |s: &str| -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in s.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.trim().to_owned()
    };
    html[start..end]
        .split("<tr")
        .filter(|row| row.contains("scope=\"row\""))
        .map(|row| {
            let name = row
                .split("<th")
                .nth(1)
                .and_then(|th| th.split_once('>'))
                .map(|(_, rest)| strip(rest.split("</th>").next().unwrap_or_default()))
                .unwrap_or_default();
            let numbers = row
                .split("<td")
                .skip(1)
                .map(|td| {
                    let text = strip(&format!("<td{}", td.split("</td>").next().unwrap()));
                    text.chars()
                        .filter(char::is_ascii_digit)
                        .collect::<String>()
                        .parse()
                        .unwrap_or_else(|_| panic!("a number in {text:?}"))
                })
                .collect();
            (name, numbers)
        })
        .collect()
}

#[tokio::test]
async fn results_page_totals_match_the_database() {
    let app = spawn_app().await;
    // One more support first, so the page reflects live data.
    let cookie = sign_in_demo(&app, "verified@demo.piazza.invalid").await;
    let voted = published_in(&app, ALESSANDRIA, "universita-ricerca").await[0];
    let given = app
        .post_form(
            "/api/supports/give",
            &[("id", &voted.to_string())],
            Some(&cookie),
        )
        .await;
    assert!(given.location().contains("esito=sostegno-dato"));

    let answer = app.get(&format!("/processi/{ALESSANDRIA}/risultati")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = &answer.body;
    assert!(html.contains("<svg"), "a chart");
    assert!(html.contains("<table"), "a table");

    let process = process_row(&app, ALESSANDRIA).await;
    let platforms = platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(process.id))
        .all(&app.db)
        .await
        .unwrap();
    let rows = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::State.ne("withdrawn"))
        .all(&app.db)
        .await
        .unwrap();
    let mut expected: HashMap<String, (u64, u64)> = HashMap::new();
    for p in &platforms {
        expected.insert(p.title.clone(), (0, 0));
    }
    for row in &rows {
        let title = &platforms
            .iter()
            .find(|p| p.id == row.platform_id)
            .unwrap()
            .title;
        let entry = expected.get_mut(title).unwrap();
        entry.0 += 1;
        entry.1 += row.support_count as u64;
    }
    let shown = table_rows(html, "grafico-piattaforme-table");
    assert_eq!(shown.len(), platforms.len(), "{shown:?}");
    for (name, numbers) in &shown {
        let (proposals, supports) = expected
            .get(name)
            .unwrap_or_else(|| panic!("unknown platform {name:?}"));
        assert_eq!(numbers[0], *proposals, "{name}: proposals");
        assert_eq!(
            numbers[1], *supports,
            "{name}: supports = SUM(support_count)"
        );
    }
    let universita = platforms
        .iter()
        .find(|p| p.slug == "universita-ricerca")
        .unwrap();
    let total_supports: u64 = shown.iter().map(|(_, n)| n[1]).sum();
    let all_rows = support::Entity::find().all(&app.db).await.unwrap();
    let in_process: HashSet<Uuid> = rows.iter().map(|r| r.id).collect();
    assert_eq!(
        total_supports,
        all_rows
            .iter()
            .filter(|s| in_process.contains(&s.proposal_id))
            .count() as u64,
        "the totals count the supports rows"
    );
    assert!(shown.iter().any(|(name, _)| *name == universita.title));

    // The service says the same.
    let results = supports::results(&Ctx::new(app.db.clone(), Actor::Anonymous), ALESSANDRIA)
        .await
        .unwrap();
    assert!(results.visible);
    for row in &results.by_platform {
        assert_eq!(expected[&row.name].1, row.supports, "{}", row.name);
    }
    // While a voting phase hides counts, the results are hidden too.
    phase::Entity::update_many()
        .col_expr(phase::Column::SupportCountsVisible, Expr::value(false))
        .filter(phase::Column::ProcessId.eq(process.id))
        .filter(phase::Column::Kind.eq("voting"))
        .exec(&app.db)
        .await
        .unwrap();
    let hidden = supports::results(&Ctx::new(app.db.clone(), Actor::Anonymous), ALESSANDRIA)
        .await
        .unwrap();
    assert!(!hidden.visible && hidden.by_platform.is_empty());
    let page = app
        .page(&format!("/processi/{ALESSANDRIA}/risultati"))
        .await;
    assert!(!page.contains("grafico-piattaforme-table"));
}

// ---------------------------------------------------------------------------
// 12. Bad input answers 400, never 500
// ---------------------------------------------------------------------------

#[tokio::test]
async fn bad_participation_input_answers_400_and_names_the_field() {
    let app = spawn_app().await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let pinerolo_proposal = first_published(&app, PINEROLO).await.to_string();
    let proposals_before = proposal::Entity::find().count(&app.db).await.unwrap();

    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "/api/proposals/create",
            vec![
                ("process", PINEROLO),
                ("piattaforma", "servizi-online"),
                ("titolo", "Corto"),
                ("testo", BODY),
            ],
            "titolo",
        ),
        (
            "/api/proposals/create",
            vec![
                ("process", PINEROLO),
                ("piattaforma", "servizi-online"),
                ("titolo", "Un titolo abbastanza lungo"),
                ("testo", "breve"),
            ],
            "testo",
        ),
        (
            "/api/proposals/create",
            vec![
                ("process", PINEROLO),
                ("piattaforma", "non-esiste"),
                ("titolo", "Un titolo abbastanza lungo"),
                ("testo", BODY),
            ],
            "piattaforma",
        ),
        (
            "/api/proposals/create",
            vec![
                ("process", PINEROLO),
                ("piattaforma", "servizi-online"),
                ("titolo", "Un titolo abbastanza lungo"),
                ("testo", BODY),
                ("zona", "atlantide"),
            ],
            "zona",
        ),
        ("/api/supports/give", vec![("id", "non-un-uuid")], "id"),
        ("/api/supports/withdraw", vec![("id", "1234")], "id"),
        (
            "/api/comments/post",
            vec![
                ("proposal", &pinerolo_proposal),
                ("commento", "Un commento valido"),
                ("posizione", "boh"),
            ],
            "posizione",
        ),
        (
            "/api/comments/post",
            vec![
                ("proposal", "non-un-uuid"),
                ("commento", "Un commento valido"),
                ("posizione", "favore"),
            ],
            "proposal",
        ),
        (
            "/api/comments/post",
            vec![
                ("proposal", &pinerolo_proposal),
                ("parent", "storto"),
                ("commento", "Un commento valido"),
            ],
            "parent",
        ),
        (
            "/api/comments/vote",
            vec![
                ("proposal", &pinerolo_proposal),
                ("id", &pinerolo_proposal),
                ("voto", "forse"),
            ],
            "voto",
        ),
        // Missing fields: the request itself is malformed.
        ("/api/supports/give", vec![], "request"),
        ("/api/comments/post", vec![("proposal", "x")], "request"),
    ];
    for (uri, fields, field) in &cases {
        let answer = post_api(&app, uri, fields, Some(&cookie)).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{uri} {fields:?}: {}",
            answer.body
        );
        let error: serde_json::Value = serde_json::from_str(&answer.body)
            .unwrap_or_else(|_| panic!("{uri}: a typed error: {}", answer.body));
        assert_eq!(error["InvalidInput"]["field"], *field, "{uri}: {error}");
        // The no-JavaScript form gets the same error back in the redirect.
        let form = app.post_form(uri, fields, Some(&cookie)).await;
        assert_ne!(form.status, StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
        if let Some(error) = form.form_error() {
            assert_eq!(error["InvalidInput"]["field"], *field, "{uri}: {error}");
        }
    }
    // Refusals are 409 with the reason; unknown proposals 404.
    let voted = first_published(&app, ALESSANDRIA).await.to_string();
    let closed = post_api(
        &app,
        "/api/comments/post",
        &[
            ("proposal", &voted),
            ("commento", "Troppo tardi per commentare"),
            ("posizione", "neutro"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(closed.status, StatusCode::CONFLICT, "{}", closed.body);
    assert!(closed.body.contains("phase_closed"), "{}", closed.body);
    let missing = post_api(
        &app,
        "/api/supports/give",
        &[("id", &Uuid::now_v7().to_string())],
        Some(&cookie),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
    // Without our origin, nothing is even read.
    let mut request = Request::post("/api/supports/give")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .header("cookie", &cookie)
        .body(Body::from(format!("id={voted}")))
        .unwrap();
    request.headers_mut().remove("referer");
    assert_eq!(
        app.send(request, [10, 0, 0, 1]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        proposal::Entity::find().count(&app.db).await.unwrap(),
        proposals_before,
        "no bad request created anything"
    );
}

// ---------------------------------------------------------------------------
// Phase settings and forms refused without JavaScript
// ---------------------------------------------------------------------------

#[tokio::test]
async fn facilitators_set_the_voting_limit_and_it_applies() {
    let app = spawn_app().await;
    let alessandria = process_row(&app, "piano-strategico-alessandria-2030").await;
    let voting = phases_of(&app, alessandria.id)
        .await
        .into_iter()
        .find(|p| p.kind == "voting")
        .expect("a voting phase");
    let facilitator = Ctx::new(
        app.db.clone(),
        Actor::Person(person(&app, "facilitator@demo.piazza.invalid").await),
    );
    let citizen = Ctx::new(
        app.db.clone(),
        Actor::Person(person(&app, "citizen@demo.piazza.invalid").await),
    );
    assert!(matches!(
        phases::set_settings(&citizen, voting.id, Some(1), true).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        phases::set_settings(&facilitator, voting.id, Some(0), true).await,
        Err(ServiceError::InvalidInput { .. })
    ));
    phases::set_settings(&facilitator, voting.id, Some(1), false)
        .await
        .expect("a facilitator of the process sets the phase");

    let voter = fresh_person(&app, "Limite Uno").await;
    let ctx = Ctx::new(app.db.clone(), Actor::Person(voter));
    let ids = published_in(
        &app,
        "piano-strategico-alessandria-2030",
        "servizi-digitali",
    )
    .await;
    assert!(ids.len() >= 2, "two proposals to support");
    supports::give(&ctx, ids[0])
        .await
        .expect("the first support");
    assert!(matches!(
        supports::give(&ctx, ids[1]).await,
        Err(ServiceError::Refused(Refusal::SupportLimitReached {
            limit: 1
        }))
    ));
    // Counts are hidden now: neither the proposal nor the results show them.
    let detail = proposals::detail(&ctx, ids[0]).await.unwrap();
    assert_eq!(detail.support_count, None);
    let results = supports::results(&ctx, "piano-strategico-alessandria-2030")
        .await
        .unwrap();
    assert!(!results.visible && results.by_platform.is_empty());
    let html = app
        .get("/processi/piano-strategico-alessandria-2030/proposte")
        .await
        .body;
    assert!(
        html.contains("resta nascosto"),
        "the list says counts are hidden"
    );
    assert!(!html.contains("Sostegni: "), "no count on the cards");
    // The next page follows the order the list really used (newest first).
    let next = html
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a next page link")
        .replace("&amp;", "&");
    assert!(next.contains("ordine=recenti"), "{next}");
    assert_eq!(app.get(&next).await.status, StatusCode::OK);

    // When a supported proposal is withdrawn, its supporters get the support back.
    let first = proposal_row(&app, ids[0]).await;
    let author_email = user::Entity::find_by_id(first.author_id.expect("an author"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .email
        .expect("an email");
    let author = Ctx::new(
        app.db.clone(),
        Actor::Person(person(&app, &author_email).await),
    );
    authoring::withdraw(&author, ids[0])
        .await
        .expect("the author withdraws");
    supports::give(&ctx, ids[1])
        .await
        .expect("the support given back can go elsewhere");
    assert!(matches!(
        supports::withdraw(&ctx, ids[0]).await,
        Err(ServiceError::Refused(Refusal::ProposalClosed { .. }))
    ));
}

#[tokio::test]
async fn an_upgraded_instance_gets_search_terms_at_start() {
    let app = spawn_app().await;
    let id = first_published(&app, "agenda-digitale-pinerolo").await;
    let title = proposal_row(&app, id).await.title;
    proposal::Entity::update_many()
        .col_expr(proposal::Column::SearchTerms, Expr::value(""))
        .filter(proposal::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
    let system = Ctx::new(app.db.clone(), Actor::System);
    let report = shared::service::seed::upgrade::backfill(&system)
        .await
        .unwrap();
    assert_eq!(report.proposals_indexed, 1);
    assert_eq!(
        shared::service::seed::upgrade::backfill(&system)
            .await
            .unwrap(),
        Default::default(),
        "nothing left the second time"
    );
    let anyone = Ctx::new(app.db.clone(), Actor::Anonymous);
    let found = authoring::similar(&anyone, "agenda-digitale-pinerolo", &title)
        .await
        .unwrap();
    assert_eq!(found.first().map(|p| p.id), Some(id));
}

#[tokio::test]
async fn a_refused_form_without_javascript_comes_back_filled_in() {
    let app = spawn_app().await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let body_text = "Testo breve ma prezioso";
    let answer = app
        .post_form(
            "/api/proposals/create",
            &[
                ("process", "agenda-digitale-pinerolo"),
                ("piattaforma", "servizi-online"),
                ("titolo", "Un titolo di prova per la bozza"),
                ("testo", body_text),
                ("zona", "collina"),
            ],
            Some(&cookie),
        )
        .await;
    assert!(answer.status.is_redirection(), "{}", answer.status);
    let page = app
        .get_as("/processi/agenda-digitale-pinerolo/proposte/nuova", &cookie)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(body_text), "the body comes back");
    assert!(
        page.body
            .contains("value=\"Un titolo di prova per la bozza\"")
    );
    assert!(page.body.contains("<option value=\"collina\" selected"));
    // Taken once: a later visit starts empty.
    let again = app
        .get_as("/processi/agenda-digitale-pinerolo/proposte/nuova", &cookie)
        .await;
    assert!(!again.body.contains(body_text));
    // Nobody else ever sees it.
    let other = sign_in_demo(&app, "citizen-2@demo.piazza.invalid").await;
    let theirs = app
        .get_as("/processi/agenda-digitale-pinerolo/proposte/nuova", &other)
        .await;
    assert!(!theirs.body.contains(body_text));
}
