//! The items of a DUP tree as both formats read them, and the one check
//! every imported tree passes ([`validate`]).

use std::collections::{BTreeMap, HashMap, HashSet};

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
pub(crate) struct Item {
    pub(crate) line: Option<u64>,
    pub(crate) place: String,
    pub(crate) fields: HashMap<&'static str, String>,
}

impl Item {
    fn get(&self, column: &str) -> String {
        self.fields.get(column).cloned().unwrap_or_default()
    }
}

pub(crate) const COLUMNS: [&str; 14] = [
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
pub(crate) fn claim(
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

pub(crate) fn year(text: &str) -> Option<i32> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
}

/// Checks a text field's length; `None` when it fits.
pub(crate) fn too_long(label: &str, text: &str, max: usize) -> Option<String> {
    (text.chars().count() > max).then(|| format!("{label}: al massimo {max} caratteri."))
}

/// Applies the rules to the items, in order, and builds the tree.
pub(crate) fn validate(
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
pub(crate) fn plain(value: f64) -> String {
    value.to_string().replace('.', ",")
}
