//! The DUP side of an export: objectives and their links, and the distinct
//! supporters of each project and objective.

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Value};
use uuid::Uuid;

use super::{Exporter, page_after, raw_page};
use crate::model::common::Visibility;
use crate::service::entity::{dup_link, dup_objective};
use crate::service::open_data::datasets::PAGE_ROWS;
use crate::service::open_data::writers::{Cell, ExportError};
use crate::service::{ServiceError, dup::links};

impl<C: ConnectionTrait> Exporter<'_, C> {
    /// The objectives of the process's DUP edition and the links to them;
    /// returns the objectives' ids.
    pub(super) async fn dup(&mut self) -> Result<Vec<Uuid>, ExportError> {
        let mut objective_ids = Vec::new();
        let mut writer = self.dataset("obiettivi_dup")?;
        if let Some(edition) = self.process.dup_edition_id {
            let select =
                dup_objective::Entity::find().filter(dup_objective::Column::EditionId.eq(edition));
            let mut after = None;
            loop {
                let page = page_after(self.db, &select, dup_objective::Column::Id, after).await?;
                for o in &page {
                    objective_ids.push(o.id);
                    writer.row(&[
                        Cell::id(o.id),
                        Cell::text(&o.level),
                        Cell::text(&o.code),
                        Cell::text(&o.mission_code),
                        Cell::optional_id(o.parent_id),
                        Cell::text(&o.title),
                        Cell::text(&o.description_md),
                        Cell::text(&o.office),
                    ])?;
                }
                after = page.last().map(|o| o.id);
                if (page.len() as u64) < PAGE_ROWS {
                    break;
                }
            }
        }
        self.done(writer)?;

        let mut writer = self.dataset("collegamenti_dup")?;
        if let Some(edition) = self.process.dup_edition_id {
            let of_edition = sea_orm::sea_query::Query::select()
                .column(dup_objective::Column::Id)
                .from(dup_objective::Entity)
                .and_where(dup_objective::Column::EditionId.eq(edition))
                .to_owned();
            let select = dup_link::Entity::find()
                .filter(dup_link::Column::ObjectiveId.in_subquery(of_edition))
                .filter(
                    Condition::any()
                        .add(dup_link::Column::ProposalId.in_subquery(self.visible_proposal_ids()))
                        .add(dup_link::Column::ProjectId.in_subquery(self.live_project_ids())),
                );
            let mut after = None;
            loop {
                let page = page_after(self.db, &select, dup_link::Column::Id, after).await?;
                for l in &page {
                    writer.row(&[
                        Cell::id(l.id),
                        Cell::id(l.objective_id),
                        Cell::optional_id(l.proposal_id),
                        Cell::optional_id(l.project_id),
                        Cell::text(&l.rationale),
                        l.weight.map_or(Cell::Null, |w| Cell::Int(w.into())),
                        Cell::time(l.created_at),
                    ])?;
                }
                after = page.last().map(|l| l.id);
                if (page.len() as u64) < PAGE_ROWS {
                    break;
                }
            }
        }
        self.done(writer)?;
        Ok(objective_ids)
    }

    /// One row per support given to an original of a live project, as
    /// [`projects::distinct_supporters`] counts them.
    pub(super) async fn project_supporters(&mut self) -> Result<(), ExportError> {
        let mut writer = self.dataset("sostenitori_per_progetto")?;
        let mut after: Option<Uuid> = None;
        loop {
            let rows = raw_page(
                self.db,
                &format!(
                    "SELECT s.id, p.project_id, s.user_id, s.proposal_id, p.visibility \
                 FROM supports s JOIN proposals p ON p.id = s.proposal_id \
                 JOIN projects j ON j.id = p.project_id \
                 WHERE j.process_id = ? AND j.dissolved_at IS NULL{{after}} \
                 ORDER BY s.id LIMIT {PAGE_ROWS}"
                ),
                &[self.process.id.into()],
                after.map(|a| (" AND s.id > ?", vec![Value::from(a)])),
            )
            .await?;
            let count = rows.len() as u64;
            for row in rows {
                let support: Uuid = row.try_get_by_index(0).map_err(ServiceError::from)?;
                let project: Uuid = row.try_get_by_index(1).map_err(ServiceError::from)?;
                let user: Option<Uuid> = row.try_get_by_index(2).map_err(ServiceError::from)?;
                let proposal: Uuid = row.try_get_by_index(3).map_err(ServiceError::from)?;
                let visibility: String = row.try_get_by_index(4).map_err(ServiceError::from)?;
                writer.row(&[
                    Cell::id(project),
                    Cell::Text(
                        self.pseudonyms
                            .supporter("progetto", project, user, support),
                    ),
                    if visibility == Visibility::Visible.as_str() {
                        Cell::id(proposal)
                    } else {
                        Cell::Null
                    },
                ])?;
                after = Some(support);
            }
            if count < PAGE_ROWS {
                break;
            }
        }
        self.done(writer)?;
        Ok(())
    }

    /// The supports behind each objective's links, as the coverage counts
    /// them (see [`links::linked_supports_sql`]).
    pub(super) async fn objective_supporters(&mut self) -> Result<(), ExportError> {
        let mut writer = self.dataset("sostenitori_per_obiettivo")?;
        if let Some(edition) = self.process.dup_edition_id {
            let supports = links::linked_supports_sql(
                links::PROCESS_PROPOSAL_FILTER,
                links::PROCESS_PROJECT_FILTER,
                links::ORIGINAL_FILTER,
            );
            let sql = format!(
                "SELECT DISTINCT x.support_id, x.objective_id, x.user_id, x.proposal_id \
                 FROM ({supports}) x WHERE x.objective_id IN \
                 (SELECT id FROM dup_objectives WHERE edition_id = ?){{after}} \
                 ORDER BY x.support_id, x.objective_id LIMIT {PAGE_ROWS}"
            );
            let values: Vec<Value> = vec![
                self.process.id.into(),
                self.process.id.into(),
                edition.into(),
            ];
            let mut after: Option<(Uuid, Uuid)> = None;
            loop {
                let rows = raw_page(
                    self.db,
                    &sql,
                    &values,
                    after.map(|(support, objective)| {
                        (
                            " AND (x.support_id > ? OR (x.support_id = ? AND x.objective_id > ?))",
                            vec![support.into(), support.into(), objective.into()],
                        )
                    }),
                )
                .await?;
                let count = rows.len() as u64;
                for row in rows {
                    let support: Uuid = row.try_get_by_index(0).map_err(ServiceError::from)?;
                    let objective: Uuid = row.try_get_by_index(1).map_err(ServiceError::from)?;
                    let user: Option<Uuid> = row.try_get_by_index(2).map_err(ServiceError::from)?;
                    let proposal: Uuid = row.try_get_by_index(3).map_err(ServiceError::from)?;
                    writer.row(&[
                        Cell::id(objective),
                        Cell::Text(self.pseudonyms.supporter(
                            "obiettivo",
                            objective,
                            user,
                            support,
                        )),
                        Cell::id(proposal),
                    ])?;
                    after = Some((support, objective));
                }
                if count < PAGE_ROWS {
                    break;
                }
            }
        }
        self.done(writer)?;
        Ok(())
    }
}
