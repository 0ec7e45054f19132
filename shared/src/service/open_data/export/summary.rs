//! The end of an export: the totals the database computes, the DCAT-AP_IT
//! metadata and the SHA-256 manifest.

use std::collections::HashMap;
use std::io::{self, Write};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{Exporter, Lookups, raw_page};
use crate::service::entity::project;
use crate::service::open_data::datasets::{
    DATASETS, LICENSE, MANIFEST, METADATA, PAGE_ROWS, TOTALS,
};
use crate::service::open_data::writers::{ExportError, ExportedFile, create_file};
use crate::service::{Ctx, ServiceError, dup::links, facilitation::projects};

impl<C: ConnectionTrait> Exporter<'_, C> {
    /// `totali.json`: what the database counts, written as it is read.
    pub(super) async fn totals(
        &mut self,
        lookups: &Lookups,
        objectives: &[Uuid],
    ) -> Result<(), ExportError> {
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
    pub(super) fn metadata(&mut self, ctx: &Ctx) -> Result<(), ExportError> {
        let p = &self.process;
        let describe = |name: &str| -> String {
            let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
            DATASETS
                .iter()
                .find(|(n, _, _)| *n == stem)
                .map(|(_, d, _)| {
                    if name.ends_with(".csv") {
                        format!("{d} {}", crate::service::common::spreadsheet::NOTE)
                    } else {
                        (*d).to_owned()
                    }
                })
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
    pub(super) fn manifest(&mut self) -> Result<(), ExportError> {
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
