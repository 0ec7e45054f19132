//! DTOs, parsing newtypes, enums and pure rules. No IO; compiles to wasm.

pub mod account;
#[macro_use]
pub mod facilitation;
pub mod api;
pub mod dup;
pub mod listing;
pub mod participation;
pub mod phase;
pub mod plan;
pub mod process;
pub mod proposal;
pub mod role;
pub mod time;

pub use listing::{
    ListingError, ProposalCursor, ProposalFilter, ProposalListParams, ProposalQuery, ProposalSort,
};
pub use phase::{PhaseCursor, PhaseKind, PhaseStatus, PhaseTimeline};
pub use process::{
    DirectionDto, ParticipationRequirements, PhaseDto, PlatformDetail, PlatformDto, ProcessDetail,
    ProcessStats, ProcessSummary, ZoneDto,
};
pub use proposal::{ProposalCard, ProposalDetail, ProposalPage, ProposalState};
pub use role::{Role, RoleGrant, RoleView};
