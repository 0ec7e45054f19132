//! The CSV form of a DUP tree: one row per item, read strictly.

use crate::service::common::spreadsheet;
use std::collections::HashSet;

use super::rows::{COLUMNS, DupTree, Item, plain, validate};
use crate::model::dup::ImportProblem;

/// Reads a DUP CSV. `missions` are the valid mission codes (technical ones
/// excluded); `simplified` says whether operational objectives may have no
/// strategic objective (and strategic objectives are refused).
pub fn read_csv(
    text: &str,
    missions: &HashSet<String>,
    simplified: bool,
) -> Result<DupTree, Vec<ImportProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let at_line = |line: u64, message: String| ImportProblem {
        line: Some(line),
        place: format!("riga {line}"),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_lowercase).collect(),
        Err(_) => {
            return Err(vec![at_line(
                1,
                "Intestazione illeggibile: il file deve essere CSV in UTF-8.".into(),
            )]);
        }
    };
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !header.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(vec![at_line(
            1,
            format!("Mancano le colonne: {}.", missing.join(", ")),
        )]);
    }
    let mut errors = Vec::new();
    let mut items = Vec::new();
    for (n, record) in reader.records().enumerate() {
        // Where the record starts in the file: quoted fields may span lines.
        // Counted from the byte offset: the reader's own line count is off
        // with CRLF line ends (as browsers send a text box).
        let byte = match &record {
            Ok(r) => r.position().map(|p| p.byte()),
            Err(e) => e.position().map(|p| p.byte()),
        };
        // The position may sit on the previous line's end: skip line ends.
        let line = byte
            .map(|b| {
                let bytes = text.as_bytes();
                let mut at = (b as usize).min(bytes.len());
                while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                    at += 1;
                }
                bytes[..at].iter().filter(|c| **c == b'\n').count() as u64 + 1
            })
            .unwrap_or(n as u64 + 2);
        match record {
            Ok(record) => {
                let fields = COLUMNS
                    .iter()
                    .map(|c| {
                        let at = header.iter().position(|h| h == c).unwrap_or(0);
                        let cell = record.get(at).unwrap_or("");
                        (*c, spreadsheet::restore(cell).to_owned())
                    })
                    .collect();
                items.push(Item {
                    line: Some(line),
                    place: format!("riga {line}"),
                    fields,
                });
            }
            Err(e) => {
                let message = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "Testo non in UTF-8.".to_owned(),
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => {
                        format!("La riga ha {len} colonne invece di {expected_len}.")
                    }
                    _ => "Riga illeggibile.".to_owned(),
                };
                errors.push(at_line(line, message));
            }
        }
    }
    match validate(items, missions, simplified) {
        Ok(tree) if errors.is_empty() => Ok(tree),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            errors.sort_by_key(|e| e.line);
            Err(errors)
        }
    }
}

fn euro(cents: i64) -> String {
    plain(cents as f64 / 100.0)
}

/// Writes the tree as CSV, in the order the rules need (parents first).
pub fn write_csv(tree: &DupTree) -> String {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut row = |values: [&str; 14]| {
        // Writing to memory cannot fail. No cell runs as a formula.
        let _ = writer.write_record(
            values
                .iter()
                .map(|v| spreadsheet::neutralize(v).into_owned()),
        );
    };
    row(COLUMNS);
    for p in &tree.programmes {
        row([
            "programma",
            &p.code,
            &p.mission,
            "",
            "",
            &p.title,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]);
    }
    for s in &tree.strategic {
        row([
            "obiettivo_strategico",
            &s.code,
            &s.mission,
            "",
            "",
            &s.title,
            &s.description,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]);
    }
    for o in &tree.operational {
        let parent = o.strategic.clone().unwrap_or_default();
        row([
            "obiettivo_operativo",
            &o.code,
            &o.mission,
            &o.programme,
            &parent,
            &o.title,
            &o.description,
            &o.office,
            "",
            "",
            "",
            "",
            "",
            "",
        ]);
        for (year, cents) in &o.resources {
            row([
                "risorse",
                "",
                "",
                "",
                &o.code,
                "",
                "",
                "",
                &year.to_string(),
                &euro(*cents),
                "",
                "",
                "",
                "",
            ]);
        }
    }
    for i in &tree.indicators {
        let baseline = i.baseline.map(plain).unwrap_or_default();
        row([
            "indicatore",
            &i.code,
            "",
            "",
            &i.objective,
            &i.name,
            "",
            "",
            "",
            "",
            &i.unit,
            &baseline,
            "",
            "",
        ]);
        let years: std::collections::BTreeSet<i32> =
            i.targets.keys().chain(i.actuals.keys()).copied().collect();
        for year in years {
            let target = i.targets.get(&year).copied().map(plain).unwrap_or_default();
            let actual = i.actuals.get(&year).copied().map(plain).unwrap_or_default();
            row([
                "valore",
                "",
                "",
                "",
                &i.code,
                "",
                "",
                "",
                &year.to_string(),
                "",
                "",
                "",
                &target,
                &actual,
            ]);
        }
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
