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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sea_orm::{
    AccessMode, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait,
    IsolationLevel, QueryFilter, QueryOrder, QuerySelect, Select, TransactionTrait, Value,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::model::common::Visibility;
use crate::model::facilitation::TargetKind;
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::common::db::statement;
use crate::service::entity::{
    comment, dup_link, dup_objective, moderation_entry, phase, platform, project, proposal,
    strategic_direction, zone,
};
use crate::service::processes::lookup;
use crate::service::{Ctx, ServiceError, dup::links, facilitation::projects, processes::phases};

/// Rows read from the database at a time (and one progress tick).
pub const PAGE_ROWS: u64 = 2000;

/// The licence of every export.
pub const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";

/// The file listing every other file's SHA-256.
pub const MANIFEST: &str = "MANIFEST.sha256";
/// The totals the database computed, to compare with the files.
pub const TOTALS: &str = "totali.json";
/// The DCAT-AP_IT description of the export.
pub const METADATA: &str = "metadati.json";

/// Every dataset, each written as `NAME.csv` and `NAME.json`, with what it
/// holds (for the metadata) and its columns.
pub const DATASETS: [(&str, &str, &[&str]); 16] = [
    (
        "processo",
        "Il processo partecipativo: titolo, ente, ambito, sintesi e date.",
        &[
            "slug",
            "title",
            "organization",
            "scope",
            "summary",
            "description_md",
            "starts_on",
            "ends_on",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "fasi",
        "Le fasi del processo, in ordine, con le loro date.",
        &[
            "position",
            "kind",
            "title",
            "description_md",
            "starts_on",
            "ends_on",
        ],
    ),
    (
        "direzioni",
        "Le direzioni strategiche del processo.",
        &["code", "position", "title", "motto", "description_md"],
    ),
    (
        "piattaforme",
        "Le piattaforme (tavoli tematici) del processo.",
        &["slug", "position", "title", "description_md", "direction"],
    ),
    (
        "zone",
        "Le zone del territorio a cui le proposte si riferiscono.",
        &["slug", "position", "name", "description"],
    ),
    (
        "proposte",
        "Le proposte visibili, con stato, sostegni e commenti (senza autore).",
        &[
            "id",
            "platform",
            "direction",
            "zone",
            "title",
            "body_md",
            "state",
            "support_count",
            "comment_count",
            "published_at",
            "answered_at",
            "project_id",
        ],
    ),
    (
        "risposte",
        "Le risposte ufficiali alle proposte.",
        &["proposal_id", "state", "answer_md", "answered_at"],
    ),
    (
        "progetti",
        "I progetti (cantieri) che uniscono più proposte, con partner e accordo.",
        &[
            "id",
            "platform",
            "title",
            "description_md",
            "partners",
            "agreement",
            "created_at",
        ],
    ),
    (
        "commenti",
        "I commenti visibili; l'autore è uno pseudonimo valido solo in questo export.",
        &[
            "id",
            "proposal_id",
            "parent_id",
            "depth",
            "body_md",
            "alignment",
            "created_at",
            "autore",
        ],
    ),
    (
        "sostegni_per_proposta",
        "I sostegni di ogni proposta visibile, contati sui sostegni registrati.",
        &["proposal_id", "zone", "supports"],
    ),
    (
        "sostegni_per_zona",
        "Proposte visibili e sostegni per zona (zona vuota: proposte senza zona).",
        &["zone", "proposals", "supports"],
    ),
    (
        "moderazione",
        "Il registro pubblico della moderazione, senza dati personali.",
        &[
            "id",
            "action",
            "target_kind",
            "target_id",
            "target_label",
            "reason",
            "created_at",
        ],
    ),
    (
        "obiettivi_dup",
        "Gli obiettivi del DUP a cui il processo si collega.",
        &[
            "id",
            "level",
            "code",
            "mission_code",
            "parent_id",
            "title",
            "description_md",
            "office",
        ],
    ),
    (
        "collegamenti_dup",
        "I collegamenti di proposte e progetti agli obiettivi del DUP.",
        &[
            "id",
            "objective_id",
            "proposal_id",
            "project_id",
            "rationale",
            "weight",
            "created_at",
        ],
    ),
    (
        "sostenitori_per_progetto",
        "Un rigo per sostegno alle proposte di un progetto; lo pseudonimo del \
         sostenitore vale solo per quel progetto (proposta vuota: non visibile).",
        &["project_id", "sostenitore", "proposal_id"],
    ),
    (
        "sostenitori_per_obiettivo",
        "Un rigo per sostegno dietro un obiettivo del DUP; lo pseudonimo del \
         sostenitore vale solo per quell'obiettivo.",
        &["objective_id", "sostenitore", "proposal_id"],
    ),
];

/// The columns of a dataset.
fn columns_of(name: &str) -> &'static [&'static str] {
    DATASETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, c)| *c)
        .unwrap_or(&[])
}

