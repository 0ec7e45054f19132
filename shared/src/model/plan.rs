//! The final plan: how facilitators compose it, what a saved version says,
//! the council's approval, and the differences between two versions.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::participation::parse_text;

/// Limits of the introduction and the closing text (Markdown characters).
pub const PLAN_TEXT: (usize, usize) = (0, 20_000);
/// Limits of a section's editorial text.
pub const SECTION_TEXT: (usize, usize) = (0, 10_000);
/// Limits of a version's note ("what changed").
pub const VERSION_NOTE: (usize, usize) = (0, 300);
/// Limits of a resolution number ("45/2026").
pub const RESOLUTION_NUMBER: (usize, usize) = (1, 40);
/// The highest position a section can be given.
pub const MAX_POSITION: i32 = 999;

/// Who approved the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum ApprovingBody {
    /// Consiglio comunale (or metropolitano).
    #[serde(rename = "consiglio")]
    Council,
    /// Giunta.
    #[serde(rename = "giunta")]
    Giunta,
}

impl ApprovingBody {
    /// Both, in the order forms list them.
    pub const ALL: [ApprovingBody; 2] = [ApprovingBody::Council, ApprovingBody::Giunta];

    /// The stored and submitted name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovingBody::Council => "consiglio",
            ApprovingBody::Giunta => "giunta",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == name.trim())
    }

    /// The name in documents (Italian, as the resolution says it).
    pub fn label_it(self) -> &'static str {
        match self {
            ApprovingBody::Council => "Consiglio",
            ApprovingBody::Giunta => "Giunta",
        }
    }
}

/// A facilitator's text and place for one section of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SectionText {
    /// `d:<direction code>` for a strategic direction (`d:` alone for the
    /// platforms without one), `p:<platform slug>` for a platform.
    pub key: String,
    /// Sections are shown by position, then in their natural order.
    pub position: i32,
    pub text_md: String,
}

/// What facilitators write and arrange; the rest of the plan comes from the
/// process (projects, accepted proposals, their supports and objectives).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanComposition {
    pub introduction_md: String,
    pub closing_md: String,
    pub sections: Vec<SectionText>,
}

impl PlanComposition {
    /// The text and position typed for `key`, if any.
    pub fn section(&self, key: &str) -> Option<&SectionText> {
        self.sections.iter().find(|s| s.key == key)
    }
}

/// A version to save, parsed from the composition form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanInput {
    pub composition: PlanComposition,
    pub note: String,
}

impl PlanInput {
    /// Parses the form: the texts, then one (key, position, text) per section
    /// (positions may be left empty). A wrong field comes back by name
    /// (`testo_<n>`, `posizione_<n>` for the n-th section, from 1).
    pub fn parse(
        introduction: &str,
        closing: &str,
        note: &str,
        sections: &[(String, String, String)],
    ) -> Result<Self, (String, FieldProblem)> {
        let introduction_md =
            parse_text(introduction, PLAN_TEXT, true).map_err(|p| ("introduzione".into(), p))?;
        let closing_md =
            parse_text(closing, PLAN_TEXT, true).map_err(|p| ("conclusione".into(), p))?;
        let note = parse_text(note, VERSION_NOTE, false).map_err(|p| ("nota".into(), p))?;
        let mut parsed: Vec<SectionText> = Vec::with_capacity(sections.len());
        for (n, (key, position, text)) in sections.iter().enumerate() {
            let n = n + 1;
            let key = key.trim();
            if !is_section_key(key) || parsed.iter().any(|s| s.key == key) {
                return Err((format!("sezione_{n}"), FieldProblem::Malformed));
            }
            let position = match position.trim() {
                "" => MAX_POSITION,
                typed => match typed.parse::<i32>() {
                    Ok(p) if (1..=MAX_POSITION).contains(&p) => p,
                    _ => return Err((format!("posizione_{n}"), FieldProblem::Malformed)),
                },
            };
            let text_md =
                parse_text(text, SECTION_TEXT, true).map_err(|p| (format!("testo_{n}"), p))?;
            parsed.push(SectionText {
                key: key.to_owned(),
                position,
                text_md,
            });
        }
        Ok(Self {
            composition: PlanComposition {
                introduction_md,
                closing_md,
                sections: parsed,
            },
            note,
        })
    }
}

