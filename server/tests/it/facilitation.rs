//! Running a process in the open, on a real database: reports and the
//! threshold that hides, pre-moderation, blocks, projects that merge
//! proposals (and undoing them), assisted participation at the counter,
//! who may facilitate, answering many proposals at once, the preview of a
//! phase move and the facilitators' dashboard.

use shared::service::facilitation::blocks;
use shared::service::facilitation::queue;
use shared::service::facilitation::reports;
use std::collections::HashSet;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Value,
};
use shared::model::common::FieldProblem;
use shared::model::common::NamedRef;
use shared::model::common::Visibility;
use shared::model::common::{ParticipationAction, Refusal};
use shared::model::facilitation::{
    AgreementKind, ClaimOutcome, ModerationAction, ModerationDecision, ModerationLogEntry,
    ProjectInput, ReportReason, TargetKind,
};
use shared::model::participation::{CommentDto, NotificationKind, ProposalInput};
use shared::model::{
    PhaseKind, ProposalFilter, ProposalQuery, ProposalSort, ProposalState, Role, RoleGrant,
};
use shared::service::entity::{
    comment, counter_record, moderation_entry, notification, phase, process_block, project,
    proposal, report, role_assignment, support, user,
};
use shared::service::{
    Ctx, Person, ServiceError, facilitation::counter, facilitation::dashboard,
    facilitation::moderation, facilitation::projects, notifications::inbox,
    participation::authoring, participation::comments, participation::proposals,
    participation::supports, processes::phases, processes::read,
};
use uuid::Uuid;

use crate::helpers::{
    TestApp, anonymous, count_sql, ctx, denied, field_of, fresh_person, platform_row, process_row,
    proposal_row, refusal, spawn_app,
};

