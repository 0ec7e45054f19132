//! Processes and what structures them: phases and what each one opens,
//! strategic directions, project platforms and homogeneous zones.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::common::{Availability, NamedRef};

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
    /// Of `participants`, those recorded at the counter by staff (assisted).
    pub assisted_participants: u64,
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

/// What taking part in a process requires.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ParticipationRequirements {
    /// Only verified residents may propose.
    pub verified_to_propose: bool,
    /// Only verified residents may support.
    pub verified_to_support: bool,
}

/// The kind of a phase decides what participants can do while it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    Information,
    Proposals,
    Deliberation,
    Voting,
    Synthesis,
    Approval,
    Monitoring,
}

/// What a phase allows participants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PhaseAllows {
    pub proposing: bool,
    pub commenting: bool,
    pub supporting: bool,
}

impl PhaseKind {
    /// Every kind, in the order a process usually runs them.
    pub const ALL: [PhaseKind; 7] = [
        PhaseKind::Information,
        PhaseKind::Proposals,
        PhaseKind::Deliberation,
        PhaseKind::Voting,
        PhaseKind::Synthesis,
        PhaseKind::Approval,
        PhaseKind::Monitoring,
    ];

    /// The stable name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseKind::Information => "information",
            PhaseKind::Proposals => "proposals",
            PhaseKind::Deliberation => "deliberation",
            PhaseKind::Voting => "voting",
            PhaseKind::Synthesis => "synthesis",
            PhaseKind::Approval => "approval",
            PhaseKind::Monitoring => "monitoring",
        }
    }

    /// Parses the stored name; `None` for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    /// What participants can do while a phase of this kind is current.
    /// Comments stay open while proposals are collected and during deliberation.
    pub fn allows(self) -> PhaseAllows {
        match self {
            PhaseKind::Proposals => PhaseAllows {
                proposing: true,
                commenting: true,
                supporting: false,
            },
            PhaseKind::Deliberation => PhaseAllows {
                proposing: false,
                commenting: true,
                supporting: false,
            },
            PhaseKind::Voting => PhaseAllows {
                proposing: false,
                commenting: false,
                supporting: true,
            },
            _ => PhaseAllows::default(),
        }
    }
}

/// Where a phase stands relative to a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhaseStatus {
    Past,
    Current,
    Future,
}

impl PhaseStatus {
    /// The status of a phase running `starts_on..=ends_on`, seen on `today`.
    pub fn on(today: NaiveDate, starts_on: NaiveDate, ends_on: NaiveDate) -> Self {
        if today < starts_on {
            PhaseStatus::Future
        } else if today > ends_on {
            PhaseStatus::Past
        } else {
            PhaseStatus::Current
        }
    }
}

/// Where a whole process stands: before its first phase, in one, between two, or over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhaseTimeline {
    NotStarted,
    /// Index of the current phase in the ordered list.
    Running(usize),
    /// Between two phases: index of the next one.
    Between(usize),
    Concluded,
}

impl PhaseTimeline {
    /// Computes the timeline from phase date ranges ordered by position.
    pub fn of(today: NaiveDate, phases: &[(NaiveDate, NaiveDate)]) -> Self {
        if phases.is_empty() {
            return PhaseTimeline::NotStarted;
        }
        if let Some(index) = phases
            .iter()
            .position(|(start, end)| PhaseStatus::on(today, *start, *end) == PhaseStatus::Current)
        {
            return PhaseTimeline::Running(index);
        }
        match phases.iter().position(|(start, _)| today < *start) {
            Some(0) => PhaseTimeline::NotStarted,
            Some(next) => PhaseTimeline::Between(next),
            None => PhaseTimeline::Concluded,
        }
    }
}

/// Where a process stands, as stored in the database: `cursor` is the index
/// of the current phase (when `open`) or of the next one to open; a
/// concluded process has `cursor` equal to the number of phases. Stored so
/// that a facilitator can move a process by hand; the scheduler only moves
/// it forward, when the dates say so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PhaseCursor {
    pub cursor: usize,
    pub open: bool,
}

impl PhaseCursor {
    /// The stored form of a timeline over `len` phases.
    pub fn from_timeline(timeline: PhaseTimeline, len: usize) -> Self {
        match timeline {
            PhaseTimeline::NotStarted => Self {
                cursor: 0,
                open: false,
            },
            PhaseTimeline::Running(i) => Self {
                cursor: i,
                open: true,
            },
            PhaseTimeline::Between(i) => Self {
                cursor: i,
                open: false,
            },
            PhaseTimeline::Concluded => Self {
                cursor: len,
                open: false,
            },
        }
    }

