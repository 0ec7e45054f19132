//! Writing an export's files: cells, CSV and JSON writers that hash what
//! passes through them, and the pseudonyms of people.

use crate::service::common::spreadsheet;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::service::ServiceError;
use crate::service::common::secrets::hex;
use crate::service::open_data::datasets::{PAGE_ROWS, columns_of};

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
pub(crate) enum Cell {
    Text(String),
    Int(i64),
    Null,
}

impl Cell {
    pub(crate) fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }

    pub(crate) fn optional_text(value: Option<impl Into<String>>) -> Self {
        value.map_or(Cell::Null, |v| Cell::Text(v.into()))
    }

    pub(crate) fn id(value: Uuid) -> Self {
        Cell::Text(value.to_string())
    }

    pub(crate) fn optional_id(value: Option<Uuid>) -> Self {
        value.map_or(Cell::Null, Cell::id)
    }

    pub(crate) fn time(value: DateTime<Utc>) -> Self {
        Cell::Text(timestamp(value))
    }

    pub(crate) fn optional_time(value: Option<DateTime<Utc>>) -> Self {
        value.map_or(Cell::Null, Cell::time)
    }

    pub(crate) fn date(value: NaiveDate) -> Self {
        Cell::Text(value.to_string())
    }

    pub(crate) fn csv_text(&self) -> String {
        match self {
            // Never a formula in a spreadsheet; the JSON keeps the text exact.
            Cell::Text(text) => spreadsheet::neutralize(text).into_owned(),
            Cell::Int(n) => n.to_string(),
            Cell::Null => String::new(),
        }
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        match self {
            Cell::Text(text) => serde_json::Value::String(text.clone()),
            Cell::Int(n) => serde_json::Value::from(*n),
            Cell::Null => serde_json::Value::Null,
        }
    }
}

pub(crate) fn timestamp(value: DateTime<Utc>) -> String {
    value.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A writer that hashes and counts what passes through it.
pub(crate) struct HashingWriter<W> {
    pub(crate) inner: W,
    pub(crate) hasher: Sha256,
    pub(crate) bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    pub(crate) fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// Flushes and returns the byte count and the SHA-256 in hexadecimal.
    pub(crate) fn finish(mut self) -> io::Result<(u64, String)> {
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

pub(crate) type FileWriter = HashingWriter<BufWriter<File>>;

pub(crate) fn create_file(dir: &Path, name: &str) -> io::Result<FileWriter> {
    Ok(HashingWriter::new(BufWriter::new(File::create(
        dir.join(name),
    )?)))
}

/// One dataset being written as CSV and JSON at once, row by row.
pub(crate) struct DatasetWriter<'a> {
    pub(crate) name: &'static str,
    pub(crate) columns: &'static [&'static str],
    pub(crate) csv: csv::Writer<FileWriter>,
    pub(crate) json: FileWriter,
    pub(crate) rows: u64,
    pub(crate) progress: &'a (dyn Fn(&str, u64) + Sync),
    pub(crate) unreported: u64,
}

impl<'a> DatasetWriter<'a> {
    pub(crate) fn create(
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

    pub(crate) fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
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
    pub(crate) fn finish(mut self) -> io::Result<(u64, [ExportedFile; 2])> {
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
pub(crate) struct Pseudonyms {
    pub(crate) salt: [u8; 32],
}

impl Pseudonyms {
    pub(crate) fn new() -> Result<Self, ExportError> {
        let mut salt = [0u8; 32];
        getrandom::fill(&mut salt).map_err(|_| ExportError::NoRandomness)?;
        Ok(Self { salt })
    }

    pub(crate) fn short(hasher: Sha256) -> String {
        hex(&hasher.finalize()[..8])
    }

    /// A comment author: the same person, the same pseudonym in this export.
    pub(crate) fn author(&self, user: Uuid) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.salt);
        hasher.update(user.as_bytes());
        Self::short(hasher)
    }

    /// A supporter within one project or objective (`scope` says which
    /// kind); a support whose account was deleted gets its own pseudonym.
    pub(crate) fn supporter(
        &self,
        scope: &str,
        scope_id: Uuid,
        user: Option<Uuid>,
        support: Uuid,
    ) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(crate) fn pseudonyms_are_stable_within_an_export_and_scoped() {
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
}
