//! Running a process in the open: visibility and moderation of contributions,
//! reports, the public moderation log, projects that merge proposals, the
//! facilitators' dashboard, the preview of a phase transition and assisted
//! participation at the counter.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::common::NamedRef;
use crate::model::common::ParticipationAction;
use crate::model::common::{FieldProblem, Visibility};
use crate::model::participation::ProposalCard;

stored_names! {
    /// Why someone reports a contribution.
    ReportReason {
        Spam = "spam",
        Offensive = "offensivo",
        OffTopic = "fuori_tema",
        PersonalData = "dati_personali",
        Other = "altro",
    }
}

stored_names! {
    /// What a report or a log entry is about.
    TargetKind {
        Proposal = "proposta",
        Comment = "commento",
        Person = "persona",
        Project = "progetto",
    }
}

stored_names! {
    /// What the public moderation log records.
    ModerationAction {
        /// Hidden automatically after enough distinct reports.
        AutoHidden = "segnalazioni",
        Hidden = "nascosto",
        Restored = "ripristinato",
        /// Approved under pre-moderation.
        Approved = "approvato",
        Blocked = "bloccato",
        Unblocked = "sbloccato",
        Merged = "unione",
        Unmerged = "unione_annullata",
    }
}

stored_names! {
    /// The agreement that binds a project's partners.
    AgreementKind {
        None = "nessuno",
        MemorandumOfUnderstanding = "protocollo_intesa",
        Convention = "convenzione",
        ProgramAgreement = "accordo_programma",
        Other = "altro",
    }
}

stored_names! {
    /// How staff checked the identity of a person at the counter.
    IdentityCheck {
        IdentityCard = "carta_identita",
        DrivingLicence = "patente",
        Passport = "passaporto",
        HealthCard = "tessera_sanitaria",
        KnownPersonally = "conoscenza",
    }
}

/// A moderator's decision on a contribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ModerationDecision {
    /// Hide it (reason required).
    Hide,
    /// Show it again, or keep it and dismiss its reports (reason required).
    Restore,
    /// Approve it under pre-moderation.
    Approve,
}

impl ModerationDecision {
    /// The stored name used by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            ModerationDecision::Hide => "nascondi",
            ModerationDecision::Restore => "ripristina",
            ModerationDecision::Approve => "approva",
        }
    }

    /// Reads a form value.
    pub fn parse(text: &str) -> Option<Self> {
        [
            ModerationDecision::Hide,
            ModerationDecision::Restore,
            ModerationDecision::Approve,
        ]
        .into_iter()
        .find(|d| d.as_str() == text)
    }
}

/// A reason a moderator gives: 5 to 500 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ModerationReason(String);

impl ModerationReason {
    pub const MIN: usize = 5;
    pub const MAX: usize = 500;

    pub fn parse(text: &str) -> Result<Self, FieldProblem> {
        let text = text.trim();
        let length = text.chars().count();
        if length == 0 {
            Err(FieldProblem::Empty)
        } else if length < Self::MIN {
            Err(FieldProblem::TooShort { min: Self::MIN })
        } else if length > Self::MAX {
            Err(FieldProblem::TooLong { max: Self::MAX })
        } else {
            Ok(Self(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One line of the public moderation log. It never names who reported, nor
/// which moderator acted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ModerationLogEntry {
    pub id: Uuid,
    pub action: ModerationAction,
    pub target_kind: TargetKind,
    /// Link target: a proposal or a project (comments link to their proposal).
    pub link: Option<String>,
    pub target_label: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// A page of the public moderation log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ModerationLogPage {
    pub process: NamedRef,
    pub entries: Vec<ModerationLogEntry>,
    pub next: Option<String>,
}

/// A contribution waiting for a moderator: reported, or awaiting approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct QueueItem {
    pub target_kind: TargetKind,
    pub target_id: Uuid,
    /// The proposal it is (or is on).
    pub proposal_id: Uuid,
    pub title: String,
    /// Plain-text start of the content.
    pub excerpt: String,
    pub author_name: Option<String>,
    pub author_id: Option<Uuid>,
    pub visibility: Visibility,
    pub report_count: i32,
    /// Open reports: reason and note (who reported is not shown).
    pub reasons: Vec<(ReportReason, String)>,
    pub since: DateTime<Utc>,
}

/// The moderation queue of a process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ModerationQueue {
    pub process: NamedRef,
    /// The platform the queue is limited to, if any.
    pub platform: Option<NamedRef>,
    /// The viewer may block people in the process.
    pub can_block: bool,
    pub items: Vec<QueueItem>,
    pub pre_moderation: bool,
    pub report_threshold: i32,
    pub blocked: Vec<BlockedPerson>,
}

/// Someone blocked in a process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BlockedPerson {
    pub user_id: Uuid,
    pub name: String,
    pub reason: String,
    pub since: DateTime<Utc>,
}

/// A project's title: 5 to 200 characters, one line.
pub fn parse_project_title(text: &str) -> Result<String, FieldProblem> {
    let text = text.trim();
    let length = text.chars().count();
    if length == 0 {
        Err(FieldProblem::Empty)
    } else if length < 5 {
        Err(FieldProblem::TooShort { min: 5 })
    } else if length > 200 {
        Err(FieldProblem::TooLong { max: 200 })
    } else if text.contains(['\n', '\r']) {
        Err(FieldProblem::Malformed)
    } else {
        Ok(text.to_owned())
    }
}

/// What a facilitator writes to create or edit a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProjectInput {
    pub title: String,
    pub description_md: String,
    /// One per line, blanks dropped.
    pub partners: Vec<String>,
    pub agreement: AgreementKind,
}

