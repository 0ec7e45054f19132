//! The exchange format of a DUP tree (issue 6, groundwork): one CSV file, a
//! row per item, read strictly. Every problem is reported with its line and
//! in Italian, and nothing is accepted when any line fails.
//!
//! Columns: `tipo,codice,missione,programma,padre,titolo,descrizione,
//! responsabile,anno,importo,unita,valore_base,valore_atteso,valore_rilevato`.
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

/// A problem on one line (1 is the header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub message: String,
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

/// Reads a number written the Italian way (`1.234,56`) or plainly (`1234.56`).
fn number(text: &str) -> Option<f64> {
    let text = text.trim().replace(' ', "");
    let normal = if text.contains(',') {
        text.replace('.', "").replace(',', ".")
    } else {
        text
    };
    normal.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Records a new code, or says where it was first used.
fn claim(
    codes: &mut HashMap<String, (&'static str, u64)>,
    code: &str,
    kind: &'static str,
    line: u64,
    fail: &mut dyn FnMut(String),
) -> bool {
    if code.is_empty() {
        fail("Manca il codice.".into());
        return false;
    }
    if let Some((_, first)) = codes.get(code) {
        fail(format!(
            "Codice «{code}» duplicato (già alla riga {first})."
        ));
        return false;
    }
    codes.insert(code.to_owned(), (kind, line));
    true
}

fn year(text: &str) -> Option<i32> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
}

/// Reads a DUP CSV. `missions` are the valid mission codes (technical ones
/// excluded); `simplified` says whether operational objectives may have no
/// strategic objective (and strategic objectives are refused).
pub fn read_csv(
    text: &str,
    missions: &HashSet<String>,
    simplified: bool,
) -> Result<DupTree, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_lowercase).collect(),
        Err(_) => {
            return Err(vec![LineError {
                line: 1,
                message: "Intestazione illeggibile: il file deve essere CSV in UTF-8.".into(),
            }]);
        }
    };
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !header.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(vec![LineError {
            line: 1,
            message: format!("Mancano le colonne: {}.", missing.join(", ")),
        }]);
    }
    let index: HashMap<&str, usize> = COLUMNS
        .iter()
        .map(|c| (*c, header.iter().position(|h| h == c).unwrap_or(0)))
        .collect();
    let mut tree = DupTree::default();
    let mut codes: HashMap<String, (&'static str, u64)> = HashMap::new();
    let mut pending_resources = Vec::new();
    let mut pending_values = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(LineError {
                    line,
                    message: format!("Riga illeggibile ({e})."),
                });
                continue;
            }
        };
        let get = |column: &str| record.get(index[column]).unwrap_or("").to_owned();
        let mut fail = |message: String| errors.push(LineError { line, message });
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
        match get("tipo").as_str() {
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
                if claim(&mut codes, &key, "programma", line, &mut fail) {
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
                    && claim(&mut codes, &code, "strategico", line, &mut fail)
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
                if !codes.contains_key(&format!("{mission}.{programme}")) {
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
                    (false, false) => match codes.get(&parent) {
                        Some(("strategico", _)) => Some(parent),
                        _ => {
                            fail(format!("Obiettivo strategico «{parent}» non trovato."));
                            continue;
                        }
                    },
                };
                if claim(&mut codes, &code, "operativo", line, &mut fail) {
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
                let Some(amount) = number(&get("importo")) else {
                    fail(format!("Importo «{}» non è un numero.", get("importo")));
                    continue;
                };
                pending_resources.push((line, get("padre"), y, (amount * 100.0).round() as i64));
            }
            "indicatore" => {
                let code = get("codice");
                let parent = get("padre");
                if !matches!(codes.get(&parent), Some(("operativo", _))) {
                    fail(format!("Obiettivo operativo «{parent}» non trovato."));
                    continue;
                }
                let baseline = match get("valore_base").as_str() {
                    "" => None,
                    raw => match number(raw) {
                        Some(n) => Some(n),
                        None => {
                            fail(format!("Valore di base «{raw}» non è un numero."));
                            continue;
                        }
                    },
                };
                if claim(&mut codes, &code, "indicatore", line, &mut fail) {
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
                let target = number(&get("valore_atteso"));
                let actual = match get("valore_rilevato").as_str() {
                    "" => None,
                    raw => match number(raw) {
                        Some(n) => Some(n),
                        None => {
                            fail(format!("Valore rilevato «{raw}» non è un numero."));
                            continue;
                        }
                    },
                };
                let Some(target) = target else {
                    fail(format!(
                        "Valore atteso «{}» non è un numero.",
                        get("valore_atteso")
                    ));
                    continue;
                };
                pending_values.push((line, get("padre"), y, target, actual));
            }
            other => fail(format!(
                "Tipo «{other}» sconosciuto: programma, obiettivo_strategico, \
                 obiettivo_operativo, risorse, indicatore o valore."
            )),
        }
    }
    for (line, parent, y, cents) in pending_resources {
        match tree.operational.iter_mut().find(|o| o.code == parent) {
            Some(objective) => {
                objective.resources.insert(y, cents);
            }
            None => errors.push(LineError {
                line,
                message: format!("Obiettivo operativo «{parent}» non trovato."),
            }),
        }
    }
    for (line, parent, y, target, actual) in pending_values {
        match tree.indicators.iter_mut().find(|i| i.code == parent) {
            Some(indicator) => {
                indicator.targets.insert(y, target);
                if let Some(actual) = actual {
                    indicator.actuals.insert(y, actual);
                }
            }
            None => errors.push(LineError {
                line,
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

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "tipo,codice,missione,programma,padre,titolo,descrizione,responsabile,anno,importo,unita,valore_base,valore_atteso,valore_rilevato\n";

    fn missions() -> HashSet<String> {
        ["01", "10", "12"].iter().map(|s| s.to_string()).collect()
    }

    fn read(body: &str, simplified: bool) -> Result<DupTree, Vec<LineError>> {
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
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![10, 11, 12, 13, 14, 15]);
        assert!(errors[0].message.contains("due cifre"));
        assert!(errors[1].message.contains("Missione «20»"));
        assert!(errors[2].message.contains("non presente nella missione 12"));
        assert!(errors[3].message.contains("«SeS-99» non trovato"));
        assert!(errors[4].message.contains("duplicato (già alla riga 3)"));
        assert!(errors[5].message.contains("non è un numero"));
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
        assert_eq!(errors[0].line, 3);
    }

    #[test]
    fn missing_columns_are_named() {
        let errors = read_csv("tipo,codice\n", &missions(), false).unwrap_err();
        assert_eq!(errors[0].line, 1);
        assert!(errors[0].message.contains("missione"));
    }
}
