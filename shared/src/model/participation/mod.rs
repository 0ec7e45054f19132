//! Taking part: proposals as every side sees them, the input of proposals
//! and comments, and what each side sees of comments, supports, versions,
//! images and notifications. The proposal list's query is in [`listing`].

pub mod listing;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::common::{Availability, ProposalState};
use crate::model::processes::{PlatformDto, ProcessStats, ZoneDto};

/// Limits of proposal text.
pub const PROPOSAL_TITLE: (usize, usize) = (10, 150);
/// Limits of a proposal body (Markdown characters).
pub const PROPOSAL_BODY: (usize, usize) = (30, 20_000);
/// Limits of a comment body.
pub const COMMENT_BODY: (usize, usize) = (2, 5_000);
/// Limits of an official answer.
pub const ANSWER_BODY: (usize, usize) = (0, 10_000);
/// How deep replies go: a comment (1), a reply (2), a reply to a reply (3).
pub const MAX_COMMENT_DEPTH: u8 = 3;

pub(crate) fn parse_text(
    raw: &str,
    (min, max): (usize, usize),
    multiline: bool,
) -> Result<String, FieldProblem> {
    let value = raw.trim();
    let normalized: String = if multiline {
        value.replace("\r\n", "\n")
    } else {
        value.to_owned()
    };
    let bad_control = normalized
        .chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t')));
    if bad_control {
        return Err(FieldProblem::ControlCharacters);
    }
    let length = normalized.chars().count();
    if length == 0 && min > 0 {
        return Err(FieldProblem::Empty);
    }
    if length < min {
        return Err(FieldProblem::TooShort { min });
    }
    if length > max {
        return Err(FieldProblem::TooLong { max });
    }
    Ok(normalized)
}

/// A proposal title: one line, 10–150 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProposalTitle(String);

impl ProposalTitle {
    /// Parses a title as typed.
    pub fn parse(raw: &str) -> Result<Self, FieldProblem> {
        parse_text(raw, PROPOSAL_TITLE, false).map(Self)
    }
    /// The title.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Markdown text with length limits (proposal bodies, comments, answers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MarkdownText(String);

impl MarkdownText {
    /// A proposal body.
    pub fn proposal_body(raw: &str) -> Result<Self, FieldProblem> {
        parse_text(raw, PROPOSAL_BODY, true).map(Self)
    }
    /// A comment.
    pub fn comment(raw: &str) -> Result<Self, FieldProblem> {
        parse_text(raw, COMMENT_BODY, true).map(Self)
    }
    /// An official answer (may be empty unless the state asks for a reason).
    pub fn answer(raw: &str) -> Result<Self, FieldProblem> {
        parse_text(raw, ANSWER_BODY, true).map(Self)
    }
    /// The Markdown source.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a new proposal or an edit says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProposalInput {
    pub title: ProposalTitle,
    pub body: MarkdownText,
    /// Slug of the zone, if any.
    pub zone: Option<String>,
    /// Code of the strategic direction, if the person chose one.
    pub direction: Option<String>,
}

impl ProposalInput {
    /// Parses a form; the first invalid field is named (`titolo`, `testo`).
    pub fn parse(
        title: &str,
        body: &str,
        zone: Option<&str>,
        direction: Option<&str>,
    ) -> Result<Self, (&'static str, FieldProblem)> {
        let optional =
            |v: Option<&str>, field: &'static str| match v.map(str::trim).filter(|v| !v.is_empty())
            {
                Some(v) if v.chars().any(char::is_control) => {
                    Err((field, FieldProblem::ControlCharacters))
                }
                v => Ok(v.map(str::to_owned)),
            };
        Ok(Self {
            title: ProposalTitle::parse(title).map_err(|p| ("titolo", p))?,
            body: MarkdownText::proposal_body(body).map_err(|p| ("testo", p))?,
            zone: optional(zone, "zona")?,
            direction: optional(direction, "direzione")?,
        })
    }
}

/// How a comment stands towards the proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Alignment {
    InFavour,
    Neutral,
    Against,
}

impl Alignment {
    /// Every alignment, as the form offers them.
    pub const ALL: [Alignment; 3] = [Alignment::InFavour, Alignment::Neutral, Alignment::Against];