/// Whether `key` has the shape of a section key (see [`SectionText::key`]).
pub fn is_section_key(key: &str) -> bool {
    let slug_like = |s: &str| {
        s.len() <= 120
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match (key.strip_prefix("d:"), key.strip_prefix("p:")) {
        (Some(direction), _) => slug_like(direction),
        (_, Some(platform)) => !platform.is_empty() && slug_like(platform),
        _ => false,
    }
}

/// The approval to record, parsed from the council's form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovalInput {
    pub version: i32,
    pub body: ApprovingBody,
    pub resolution_number: String,
    pub resolution_date: NaiveDate,
}

impl ApprovalInput {
    /// Parses the form fields `versione`, `organo`, `numero_delibera`, `data_delibera`.
    pub fn parse(
        version: &str,
        body: &str,
        number: &str,
        date: &str,
    ) -> Result<Self, (String, FieldProblem)> {
        let version = version
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|v| *v >= 1)
            .ok_or(("versione".to_owned(), FieldProblem::Malformed))?;
        let body =
            ApprovingBody::parse(body).ok_or(("organo".to_owned(), FieldProblem::Malformed))?;
        let resolution_number = parse_text(number, RESOLUTION_NUMBER, false)
            .map_err(|p| ("numero_delibera".to_owned(), p))?;
        let resolution_date = match date.trim() {
            "" => return Err(("data_delibera".into(), FieldProblem::Empty)),
            typed => NaiveDate::parse_from_str(typed, "%Y-%m-%d")
                .map_err(|_| ("data_delibera".to_owned(), FieldProblem::Malformed))?,
        };
        Ok(Self {
            version,
            body,
            resolution_number,
            resolution_date,
        })
    }
}

/// What kind of entry of the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanEntryKind {
    Project,
    Proposal,
}

/// A DUP objective an entry feeds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanObjective {
    pub id: Uuid,
    pub code: String,
    pub mission_code: String,
    pub title: String,
}

/// A project or accepted proposal, as the plan states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanEntry {
    pub kind: PlanEntryKind,
    pub id: Uuid,
    pub title: String,
    pub description_md: String,
    /// Distinct supporters (a project's originals together); `None` while
    /// the voting phase hid counts when the version was saved.
    pub supporters: Option<i64>,
    pub zones: Vec<String>,
    /// The facilitators' answer (proposals).
    pub answer_md: Option<String>,
    /// Partners (projects), one each.
    pub partners: Vec<String>,
    /// The agreement with the partners, in words (projects).
    pub agreement: Option<String>,
    /// The titles of the proposals merged into it (projects).
    pub originals: Vec<String>,
    pub objectives: Vec<PlanObjective>,
}

/// A platform within a direction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanPlatformSection {
    pub key: String,
    pub title: String,
    pub text_md: String,
    pub entries: Vec<PlanEntry>,
}

/// A strategic direction with its platforms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanSection {
    pub key: String,
    pub title: String,
    pub text_md: String,
    pub platforms: Vec<PlanPlatformSection>,
}

/// Participation in one zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ZoneFigures {
    pub zone: String,
    pub proposals: i64,
    pub supports: i64,
}

/// How many took part, and how.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ParticipationFigures {
    /// Distinct people who proposed, commented or supported.
    pub participants: i64,
    pub proposals: i64,
    pub comments: i64,
    /// `None` while the voting phase hid counts when the version was saved.
    pub supports: Option<i64>,
    /// Proposals recorded at the counter.
    pub assisted_proposals: i64,
    /// Supports recorded at the counter.
    pub assisted_supports: i64,
    /// Per zone, in the process's order (proposals without a zone apart).
    pub zones: Vec<ZoneFigures>,
}

impl ParticipationFigures {
    /// The share of proposals and supports made at the counter, in percent.
    pub fn assisted_percent(&self) -> f64 {
        let total = self.proposals + self.supports.unwrap_or(0);
        if total == 0 {
            return 0.0;
        }
        (self.assisted_proposals + self.assisted_supports) as f64 * 100.0 / total as f64
    }
}

