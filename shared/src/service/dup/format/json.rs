//! The JSON form of a DUP tree (`DupDocument`): the same items nested by
//! kind, checked by the same rules; problems name the item
//! (`obiettivi_operativi[2]`).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::rows::{DupTree, Item, plain, validate};
use crate::model::dup::ImportProblem;

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
