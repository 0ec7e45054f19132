//! Moderators' redaction of a saved plan version. A version is a snapshot
//! kept whole; but a proposal hidden later (personal data, say) must not
//! live on in it forever. A redaction rewrites one entry of the stored
//! version, in every format at once (page, PDF, ODT, HTML, Markdown, API):
//! its title, text, answer and merged titles give way to a note saying when
//! and why; the figures, zones, objectives and every other entry stay
//! exactly as saved, and the version says how many entries were omitted.
//! The redaction keeps the SHA-256 of the entry as saved, so whoever holds
//! the original can check that nothing else changed; the approval, which
//! names the version, stands.

use std::collections::HashSet;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::model::common::{FieldProblem, Visibility};
use crate::model::plan::{
    PlanDocument, PlanEntry, PlanRedaction, RedactableEntry, RedactionReason,
};
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::common::db::begin_write;
use crate::service::entity::{plan_version, proposal};
use crate::service::plan::render::{date_it, md_inline};
use crate::service::processes::lookup;
use crate::service::{Ctx, ServiceError, common::audit, common::secrets};

/// The title an omitted entry keeps.
pub const OMITTED_TITLE: &str = "Voce omessa dai moderatori";

/// Omits entry `entry_id` (a proposal or project) from version `number` of
/// the plan, for `reason`, shown to every reader.
pub async fn redact(
    ctx: &Ctx,
    process_slug: &str,
    number: i32,
    entry_id: Uuid,
    reason: &str,
) -> Result<(), ServiceError> {
    let process = lookup::find_by_slug(ctx, process_slug).await?;
    authorize(
        ctx,
        Operation::RedactPlanVersion,
        Scope::Process(process.id),
    )?;
    let reason = RedactionReason::parse(reason).map_err(|p| ServiceError::field("motivo", p))?;
    let txn = begin_write(&ctx.db).await?;
    let row = plan_version::Entity::find()
        .filter(plan_version::Column::ProcessId.eq(process.id))
        .filter(plan_version::Column::Number.eq(number))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("plan version"))?;
    let mut document: PlanDocument = serde_json::from_str(&row.document_json)
        .map_err(|e| broken(format!("plan version {number}: {e}")))?;
    if document.redactions.iter().any(|r| r.entry_id == entry_id) {
        return Err(ServiceError::field("voce", FieldProblem::AlreadyPresent));
    }
    let entry = document
        .sections
        .iter_mut()
        .flat_map(|s| s.platforms.iter_mut())
        .flat_map(|p| p.entries.iter_mut())
        .find(|e| e.id == entry_id)
        .ok_or_else(|| ServiceError::field("voce", FieldProblem::NotRecognized))?;
    let original = serde_json::to_string(&*entry)
        .map_err(|e| broken(format!("plan entry {entry_id}: {e}")))?;
    entry.title = OMITTED_TITLE.to_owned();
    entry.description_md = format!(
        "*Testo omesso dai moderatori il {}: {}.*",
        date_it(ctx.today()),
        md_inline(reason.as_str().trim_end_matches('.'))
    );
    entry.answer_md = None;
    entry.originals.clear();
    document.redactions.push(PlanRedaction {
        entry_id,
        redacted_at: ctx.now,
        reason: reason.as_str().to_owned(),
        original_sha256: secrets::sha256_hex(&original),
    });
    let json = serde_json::to_string(&document)
        .map_err(|e| broken(format!("plan version {number}: {e}")))?;
    plan_version::Entity::update_many()
        .col_expr(plan_version::Column::DocumentJson, Expr::value(json))
        .filter(plan_version::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        ctx,
        "piano.omissione",
        None,
        format!(
            "{}: versione {number}, voce {entry_id} omessa ({})",
            process.slug,
            reason.as_str()
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The entries of `document` not omitted yet, those whose proposal is now
/// out of sight first (one query).
pub(crate) async fn redactable(
    db: &impl ConnectionTrait,
    document: &PlanDocument,
) -> Result<Vec<RedactableEntry>, ServiceError> {
    let open: Vec<&PlanEntry> = document
        .entries()
        .filter(|e| !document.redactions.iter().any(|r| r.entry_id == e.id))
        .collect();
    let hidden: HashSet<Uuid> = if open.is_empty() {
        HashSet::new()
    } else {
        proposal::Entity::find()
            .select_only()
            .column(proposal::Column::Id)
            .filter(proposal::Column::Id.is_in(open.iter().map(|e| e.id)))
            .filter(proposal::Column::Visibility.ne(Visibility::Visible.as_str()))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let mut entries: Vec<RedactableEntry> = open
        .into_iter()
        .map(|e| RedactableEntry {
            id: e.id,
            title: e.title.clone(),
            now_out_of_sight: hidden.contains(&e.id),
        })
        .collect();
    entries.sort_by_key(|e| !e.now_out_of_sight);
    Ok(entries)
}

/// A failure that is not the user's: logged, answered without details
/// (its own copy: `versions` already uses this module).
fn broken(what: String) -> ServiceError {
    tracing::error!("{what}");
    ServiceError::Database(sea_orm::DbErr::Custom(what))
}
