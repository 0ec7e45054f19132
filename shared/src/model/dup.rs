//! The DUP (Documento Unico di Programmazione): editions, the tree of
//! missions, programmes and objectives, links from proposals and projects,
//! coverage and monitoring, as the pages and the API see them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;

stored_names! {
    /// The level of an objective.
    ObjectiveLevel {
        /// Sezione Strategica: mandate-long, under a mission.
        Strategic = "strategico",
        /// Sezione Operativa: three-year, under a programme.
        Operational = "operativo",
    }
}

stored_names! {
    /// Where an objective or project stands during monitoring.
    ProgressStatus {
        NotStarted = "non_avviato",
        InProgress = "in_corso",
        Completed = "completato",
        Cancelled = "annullato",
    }
}

/// What a link or a progress record is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum PlanItem {
    Proposal(Uuid),
    Project(Uuid),
}

impl PlanItem {
    /// `proposta:<id>` or `progetto:<id>`, as forms send it.
    pub fn key(self) -> String {
        match self {
            PlanItem::Proposal(id) => format!("proposta:{id}"),
            PlanItem::Project(id) => format!("progetto:{id}"),
        }
    }

    /// Reads [`PlanItem::key`].
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, id) = text.split_once(':')?;
        let id = Uuid::parse_str(id.trim()).ok()?;
        match kind {
            "proposta" => Some(PlanItem::Proposal(id)),
            "progetto" => Some(PlanItem::Project(id)),
            _ => None,
        }
    }
}

/// The exchange formats of a DUP tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum DupFormat {
    Csv,
    Json,
}

impl DupFormat {
    /// Guesses the format from the text: JSON starts with `{`.
    pub fn sniff(text: &str) -> Self {
        if text.trim_start().starts_with('{') {
            DupFormat::Json
        } else {
            DupFormat::Csv
        }
    }
}

/// A problem in an imported file: where (a line, or a place in the JSON
/// document) and what, in Italian.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImportProblem {
    /// The line of the file (1 is the CSV header), when known.
    pub line: Option<u64>,
    /// "riga 12" or "obiettivi_operativi[3]".
    pub place: String,
    pub message: String,
}

/// What an import changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImportOutcome {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
}

/// An import either changes the edition or reports every problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum ImportResult {
    Imported(ImportOutcome),
    Rejected(Vec<ImportProblem>),
}

/// The fields of a new edition, parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EditionInput {
    pub organization: String,
    pub title: String,
    pub first_year: i32,
    pub last_year: i32,
    pub simplified: bool,
}

impl EditionInput {
    /// Parses the form; errors name the field.
    pub fn parse(
        organization: &str,
        title: &str,
        first_year: &str,
        last_year: &str,
        simplified: bool,
    ) -> Result<Self, (&'static str, FieldProblem)> {
        fn line(
            field: &'static str,
            text: &str,
            max: usize,
        ) -> Result<String, (&'static str, FieldProblem)> {
            let text = text.trim();
            if text.is_empty() {
                return Err((field, FieldProblem::Empty));
            }
            if text.chars().any(char::is_control) {
                return Err((field, FieldProblem::ControlCharacters));
            }
            if text.chars().count() > max {
                return Err((field, FieldProblem::TooLong { max }));
            }
            Ok(text.to_owned())
        }
        fn year(field: &'static str, text: &str) -> Result<i32, (&'static str, FieldProblem)> {
            match text.trim().parse::<i32>() {
                Ok(y) if (2000..=2100).contains(&y) => Ok(y),
                _ if text.trim().is_empty() => Err((field, FieldProblem::Empty)),
                _ => Err((field, FieldProblem::Malformed)),
            }
        }
        let organization = line("ente", organization, 200)?;
        let title = line("titolo", title, 200)?;
        let first_year = year("primo_anno", first_year)?;
        let last_year = year("ultimo_anno", last_year)?;
        if last_year < first_year || last_year - first_year > 9 {
            return Err(("ultimo_anno", FieldProblem::Malformed));
        }
        Ok(Self {
            organization,
            title,
            first_year,
            last_year,
            simplified,
        })
    }
}

/// An edition in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EditionSummary {
    pub id: Uuid,
    pub organization: String,
    pub title: String,
    pub first_year: i32,
    pub last_year: i32,
    pub simplified: bool,
    pub objective_count: i64,
    /// The processes whose plan informs this edition.
    pub processes: Vec<NamedRef>,
}

