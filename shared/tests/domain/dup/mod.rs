//! The DUP (Documento Unico di Programmazione) on a real database: editions
//! imported from CSV and JSON (strict, line-numbered Italian errors, all or
//! nothing, matched by code), exported and imported back unchanged, copied;
//! who may do what; links from proposals and projects to objectives with
//! suggestions; the coverage of a plan counted by hand; progress recorded
//! during monitoring, with notifications to followers.

mod coverage;
mod editions_and_links;
mod import;
mod progress;
mod rollups;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared::model::ProposalState;
use shared::model::common::FieldProblem;
use shared::model::common::NamedRef;
use shared::model::common::Refusal;
use shared::model::dup::{
    DupFormat, EditionInput, ImportOutcome, IndicatorYear, ObjectiveLevel, PlanItem,
    ProgressStatus, ResourceYear,
};
use shared::model::participation::{NotificationKind, ProposalInput};
use shared::service::dup::monitoring::Monitored;
use shared::service::dup::objectives;
use shared::service::entity::{dup_edition, dup_link, dup_objective, dup_progress, notification};
use shared::service::{
    Person, ServiceError, dup::editions, dup::links, dup::monitoring, facilitation::projects,
    participation::authoring, participation::supports, processes::phases,
};
use shared::testing::dup::*;
use uuid::Uuid;
