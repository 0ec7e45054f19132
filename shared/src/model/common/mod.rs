//! The vocabulary every feature shares: why a field or an action is refused,
//! what a phase opens, a named link target, the visibility of a contribution
//! and the state of a proposal; and Italian local [`time`].

pub mod time;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Declares a closed set of stored names (Italian, stable in the database,
/// the forms and the open data) with `as_str`, `parse` and `ALL`.
macro_rules! stored_names {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in the order forms list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads a stored name.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

stored_names! {
    /// Who can see a proposal or comment.
    Visibility {
        /// Everyone.
        Visible = "visibile",
        /// Waiting for a moderator's approval (pre-moderation).
        Pending = "in_attesa",
        /// Reported by enough people: hidden until a moderator decides.
        Reported = "segnalata",
        /// Hidden by a moderator.
        Hidden = "nascosta",
        /// Its author is blocked in the process.
        Blocked = "bloccata",
    }
}

/// Why a value was refused; the UI words it per field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum FieldProblem {
    Empty,
    TooLong {
        max: usize,
    },
    Malformed,
    ControlCharacters,
    TooShort {
        min: usize,
    },
    /// A password among the most common or easily guessed ones.
    TooCommon,
    /// A confirmation that must be given (checkbox, typed word) was not.
    NotConfirmed,
    /// The value is well formed but not accepted (wrong current password, unknown or used code).
    NotRecognized,
    /// Removing this would leave the platform without an administrator.
    LastAdmin,
    /// The person already has it.
    AlreadyPresent,
    /// A file over the size limit, in megabytes.
    TooLarge {
        max: usize,
    },
    /// An image with more pixels than allowed, in megapixels.
    TooManyPixels {
        max_megapixels: u32,
    },
}

/// A link target: the key used in URLs and the name shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NamedRef {
    /// Slug (process, platform, zone), code (direction) or id.
    pub key: String,
    pub name: String,
}

/// The life of a proposal, from publication to the facilitators' answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    Published,
    UnderEvaluation,
    Accepted,
    Rejected,
    Withdrawn,
    Merged,
}

impl ProposalState {
    /// Every state, in the order the filters list them.
    pub const ALL: [ProposalState; 6] = [
        ProposalState::Published,
        ProposalState::UnderEvaluation,
        ProposalState::Accepted,
        ProposalState::Rejected,
        ProposalState::Withdrawn,
        ProposalState::Merged,
    ];

    /// The stable name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalState::Published => "published",
            ProposalState::UnderEvaluation => "under_evaluation",
            ProposalState::Accepted => "accepted",
            ProposalState::Rejected => "rejected",
            ProposalState::Withdrawn => "withdrawn",
            ProposalState::Merged => "merged",
        }
    }

    /// The Italian name used in shareable URLs (`?stato=accettata`).
    pub fn url_name(self) -> &'static str {
        match self {
            ProposalState::Published => "pubblicata",
            ProposalState::UnderEvaluation => "in_valutazione",
            ProposalState::Accepted => "accettata",
            ProposalState::Rejected => "respinta",
            ProposalState::Withdrawn => "ritirata",
            ProposalState::Merged => "unita",
        }
    }

    /// Parses the stored name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == value)
    }

    /// Parses the URL name.
    pub fn from_url_name(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|state| state.url_name() == value)
    }
}

/// Something a participant does that a phase opens or closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ParticipationAction {
    Propose,
    Comment,
    Support,
}

/// When a closed action opens next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PhaseOpening {
    pub phase_title: String,
    pub starts_on: NaiveDate,
}

/// Why an allowed person still cannot do something now. Each is shown in
/// words; none is a fault of the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The current phase does not allow it; `opens` says when it does next.
    PhaseClosed {
        action: ParticipationAction,
        opens: Option<PhaseOpening>,
    },
    /// The process asks for verified residence.
    VerificationRequired { action: ParticipationAction },
    /// The person has used all the supports this phase allows in the platform.
    SupportLimitReached { limit: u32 },
    /// The proposal is in a state that allows no more of it.
    ProposalClosed { state: ProposalState },
    /// The proposal can no longer be edited.
    EditWindowClosed { reason: EditLock },
    /// Replies go at most this deep.
    ThreadTooDeep { max_depth: u8 },
    /// A deleted comment cannot be changed.
    CommentDeleted,
    /// The proposal already has as many images as allowed.
    TooManyImages { max: u8 },
    /// The moderators blocked the person in this process.
    Blocked,
    /// Someone else already decided on this content meanwhile.
    ModerationStale,
    /// The proposal is out of sight (waiting for approval or hidden).
    OutOfSight,
    /// Progress is recorded once the plan is approved, in the monitoring phase.
    MonitoringClosed,
    /// The person already holds as many live access tokens as allowed.
    TooManyTokens { max: u8 },
    /// The plan is approved in the approval phase only.
    ApprovalClosed,
    /// The plan of this process is already approved (this version).
    PlanAlreadyApproved { version: i32 },
    /// A DUP edition belongs to another organization than the process.
    EditionOfAnotherOrganization,
    /// Demo data (with its published password) goes only into a database
    /// of its own, never one that real people's accounts are in.
    DemoOnRealData,
}

/// Why a proposal's author can no longer edit it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EditLock {
    /// Someone already supported it.
    Supported,
    /// Someone already commented on it.
    Commented,
    /// The proposals phase is over.
    PhaseOver,
    /// It has been answered, withdrawn or merged.
    NotPublished,
}

/// Whether an action is open for the viewer, and if not, why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum Availability {
    Open,
    /// Open to others, but signing in is needed.
    SignInNeeded,
    Refused(Refusal),
}

impl Availability {
    /// Whether the button should be offered.
    pub fn is_open(&self) -> bool {
        matches!(self, Availability::Open)
    }
}