/// The editions and what the viewer may do with them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EditionList {
    pub editions: Vec<EditionSummary>,
    /// The viewer may create, import and copy editions.
    pub can_manage: bool,
}

/// An objective in the tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ObjectiveNode {
    pub id: Uuid,
    pub code: String,
    pub level: ObjectiveLevel,
    pub title: String,
    /// The strategic objective's code, for an operational one.
    pub parent_code: Option<String>,
    pub office: String,
    /// Proposals and projects linked to it.
    pub link_count: i64,
}

/// A programme with its operational objectives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProgrammeNode {
    pub code: String,
    pub title: String,
    pub objectives: Vec<ObjectiveNode>,
}

/// A mission with its strategic objectives and programmes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MissionNode {
    pub code: String,
    pub title: String,
    pub strategic: Vec<ObjectiveNode>,
    pub programmes: Vec<ProgrammeNode>,
}

/// An edition with its whole tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EditionDetail {
    pub summary: EditionSummary,
    /// Only missions with something in them.
    pub missions: Vec<MissionNode>,
    pub can_manage: bool,
    /// Processes the viewer may attach to this edition.
    pub attachable: Vec<NamedRef>,
}

/// A year's resources of an operational objective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ResourceYear {
    pub year: i32,
    pub cents: i64,
}

/// A year's target and actual value of an indicator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct IndicatorYear {
    pub year: i32,
    pub target: Option<f64>,
    pub actual: Option<f64>,
}

impl IndicatorYear {
    /// Actual minus target, when both are known.
    pub fn gap(&self) -> Option<f64> {
        Some(self.actual? - self.target?)
    }
}

/// An indicator with its values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct IndicatorDto {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub years: Vec<IndicatorYear>,
}

/// A link from a proposal or project to an objective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LinkDto {
    pub id: Uuid,
    pub item: PlanItem,
    /// The proposal's or project's title.
    pub item_title: String,
    pub objective: ObjectiveRef,
    pub rationale: String,
    pub weight: Option<i32>,
    pub linked_by: Option<String>,
    pub linked_at: DateTime<Utc>,
    /// Supports of the proposal, or distinct supporters of the project
    /// (`None` while the counts are hidden).
    pub supports: Option<i64>,
}

/// An objective named in a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ObjectiveRef {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub mission_code: String,
    pub level: ObjectiveLevel,
}

/// A progress record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProgressDto {
    pub id: Uuid,
    pub item_title: String,
    /// `obiettivo:<id>`, `progetto:<id>`.
    pub item_key: String,
    pub status: ProgressStatus,
    pub percent: i32,
    pub note_html: String,
    pub recorded_on: NaiveDate,
}

/// An objective's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ObjectiveDetail {
    pub objective: ObjectiveRef,
    pub edition: NamedRef,
    pub mission_title: String,
    pub programme: Option<NamedRef>,
    pub parent: Option<ObjectiveRef>,
    pub children: Vec<ObjectiveRef>,
    pub description_html: String,
    pub office: String,
    pub resources: Vec<ResourceYear>,
    pub indicators: Vec<IndicatorDto>,
    pub links: Vec<LinkDto>,
    /// Newest first.
    pub progress: Vec<ProgressDto>,
}

/// A suggested objective, with how close its text is (0–100).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Suggestion {
    pub objective: ObjectiveRef,
    pub score: u8,
}

/// The objectives a proposal or project feeds, and what the viewer may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ItemLinks {
    /// Its own links; for a proposal merged into a project, the project's
    /// links too (their `item` is the project).
    pub links: Vec<LinkDto>,
    /// The viewer may link and unlink (facilitators).
    pub can_link: bool,
    /// For facilitators: likely objectives first, best first.
    pub suggestions: Vec<Suggestion>,
    /// For facilitators: every objective that may be linked, in code order.
    pub choices: Vec<ObjectiveRef>,
    /// The edition the process informs, if any.
    pub edition: Option<NamedRef>,
}

/// A link's fields, parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LinkInput {
    pub objective_id: Uuid,
    pub rationale: String,
    /// 1 (marginal) to 5 (central).
    pub weight: Option<i32>,
}

/// Longest rationale of a link.
pub const RATIONALE_MAX: usize = 500;

