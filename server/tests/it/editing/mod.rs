//! Setting up a process, on a real database: creating and describing it,
//! its phases, directions, platforms and zones, who facilitates each
//! platform, who may do any of it, and the same through the real router.

mod people_and_http;

use axum::body::Body;
use chrono::Duration;
use http::{Request, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared::model::ProposalState;
use shared::service::entity::{proposal, report, user};
use shared::service::processes::editing::{self};

use crate::helpers::{ctx, platform_row, process_row, sign_in_demo, spawn_app};
use shared::testing::helpers::*;
use shared::testing::processes::*;
