//! The REST API (`/api/v1`) resource by resource, through the real router:
//! who may read and write what (anonymous, session cookie, personal access
//! token, facilitator), the exact effects of writes on the database, and
//! every problem document the API answers with (400, 401, 403, 404, 405,
//! 409, 413, 415, 422, 429), plus conditional reads, languages and CORS.

mod comments_and_supports;
mod projects_and_dup;
mod proposals;
mod reads;
mod tokens_and_me;
mod transport;

use std::collections::HashSet;

use axum::body::Body;
use http::{Method, Request};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use shared::model::accounts::TokenInput;
use shared::model::facilitation::ProjectInput;
use shared::service::entity::{dup_objective, phase, proposal};
use shared::service::{Person, accounts::tokens, facilitation::projects};
use uuid::Uuid;

use crate::helpers::{
    Answer, ORIGIN, TestApp, count_sql, ctx, fresh_person, person, process_row, proposal_row,
    sign_in_demo, spawn_app, spawn_app_with,
};
use shared::testing::with_password;

const MILANO: &str = "piano-strategico-metropolitano-milano";
const ALESSANDRIA: &str = "piano-strategico-alessandria-2030";
const PINEROLO: &str = "agenda-digitale-pinerolo";
const RIVOLI: &str = "piano-strategico-rivoli-2035";
const BODY: &str = "Un testo che supera senz'altro i trenta caratteri richiesti.";
const CITIZEN: &str = "citizen@demo.piazza.invalid";
const CITIZEN_2: &str = "citizen-2@demo.piazza.invalid";
/// A site allowed by CORS in the test that configures it.
const PARTNER_SITE: &str = "https://www.comune.example";
const EVIL_SITE: &str = "https://evil.example";
const CLIENT: [u8; 4] = [10, 0, 0, 1];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Who makes a request.
#[derive(Clone, Copy)]
enum Who<'a> {
    /// Nobody signed in (writes still claim our origin, as a page would).
    Nobody,
    /// A session cookie from our own pages.
    Cookie(&'a str),
    /// A personal access token, no cookie.
    Token(&'a str),
}

/// Sends `method path` (`path` under `/api/v1`) as `who`, with a JSON body.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    who: Who<'_>,
    body: Option<Value>,
) -> Answer {
    let mut headers: Vec<(&str, String)> = Vec::new();
    match who {
        Who::Nobody => {
            if !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
                headers.push(("origin", ORIGIN.to_owned()));
            }
        }
        Who::Cookie(cookie) => {
            headers.push(("cookie", cookie.to_owned()));
            headers.push(("origin", ORIGIN.to_owned()));
        }
        Who::Token(secret) => headers.push(("authorization", format!("Bearer {secret}"))),
    }
    let body = match body {
        Some(value) => {
            headers.push(("content-type", "application/json".to_owned()));
            Body::from(value.to_string())
        }
        None => Body::empty(),
    };
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    raw(
        app,
        method,
        &format!("/api/v1{path}"),
        &headers,
        body,
        CLIENT,
    )
    .await
}

/// GET `path` (under `/api/v1`) as `who`.
async fn get(app: &TestApp, path: &str, who: Who<'_>) -> Answer {
    call(app, Method::GET, path, who, None).await
}

/// Any request, headers exactly as given.
async fn raw(
    app: &TestApp,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: Body,
    ip: [u8; 4],
) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(body).expect("valid request"), ip)
        .await
}

/// The JSON body of a successful answer with `status`.
#[track_caller]
fn ok(answer: &Answer, status: u16) -> Value {
    assert_eq!(
        answer.status.as_u16(),
        status,
        "expected {status}, got {}: {}",
        answer.status,
        answer.body
    );
    serde_json::from_str(&answer.body)
        .unwrap_or_else(|e| panic!("JSON body ({e}): {}", answer.body))
}

/// A problem document with `status` whose type ends in `code`.
#[track_caller]
fn problem(answer: &Answer, status: u16, code: &str) -> Value {
    assert_eq!(
        answer.status.as_u16(),
        status,
        "expected {status} {code}, got {}: {}",
        answer.status,
        answer.body
    );
    assert_eq!(
        header(answer, "content-type"),
        "application/problem+json",
        "{}",
        answer.body
    );
    let doc: Value = serde_json::from_str(&answer.body)
        .unwrap_or_else(|e| panic!("problem JSON ({e}): {}", answer.body));
    assert_eq!(
        doc["type"],
        format!("/api/v1/docs#problema-{code}"),
        "{}",
        answer.body
    );
    assert_eq!(doc["status"], status);
    assert!(
        doc["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{}",
        answer.body
    );
    doc
}

/// A header's value ("" when absent).
fn header(answer: &Answer, name: &str) -> String {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string, got {value}"))
}

fn id_of(value: &Value) -> Uuid {
    Uuid::parse_str(text(value)).unwrap_or_else(|_| panic!("a uuid, got {value}"))
}

/// A personal access token of `who` with `scope` (`lettura`, `scrittura`):
/// its id and its secret.
async fn token(app: &TestApp, who: &Person, scope: &str) -> (Uuid, String) {
    let input = TokenInput::parse("Integrazione di prova", scope).expect("valid token input");
    let password = with_password(app, who).await;
    let created = tokens::create(&ctx(app, who), &input, password)
        .await
        .expect("the token is created");
    (created.token.id, created.secret)
}

/// The demo proposal of a process whose title starts with `start`.
async fn proposal_titled(app: &TestApp, slug: &str, start: &str) -> proposal::Model {
    let process = process_row(app, slug).await;
    let found = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::Title.starts_with(start))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "one proposal titled «{start}…»");
    found.into_iter().next().unwrap()
}