impl LinkInput {
    /// Parses the form; errors name the field.
    pub fn parse(
        objective: &str,
        rationale: &str,
        weight: &str,
    ) -> Result<Self, (&'static str, FieldProblem)> {
        let objective_id = match objective.trim() {
            "" => return Err(("obiettivo", FieldProblem::Empty)),
            raw => Uuid::parse_str(raw).map_err(|_| ("obiettivo", FieldProblem::Malformed))?,
        };
        let rationale = rationale.trim();
        if rationale.is_empty() {
            return Err(("motivazione", FieldProblem::Empty));
        }
        if rationale.chars().count() > RATIONALE_MAX {
            return Err(("motivazione", FieldProblem::TooLong { max: RATIONALE_MAX }));
        }
        if rationale
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r')
        {
            return Err(("motivazione", FieldProblem::ControlCharacters));
        }
        let weight = match weight.trim() {
            "" => None,
            w => match w.parse::<i32>() {
                Ok(n) if (1..=5).contains(&n) => Some(n),
                _ => return Err(("peso", FieldProblem::Malformed)),
            },
        };
        Ok(Self {
            objective_id,
            rationale: rationale.to_owned(),
            weight,
        })
    }
}

/// A progress record's fields, parsed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProgressInput {
    pub status: ProgressStatus,
    pub percent: i32,
    pub note_md: String,
    pub recorded_on: NaiveDate,
    /// Actual values of the objective's indicators: (indicator, year, value).
    pub actuals: Vec<(Uuid, i32, f64)>,
}

/// Longest progress note (Markdown characters).
pub const PROGRESS_NOTE_MAX: usize = 5_000;

impl ProgressInput {
    /// Parses the form; errors name the field. `actuals` are
    /// `(indicator id, year, value as typed)`, empty values skipped.
    pub fn parse(
        status: &str,
        percent: &str,
        note: &str,
        recorded_on: &str,
        actuals: &[(String, String, String)],
    ) -> Result<Self, (String, FieldProblem)> {
        let status = ProgressStatus::parse(status.trim())
            .ok_or(("stato".to_owned(), FieldProblem::Malformed))?;
        let percent = match percent.trim().trim_end_matches('%').trim().parse::<i32>() {
            Ok(p) if (0..=100).contains(&p) => p,
            _ if percent.trim().is_empty() => {
                return Err(("percentuale".into(), FieldProblem::Empty));
            }
            _ => return Err(("percentuale".into(), FieldProblem::Malformed)),
        };
        let note_md = note.trim().to_owned();
        if note_md
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(("nota".into(), FieldProblem::ControlCharacters));
        }
        if note_md.chars().count() > PROGRESS_NOTE_MAX {
            return Err((
                "nota".into(),
                FieldProblem::TooLong {
                    max: PROGRESS_NOTE_MAX,
                },
            ));
        }
        let recorded_on = NaiveDate::parse_from_str(recorded_on.trim(), "%Y-%m-%d")
            .map_err(|_| ("data".to_owned(), FieldProblem::Malformed))?;
        let mut parsed = Vec::new();
        for (indicator, year, value) in actuals {
            if value.trim().is_empty() {
                continue;
            }
            let field = format!("valore_{indicator}_{year}");
            let id =
                Uuid::parse_str(indicator).map_err(|_| (field.clone(), FieldProblem::Malformed))?;
            let year = year
                .trim()
                .parse::<i32>()
                .map_err(|_| (field.clone(), FieldProblem::Malformed))?;
            let value = parse_number(value).ok_or((field, FieldProblem::Malformed))?;
            parsed.push((id, year, value));
        }
        Ok(Self {
            status,
            percent,
            note_md,
            recorded_on,
            actuals: parsed,
        })
    }
}

/// Reads a number written the Italian way (`1.234,56`) or plainly (`1234.56`).
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim().replace([' ', '\u{a0}'], "");
    if text.is_empty() {
        return None;
    }
    let thousands_only = {
        let groups: Vec<&str> = text.trim_start_matches('-').split('.').collect();
        groups.len() > 1
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
    };
    let normal = if text.contains(',') || thousands_only {
        text.replace('.', "").replace(',', ".")
    } else {
        text
    };
    normal.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Formats a number the Italian way, with at most two decimals.
pub fn format_number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let whole = rounded.abs().trunc() as u64;
    let cents = ((rounded.abs() - rounded.abs().trunc()) * 100.0).round() as u64;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    if cents == 0 {
        format!("{sign}{grouped}")
    } else if cents.is_multiple_of(10) {
        format!("{sign}{grouped},{}", cents / 10)
    } else {
        format!("{sign}{grouped},{cents:02}")
    }
}