impl ProjectInput {
    /// Parses the form fields; every problem names its field.
    pub fn parse(
        title: &str,
        description: &str,
        partners: &str,
        agreement: &str,
    ) -> Result<Self, Vec<(&'static str, FieldProblem)>> {
        let mut problems = Vec::new();
        let title = parse_project_title(title)
            .map_err(|p| problems.push(("titolo", p)))
            .unwrap_or_default();
        let description = description.trim();
        if description.chars().count() < 20 {
            problems.push((
                "descrizione",
                if description.is_empty() {
                    FieldProblem::Empty
                } else {
                    FieldProblem::TooShort { min: 20 }
                },
            ));
        } else if description.chars().count() > 20_000 {
            problems.push(("descrizione", FieldProblem::TooLong { max: 20_000 }));
        }
        let partners: Vec<String> = partners
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if partners.len() > 50 || partners.iter().any(|p| p.chars().count() > 200) {
            problems.push(("partner", FieldProblem::TooLong { max: 200 }));
        }
        let agreement = match AgreementKind::parse(agreement.trim()) {
            Some(kind) => kind,
            None => {
                problems.push(("accordo", FieldProblem::NotRecognized));
                AgreementKind::None
            }
        };
        if problems.is_empty() {
            Ok(Self {
                title,
                description_md: description.to_owned(),
                partners,
                agreement,
            })
        } else {
            Err(problems)
        }
    }
}

/// An original proposal of a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProjectMember {
    pub id: Uuid,
    pub title: String,
    pub author_name: Option<String>,
    /// `None` while the voting phase hides the counts.
    pub support_count: Option<i64>,
    pub comment_count: i64,
}

/// A project, with its originals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProjectDetail {
    pub id: Uuid,
    pub process: NamedRef,
    pub platform: NamedRef,
    pub title: String,
    pub description_html: String,
    pub description_md: String,
    pub partners: Vec<String>,
    pub agreement: AgreementKind,
    /// Distinct people who supported any original (`None` while hidden).
    pub distinct_supporters: Option<i64>,
    pub members: Vec<ProjectMember>,
    pub created_at: DateTime<Utc>,
    pub dissolved_at: Option<DateTime<Utc>>,
    /// The viewer may edit it and undo the merge.
    pub can_manage: bool,
}

/// A project in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProjectSummary {
    pub id: Uuid,
    pub title: String,
    pub platform: NamedRef,
    pub member_count: i64,
    pub distinct_supporters: Option<i64>,
    pub agreement: AgreementKind,
}

/// How one day of a phase went (cumulative figures at the end of the day).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DayFigures {
    pub day: NaiveDate,
    pub participants: u64,
    pub proposals: u64,
    pub comments: u64,
    pub supports: u64,
}

/// The share of assisted participation in one group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AssistedShare {
    /// A phase title or a zone name ("Nessuna zona" when none).
    pub label: String,
    pub contributions: u64,
    pub assisted: u64,
}

/// A facilitator's view of a process, or of one of its platforms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub process: NamedRef,
    pub platform: Option<NamedRef>,
    /// Platforms the viewer may open a dashboard for.
    pub platforms: Vec<NamedRef>,
    pub current_phase: Option<String>,
    /// The current phase hides support counts from the public: the page
    /// says that these figures are for the facilitators only, and why.
    pub supports_hidden_from_public: bool,
    /// Published proposals without an answer, oldest first.
    pub awaiting_answer: Vec<ProposalCard>,
    pub awaiting_answer_total: u64,
    /// On a platform's dashboard: its proposals that can still be merged.
    pub mergeable: Vec<ProposalCard>,
    /// Contributions waiting for a moderator.
    pub queue_total: u64,
    /// Totals now.
    pub participants: u64,
    pub proposals: u64,
    pub comments: u64,
    pub supports: u64,
    /// Day by day during the current (or last) phase.
    pub days: Vec<DayFigures>,
    pub assisted_by_phase: Vec<AssistedShare>,
    pub assisted_by_zone: Vec<AssistedShare>,
    pub projects: Vec<ProjectSummary>,
}