    /// The timeline this stored state means, over `len` phases.
    pub fn timeline(self, len: usize) -> PhaseTimeline {
        match (self.cursor, self.open) {
            (i, true) if i < len => PhaseTimeline::Running(i),
            (0, _) if len > 0 => PhaseTimeline::NotStarted,
            (i, _) if i < len => PhaseTimeline::Between(i),
            _ if len == 0 => PhaseTimeline::NotStarted,
            _ => PhaseTimeline::Concluded,
        }
    }

    /// Orders states along the process: a later state ranks higher.
    pub fn rank(self) -> usize {
        self.cursor * 2 + usize::from(self.open)
    }

    /// The status of the phase at `index` in this state.
    pub fn status_of(self, index: usize) -> PhaseStatus {
        if index < self.cursor {
            PhaseStatus::Past
        } else if index == self.cursor && self.open {
            PhaseStatus::Current
        } else {
            PhaseStatus::Future
        }
    }

    /// The state after a facilitator's "next phase": the current phase
    /// closes and the next opens (or the process concludes); between phases,
    /// the next one opens. `None` when the process is over.
    pub fn advanced(self, len: usize) -> Option<Self> {
        if len == 0 {
            return None;
        }
        match self.timeline(len) {
            PhaseTimeline::Running(i) if i + 1 < len => Some(Self {
                cursor: i + 1,
                open: true,
            }),
            PhaseTimeline::Running(_) => Some(Self {
                cursor: len,
                open: false,
            }),
            PhaseTimeline::NotStarted | PhaseTimeline::Between(_) => Some(Self {
                cursor: self.cursor,
                open: true,
            }),
            PhaseTimeline::Concluded => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn kinds_round_trip_through_their_stored_names() {
        for kind in PhaseKind::ALL {
            assert_eq!(PhaseKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(PhaseKind::parse("Voting"), None);
    }

    #[test]
    fn only_participation_phases_open_actions() {
        assert!(PhaseKind::Proposals.allows().proposing);
        assert!(!PhaseKind::Proposals.allows().supporting);
        assert!(PhaseKind::Voting.allows().supporting);
        assert!(PhaseKind::Deliberation.allows().commenting);
        assert_eq!(PhaseKind::Information.allows(), PhaseAllows::default());
        assert_eq!(PhaseKind::Monitoring.allows(), PhaseAllows::default());
    }

    #[test]
    fn timeline_covers_before_during_between_and_after() {
        let phases = [
            (day("2015-04-01"), day("2015-04-30")),
            (day("2015-06-01"), day("2015-09-30")),
        ];
        assert_eq!(
            PhaseTimeline::of(day("2015-03-01"), &phases),
            PhaseTimeline::NotStarted
        );
        assert_eq!(
            PhaseTimeline::of(day("2015-04-01"), &phases),
            PhaseTimeline::Running(0)
        );
        assert_eq!(
            PhaseTimeline::of(day("2015-04-30"), &phases),
            PhaseTimeline::Running(0)
        );
        assert_eq!(
            PhaseTimeline::of(day("2015-05-15"), &phases),
            PhaseTimeline::Between(1)
        );
        assert_eq!(
            PhaseTimeline::of(day("2015-09-30"), &phases),
            PhaseTimeline::Running(1)
        );
        assert_eq!(
            PhaseTimeline::of(day("2016-01-01"), &phases),
            PhaseTimeline::Concluded
        );
        assert_eq!(
            PhaseTimeline::of(day("2016-01-01"), &[]),
            PhaseTimeline::NotStarted
        );
    }

    #[test]
    fn stored_cursor_round_trips_and_only_moves_forward() {
        for timeline in [
            PhaseTimeline::NotStarted,
            PhaseTimeline::Running(0),
            PhaseTimeline::Between(1),
            PhaseTimeline::Running(2),
            PhaseTimeline::Concluded,
        ] {
            assert_eq!(
                PhaseCursor::from_timeline(timeline, 3).timeline(3),
                timeline
            );
        }
        let running = PhaseCursor::from_timeline(PhaseTimeline::Running(1), 3);
        let between = PhaseCursor::from_timeline(PhaseTimeline::Between(1), 3);
        assert!(running.rank() > between.rank());
        assert_eq!(running.status_of(0), PhaseStatus::Past);
        assert_eq!(running.status_of(1), PhaseStatus::Current);
        assert_eq!(between.status_of(1), PhaseStatus::Future);
        assert_eq!(
            running.advanced(3).map(|c| c.timeline(3)),
            Some(PhaseTimeline::Running(2))
        );
        assert_eq!(
            between.advanced(3).map(|c| c.timeline(3)),
            Some(PhaseTimeline::Running(1))
        );
        let last = PhaseCursor::from_timeline(PhaseTimeline::Running(2), 3);
        assert_eq!(
            last.advanced(3).map(|c| c.timeline(3)),
            Some(PhaseTimeline::Concluded)
        );
        assert_eq!(
            PhaseCursor::from_timeline(PhaseTimeline::Concluded, 3).advanced(3),
            None
        );
    }
}