const ALESSANDRIA: &str = "piano-strategico-alessandria-2030";
const PINEROLO: &str = "agenda-digitale-pinerolo";
const MILANO: &str = "piano-strategico-metropolitano-milano";
const BODY: &str = "Un testo che supera senz'altro i trenta caratteri richiesti.";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A new person holding `role` (scoped to a process and platform if given),
/// stored and in the `Person` the services see.
async fn with_role(
    app: &TestApp,
    name: &str,
    role: Role,
    process_id: Option<Uuid>,
    platform_id: Option<Uuid>,
) -> Person {
    let mut who = fresh_person(app, name).await;
    role_assignment::Entity::insert(role_assignment::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(who.id),
        role: Set(role.as_str().to_owned()),
        process_id: Set(process_id),
        platform_id: Set(platform_id),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
    who.grants.push(RoleGrant {
        role,
        process_id,
        platform_id,
    });
    who
}

/// A facilitator of a whole process.
async fn process_facilitator(app: &TestApp, slug: &str, name: &str) -> Person {
    let process = process_row(app, slug).await;
    with_role(app, name, Role::Facilitator, Some(process.id), None).await
}

/// A facilitator of one platform of a process.
async fn platform_facilitator(
    app: &TestApp,
    slug: &str,
    platform_slug: &str,
    name: &str,
) -> Person {
    let platform = platform_row(app, slug, platform_slug).await;
    with_role(
        app,
        name,
        Role::Facilitator,
        Some(platform.process_id),
        Some(platform.id),
    )
    .await
}

async fn comment_row(app: &TestApp, id: Uuid) -> comment::Model {
    comment::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the comment exists")
}

async fn project_row(app: &TestApp, id: Uuid) -> project::Model {
    project::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the project exists")
}

/// Published proposals of a platform, oldest id first.
async fn published_in(app: &TestApp, slug: &str, platform_slug: &str) -> Vec<Uuid> {
    let platform = platform_row(app, slug, platform_slug).await;
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

fn input(title: &str) -> ProposalInput {
    ProposalInput::parse(title, BODY, None, None).expect("valid proposal input")
}

fn project_input(title: &str) -> ProjectInput {
    ProjectInput::parse(
        title,
        "Un progetto che riunisce proposte vicine in un unico cantiere.",
        "Comune\n\n  Associazione di quartiere  ",
        "protocollo_intesa",
    )
    .expect("valid project input")
}

/// The ids a viewer finds in the process's list (every page at once).
async fn listed(viewer: &Ctx, slug: &str) -> Vec<Uuid> {
    let page = proposals::list(
        viewer,
        slug,
        &ProposalQuery {
            filter: ProposalFilter::default(),
            sort: ProposalSort::Newest,
            after: None,
            limit: 1000,
        },
    )
    .await
    .unwrap();
    assert!(page.next.is_none(), "one page holds them all");
    page.items.into_iter().map(|c| c.id).collect()
}

/// The public moderation log of a process, as anybody reads it.
async fn public_log(app: &TestApp, slug: &str) -> Vec<ModerationLogEntry> {
    moderation::public_log(&anonymous(app), slug, None)
        .await
        .unwrap()
        .entries
}

fn logged(
    entries: &[ModerationLogEntry],
    action: ModerationAction,
    link: &str,
) -> Option<ModerationLogEntry> {
    entries
        .iter()
        .find(|e| e.action == action && e.link.as_deref() == Some(link))
        .cloned()
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

/// The comment `id` as `viewer` sees it on the proposal's page, if listed.
async fn comment_seen(viewer: &Ctx, proposal_id: Uuid, id: Uuid) -> Option<CommentDto> {
    let page = comments::list(viewer, proposal_id, None).await.unwrap();
    flatten(&page.threads)
        .into_iter()
        .find(|c| c.id == id)
        .cloned()
}

async fn supports_rows(app: &TestApp, proposal_id: Uuid) -> u64 {
    support::Entity::find()
        .filter(support::Column::ProposalId.eq(proposal_id))
        .count(&app.db)
        .await
        .unwrap()
}

/// Notifications of `kind` a person got about a proposal.
async fn notified(app: &TestApp, user_id: Uuid, kind: NotificationKind, proposal_id: Uuid) -> u64 {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Kind.eq(kind.as_str()))
        .filter(notification::Column::ProposalId.eq(proposal_id))
        .count(&app.db)
        .await
        .unwrap()
}

/// Notifications a person got about one comment.
async fn notified_of_comment(app: &TestApp, user_id: Uuid, comment_id: Uuid) -> u64 {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Kind.eq(NotificationKind::NewComment.as_str()))
        .filter(notification::Column::CommentId.eq(comment_id))
        .count(&app.db)
        .await
        .unwrap()
}

/// Writes a comment straight into the database (for phases that close
/// comments), counted on its proposal as the service would.
async fn stored_comment(app: &TestApp, proposal_id: Uuid, author: &Person, body: &str) -> Uuid {
    let id = Uuid::now_v7();
    comment::Entity::insert(comment::ActiveModel {
        id: Set(id),
        proposal_id: Set(proposal_id),
        parent_id: Set(None),
        root_id: Set(id),
        depth: Set(1),
        author_id: Set(Some(author.id)),
        body_md: Set(body.to_owned()),
        alignment: Set("favore".to_owned()),
        upvotes: Set(0),
        downvotes: Set(0),
        reply_count: Set(0),
        created_at: Set(Utc::now()),
        edited_at: Set(None),
        deleted_at: Set(None),
        visibility: Set(Visibility::Visible.as_str().to_owned()),
        moderation_note: Set(None),
        report_count: Set(0),
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::CommentCount,
            Expr::col(proposal::Column::CommentCount).add(1),
        )
        .filter(proposal::Column::Id.eq(proposal_id))
        .exec(&app.db)
        .await
        .unwrap();
    id
}

// ---------------------------------------------------------------------------
// 1. Reports and the threshold
// ---------------------------------------------------------------------------

#[tokio::test]
async fn distinct_reports_hide_at_the_threshold_until_a_moderator_restores() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let moderator = process_facilitator(&app, PINEROLO, "Moderatrice Pinerolo").await;
    moderation::set_settings(&ctx(&app, &moderator), PINEROLO, false, 2)
        .await
        .unwrap();
    let stored = process_row(&app, PINEROLO).await;
    assert_eq!((stored.pre_moderation, stored.report_threshold), (false, 2));
    assert_eq!(
        field_of(moderation::set_settings(&ctx(&app, &moderator), PINEROLO, false, 0).await).0,
        "soglia"
    );
    assert_eq!(process_row(&app, PINEROLO).await.report_threshold, 2);

    let author = fresh_person(&app, "Autrice Segnalata").await;
    let first = fresh_person(&app, "Ermenegilda Segnalatrice").await;
    let second = fresh_person(&app, "Gualtiero Segnalatore").await;
    let id = authoring::create(
        &ctx(&app, &author),
        PINEROLO,
        "servizi-online",
        &input("Bacheca digitale per gli annunci del quartiere"),
    )
    .await
    .unwrap();
    let link = format!("/proposte/{id}");

    // One report: still visible and listed.
    reports::report(
        &ctx(&app, &first),
        "proposta",
        id,
        "spam",
        "Sembra pubblicità",
    )
    .await
    .unwrap();
    let row = proposal_row(&app, id).await;
    assert_eq!((row.visibility.as_str(), row.report_count), ("visibile", 1));
    assert!(listed(&anon, PINEROLO).await.contains(&id));
    // The same person again: nothing changes.
    reports::report(&ctx(&app, &first), "proposta", id, "offensivo", "")
        .await
        .unwrap();
    let row = proposal_row(&app, id).await;
    assert_eq!((row.visibility.as_str(), row.report_count), ("visibile", 1));
    assert_eq!(
        report::Entity::find()
            .filter(report::Column::TargetId.eq(id))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
    // Nobody reports their own proposal; "altro" needs a note.
    assert!(matches!(
        reports::report(&ctx(&app, &author), "proposta", id, "spam", "").await,
        Err(ServiceError::Forbidden)
    ));
    assert_eq!(
        field_of(reports::report(&ctx(&app, &second), "proposta", id, "altro", " ").await).0,
        "nota"
    );
    assert!(matches!(
        reports::report(&anon, "proposta", id, "spam", "").await,
        Err(ServiceError::Unauthenticated)
    ));
    assert_eq!(proposal_row(&app, id).await.report_count, 1);

    // The queue shows the open report with its reason, never who gave it.
    let queue = queue::queue(&ctx(&app, &moderator), PINEROLO, None)
        .await
        .unwrap();
    assert_eq!(queue.report_threshold, 2);
    let item = queue
        .items
        .iter()
        .find(|i| i.target_id == id)
        .expect("the reported proposal waits in the queue");
    assert_eq!(item.target_kind, TargetKind::Proposal);
    assert_eq!(item.visibility, Visibility::Visible);
    assert_eq!(item.report_count, 1);
    assert_eq!(
        item.reasons,
        vec![(ReportReason::Spam, "Sembra pubblicità".to_owned())]
    );
    let queue_text = serde_json::to_string(&queue).unwrap();
    assert!(!queue_text.contains(&first.display_name));
    assert!(!queue_text.contains(&first.id.to_string()));

    // A second, distinct report reaches the threshold: out of sight.
    reports::report(&ctx(&app, &second), "proposta", id, "fuori_tema", "")
        .await
        .unwrap();
    let row = proposal_row(&app, id).await;
    assert_eq!(
        (row.visibility.as_str(), row.report_count),
        ("segnalata", 2)
    );
    assert!(!listed(&anon, PINEROLO).await.contains(&id));
    let seen = proposals::detail(&anon, id).await.unwrap();
    assert_eq!(seen.title, "");
    assert_eq!(seen.body_html, "");
    assert_eq!(seen.visibility, Visibility::Reported);
    let other = fresh_person(&app, "Passante").await;
    assert_eq!(
        proposals::detail(&ctx(&app, &other), id)
            .await
            .unwrap()
            .title,
        ""
    );
    // Its author and the moderators still read it.
    assert_eq!(
        proposals::detail(&ctx(&app, &author), id)
            .await
            .unwrap()
            .title,
        "Bacheca digitale per gli annunci del quartiere"
    );
    let as_moderator = proposals::detail(&ctx(&app, &moderator), id).await.unwrap();
    assert_eq!(
        as_moderator.title,
        "Bacheca digitale per gli annunci del quartiere"
    );
    assert!(as_moderator.viewer.can_moderate);
    // Out of sight, it takes no more reports (and no supports).
    reports::report(&ctx(&app, &other), "proposta", id, "spam", "")
        .await
        .unwrap();
    assert_eq!(proposal_row(&app, id).await.report_count, 2);

    // The public log says it was hidden by reports, and never who reported.
    let log = moderation::public_log(&anon, PINEROLO, None).await.unwrap();
    let entry = logged(&log.entries, ModerationAction::AutoHidden, &link)
        .expect("the log records the automatic hiding");
    assert_eq!(entry.target_kind, TargetKind::Proposal);
    // The log names it neutrally: it must not republish what it hides.
    assert_eq!(entry.target_label, "Una proposta");
    let log_text = serde_json::to_string(&log).unwrap();
    assert!(!log_text.contains("Bacheca digitale per gli annunci del quartiere"));
    for reporter in [&first, &second] {
        assert!(!log_text.contains(&reporter.display_name), "{log_text}");
        assert!(!log_text.contains(&reporter.id.to_string()));
    }
    assert!(!log_text.contains(&moderator.display_name));

    // A moderator restores it, with a reason.
    assert_eq!(
        field_of(
            moderation::decide(
                &ctx(&app, &moderator),
                "proposta",
                id,
                ModerationDecision::Restore,
                "ok"
            )
            .await
        ),
        ("motivo".to_owned(), FieldProblem::TooShort { min: 5 })
    );
    assert_eq!(proposal_row(&app, id).await.visibility, "segnalata");
    moderation::decide(
        &ctx(&app, &moderator),
        "proposta",
        id,
        ModerationDecision::Restore,
        "Contenuto conforme alle regole del percorso",
    )
    .await
    .unwrap();
    let row = proposal_row(&app, id).await;
    assert_eq!((row.visibility.as_str(), row.report_count), ("visibile", 0));
    assert!(listed(&anon, PINEROLO).await.contains(&id));
    assert_eq!(
        proposals::detail(&anon, id).await.unwrap().title,
        "Bacheca digitale per gli annunci del quartiere"
    );
    let open_reports = report::Entity::find()
        .filter(report::Column::TargetId.eq(id))
        .filter(report::Column::ResolvedAt.is_null())
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(open_reports, 0, "the restore resolves the reports");
    let log = public_log(&app, PINEROLO).await;
    let restored = logged(&log, ModerationAction::Restored, &link).expect("restored in the log");
    assert_eq!(
        restored.reason,
        "Contenuto conforme alle regole del percorso"
    );
    assert!(
        !queue::queue(&ctx(&app, &moderator), PINEROLO, None)
            .await
            .unwrap()
            .items
            .iter()
            .any(|i| i.target_id == id)
    );
}

#[tokio::test]
async fn reported_comments_are_veiled_for_others_until_restored() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let moderator = platform_facilitator(&app, PINEROLO, "servizi-online", "Moderatore").await;
    let pinerolo_facilitator = process_facilitator(&app, PINEROLO, "Facilitatrice").await;
    moderation::set_settings(&ctx(&app, &pinerolo_facilitator), PINEROLO, false, 2)
        .await
        .unwrap();
    let target = published_in(&app, PINEROLO, "servizi-online").await[0];
    let commenter = fresh_person(&app, "Commentatore Segnalato").await;
    let first = fresh_person(&app, "Ermenegilda Segnalatrice").await;
    let second = fresh_person(&app, "Gualtiero Segnalatore").await;
    let reader = fresh_person(&app, "Lettrice").await;
    let text = "Un commento che qualcuno troverà fuori luogo.";
    let id = comments::post(&ctx(&app, &commenter), target, None, text, "contro")
        .await
        .unwrap();
    let counted = proposal_row(&app, target).await.comment_count;
    let link = format!("/proposte/{target}#commento-{id}");

    reports::report(&ctx(&app, &first), "commento", id, "offensivo", "")
        .await
        .unwrap();
    reports::report(&ctx(&app, &first), "commento", id, "spam", "")
        .await
        .unwrap();
    let row = comment_row(&app, id).await;
    assert_eq!((row.visibility.as_str(), row.report_count), ("visibile", 1));
    assert!(matches!(
        reports::report(&ctx(&app, &commenter), "commento", id, "spam", "").await,
        Err(ServiceError::Forbidden)
    ));
    assert!(
        comment_seen(&anon, target, id)
            .await
            .unwrap()
            .body_html
            .contains("fuori luogo")
    );

    reports::report(&ctx(&app, &second), "commento", id, "offensivo", "")
        .await
        .unwrap();
    let row = comment_row(&app, id).await;
    assert_eq!(
        (row.visibility.as_str(), row.report_count),
        ("segnalata", 2)
    );
    // Others see a placeholder that keeps its place, without text or author.
    for viewer in [anon.clone(), ctx(&app, &reader)] {
        let seen = comment_seen(&viewer, target, id)
            .await
            .expect("a placeholder keeps its place");
        assert_eq!(seen.body_html, "");
        assert_eq!(seen.author_name, None);
        assert_eq!(seen.visibility, Visibility::Reported);
    }
    // Its author and the moderators still read it.
    let own = comment_seen(&ctx(&app, &commenter), target, id)
        .await
        .unwrap();
    assert!(own.mine && own.body_html.contains("fuori luogo"));
    let moderated = comment_seen(&ctx(&app, &moderator), target, id)
        .await
        .unwrap();
    assert!(moderated.body_html.contains("fuori luogo"));
    assert_eq!(
        proposal_row(&app, target).await.comment_count,
        counted,
        "a reported comment keeps its place in the count"
    );
    let queue = queue::queue(&ctx(&app, &moderator), PINEROLO, Some("servizi-online"))
        .await
        .unwrap();
    let item = queue
        .items
        .iter()
        .find(|i| i.target_id == id)
        .expect("the comment waits in the queue");
    assert_eq!(
        (item.target_kind, item.proposal_id, item.visibility),
        (TargetKind::Comment, target, Visibility::Reported)
    );

    let log = moderation::public_log(&anon, PINEROLO, None).await.unwrap();
    let entry =
        logged(&log.entries, ModerationAction::AutoHidden, &link).expect("the hiding is logged");
    assert_eq!(entry.target_kind, TargetKind::Comment);
    let log_text = serde_json::to_string(&log).unwrap();
    assert!(!log_text.contains(&first.display_name) && !log_text.contains(&second.display_name));

    // A platform moderator restores it.
    moderation::decide(
        &ctx(&app, &moderator),
        "commento",
        id,
        ModerationDecision::Restore,
        "Critica legittima, nessuna offesa",
    )
    .await
    .unwrap();
    let row = comment_row(&app, id).await;
    assert_eq!((row.visibility.as_str(), row.report_count), ("visibile", 0));
    let seen = comment_seen(&anon, target, id).await.unwrap();
    assert!(seen.body_html.contains("fuori luogo"));
    assert_eq!(seen.author_name.as_deref(), Some("Commentatore Segnalato"));
    assert!(
        logged(
            &public_log(&app, PINEROLO).await,
            ModerationAction::Restored,
            &link
        )
        .is_some()
    );
    assert_eq!(proposal_row(&app, target).await.comment_count, counted);
}

// ---------------------------------------------------------------------------
// 2. Pre-moderation
// ---------------------------------------------------------------------------

#[tokio::test]
async fn pre_moderation_holds_new_proposals_until_approved() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&app, &facilitator);
    moderation::set_settings(&as_facilitator, PINEROLO, true, 3)
        .await
        .unwrap();
    assert!(process_row(&app, PINEROLO).await.pre_moderation);
    let author = fresh_person(&app, "Autore In Attesa").await;
    let other = fresh_person(&app, "Altra Cittadina").await;
    let stats_before = read::detail(&anon, PINEROLO).await.unwrap();
    let platform_count = |detail: &shared::model::ProcessDetail| {
        detail
            .platforms
            .iter()
            .find(|p| p.slug == "servizi-online")
            .unwrap()
            .proposal_count
    };

    let title = "Prenotazione online delle sale civiche";
    let id = authoring::create(
        &ctx(&app, &author),
        PINEROLO,
        "servizi-online",
        &input(title),
    )
    .await
    .unwrap();
    assert_eq!(proposal_row(&app, id).await.visibility, "in_attesa");
    // Its author and the facilitator read it; nobody else even finds it.
    let own = proposals::detail(&ctx(&app, &author), id).await.unwrap();
    assert_eq!(
        (own.title.as_str(), own.visibility),
        (title, Visibility::Pending)
    );
    assert_eq!(
        proposals::detail(&as_facilitator, id).await.unwrap().title,
        title
    );
    for viewer in [ctx(&app, &other), anon.clone()] {
        assert!(matches!(
            proposals::detail(&viewer, id).await,
            Err(ServiceError::NotFound(_))
        ));
    }
    assert!(!listed(&anon, PINEROLO).await.contains(&id));
    assert!(!listed(&ctx(&app, &author), PINEROLO).await.contains(&id));
    let stats_now = read::detail(&anon, PINEROLO).await.unwrap();
    assert_eq!(stats_now.stats.proposals, stats_before.stats.proposals);
    assert_eq!(platform_count(&stats_now), platform_count(&stats_before));
    assert!(matches!(
        supports::give(&ctx(&app, &other), id).await,
        Err(ServiceError::NotFound(_))
    ));

    // The queue holds it, and the dashboard counts it.
    let queue = queue::queue(&as_facilitator, PINEROLO, None).await.unwrap();
    assert!(queue.pre_moderation);
    let item = queue
        .items
        .iter()
        .find(|i| i.target_id == id)
        .expect("the new proposal waits");
    assert_eq!(
        (item.target_kind, item.visibility, item.author_id),
        (TargetKind::Proposal, Visibility::Pending, Some(author.id))
    );
    assert_eq!(
        dashboard::overview(&as_facilitator, PINEROLO, None)
            .await
            .unwrap()
            .queue_total,
        1
    );

    // Approved: everyone sees it.
    moderation::decide(
        &as_facilitator,
        "proposta",
        id,
        ModerationDecision::Approve,
        "",
    )
    .await
    .unwrap();
    assert_eq!(proposal_row(&app, id).await.visibility, "visibile");
    assert!(listed(&anon, PINEROLO).await.contains(&id));
    assert_eq!(
        proposals::detail(&ctx(&app, &other), id)
            .await
            .unwrap()
            .title,
        title
    );
    let stats_after = read::detail(&anon, PINEROLO).await.unwrap();
    assert_eq!(
        stats_after.stats.proposals,
        stats_before.stats.proposals + 1
    );
    assert_eq!(
        platform_count(&stats_after),
        platform_count(&stats_before) + 1
    );
    assert!(
        logged(
            &public_log(&app, PINEROLO).await,
            ModerationAction::Approved,
            &format!("/proposte/{id}")
        )
        .is_some()
    );
    assert_eq!(
        refusal(
            moderation::decide(
                &as_facilitator,
                "proposta",
                id,
                ModerationDecision::Approve,
                ""
            )
            .await
        ),
        Refusal::ModerationStale
    );
    assert!(
        queue::queue(&as_facilitator, PINEROLO, None)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn pre_moderated_comments_count_and_notify_only_once_approved() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&app, &facilitator);
    moderation::set_settings(&as_facilitator, PINEROLO, true, 3)
        .await
        .unwrap();
    let target = published_in(&app, PINEROLO, "territorio-connesso").await[0];
    let follower = fresh_person(&app, "Chi Segue").await;
    authoring::follow(&ctx(&app, &follower), target, true)
        .await
        .unwrap();
    let commenter = fresh_person(&app, "Commentatrice In Attesa").await;
    let reader = fresh_person(&app, "Lettore").await;
    let before = proposal_row(&app, target).await.comment_count;

    let id = comments::post(
        &ctx(&app, &commenter),
        target,
        None,
        "Un commento che aspetta il moderatore.",
        "favore",
    )
    .await
    .unwrap();
    assert_eq!(comment_row(&app, id).await.visibility, "in_attesa");
    assert_eq!(proposal_row(&app, target).await.comment_count, before);
    for viewer in [anon.clone(), ctx(&app, &reader)] {
        let page = comments::list(&viewer, target, None).await.unwrap();
        assert!(!flatten(&page.threads).iter().any(|c| c.id == id));
        assert_eq!(page.total, before as u64);
    }
    assert!(
        comment_seen(&ctx(&app, &commenter), target, id)
            .await
            .unwrap()
            .mine
    );
    assert!(
        comment_seen(&as_facilitator, target, id)
            .await
            .unwrap()
            .body_html
            .contains("aspetta il moderatore")
    );
    assert_eq!(notified_of_comment(&app, follower.id, id).await, 0);
    assert!(
        queue::queue(&as_facilitator, PINEROLO, None)
            .await
            .unwrap()
            .items
            .iter()
            .any(|i| i.target_id == id && i.target_kind == TargetKind::Comment)
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
    assert_eq!(comment_row(&app, id).await.visibility, "visibile");
    assert_eq!(proposal_row(&app, target).await.comment_count, before + 1);
    assert_eq!(notified_of_comment(&app, follower.id, id).await, 1);
    let seen = comment_seen(&ctx(&app, &reader), target, id).await.unwrap();
    assert!(seen.body_html.contains("aspetta il moderatore"));
    assert_eq!(
        comments::list(&anon, target, None).await.unwrap().total,
        before as u64 + 1
    );
}

