//! A platform's page: its description, figures, zones and most supported
//! proposals.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::model::common::NamedRef;
use crate::model::participation::listing::ProposalQuery;
use crate::model::{PlatformDetail, ProposalFilter, ProposalSort};
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::entity::{platform, proposal, strategic_direction};
use crate::service::participation::proposals;
use crate::service::processes::lookup::{direction_ref, find_by_slug, zones_of};
use crate::service::processes::read::{count_by, platform_dto, stats, zone_dto};
use crate::service::{Ctx, ServiceError};

/// A platform of a process, with its figures and its most supported proposals.
pub async fn platform_detail(
    ctx: &Ctx,
    process_slug: &str,
    platform_slug: &str,
) -> Result<PlatformDetail, ServiceError> {
    authorize(ctx, Operation::ViewPlatform, Scope::Global)?;
    let process = find_by_slug(ctx, process_slug).await?;
    if platform_slug.contains('\0') {
        return Err(ServiceError::NotFound("platform"));
    }
    let platform = platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(process.id))
        .filter(platform::Column::Slug.eq(platform_slug))
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("platform"))?;
    let direction = match platform.direction_id {
        Some(id) => {
            strategic_direction::Entity::find_by_id(id)
                .one(&ctx.db)
                .await?
        }
        None => None,
    };
    let direction_refs: HashMap<Uuid, NamedRef> =
        direction.iter().map(|d| (d.id, direction_ref(d))).collect();
    let in_platform = proposal::Column::PlatformId.eq(platform.id);
    let by_zone = count_by(ctx, proposal::Column::ZoneId, in_platform).await?;
    let zones = zones_of(ctx, process.id).await?;
    let stats = stats(ctx, process.id, Some(platform.id)).await?;
    let query = ProposalQuery {
        filter: ProposalFilter {
            platform: Some(platform.slug.clone()),
            ..ProposalFilter::default()
        },
        sort: ProposalSort::MostSupported,
        after: None,
        limit: 6,
    };
    let top_proposals = proposals::list_in(ctx, &process, &query).await?;
    let mut counts = HashMap::new();
    counts.insert(platform.id, stats.proposals);
    Ok(PlatformDetail {
        process: NamedRef {
            key: process.slug,
            name: process.title,
        },
        platform: platform_dto(platform, &counts, &direction_refs),
        stats,
        zones: zones
            .into_iter()
            .map(|z| zone_dto(z, &by_zone))
            .filter(|z| z.proposal_count > 0)
            .collect(),
        top_proposals,
    })
}
