//! The exchange format of a DUP tree (issue 6, groundwork): one CSV file, a
//! row per item, read strictly. Every problem is reported with its line and
//! in Italian, and nothing is accepted when any line fails.
//!
//! Columns: `tipo,codice,missione,programma,padre,titolo,descrizione,
//! responsabile,anno,importo,unita,valore_base,valore_atteso,valore_rilevato`.
//! The JSON form (`DupDocument`) holds the same items nested by kind and is
//! checked by the same rules; its problems name the item (`obiettivi_operativi[2]`).
//! Kinds (`tipo`):
//! - `programma`: `missione`, `codice` (two digits within the mission), `titolo`;
//! - `obiettivo_strategico`: `codice`, `missione`, `titolo`, `descrizione`;
//! - `obiettivo_operativo`: `codice`, `missione`, `programma`, `padre` (the
//!   strategic objective; empty in a simplified DUP), `titolo`, `descrizione`,
//!   `responsabile`;
//! - `risorse`: `padre` (an operational objective), `anno`, `importo` (euro);
//! - `indicatore`: `codice`, `padre` (an operational objective), `titolo`,
//!   `unita`, `valore_base`;
//! - `valore`: `padre` (an indicator), `anno`, `valore_atteso`,
//!   `valore_rilevato` (optional).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::model::dup::{ImportProblem, parse_number};

/// A programme of a mission.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgrammeRow {
    pub mission: String,
    pub code: String,
    pub title: String,
}

/// A strategic objective (SeS).
#[derive(Clone, Debug, PartialEq)]
pub struct StrategicRow {
    pub code: String,
    pub mission: String,
    pub title: String,
    pub description: String,
}

/// An operational objective (SeO) with its resources per year.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationalRow {
    pub code: String,
    pub mission: String,
    pub programme: String,
    pub strategic: Option<String>,
    pub title: String,
    pub description: String,
    pub office: String,
    /// Euro cents per year.
    pub resources: BTreeMap<i32, i64>,
}

/// An indicator of an operational objective, with targets and actuals per year.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorRow {
    pub code: String,
    pub objective: String,
    pub name: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub targets: BTreeMap<i32, f64>,
    pub actuals: BTreeMap<i32, f64>,
}

/// A whole DUP tree as read from a file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DupTree {
    pub programmes: Vec<ProgrammeRow>,
    pub strategic: Vec<StrategicRow>,
    pub operational: Vec<OperationalRow>,
    pub indicators: Vec<IndicatorRow>,
}

/// One item as read, before the rules are applied: a CSV row, or an item of
/// the JSON document flattened to the same columns.
#[derive(Clone, Debug, Default)]
struct Item {
    line: Option<u64>,
    place: String,
    fields: HashMap<&'static str, String>,
}

impl Item {
    fn get(&self, column: &str) -> String {
        self.fields.get(column).cloned().unwrap_or_default()
    }
}

const COLUMNS: [&str; 14] = [
    "tipo",
    "codice",
    "missione",
    "programma",
    "padre",
    "titolo",
    "descrizione",
    "responsabile",
    "anno",
    "importo",
    "unita",
    "valore_base",
    "valore_atteso",
    "valore_rilevato",
];

/// Records a new code, or says where it was first used.
fn claim(
    codes: &mut HashMap<String, (&'static str, String)>,
    code: &str,
    kind: &'static str,
    place: &str,
    fail: &mut dyn FnMut(String),
) -> bool {
    if code.is_empty() {
        fail("Manca il codice.".into());
        return false;
    }
    if code.chars().count() > 40 || code.chars().any(char::is_control) {
        fail(format!(
            "Codice «{code}» non valido: al massimo 40 caratteri."
        ));
        return false;
    }
    if let Some((_, first)) = codes.get(code) {
        fail(format!("Codice «{code}» duplicato (già in {first})."));
        return false;
    }
    codes.insert(code.to_owned(), (kind, place.to_owned()));
    true
}

fn year(text: &str) -> Option<i32> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
}

/// Checks a text field's length; `None` when it fits.
fn too_long(label: &str, text: &str, max: usize) -> Option<String> {
    (text.chars().count() > max).then(|| format!("{label}: al massimo {max} caratteri."))
}

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
                        (*c, record.get(at).unwrap_or("").to_owned())
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

