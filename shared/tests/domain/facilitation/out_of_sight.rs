//! Content out of sight stays out of sight, and counts and pages agree with what is visible.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn the_history_of_a_proposal_out_of_sight_stays_out_of_sight() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let author = fresh_person(&demo, "Autrice").await;
    let stranger = fresh_person(&demo, "Curiosa").await;
    let hidden = authoring::create(
        &ctx(&demo, &author),
        PINEROLO,
        "servizi-online",
        &input("Dati personali che un moderatore nasconderà"),
    )
    .await
    .unwrap();
    moderation::decide(
        &ctx(&demo, &facilitator),
        "proposta",
        hidden,
        ModerationDecision::Hide,
        "Contiene dati personali di terzi",
    )
    .await
    .unwrap();
    moderation::set_settings(&ctx(&demo, &facilitator), PINEROLO, true, 3)
        .await
        .unwrap();
    let pending = authoring::create(
        &ctx(&demo, &author),
        PINEROLO,
        "servizi-online",
        &input("Una proposta in attesa di approvazione"),
    )
    .await
    .unwrap();
    // The detail page shows neither…
    assert_eq!(proposals::detail(&anon, hidden).await.unwrap().title, "");
    assert!(proposals::detail(&anon, pending).await.is_err());
    // …and the history must not either, except to the author and moderators.
    for id in [hidden, pending] {
        for viewer in [&anon, &ctx(&demo, &stranger)] {
            match authoring::history(viewer, id).await {
                Err(ServiceError::NotFound(_)) => {}
                other => panic!("{id}: expected NotFound, got {other:?}"),
            }
        }
        let own = authoring::history(&ctx(&demo, &author), id).await.unwrap();
        assert!(!own.title.is_empty(), "{id}: the author reads it");
        assert_eq!(own.versions.len(), 1);
        assert!(!own.versions[0].body_html.is_empty());
        let moderated = authoring::history(&ctx(&demo, &facilitator), id)
            .await
            .unwrap();
        assert_eq!(moderated, own, "{id}: a moderator reads it as well");
    }
    // Once approved, everybody reads the history of the pending one.
    moderation::decide(
        &ctx(&demo, &facilitator),
        "proposta",
        pending,
        ModerationDecision::Approve,
        "",
    )
    .await
    .unwrap();
    assert_eq!(
        authoring::history(&anon, pending).await.unwrap().title,
        "Una proposta in attesa di approvazione"
    );
}