/// The plan as a version says it: everything a reader, an export or a
/// diff needs, frozen when the version was saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanDocument {
    pub process: NamedRef,
    /// The DUP edition the objectives belong to.
    pub dup_edition: Option<String>,
    pub version: i32,
    pub saved_at: DateTime<Utc>,
    pub introduction_md: String,
    pub closing_md: String,
    pub figures: ParticipationFigures,
    pub sections: Vec<PlanSection>,
    /// Entries the moderators omitted after the version was saved (personal
    /// data, say): the rest of the text is exactly as saved.
    #[serde(default)]
    pub redactions: Vec<PlanRedaction>,
}

/// One entry omitted from a saved version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanRedaction {
    /// The entry (proposal or project) whose text was omitted.
    pub entry_id: Uuid,
    pub redacted_at: DateTime<Utc>,
    /// Why, in words shown to every reader.
    pub reason: String,
    /// SHA-256 (hex) of the entry as saved, as JSON: whoever holds a copy
    /// of the original can check that only this entry changed.
    pub original_sha256: String,
}

/// Why a moderator omits an entry: 5 to 300 characters, one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedactionReason(String);

impl RedactionReason {
    /// Parses a reason as typed (one line, 5 to 300 characters).
    pub fn parse(text: &str) -> Result<Self, FieldProblem> {
        parse_text(text, (5, 300), false).map(Self)
    }

    /// The reason as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PlanDocument {
    /// Every entry, in the plan's order.
    pub fn entries(&self) -> impl Iterator<Item = &PlanEntry> {
        self.sections
            .iter()
            .flat_map(|s| s.platforms.iter())
            .flat_map(|p| p.entries.iter())
    }
}

/// The approval as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ApprovalView {
    pub version: i32,
    pub body: ApprovingBody,
    pub resolution_number: String,
    pub resolution_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

/// One saved version in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanVersionSummary {
    pub number: i32,
    pub note: String,
    pub saved_by: Option<String>,
    pub saved_at: DateTime<Utc>,
    pub approved: bool,
}

/// The plan page: versions, the approval, and what the viewer may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanOverview {
    pub process: NamedRef,
    /// Newest first.
    pub versions: Vec<PlanVersionSummary>,
    pub approval: Option<ApprovalView>,
    /// The version shown: the approved one, else the newest.
    pub shown: Option<PlanVersionView>,
    pub can_compose: bool,
    /// Whether the viewer may approve now (council, approval phase, not yet approved).
    pub can_approve: bool,
    /// Why approving is not possible now, for a council member.
    pub approval_closed: bool,
}

/// One version, as a page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanVersionView {
    pub summary: PlanVersionSummary,
    pub document: PlanDocument,
    /// The document's body as sanitized HTML (headings numbered, tables).
    pub html: String,
    pub approval: Option<ApprovalView>,
    /// For the process's moderators only: the entries they may omit, those
    /// whose proposal is now out of sight first.
    #[serde(default)]
    pub redactable: Vec<RedactableEntry>,
}

/// An entry a moderator may omit from a saved version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RedactableEntry {
    pub id: Uuid,
    pub title: String,
    /// Its proposal was hidden or is awaiting moderation since the version was saved.
    pub now_out_of_sight: bool,
}

/// One section of the composition form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ComposerSection {
    pub key: String,
    /// The direction's or platform's name.
    pub label: String,
    /// Whether it is a platform (within the direction listed before it).
    pub is_platform: bool,
    pub position: Option<i32>,
    pub text_md: String,
    /// Projects and accepted proposals it holds now.
    pub entries: i64,
}

/// The composition form: the last version's texts over today's sections.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanComposer {
    pub process: NamedRef,
    /// The version the texts come from.
    pub based_on: Option<i32>,
    pub introduction_md: String,
    pub closing_md: String,
    pub sections: Vec<ComposerSection>,
    /// The approved version, which a save never changes.
    pub approved_version: Option<i32>,
}

/// A changed line, or a line kept for context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineChange {
    Same,
    Added,
    Removed,
}

/// A line of the comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
}