/// Applies the rules to the items, in order, and builds the tree.
fn validate(
    items: Vec<Item>,
    missions: &HashSet<String>,
    simplified: bool,
) -> Result<DupTree, Vec<ImportProblem>> {
    let mut errors = Vec::new();
    let mut tree = DupTree::default();
    let mut codes: HashMap<String, (&'static str, String)> = HashMap::new();
    let mut pending_resources = Vec::new();
    let mut pending_values = Vec::new();
    // Codes of items refused by their own line: the lines that depend on
    // them are skipped rather than reported again as "not found".
    let refused: std::cell::RefCell<HashSet<String>> = Default::default();
    for item in &items {
        let (line, place) = (item.line, item.place.clone());
        let get = |column: &str| item.get(column);
        let own_key = match item.get("tipo").as_str() {
            "programma" => format!("{}.{}", item.get("missione"), item.get("codice")),
            _ => item.get("codice"),
        };
        let mut fail = |message: String| {
            if !own_key.is_empty() {
                refused.borrow_mut().insert(own_key.clone());
            }
            errors.push(ImportProblem {
                line,
                place: place.clone(),
                message,
            })
        };
        let skip_for = |parent: &str| {
            let skip = refused.borrow().contains(parent);
            if skip && !own_key.is_empty() {
                refused.borrow_mut().insert(own_key.clone());
            }
            skip
        };
        // Control characters (NUL above all) are never data.
        if let Some(column) = COLUMNS.iter().find(|c| {
            item.get(c)
                .chars()
                .any(|ch| ch.is_control() && !matches!(ch, '\n' | '\r' | '\t'))
        }) {
            fail(format!(
                "Carattere di controllo non ammesso nella colonna «{column}»."
            ));
            continue;
        }
        let mission = get("missione");
        let check_mission = |fail: &mut dyn FnMut(String)| {
            if missions.contains(&mission) {
                true
            } else {
                fail(format!("Missione «{mission}» sconosciuta o tecnica."));
                false
            }
        };
        let title = get("titolo");
        let tipo = get("tipo");
        if matches!(
            tipo.as_str(),
            "programma" | "obiettivo_strategico" | "obiettivo_operativo" | "indicatore"
        ) {
            if title.is_empty() {
                fail("Manca il titolo.".into());
                continue;
            }
            let checks = [
                too_long("Titolo", &title, 300),
                too_long("Descrizione", &get("descrizione"), 20_000),
                too_long("Responsabile", &get("responsabile"), 200),
                too_long("Unità di misura", &get("unita"), 60),
            ];
            if let Some(problem) = checks.into_iter().flatten().next() {
                fail(problem);
                continue;
            }
        }
        match tipo.as_str() {
            "programma" => {
                let code = get("codice");
                if !check_mission(&mut fail) {
                    continue;
                }
                if code.len() != 2 || !code.chars().all(|c| c.is_ascii_digit()) {
                    fail(format!("Programma «{code}»: servono due cifre."));
                    continue;
                }
                let key = format!("{mission}.{code}");
                if claim(&mut codes, &key, "programma", &place, &mut fail) {
                    tree.programmes.push(ProgrammeRow {
                        mission: mission.clone(),
                        code,
                        title,
                    });
                }
            }
            "obiettivo_strategico" => {
                if simplified {
                    fail("Un DUP semplificato non ha obiettivi strategici.".into());
                    continue;
                }
                let code = get("codice");
                if check_mission(&mut fail)
                    && claim(&mut codes, &code, "strategico", &place, &mut fail)
                {
                    tree.strategic.push(StrategicRow {
                        code,
                        mission: mission.clone(),
                        title,
                        description: get("descrizione"),
                    });
                }
            }
            "obiettivo_operativo" => {
                let code = get("codice");
                let programme = get("programma");
                let parent = get("padre");
                if !check_mission(&mut fail) {
                    continue;
                }
                if skip_for(&format!("{mission}.{programme}")) {
                    continue;
                }
                if !matches!(
                    codes.get(&format!("{mission}.{programme}")),
                    Some(("programma", _))
                ) {
                    fail(format!(
                        "Programma «{programme}» non presente nella missione {mission}."
                    ));
                    continue;
                }
                let strategic = match (simplified, parent.is_empty()) {
                    (true, true) => None,
                    (true, false) => {
                        fail("Un DUP semplificato non ha obiettivi strategici.".into());
                        continue;
                    }
                    (false, true) => {
                        fail("Manca l'obiettivo strategico (colonna «padre»).".into());
                        continue;
                    }
                    (false, false) if skip_for(&parent) => continue,
                    (false, false) => match codes.get(&parent) {
                        Some(("strategico", _)) => {
                            let same_mission = tree
                                .strategic
                                .iter()
                                .any(|s| s.code == parent && s.mission == mission);
                            if !same_mission {
                                fail(format!(
                                    "L'obiettivo strategico «{parent}» è di un'altra missione."
                                ));
                                continue;
                            }
                            Some(parent)
                        }
                        _ => {
                            fail(format!("Obiettivo strategico «{parent}» non trovato."));
                            continue;
                        }
                    },
                };
                if claim(&mut codes, &code, "operativo", &place, &mut fail) {
                    tree.operational.push(OperationalRow {
                        code,
                        mission: mission.clone(),
                        programme,
                        strategic,
                        title,
                        description: get("descrizione"),
                        office: get("responsabile"),
                        resources: BTreeMap::new(),
                    });
                }
            }
            "risorse" => {
                let Some(y) = year(&get("anno")) else {
                    fail(format!("Anno «{}» non valido.", get("anno")));
                    continue;
                };
                let Some(amount) = parse_number(&get("importo")) else {
                    fail(format!("Importo «{}» non è un numero.", get("importo")));
                    continue;
                };
                if !(0.0..1e13).contains(&amount) {
                    fail(format!("Importo «{}» fuori misura.", get("importo")));
                    continue;
                }
                pending_resources.push((
                    line,
                    place.clone(),
                    get("padre"),
                    y,
                    (amount * 100.0).round() as i64,
                ));
            }
            "indicatore" => {
                let code = get("codice");
                let parent = get("padre");
                if skip_for(&parent) {
                    continue;
                }
                if !matches!(codes.get(&parent), Some(("operativo", _))) {
                    fail(format!("Obiettivo operativo «{parent}» non trovato."));
                    continue;
                }
                let baseline = match get("valore_base").as_str() {
                    "" => None,
                    raw => match parse_number(raw) {
                        Some(n) => Some(n),
                        None => {
                            fail(format!("Valore di base «{raw}» non è un numero."));
                            continue;
                        }
                    },
                };
                if claim(&mut codes, &code, "indicatore", &place, &mut fail) {
                    tree.indicators.push(IndicatorRow {
                        code,
                        objective: parent,
                        name: title,
                        unit: get("unita"),
                        baseline,
                        targets: BTreeMap::new(),
                        actuals: BTreeMap::new(),
                    });
                }
            }
            "valore" => {
                let Some(y) = year(&get("anno")) else {
                    fail(format!("Anno «{}» non valido.", get("anno")));
                    continue;
                };
                let optional = |column: &str| -> Result<Option<f64>, String> {
                    match get(column).as_str() {
                        "" => Ok(None),
                        raw => parse_number(raw).map(Some).ok_or_else(|| raw.to_owned()),
                    }
                };
                let target = match optional("valore_atteso") {
                    Ok(t) => t,
                    Err(raw) => {
                        fail(format!("Valore atteso «{raw}» non è un numero."));
                        continue;
                    }
                };
                let actual = match optional("valore_rilevato") {
                    Ok(a) => a,
                    Err(raw) => {
                        fail(format!("Valore rilevato «{raw}» non è un numero."));
                        continue;
                    }
                };
                if target.is_none() && actual.is_none() {
                    fail("Serve almeno il valore atteso o quello rilevato.".into());
                    continue;
                }
                pending_values.push((line, place.clone(), get("padre"), y, target, actual));
            }
            other => fail(format!(
                "Tipo «{other}» sconosciuto: programma, obiettivo_strategico, \
                 obiettivo_operativo, risorse, indicatore o valore."
            )),
        }
    }
    let refused = refused.into_inner();
    for (line, place, parent, y, cents) in pending_resources {
        if refused.contains(&parent) {
            continue;
        }
        match tree.operational.iter_mut().find(|o| o.code == parent) {
            Some(objective) if objective.resources.contains_key(&y) => errors.push(ImportProblem {
                line,
                place,
                message: format!("Risorse di «{parent}» per il {y} già indicate."),
            }),
            Some(objective) => {
                objective.resources.insert(y, cents);
            }
            None => errors.push(ImportProblem {
                line,
                place,
                message: format!("Obiettivo operativo «{parent}» non trovato."),
            }),
        }
    }
    for (line, place, parent, y, target, actual) in pending_values {
        if refused.contains(&parent) {
            continue;
        }
        match tree.indicators.iter_mut().find(|i| i.code == parent) {
            Some(indicator)
                if indicator.targets.contains_key(&y) || indicator.actuals.contains_key(&y) =>
            {
                errors.push(ImportProblem {
                    line,
                    place,
                    message: format!("Valori di «{parent}» per il {y} già indicati."),
                })
            }
            Some(indicator) => {
                if let Some(target) = target {
                    indicator.targets.insert(y, target);
                }
                if let Some(actual) = actual {
                    indicator.actuals.insert(y, actual);
                }
            }
            None => errors.push(ImportProblem {
                line,
                place,
                message: format!("Indicatore «{parent}» non trovato."),
            }),
        }
    }
    if errors.is_empty() {
        Ok(tree)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

/// Writes a number so that [`parse_number`] reads it back exactly: no
/// thousands separator, a comma before decimals.
fn plain(value: f64) -> String {
    value.to_string().replace('.', ",")
}

fn euro(cents: i64) -> String {
    plain(cents as f64 / 100.0)
}

/// Writes the tree as CSV, in the order the rules need (parents first).
pub fn write_csv(tree: &DupTree) -> String {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut row = |values: [&str; 14]| {
        // Writing to memory cannot fail.
        let _ = writer.write_record(values);
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

/// The JSON document of a DUP tree.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DupDocument {
    /// Always `piazza-dup/1`.
    pub formato: String,
    #[serde(default)]
    pub programmi: Vec<JsonProgramme>,
    #[serde(default)]
    pub obiettivi_strategici: Vec<JsonStrategic>,
    #[serde(default)]
    pub obiettivi_operativi: Vec<JsonOperational>,
    #[serde(default)]
    pub indicatori: Vec<JsonIndicator>,
}

/// The format name written in every JSON document.
pub const JSON_FORMAT: &str = "piazza-dup/1";

/// A programme in the JSON document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonProgramme {
    pub missione: String,
    pub codice: String,
    pub titolo: String,
}

/// A strategic objective in the JSON document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonStrategic {
    pub codice: String,
    pub missione: String,
    pub titolo: String,
    #[serde(default)]
    pub descrizione: String,
}

/// A year's resources in the JSON document (euro).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonResource {
    pub anno: i32,
    pub euro: f64,
}

/// An operational objective in the JSON document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonOperational {
    pub codice: String,
    pub missione: String,
    pub programma: String,
    /// The strategic objective (absent in a simplified DUP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obiettivo_strategico: Option<String>,
    pub titolo: String,
    #[serde(default)]
    pub descrizione: String,
    #[serde(default)]
    pub responsabile: String,
    #[serde(default)]
    pub risorse: Vec<JsonResource>,
}

