//! Open data: one process exported as CSV and JSON files anyone may reuse,
//! with the totals the database computes, DCAT-AP_IT metadata and a
//! SHA-256 manifest; and [`verify`], which checks such a folder without a
//! database: the manifest, the rows of each JSON file against its CSV, and
//! every total recomputed from the CSV files.
//!
//! Nothing personal leaves: no author ids, names or addresses. Comment
//! authors and supporters appear as pseudonyms, hashes over a random salt
//! drawn for each export and never written, so they are stable within one
//! export and cannot be linked across exports. Supporters get a different
//! pseudonym in each project and each DUP objective, enough to recount the
//! distinct supporters there and nothing more.
//!
//! Rows are read in pages of [`PAGE_ROWS`] by id (keyset), inside one
//! read-only transaction so every file shows the same moment, and written
//! through buffers that hash what passes: memory stays flat however big the
//! process.

mod dup;
mod summary;

use std::collections::HashMap;
use std::io::{self};
use std::path::Path;

use sea_orm::{
    AccessMode, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, IsolationLevel,
    QueryFilter, QueryOrder, QuerySelect, Select, TransactionTrait, Value,
};
use uuid::Uuid;

use crate::model::common::Visibility;
use crate::model::facilitation::TargetKind;
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::common::db::statement;
use crate::service::entity::{
    comment, moderation_entry, phase, platform, project, proposal, strategic_direction, zone,
};
use crate::service::open_data::datasets::PAGE_ROWS;
use crate::service::open_data::writers::{
    Cell, DatasetWriter, ExportError, ExportSummary, Pseudonyms,
};
use crate::service::processes::lookup;
use crate::service::{Ctx, ServiceError, processes::phases};

/// The next page of `select` after the row with id `after`.
pub(crate) async fn page_after<E, C>(
    db: &C,
    select: &Select<E>,
    id: E::Column,
    after: Option<Uuid>,
) -> Result<Vec<E::Model>, ServiceError>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let mut select = select.clone();
    if let Some(after) = after {
        select = select.filter(id.gt(after));
    }
    Ok(select.order_by_asc(id).limit(PAGE_ROWS).all(db).await?)
}

/// Runs a raw query page: `sql` holds `{after}` where the keyset
/// condition goes (given as SQL and values) before `ORDER BY`.
pub(crate) async fn raw_page<C: ConnectionTrait>(
    db: &C,
    sql: &str,
    values: &[Value],
    after: Option<(&str, Vec<Value>)>,
) -> Result<Vec<sea_orm::QueryResult>, ServiceError> {
    let (condition, after_values) = after.unwrap_or(("", Vec::new()));
    let sql = sql.replace("{after}", condition);
    let all: Vec<Value> = values.iter().cloned().chain(after_values).collect();
    Ok(db
        .query_all_raw(statement(db.get_database_backend(), &sql, all))
        .await?)
}

/// Whether the process's open data may be downloaded now: the process's id,
/// or why not (unknown process; a vote hiding support counts).
pub async fn available(ctx: &Ctx, process_slug: &str) -> Result<uuid::Uuid, ExportError> {
    authorize(ctx, Operation::CheckOpenData, Scope::Global)?;
    let process = lookup::find_by_slug(ctx, process_slug).await?;
    if phases::load(&ctx.db, process.id).await?.counts_hidden() {
        return Err(ExportError::SupportCountsHidden);
    }
    Ok(process.id)
}

