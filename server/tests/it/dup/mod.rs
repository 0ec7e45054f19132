//! The DUP (Documento Unico di Programmazione) on a real database: editions
//! imported from CSV and JSON (strict, line-numbered Italian errors, all or
//! nothing, matched by code), exported and imported back unchanged, copied;
//! who may do what; links from proposals and projects to objectives with
//! suggestions; the coverage of a plan counted by hand; progress recorded
//! during monitoring, with notifications to followers.

mod routes;

use axum::body::Body;
use http::{Request, StatusCode};
use shared::model::dup::DupFormat;
use uuid::Uuid;

use crate::helpers::{ORIGIN, sign_in_demo, spawn_app};
use shared::testing::dup::*;
use shared::testing::helpers::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------
