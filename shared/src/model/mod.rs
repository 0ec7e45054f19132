//! DTOs, parsing newtypes, enums and pure rules. No IO; compiles to wasm.
//!
//! Files are features with the same names as the service layer's folders,
//! from the bottom up: [`common`], [`accounts`], [`processes`],
//! [`participation`], [`facilitation`], [`dup`], [`plan`].

#[macro_use]
pub mod common;
pub mod accounts;
pub mod dup;
pub mod facilitation;
pub mod participation;
pub mod plan;
pub mod processes;

pub use accounts::{Role, RoleGrant, RoleView};
pub use common::ProposalState;
pub use participation::listing::{
    ListingError, ProposalCursor, ProposalFilter, ProposalListParams, ProposalQuery, ProposalSort,
};
pub use participation::{PlatformDetail, ProposalCard, ProposalDetail, ProposalPage};
pub use processes::{
    DirectionDto, ParticipationRequirements, PhaseCursor, PhaseDto, PhaseKind, PhaseStatus,
    PhaseTimeline, PlatformDto, ProcessDetail, ProcessStats, ProcessSummary, ZoneDto,
};