    /// The stable name stored and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Alignment::InFavour => "favore",
            Alignment::Neutral => "neutro",
            Alignment::Against => "contro",
        }
    }

    /// Parses the stored or submitted name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

/// An up or down vote on a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CommentVote {
    Up,
    Down,
    /// Takes a vote back.
    Clear,
}

impl CommentVote {
    /// Parses `su`, `giu` or `nessuno`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "su" => Some(CommentVote::Up),
            "giu" => Some(CommentVote::Down),
            "nessuno" => Some(CommentVote::Clear),
            _ => None,
        }
    }
    /// The stored value (+1, −1, 0).
    pub fn value(self) -> i16 {
        match self {
            CommentVote::Up => 1,
            CommentVote::Down => -1,
            CommentVote::Clear => 0,
        }
    }
}

/// A comment as its thread shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CommentDto {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub depth: u8,
    /// `None` for a deleted comment (a tombstone) or a deleted account.
    pub author_name: Option<String>,
    /// Sanitized HTML; empty for a tombstone.
    pub body_html: String,
    /// The Markdown source, for its author's edit form.
    pub body_md: Option<String>,
    pub alignment: Alignment,
    pub upvotes: i32,
    pub downvotes: i32,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    /// The viewer's own vote (+1, −1) if any.
    pub my_vote: Option<i16>,
    /// The viewer wrote it (and it is not deleted).
    pub mine: bool,
    /// Who can see it; the text of a comment out of sight is shown only to
    /// its author and the moderators.
    pub visibility: crate::model::common::Visibility,
    /// The moderators' reason when hidden.
    pub moderation_note: Option<String>,
    /// Replies, in order (already nested).
    #[cfg_attr(feature = "server", schema(no_recursion))]
    pub replies: Vec<CommentDto>,
    /// Replies of this thread not shown here (top-level comments only).
    pub more_replies: u64,
    /// Cursor for the thread's next replies (`/proposals/{id}/comments/{comment}/replies?dopo=`).
    pub replies_next: Option<String>,
}

/// One page of the replies of a long thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ThreadPage {
    pub proposal_id: Uuid,
    pub proposal_title: String,
    /// The thread's first comment, with this page's replies nested.
    pub thread: CommentDto,
    /// Cursor for the next page of replies.
    pub next: Option<String>,
    /// Whether the viewer may comment now.
    pub can_comment: Availability,
    /// The viewer moderates this proposal's comments.
    pub can_moderate: bool,
    /// The viewer may report others' comments.
    pub can_report: bool,
}

/// One page of top-level comments with their replies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CommentPage {
    pub threads: Vec<CommentDto>,
    /// Cursor for the next page of top-level comments.
    pub next: Option<String>,
    /// Every comment of the proposal, tombstones excluded.
    pub total: u64,
    /// Counts per alignment (tombstones excluded).
    pub in_favour: u64,
    pub neutral: u64,
    pub against: u64,
    /// Whether the viewer may comment now.
    pub can_comment: Availability,
    /// The viewer moderates this proposal's comments.
    pub can_moderate: bool,
    /// The viewer may report others' comments.
    pub can_report: bool,
}

/// A proposal's earlier or current text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProposalVersionDto {
    pub version: i32,
    pub title: String,
    pub body_html: String,
    pub zone: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The full history of a proposal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProposalHistory {
    pub id: Uuid,
    pub title: String,
    pub process: NamedRef,
    /// Newest first.
    pub versions: Vec<ProposalVersionDto>,
}

/// An image attached to a proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AttachmentDto {
    pub id: Uuid,
    pub alt_text: String,
    pub content_type: String,
    pub byte_size: i64,
}

/// Largest image accepted, in bytes.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Images per proposal.
pub const MAX_IMAGES: u8 = 4;

/// The official answer shown on a proposal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AnswerDto {
    pub state: ProposalState,
    pub body_html: String,
    pub answered_at: DateTime<Utc>,
}