#[tokio::test]
async fn a_comment_hidden_while_pending_is_counted_once_restored() {
    let demo = demo_db().await;
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&demo, &facilitator);
    let target = published_in(&demo, PINEROLO, "territorio-connesso").await[0];
    let follower = fresh_person(&demo, "Chi Segue").await;
    authoring::follow(&ctx(&demo, &follower), target, true)
        .await
        .unwrap();
    let commenter = fresh_person(&demo, "Commentatrice").await;
    let as_commenter = ctx(&demo, &commenter);
    // A comment everyone sees, to reply to, before pre-moderation starts.
    let parent = comments::post(
        &as_commenter,
        target,
        None,
        "Un commento visibile a cui poi si risponde.",
        "neutro",
    )
    .await
    .unwrap();
    moderation::set_settings(&as_facilitator, PINEROLO, true, 3)
        .await
        .unwrap();
    let before = proposal_row(&demo, target).await.comment_count;
    assert_eq!(i64::from(before), counted_comments(&demo, target).await);
    let id = comments::post(
        &as_commenter,
        target,
        None,
        "Un commento prima nascosto e poi ripristinato.",
        "favore",
    )
    .await
    .unwrap();
    let reply = comments::post(
        &as_commenter,
        target,
        Some(parent),
        "Una risposta in attesa, nascosta e poi ripristinata.",
        "contro",
    )
    .await
    .unwrap();
    assert_eq!(
        proposal_row(&demo, target).await.comment_count,
        before,
        "comments waiting for approval are not counted"
    );
    assert_eq!(comment_row(&demo, parent).await.reply_count, 0);

    // Refused while pending: counted like any hidden comment.
    for c in [id, reply] {
        moderation::decide(
            &as_facilitator,
            "commento",
            c,
            ModerationDecision::Hide,
            "Sembra spam",
        )
        .await
        .unwrap();
        assert_eq!(comment_row(&demo, c).await.visibility, "nascosta");
    }
    assert_eq!(proposal_row(&demo, target).await.comment_count, before + 2);
    assert_eq!(
        i64::from(proposal_row(&demo, target).await.comment_count),
        counted_comments(&demo, target).await
    );
    assert_eq!(comment_row(&demo, parent).await.reply_count, 1);

    // Restored: counted still once.
    for c in [id, reply] {
        moderation::decide(
            &as_facilitator,
            "commento",
            c,
            ModerationDecision::Restore,
            "Ripensandoci, va bene",
        )
        .await
        .unwrap();
        assert_eq!(comment_row(&demo, c).await.visibility, "visibile");
    }
    assert_eq!(
        proposal_row(&demo, target).await.comment_count,
        before + 2,
        "a comment everyone sees is counted, once"
    );
    assert_eq!(
        i64::from(proposal_row(&demo, target).await.comment_count),
        counted_comments(&demo, target).await
    );
    assert_eq!(comment_row(&demo, parent).await.reply_count, 1);
    let page = comments::list(&anonymous(&demo), target, None)
        .await
        .unwrap();
    assert_eq!(page.total, u64::try_from(before + 2).unwrap());
    assert_eq!(page.in_favour + page.neutral + page.against, page.total);
    // A restore is no announcement.
    for c in [id, reply] {
        assert_eq!(notified_of_comment(&demo, follower.id, c).await, 0);
    }

    // Deleting them brings the count back, not below.
    comments::delete(&as_commenter, reply).await.unwrap();
    comments::delete(&as_commenter, id).await.unwrap();
    assert_eq!(proposal_row(&demo, target).await.comment_count, before);
    assert_eq!(
        i64::from(before),
        counted_comments(&demo, target).await,
        "the count equals the comments that count"
    );
}

#[tokio::test]
async fn pending_comments_never_cut_the_pages_of_visible_ones() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let target = published_in(&demo, PINEROLO, "territorio-connesso").await[0];
    moderation::set_settings(&ctx(&demo, &facilitator), PINEROLO, true, 3)
        .await
        .unwrap();
    let early = fresh_person(&demo, "Prima In Attesa").await;
    let waiting = comments::post(
        &ctx(&demo, &early),
        target,
        None,
        "In attesa di approvazione.",
        "neutro",
    )
    .await
    .unwrap();
    moderation::set_settings(&ctx(&demo, &facilitator), PINEROLO, false, 3)
        .await
        .unwrap();
    let writer = fresh_person(&demo, "Scrive Molto").await;
    let mut visible = Vec::new();
    for n in 0..(comments::PAGE_SIZE + 1) {
        visible.push(
            comments::post(
                &ctx(&demo, &writer),
                target,
                None,
                &format!("Commento visibile numero {n}."),
                "favore",
            )
            .await
            .unwrap(),
        );
    }
    async fn every_page(viewer: &Ctx, target: Uuid) -> (Vec<Uuid>, usize) {
        let mut seen = Vec::new();
        let mut pages = 0;
        let mut after: Option<String> = None;
        loop {
            let page = comments::list(viewer, target, after.as_deref())
                .await
                .unwrap();
            pages += 1;
            assert!(page.threads.len() as u64 <= comments::PAGE_SIZE);
            seen.extend(page.threads.iter().map(|c| c.id));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        (seen, pages)
    }
    let (seen, pages) = every_page(&anon, target).await;
    assert_eq!(seen, visible, "every visible comment is reachable");
    assert_eq!(pages, 2);
    // Its author (and a moderator) still find the waiting one, first.
    let mut with_waiting = vec![waiting];
    with_waiting.extend(visible.iter().copied());
    for viewer in [ctx(&demo, &early), ctx(&demo, &facilitator)] {
        assert_eq!(every_page(&viewer, target).await.0, with_waiting);
    }
    // Somebody else does not.
    assert_eq!(every_page(&ctx(&demo, &writer), target).await.0, visible);
}

