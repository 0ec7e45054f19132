//! Running a process in the open, on a real database: reports and the
//! threshold that hides, pre-moderation, blocks, projects that merge
//! proposals (and undoing them), assisted participation at the counter,
//! who may facilitate, answering many proposals at once, the preview of a
//! phase move and the facilitators' dashboard.

mod at_the_counter;
mod merging;
mod out_of_sight;
mod pre_moderation_and_blocks;
mod reporting;
mod roles_and_dashboard;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Value};
use shared::model::common::FieldProblem;
use shared::model::common::NamedRef;
use shared::model::common::Visibility;
use shared::model::common::{ParticipationAction, Refusal};
use shared::model::facilitation::{
    AgreementKind, ClaimOutcome, ModerationAction, ModerationDecision, ProjectInput, ReportReason,
    TargetKind,
};
use shared::model::participation::NotificationKind;
use shared::model::{PhaseKind, ProposalState, Role};
use shared::service::entity::{
    counter_record, moderation_entry, notification, phase, process_block, project, proposal,
    report, support, user,
};
use shared::service::facilitation::blocks;
use shared::service::facilitation::queue;
use shared::service::facilitation::reports;
use shared::service::{
    Ctx, ServiceError, facilitation::counter, facilitation::dashboard, facilitation::moderation,
    facilitation::projects, notifications::inbox, participation::authoring,
    participation::comments, participation::proposals, participation::supports, processes::phases,
    processes::read,
};
use shared::testing::facilitation::*;
use std::collections::HashSet;
use uuid::Uuid;