/// A year's values of an indicator in the JSON document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonValue {
    pub anno: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub atteso: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rilevato: Option<f64>,
}

/// An indicator in the JSON document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonIndicator {
    pub codice: String,
    /// The operational objective.
    pub obiettivo: String,
    pub nome: String,
    #[serde(default)]
    pub unita: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valore_base: Option<f64>,
    #[serde(default)]
    pub valori: Vec<JsonValue>,
}

/// Writes the tree as a JSON document.
pub fn write_json(tree: &DupTree) -> String {
    let document = DupDocument {
        formato: JSON_FORMAT.into(),
        programmi: tree
            .programmes
            .iter()
            .map(|p| JsonProgramme {
                missione: p.mission.clone(),
                codice: p.code.clone(),
                titolo: p.title.clone(),
            })
            .collect(),
        obiettivi_strategici: tree
            .strategic
            .iter()
            .map(|s| JsonStrategic {
                codice: s.code.clone(),
                missione: s.mission.clone(),
                titolo: s.title.clone(),
                descrizione: s.description.clone(),
            })
            .collect(),
        obiettivi_operativi: tree
            .operational
            .iter()
            .map(|o| JsonOperational {
                codice: o.code.clone(),
                missione: o.mission.clone(),
                programma: o.programme.clone(),
                obiettivo_strategico: o.strategic.clone(),
                titolo: o.title.clone(),
                descrizione: o.description.clone(),
                responsabile: o.office.clone(),
                risorse: o
                    .resources
                    .iter()
                    .map(|(anno, cents)| JsonResource {
                        anno: *anno,
                        euro: *cents as f64 / 100.0,
                    })
                    .collect(),
            })
            .collect(),
        indicatori: tree
            .indicators
            .iter()
            .map(|i| {
                let years: std::collections::BTreeSet<i32> =
                    i.targets.keys().chain(i.actuals.keys()).copied().collect();
                JsonIndicator {
                    codice: i.code.clone(),
                    obiettivo: i.objective.clone(),
                    nome: i.name.clone(),
                    unita: i.unit.clone(),
                    valore_base: i.baseline,
                    valori: years
                        .into_iter()
                        .map(|anno| JsonValue {
                            anno,
                            atteso: i.targets.get(&anno).copied(),
                            rilevato: i.actuals.get(&anno).copied(),
                        })
                        .collect(),
                }
            })
            .collect(),
    };
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// Reads a JSON document with the same rules as the CSV.
pub fn read_json(
    text: &str,
    missions: &HashSet<String>,
    simplified: bool,
) -> Result<DupTree, Vec<ImportProblem>> {
    let document: DupDocument = serde_json::from_str(text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                "JSON non valido"
            }
            serde_json::error::Category::Data => "Campo mancante, sconosciuto o di tipo sbagliato",
            serde_json::error::Category::Io => "Testo illeggibile",
        };
        // serde_json names the field in English words around it; keep the
        // quoted field name, which is the document's own (Italian).
        let detail = match e.classify() {
            serde_json::error::Category::Data => e
                .to_string()
                .split('`')
                .nth(1)
                .map(|field| format!(" («{field}»)"))
                .unwrap_or_default(),
            _ => String::new(),
        };
        vec![ImportProblem {
            line: Some(e.line() as u64),
            place: format!("riga {}, colonna {}", e.line(), e.column()),
            message: format!("{what}{detail}."),
        }]
    })?;
    if document.formato != JSON_FORMAT {
        return Err(vec![ImportProblem {
            line: None,
            place: "formato".into(),
            message: format!(
                "Formato «{}» sconosciuto: serve «{JSON_FORMAT}».",
                document.formato
            ),
        }]);
    }
    let mut items = Vec::new();
    let mut push = |place: String, fields: Vec<(&'static str, String)>| {
        items.push(Item {
            line: None,
            place,
            fields: fields.into_iter().collect(),
        });
    };
    for (n, p) in document.programmi.iter().enumerate() {
        push(
            format!("programmi[{n}]"),
            vec![
                ("tipo", "programma".into()),
                ("missione", p.missione.trim().into()),
                ("codice", p.codice.trim().into()),
                ("titolo", p.titolo.trim().into()),
            ],
        );
    }
    for (n, s) in document.obiettivi_strategici.iter().enumerate() {
        push(
            format!("obiettivi_strategici[{n}]"),
            vec![
                ("tipo", "obiettivo_strategico".into()),
                ("codice", s.codice.trim().into()),
                ("missione", s.missione.trim().into()),
                ("titolo", s.titolo.trim().into()),
                ("descrizione", s.descrizione.trim().into()),
            ],
        );
    }
    for (n, o) in document.obiettivi_operativi.iter().enumerate() {
        push(
            format!("obiettivi_operativi[{n}]"),
            vec![
                ("tipo", "obiettivo_operativo".into()),
                ("codice", o.codice.trim().into()),
                ("missione", o.missione.trim().into()),
                ("programma", o.programma.trim().into()),
                (
                    "padre",
                    o.obiettivo_strategico
                        .clone()
                        .unwrap_or_default()
                        .trim()
                        .into(),
                ),
                ("titolo", o.titolo.trim().into()),
                ("descrizione", o.descrizione.trim().into()),
                ("responsabile", o.responsabile.trim().into()),
            ],
        );
        for (r, resource) in o.risorse.iter().enumerate() {
            push(
                format!("obiettivi_operativi[{n}].risorse[{r}]"),
                vec![
                    ("tipo", "risorse".into()),
                    ("padre", o.codice.trim().into()),
                    ("anno", resource.anno.to_string()),
                    ("importo", plain(resource.euro)),
                ],
            );
        }
    }
    for (n, i) in document.indicatori.iter().enumerate() {
        push(
            format!("indicatori[{n}]"),
            vec![
                ("tipo", "indicatore".into()),
                ("codice", i.codice.trim().into()),
                ("padre", i.obiettivo.trim().into()),
                ("titolo", i.nome.trim().into()),
                ("unita", i.unita.trim().into()),
                ("valore_base", i.valore_base.map(plain).unwrap_or_default()),
            ],
        );
        for (v, value) in i.valori.iter().enumerate() {
            push(
                format!("indicatori[{n}].valori[{v}]"),
                vec![
                    ("tipo", "valore".into()),
                    ("padre", i.codice.trim().into()),
                    ("anno", value.anno.to_string()),
                    ("valore_atteso", value.atteso.map(plain).unwrap_or_default()),
                    (
                        "valore_rilevato",
                        value.rilevato.map(plain).unwrap_or_default(),
                    ),
                ],
            );
        }
    }
    validate(items, missions, simplified)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "tipo,codice,missione,programma,padre,titolo,descrizione,responsabile,anno,importo,unita,valore_base,valore_atteso,valore_rilevato\n";

    fn missions() -> HashSet<String> {
        ["01", "10", "12"].iter().map(|s| s.to_string()).collect()
    }

    fn read(body: &str, simplified: bool) -> Result<DupTree, Vec<ImportProblem>> {
        read_csv(&format!("{HEADER}{body}"), &missions(), simplified)
    }

    const GOOD: &str = "\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
