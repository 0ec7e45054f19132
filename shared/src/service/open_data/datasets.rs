//! The datasets of an export, their columns and the fixed file names.

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
pub(crate) fn columns_of(name: &str) -> &'static [&'static str] {
    DATASETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, c)| *c)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dataset_has_columns() {
        for (name, description, columns) in DATASETS {
            assert!(!description.is_empty(), "{name}");
            assert!(!columns.is_empty(), "{name}");
            assert_eq!(columns_of(name), columns);
        }
    }
}
