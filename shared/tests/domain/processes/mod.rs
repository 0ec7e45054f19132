//! Setting up a process, on a real database: creating and describing it,
//! its phases, directions, platforms and zones, who facilitates each
//! platform, who may do any of it, and the same through the real router.

mod people;
mod setup;

use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared::model::common::Availability;
use shared::model::common::FieldProblem;
use shared::model::facilitation::{PhaseInput, ProcessInput};
use shared::model::{PhaseKind, PhaseTimeline, ProposalState, Role};
use shared::service::entity::{process, proposal, role_assignment};
use shared::service::processes::editing::{self, TopicKind};
use shared::service::{Ctx, ServiceError, participation::authoring, processes::read};
use shared::testing::processes::*;
use uuid::Uuid;
