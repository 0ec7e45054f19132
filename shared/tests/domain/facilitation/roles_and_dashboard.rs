//! Who moderates, merges and answers; the transition preview; the dashboard's totals.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn only_the_right_facilitators_moderate_merge_answer_and_see_the_dashboard() {
    let demo = demo_db().await;
    let pinerolo = process_row(&demo, PINEROLO).await;
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let servizi = published_in(&demo, PINEROLO, "servizi-online").await;
    let (a, b) = (servizi[0], servizi[1]);
    let project_id = projects::merge(
        &ctx(&demo, &facilitator),
        &[servizi[2], servizi[3]],
        &project_input("Cantiere dei servizi online"),
    )
    .await
    .unwrap();
    let victim = fresh_person(&demo, "Persona qualunque").await;

    let citizen = fresh_person(&demo, "Cittadina").await;
    let other_process = process_facilitator(&demo, MILANO, "Facilitatore Milano").await;
    let other_platform = platform_facilitator(
        &demo,
        PINEROLO,
        "inclusione-digitale",
        "Facilitatrice Inclusione",
    )
    .await;
    let staff = with_role(&demo, "Dipendente", Role::Staff, None, None).await;
    let council = with_role(&demo, "Consigliera", Role::Council, None, None).await;
    let mut viewers: Vec<(String, Ctx, bool)> = vec![("anonymous".into(), anonymous(&demo), false)];
    for who in [&citizen, &other_process, &other_platform, &staff, &council] {
        viewers.push((who.display_name.clone(), ctx(&demo, who), true));
    }
    let input = project_input("Un cantiere non autorizzato");
    for (name, c, signed_in) in &viewers {
        let signed_in = *signed_in;
        let what = |op: &str| format!("{name}: {op}");
        denied(
            moderation::decide(
                c,
                "proposta",
                a,
                ModerationDecision::Hide,
                "Un motivo qualsiasi",
            )
            .await,
            signed_in,
            &what("decide"),
        );
        denied(
            blocks::block(c, PINEROLO, victim.id, "Un motivo qualsiasi").await,
            signed_in,
            &what("block"),
        );
        denied(
            blocks::unblock(c, PINEROLO, victim.id, "Un motivo qualsiasi").await,
            signed_in,
            &what("unblock"),
        );
        denied(
            moderation::set_settings(c, PINEROLO, true, 1).await,
            signed_in,
            &what("set_settings"),
        );
        denied(
            queue::queue(c, PINEROLO, None).await,
            signed_in,
            &what("queue"),
        );
        denied(
            queue::queue(c, PINEROLO, Some("servizi-online")).await,
            signed_in,
            &what("queue of a platform"),
        );
        denied(
            projects::merge(c, &[a, b], &input).await,
            signed_in,
            &what("merge"),
        );
        denied(
            projects::undo(c, project_id, "Un motivo qualsiasi").await,
            signed_in,
            &what("undo"),
        );
        denied(
            projects::edit(c, project_id, &input).await,
            signed_in,
            &what("edit project"),
        );
        denied(
            authoring::answer_many(c, &[a, b], "accepted", "Accolte.").await,
            signed_in,
            &what("answer_many"),
        );
        denied(
            dashboard::overview(c, PINEROLO, None).await,
            signed_in,
            &what("dashboard"),
        );
        denied(
            dashboard::overview(c, PINEROLO, Some("servizi-online")).await,
            signed_in,
            &what("dashboard of a platform"),
        );
    }
    // A platform facilitator runs their platform, not the process.
    let as_platform = ctx(&demo, &other_platform);
    for (what, result) in [
        (
            "block",
            blocks::block(&as_platform, PINEROLO, victim.id, "Un motivo qualsiasi")
                .await
                .err(),
        ),
        (
            "settings",
            moderation::set_settings(&as_platform, PINEROLO, true, 1)
                .await
                .err(),
        ),
        (
            "process queue",
            queue::queue(&as_platform, PINEROLO, None).await.err(),
        ),
    ] {
        assert!(
            matches!(result, Some(ServiceError::Forbidden)),
            "{what}: {result:?}"
        );
    }
    queue::queue(&as_platform, PINEROLO, Some("inclusione-digitale"))
        .await
        .expect("their own platform's queue");
    dashboard::overview(&as_platform, PINEROLO, Some("inclusione-digitale"))
        .await
        .expect("their own platform's dashboard");

    // Nothing changed.
    let stored = process_row(&demo, PINEROLO).await;
    assert_eq!(
        (stored.pre_moderation, stored.report_threshold),
        (pinerolo.pre_moderation, pinerolo.report_threshold)
    );
    for id in [a, b] {
        let row = proposal_row(&demo, id).await;
        assert_eq!(
            (row.state.as_str(), row.visibility.as_str(), row.project_id),
            ("published", "visibile", None)
        );
        assert!(row.answered_at.is_none());
    }
    assert!(project_row(&demo, project_id).await.dissolved_at.is_none());
    assert_eq!(
        project_row(&demo, project_id).await.title,
        "Cantiere dei servizi online"
    );
    assert_eq!(project::Entity::find().count(&demo.db).await.unwrap(), 1);
    assert_eq!(
        process_block::Entity::find().count(&demo.db).await.unwrap(),
        0
    );
    assert_eq!(
        moderation_entry::Entity::find()
            .filter(moderation_entry::Column::ProcessId.eq(pinerolo.id))
            .count(&demo.db)
            .await
            .unwrap(),
        1,
        "only the facilitator's merge is logged"
    );
}

