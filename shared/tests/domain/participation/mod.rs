//! The participation loop on a real database: phase rules and moves, writing
//! and editing proposals, supports (limits, concurrency), comments, follows
//! and notifications, search, safe Markdown, images and results, through the
//! services and through the real router.

mod lists_and_notifications;
mod phase_rules;
mod search_and_markup;
mod supporting;
mod threads;
mod upgrade;

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared::model::common::{EditLock, ParticipationAction, PhaseOpening, Refusal};
use shared::model::participation::listing::ProposalListParams;
use shared::model::participation::{CommentVote, NotificationKind};
use shared::model::{PhaseTimeline, ProposalState, Role};
use shared::service::entity::{comment, follow, notification, process, proposal};
use shared::service::{
    Actor, Ctx, ServiceError, notifications::inbox, participation::authoring,
    participation::comments, participation::proposals, participation::supports, processes::phases,
};
use shared::testing::participation::*;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;