/// Exports the process `process_slug` into `out_dir` (which must be empty
/// or not exist): every dataset of [`DATASETS`] as CSV and JSON,
/// [`TOTALS`], [`METADATA`] and [`MANIFEST`]. `progress` hears the dataset
/// name and the rows just written, once per [`PAGE_ROWS`] rows.
pub async fn export(
    ctx: &Ctx,
    process_slug: &str,
    out_dir: &Path,
    progress: &(dyn Fn(&str, u64) + Sync),
) -> Result<ExportSummary, ExportError> {
    authorize(ctx, Operation::ExportOpenData, Scope::Global)?;
    let process = lookup::find_by_slug(ctx, process_slug).await?;
    if phases::load(&ctx.db, process.id).await?.counts_hidden() {
        return Err(ExportError::SupportCountsHidden);
    }
    prepare_folder(out_dir)?;
    // One snapshot for every file: on PostgreSQL a repeatable-read
    // transaction; SQLite's deferred transaction reads one snapshot anyway.
    let txn = match ctx.db.get_database_backend() {
        DatabaseBackend::Postgres => {
            ctx.db
                .begin_with_config(
                    Some(IsolationLevel::RepeatableRead),
                    Some(AccessMode::ReadOnly),
                )
                .await
        }
        _ => ctx.db.begin().await,
    }
    .map_err(ServiceError::from)?;
    let mut exporter = Exporter {
        db: &txn,
        dir: out_dir,
        process,
        pseudonyms: Pseudonyms::new()?,
        progress,
        summary: ExportSummary::default(),
    };
    exporter.run(ctx).await?;
    let summary = exporter.summary;
    txn.commit().await.map_err(ServiceError::from)?;
    Ok(summary)
}

fn prepare_folder(dir: &Path) -> Result<(), ExportError> {
    if dir.exists() {
        if !dir.is_dir() || std::fs::read_dir(dir)?.next().is_some() {
            return Err(ExportError::FolderNotEmpty(dir.to_path_buf()));
        }
    } else {
        std::fs::create_dir_all(dir)?;
    }
    Ok(())
}

/// The state of one export.
struct Exporter<'a, C> {
    pub(crate) db: &'a C,
    pub(crate) dir: &'a Path,
    pub(crate) process: crate::service::entity::process::Model,
    pub(crate) pseudonyms: Pseudonyms,
    pub(crate) progress: &'a (dyn Fn(&str, u64) + Sync),
    pub(crate) summary: ExportSummary,
}

/// Names of a process's platforms, directions and zones by id.
struct Lookups {
    pub(crate) platforms: HashMap<Uuid, String>,
    pub(crate) directions: HashMap<Uuid, String>,
    pub(crate) zones: HashMap<Uuid, String>,
    pub(crate) zone_order: Vec<(Uuid, String)>,
}

