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

mod csv;
mod json;
mod rows;
#[cfg(test)]
mod tests;

pub use csv::{read_csv, write_csv};
pub use json::{
    DupDocument, JSON_FORMAT, JsonIndicator, JsonOperational, JsonProgramme, JsonResource,
    JsonStrategic, JsonValue, read_json, write_json,
};
pub use rows::{DupTree, IndicatorRow, OperationalRow, ProgrammeRow, StrategicRow};
