//! Work an upgraded instance needs once, at start, that SQL alone cannot do:
//! the search terms of proposals written before search existed (the
//! stemmer runs here), the stored phase of processes that had none, and the
//! keyed digest of census codes loaded before keying.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::entity::{process, proposal};
use crate::service::{Ctx, ServiceError, common::search, processes::phases};

/// Rows at a time.
const BATCH: u64 = 500;

/// What [`backfill`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BackfillReport {
    pub proposals_indexed: u64,
    pub processes_placed: u64,
    pub census_codes_keyed: u64,
}

/// Indexes proposals that have no search terms, and sets the stored phase
/// of processes never moved (from their dates, without notifying anyone).
/// Safe to run at every start: it finds nothing the second time.
pub async fn backfill(ctx: &Ctx) -> Result<BackfillReport, ServiceError> {
    authorize(ctx, Operation::Backfill, Scope::Global)?;
    let mut report = BackfillReport::default();
    loop {
        let rows: Vec<(Uuid, String, String)> = proposal::Entity::find()
            .select_only()
            .column(proposal::Column::Id)
            .column(proposal::Column::Title)
            .column(proposal::Column::BodyMd)
            .filter(proposal::Column::SearchTerms.eq(""))
            .limit(BATCH)
            .into_tuple()
            .all(&ctx.db)
            .await?;
        if rows.is_empty() {
            break;
        }
        for (id, title, body) in rows {
            search::index_proposal(&ctx.db, id, &title, &body).await?;
            report.proposals_indexed += 1;
        }
    }
    let unplaced: Vec<Uuid> = process::Entity::find()
        .select_only()
        .column(process::Column::Id)
        .filter(process::Column::PhaseChangedAt.is_null())
        .filter(process::Column::PhaseCursor.eq(0))
        .filter(process::Column::PhaseOpen.eq(false))
        .into_tuple()
        .all(&ctx.db)
        .await?;
    for id in unplaced {
        phases::initialize(&ctx.db, ctx, id).await?;
        report.processes_placed += 1;
    }
    report.census_codes_keyed = crate::service::accounts::residence::key_legacy_codes(ctx).await?;
    Ok(report)
}