#[tokio::test]
async fn pending_comments_are_not_counted_by_alignment() {
    let demo = demo_db().await;
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let target = published_in(&demo, PINEROLO, "territorio-connesso").await[0];
    let baseline = comments::list(&anonymous(&demo), target, None)
        .await
        .unwrap();
    assert_eq!(
        baseline.in_favour + baseline.neutral + baseline.against,
        baseline.total
    );
    moderation::set_settings(&ctx(&demo, &facilitator), PINEROLO, true, 3)
        .await
        .unwrap();
    let commenter = fresh_person(&demo, "Commentatrice").await;
    comments::post(
        &ctx(&demo, &commenter),
        target,
        None,
        "Un parere favorevole in attesa.",
        "favore",
    )
    .await
    .unwrap();
    for viewer in [
        anonymous(&demo),
        ctx(&demo, &commenter),
        ctx(&demo, &facilitator),
    ] {
        let page = comments::list(&viewer, target, None).await.unwrap();
        assert_eq!(page.total, baseline.total);
        assert_eq!(
            (page.in_favour, page.neutral, page.against),
            (baseline.in_favour, baseline.neutral, baseline.against),
            "the alignment bar counts what the page counts"
        );
    }
    // A comment everyone sees counts in both.
    moderation::set_settings(&ctx(&demo, &facilitator), PINEROLO, false, 3)
        .await
        .unwrap();
    comments::post(
        &ctx(&demo, &commenter),
        target,
        None,
        "Un parere contrario, subito visibile.",
        "contro",
    )
    .await
    .unwrap();
    let page = comments::list(&anonymous(&demo), target, None)
        .await
        .unwrap();
    assert_eq!(page.total, baseline.total + 1);
    assert_eq!(
        (page.in_favour, page.neutral, page.against),
        (baseline.in_favour, baseline.neutral, baseline.against + 1)
    );
}

#[tokio::test]
async fn approving_a_comment_does_not_notify_its_own_author() {
    let demo = demo_db().await;
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&demo, &facilitator);
    let author = fresh_person(&demo, "Autrice che commenta").await;
    let own = authoring::create(
        &ctx(&demo, &author),
        PINEROLO,
        "servizi-online",
        &input("Una proposta che la sua autrice commenta"),
    )
    .await
    .unwrap();
    let follower = fresh_person(&demo, "Chi Segue").await;
    for who in [&follower, &facilitator] {
        authoring::follow(&ctx(&demo, who), own, true)
            .await
            .unwrap();
    }
    moderation::set_settings(&as_facilitator, PINEROLO, true, 3)
        .await
        .unwrap();
    let id = comments::post(
        &ctx(&demo, &author),
        own,
        None,
        "Aggiungo un dettaglio alla mia proposta.",
        "favore",
    )
    .await
    .unwrap();
    assert_eq!(
        notified_of_comment(&demo, follower.id, id).await,
        0,
        "nobody hears of a comment waiting for approval"
    );
    moderation::decide(
        &as_facilitator,
        "commento",
        id,
        ModerationDecision::Approve,
        "",
    )
    .await
    .unwrap();
    assert_eq!(
        notified_of_comment(&demo, author.id, id).await,
        0,
        "nobody is told about their own comment"
    );
    assert_eq!(
        notified_of_comment(&demo, facilitator.id, id).await,
        0,
        "nor about the comment they approved"
    );
    assert_eq!(
        notified_of_comment(&demo, follower.id, id).await,
        1,
        "the followers are told once it is approved"
    );
}