/// What moving the process on would open and close.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TransitionPreview {
    /// The phase that ends (if one runs).
    pub closes_phase: Option<String>,
    /// The phase that starts (if any is left).
    pub opens_phase: Option<String>,
    pub opened: Vec<ParticipationAction>,
    pub closed: Vec<ParticipationAction>,
    pub still_open: Vec<ParticipationAction>,
    /// People following the process's proposals who will be notified.
    pub followers: u64,
    /// Dates the move sets: the closing phase ends and the next starts today.
    pub today: NaiveDate,
}

/// How much of the daily counter budget one staff member used (for administrators).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CounterBudget {
    pub staff_id: Uuid,
    pub staff_name: String,
    /// People recorded in the last 24 hours.
    pub used: u64,
    /// The most allowed in 24 hours.
    pub max: u64,
    /// People recorded in the last 7 days.
    pub week: u64,
}

/// A person recorded at the counter, as staff see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CounterRecordDto {
    pub id: Uuid,
    pub full_name: String,
    pub identity_check: IdentityCheck,
    pub resident: bool,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: Option<String>,
    pub claimed: bool,
    /// Their proposals and supports so far.
    pub proposals: Vec<NamedRef>,
    pub supports: Vec<NamedRef>,
}

/// What staff get after recording a person: the code for the receipt,
/// shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CounterReceipt {
    pub record_id: Uuid,
    pub claim_code: String,
}

/// What claiming a counter record brought into the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ClaimOutcome {
    pub proposals: u64,
    pub supports: u64,
    /// Supports already given online to the same proposals: counted once.
    pub duplicates_dropped: u64,
    /// Counter supports beyond what the current phase allows per platform
    /// (counting those given online): taken back, newest first.
    pub over_limit_dropped: u64,
}

/// A text field with length bounds (trimmed; single line unless `multiline`).
fn bounded(text: &str, min: usize, max: usize, multiline: bool) -> Result<String, FieldProblem> {
    let text = text.trim();
    let length = text.chars().count();
    if length == 0 && min > 0 {
        Err(FieldProblem::Empty)
    } else if length < min {
        Err(FieldProblem::TooShort { min })
    } else if length > max {
        Err(FieldProblem::TooLong { max })
    } else if !multiline && text.contains(['\n', '\r']) {
        Err(FieldProblem::Malformed)
    } else {
        Ok(text.to_owned())
    }
}

/// A URL key: 2 to 80 of `a-z`, `0-9` and `-`.
pub fn parse_slug(text: &str) -> Result<String, FieldProblem> {
    let text = text.trim();
    if text.is_empty() {
        Err(FieldProblem::Empty)
    } else if text.len() < 2 {
        Err(FieldProblem::TooShort { min: 2 })
    } else if text.len() > 80 {
        Err(FieldProblem::TooLong { max: 80 })
    } else if !text
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        Err(FieldProblem::Malformed)
    } else {
        Ok(text.to_owned())
    }
}