/// Formats euro cents as `€ 1.250.000,50`.
pub fn format_euro(cents: i64) -> String {
    let whole = (cents.abs() / 100) as f64;
    let rest = cents.abs() % 100;
    let sign = if cents < 0 { "-" } else { "" };
    let whole = format_number(whole);
    if rest == 0 {
        format!("€ {sign}{whole}")
    } else {
        format!("€ {sign}{whole},{rest:02}")
    }
}

/// A row of the coverage view: one objective. A strategic objective also
/// counts what is linked to its operational objectives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CoverageRow {
    pub objective: ObjectiveRef,
    pub proposals: i64,
    pub projects: i64,
    /// Distinct people who supported any linked proposal, or any original of
    /// a linked project: each person once per objective (`None` while a
    /// voting phase hides the counts).
    pub supporters: Option<i64>,
}

/// A mission's totals in the coverage view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MissionCoverage {
    pub code: String,
    pub title: String,
    pub objectives: Vec<CoverageRow>,
    /// Objectives with at least one link.
    pub covered: i64,
    /// Distinct supporters over the whole mission (`None` while hidden).
    pub supporters: Option<i64>,
}

/// An accepted proposal or a project with no objective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UnlinkedItem {
    pub item: PlanItem,
    pub title: String,
    pub platform: String,
}

/// The coverage view of a process's plan against its DUP edition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Coverage {
    pub process: NamedRef,
    pub edition: Option<NamedRef>,
    pub missions: Vec<MissionCoverage>,
    /// Objectives with no linked proposal or project.
    pub uncovered: Vec<ObjectiveRef>,
    pub unlinked: Vec<UnlinkedItem>,
    /// The filters applied, and the choices.
    pub zone: Option<String>,
    pub platform: Option<String>,
    pub zones: Vec<NamedRef>,
    pub platforms: Vec<NamedRef>,
}

/// An objective or project followed during monitoring.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MonitoredItem {
    /// `obiettivo:<id>` or `progetto:<id>`.
    pub key: String,
    pub title: String,
    /// The objective's code, for objectives.
    pub code: Option<String>,
    pub href: String,
    /// The latest record, if any.
    pub latest: Option<ProgressDto>,
    pub indicators: Vec<IndicatorDto>,
}

/// The public progress page of a process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Monitoring {
    pub process: NamedRef,
    pub edition: Option<NamedRef>,
    /// Objectives linked to the plan, then live projects.
    pub items: Vec<MonitoredItem>,
    /// Every record, newest first.
    pub timeline: Vec<ProgressDto>,
    /// Monitoring is open (the plan is approved) and the viewer may record.
    pub can_record: bool,
    /// Monitoring is open: the process reached its monitoring phase.
    pub open: bool,
    /// Today, as the server sees it (the record form's default date).
    pub today: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_and_write_the_italian_way() {
        assert_eq!(parse_number("1.250.000,50"), Some(1_250_000.5));
        assert_eq!(parse_number("1250000.5"), Some(1_250_000.5));
        assert_eq!(parse_number("tanti"), None);
        assert_eq!(format_number(1_250_000.5), "1.250.000,5");
        assert_eq!(format_number(12.25), "12,25");
        assert_eq!(format_euro(125_000_050), "€ 1.250.000,50");
        assert_eq!(format_euro(90_000_000), "€ 900.000");
    }

    #[test]
    fn plan_items_round_trip() {
        let id = Uuid::nil();
        for item in [PlanItem::Proposal(id), PlanItem::Project(id)] {
            assert_eq!(PlanItem::parse(&item.key()), Some(item));
        }
        assert_eq!(PlanItem::parse("altro:x"), None);
    }

    #[test]
    fn link_and_progress_forms_name_the_wrong_field() {
        let id = Uuid::nil().to_string();
        assert_eq!(LinkInput::parse(&id, " ", "").unwrap_err().0, "motivazione");
        assert_eq!(LinkInput::parse(&id, "perché", "9").unwrap_err().0, "peso");
        assert_eq!(
            LinkInput::parse(&id, "perché", "3").unwrap().weight,
            Some(3)
        );
        let bad = ProgressInput::parse("in_corso", "120", "", "2027-01-10", &[]);
        assert_eq!(bad.unwrap_err().0, "percentuale");
        let actuals = [(id.clone(), "2027".to_owned(), "1.280".to_owned())];
        let ok = ProgressInput::parse("in_corso", "40%", "", "2027-01-10", &actuals).unwrap();
        assert_eq!(ok.actuals[0].2, 1280.0);
        assert!(EditionInput::parse("Comune", "DUP", "2028", "2026", false).is_err());
    }
}
