//! Helpers of the facilitation tests (domain and HTTP alike).

use crate::model::common::Visibility;
use crate::model::facilitation::{ModerationAction, ModerationLogEntry, ProjectInput};
use crate::model::participation::{CommentDto, NotificationKind, ProposalInput};
use crate::model::{ProposalFilter, ProposalQuery, ProposalSort, Role};
use crate::service::entity::{comment, notification, project, proposal};
use crate::service::{
    Ctx, Person, facilitation::moderation, participation::comments, participation::proposals,
};
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::helpers::*;
use super::test_db::TestDatabase;

/// A facilitator of one platform of a process.
pub async fn platform_facilitator(
    app: &impl TestDatabase,
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

pub async fn comment_row(app: &impl TestDatabase, id: Uuid) -> comment::Model {
    comment::Entity::find_by_id(id)
        .one(app.db())
        .await
        .unwrap()
        .expect("the comment exists")
}

pub async fn project_row(app: &impl TestDatabase, id: Uuid) -> project::Model {
    project::Entity::find_by_id(id)
        .one(app.db())
        .await
        .unwrap()
        .expect("the project exists")
}

pub fn input(title: &str) -> ProposalInput {
    ProposalInput::parse(title, BODY, None, None).expect("valid proposal input")
}

pub fn project_input(title: &str) -> ProjectInput {
    ProjectInput::parse(
        title,
        "Un progetto che riunisce proposte vicine in un unico cantiere.",
        "Comune\n\n  Associazione di quartiere  ",
        "protocollo_intesa",
    )
    .expect("valid project input")
}

/// The ids a viewer finds in the process's list (every page at once).
pub async fn listed(viewer: &Ctx, slug: &str) -> Vec<Uuid> {
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
pub async fn public_log(app: &impl TestDatabase, slug: &str) -> Vec<ModerationLogEntry> {
    moderation::public_log(&anonymous(app), slug, None)
        .await
        .unwrap()
        .entries
}

pub fn logged(
    entries: &[ModerationLogEntry],
    action: ModerationAction,
    link: &str,
) -> Option<ModerationLogEntry> {
    entries
        .iter()
        .find(|e| e.action == action && e.link.as_deref() == Some(link))
        .cloned()
}

/// The comment `id` as `viewer` sees it on the proposal's page, if listed.
pub async fn comment_seen(viewer: &Ctx, proposal_id: Uuid, id: Uuid) -> Option<CommentDto> {
    let page = comments::list(viewer, proposal_id, None).await.unwrap();
    flatten(&page.threads)
        .into_iter()
        .find(|c| c.id == id)
        .cloned()
}

/// Notifications of `kind` a person got about a proposal.
pub async fn notified(
    app: &impl TestDatabase,
    user_id: Uuid,
    kind: NotificationKind,
    proposal_id: Uuid,
) -> u64 {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Kind.eq(kind.as_str()))
        .filter(notification::Column::ProposalId.eq(proposal_id))
        .count(app.db())
        .await
        .unwrap()
}

/// Notifications a person got about one comment.
pub async fn notified_of_comment(app: &impl TestDatabase, user_id: Uuid, comment_id: Uuid) -> u64 {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Kind.eq(NotificationKind::NewComment.as_str()))
        .filter(notification::Column::CommentId.eq(comment_id))
        .count(app.db())
        .await
        .unwrap()
}

/// Writes a comment straight into the database (for phases that close
/// comments), counted on its proposal as the service would.
pub async fn stored_comment(
    app: &impl TestDatabase,
    proposal_id: Uuid,
    author: &Person,
    body: &str,
) -> Uuid {
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
    .exec_without_returning(app.db())
    .await
    .unwrap();
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::CommentCount,
            Expr::col(proposal::Column::CommentCount).add(1),
        )
        .filter(proposal::Column::Id.eq(proposal_id))
        .exec(app.db())
        .await
        .unwrap();
    id
}