/// Collects the first problem of each field.
struct Problems(Vec<(&'static str, FieldProblem)>);

impl Problems {
    fn take<T: Default>(&mut self, field: &'static str, result: Result<T, FieldProblem>) -> T {
        result
            .map_err(|problem| self.0.push((field, problem)))
            .unwrap_or_default()
    }

    fn done<T>(self, value: T) -> Result<T, Vec<(&'static str, FieldProblem)>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}

/// A process as facilitators describe it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProcessInput {
    pub slug: String,
    pub title: String,
    pub organization: String,
    /// `comunale` or `metropolitano`.
    pub scope: String,
    pub summary: String,
    pub description_md: String,
}

impl ProcessInput {
    /// Parses the form; every problem names its field.
    pub fn parse(
        slug: &str,
        title: &str,
        organization: &str,
        scope: &str,
        summary: &str,
        description: &str,
    ) -> Result<Self, Vec<(&'static str, FieldProblem)>> {
        let mut p = Problems(Vec::new());
        let value = Self {
            slug: p.take("slug", parse_slug(slug)),
            title: p.take("titolo", bounded(title, 5, 200, false)),
            organization: p.take("ente", bounded(organization, 2, 200, false)),
            scope: p.take(
                "ambito",
                match scope.trim() {
                    s @ ("comunale" | "metropolitano") => Ok(s.to_owned()),
                    _ => Err(FieldProblem::NotRecognized),
                },
            ),
            summary: p.take("sintesi", bounded(summary, 10, 500, true)),
            description_md: p.take("descrizione", bounded(description, 0, 50_000, true)),
        };
        p.done(value)
    }
}

/// A phase as facilitators describe it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PhaseInput {
    pub kind: crate::model::PhaseKind,
    pub title: String,
    pub description_md: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl PhaseInput {
    /// Parses the form (dates as `YYYY-MM-DD`, the end not before the start).
    pub fn parse(
        kind: &str,
        title: &str,
        description: &str,
        starts_on: &str,
        ends_on: &str,
    ) -> Result<Self, Vec<(&'static str, FieldProblem)>> {
        let mut p = Problems(Vec::new());
        let date = |text: &str| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                if text.trim().is_empty() {
                    FieldProblem::Empty
                } else {
                    FieldProblem::Malformed
                }
            })
        };
        let kind = crate::model::PhaseKind::parse(kind.trim()).ok_or(FieldProblem::NotRecognized);
        let kind = match kind {
            Ok(kind) => kind,
            Err(problem) => {
                p.0.push(("tipo", problem));
                crate::model::PhaseKind::Information
            }
        };
        let title = p.take("titolo", bounded(title, 3, 200, false));
        let description_md = p.take("descrizione", bounded(description, 0, 20_000, true));
        let starts = date(starts_on);
        let ends = date(ends_on);
        let (starts_on, ends_on) = match (starts, ends) {
            (Ok(s), Ok(e)) if e < s => {
                p.0.push(("fine", FieldProblem::Malformed));
                (s, e)
            }
            (Ok(s), Ok(e)) => (s, e),
            (s, e) => {
                if let Err(problem) = s {
                    p.0.push(("inizio", problem));
                }
                if let Err(problem) = e {
                    p.0.push(("fine", problem));
                }
                (NaiveDate::MIN, NaiveDate::MIN)
            }
        };
        p.done(Self {
            kind,
            title,
            description_md,
            starts_on,
            ends_on,
        })
    }
}

/// A strategic direction, platform or zone as facilitators describe it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TopicInput {
    /// Slug (platforms, zones) or code (directions).
    pub key: String,
    pub title: String,
    /// The motto of a direction; unused otherwise.
    pub motto: String,
    pub description_md: String,
    /// A platform's direction code.
    pub direction: Option<String>,
}

impl TopicInput {
    /// Parses the form. Directions have codes (1 to 10 letters or digits),
    /// platforms and zones slugs.
    pub fn parse(
        is_direction: bool,
        key: &str,
        title: &str,
        motto: &str,
        description: &str,
        direction: &str,
    ) -> Result<Self, Vec<(&'static str, FieldProblem)>> {
        let mut p = Problems(Vec::new());
        let key = if is_direction {
            p.take(
                "codice",
                bounded(key, 1, 10, false).and_then(|k| {
                    if k.chars().all(|c| c.is_ascii_alphanumeric()) {
                        Ok(k)
                    } else {
                        Err(FieldProblem::Malformed)
                    }
                }),
            )
        } else {
            p.take("slug", parse_slug(key))
        };
        let value = Self {
            key,
            title: p.take("titolo", bounded(title, 2, 200, false)),
            motto: p.take("motto", bounded(motto, 0, 200, false)),
            description_md: p.take("descrizione", bounded(description, 0, 20_000, true)),
            direction: Some(direction.trim().to_owned()).filter(|d| !d.is_empty()),
        };
        p.done(value)
    }
}

/// A phase in the editor, with what may still change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EditablePhase {
    pub id: Uuid,
    pub kind: crate::model::PhaseKind,
    pub title: String,
    pub description_md: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Not started yet: its kind may change and it may be removed.
    pub upcoming: bool,
}

/// A direction, platform or zone in the editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EditableTopic {
    pub id: Uuid,
    pub key: String,
    pub title: String,
    pub motto: String,
    pub description_md: String,
    pub direction: Option<String>,
}

/// Someone facilitating one platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlatformFacilitator {
    pub assignment_id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub platform: NamedRef,
}

/// Everything the process editor shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProcessEditor {
    pub process: ProcessInput,
    pub phases: Vec<EditablePhase>,
    pub directions: Vec<EditableTopic>,
    pub platforms: Vec<EditableTopic>,
    pub zones: Vec<EditableTopic>,
    pub facilitators: Vec<PlatformFacilitator>,
}