obiettivo_strategico,SeS-10.1,10,,,Una città che si muove meglio,Meno auto e più bus,,,,,,,
obiettivo_operativo,SeO-10.02.1,10,02,SeS-10.1,Nuove linee di bus nei quartieri,,Settore mobilità,,,,,,
risorse,,,,SeO-10.02.1,,,,2026,\"1.250.000,50\",,,,
risorse,,,,SeO-10.02.1,,,,2027,900000,,,,
indicatore,IND-1,,,SeO-10.02.1,Passeggeri annui,,,,,migliaia,1200,,
valore,,,,IND-1,,,,2026,,,,1300,1280
valore,,,,IND-1,,,,2027,,,,1400,
";

    #[test]
    fn a_good_file_gives_the_whole_tree() {
        let tree = read(GOOD, false).unwrap();
        assert_eq!(tree.programmes.len(), 1);
        assert_eq!(tree.strategic[0].code, "SeS-10.1");
        let seo = &tree.operational[0];
        assert_eq!(seo.strategic.as_deref(), Some("SeS-10.1"));
        assert_eq!(seo.resources[&2026], 125_000_050);
        assert_eq!(seo.resources[&2027], 90_000_000);
        let ind = &tree.indicators[0];
        assert_eq!(ind.baseline, Some(1200.0));
        assert_eq!(ind.targets[&2027], 1400.0);
        assert_eq!(ind.actuals.get(&2026), Some(&1280.0));
        assert_eq!(ind.actuals.get(&2027), None);
    }

    #[test]
    fn every_bad_line_is_named_and_nothing_is_accepted() {
        let bad = format!(
            "{GOOD}\
programma,2,10,,,Programma senza due cifre,,,,,,,,
programma,01,20,,,Missione tecnica,,,,,,,,
obiettivo_operativo,SeO-X,12,05,SeS-10.1,Programma fuori dalla missione,,,,,,,,
obiettivo_operativo,SeO-Y,10,02,SeS-99,Padre mancante,,,,,,,,
obiettivo_strategico,SeS-10.1,10,,,Duplicato,,,,,,,,
risorse,,,,SeO-10.02.1,,,,2026,tanti,,,,
"
        );
        let errors = read(&bad, false).unwrap_err();
        let lines: Vec<u64> = errors.iter().filter_map(|e| e.line).collect();
        assert_eq!(lines, vec![10, 11, 12, 13, 14, 15]);
        assert!(errors[0].message.contains("due cifre"));
        assert!(errors[1].message.contains("Missione «20»"));
        assert!(errors[2].message.contains("non presente nella missione 12"));
        assert!(errors[3].message.contains("«SeS-99» non trovato"));
        assert!(errors[4].message.contains("duplicato (già in riga 3)"));
        assert!(errors[5].message.contains("non è un numero"));
    }

    #[test]
    fn lines_depending_on_a_refused_item_are_not_reported_again() {
        let body = "\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
obiettivo_operativo,SeO-1,10,02,,Senza padre,,,,,,,,
risorse,,,,SeO-1,,,,2026,1000,,,,
indicatore,IND-1,,,SeO-1,Passeggeri,,,,,n,1,,
valore,,,,IND-1,,,,2026,,,,2,
";
        let errors = read(body, false).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, Some(3));
    }

    #[test]
    fn lines_are_counted_in_the_file_and_duplicates_and_nul_are_refused() {
        let body = "\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
obiettivo_strategico,SeS-10.1,10,,,Muoversi meglio,\"Su due
righe\",,,,,,,
risorse,,,,SeO-X,,,,2026,1,,,,
programma,03,10,,,Con \u{0}nul,,,,,,,,
";
        let errors = read(body, false).unwrap_err();
        assert_eq!(errors[0].line, Some(5), "{errors:?}");
        assert_eq!(errors[1].line, Some(6));
        assert!(errors[1].message.contains("Carattere di controllo"));
        let crlf = read(&body.replace('\n', "\r\n"), false).unwrap_err();
        assert_eq!(crlf[0].line, Some(5), "{crlf:?}");
        let twice = format!("{GOOD}risorse,,,,SeO-10.02.1,,,,2026,1,,,,\n");
        let errors = read(&twice, false).unwrap_err();
        assert!(errors[0].message.contains("già indicate"), "{errors:?}");
    }

    #[test]
    fn a_simplified_dup_has_no_strategic_objectives() {
        let simplified = "\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
obiettivo_operativo,SeO-1,10,02,,Bus nei quartieri,,,,,,,,
";
        let tree = read(simplified, true).unwrap();
        assert_eq!(tree.operational[0].strategic, None);
        let errors = read(GOOD, true).unwrap_err();
        assert!(errors[0].message.contains("semplificato"));
        assert_eq!(errors[0].line, Some(3));
    }

    #[test]
    fn csv_and_json_round_trip_to_the_same_tree() {
        let tree = read(GOOD, false).unwrap();
        let again = read_csv(&write_csv(&tree), &missions(), false).unwrap();
        assert_eq!(again, tree);
        let json = write_json(&tree);
        assert_eq!(read_json(&json, &missions(), false).unwrap(), tree);
    }

    #[test]
    fn json_problems_name_the_item() {
        let bad = r#"{"formato":"piazza-dup/1","programmi":[{"missione":"20","codice":"01","titolo":"Fondo"}]}"#;
        let errors = read_json(bad, &missions(), false).unwrap_err();
        assert_eq!(errors[0].place, "programmi[0]");
        let broken = read_json("{\n\"formato\": 3", &missions(), false).unwrap_err();
        assert_eq!(broken[0].line, Some(2));
        let unknown = read_json(
            r#"{"formato":"piazza-dup/1","altro":[]}"#,
            &missions(),
            false,
        )
        .unwrap_err();
        assert!(unknown[0].message.contains("«altro»"), "{unknown:?}");
    }

    /// The README's sample files hold the same tree in both formats.
    #[test]
    fn the_sample_files_agree() {
        let all: HashSet<String> = (1..=19).map(|n| format!("{n:02}")).collect();
        let csv = read_csv(
            include_str!("../../../demo/dup-pinerolo-2026-2028.csv"),
            &all,
            false,
        )
        .unwrap();
        let json = read_json(
            include_str!("../../../demo/dup-pinerolo-2026-2028.json"),
            &all,
            false,
        )
        .unwrap();
        assert_eq!(csv, json);
        assert_eq!(csv.operational.len(), 5);
    }

    #[test]
    fn missing_columns_are_named() {
        let errors = read_csv("tipo,codice\n", &missions(), false).unwrap_err();
        assert_eq!(errors[0].line, Some(1));
        assert!(errors[0].message.contains("missione"));
    }
}