/// Changed lines with their context; lines between hunks are left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DiffHunk {
    /// The first line's number in the older and in the newer version.
    pub old_start: usize,
    pub new_start: usize,
    pub lines: Vec<DiffLine>,
}

/// Two versions compared, line by line, on their Markdown text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlanDiff {
    pub process: NamedRef,
    pub from: PlanVersionSummary,
    pub to: PlanVersionSummary,
    pub added: usize,
    pub removed: usize,
    pub hunks: Vec<DiffHunk>,
    /// Every version, for choosing another pair.
    pub versions: Vec<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(key: &str, position: &str, text: &str) -> (String, String, String) {
        (key.into(), position.into(), text.into())
    }

    #[test]
    fn a_composition_parses_and_names_its_wrong_field() {
        let input = PlanInput::parse(
            " Introduzione\r\n\r\nseconda riga ",
            "",
            "prima stesura",
            &[
                section("d:AGILE", "2", "Testo della direzione"),
                section("p:mobilita", "", ""),
                section("d:", "1", "Senza direzione"),
            ],
        )
        .expect("valid");
        assert_eq!(
            input.composition.introduction_md,
            "Introduzione\n\nseconda riga"
        );
        assert_eq!(input.composition.sections[1].position, MAX_POSITION);
        assert_eq!(input.note, "prima stesura");

        let wrong = |sections: &[(String, String, String)]| {
            PlanInput::parse("", "", "", sections).unwrap_err()
        };
        assert_eq!(wrong(&[section("x:1", "", "")]).0, "sezione_1");
        assert_eq!(
            wrong(&[section("d:A", "", ""), section("d:A", "", "")]).0,
            "sezione_2"
        );
        assert_eq!(wrong(&[section("d:A", "zero", "")]).0, "posizione_1");
        assert_eq!(wrong(&[section("d:A", "1000", "")]).0, "posizione_1");
        assert_eq!(
            wrong(&[section("d:A", "1", &"x".repeat(10_001))]),
            ("testo_1".into(), FieldProblem::TooLong { max: 10_000 })
        );
        assert_eq!(
            PlanInput::parse("a\u{0}b", "", "", &[]).unwrap_err().0,
            "introduzione"
        );
        assert_eq!(
            PlanInput::parse("", "", &"n".repeat(301), &[])
                .unwrap_err()
                .0,
            "nota"
        );
    }

    #[test]
    fn section_keys_have_one_shape() {
        assert!(is_section_key("d:"));
        assert!(is_section_key("d:AGILE"));
        assert!(is_section_key("p:mobilita-e-trasporti"));
        assert!(!is_section_key("p:"));
        assert!(!is_section_key("d:AGILE/p:mobilita"));
        assert!(!is_section_key("mobilita"));
        assert!(!is_section_key("d:a b"));
        assert!(!is_section_key("d:<script>"));
    }

    #[test]
    fn an_approval_parses_and_names_its_wrong_field() {
        let ok = ApprovalInput::parse("2", "consiglio", " 45/2026 ", "2026-05-12").expect("valid");
        assert_eq!(ok.body, ApprovingBody::Council);
        assert_eq!(ok.resolution_number, "45/2026");
        let field =
            |v: &str, b: &str, n: &str, d: &str| ApprovalInput::parse(v, b, n, d).unwrap_err().0;
        assert_eq!(field("0", "consiglio", "1", "2026-05-12"), "versione");
        assert_eq!(field("2", "sindaco", "1", "2026-05-12"), "organo");
        assert_eq!(field("2", "giunta", "", "2026-05-12"), "numero_delibera");
        assert_eq!(field("2", "giunta", "1", ""), "data_delibera");
        assert_eq!(field("2", "giunta", "1", "12/05/2026"), "data_delibera");
    }

    #[test]
    fn the_assisted_share_counts_proposals_and_supports() {
        let figures = ParticipationFigures {
            proposals: 10,
            supports: Some(90),
            assisted_proposals: 2,
            assisted_supports: 8,
            ..Default::default()
        };
        assert!((figures.assisted_percent() - 10.0).abs() < 1e-9);
        assert_eq!(ParticipationFigures::default().assisted_percent(), 0.0);
    }
}