#[tokio::test]
async fn answering_many_is_all_or_nothing_within_the_facilitators_platforms() {
    let demo = demo_db().await;
    let facilitator =
        platform_facilitator(&demo, ALESSANDRIA, "mobilita", "Facilitatrice Mobilità").await;
    let as_facilitator = ctx(&demo, &facilitator);
    let mobilita = published_in(&demo, ALESSANDRIA, "mobilita").await;
    let digital = published_in(&demo, ALESSANDRIA, "servizi-digitali").await;
    let follower = fresh_person(&demo, "Segue tutto").await;
    for id in [mobilita[0], mobilita[1], mobilita[2], digital[0]] {
        authoring::follow(&ctx(&demo, &follower), id, true)
            .await
            .unwrap();
    }

    let answered = authoring::answer_many(
        &as_facilitator,
        &[mobilita[0], mobilita[1]],
        "accepted",
        "Entrambe accolte nel piano.",
    )
    .await
    .unwrap();
    assert_eq!(answered, 2);
    for id in [mobilita[0], mobilita[1]] {
        let row = proposal_row(&demo, id).await;
        assert_eq!(row.state, "accepted");
        assert_eq!(
            row.answer_md.as_deref(),
            Some("Entrambe accolte nel piano.")
        );
        assert!(row.answered_at.is_some());
        assert_eq!(
            notified(&demo, follower.id, NotificationKind::Answer, id).await,
            1
        );
        let author = row.author_id.unwrap();
        assert_eq!(
            notified(&demo, author, NotificationKind::Answer, id).await,
            1
        );
    }

    // One of another platform: refused, and nothing answered.
    assert!(matches!(
        authoring::answer_many(
            &as_facilitator,
            &[mobilita[2], digital[0]],
            "rejected",
            "Non pertinenti al piano.",
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    for id in [mobilita[2], digital[0]] {
        let row = proposal_row(&demo, id).await;
        assert_eq!((row.state.as_str(), row.answered_at), ("published", None));
        assert_eq!(
            notified(&demo, follower.id, NotificationKind::Answer, id).await,
            0
        );
    }
    // A rejection needs a reason.
    assert_eq!(
        field_of(authoring::answer_many(&as_facilitator, &[mobilita[2]], "rejected", "").await).0,
        "risposta"
    );
    // One closed proposal among them: none is answered.
    let process_wide = process_facilitator(&demo, ALESSANDRIA, "Facilitatore generale").await;
    let alessandria = process_row(&demo, ALESSANDRIA).await;
    let withdrawn = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(alessandria.id))
        .filter(proposal::Column::State.eq("withdrawn"))
        .one(&demo.db)
        .await
        .unwrap()
        .expect("the demo has a withdrawn proposal");
    assert!(matches!(
        refusal(
            authoring::answer_many(
                &ctx(&demo, &process_wide),
                &[mobilita[2], withdrawn.id],
                "under_evaluation",
                "",
            )
            .await
        ),
        Refusal::ProposalClosed { .. }
    ));
    assert_eq!(proposal_row(&demo, mobilita[2]).await.state, "published");
    assert_eq!(
        notified(&demo, follower.id, NotificationKind::Answer, mobilita[2]).await,
        0
    );
    // The whole-process facilitator answers across platforms.
    assert_eq!(
        authoring::answer_many(
            &ctx(&demo, &process_wide),
            &[mobilita[2], digital[0]],
            "under_evaluation",
            "",
        )
        .await
        .unwrap(),
        2
    );
    for id in [mobilita[2], digital[0]] {
        assert_eq!(proposal_row(&demo, id).await.state, "under_evaluation");
    }
}

#[tokio::test]
async fn the_preview_says_what_the_next_move_opens_and_closes() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    for slug in [PINEROLO, ALESSANDRIA] {
        let process = process_row(&demo, slug).await;
        let phases_rows = phase::Entity::find()
            .filter(phase::Column::ProcessId.eq(process.id))
            .order_by_asc(phase::Column::Position)
            .all(&demo.db)
            .await
            .unwrap();
        assert!(process.phase_open);
        let current = &phases_rows[process.phase_cursor as usize];
        let next = &phases_rows[process.phase_cursor as usize + 1];
        let preview = phases::preview(&anon, process.id).await.unwrap();
        assert_eq!(
            preview.closes_phase.as_deref(),
            Some(current.title.as_str())
        );
        assert_eq!(preview.opens_phase.as_deref(), Some(next.title.as_str()));
        let (was, will) = (actions_of(&current.kind), actions_of(&next.kind));
        assert_eq!(
            preview.closed,
            was.iter()
                .filter(|a| !will.contains(a))
                .copied()
                .collect::<Vec<_>>()
        );
        assert_eq!(
            preview.opened,
            will.iter()
                .filter(|a| !was.contains(a))
                .copied()
                .collect::<Vec<_>>()
        );
        assert_eq!(
            preview.still_open,
            was.iter()
                .filter(|a| will.contains(a))
                .copied()
                .collect::<Vec<_>>()
        );
        let followers = count_sql(
            &demo,
            "SELECT COUNT(DISTINCT f.user_id) FROM follows f \
             JOIN proposals p ON p.id = f.proposal_id WHERE p.process_id = ?",
            vec![Value::from(process.id)],
        )
        .await;
        assert_eq!(preview.followers as i64, followers, "{slug}");
        assert_eq!(preview.today, anon.today());
        // Looking changes nothing.
        let after = process_row(&demo, slug).await;
        assert_eq!(
            (after.phase_cursor, after.phase_open),
            (process.phase_cursor, process.phase_open)
        );
    }
    // Pinerolo collects proposals, then deliberates: proposing closes,
    // commenting stays; Alessandria's vote gives way to the synthesis.
    let pinerolo = process_row(&demo, PINEROLO).await;
    let preview = phases::preview(&anon, pinerolo.id).await.unwrap();
    assert_eq!(preview.closed, vec![ParticipationAction::Propose]);
    assert_eq!(preview.still_open, vec![ParticipationAction::Comment]);
    assert!(preview.opened.is_empty());
    let alessandria = process_row(&demo, ALESSANDRIA).await;
    let preview = phases::preview(&anon, alessandria.id).await.unwrap();
    assert_eq!(preview.closed, vec![ParticipationAction::Support]);
    assert!(preview.opened.is_empty() && preview.still_open.is_empty());
}

#[tokio::test]
async fn the_dashboard_totals_match_the_database() {
    let demo = demo_db().await;
    let pinerolo = process_row(&demo, PINEROLO).await;
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&demo, &facilitator);
    // Some activity today: a proposal, a comment, one at the counter, and a
    // proposal out of sight.
    let citizen = fresh_person(&demo, "Partecipante").await;
    let mine = authoring::create(
        &ctx(&demo, &citizen),
        PINEROLO,
        "servizi-online",
        &input("Un sito comunale più semplice da usare"),
    )
    .await
    .unwrap();
    let target = published_in(&demo, PINEROLO, "territorio-connesso").await[0];
    comments::post(
        &ctx(&demo, &citizen),
        target,
        None,
        "Sono d'accordo.",
        "favore",
    )
    .await
    .unwrap();
    let staff = with_role(&demo, "Sportellista", Role::Staff, None, None).await;
    let receipt = counter::record(&ctx(&demo, &staff), "Giuseppe Verdi", "patente", "")
        .await
        .unwrap();
    counter::propose(
        &ctx(&demo, &staff),
        receipt.record_id,
        PINEROLO,
        "inclusione-digitale",
        &input("Uno sportello digitale nelle frazioni"),
    )
    .await
    .unwrap();
    let hidden = authoring::create(
        &ctx(&demo, &citizen),
        PINEROLO,
        "servizi-online",
        &input("Una proposta che verrà nascosta"),
    )
    .await
    .unwrap();
    moderation::decide(
        &as_facilitator,
        "proposta",
        hidden,
        ModerationDecision::Hide,
        "Dati personali di terzi",
    )
    .await
    .unwrap();
    assert_eq!(proposal_row(&demo, hidden).await.visibility, "nascosta");

    let dash = dashboard::overview(&as_facilitator, PINEROLO, None)
        .await
        .unwrap();
    let id = Value::from(pinerolo.id);
    let proposals_expected = count_sql(
        &demo,
        "SELECT COUNT(*) FROM proposals WHERE process_id = ? \
         AND visibility = 'visibile' AND state <> 'withdrawn'",
        vec![id.clone()],
    )
    .await;
    assert_eq!(dash.proposals as i64, proposals_expected);
    let stats = read::detail(&anonymous(&demo), PINEROLO).await.unwrap();
    assert_eq!(dash.proposals, stats.stats.proposals);
    let comments_expected = count_sql(
        &demo,
        "SELECT COUNT(*) FROM comments c JOIN proposals p ON p.id = c.proposal_id \
         WHERE p.process_id = ? AND p.visibility = 'visibile' \
         AND c.visibility = 'visibile' AND c.deleted_at IS NULL",
        vec![id.clone()],
    )
    .await;
    assert_eq!(dash.comments as i64, comments_expected);
    assert_eq!(comments_expected, 1);
    let supports_expected = count_sql(
        &demo,
        "SELECT COUNT(*) FROM supports s JOIN proposals p ON p.id = s.proposal_id \
         WHERE p.process_id = ? AND p.visibility = 'visibile'",
        vec![id.clone()],
    )
    .await;
    assert_eq!(dash.supports as i64, supports_expected);
    let participants_expected = count_sql(
        &demo,
        "SELECT COUNT(*) FROM (\
         SELECT p.author_id AS person FROM proposals p \
         WHERE p.process_id = ? AND p.visibility = 'visibile' AND p.author_id IS NOT NULL \
         UNION SELECT c.author_id FROM comments c JOIN proposals p ON p.id = c.proposal_id \
         WHERE p.process_id = ? AND p.visibility = 'visibile' AND c.author_id IS NOT NULL \
         UNION SELECT s.user_id FROM supports s JOIN proposals p ON p.id = s.proposal_id \
         WHERE p.process_id = ? AND p.visibility = 'visibile' AND s.user_id IS NOT NULL\
         ) people",
        vec![id.clone(), id.clone(), id.clone()],
    )
    .await;
    assert_eq!(dash.participants as i64, participants_expected);
    let awaiting = count_sql(
        &demo,
        "SELECT COUNT(*) FROM proposals WHERE process_id = ? \
         AND visibility = 'visibile' AND state = 'published'",
        vec![id.clone()],
    )
    .await;
    assert_eq!(dash.awaiting_answer_total as i64, awaiting);
    assert!(dash.awaiting_answer.iter().any(|c| c.id == mine));
    assert!(!dash.awaiting_answer.iter().any(|c| c.id == hidden));
    assert_eq!(dash.queue_total, 0, "a hidden proposal waits for nobody");
    assert_eq!(
        dash.current_phase.as_deref(),
        Some("Raccolta delle proposte")
    );
    assert_eq!(
        dash.platforms
            .iter()
            .map(|p| p.key.as_str())
            .collect::<Vec<_>>(),
        vec![
            "servizi-online",
            "inclusione-digitale",
            "territorio-connesso",
            "organizzazione-lavoro-agile"
        ]
    );
    // The last day of the running phase is today: its figures are the totals.
    let last = dash.days.last().expect("the phase has days");
    assert_eq!(last.day, as_facilitator.today());
    assert_eq!(
        (
            last.proposals,
            last.comments,
            last.supports,
            last.participants
        ),
        (
            dash.proposals,
            dash.comments,
            dash.supports,
            dash.participants
        )
    );
    // The counter's proposal shows in the assisted share of this phase.
    let share = dash
        .assisted_by_phase
        .iter()
        .find(|s| s.label == "Raccolta delle proposte")
        .expect("the running phase has contributions");
    assert_eq!(share.assisted, 1);

    // A platform facilitator sees their platform only.
    let platform_only =
        platform_facilitator(&demo, PINEROLO, "servizi-online", "Facilitatrice Servizi").await;
    let mine_only = dashboard::overview(
        &ctx(&demo, &platform_only),
        PINEROLO,
        Some("servizi-online"),
    )
    .await
    .unwrap();
    assert_eq!(
        mine_only
            .platforms
            .iter()
            .map(|p| p.key.as_str())
            .collect::<Vec<_>>(),
        vec!["servizi-online"]
    );
    let servizi = platform_row(&demo, PINEROLO, "servizi-online").await;
    let in_platform = count_sql(
        &demo,
        "SELECT COUNT(*) FROM proposals WHERE platform_id = ? \
         AND visibility = 'visibile' AND state <> 'withdrawn'",
        vec![Value::from(servizi.id)],
    )
    .await;
    assert_eq!(mine_only.proposals as i64, in_platform);
    assert!(
        mine_only
            .awaiting_answer
            .iter()
            .all(|c| c.platform.key == "servizi-online")
    );
}

fn actions_of(kind: &str) -> Vec<ParticipationAction> {
    let allows = PhaseKind::parse(kind).expect("a known kind").allows();
    [
        (ParticipationAction::Propose, allows.proposing),
        (ParticipationAction::Comment, allows.commenting),
        (ParticipationAction::Support, allows.supporting),
    ]
    .into_iter()
    .filter_map(|(a, on)| on.then_some(a))
    .collect()
}
