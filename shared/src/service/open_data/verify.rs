//! Checking an exported folder without a database: the manifest, each
//! JSON file against its CSV, and every total recomputed from the CSV files.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::service::common::secrets::hex;
use crate::service::open_data::datasets::{DATASETS, MANIFEST, METADATA, TOTALS, columns_of};

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
pub(crate) struct Totals {
    pub(crate) sostegni_totali: i64,
    pub(crate) sostegni_per_proposta: BTreeMap<String, i64>,
    pub(crate) sostegni_per_zona: BTreeMap<String, ZoneTotals>,
    pub(crate) sostenitori_per_progetto: BTreeMap<String, i64>,
    pub(crate) sostenitori_per_obiettivo: BTreeMap<String, i64>,
}

#[derive(Deserialize)]
pub(crate) struct ZoneTotals {
    pub(crate) proposte: i64,
    pub(crate) sostegni: i64,
}

/// SHA-256 of a file, read in chunks.
pub(crate) fn file_sha256(path: &Path) -> io::Result<String> {
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
pub(crate) struct ArrayLength(u64);

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
pub(crate) fn read_csv(
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

pub(crate) fn number(report: &mut VerifyReport, file: &str, column: &str, text: &str) -> i64 {
    text.parse().unwrap_or_else(|_| {
        report.problem(format!("{file}: «{text}» in {column} non è un numero"));
        0
    })
}

/// Compares counts recomputed from the files with `expected` (missing keys
/// count zero), reporting each difference.
pub(crate) fn compare_counts(
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