impl<'a, C: ConnectionTrait> Exporter<'a, C> {
    fn dataset(&self, name: &'static str) -> io::Result<DatasetWriter<'a>> {
        DatasetWriter::create(self.dir, name, self.progress)
    }

    fn done(&mut self, writer: DatasetWriter<'a>) -> io::Result<()> {
        let name = writer.name;
        let (rows, files) = writer.finish()?;
        for file in files {
            self.summary.bytes += file.bytes;
            self.summary.files.push(file);
        }
        self.summary.rows.push((name.to_owned(), rows));
        Ok(())
    }

    fn visible_proposals(&self) -> Select<proposal::Entity> {
        proposal::Entity::find()
            .filter(proposal::Column::ProcessId.eq(self.process.id))
            .filter(proposal::Column::Visibility.eq(Visibility::Visible.as_str()))
    }

    fn visible_proposal_ids(&self) -> sea_orm::sea_query::SelectStatement {
        sea_orm::sea_query::Query::select()
            .column(proposal::Column::Id)
            .from(proposal::Entity)
            .and_where(proposal::Column::ProcessId.eq(self.process.id))
            .and_where(proposal::Column::Visibility.eq(Visibility::Visible.as_str()))
            .to_owned()
    }

    fn live_project_ids(&self) -> sea_orm::sea_query::SelectStatement {
        sea_orm::sea_query::Query::select()
            .column(project::Column::Id)
            .from(project::Entity)
            .and_where(project::Column::ProcessId.eq(self.process.id))
            .and_where(project::Column::DissolvedAt.is_null())
            .to_owned()
    }

    async fn run(&mut self, ctx: &Ctx) -> Result<(), ExportError> {
        let lookups = self.setting().await?;
        self.proposals(&lookups).await?;
        self.answers().await?;
        self.projects(&lookups).await?;
        self.comments().await?;
        self.supports_per_proposal(&lookups).await?;
        self.supports_per_zone(&lookups).await?;
        self.moderation().await?;
        let objectives = self.dup().await?;
        self.project_supporters().await?;
        self.objective_supporters().await?;
        self.totals(&lookups, &objectives).await?;
        self.metadata(ctx)?;
        self.manifest()?;
        Ok(())
    }

    /// The process, its phases, directions, platforms and zones.
    async fn setting(&mut self) -> Result<Lookups, ExportError> {
        let id = self.process.id;
        let phase_rows = phase::Entity::find()
            .filter(phase::Column::ProcessId.eq(id))
            .order_by_asc(phase::Column::Position)
            .all(self.db)
            .await
            .map_err(ServiceError::from)?;
        let p = &self.process;
        let mut writer = self.dataset("processo")?;
        writer.row(&[
            Cell::text(&p.slug),
            Cell::text(&p.title),
            Cell::text(&p.organization),
            Cell::text(&p.scope),
            Cell::text(&p.summary),
            Cell::text(&p.description_md),
            phase_rows
                .iter()
                .map(|f| f.starts_on)
                .min()
                .map_or(Cell::Null, Cell::date),
            phase_rows
                .iter()
                .map(|f| f.ends_on)
                .max()
                .map_or(Cell::Null, Cell::date),
            Cell::time(p.created_at),
            Cell::time(p.updated_at),
        ])?;
        self.done(writer)?;

        let mut writer = self.dataset("fasi")?;
        for f in &phase_rows {
            writer.row(&[
                Cell::Int(f.position.into()),
                Cell::text(&f.kind),
                Cell::text(&f.title),
                Cell::text(&f.description_md),
                Cell::date(f.starts_on),
                Cell::date(f.ends_on),
            ])?;
        }
        self.done(writer)?;

        let directions = strategic_direction::Entity::find()
            .filter(strategic_direction::Column::ProcessId.eq(id))
            .order_by_asc(strategic_direction::Column::Position)
            .all(self.db)
            .await
            .map_err(ServiceError::from)?;
        let mut writer = self.dataset("direzioni")?;
        for d in &directions {
            writer.row(&[
                Cell::text(&d.code),
                Cell::Int(d.position.into()),
                Cell::text(&d.title),
                Cell::text(&d.motto),
                Cell::text(&d.description_md),
            ])?;
        }
        self.done(writer)?;
        let directions: HashMap<Uuid, String> =
            directions.into_iter().map(|d| (d.id, d.code)).collect();

        let platforms = platform::Entity::find()
            .filter(platform::Column::ProcessId.eq(id))
            .order_by_asc(platform::Column::Position)
            .all(self.db)
            .await
            .map_err(ServiceError::from)?;
        let mut writer = self.dataset("piattaforme")?;
        for p in &platforms {
            writer.row(&[
                Cell::text(&p.slug),
                Cell::Int(p.position.into()),
                Cell::text(&p.title),
                Cell::text(&p.description_md),
                Cell::optional_text(p.direction_id.and_then(|d| directions.get(&d)).cloned()),
            ])?;
        }
        self.done(writer)?;

        let zones = zone::Entity::find()
            .filter(zone::Column::ProcessId.eq(id))
            .order_by_asc(zone::Column::Position)
            .all(self.db)
            .await
            .map_err(ServiceError::from)?;
        let mut writer = self.dataset("zone")?;
        for z in &zones {
            writer.row(&[
                Cell::text(&z.slug),
                Cell::Int(z.position.into()),
                Cell::text(&z.name),
                Cell::text(&z.description),
            ])?;
        }
        self.done(writer)?;
        Ok(Lookups {
            platforms: platforms.into_iter().map(|p| (p.id, p.slug)).collect(),
            directions,
            zones: zones.iter().map(|z| (z.id, z.slug.clone())).collect(),
            zone_order: zones.into_iter().map(|z| (z.id, z.slug)).collect(),
        })
    }

    async fn proposals(&mut self, lookups: &Lookups) -> Result<(), ExportError> {
        let select = self.visible_proposals();
        let mut writer = self.dataset("proposte")?;
        let mut after = None;
        loop {
            let page = page_after(self.db, &select, proposal::Column::Id, after).await?;
            for p in &page {
                writer.row(&[
                    Cell::id(p.id),
                    Cell::optional_text(lookups.platforms.get(&p.platform_id).cloned()),
                    Cell::optional_text(
                        p.direction_id
                            .and_then(|d| lookups.directions.get(&d))
                            .cloned(),
                    ),
                    Cell::optional_text(p.zone_id.and_then(|z| lookups.zones.get(&z)).cloned()),
                    Cell::text(&p.title),
                    Cell::text(&p.body_md),
                    Cell::text(&p.state),
                    Cell::Int(p.support_count.into()),
                    Cell::Int(p.comment_count.into()),
                    Cell::time(p.published_at),
                    Cell::optional_time(p.answered_at),
                    Cell::optional_id(p.project_id),
                ])?;
            }
            after = page.last().map(|p| p.id);
            if (page.len() as u64) < PAGE_ROWS {
                break;
            }
        }
        self.done(writer)?;
        Ok(())
    }

    async fn answers(&mut self) -> Result<(), ExportError> {
        let select = self
            .visible_proposals()
            .filter(proposal::Column::AnswerMd.is_not_null());
        let mut writer = self.dataset("risposte")?;
        let mut after = None;
        loop {
            let page = page_after(self.db, &select, proposal::Column::Id, after).await?;
            for p in &page {
                writer.row(&[
                    Cell::id(p.id),
                    Cell::text(&p.state),
                    Cell::optional_text(p.answer_md.clone()),
                    Cell::optional_time(p.answered_at),
                ])?;
            }
            after = page.last().map(|p| p.id);
            if (page.len() as u64) < PAGE_ROWS {
                break;
            }
        }
        self.done(writer)?;
        Ok(())
    }

    async fn projects(&mut self, lookups: &Lookups) -> Result<(), ExportError> {
        let select = project::Entity::find()
            .filter(project::Column::ProcessId.eq(self.process.id))
            .filter(project::Column::DissolvedAt.is_null());
        let mut writer = self.dataset("progetti")?;
        let mut after = None;
        loop {
            let page = page_after(self.db, &select, project::Column::Id, after).await?;
            for j in &page {
                writer.row(&[
                    Cell::id(j.id),
                    Cell::optional_text(lookups.platforms.get(&j.platform_id).cloned()),
                    Cell::text(&j.title),
                    Cell::text(&j.description_md),
                    Cell::text(&j.partners),
                    Cell::text(&j.agreement),
                    Cell::time(j.created_at),
                ])?;
            }
            after = page.last().map(|j| j.id);
            if (page.len() as u64) < PAGE_ROWS {
                break;
            }
        }
        self.done(writer)?;
        Ok(())
    }

    async fn comments(&mut self) -> Result<(), ExportError> {
        let select = comment::Entity::find()
            .filter(comment::Column::Visibility.eq(Visibility::Visible.as_str()))
            .filter(comment::Column::DeletedAt.is_null())
            .filter(comment::Column::ProposalId.in_subquery(self.visible_proposal_ids()));
        let mut writer = self.dataset("commenti")?;
        let mut after = None;
        loop {
            let page = page_after(self.db, &select, comment::Column::Id, after).await?;
            for c in &page {
                writer.row(&[
                    Cell::id(c.id),
                    Cell::id(c.proposal_id),
                    Cell::optional_id(c.parent_id),
                    Cell::Int(c.depth.into()),
                    Cell::text(&c.body_md),
                    Cell::text(&c.alignment),
                    Cell::time(c.created_at),
                    Cell::optional_text(c.author_id.map(|a| self.pseudonyms.author(a))),
                ])?;
            }
            after = page.last().map(|c| c.id);
            if (page.len() as u64) < PAGE_ROWS {
                break;
            }
        }
        self.done(writer)?;
        Ok(())
    }

    /// The supports of each visible proposal, counted on the support rows:
    /// `(proposal id, zone id, supports)` a page at a time.
    async fn support_counts_page(
        &self,
        after: Option<Uuid>,
    ) -> Result<Vec<(Uuid, Option<Uuid>, i64)>, ServiceError> {
        let rows = raw_page(
            self.db,
            &format!(
                "SELECT p.id, p.zone_id, COUNT(s.id) FROM proposals p \
             LEFT JOIN supports s ON s.proposal_id = p.id \
             WHERE p.process_id = ? AND p.visibility = 'visibile'{{after}} \
             GROUP BY p.id, p.zone_id ORDER BY p.id LIMIT {PAGE_ROWS}"
            ),
            &[self.process.id.into()],
            after.map(|a| (" AND p.id > ?", vec![Value::from(a)])),
        )
        .await?;
        rows.into_iter()
            .map(|row| -> Result<_, ServiceError> {
                Ok((
                    row.try_get_by_index(0)?,
                    row.try_get_by_index(1)?,
                    row.try_get_by_index(2)?,
                ))
            })
            .collect()
    }

    async fn supports_per_proposal(&mut self, lookups: &Lookups) -> Result<(), ExportError> {
        let mut writer = self.dataset("sostegni_per_proposta")?;
        let mut after = None;
        loop {
            let page = self.support_counts_page(after).await?;
            for (id, zone_id, supports) in &page {
                writer.row(&[
                    Cell::id(*id),
                    Cell::optional_text(zone_id.and_then(|z| lookups.zones.get(&z)).cloned()),
                    Cell::Int(*supports),
                ])?;
            }
            after = page.last().map(|r| r.0);
            if (page.len() as u64) < PAGE_ROWS {
                break;
            }
        }
        self.done(writer)?;
        Ok(())
    }

    /// Visible proposals and their supports per zone slug ("" for none), in
    /// the process's zone order.
    async fn zone_totals(
        &self,
        lookups: &Lookups,
    ) -> Result<Vec<(String, i64, i64)>, ServiceError> {
        let rows = raw_page(
            self.db,
            "SELECT p.zone_id, COUNT(DISTINCT p.id), COUNT(s.id) FROM proposals p \
             LEFT JOIN supports s ON s.proposal_id = p.id \
             WHERE p.process_id = ? AND p.visibility = 'visibile'{after} GROUP BY p.zone_id",
            &[self.process.id.into()],
            None,
        )
        .await?;
        let mut by_zone: HashMap<Option<Uuid>, (i64, i64)> = HashMap::new();
        for row in rows {
            by_zone.insert(
                row.try_get_by_index(0)?,
                (row.try_get_by_index(1)?, row.try_get_by_index(2)?),
            );
        }
        let mut totals: Vec<(String, i64, i64)> = lookups
            .zone_order
            .iter()
            .map(|(id, slug)| {
                let (proposals, supports) = by_zone.get(&Some(*id)).copied().unwrap_or((0, 0));
                (slug.clone(), proposals, supports)
            })
            .collect();
        if let Some((proposals, supports)) = by_zone.get(&None) {
            totals.push((String::new(), *proposals, *supports));
        }
        Ok(totals)
    }

    async fn supports_per_zone(&mut self, lookups: &Lookups) -> Result<(), ExportError> {
        let totals = self.zone_totals(lookups).await?;
        let mut writer = self.dataset("sostegni_per_zona")?;
        for (slug, proposals, supports) in totals {
            writer.row(&[Cell::Text(slug), Cell::Int(proposals), Cell::Int(supports)])?;
        }
        self.done(writer)?;
        Ok(())
    }

    /// The public moderation log: people blocked or unblocked are neither
    /// named nor identified.
    async fn moderation(&mut self) -> Result<(), ExportError> {
        let select = moderation_entry::Entity::find()
            .filter(moderation_entry::Column::ProcessId.eq(self.process.id));
        let mut writer = self.dataset("moderazione")?;
        let mut after = None;
        loop {
            let page = page_after(self.db, &select, moderation_entry::Column::Id, after).await?;
            for m in &page {
                let about_a_person = m.target_kind == TargetKind::Person.as_str();
                writer.row(&[
                    Cell::id(m.id),
                    Cell::text(&m.action),
                    Cell::text(&m.target_kind),
                    if about_a_person {
                        Cell::Null
                    } else {
                        Cell::optional_id(m.target_id)
                    },
                    if about_a_person {
                        Cell::Null
                    } else {
                        Cell::text(&m.target_label)
                    },
                    Cell::text(&m.reason),
                    Cell::time(m.created_at),
                ])?;
            }
            after = page.last().map(|m| m.id);
            if (page.len() as u64) < PAGE_ROWS {
                break;
            }
        }
        self.done(writer)?;
        Ok(())
    }
}
