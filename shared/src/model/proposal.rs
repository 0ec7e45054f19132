//! Proposals as every side sees them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::participation::{AnswerDto, AttachmentDto, ProposalViewer};
use super::process::NamedRef;

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
    pub visibility: crate::model::facilitation::Visibility,
    /// The moderators' reason when hidden.
    pub moderation_note: Option<String>,
    /// The project it was merged into (`key` is the project's id).
    pub project: Option<NamedRef>,
    /// Recorded by staff at the counter.
    pub assisted: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_in_both_vocabularies() {
        for state in ProposalState::ALL {
            assert_eq!(ProposalState::parse(state.as_str()), Some(state));
            assert_eq!(ProposalState::from_url_name(state.url_name()), Some(state));
        }
        assert_eq!(ProposalState::from_url_name("accepted"), None);
    }
}
