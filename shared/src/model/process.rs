//! Processes and what structures them: phases, strategic directions,
//! project platforms and homogeneous zones.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::participation::Availability;
use super::phase::{PhaseKind, PhaseStatus, PhaseTimeline};
use super::proposal::ProposalPage;

/// A link target: the key used in URLs and the name shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NamedRef {
    /// Slug (process, platform, zone), code (direction) or id.
    pub key: String,
    pub name: String,
}

/// A phase with its dates and where it stands today.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PhaseDto {
    pub id: Uuid,
    pub position: i32,
    pub kind: PhaseKind,
    pub title: String,
    pub description_html: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: PhaseStatus,
    /// Supports each person may give per platform while this phase runs.
    pub supports_per_platform: Option<u32>,
    /// Whether support counts show while this phase runs.
    pub support_counts_visible: bool,
}

/// A process as listed on the home page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProcessSummary {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub organization: String,
    /// `comunale` or `metropolitano`.
    pub scope: String,
    pub summary: String,
    pub is_demo: bool,
    pub phases: Vec<PhaseDto>,
    pub timeline: PhaseTimeline,
    pub proposal_count: u64,
}

/// A strategic direction (asse strategico).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DirectionDto {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub motto: String,
    pub description_html: String,
    pub proposal_count: u64,
}

/// A thematic project platform (piattaforma progettuale).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlatformDto {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub description_html: String,
    pub direction: Option<NamedRef>,
    pub proposal_count: u64,
}

/// A homogeneous zone (zona omogenea).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ZoneDto {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub proposal_count: u64,
}

/// Participation figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProcessStats {
    pub proposals: u64,
    /// 0 while `supports_hidden`.
    pub supports: u64,
    /// The voting phase hides support counts (participants still show).
    pub supports_hidden: bool,
    /// Distinct people who proposed or supported.
    pub participants: u64,
}

/// A process with everything its page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProcessDetail {
    pub summary: ProcessSummary,
    pub requirements: ParticipationRequirements,
    /// Whether the viewer may change the requirements and move the phases.
    pub can_manage: bool,
    /// What the viewer may do now.
    pub can_propose: Availability,
    pub description_html: String,
    pub directions: Vec<DirectionDto>,
    pub platforms: Vec<PlatformDto>,
    pub zones: Vec<ZoneDto>,
    pub stats: ProcessStats,
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

/// What taking part in a process requires.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ParticipationRequirements {
    /// Only verified residents may propose.
    pub verified_to_propose: bool,
    /// Only verified residents may support.
    pub verified_to_support: bool,
}