/// What the viewer may do with a proposal, decided by the service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProposalViewer {
    pub signed_in: bool,
    pub is_author: bool,
    pub supported: bool,
    pub follows: bool,
    pub can_support: Availability,
    /// Supports given / allowed in this platform, when the phase limits them.
    pub supports_used: Option<(u32, u32)>,
    pub can_withdraw_support: bool,
    pub can_edit: Availability,
    pub can_withdraw: bool,
    pub can_answer: bool,
    pub can_attach: bool,
    /// May hide, restore or approve it, and block its author.
    pub can_moderate: bool,
    /// May report it (signed in, not the author, not already out of sight).
    pub can_report: bool,
    /// Already reported it.
    pub reported: bool,
}

/// What facilitators may answer.
pub const ANSWER_STATES: [ProposalState; 3] = [
    ProposalState::UnderEvaluation,
    ProposalState::Accepted,
    ProposalState::Rejected,
];

/// The result of giving or withdrawing a support.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SupportOutcome {
    pub supported: bool,
    /// `None` while the voting phase hides the counts.
    pub support_count: Option<i64>,
    /// False when the request changed nothing (a repeat).
    pub changed: bool,
}

/// Kinds of notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    NewComment,
    Answer,
    StateChange,
    PhaseChange,
    /// The proposal was merged into a project (detail: the project's title).
    Merged,
    /// The merge was undone.
    Unmerged,
    /// Progress was recorded on an objective or project the proposal feeds
    /// (detail: what and how far).
    Progress,
}

impl NotificationKind {
    /// The stable stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::NewComment => "new_comment",
            NotificationKind::Answer => "answer",
            NotificationKind::StateChange => "state_change",
            NotificationKind::PhaseChange => "phase_change",
            NotificationKind::Merged => "merged",
            NotificationKind::Unmerged => "unmerged",
            NotificationKind::Progress => "progress",
        }
    }
    /// Parses the stored name.
    pub fn parse(value: &str) -> Option<Self> {
        [
            NotificationKind::NewComment,
            NotificationKind::Answer,
            NotificationKind::StateChange,
            NotificationKind::PhaseChange,
            NotificationKind::Merged,
            NotificationKind::Unmerged,
            NotificationKind::Progress,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }
}

/// A notification in the person's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NotificationDto {
    pub id: Uuid,
    pub kind: NotificationKind,
    /// The phase title, the new state's stored name, or the commenter's name.
    pub detail: String,
    pub proposal: Option<NamedRef>,
    pub process: Option<NamedRef>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// One page of notifications.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<NotificationDto>,
    pub unread: u64,
    pub next: Option<String>,
}

/// Supports per platform or zone, for the results page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ResultRow {
    pub key: String,
    pub name: String,
    pub proposals: u64,
    pub supports: u64,
    /// Distinct people who supported at least one proposal here.
    pub supporters: u64,
}

/// The results of a process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProcessResults {
    pub process: NamedRef,
    /// False while the voting phase hides the counts.
    pub visible: bool,
    pub by_platform: Vec<ResultRow>,
    pub by_zone: Vec<ResultRow>,
    /// Supports of proposals with no zone.
    pub without_zone: ResultRow,
}

/// Similar proposals suggested while writing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SimilarProposal {
    pub id: Uuid,
    pub title: String,
    pub state: ProposalState,
    pub platform: String,
}

/// A proposal in a list: enough to choose which one to open.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProposalCard {
    pub id: Uuid,
    pub title: String,
    /// Plain text, the start of the body.
    pub excerpt: String,
    pub platform: NamedRef,
    pub direction: Option<NamedRef>,
    pub zone: Option<NamedRef>,
    pub state: ProposalState,
    /// `None` while the voting phase hides the counts.
    pub support_count: Option<i64>,
    pub comment_count: i64,
    pub published_at: DateTime<Utc>,
    /// `None` when the author deleted their account.
    pub author_name: Option<String>,
}

/// One page of a proposal list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProposalPage {
    pub items: Vec<ProposalCard>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
    /// How many proposals match the filters, across all pages.
    pub total: u64,
    /// The seed that orders a random listing, so the next page keeps the order.
    pub seed: Option<u32>,
    /// The voting phase hides support counts (and the order by them).
    pub counts_hidden: bool,
}