async fn objective_id(app: &TestApp, slug: &str, code: &str) -> Uuid {
    let edition = process_row(app, slug)
        .await
        .dup_edition_id
        .expect("the process informs a DUP edition");
    dup_objective::Entity::find()
        .filter(dup_objective::Column::EditionId.eq(edition))
        .filter(dup_objective::Column::Code.eq(code))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("objective {code}"))
        .id
}

/// Proposals of a process as the list counts them by default (visible,
/// not withdrawn), with an extra SQL condition on `p`.
async fn listed_count(app: &TestApp, slug: &str, extra: &str) -> i64 {
    count_sql(
        app,
        &format!(
            "SELECT COUNT(*) FROM proposals p JOIN processes pr ON pr.id = p.process_id \
             LEFT JOIN platforms pl ON pl.id = p.platform_id \
             LEFT JOIN zones z ON z.id = p.zone_id \
             WHERE pr.slug = ? AND p.visibility = 'visibile' {extra}"
        ),
        vec![slug.into()],
    )
    .await
}

async fn proposals_in(app: &TestApp, slug: &str) -> i64 {
    count_sql(
        app,
        "SELECT COUNT(*) FROM proposals p JOIN processes pr ON pr.id = p.process_id \
         WHERE pr.slug = ?",
        vec![slug.into()],
    )
    .await
}

async fn supports_of(app: &TestApp, proposal_id: Uuid) -> i64 {
    count_sql(
        app,
        "SELECT COUNT(*) FROM supports WHERE proposal_id = ?",
        vec![proposal_id.into()],
    )
    .await
}

async fn supports_by(app: &TestApp, user_id: Uuid) -> i64 {
    count_sql(
        app,
        "SELECT COUNT(*) FROM supports WHERE user_id = ?",
        vec![user_id.into()],
    )
    .await
}

async fn comments_on(app: &TestApp, proposal_id: Uuid) -> i64 {
    count_sql(
        app,
        "SELECT COUNT(*) FROM comments WHERE proposal_id = ?",
        vec![proposal_id.into()],
    )
    .await
}

async fn links_of_proposal(app: &TestApp, proposal_id: Uuid) -> i64 {
    count_sql(
        app,
        "SELECT COUNT(*) FROM dup_links WHERE proposal_id = ?",
        vec![proposal_id.into()],
    )
    .await
}

async fn unread_of(app: &TestApp, user_id: Uuid) -> i64 {
    count_sql(
        app,
        "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL",
        vec![user_id.into()],
    )
    .await
}

fn new_proposal(platform: &str, title: &str) -> Value {
    json!({ "piattaforma": platform, "titolo": title, "testo": BODY })
}

/// The ids of a page of proposals.
fn ids_in(page: &Value) -> Vec<Uuid> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| id_of(&item["id"]))
        .collect()
}

/// The `rel="next"` target of a `Link` header.
fn next_target(answer: &Answer) -> Option<String> {
    let link = header(answer, "link");
    if link.is_empty() {
        return None;
    }
    assert!(link.ends_with(">; rel=\"next\""), "{link}");
    Some(link[1..link.len() - ">; rel=\"next\"".len()].to_owned())
}

// ---------------------------------------------------------------------------
// 1. Processes and their parts
// ---------------------------------------------------------------------------

/// The proposals among `ids` in Alessandria's "mobilita" platform.
async fn mobility_only(app: &TestApp, ids: Vec<Uuid>) -> Vec<Uuid> {
    let mut out = Vec::new();
    for id in ids {
        let in_mobility = count_sql(
            app,
            "SELECT COUNT(*) FROM proposals p JOIN platforms pl ON pl.id = p.platform_id \
             WHERE p.id = ? AND pl.slug = 'mobilita'",
            vec![id.into()],
        )
        .await;
        if in_mobility == 1 {
            out.push(id);
        }
    }
    out
}