/// Why an export did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The service refused or the database failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// Writing a file failed.
    #[error("cannot write the export: {0}")]
    Io(#[from] io::Error),
    /// The output folder already holds something.
    #[error("{0} is not empty: export into a new or empty folder")]
    FolderNotEmpty(PathBuf),
    /// A voting phase hides the support counts now: they cannot be published.
    #[error("the current voting phase hides support counts: export after it ends")]
    SupportCountsHidden,
    /// The operating system's random source failed (no salt, no pseudonyms).
    #[error("the random source is unavailable")]
    NoRandomness,
}

/// One file written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedFile {
    pub name: String,
    pub bytes: u64,
    /// SHA-256, lowercase hexadecimal.
    pub sha256: String,
}

/// What an export wrote.
#[derive(Clone, Debug, Default)]
pub struct ExportSummary {
    /// Every file, the manifest last.
    pub files: Vec<ExportedFile>,
    /// Rows of each dataset, in [`DATASETS`] order.
    pub rows: Vec<(String, u64)>,
    /// Bytes of all files.
    pub bytes: u64,
}

/// A value in a row: text, a whole number or nothing.
enum Cell {
    Text(String),
    Int(i64),
    Null,
}

impl Cell {
    fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }

    fn optional_text(value: Option<impl Into<String>>) -> Self {
        value.map_or(Cell::Null, |v| Cell::Text(v.into()))
    }

    fn id(value: Uuid) -> Self {
        Cell::Text(value.to_string())
    }

    fn optional_id(value: Option<Uuid>) -> Self {
        value.map_or(Cell::Null, Cell::id)
    }

    fn time(value: DateTime<Utc>) -> Self {
        Cell::Text(timestamp(value))
    }

    fn optional_time(value: Option<DateTime<Utc>>) -> Self {
        value.map_or(Cell::Null, Cell::time)
    }

    fn date(value: NaiveDate) -> Self {
        Cell::Text(value.to_string())
    }

    fn csv_text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Null => String::new(),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Text(text) => serde_json::Value::String(text.clone()),
            Cell::Int(n) => serde_json::Value::from(*n),
            Cell::Null => serde_json::Value::Null,
        }
    }
}

fn timestamp(value: DateTime<Utc>) -> String {
    value.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A writer that hashes and counts what passes through it.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// Flushes and returns the byte count and the SHA-256 in hexadecimal.
    fn finish(mut self) -> io::Result<(u64, String)> {
        self.inner.flush()?;
        Ok((self.bytes, hex(&self.hasher.finalize())))
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

type FileWriter = HashingWriter<BufWriter<File>>;

fn create_file(dir: &Path, name: &str) -> io::Result<FileWriter> {
    Ok(HashingWriter::new(BufWriter::new(File::create(
        dir.join(name),
    )?)))
}

/// One dataset being written as CSV and JSON at once, row by row.
struct DatasetWriter<'a> {
    name: &'static str,
    columns: &'static [&'static str],
    csv: csv::Writer<FileWriter>,
    json: FileWriter,
    rows: u64,
    progress: &'a (dyn Fn(&str, u64) + Sync),
    unreported: u64,
}

impl<'a> DatasetWriter<'a> {
    fn create(
        dir: &Path,
        name: &'static str,
        progress: &'a (dyn Fn(&str, u64) + Sync),
    ) -> io::Result<Self> {
        let columns = columns_of(name);
        // RFC 4180: CRLF line ends, fields quoted when they need it.
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(create_file(dir, &format!("{name}.csv"))?);
        csv.write_record(columns)?;
        let mut json = create_file(dir, &format!("{name}.json"))?;
        json.write_all(b"[")?;
        Ok(Self {
            name,
            columns,
            csv,
            json,
            rows: 0,
            progress,
            unreported: 0,
        })
    }

    fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        debug_assert_eq!(cells.len(), self.columns.len(), "{}", self.name);
        self.csv.write_record(cells.iter().map(Cell::csv_text))?;
        // One object per row, its keys in the columns' order.
        let separator: &[u8] = if self.rows == 0 { b"\n{" } else { b",\n{" };
        self.json.write_all(separator)?;
        for (i, (column, cell)) in self.columns.iter().zip(cells).enumerate() {
            if i > 0 {
                self.json.write_all(b",")?;
            }
            serde_json::to_writer(&mut self.json, column)?;
            self.json.write_all(b":")?;
            serde_json::to_writer(&mut self.json, &cell.json())?;
        }
        self.json.write_all(b"}")?;
        self.rows += 1;
        self.unreported += 1;
        if self.unreported == PAGE_ROWS {
            (self.progress)(self.name, self.unreported);
            self.unreported = 0;
        }
        Ok(())
    }

    /// Closes both files, returning them as written.
    fn finish(mut self) -> io::Result<(u64, [ExportedFile; 2])> {
        if self.unreported > 0 {
            (self.progress)(self.name, self.unreported);
        }
        self.json.write_all(b"\n]\n")?;
        let csv = self
            .csv
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        let (csv_bytes, csv_sha) = csv.finish()?;
        let (json_bytes, json_sha) = self.json.finish()?;
        Ok((
            self.rows,
            [
                ExportedFile {
                    name: format!("{}.csv", self.name),
                    bytes: csv_bytes,
                    sha256: csv_sha,
                },
                ExportedFile {
                    name: format!("{}.json", self.name),
                    bytes: json_bytes,
                    sha256: json_sha,
                },
            ],
        ))
    }
}

/// Pseudonyms keyed by a salt drawn for one export and never written.
struct Pseudonyms {
    salt: [u8; 32],
}

impl Pseudonyms {
    fn new() -> Result<Self, ExportError> {
        let mut salt = [0u8; 32];
        getrandom::fill(&mut salt).map_err(|_| ExportError::NoRandomness)?;
        Ok(Self { salt })
    }

    fn short(hasher: Sha256) -> String {
        hex(&hasher.finalize()[..8])
    }

    /// A comment author: the same person, the same pseudonym in this export.
    fn author(&self, user: Uuid) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.salt);
        hasher.update(user.as_bytes());
        Self::short(hasher)
    }

    /// A supporter within one project or objective (`scope` says which
    /// kind); a support whose account was deleted gets its own pseudonym.
    fn supporter(&self, scope: &str, scope_id: Uuid, user: Option<Uuid>, support: Uuid) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.salt);
        hasher.update(scope.as_bytes());
        hasher.update(scope_id.as_bytes());
        match user {
            Some(user) => hasher.update(user.as_bytes()),
            None => {
                hasher.update(b"sostegno");
                hasher.update(support.as_bytes());
            }
        }
        Self::short(hasher)
    }
}

