//! Form drafts: when the server refuses a form sent without JavaScript, the
//! browser is sent back to an empty form. What the person typed is kept
//! here for an hour, so the form comes back filled in, and is taken (read
//! and deleted) when shown. Only the person who typed it can read it.

use std::collections::BTreeMap;

use chrono::Duration;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::entity::form_draft;
use crate::service::{Ctx, ServiceError};

/// How long a draft is kept.
const KEPT_FOR: Duration = Duration::hours(1);
/// Longest form key (`proposta-{process slug}`, `modifica-{id}`).
const MAX_FORM_KEY: usize = 120;
/// Largest draft kept, in bytes of JSON.
const MAX_BYTES: usize = 64 * 1024;

/// Keeps `fields` of `form` for the person (replacing an earlier draft of the same form).
pub async fn save(
    ctx: &Ctx,
    form: &str,
    fields: &BTreeMap<String, String>,
) -> Result<(), ServiceError> {
    authorize(ctx, Operation::SaveFormDraft, Scope::Global)?;
    let me = person(ctx)?.id;
    let data = serde_json::to_string(fields).unwrap_or_default();
    if data.len() > MAX_BYTES || form.len() > MAX_FORM_KEY {
        return Ok(());
    }
    form_draft::Entity::delete_many()
        .filter(
            form_draft::Column::UserId
                .eq(me)
                .and(form_draft::Column::Form.eq(form))
                .or(form_draft::Column::CreatedAt.lt(ctx.now - KEPT_FOR)),
        )
        .exec(&ctx.db)
        .await?;
    form_draft::Entity::insert(form_draft::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(me),
        form: Set(form.to_owned()),
        data: Set(data),
        created_at: Set(ctx.now),
    })
    .exec_without_returning(&ctx.db)
    .await?;
    Ok(())
}

/// The person's draft of `form`, if a recent one exists; it is deleted once read.
pub async fn take(ctx: &Ctx, form: &str) -> Result<Option<BTreeMap<String, String>>, ServiceError> {
    authorize(ctx, Operation::TakeFormDraft, Scope::Global)?;
    let Some(me) = ctx.actor.person().map(|p| p.id) else {
        return Ok(None);
    };
    let Some(draft) = form_draft::Entity::find()
        .filter(form_draft::Column::UserId.eq(me))
        .filter(form_draft::Column::Form.eq(form))
        .filter(form_draft::Column::CreatedAt.gte(ctx.now - KEPT_FOR))
        .order_by_desc(form_draft::Column::CreatedAt)
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    form_draft::Entity::delete_by_id(draft.id)
        .exec(&ctx.db)
        .await?;
    Ok(serde_json::from_str(&draft.data).ok())
}