#[tokio::test]
async fn the_dashboard_leaves_out_withdrawn_proposals_like_the_process_page() {
    let demo = demo_db().await;
    let alessandria = process_row(&demo, ALESSANDRIA).await;
    let facilitator = process_facilitator(&demo, ALESSANDRIA, "Facilitatore").await;
    let withdrawn = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(alessandria.id))
        .filter(proposal::Column::State.eq("withdrawn"))
        .count(&demo.db)
        .await
        .unwrap();
    assert!(withdrawn > 0, "the demo has a withdrawn proposal");
    let dash = dashboard::overview(&ctx(&demo, &facilitator), ALESSANDRIA, None)
        .await
        .unwrap();
    let stats = read::detail(&anonymous(&demo), ALESSANDRIA)
        .await
        .unwrap()
        .stats;
    let id = Value::from(alessandria.id);
    let expected = count_sql(
        &demo,
        "SELECT COUNT(*) FROM proposals WHERE process_id = ? \
         AND visibility = 'visibile' AND state <> 'withdrawn'",
        vec![id.clone()],
    )
    .await;
    assert_eq!(stats.proposals as i64, expected);
    assert_eq!(dash.proposals, stats.proposals);
    let supports = count_sql(
        &demo,
        "SELECT COUNT(*) FROM supports s JOIN proposals p ON p.id = s.proposal_id \
         WHERE p.process_id = ? AND p.visibility = 'visibile' AND p.state <> 'withdrawn'",
        vec![id.clone()],
    )
    .await;
    assert_eq!(dash.supports as i64, supports);
    assert_eq!(dash.supports, stats.supports);
    let comments = count_sql(
        &demo,
        "SELECT COUNT(*) FROM comments c JOIN proposals p ON p.id = c.proposal_id \
         WHERE p.process_id = ? AND p.visibility = 'visibile' AND p.state <> 'withdrawn' \
         AND c.visibility = 'visibile' AND c.deleted_at IS NULL",
        vec![id],
    )
    .await;
    assert_eq!(dash.comments as i64, comments);
}

#[tokio::test]
async fn a_claim_never_leaves_more_supports_than_the_platform_allows() {
    let demo = demo_db().await;
    let staff = with_role(&demo, "Sportellista", Role::Staff, None, None).await;
    let mobilita = published_in(&demo, ALESSANDRIA, "mobilita").await;
    assert!(mobilita.len() >= 7);
    let online = fresh_person(&demo, "Maria Rossi online").await;
    for id in &mobilita[..3] {
        assert!(
            supports::give(&ctx(&demo, &online), *id)
                .await
                .unwrap()
                .changed
        );
    }
    let receipt = counter::record(&ctx(&demo, &staff), "Maria Rossi", "carta_identita", "")
        .await
        .unwrap();
    // At the counter she supports five of the same platform, one after the
    // other: two she also supports online (dropped at the claim as
    // duplicates) and three new ones.
    for id in &mobilita[1..6] {
        assert!(
            counter::support(&ctx(&demo, &staff), receipt.record_id, *id)
                .await
                .unwrap()
                .changed
        );
    }
    // Online, she then gives a fourth, the newest of all.
    assert!(
        supports::give(&ctx(&demo, &online), mobilita[6])
            .await
            .unwrap()
            .changed
    );
    let outcome = counter::claim(&ctx(&demo, &online), &receipt.claim_code)
        .await
        .unwrap();
    // Four online and three from the counter make seven of five: the
    // counter's go first, newest first.
    assert_eq!(
        outcome,
        ClaimOutcome {
            proposals: 0,
            supports: 1,
            duplicates_dropped: 2,
            over_limit_dropped: 2,
        }
    );
    let held: HashSet<Uuid> = support::Entity::find()
        .filter(support::Column::UserId.eq(online.id))
        .filter(support::Column::ProposalId.is_in(mobilita.clone()))
        .all(&demo.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.proposal_id)
        .collect();
    assert_eq!(held.len(), 5, "exactly the platform's limit");
    assert_eq!(
        held,
        [0, 1, 2, 3, 6].into_iter().map(|n| mobilita[n]).collect(),
        "her own supports stay, and the counter's oldest"
    );
    for id in &mobilita {
        assert_eq!(
            proposal_row(&demo, *id).await.support_count as u64,
            supports_rows(&demo, *id).await,
            "{id}: the counter equals the rows"
        );
    }
    let viewer = proposals::detail(&ctx(&demo, &online), mobilita[6])
        .await
        .unwrap()
        .viewer;
    assert_eq!(viewer.supports_used, Some((5, 5)));
}

