//! The administrators' action log: who did what, when.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::model::accounts::{AuditEntryView, AuditPage};
use crate::model::common::FieldProblem;
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::entity::{audit_entry, user};
use crate::service::{Actor, Ctx, ServiceError};

/// Entries per page of the log.
pub const PAGE_SIZE: u64 = 50;

/// Writes one entry, in the caller's transaction.
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    action: &str,
    subject: Option<Uuid>,
    details: String,
) -> Result<(), ServiceError> {
    let (actor_id, actor_label) = match &ctx.actor {
        Actor::Person(person) => (Some(person.id), person.display_name.clone()),
        Actor::System => (None, "server (riga di comando)".to_owned()),
        Actor::Anonymous => (None, "anonimo".to_owned()),
    };
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        at: Set(ctx.now),
        actor_id: Set(actor_id),
        actor_label: Set(actor_label.chars().take(120).collect()),
        action: Set(action.to_owned()),
        subject_user_id: Set(subject),
        details: Set(details),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The log, newest first; `before` is the id of the last entry already shown.
pub async fn list(ctx: &Ctx, before: Option<&str>) -> Result<AuditPage, ServiceError> {
    authorize(ctx, Operation::ViewAuditLog, Scope::Global)?;
    let mut select = audit_entry::Entity::find().order_by_desc(audit_entry::Column::Id);
    if let Some(cursor) = before.filter(|c| !c.is_empty()) {
        let id = Uuid::try_parse(cursor)
            .map_err(|_| ServiceError::field("dopo", FieldProblem::Malformed))?;
        select = select.filter(audit_entry::Column::Id.lt(id));
    }
    let mut rows = select.limit(PAGE_SIZE + 1).all(&ctx.db).await?;
    let next = (rows.len() as u64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.id.to_string()).unwrap_or_default()
    });
    let subject_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.subject_user_id).collect();
    let subjects: std::collections::HashMap<Uuid, String> = if subject_ids.is_empty() {
        Default::default()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(subject_ids))
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    Ok(AuditPage {
        items: rows
            .into_iter()
            .map(|r| AuditEntryView {
                id: r.id,
                at: r.at,
                actor: r.actor_label,
                action: r.action,
                subject: r.subject_user_id.and_then(|id| subjects.get(&id).cloned()),
                details: r.details,
            })
            .collect(),
        next,
    })
}