/// The next page of `select` after the row with id `after`.
async fn page_after<E, C>(
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
async fn raw_page<C: ConnectionTrait>(
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
    db: &'a C,
    dir: &'a Path,
    process: crate::service::entity::process::Model,
    pseudonyms: Pseudonyms,
    progress: &'a (dyn Fn(&str, u64) + Sync),
    summary: ExportSummary,
}

/// Names of a process's platforms, directions and zones by id.
struct Lookups {
    platforms: HashMap<Uuid, String>,
    directions: HashMap<Uuid, String>,
    zones: HashMap<Uuid, String>,
    zone_order: Vec<(Uuid, String)>,
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

    /// The objectives of the process's DUP edition and the links to them;
    /// returns the objectives' ids.
    async fn dup(&mut self) -> Result<Vec<Uuid>, ExportError> {
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
    async fn project_supporters(&mut self) -> Result<(), ExportError> {
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
    async fn objective_supporters(&mut self) -> Result<(), ExportError> {
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

    /// `totali.json`: what the database counts, written as it is read.
    async fn totals(&mut self, lookups: &Lookups, objectives: &[Uuid]) -> Result<(), ExportError> {
        let mut out = create_file(self.dir, TOTALS)?;
        write!(out, "{{\n\"processo\": ")?;
        serde_json::to_writer(&mut out, &self.process.slug).map_err(io::Error::from)?;
        write!(out, ",\n\"sostegni_per_proposta\": {{")?;
        let mut all_supports: i64 = 0;
        let mut first = true;
        let mut after = None;
        loop {
            let page = self.support_counts_page(after).await?;
            for (id, _, supports) in &page {
                write!(
                    out,
                    "{}\n\"{id}\": {supports}",
                    if first { "" } else { "," }
                )?;
                first = false;
                all_supports += supports;
            }
            after = page.last().map(|r| r.0);
            if (page.len() as u64) < PAGE_ROWS {
                break;
            }
        }
        write!(out, "\n}},\n\"sostegni_totali\": {all_supports}")?;

        write!(out, ",\n\"sostegni_per_zona\": {{")?;
        for (i, (slug, proposals, supports)) in
            self.zone_totals(lookups).await?.into_iter().enumerate()
        {
            writeln!(out, "{}", if i == 0 { "" } else { "," })?;
            serde_json::to_writer(&mut out, &slug).map_err(io::Error::from)?;
            write!(
                out,
                ": {{\"proposte\": {proposals}, \"sostegni\": {supports}}}"
            )?;
        }

        write!(out, "\n}},\n\"sostenitori_per_progetto\": {{")?;
        let live: Vec<Uuid> = project::Entity::find()
            .select_only()
            .column(project::Column::Id)
            .filter(project::Column::ProcessId.eq(self.process.id))
            .filter(project::Column::DissolvedAt.is_null())
            .order_by_asc(project::Column::Id)
            .into_tuple()
            .all(self.db)
            .await
            .map_err(ServiceError::from)?;
        let supporters = projects::distinct_supporters(self.db, &live).await?;
        for (i, id) in live.iter().enumerate() {
            let n = supporters.get(id).copied().unwrap_or(0);
            write!(out, "{}\n\"{id}\": {n}", if i == 0 { "" } else { "," })?;
        }

        write!(out, "\n}},\n\"sostenitori_per_obiettivo\": {{")?;
        let mut by_objective: HashMap<Uuid, i64> = HashMap::new();
        if self.process.dup_edition_id.is_some() {
            let supports = links::linked_supports_sql(
                links::PROCESS_PROPOSAL_FILTER,
                links::PROCESS_PROJECT_FILTER,
                links::ORIGINAL_FILTER,
            );
            let rows = raw_page(
                self.db,
                &format!(
                    "SELECT x.objective_id, {} FROM ({supports}) x{{after}} \
                     GROUP BY x.objective_id",
                    links::DISTINCT_SUPPORTERS
                ),
                &[self.process.id.into(), self.process.id.into()],
                None,
            )
            .await?;
            for row in rows {
                by_objective.insert(
                    row.try_get_by_index(0).map_err(ServiceError::from)?,
                    row.try_get_by_index(1).map_err(ServiceError::from)?,
                );
            }
        }
        for (i, id) in objectives.iter().enumerate() {
            let n = by_objective.get(id).copied().unwrap_or(0);
            write!(out, "{}\n\"{id}\": {n}", if i == 0 { "" } else { "," })?;
        }
        writeln!(out, "\n}}\n}}")?;
        let (bytes, sha256) = out.finish()?;
        self.summary.bytes += bytes;
        self.summary.files.push(ExportedFile {
            name: TOTALS.to_owned(),
            bytes,
            sha256,
        });
        Ok(())
    }

    /// `metadati.json`: the export described in DCAT-AP_IT terms, one
    /// distribution per file written so far.
    fn metadata(&mut self, ctx: &Ctx) -> Result<(), ExportError> {
        let p = &self.process;
        let describe = |name: &str| -> String {
            let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
            DATASETS
                .iter()
                .find(|(n, _, _)| *n == stem)
                .map(|(_, d, _)| (*d).to_owned())
                .unwrap_or_else(|| {
                    "I totali calcolati dalla base dati, per verificare i file.".to_owned()
                })
        };
        let distributions: Vec<serde_json::Value> = self
            .summary
            .files
            .iter()
            .map(|f| {
                let (media_type, format) = if f.name.ends_with(".csv") {
                    ("text/csv", "CSV")
                } else {
                    ("application/json", "JSON")
                };
                serde_json::json!({
                    "@type": "dcat:Distribution",
                    "dct:title": f.name,
                    "dct:description": describe(&f.name),
                    "dcat:downloadURL": f.name,
                    "dcat:mediaType": media_type,
                    "dct:format": format,
                    "dct:license": LICENSE,
                    "dcat:byteSize": f.bytes,
                    "spdx:checksum": {
                        "@type": "spdx:Checksum",
                        "spdx:algorithm": "spdx:checksumAlgorithm_sha256",
                        "spdx:checksumValue": f.sha256,
                    },
                })
            })
            .collect();
        let publisher = serde_json::json!({
            "@type": ["foaf:Agent", "dcatapit:Agent"],
            "foaf:name": p.organization,
        });
        let document = serde_json::json!({
            "@context": {
                "dcat": "http://www.w3.org/ns/dcat#",
                "dct": "http://purl.org/dc/terms/",
                "dcatapit": "http://dati.gov.it/onto/dcatapit#",
                "foaf": "http://xmlns.com/foaf/0.1/",
                "spdx": "http://spdx.org/rdf/terms#",
            },
            "@type": ["dcat:Dataset", "dcatapit:Dataset"],
            "dct:identifier": p.slug,
            "dct:title": p.title,
            "dct:description": p.summary,
            "dct:publisher": publisher,
            "dct:rightsHolder": publisher,
            "dct:license": LICENSE,
            "dct:issued": p.created_at.date_naive().to_string(),
            "dct:modified": ctx.today().to_string(),
            "dct:language": "it",
            "dcat:keyword": ["partecipazione", "pianificazione strategica", "proposte"],
            "dcat:distribution": distributions,
        });
        let mut out = create_file(self.dir, METADATA)?;
        serde_json::to_writer_pretty(&mut out, &document).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
        let (bytes, sha256) = out.finish()?;
        self.summary.bytes += bytes;
        self.summary.files.push(ExportedFile {
            name: METADATA.to_owned(),
            bytes,
            sha256,
        });
        Ok(())
    }

    /// `MANIFEST.sha256`: every other file's hash, sorted by name, in the
    /// format `sha256sum -c` reads.
    fn manifest(&mut self) -> Result<(), ExportError> {
        let mut lines: Vec<(&str, &str)> = self
            .summary
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.sha256.as_str()))
            .collect();
        lines.sort();
        let mut out = create_file(self.dir, MANIFEST)?;
        for (name, sha256) in lines {
            writeln!(out, "{sha256}  {name}")?;
        }
        let (bytes, sha256) = out.finish()?;
        self.summary.bytes += bytes;
        self.summary.files.push(ExportedFile {
            name: MANIFEST.to_owned(),
            bytes,
            sha256,
        });
        Ok(())
    }
}

/// What [`verify`] found: empty `problems` means every check passed.
#[derive(Clone, Debug, Default)]
pub struct VerifyReport {
    /// Files whose hash was checked against the manifest.
    pub files_checked: usize,
    /// Every mismatch, in words.
    pub problems: Vec<String>,
}

impl VerifyReport {
    /// Whether every check passed.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    fn problem(&mut self, text: impl Into<String>) {
        self.problems.push(text.into());
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_ok() {
            return write!(f, "OK: {} file verificati", self.files_checked);
        }
        for problem in &self.problems {
            writeln!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// The totals file as read back.
#[derive(Deserialize)]
struct Totals {
    sostegni_totali: i64,
    sostegni_per_proposta: BTreeMap<String, i64>,
    sostegni_per_zona: BTreeMap<String, ZoneTotals>,
    sostenitori_per_progetto: BTreeMap<String, i64>,
    sostenitori_per_obiettivo: BTreeMap<String, i64>,
}

#[derive(Deserialize)]
struct ZoneTotals {
    proposte: i64,
    sostegni: i64,
}

/// SHA-256 of a file, read in chunks.
fn file_sha256(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Counts the elements of a JSON array without keeping them.
struct ArrayLength(u64);

impl<'de> Deserialize<'de> for ArrayLength {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Counter;
        impl<'de> serde::de::Visitor<'de> for Counter {
            type Value = ArrayLength;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of rows")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ArrayLength, A::Error> {
                let mut n = 0;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(ArrayLength(n))
            }
        }
        deserializer.deserialize_seq(Counter)
    }
}

/// Reads `NAME.csv`, calling `each` with every row as a map from column to
/// value; returns the row count, or `None` (reported) when it cannot.
fn read_csv(
    dir: &Path,
    name: &str,
    report: &mut VerifyReport,
    mut each: impl FnMut(&HashMap<&str, &str>),
) -> Option<u64> {
    let file = format!("{name}.csv");
    let path = dir.join(&file);
    if !path.is_file() {
        return None;
    }
    let mut reader = match csv::Reader::from_path(&path) {
        Ok(reader) => reader,
        Err(e) => {
            report.problem(format!("{file}: non leggibile ({e})"));
            return None;
        }
    };
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => {
            report.problem(format!("{file}: intestazione non leggibile ({e})"));
            return None;
        }
    };
    let expected = columns_of(name);
    if headers.iter().collect::<Vec<_>>() != expected {
        report.problem(format!(
            "{file}: colonne diverse da quelle attese ({})",
            expected.join(", ")
        ));
        return None;
    }
    let mut rows = 0;
    for (line, record) in reader.records().enumerate() {
        match record {
            Ok(record) => {
                let row: HashMap<&str, &str> = headers.iter().zip(record.iter()).collect();
                each(&row);
                rows += 1;
            }
            Err(e) => {
                report.problem(format!("{file}: riga {} non leggibile ({e})", line + 2));
                return None;
            }
        }
    }
    Some(rows)
}

fn number(report: &mut VerifyReport, file: &str, column: &str, text: &str) -> i64 {
    text.parse().unwrap_or_else(|_| {
        report.problem(format!("{file}: «{text}» in {column} non è un numero"));
        0
    })
}

/// Compares counts recomputed from the files with `expected` (missing keys
/// count zero), reporting each difference.
fn compare_counts(
    report: &mut VerifyReport,
    what: &str,
    recomputed: &BTreeMap<String, i64>,
    recomputed_from: &str,
    expected: &BTreeMap<String, i64>,
    expected_from: &str,
) {
    let keys: BTreeSet<&String> = recomputed.keys().chain(expected.keys()).collect();
    for key in keys {
        let got = recomputed.get(key).copied().unwrap_or(0);
        let want = expected.get(key).copied().unwrap_or(0);
        if got != want {
            report.problem(format!(
                "{what} {key}: {recomputed_from} ne conta {got}, {expected_from} {want}"
            ));
        }
    }
}

/// The files an export wrote in `dir`, zipped into `out` (the site's
/// download): each file is copied through, never held whole in memory.
pub fn zip_export(
    dir: &Path,
    summary: &ExportSummary,
    out: impl io::Write + io::Seek,
) -> Result<(), ExportError> {
    let mut zip = zip::ZipWriter::new(out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for file in &summary.files {
        zip.start_file(file.name.as_str(), options)
            .map_err(io::Error::other)?;
        io::copy(&mut File::open(dir.join(&file.name))?, &mut zip)?;
    }
    zip.finish().map_err(io::Error::other)?;
    Ok(())
}

/// Checks an exported folder without a database: every file against
/// [`MANIFEST`] (missing, extra or changed files) and against the sizes and
/// hashes [`METADATA`] gives, each JSON file parses
/// with as many rows as its CSV, and the totals recomputed from the CSV
/// files (supports per proposal and per zone, distinct supporters per
/// project and per objective) against [`TOTALS`] and each other.
pub fn verify(dir: &Path) -> VerifyReport {
    let mut report = VerifyReport::default();
    if !dir.is_dir() {
        report.problem(format!("{}: la cartella non esiste", dir.display()));
        return report;
    }
    verify_manifest(dir, &mut report);

    // Every dataset: its JSON has as many rows as its CSV.
    for (name, _, _) in DATASETS {
        let Some(rows) = read_csv(dir, name, &mut report, |_| {}) else {
            if !dir.join(format!("{name}.csv")).is_file() {
                report.problem(format!("{name}.csv: file mancante"));
            }
            continue;
        };
        let json = format!("{name}.json");
        match File::open(dir.join(&json)) {
            Err(_) => report.problem(format!("{json}: file mancante")),
            Ok(file) => match serde_json::from_reader::<_, ArrayLength>(io::BufReader::new(file)) {
                Err(e) => report.problem(format!("{json}: JSON non valido ({e})")),
                Ok(ArrayLength(n)) if n != rows => {
                    report.problem(format!("{json}: {n} righe, ma {name}.csv ne ha {rows}"))
                }
                Ok(_) => {}
            },
        }
    }
    verify_metadata(dir, &mut report);
    verify_totals(dir, &mut report);
    report
}

/// The metadata's distributions name the files with their sizes and hashes.
fn verify_metadata(dir: &Path, report: &mut VerifyReport) {
    let Ok(file) = File::open(dir.join(METADATA)) else {
        report.problem(format!("{METADATA}: file mancante"));
        return;
    };
    let document: serde_json::Value = match serde_json::from_reader(io::BufReader::new(file)) {
        Ok(document) => document,
        Err(e) => {
            report.problem(format!("{METADATA}: JSON non valido ({e})"));
            return;
        }
    };
    let Some(distributions) = document["dcat:distribution"].as_array() else {
        report.problem(format!("{METADATA}: nessuna dcat:distribution"));
        return;
    };
    for distribution in distributions {
        let Some(name) = distribution["dct:title"].as_str() else {
            report.problem(format!("{METADATA}: una distribuzione senza titolo"));
            continue;
        };
        let path = dir.join(name);
        if name.contains('/') || name.contains('\\') || !path.is_file() {
            report.problem(format!("{name}: file mancante (è in {METADATA})"));
            continue;
        }
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if distribution["dcat:byteSize"].as_u64() != Some(size) {
            report.problem(format!("{name}: dimensione diversa da {METADATA}"));
        }
        let declared = distribution["spdx:checksum"]["spdx:checksumValue"].as_str();
        if file_sha256(&path).ok().as_deref() != declared {
            report.problem(format!("{name}: hash diverso da {METADATA}"));
        }
    }
}

fn verify_manifest(dir: &Path, report: &mut VerifyReport) {
    let text = match std::fs::read_to_string(dir.join(MANIFEST)) {
        Ok(text) => text,
        Err(_) => {
            report.problem(format!("{MANIFEST}: file mancante"));
            return;
        }
    };
    let mut listed: BTreeMap<String, String> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        match line.split_once("  ") {
            Some((hash, name))
                if hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()) =>
            {
                listed.insert(name.to_owned(), hash.to_ascii_lowercase());
            }
            _ => report.problem(format!("{MANIFEST}: riga {} non valida", i + 1)),
        }
    }
    for (name, hash) in &listed {
        let path = dir.join(name);
        if name.contains('/') || name.contains('\\') || !path.is_file() {
            report.problem(format!("{name}: file mancante (è nel manifesto)"));
            continue;
        }
        match file_sha256(&path) {
            Ok(actual) if actual == *hash => report.files_checked += 1,
            Ok(_) => report.problem(format!("{name}: hash diverso dal manifesto")),
            Err(e) => report.problem(format!("{name}: non leggibile ({e})")),
        }
    }
    let mut expected: Vec<String> = DATASETS
        .iter()
        .flat_map(|(n, _, _)| [format!("{n}.csv"), format!("{n}.json")])
        .collect();
    expected.push(TOTALS.to_owned());
    expected.push(METADATA.to_owned());
    for name in expected {
        if !listed.contains_key(&name) && dir.join(&name).is_file() {
            report.problem(format!("{name}: manca dal manifesto"));
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut extra: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name != MANIFEST && !listed.contains_key(name))
            .filter(|name| {
                !DATASETS
                    .iter()
                    .any(|(n, _, _)| *name == format!("{n}.csv") || *name == format!("{n}.json"))
                    && name != TOTALS
                    && name != METADATA
            })
            .collect();
        extra.sort();
        for name in extra {
            report.problem(format!("{name}: file in più, non nel manifesto"));
        }
    }
}

fn verify_totals(dir: &Path, report: &mut VerifyReport) {
    let totals: Totals = match File::open(dir.join(TOTALS)) {
        Err(_) => {
            report.problem(format!("{TOTALS}: file mancante"));
            return;
        }
        Ok(file) => match serde_json::from_reader(io::BufReader::new(file)) {
            Ok(totals) => totals,
            Err(e) => {
                report.problem(format!("{TOTALS}: non valido ({e})"));
                return;
            }
        },
    };

    // Supports per proposal: the support rows counted, the proposals'
    // counters and the database's totals agree.
    let mut counted: BTreeMap<String, i64> = BTreeMap::new();
    let mut zone_of: HashMap<String, String> = HashMap::new();
    let mut problems = VerifyReport::default();
    read_csv(dir, "sostegni_per_proposta", report, |row| {
        let id = row["proposal_id"].to_owned();
        let n = number(
            &mut problems,
            "sostegni_per_proposta.csv",
            "supports",
            row["supports"],
        );
        zone_of.insert(id.clone(), row["zone"].to_owned());
        counted.insert(id, n);
    });
    let mut declared: BTreeMap<String, i64> = BTreeMap::new();
    read_csv(dir, "proposte", report, |row| {
        let n = number(
            &mut problems,
            "proposte.csv",
            "support_count",
            row["support_count"],
        );
        declared.insert(row["id"].to_owned(), n);
    });
    compare_counts(
        report,
        "proposte.csv: sostegni della proposta",
        &declared,
        "support_count",
        &totals.sostegni_per_proposta,
        TOTALS,
    );
    compare_counts(
        report,
        "sostegni_per_proposta.csv: sostegni della proposta",
        &counted,
        "sostegni_per_proposta.csv",
        &totals.sostegni_per_proposta,
        TOTALS,
    );
    let sum: i64 = counted.values().sum();
    if sum != totals.sostegni_totali {
        report.problem(format!(
            "sostegni totali: sostegni_per_proposta.csv ne conta {sum}, {TOTALS} {}",
            totals.sostegni_totali
        ));
    }

    // Per zone: recomputed from the proposals' rows.
    let mut zone_proposals: BTreeMap<String, i64> = BTreeMap::new();
    let mut zone_supports: BTreeMap<String, i64> = BTreeMap::new();
    for (id, n) in &counted {
        let zone = zone_of.get(id).cloned().unwrap_or_default();
        *zone_proposals.entry(zone.clone()).or_default() += 1;
        *zone_supports.entry(zone).or_default() += n;
    }
    let mut listed_proposals: BTreeMap<String, i64> = BTreeMap::new();
    let mut listed_supports: BTreeMap<String, i64> = BTreeMap::new();
    read_csv(dir, "sostegni_per_zona", report, |row| {
        let zone = row["zone"].to_owned();
        let p = number(
            &mut problems,
            "sostegni_per_zona.csv",
            "proposals",
            row["proposals"],
        );
        let s = number(
            &mut problems,
            "sostegni_per_zona.csv",
            "supports",
            row["supports"],
        );
        listed_proposals.insert(zone.clone(), p);
        listed_supports.insert(zone, s);
    });
    let total_proposals: BTreeMap<String, i64> = totals
        .sostegni_per_zona
        .iter()
        .map(|(k, v)| (k.clone(), v.proposte))
        .collect();
    let total_supports: BTreeMap<String, i64> = totals
        .sostegni_per_zona
        .iter()
        .map(|(k, v)| (k.clone(), v.sostegni))
        .collect();
    for (what, recomputed, listed, total) in [
        (
            "proposte della zona",
            &zone_proposals,
            &listed_proposals,
            &total_proposals,
        ),
        (
            "sostegni della zona",
            &zone_supports,
            &listed_supports,
            &total_supports,
        ),
    ] {
        compare_counts(
            report,
            &format!("sostegni_per_zona.csv: {what}"),
            listed,
            "sostegni_per_zona.csv",
            total,
            TOTALS,
        );
        compare_counts(
            report,
            &format!("sostegni_per_proposta.csv: {what}"),
            recomputed,
            "sostegni_per_proposta.csv",
            total,
            TOTALS,
        );
    }

    // Distinct supporters per project and per objective, from the pseudonyms.
    for (file, key, expected) in [
        (
            "sostenitori_per_progetto",
            "project_id",
            &totals.sostenitori_per_progetto,
        ),
        (
            "sostenitori_per_obiettivo",
            "objective_id",
            &totals.sostenitori_per_obiettivo,
        ),
    ] {
        let mut people: HashMap<String, HashSet<String>> = HashMap::new();
        read_csv(dir, file, report, |row| {
            people
                .entry(row[key].to_owned())
                .or_default()
                .insert(row["sostenitore"].to_owned());
        });
        let recomputed: BTreeMap<String, i64> = people
            .into_iter()
            .map(|(k, v)| (k, v.len() as i64))
            .collect();
        compare_counts(
            report,
            &format!("{file}.csv: sostenitori distinti di"),
            &recomputed,
            &format!("{file}.csv"),
            expected,
            TOTALS,
        );
    }
    report.problems.extend(problems.problems);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_within_an_export_and_scoped() {
        let pseudonyms = Pseudonyms { salt: [7; 32] };
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let (project, other) = (Uuid::from_u128(10), Uuid::from_u128(11));
        assert_eq!(pseudonyms.author(a), pseudonyms.author(a));
        assert_ne!(pseudonyms.author(a), pseudonyms.author(b));
        assert_eq!(pseudonyms.author(a).len(), 16);
        let s1 = Uuid::from_u128(100);
        let s2 = Uuid::from_u128(101);
        assert_eq!(
            pseudonyms.supporter("progetto", project, Some(a), s1),
            pseudonyms.supporter("progetto", project, Some(a), s2)
        );
        assert_ne!(
            pseudonyms.supporter("progetto", project, Some(a), s1),
            pseudonyms.supporter("progetto", other, Some(a), s1)
        );
        // Deleted accounts: one pseudonym per support.
        assert_ne!(
            pseudonyms.supporter("progetto", project, None, s1),
            pseudonyms.supporter("progetto", project, None, s2)
        );
        let other_export = Pseudonyms { salt: [8; 32] };
        assert_ne!(pseudonyms.author(a), other_export.author(a));
    }

    #[test]
    fn every_dataset_has_columns() {
        for (name, description, columns) in DATASETS {
            assert!(!description.is_empty(), "{name}");
            assert!(!columns.is_empty(), "{name}");
            assert_eq!(columns_of(name), columns);
        }
    }
}