/// What a moderator takes out of sight stays out of sight everywhere, and
/// approved text cannot be rewritten past pre-moderation.
#[tokio::test]
async fn content_out_of_sight_leaks_nowhere_and_edits_wait_for_approval_again() {
    let demo = demo_db().await;
    let anon = anonymous(&demo);
    let facilitator = process_facilitator(&demo, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&demo, &facilitator);
    let author = fresh_person(&demo, "Autrice Da Moderare").await;
    let other = fresh_person(&demo, "Altro Lettore").await;
    let title = "Sportello digitale nelle biblioteche di quartiere";
    let id = authoring::create(
        &ctx(&demo, &author),
        PINEROLO,
        "servizi-online",
        &input(title),
    )
    .await
    .unwrap();
    comments::post(
        &ctx(&demo, &other),
        id,
        None,
        "Ottima idea davvero",
        "favore",
    )
    .await
    .unwrap();

    moderation::decide(
        &as_facilitator,
        "proposta",
        id,
        ModerationDecision::Hide,
        "Contiene dati personali di terzi",
    )
    .await
    .unwrap();
    // Neither its comments, nor its author, nor its title in the log.
    assert!(comments::list(&anon, id, None).await.is_err());
    assert!(comments::list(&as_facilitator, id, None).await.is_ok());
    assert_eq!(
        refusal(comments::post(&ctx(&demo, &other), id, None, "Ancora io", "neutro").await),
        Refusal::OutOfSight
    );
    let seen = proposals::detail(&anon, id).await.unwrap();
    assert_eq!((seen.title.as_str(), seen.author_name), ("", None));
    let log = serde_json::to_string(&public_log(&demo, PINEROLO).await).unwrap();
    assert!(!log.contains(title), "{log}");
    assert!(log.contains("Contiene dati personali di terzi"));
    // Nor in the inbox of the commenter who follows nothing but was told before.
    let inbox = inbox::list(&ctx(&demo, &author), None).await.unwrap();
    assert!(
        !serde_json::to_string(&inbox).unwrap().contains(title),
        "notifications name a hidden proposal neutrally"
    );
    // Nor can it be merged.
    let other_id = listed(&anon, PINEROLO).await[0];
    assert!(
        projects::merge(
            &as_facilitator,
            &[id, other_id],
            &project_input("Progetto di prova")
        )
        .await
        .is_err()
    );

    // Under pre-moderation an approved comment that is edited waits again.
    moderation::set_settings(&as_facilitator, PINEROLO, true, 3)
        .await
        .unwrap();
    let visible = listed(&anon, PINEROLO).await[0];
    let said = comments::post(
        &ctx(&demo, &other),
        visible,
        None,
        "Prima versione",
        "neutro",
    )
    .await
    .unwrap();
    moderation::decide(
        &as_facilitator,
        "commento",
        said,
        ModerationDecision::Approve,
        "",
    )
    .await
    .unwrap();
    let counted = proposal_row(&demo, visible).await.comment_count;
    comments::edit(
        &ctx(&demo, &other),
        said,
        "Testo cambiato dopo l'approvazione",
    )
    .await
    .unwrap();
    assert_eq!(comment_row(&demo, said).await.visibility, "in_attesa");
    assert_eq!(
        proposal_row(&demo, visible).await.comment_count,
        counted - 1
    );
    assert!(comment_seen(&anon, visible, said).await.is_none());
}

/// Comments of a proposal that count on it: all but those still waiting
/// for approval and those deleted.
async fn counted_comments(app: &impl TestDatabase, proposal_id: Uuid) -> i64 {
    count_sql(
        app,
        "SELECT COUNT(*) FROM comments WHERE proposal_id = ? \
         AND visibility <> 'in_attesa' AND deleted_at IS NULL",
        vec![Value::from(proposal_id)],
    )
    .await
}