// ---------------------------------------------------------------------------
// 3. Blocks
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_blocked_person_is_hidden_and_refused_until_unblocked() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatrice Pinerolo").await;
    let as_facilitator = ctx(&app, &facilitator);
    let alessandria_facilitator =
        process_facilitator(&app, ALESSANDRIA, "Facilitatore Alessandria").await;
    let target = fresh_person(&app, "Persona Da Bloccare").await;
    let as_target = ctx(&app, &target);
    let mine = authoring::create(
        &as_target,
        PINEROLO,
        "servizi-online",
        &input("Una proposta scritta prima del blocco"),
    )
    .await
    .unwrap();
    let elsewhere = published_in(&app, PINEROLO, "inclusione-digitale").await[0];
    let said = comments::post(
        &as_target,
        elsewhere,
        None,
        "Un commento scritto prima del blocco.",
        "neutro",
    )
    .await
    .unwrap();

    // A reason is required.
    assert_eq!(
        field_of(blocks::block(&as_facilitator, PINEROLO, target.id, "no").await),
        ("motivo".to_owned(), FieldProblem::TooShort { min: 5 })
    );
    assert_eq!(
        process_block::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    assert!(matches!(
        blocks::block(&as_facilitator, PINEROLO, facilitator.id, "Per prova").await,
        Err(ServiceError::Forbidden)
    ));

    blocks::block(
        &as_facilitator,
        PINEROLO,
        target.id,
        "Insulti ripetuti ad altri partecipanti",
    )
    .await
    .unwrap();
    assert_eq!(proposal_row(&app, mine).await.visibility, "bloccata");
    assert_eq!(comment_row(&app, said).await.visibility, "bloccata");
    assert!(!listed(&anon, PINEROLO).await.contains(&mine));
    let veiled = comment_seen(&anon, elsewhere, said).await.unwrap();
    assert_eq!(
        (veiled.body_html.as_str(), veiled.visibility),
        ("", Visibility::Blocked)
    );
    assert_eq!(
        refusal(
            authoring::create(
                &as_target,
                PINEROLO,
                "servizi-online",
                &input("Una proposta scritta durante il blocco"),
            )
            .await
        ),
        Refusal::Blocked
    );
    assert_eq!(
        refusal(comments::post(&as_target, elsewhere, None, "Ci riprovo.", "neutro").await),
        Refusal::Blocked
    );
    // A second block changes nothing.
    blocks::block(&as_facilitator, PINEROLO, target.id, "Ancora una volta")
        .await
        .unwrap();
    let pinerolo = process_row(&app, PINEROLO).await;
    assert_eq!(
        process_block::Entity::find()
            .filter(process_block::Column::ProcessId.eq(pinerolo.id))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
    let queue = queue::queue(&as_facilitator, PINEROLO, None).await.unwrap();
    assert_eq!(queue.blocked.len(), 1);
    assert_eq!(
        (queue.blocked[0].user_id, queue.blocked[0].reason.as_str()),
        (target.id, "Insulti ripetuti ad altri partecipanti")
    );
    let log = public_log(&app, PINEROLO).await;
    let blocks: Vec<_> = log
        .iter()
        .filter(|e| e.action == ModerationAction::Blocked)
        .collect();
    assert_eq!(blocks.len(), 1, "logged once");
    assert_eq!(blocks[0].target_kind, TargetKind::Person);
    assert_eq!(blocks[0].reason, "Insulti ripetuti ad altri partecipanti");

    // Blocked in the voting process too: supporting is refused there.
    blocks::block(
        &ctx(&app, &alessandria_facilitator),
        ALESSANDRIA,
        target.id,
        "Stesso comportamento anche qui",
    )
    .await
    .unwrap();
    let voted = published_in(&app, ALESSANDRIA, "mobilita").await[0];
    let supports_before = proposal_row(&app, voted).await.support_count;
    assert_eq!(
        refusal(supports::give(&as_target, voted).await),
        Refusal::Blocked
    );
    assert_eq!(
        proposal_row(&app, voted).await.support_count,
        supports_before
    );

    // Unblocked in Pinerolo: everything shows again, taking part works again.
    assert_eq!(
        field_of(blocks::unblock(&as_facilitator, PINEROLO, target.id, "ok").await).0,
        "motivo"
    );
    blocks::unblock(
        &as_facilitator,
        PINEROLO,
        target.id,
        "Chiarimento avvenuto con la persona",
    )
    .await
    .unwrap();
    assert_eq!(proposal_row(&app, mine).await.visibility, "visibile");
    assert_eq!(comment_row(&app, said).await.visibility, "visibile");
    assert!(listed(&anon, PINEROLO).await.contains(&mine));
    comments::post(
        &as_target,
        elsewhere,
        None,
        "Grazie del chiarimento.",
        "favore",
    )
    .await
    .expect("commenting works again");
    authoring::create(
        &as_target,
        PINEROLO,
        "servizi-online",
        &input("Una proposta scritta dopo il blocco"),
    )
    .await
    .expect("proposing works again");
    let log = public_log(&app, PINEROLO).await;
    let unblocked = log
        .iter()
        .find(|e| e.action == ModerationAction::Unblocked)
        .expect("the unblock is logged");
    assert_eq!(unblocked.reason, "Chiarimento avvenuto con la persona");
    // Alessandria still blocks until its own facilitators decide.
    assert_eq!(
        refusal(supports::give(&as_target, voted).await),
        Refusal::Blocked
    );
    blocks::unblock(
        &ctx(&app, &alessandria_facilitator),
        ALESSANDRIA,
        target.id,
        "Chiarimento avvenuto anche qui",
    )
    .await
    .unwrap();
    assert!(supports::give(&as_target, voted).await.unwrap().changed);
}

// ---------------------------------------------------------------------------
// 4. Merging proposals into a project
// ---------------------------------------------------------------------------

#[tokio::test]
async fn merging_counts_each_supporter_once_and_keeps_the_originals() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let facilitator =
        platform_facilitator(&app, ALESSANDRIA, "mobilita", "Facilitatrice Mobilità").await;
    let as_facilitator = ctx(&app, &facilitator);
    let mobilita = published_in(&app, ALESSANDRIA, "mobilita").await;
    let (a, b, c) = (mobilita[0], mobilita[1], mobilita[2]);

    // One new person supports two of them, two others one each.
    let both = fresh_person(&app, "Sostiene Due").await;
    let only_a = fresh_person(&app, "Sostiene A").await;
    let only_c = fresh_person(&app, "Sostiene C").await;
    for (who, id) in [(&both, a), (&both, b), (&only_a, a), (&only_c, c)] {
        assert!(supports::give(&ctx(&app, who), id).await.unwrap().changed);
    }
    // Comments are closed while voting: one written earlier, straight in the table.
    let remark = stored_comment(&app, b, &only_a, "Un commento scritto prima del voto.").await;
    let comments_before = proposal_row(&app, b).await.comment_count;

    // What the project must show, counted by hand.
    let originals = [a, b, c];
    let distinct = count_sql(
        &app,
        "SELECT COUNT(DISTINCT user_id) FROM supports WHERE proposal_id IN (?, ?, ?)",
        originals.iter().map(|id| Value::from(*id)).collect(),
    )
    .await;
    let rows = support::Entity::find()
        .filter(support::Column::ProposalId.is_in(originals))
        .all(&app.db)
        .await
        .unwrap();
    let people: HashSet<Uuid> = rows.iter().filter_map(|s| s.user_id).collect();
    assert_eq!(people.len() as i64, distinct);
    let mut sum = 0i64;
    for id in originals {
        let row = proposal_row(&app, id).await;
        assert_eq!(row.support_count as u64, supports_rows(&app, id).await);
        sum += i64::from(row.support_count);
    }
    let overlaps = rows.len() as i64 - distinct;
    assert_eq!(distinct, sum - overlaps);
    let demo_people = people
        .iter()
        .filter(|id| ![both.id, only_a.id, only_c.id].contains(id))
        .count() as i64;
    assert_eq!(
        distinct,
        demo_people + 3,
        "the person who supported two counts once"
    );

    let title = "Cantiere per una mobilità sostenibile";
    let project_id = projects::merge(&as_facilitator, &[a, b, c, a], &project_input(title))
        .await
        .unwrap();

    let detail = projects::detail(&anon, project_id).await.unwrap();
    assert_eq!(detail.title, title);
    assert_eq!(detail.distinct_supporters, Some(distinct));
    assert_eq!(
        detail.partners,
        vec!["Comune".to_owned(), "Associazione di quartiere".to_owned()]
    );
    assert_eq!(detail.agreement, AgreementKind::MemorandumOfUnderstanding);
    assert_eq!(
        detail.members.iter().map(|m| m.id).collect::<HashSet<_>>(),
        HashSet::from(originals)
    );
    let member_supports: i64 = detail.members.iter().filter_map(|m| m.support_count).sum();
    assert_eq!(member_supports, sum);
    assert!(!detail.can_manage);
    assert!(
        projects::detail(&as_facilitator, project_id)
            .await
            .unwrap()
            .can_manage
    );
    let listed_projects = projects::list(&anon, ALESSANDRIA).await.unwrap();
    assert_eq!(listed_projects.len(), 1);
    assert_eq!(
        (
            listed_projects[0].id,
            listed_projects[0].member_count,
            listed_projects[0].distinct_supporters
        ),
        (project_id, 3, Some(distinct))
    );

    // The originals stay readable and point at the project.
    for id in originals {
        let row = proposal_row(&app, id).await;
        assert_eq!(row.state, "merged");
        assert_eq!(row.project_id, Some(project_id));
        assert_eq!(row.premerge_state.as_deref(), Some("published"));
        let seen = proposals::detail(&anon, id).await.unwrap();
        assert_eq!(seen.state, ProposalState::Merged);
        assert!(!seen.title.is_empty());
        assert_eq!(
            seen.project,
            Some(NamedRef {
                key: project_id.to_string(),
                name: title.to_owned(),
            })
        );
    }
    assert_eq!(proposal_row(&app, b).await.comment_count, comments_before);
    assert_eq!(comment_row(&app, remark).await.proposal_id, b);
    assert!(comment_seen(&anon, b, remark).await.is_some());

    // Supporters and authors are told; the facilitator who did it is not.
    for (who, id) in [(both.id, a), (both.id, b), (only_a.id, a), (only_c.id, c)] {
        assert_eq!(notified(&app, who, NotificationKind::Merged, id).await, 1);
    }
    for id in originals {
        let author = proposal_row(&app, id).await.author_id.expect("an author");
        assert_eq!(
            notified(&app, author, NotificationKind::Merged, id).await,
            1
        );
        assert_eq!(
            notified(&app, facilitator.id, NotificationKind::Merged, id).await,
            0
        );
    }
    let merged_notice = notification::Entity::find()
        .filter(notification::Column::UserId.eq(only_c.id))
        .filter(notification::Column::Kind.eq("merged"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(merged_notice.detail, title);

    let log = public_log(&app, ALESSANDRIA).await;
    let entry = logged(
        &log,
        ModerationAction::Merged,
        &format!("/progetti/{project_id}"),
    )
    .expect("the merge is logged");
    assert_eq!(
        (entry.target_kind, entry.target_label.as_str()),
        (TargetKind::Project, title)
    );

    // A merged proposal takes no more supports, and no second merge.
    let late = fresh_person(&app, "Arriva Tardi").await;
    assert_eq!(
        refusal(supports::give(&ctx(&app, &late), a).await),
        Refusal::ProposalClosed {
            state: ProposalState::Merged
        }
    );
    assert_eq!(
        refusal(projects::merge(&as_facilitator, &[a, mobilita[3]], &project_input(title)).await),
        Refusal::ProposalClosed {
            state: ProposalState::Merged
        }
    );
    // Proposals of two platforms never merge.
    let process_wide = process_facilitator(&app, ALESSANDRIA, "Facilitatore generale").await;
    let digital = published_in(&app, ALESSANDRIA, "servizi-digitali").await[0];
    assert_eq!(
        field_of(
            projects::merge(
                &ctx(&app, &process_wide),
                &[mobilita[3], digital],
                &project_input(title)
            )
            .await
        )
        .0,
        "proposte"
    );
    // Nor does a single proposal.
    assert_eq!(
        field_of(
            projects::merge(
                &as_facilitator,
                &[mobilita[3], mobilita[3]],
                &project_input(title)
            )
            .await
        )
        .0,
        "proposte"
    );
    for id in [mobilita[3], digital] {
        let row = proposal_row(&app, id).await;
        assert_eq!((row.state.as_str(), row.project_id), ("published", None));
    }
    assert_eq!(project::Entity::find().count(&app.db).await.unwrap(), 1);
}

#[tokio::test]
async fn undoing_a_merge_gives_each_original_its_state_back() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let facilitator =
        platform_facilitator(&app, ALESSANDRIA, "mobilita", "Facilitatrice Mobilità").await;
    let as_facilitator = ctx(&app, &facilitator);
    let mobilita = published_in(&app, ALESSANDRIA, "mobilita").await;
    let (a, b) = (mobilita[0], mobilita[1]);
    authoring::answer(&as_facilitator, a, "accepted", "Accolta: entra nel piano.")
        .await
        .unwrap();
    let supporter = fresh_person(&app, "Sostenitrice").await;
    assert!(
        supports::give(&ctx(&app, &supporter), b)
            .await
            .unwrap()
            .changed
    );

    let project_id = projects::merge(&as_facilitator, &[a, b], &project_input("Cantiere unico"))
        .await
        .unwrap();
    assert_eq!(
        proposal_row(&app, a).await.premerge_state.as_deref(),
        Some("accepted")
    );
    // A facilitator edits it while it lives.
    projects::edit(
        &as_facilitator,
        project_id,
        &ProjectInput::parse(
            "Cantiere rinominato per la mobilità",
            "Una descrizione nuova, abbastanza lunga da bastare.",
            "",
            "convenzione",
        )
        .unwrap(),
    )
    .await
    .unwrap();
    let row = project_row(&app, project_id).await;
    assert_eq!(
        (
            row.title.as_str(),
            row.agreement.as_str(),
            row.partners.as_str()
        ),
        ("Cantiere rinominato per la mobilità", "convenzione", "")
    );

    // Undo needs a reason.
    assert_eq!(
        field_of(projects::undo(&as_facilitator, project_id, "no").await).0,
        "motivo"
    );
    assert!(project_row(&app, project_id).await.dissolved_at.is_none());
    projects::undo(&as_facilitator, project_id, "Unione decisa per errore")
        .await
        .unwrap();

    let first = proposal_row(&app, a).await;
    assert_eq!(
        (first.state.as_str(), first.project_id, first.premerge_state),
        ("accepted", None, None)
    );
    let second = proposal_row(&app, b).await;
    assert_eq!(
        (
            second.state.as_str(),
            second.project_id,
            second.premerge_state
        ),
        ("published", None, None)
    );
    assert!(project_row(&app, project_id).await.dissolved_at.is_some());
    assert!(projects::list(&anon, ALESSANDRIA).await.unwrap().is_empty());
    let dissolved = projects::detail(&as_facilitator, project_id).await.unwrap();
    assert!(dissolved.dissolved_at.is_some() && !dissolved.can_manage);
    assert!(dissolved.members.is_empty());
    let seen = proposals::detail(&anon, a).await.unwrap();
    assert_eq!((seen.state, seen.project), (ProposalState::Accepted, None));
    assert_eq!(
        notified(&app, supporter.id, NotificationKind::Unmerged, b).await,
        1
    );

    // Once is enough.
    assert_eq!(
        refusal(projects::undo(&as_facilitator, project_id, "Ancora una volta").await),
        Refusal::ModerationStale
    );
    assert_eq!(
        refusal(projects::edit(&as_facilitator, project_id, &project_input("Troppo tardi")).await),
        Refusal::ModerationStale
    );
    let log = public_log(&app, ALESSANDRIA).await;
    let undone: Vec<_> = log
        .iter()
        .filter(|e| e.action == ModerationAction::Unmerged)
        .collect();
    assert_eq!(undone.len(), 1);
    assert_eq!(undone[0].reason, "Unione decisa per errore");
    assert_eq!(
        undone[0].link.as_deref(),
        Some(format!("/progetti/{project_id}").as_str())
    );
    // The originals stand alone again: they may merge anew.
    projects::merge(&as_facilitator, &[a, b], &project_input("Cantiere secondo"))
        .await
        .expect("free to merge again");
}

// ---------------------------------------------------------------------------
// 5. The counter
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_counter_acts_under_the_same_rules_and_a_claim_counts_supports_once() {
    let app = spawn_app().await;
    let staff = with_role(&app, "Sportellista", Role::Staff, None, None).await;
    let as_staff = ctx(&app, &staff);
    let citizen = fresh_person(&app, "Cittadino curioso").await;

    // Only staff record people.
    assert!(matches!(
        counter::record(&ctx(&app, &citizen), "Maria Rossi", "carta_identita", "").await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        counter::record(&anonymous(&app), "Maria Rossi", "carta_identita", "").await,
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
        counter_record::Entity::find().count(&app.db).await.unwrap(),
        0
    );

    let receipt = counter::record(&as_staff, "Maria  Rossi", "carta_identita", "")
        .await
        .unwrap();
    assert_eq!(receipt.claim_code.len(), 14);
    let record = counter_record::Entity::find_by_id(receipt.record_id)
        .one(&app.db)
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
        .one(&app.db)
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
    let row = proposal_row(&app, proposed).await;
    assert_eq!(
        (row.author_id, row.assisted_by),
        (Some(assisted), Some(staff.id))
    );
    let seen = proposals::detail(&anonymous(&app), proposed).await.unwrap();
    assert!(seen.assisted);
    assert_eq!(seen.author_name.as_deref(), Some("Maria R."));
    assert!(matches!(
        counter::propose(
            &ctx(&app, &citizen),
            receipt.record_id,
            PINEROLO,
            "inclusione-digitale",
            &input("Una proposta che non dovrebbe esistere"),
        )
        .await,
        Err(ServiceError::Forbidden)
    ));

    // Supports on her behalf: the same limit and one per proposal.
    let mobilita = published_in(&app, ALESSANDRIA, "mobilita").await;
    let x = mobilita[0];
    let online = fresh_person(&app, "Maria Rossi online").await;
    assert!(
        supports::give(&ctx(&app, &online), x)
            .await
            .unwrap()
            .changed
    );
    let x_before = proposal_row(&app, x).await.support_count;
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
    assert_eq!(proposal_row(&app, x).await.support_count, x_before + 1);
    let given = support::Entity::find()
        .filter(support::Column::UserId.eq(assisted))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(given.len(), 5);
    assert!(given.iter().all(|s| s.assisted_by == Some(staff.id)));
    assert!(matches!(
        counter::support(&ctx(&app, &citizen), receipt.record_id, mobilita[5]).await,
        Err(ServiceError::Forbidden)
    ));

    // Staff find her again.
    let found = counter::search(&as_staff, "rossi").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, receipt.record_id);
    assert_eq!((found[0].proposals.len(), found[0].supports.len()), (1, 5));
    assert_eq!(found[0].recorded_by.as_deref(), Some("Sportellista"));
    assert!(matches!(
        counter::search(&ctx(&app, &citizen), "rossi").await,
        Err(ServiceError::Forbidden)
    ));

    // She claims the record online, where she had already supported X.
    let outcome = counter::claim(
        &ctx(&app, &online),
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
    let x_after = proposal_row(&app, x).await.support_count;
    assert_eq!(x_after, x_before, "X lost the counter's duplicate");
    assert_eq!(x_after as u64, supports_rows(&app, x).await);
    for id in &mobilita[..6] {
        assert_eq!(
            proposal_row(&app, *id).await.support_count as u64,
            supports_rows(&app, *id).await,
            "{id}: the counter equals the rows"
        );
    }
    let hers: HashSet<Uuid> = support::Entity::find()
        .filter(support::Column::UserId.eq(online.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.proposal_id)
        .collect();
    assert_eq!(hers, mobilita[..5].iter().copied().collect());
    assert_eq!(
        support::Entity::find()
            .filter(support::Column::UserId.eq(assisted))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        proposal_row(&app, proposed).await.author_id,
        Some(online.id)
    );
    let claimed = counter_record::Entity::find_by_id(receipt.record_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.claimed_by, Some(online.id));
    assert!(claimed.claimed_at.is_some() && claimed.user_id.is_none());
    assert!(
        user::Entity::find_by_id(assisted)
            .one(&app.db)
            .await
            .unwrap()
            .is_none(),
        "the account acted through is gone"
    );
    // Her allowance now counts the supports she holds.
    let viewer = proposals::detail(&ctx(&app, &online), mobilita[6])
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
    let someone_else = fresh_person(&app, "Altra persona").await;
    assert_eq!(
        field_of(counter::claim(&ctx(&app, &someone_else), &receipt.claim_code).await),
        ("codice".to_owned(), FieldProblem::NotRecognized)
    );
    assert_eq!(
        field_of(counter::claim(&ctx(&app, &online), &receipt.claim_code).await).0,
        "codice"
    );
    assert!(matches!(
        counter::claim(&anonymous(&app), &receipt.claim_code).await,
        Err(ServiceError::Unauthenticated)
    ));
    // Nobody acts for a claimed record any more.
    assert!(matches!(
        counter::support(&as_staff, receipt.record_id, mobilita[6]).await,
        Err(ServiceError::NotFound(_))
    ));
}

// ---------------------------------------------------------------------------
// 6. Who may facilitate
// ---------------------------------------------------------------------------

#[tokio::test]
async fn only_the_right_facilitators_moderate_merge_answer_and_see_the_dashboard() {
    let app = spawn_app().await;
    let pinerolo = process_row(&app, PINEROLO).await;
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let servizi = published_in(&app, PINEROLO, "servizi-online").await;
    let (a, b) = (servizi[0], servizi[1]);
    let project_id = projects::merge(
        &ctx(&app, &facilitator),
        &[servizi[2], servizi[3]],
        &project_input("Cantiere dei servizi online"),
    )
    .await
    .unwrap();
    let victim = fresh_person(&app, "Persona qualunque").await;

    let citizen = fresh_person(&app, "Cittadina").await;
    let other_process = process_facilitator(&app, MILANO, "Facilitatore Milano").await;
    let other_platform = platform_facilitator(
        &app,
        PINEROLO,
        "inclusione-digitale",
        "Facilitatrice Inclusione",
    )
    .await;
    let staff = with_role(&app, "Dipendente", Role::Staff, None, None).await;
    let council = with_role(&app, "Consigliera", Role::Council, None, None).await;
    let mut viewers: Vec<(String, Ctx, bool)> = vec![("anonymous".into(), anonymous(&app), false)];
    for who in [&citizen, &other_process, &other_platform, &staff, &council] {
        viewers.push((who.display_name.clone(), ctx(&app, who), true));
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
    let as_platform = ctx(&app, &other_platform);
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
    let stored = process_row(&app, PINEROLO).await;
    assert_eq!(
        (stored.pre_moderation, stored.report_threshold),
        (pinerolo.pre_moderation, pinerolo.report_threshold)
    );
    for id in [a, b] {
        let row = proposal_row(&app, id).await;
        assert_eq!(
            (row.state.as_str(), row.visibility.as_str(), row.project_id),
            ("published", "visibile", None)
        );
        assert!(row.answered_at.is_none());
    }
    assert!(project_row(&app, project_id).await.dissolved_at.is_none());
    assert_eq!(
        project_row(&app, project_id).await.title,
        "Cantiere dei servizi online"
    );
    assert_eq!(project::Entity::find().count(&app.db).await.unwrap(), 1);
    assert_eq!(
        process_block::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    assert_eq!(
        moderation_entry::Entity::find()
            .filter(moderation_entry::Column::ProcessId.eq(pinerolo.id))
            .count(&app.db)
            .await
            .unwrap(),
        1,
        "only the facilitator's merge is logged"
    );
}

// ---------------------------------------------------------------------------
// 7. Answering many at once
// ---------------------------------------------------------------------------

#[tokio::test]
async fn answering_many_is_all_or_nothing_within_the_facilitators_platforms() {
    let app = spawn_app().await;
    let facilitator =
        platform_facilitator(&app, ALESSANDRIA, "mobilita", "Facilitatrice Mobilità").await;
    let as_facilitator = ctx(&app, &facilitator);
    let mobilita = published_in(&app, ALESSANDRIA, "mobilita").await;
    let digital = published_in(&app, ALESSANDRIA, "servizi-digitali").await;
    let follower = fresh_person(&app, "Segue tutto").await;
    for id in [mobilita[0], mobilita[1], mobilita[2], digital[0]] {
        authoring::follow(&ctx(&app, &follower), id, true)
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
        let row = proposal_row(&app, id).await;
        assert_eq!(row.state, "accepted");
        assert_eq!(
            row.answer_md.as_deref(),
            Some("Entrambe accolte nel piano.")
        );
        assert!(row.answered_at.is_some());
        assert_eq!(
            notified(&app, follower.id, NotificationKind::Answer, id).await,
            1
        );
        let author = row.author_id.unwrap();
        assert_eq!(
            notified(&app, author, NotificationKind::Answer, id).await,
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
        let row = proposal_row(&app, id).await;
        assert_eq!((row.state.as_str(), row.answered_at), ("published", None));
        assert_eq!(
            notified(&app, follower.id, NotificationKind::Answer, id).await,
            0
        );
    }
    // A rejection needs a reason.
    assert_eq!(
        field_of(authoring::answer_many(&as_facilitator, &[mobilita[2]], "rejected", "").await).0,
        "risposta"
    );
    // One closed proposal among them: none is answered.
    let process_wide = process_facilitator(&app, ALESSANDRIA, "Facilitatore generale").await;
    let alessandria = process_row(&app, ALESSANDRIA).await;
    let withdrawn = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(alessandria.id))
        .filter(proposal::Column::State.eq("withdrawn"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the demo has a withdrawn proposal");
    assert!(matches!(
        refusal(
            authoring::answer_many(
                &ctx(&app, &process_wide),
                &[mobilita[2], withdrawn.id],
                "under_evaluation",
                "",
            )
            .await
        ),
        Refusal::ProposalClosed { .. }
    ));
    assert_eq!(proposal_row(&app, mobilita[2]).await.state, "published");
    assert_eq!(
        notified(&app, follower.id, NotificationKind::Answer, mobilita[2]).await,
        0
    );
    // The whole-process facilitator answers across platforms.
    assert_eq!(
        authoring::answer_many(
            &ctx(&app, &process_wide),
            &[mobilita[2], digital[0]],
            "under_evaluation",
            "",
        )
        .await
        .unwrap(),
        2
    );
    for id in [mobilita[2], digital[0]] {
        assert_eq!(proposal_row(&app, id).await.state, "under_evaluation");
    }
}

// ---------------------------------------------------------------------------
// 8. The preview of a phase move, and the dashboard
// ---------------------------------------------------------------------------

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

#[tokio::test]
async fn the_preview_says_what_the_next_move_opens_and_closes() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    for slug in [PINEROLO, ALESSANDRIA] {
        let process = process_row(&app, slug).await;
        let phases_rows = phase::Entity::find()
            .filter(phase::Column::ProcessId.eq(process.id))
            .order_by_asc(phase::Column::Position)
            .all(&app.db)
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
            &app,
            "SELECT COUNT(DISTINCT f.user_id) FROM follows f \
             JOIN proposals p ON p.id = f.proposal_id WHERE p.process_id = ?",
            vec![Value::from(process.id)],
        )
        .await;
        assert_eq!(preview.followers as i64, followers, "{slug}");
        assert_eq!(preview.today, anon.today());
        // Looking changes nothing.
        let after = process_row(&app, slug).await;
        assert_eq!(
            (after.phase_cursor, after.phase_open),
            (process.phase_cursor, process.phase_open)
        );
    }
    // Pinerolo collects proposals, then deliberates: proposing closes,
    // commenting stays; Alessandria's vote gives way to the synthesis.
    let pinerolo = process_row(&app, PINEROLO).await;
    let preview = phases::preview(&anon, pinerolo.id).await.unwrap();
    assert_eq!(preview.closed, vec![ParticipationAction::Propose]);
    assert_eq!(preview.still_open, vec![ParticipationAction::Comment]);
    assert!(preview.opened.is_empty());
    let alessandria = process_row(&app, ALESSANDRIA).await;
    let preview = phases::preview(&anon, alessandria.id).await.unwrap();
    assert_eq!(preview.closed, vec![ParticipationAction::Support]);
    assert!(preview.opened.is_empty() && preview.still_open.is_empty());
}

#[tokio::test]
async fn the_dashboard_totals_match_the_database() {
    let app = spawn_app().await;
    let pinerolo = process_row(&app, PINEROLO).await;
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&app, &facilitator);
    // Some activity today: a proposal, a comment, one at the counter, and a
    // proposal out of sight.
    let citizen = fresh_person(&app, "Partecipante").await;
    let mine = authoring::create(
        &ctx(&app, &citizen),
        PINEROLO,
        "servizi-online",
        &input("Un sito comunale più semplice da usare"),
    )
    .await
    .unwrap();
    let target = published_in(&app, PINEROLO, "territorio-connesso").await[0];
    comments::post(
        &ctx(&app, &citizen),
        target,
        None,
        "Sono d'accordo.",
        "favore",
    )
    .await
    .unwrap();
    let staff = with_role(&app, "Sportellista", Role::Staff, None, None).await;
    let receipt = counter::record(&ctx(&app, &staff), "Giuseppe Verdi", "patente", "")
        .await
        .unwrap();
    counter::propose(
        &ctx(&app, &staff),
        receipt.record_id,
        PINEROLO,
        "inclusione-digitale",
        &input("Uno sportello digitale nelle frazioni"),
    )
    .await
    .unwrap();
    let hidden = authoring::create(
        &ctx(&app, &citizen),
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
    assert_eq!(proposal_row(&app, hidden).await.visibility, "nascosta");

    let dash = dashboard::overview(&as_facilitator, PINEROLO, None)
        .await
        .unwrap();
    let id = Value::from(pinerolo.id);
    let proposals_expected = count_sql(
        &app,
        "SELECT COUNT(*) FROM proposals WHERE process_id = ? \
         AND visibility = 'visibile' AND state <> 'withdrawn'",
        vec![id.clone()],
    )
    .await;
    assert_eq!(dash.proposals as i64, proposals_expected);
    let stats = read::detail(&anonymous(&app), PINEROLO).await.unwrap();
    assert_eq!(dash.proposals, stats.stats.proposals);
    let comments_expected = count_sql(
        &app,
        "SELECT COUNT(*) FROM comments c JOIN proposals p ON p.id = c.proposal_id \
         WHERE p.process_id = ? AND p.visibility = 'visibile' \
         AND c.visibility = 'visibile' AND c.deleted_at IS NULL",
        vec![id.clone()],
    )
    .await;
    assert_eq!(dash.comments as i64, comments_expected);
    assert_eq!(comments_expected, 1);
    let supports_expected = count_sql(
        &app,
        "SELECT COUNT(*) FROM supports s JOIN proposals p ON p.id = s.proposal_id \
         WHERE p.process_id = ? AND p.visibility = 'visibile'",
        vec![id.clone()],
    )
    .await;
    assert_eq!(dash.supports as i64, supports_expected);
    let participants_expected = count_sql(
        &app,
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
        &app,
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
        platform_facilitator(&app, PINEROLO, "servizi-online", "Facilitatrice Servizi").await;
    let mine_only =
        dashboard::overview(&ctx(&app, &platform_only), PINEROLO, Some("servizi-online"))
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
    let servizi = platform_row(&app, PINEROLO, "servizi-online").await;
    let in_platform = count_sql(
        &app,
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

// ---------------------------------------------------------------------------
// 9. Defects found while writing these tests, now fixed: each reproduces one.
// ---------------------------------------------------------------------------

/// Comments of a proposal that count on it: all but those still waiting
/// for approval and those deleted.
async fn counted_comments(app: &TestApp, proposal_id: Uuid) -> i64 {
    count_sql(
        app,
        "SELECT COUNT(*) FROM comments WHERE proposal_id = ? \
         AND visibility <> 'in_attesa' AND deleted_at IS NULL",
        vec![Value::from(proposal_id)],
    )
    .await
}

#[tokio::test]
async fn the_history_of_a_proposal_out_of_sight_stays_out_of_sight() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let author = fresh_person(&app, "Autrice").await;
    let stranger = fresh_person(&app, "Curiosa").await;
    let hidden = authoring::create(
        &ctx(&app, &author),
        PINEROLO,
        "servizi-online",
        &input("Dati personali che un moderatore nasconderà"),
    )
    .await
    .unwrap();
    moderation::decide(
        &ctx(&app, &facilitator),
        "proposta",
        hidden,
        ModerationDecision::Hide,
        "Contiene dati personali di terzi",
    )
    .await
    .unwrap();
    moderation::set_settings(&ctx(&app, &facilitator), PINEROLO, true, 3)
        .await
        .unwrap();
    let pending = authoring::create(
        &ctx(&app, &author),
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
        for viewer in [&anon, &ctx(&app, &stranger)] {
            match authoring::history(viewer, id).await {
                Err(ServiceError::NotFound(_)) => {}
                other => panic!("{id}: expected NotFound, got {other:?}"),
            }
        }
        let own = authoring::history(&ctx(&app, &author), id).await.unwrap();
        assert!(!own.title.is_empty(), "{id}: the author reads it");
        assert_eq!(own.versions.len(), 1);
        assert!(!own.versions[0].body_html.is_empty());
        let moderated = authoring::history(&ctx(&app, &facilitator), id)
            .await
            .unwrap();
        assert_eq!(moderated, own, "{id}: a moderator reads it as well");
    }
    // Once approved, everybody reads the history of the pending one.
    moderation::decide(
        &ctx(&app, &facilitator),
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
    let app = spawn_app().await;
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&app, &facilitator);
    let target = published_in(&app, PINEROLO, "territorio-connesso").await[0];
    let follower = fresh_person(&app, "Chi Segue").await;
    authoring::follow(&ctx(&app, &follower), target, true)
        .await
        .unwrap();
    let commenter = fresh_person(&app, "Commentatrice").await;
    let as_commenter = ctx(&app, &commenter);
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
    let before = proposal_row(&app, target).await.comment_count;
    assert_eq!(i64::from(before), counted_comments(&app, target).await);
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
        proposal_row(&app, target).await.comment_count,
        before,
        "comments waiting for approval are not counted"
    );
    assert_eq!(comment_row(&app, parent).await.reply_count, 0);

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
        assert_eq!(comment_row(&app, c).await.visibility, "nascosta");
    }
    assert_eq!(proposal_row(&app, target).await.comment_count, before + 2);
    assert_eq!(
        i64::from(proposal_row(&app, target).await.comment_count),
        counted_comments(&app, target).await
    );
    assert_eq!(comment_row(&app, parent).await.reply_count, 1);

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
        assert_eq!(comment_row(&app, c).await.visibility, "visibile");
    }
    assert_eq!(
        proposal_row(&app, target).await.comment_count,
        before + 2,
        "a comment everyone sees is counted, once"
    );
    assert_eq!(
        i64::from(proposal_row(&app, target).await.comment_count),
        counted_comments(&app, target).await
    );
    assert_eq!(comment_row(&app, parent).await.reply_count, 1);
    let page = comments::list(&anonymous(&app), target, None)
        .await
        .unwrap();
    assert_eq!(page.total, u64::try_from(before + 2).unwrap());
    assert_eq!(page.in_favour + page.neutral + page.against, page.total);
    // A restore is no announcement.
    for c in [id, reply] {
        assert_eq!(notified_of_comment(&app, follower.id, c).await, 0);
    }

    // Deleting them brings the count back, not below.
    comments::delete(&as_commenter, reply).await.unwrap();
    comments::delete(&as_commenter, id).await.unwrap();
    assert_eq!(proposal_row(&app, target).await.comment_count, before);
    assert_eq!(
        i64::from(before),
        counted_comments(&app, target).await,
        "the count equals the comments that count"
    );
}

#[tokio::test]
async fn pending_comments_never_cut_the_pages_of_visible_ones() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let target = published_in(&app, PINEROLO, "territorio-connesso").await[0];
    moderation::set_settings(&ctx(&app, &facilitator), PINEROLO, true, 3)
        .await
        .unwrap();
    let early = fresh_person(&app, "Prima In Attesa").await;
    let waiting = comments::post(
        &ctx(&app, &early),
        target,
        None,
        "In attesa di approvazione.",
        "neutro",
    )
    .await
    .unwrap();
    moderation::set_settings(&ctx(&app, &facilitator), PINEROLO, false, 3)
        .await
        .unwrap();
    let writer = fresh_person(&app, "Scrive Molto").await;
    let mut visible = Vec::new();
    for n in 0..(comments::PAGE_SIZE + 1) {
        visible.push(
            comments::post(
                &ctx(&app, &writer),
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
    for viewer in [ctx(&app, &early), ctx(&app, &facilitator)] {
        assert_eq!(every_page(&viewer, target).await.0, with_waiting);
    }
    // Somebody else does not.
    assert_eq!(every_page(&ctx(&app, &writer), target).await.0, visible);
}

#[tokio::test]
async fn pending_comments_are_not_counted_by_alignment() {
    let app = spawn_app().await;
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let target = published_in(&app, PINEROLO, "territorio-connesso").await[0];
    let baseline = comments::list(&anonymous(&app), target, None)
        .await
        .unwrap();
    assert_eq!(
        baseline.in_favour + baseline.neutral + baseline.against,
        baseline.total
    );
    moderation::set_settings(&ctx(&app, &facilitator), PINEROLO, true, 3)
        .await
        .unwrap();
    let commenter = fresh_person(&app, "Commentatrice").await;
    comments::post(
        &ctx(&app, &commenter),
        target,
        None,
        "Un parere favorevole in attesa.",
        "favore",
    )
    .await
    .unwrap();
    for viewer in [
        anonymous(&app),
        ctx(&app, &commenter),
        ctx(&app, &facilitator),
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
    moderation::set_settings(&ctx(&app, &facilitator), PINEROLO, false, 3)
        .await
        .unwrap();
    comments::post(
        &ctx(&app, &commenter),
        target,
        None,
        "Un parere contrario, subito visibile.",
        "contro",
    )
    .await
    .unwrap();
    let page = comments::list(&anonymous(&app), target, None)
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
    let app = spawn_app().await;
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&app, &facilitator);
    let author = fresh_person(&app, "Autrice che commenta").await;
    let own = authoring::create(
        &ctx(&app, &author),
        PINEROLO,
        "servizi-online",
        &input("Una proposta che la sua autrice commenta"),
    )
    .await
    .unwrap();
    let follower = fresh_person(&app, "Chi Segue").await;
    for who in [&follower, &facilitator] {
        authoring::follow(&ctx(&app, who), own, true).await.unwrap();
    }
    moderation::set_settings(&as_facilitator, PINEROLO, true, 3)
        .await
        .unwrap();
    let id = comments::post(
        &ctx(&app, &author),
        own,
        None,
        "Aggiungo un dettaglio alla mia proposta.",
        "favore",
    )
    .await
    .unwrap();
    assert_eq!(
        notified_of_comment(&app, follower.id, id).await,
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
        notified_of_comment(&app, author.id, id).await,
        0,
        "nobody is told about their own comment"
    );
    assert_eq!(
        notified_of_comment(&app, facilitator.id, id).await,
        0,
        "nor about the comment they approved"
    );
    assert_eq!(
        notified_of_comment(&app, follower.id, id).await,
        1,
        "the followers are told once it is approved"
    );
}

#[tokio::test]
async fn the_dashboard_leaves_out_withdrawn_proposals_like_the_process_page() {
    let app = spawn_app().await;
    let alessandria = process_row(&app, ALESSANDRIA).await;
    let facilitator = process_facilitator(&app, ALESSANDRIA, "Facilitatore").await;
    let withdrawn = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(alessandria.id))
        .filter(proposal::Column::State.eq("withdrawn"))
        .count(&app.db)
        .await
        .unwrap();
    assert!(withdrawn > 0, "the demo has a withdrawn proposal");
    let dash = dashboard::overview(&ctx(&app, &facilitator), ALESSANDRIA, None)
        .await
        .unwrap();
    let stats = read::detail(&anonymous(&app), ALESSANDRIA)
        .await
        .unwrap()
        .stats;
    let id = Value::from(alessandria.id);
    let expected = count_sql(
        &app,
        "SELECT COUNT(*) FROM proposals WHERE process_id = ? \
         AND visibility = 'visibile' AND state <> 'withdrawn'",
        vec![id.clone()],
    )
    .await;
    assert_eq!(stats.proposals as i64, expected);
    assert_eq!(dash.proposals, stats.proposals);
    let supports = count_sql(
        &app,
        "SELECT COUNT(*) FROM supports s JOIN proposals p ON p.id = s.proposal_id \
         WHERE p.process_id = ? AND p.visibility = 'visibile' AND p.state <> 'withdrawn'",
        vec![id.clone()],
    )
    .await;
    assert_eq!(dash.supports as i64, supports);
    assert_eq!(dash.supports, stats.supports);
    let comments = count_sql(
        &app,
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
    let app = spawn_app().await;
    let staff = with_role(&app, "Sportellista", Role::Staff, None, None).await;
    let mobilita = published_in(&app, ALESSANDRIA, "mobilita").await;
    assert!(mobilita.len() >= 7);
    let online = fresh_person(&app, "Maria Rossi online").await;
    for id in &mobilita[..3] {
        assert!(
            supports::give(&ctx(&app, &online), *id)
                .await
                .unwrap()
                .changed
        );
    }
    let receipt = counter::record(&ctx(&app, &staff), "Maria Rossi", "carta_identita", "")
        .await
        .unwrap();
    // At the counter she supports five of the same platform, one after the
    // other: two she also supports online (dropped at the claim as
    // duplicates) and three new ones.
    for id in &mobilita[1..6] {
        assert!(
            counter::support(&ctx(&app, &staff), receipt.record_id, *id)
                .await
                .unwrap()
                .changed
        );
    }
    // Online, she then gives a fourth, the newest of all.
    assert!(
        supports::give(&ctx(&app, &online), mobilita[6])
            .await
            .unwrap()
            .changed
    );
    let outcome = counter::claim(&ctx(&app, &online), &receipt.claim_code)
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
        .all(&app.db)
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
            proposal_row(&app, *id).await.support_count as u64,
            supports_rows(&app, *id).await,
            "{id}: the counter equals the rows"
        );
    }
    let viewer = proposals::detail(&ctx(&app, &online), mobilita[6])
        .await
        .unwrap()
        .viewer;
    assert_eq!(viewer.supports_used, Some((5, 5)));
}

/// What a moderator takes out of sight stays out of sight everywhere, and
/// approved text cannot be rewritten past pre-moderation.
#[tokio::test]
async fn content_out_of_sight_leaks_nowhere_and_edits_wait_for_approval_again() {
    let app = spawn_app().await;
    let anon = anonymous(&app);
    let facilitator = process_facilitator(&app, PINEROLO, "Facilitatore Pinerolo").await;
    let as_facilitator = ctx(&app, &facilitator);
    let author = fresh_person(&app, "Autrice Da Moderare").await;
    let other = fresh_person(&app, "Altro Lettore").await;
    let title = "Sportello digitale nelle biblioteche di quartiere";
    let id = authoring::create(
        &ctx(&app, &author),
        PINEROLO,
        "servizi-online",
        &input(title),
    )
    .await
    .unwrap();
    comments::post(
        &ctx(&app, &other),
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
        refusal(comments::post(&ctx(&app, &other), id, None, "Ancora io", "neutro").await),
        Refusal::OutOfSight
    );
    let seen = proposals::detail(&anon, id).await.unwrap();
    assert_eq!((seen.title.as_str(), seen.author_name), ("", None));
    let log = serde_json::to_string(&public_log(&app, PINEROLO).await).unwrap();
    assert!(!log.contains(title), "{log}");
    assert!(log.contains("Contiene dati personali di terzi"));
    // Nor in the inbox of the commenter who follows nothing but was told before.
    let inbox = inbox::list(&ctx(&app, &author), None).await.unwrap();
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
        &ctx(&app, &other),
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
    let counted = proposal_row(&app, visible).await.comment_count;
    comments::edit(
        &ctx(&app, &other),
        said,
        "Testo cambiato dopo l'approvazione",
    )
    .await
    .unwrap();
    assert_eq!(comment_row(&app, said).await.visibility, "in_attesa");
    assert_eq!(proposal_row(&app, visible).await.comment_count, counted - 1);
    assert!(comment_seen(&anon, visible, said).await.is_none());
}