/// A proposal with everything its page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProposalDetail {
    pub id: Uuid,
    pub process: NamedRef,
    pub title: String,
    /// Sanitized HTML rendered from the Markdown body.
    pub body_html: String,
    pub author_name: Option<String>,
    pub platform: NamedRef,
    pub direction: Option<NamedRef>,
    pub zone: Option<NamedRef>,
    pub state: ProposalState,
    /// `None` while the voting phase hides the counts.
    pub support_count: Option<i64>,
    pub comment_count: i64,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// 1 until the first edit.
    pub version: i32,
    /// The Markdown source, for the author's edit form.
    pub body_md: Option<String>,
    /// Zone slug and direction code, for the edit form.
    pub zone_key: Option<String>,
    pub answer: Option<AnswerDto>,
    /// The answer's Markdown source, for facilitators who may change it.
    pub answer_md: Option<String>,
    pub images: Vec<AttachmentDto>,
    pub viewer: ProposalViewer,
    /// What the current phase is called, if one runs.
    pub current_phase: Option<String>,
    /// Who can see it; when not `Visible`, title and text are shown only to
    /// its author and the moderators.
    pub visibility: crate::model::common::Visibility,
    /// The moderators' reason when hidden.
    pub moderation_note: Option<String>,
    /// The project it was merged into (`key` is the project's id).
    pub project: Option<NamedRef>,
    /// Recorded by staff at the counter.
    pub assisted: bool,
}

/// A platform page: the platform, its process, its figures and top proposals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlatformDetail {
    pub process: NamedRef,
    pub platform: PlatformDto,
    pub stats: ProcessStats,
    pub zones: Vec<ZoneDto>,
    pub top_proposals: ProposalPage,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_bodies_have_limits() {
        assert_eq!(ProposalTitle::parse("  "), Err(FieldProblem::Empty));
        assert_eq!(
            ProposalTitle::parse("Corto"),
            Err(FieldProblem::TooShort { min: 10 })
        );
        assert_eq!(
            ProposalTitle::parse(&"a".repeat(151)),
            Err(FieldProblem::TooLong { max: 150 })
        );
        assert_eq!(
            ProposalTitle::parse("Titolo\ncon a capo"),
            Err(FieldProblem::ControlCharacters)
        );
        assert!(ProposalTitle::parse("Più alberi in via Roma").is_ok());
        let body = MarkdownText::proposal_body("# Titolo\r\n\r\n- uno\r\n- due e qualcosa di più")
            .expect("valid body");
        assert!(!body.as_str().contains('\r'));
        assert_eq!(
            MarkdownText::proposal_body("breve"),
            Err(FieldProblem::TooShort { min: 30 })
        );
        assert_eq!(
            MarkdownText::comment("ok\u{0007}"),
            Err(FieldProblem::ControlCharacters)
        );
    }

    #[test]
    fn proposal_input_names_the_first_bad_field() {
        let err = ProposalInput::parse("Titolo abbastanza lungo", "corto", None, None);
        assert_eq!(err, Err(("testo", FieldProblem::TooShort { min: 30 })));
        let ok = ProposalInput::parse(
            "Titolo abbastanza lungo",
            "Un testo che supera senz'altro i trenta caratteri.",
            Some(" "),
            Some("d1"),
        )
        .expect("valid");
        assert_eq!(ok.zone, None);
        assert_eq!(ok.direction.as_deref(), Some("d1"));
    }

    #[test]
    fn vocabularies_round_trip() {
        for a in Alignment::ALL {
            assert_eq!(Alignment::parse(a.as_str()), Some(a));
        }
        assert_eq!(CommentVote::parse("su"), Some(CommentVote::Up));
        assert_eq!(CommentVote::parse("up"), None);
        for k in [
            NotificationKind::NewComment,
            NotificationKind::Answer,
            NotificationKind::StateChange,
            NotificationKind::PhaseChange,
        ] {
            assert_eq!(NotificationKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn states_round_trip_in_both_vocabularies() {
        for state in ProposalState::ALL {
            assert_eq!(ProposalState::parse(state.as_str()), Some(state));
            assert_eq!(ProposalState::from_url_name(state.url_name()), Some(state));
        }
        assert_eq!(ProposalState::from_url_name("accepted"), None);
    }
}
