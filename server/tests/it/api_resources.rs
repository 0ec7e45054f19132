//! The REST API (`/api/v1`) resource by resource, through the real router:
//! who may read and write what (anonymous, session cookie, personal access
//! token, facilitator), the exact effects of writes on the database, and
//! every problem document the API answers with (400, 401, 403, 404, 405,
//! 409, 413, 415, 422, 429), plus conditional reads, languages and CORS.

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
    let created = tokens::create(&ctx(app, who), &input)
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

#[tokio::test]
async fn processes_and_their_parts_read_alike_through_every_sub_resource() {
    let app = spawn_app().await;
    let citizen = sign_in_demo(&app, CITIZEN).await;
    let facilitator = sign_in_demo(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    let staff = sign_in_demo(&app, "staff-milano@demo.piazza.invalid").await;
    let (_, reader) = token(&app, &person(&app, CITIZEN_2).await, "lettura").await;

    // The list: every demo process, open ones first.
    let list = ok(&get(&app, "/processes", Who::Nobody).await, 200);
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| text(&p["slug"]))
        .collect();
    assert_eq!(
        slugs.iter().copied().collect::<HashSet<_>>(),
        HashSet::from([
            MILANO,
            ALESSANDRIA,
            PINEROLO,
            RIVOLI,
            "piano-strategico-chieri-2030",
            "piano-strategico-ivrea-2030",
        ])
    );
    let pinerolo_summary = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == PINEROLO)
        .unwrap();
    assert_eq!(
        pinerolo_summary["proposal_count"],
        proposals_in(&app, PINEROLO).await
    );
    assert_eq!(pinerolo_summary["timeline"], json!({ "running": 1 }));

    // The detail, and each part of it at its own address.
    let detail = ok(
        &get(&app, &format!("/processes/{PINEROLO}"), Who::Nobody).await,
        200,
    );
    assert_eq!(detail["summary"]["slug"], PINEROLO);
    assert_eq!(detail["summary"]["organization"], "Comune di Pinerolo");
    assert_eq!(detail["can_manage"], false);
    assert_eq!(detail["stats"]["proposals"], 19);
    let phases = ok(
        &get(&app, &format!("/processes/{PINEROLO}/phases"), Who::Nobody).await,
        200,
    );
    assert_eq!(phases, detail["summary"]["phases"]);
    let kinds: Vec<&str> = phases
        .as_array()
        .unwrap()
        .iter()
        .map(|p| text(&p["kind"]))
        .collect();
    assert_eq!(
        kinds,
        [
            "information",
            "proposals",
            "deliberation",
            "voting",
            "synthesis",
            "approval",
            "monitoring"
        ]
    );
    assert_eq!(phases[1]["status"], "current");
    assert_eq!(phases[0]["status"], "past");
    assert_eq!(phases[3]["title"], "Sostegno alle proposte");

    let platforms = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/platforms"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(platforms, detail["platforms"]);
    let platform_slugs: HashSet<&str> = platforms
        .as_array()
        .unwrap()
        .iter()
        .map(|p| text(&p["slug"]))
        .collect();
    assert_eq!(
        platform_slugs,
        HashSet::from([
            "servizi-online",
            "inclusione-digitale",
            "territorio-connesso",
            "organizzazione-lavoro-agile"
        ])
    );
    let zones = ok(
        &get(&app, &format!("/processes/{PINEROLO}/zones"), Who::Nobody).await,
        200,
    );
    assert_eq!(zones, detail["zones"]);
    let zone_slugs: HashSet<&str> = zones
        .as_array()
        .unwrap()
        .iter()
        .map(|z| text(&z["slug"]))
        .collect();
    assert_eq!(
        zone_slugs,
        HashSet::from(["centro", "frazioni-pianura", "collina"])
    );
    let directions = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/directions"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(directions, detail["directions"]);
    assert!(!directions.as_array().unwrap().is_empty());

    // One platform, with its top proposals.
    let platform = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/platforms/servizi-online"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(platform["process"]["key"], PINEROLO);
    assert_eq!(platform["platform"]["slug"], "servizi-online");
    assert_eq!(platform["top_proposals"]["total"], 5);
    assert!(
        platform["top_proposals"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["platform"]["key"] == "servizi-online")
    );
    problem(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/platforms/nessuna"),
            Who::Nobody,
        )
        .await,
        404,
        "non-trovato",
    );

    // Figures: the same totals as the detail, per platform and zone.
    let stats = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/statistics"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(stats["totals"], detail["stats"]);
    assert_eq!(stats["results"]["process"]["key"], PINEROLO);
    assert_eq!(stats["results"]["visible"], true);
    let by_platform: HashSet<&str> = stats["results"]["by_platform"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| text(&r["key"]))
        .collect();
    assert_eq!(by_platform, platform_slugs);

    // Coverage of the DUP, with its filters echoed.
    let edition = process_row(&app, PINEROLO).await.dup_edition_id.unwrap();
    let coverage = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/coverage?zona=centro&piattaforma=servizi-online"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(coverage["process"]["key"], PINEROLO);
    assert_eq!(coverage["edition"]["key"], edition.to_string());
    assert_eq!(coverage["zone"], "centro");
    assert_eq!(coverage["platform"], "servizi-online");
    let rivoli = ok(
        &get(&app, &format!("/processes/{RIVOLI}/coverage"), Who::Nobody).await,
        200,
    );
    assert_eq!(rivoli["edition"], Value::Null, "Rivoli informs no DUP");
    for (query, field) in [
        ("zona=luna", "zona"),
        ("piattaforma=nessuna", "piattaforma"),
    ] {
        let doc = problem(
            &get(
                &app,
                &format!("/processes/{PINEROLO}/coverage?{query}"),
                Who::Nobody,
            )
            .await,
            422,
            "dati-non-validi",
        );
        assert_eq!(doc["errors"][0]["field"], field);
        assert_eq!(doc["errors"][0]["code"], "not_recognized");
    }

    // Monitoring: open in Milano (staff may record), not yet in Pinerolo.
    let milano = ok(
        &get(
            &app,
            &format!("/processes/{MILANO}/monitoring"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(milano["process"]["key"], MILANO);
    assert_eq!(
        (&milano["open"], &milano["can_record"]),
        (&json!(true), &json!(false))
    );
    let as_staff = ok(
        &get(
            &app,
            &format!("/processes/{MILANO}/monitoring"),
            Who::Cookie(&staff),
        )
        .await,
        200,
    );
    assert_eq!(as_staff["can_record"], true);
    let pinerolo = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/monitoring"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(pinerolo["open"], false);

    // The caller changes what they may do, not what there is.
    let as_facilitator = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}"),
            Who::Cookie(&facilitator),
        )
        .await,
        200,
    );
    assert_eq!(as_facilitator["can_manage"], true);
    assert_eq!(as_facilitator["platforms"], detail["platforms"]);
    let as_citizen = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}"),
            Who::Cookie(&citizen),
        )
        .await,
        200,
    );
    assert_eq!(as_citizen["can_manage"], false);
    assert_eq!(as_citizen["can_propose"], "Open");
    assert_eq!(detail["can_propose"], "SignInNeeded");
    let as_reader = ok(
        &get(&app, &format!("/processes/{PINEROLO}"), Who::Token(&reader)).await,
        200,
    );
    assert_eq!(as_reader["can_manage"], false);
    assert_eq!(as_reader["stats"], detail["stats"]);

    // An unknown process, at every address that names one.
    for path in [
        "/processes/nessun-processo",
        "/processes/nessun-processo/phases",
        "/processes/nessun-processo/platforms",
        "/processes/nessun-processo/statistics",
        "/processes/nessun-processo/proposals",
        "/processes/nessun-processo/coverage",
        "/processes/nessun-processo/monitoring",
        "/processes/nessun-processo/projects",
    ] {
        let answer = get(&app, path, Who::Nobody).await;
        problem(&answer, 404, "non-trovato");
    }
}

// ---------------------------------------------------------------------------
// 2. Proposal lists
// ---------------------------------------------------------------------------

#[tokio::test]
async fn proposal_lists_filter_search_and_page_by_cursor_and_link() {
    let app = spawn_app().await;
    let base = format!("/processes/{ALESSANDRIA}/proposals");

    // Newest first, page by page: every proposal exactly once.
    let expected = listed_count(&app, ALESSANDRIA, "AND p.state <> 'withdrawn'").await;
    assert_eq!(expected, 52);
    let first = get(&app, &format!("{base}?ordine=recenti"), Who::Nobody).await;
    let page = ok(&first, 200);
    assert_eq!(page["total"], expected);
    assert_eq!(page["items"].as_array().unwrap().len(), 20);
    let cursor = text(&page["next"]).to_owned();
    assert_eq!(
        next_target(&first).as_deref(),
        Some(format!("/api/v1{base}?ordine=recenti&dopo={cursor}").as_str())
    );
    let mut seen = ids_in(&page);
    let mut dates: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| text(&i["published_at"]).to_owned())
        .collect();
    let mut answer = first;
    let mut pages = 1;
    while let Some(target) = next_target(&answer) {
        let cursor = {
            let page = ok(&answer, 200);
            text(&page["next"]).to_owned()
        };
        // The cursor by hand and the Link header lead to the same page.
        let by_hand = get(
            &app,
            &format!("{base}?ordine=recenti&dopo={cursor}"),
            Who::Nobody,
        )
        .await;
        answer = raw(&app, Method::GET, &target, &[], Body::empty(), CLIENT).await;
        let page = ok(&answer, 200);
        assert_eq!(page, ok(&by_hand, 200));
        seen.extend(ids_in(&page));
        dates.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| text(&i["published_at"]).to_owned()),
        );
        pages += 1;
    }
    let last = ok(&answer, 200);
    assert_eq!(last["next"], Value::Null);
    assert_eq!(pages, 3);
    assert_eq!(seen.len() as i64, expected);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        seen.len(),
        "no repeats"
    );
    let parsed: Vec<chrono::DateTime<chrono::Utc>> =
        dates.iter().map(|d| d.parse().unwrap()).collect();
    assert!(parsed.windows(2).all(|w| w[0] >= w[1]), "newest first");

    // The default order: most supported first.
    let by_support = ok(&get(&app, &base, Who::Nobody).await, 200);
    let counts: Vec<i64> = by_support["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["support_count"].as_i64().expect("counts are visible"))
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert_eq!(by_support["counts_hidden"], false);

    // Filters, each checked against the database.
    let mobility = ok(
        &get(&app, &format!("{base}?piattaforma=mobilita"), Who::Nobody).await,
        200,
    );
    assert_eq!(
        mobility["total"],
        listed_count(
            &app,
            ALESSANDRIA,
            "AND p.state <> 'withdrawn' AND pl.slug = 'mobilita'"
        )
        .await
    );
    assert_eq!(mobility["total"], 7);
    assert!(
        mobility["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["platform"]["key"] == "mobilita")
    );
    let centre = ok(
        &get(&app, &format!("{base}?zona=centro"), Who::Nobody).await,
        200,
    );
    assert_eq!(
        centre["total"],
        listed_count(
            &app,
            ALESSANDRIA,
            "AND p.state <> 'withdrawn' AND z.slug = 'centro'"
        )
        .await
    );
    assert!(
        centre["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["zone"]["key"] == "centro")
    );
    let both = ok(
        &get(
            &app,
            &format!("{base}?piattaforma=mobilita&zona=cristo"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(both["total"], 2);
    let withdrawn = ok(
        &get(&app, &format!("{base}?stato=ritirata"), Who::Nobody).await,
        200,
    );
    assert_eq!(withdrawn["total"], 1);
    assert_eq!(withdrawn["items"][0]["state"], "withdrawn");
    assert!(
        text(&withdrawn["items"][0]["title"]).starts_with("Pensiline fotovoltaiche"),
        "{withdrawn}"
    );
    let evaluated = ok(
        &get(&app, &format!("{base}?stato=in_valutazione"), Who::Nobody).await,
        200,
    );
    assert_eq!(
        evaluated["total"],
        listed_count(&app, ALESSANDRIA, "AND p.state = 'under_evaluation'").await
    );
    assert!(
        evaluated["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["state"] == "under_evaluation")
    );
    let search = ok(
        &get(&app, &format!("{base}?cerca=pedibus"), Who::Nobody).await,
        200,
    );
    assert_eq!(search["total"], 1, "{search}");
    assert!(text(&search["items"][0]["title"]).starts_with("Pedibus organizzato"));
    let nothing = ok(
        &get(&app, &format!("{base}?cerca=astronave"), Who::Nobody).await,
        200,
    );
    assert_eq!(
        (&nothing["total"], &nothing["next"]),
        (&json!(0), &Value::Null)
    );
    assert!(
        header(
            &get(&app, &format!("{base}?cerca=astronave"), Who::Nobody).await,
            "link"
        )
        .is_empty()
    );

    // A shuffled order keeps its seed in the next page's link.
    let shuffled = get(&app, &format!("{base}?ordine=casuale&seme=42"), Who::Nobody).await;
    let page = ok(&shuffled, 200);
    assert_eq!(page["seed"], 42);
    let target = next_target(&shuffled).expect("a second page");
    assert!(target.contains("ordine=casuale&seme=42&dopo=r"), "{target}");
    let again = ok(
        &get(&app, &format!("{base}?ordine=casuale&seme=42"), Who::Nobody).await,
        200,
    );
    assert_eq!(
        ids_in(&again),
        ids_in(&page),
        "the same seed, the same order"
    );

    // Values that do not read name their parameter.
    for (query, field) in [
        ("stato=approvata", "stato"),
        ("ordine=alfabetico", "ordine"),
        ("dopo=non-un-cursore", "dopo"),
        (
            "ordine=recenti&dopo=s10_0190a0b8c7d47e0fa8b2f0d4a6c3e9b1",
            "dopo",
        ),
        ("piattaforma=nessuna", "piattaforma"),
        ("zona=luna", "zona"),
        ("piattaforma=a%20b", "piattaforma"),
    ] {
        let doc = problem(
            &get(&app, &format!("{base}?{query}"), Who::Nobody).await,
            422,
            "dati-non-validi",
        );
        assert_eq!(doc["errors"][0]["field"], field, "{query}: {doc}");
        assert_eq!(doc["errors"][0]["code"], "malformed", "{query}");
        assert!(
            text(&doc["errors"][0]["message"]).len() > 5,
            "{query}: {doc}"
        );
    }

    // While the vote hides the counts, the default list comes newest first,
    // and its next pages must follow the same order.
    let alessandria = process_row(&app, ALESSANDRIA).await;
    phase::Entity::update_many()
        .col_expr(phase::Column::SupportCountsVisible, Expr::value(false))
        .filter(phase::Column::ProcessId.eq(alessandria.id))
        .filter(phase::Column::Kind.eq("voting"))
        .exec(&app.db)
        .await
        .unwrap();
    let mut answer = get(&app, &base, Who::Nobody).await;
    let first = ok(&answer, 200);
    assert_eq!(first["counts_hidden"], true);
    assert!(
        first["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["support_count"].is_null())
    );
    let mut seen = ids_in(&first);
    while let Some(target) = next_target(&answer) {
        assert!(target.contains("ordine=recenti"), "{target}");
        answer = raw(&app, Method::GET, &target, &[], Body::empty(), CLIENT).await;
        seen.extend(ids_in(&ok(&answer, 200)));
    }
    assert_eq!(seen.len() as i64, expected);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        seen.len(),
        "no page repeats another"
    );
}

// ---------------------------------------------------------------------------
// 3. Writing proposals
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_citizen_publishes_changes_and_withdraws_a_proposal_and_others_may_not() {
    let app = spawn_app().await;
    let citizen = sign_in_demo(&app, CITIZEN).await;
    let other = sign_in_demo(&app, CITIZEN_2).await;
    let (_, other_token) = token(&app, &person(&app, CITIZEN_2).await, "scrittura").await;
    let create = format!("/processes/{PINEROLO}/proposals");
    let before = proposals_in(&app, PINEROLO).await;
    let mut body = new_proposal(
        "servizi-online",
        "Certificati online senza code allo sportello",
    );
    body["zona"] = json!("centro");

    // A session write must come from our pages.
    for origin in [Some(EVIL_SITE), None] {
        let mut headers = vec![
            ("cookie", citizen.as_str()),
            ("content-type", "application/json"),
        ];
        if let Some(origin) = origin {
            headers.push(("origin", origin));
        }
        let refused = raw(
            &app,
            Method::POST,
            &format!("/api/v1{create}"),
            &headers,
            Body::from(body.to_string()),
            CLIENT,
        )
        .await;
        problem(&refused, 403, "origine-non-ammessa");
    }
    // Nobody signed in may not publish.
    let anonymous = call(&app, Method::POST, &create, Who::Nobody, Some(body.clone())).await;
    problem(&anonymous, 401, "accesso-richiesto");
    assert_eq!(header(&anonymous, "www-authenticate"), "Bearer");
    assert_eq!(
        proposals_in(&app, PINEROLO).await,
        before,
        "nothing written"
    );

    // Published: 201, its address, and readable there by anyone.
    let created = call(
        &app,
        Method::POST,
        &create,
        Who::Cookie(&citizen),
        Some(body),
    )
    .await;
    let doc = ok(&created, 201);
    let id = id_of(&doc["id"]);
    assert_eq!(
        header(&created, "location"),
        format!("/api/v1/proposals/{id}")
    );
    assert_eq!(doc["title"], "Certificati online senza code allo sportello");
    assert_eq!(doc["state"], "published");
    assert_eq!(doc["platform"]["key"], "servizi-online");
    assert_eq!(doc["zone"]["key"], "centro");
    assert_eq!(doc["process"]["key"], PINEROLO);
    assert_eq!(doc["author_name"], person(&app, CITIZEN).await.display_name);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["viewer"]["is_author"], true);
    assert_eq!(doc["viewer"]["follows"], true);
    assert_eq!(proposals_in(&app, PINEROLO).await, before + 1);
    let read = ok(
        &get(&app, &format!("/proposals/{id}"), Who::Nobody).await,
        200,
    );
    assert_eq!(read["title"], doc["title"]);
    assert_eq!(read["viewer"]["signed_in"], false);
    let newest = ok(
        &get(&app, &format!("{create}?ordine=recenti"), Who::Nobody).await,
        200,
    );
    assert_eq!(id_of(&newest["items"][0]["id"]), id);

    // Someone else may not change it, with a cookie or a token.
    let change = json!({
        "titolo": "Certificati online per tutti, anche in biblioteca",
        "testo": format!("{BODY} Con un aiuto in biblioteca."),
    });
    for who in [Who::Cookie(&other), Who::Token(&other_token)] {
        let refused = call(
            &app,
            Method::PUT,
            &format!("/proposals/{id}"),
            who,
            Some(change.clone()),
        )
        .await;
        problem(&refused, 403, "vietato");
        let refused = call(
            &app,
            Method::POST,
            &format!("/proposals/{id}/withdraw"),
            who,
            None,
        )
        .await;
        problem(&refused, 403, "vietato");
    }
    let unchanged = proposal_row(&app, id).await;
    assert_eq!(
        (
            unchanged.title.as_str(),
            unchanged.version,
            unchanged.state.as_str()
        ),
        (
            "Certificati online senza code allo sportello",
            1,
            "published"
        )
    );
    problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{id}"),
            Who::Nobody,
            Some(change.clone()),
        )
        .await,
        401,
        "accesso-richiesto",
    );

    // Its author changes it; what is left out (the zone) is cleared.
    let changed = ok(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{id}"),
            Who::Cookie(&citizen),
            Some(change.clone()),
        )
        .await,
        200,
    );
    assert_eq!(
        changed["title"],
        "Certificati online per tutti, anche in biblioteca"
    );
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["zone"], Value::Null);
    let stored = proposal_row(&app, id).await;
    assert_eq!((stored.version, stored.zone_id), (2, None));
    assert_eq!(
        count_sql(
            &app,
            "SELECT COUNT(*) FROM proposal_versions WHERE proposal_id = ?",
            vec![id.into()]
        )
        .await,
        2
    );
    problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{}", Uuid::now_v7()),
            Who::Cookie(&citizen),
            Some(change.clone()),
        )
        .await,
        404,
        "non-trovato",
    );

    // Withdrawn by its author; a second time, and any change, are refused.
    let withdrawn = ok(
        &call(
            &app,
            Method::POST,
            &format!("/proposals/{id}/withdraw"),
            Who::Cookie(&citizen),
            None,
        )
        .await,
        200,
    );
    assert_eq!(withdrawn["state"], "withdrawn");
    assert_eq!(proposal_row(&app, id).await.state, "withdrawn");
    let again = problem(
        &call(
            &app,
            Method::POST,
            &format!("/proposals/{id}/withdraw"),
            Who::Cookie(&citizen),
            None,
        )
        .await,
        409,
        "operazione-rifiutata",
    );
    assert_eq!(
        again["refusal"],
        json!({ "proposal_closed": { "state": "withdrawn" } })
    );
    assert!(text(&again["detail"]).contains('«'), "{again}");
    let locked = problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{id}"),
            Who::Cookie(&citizen),
            Some(change),
        )
        .await,
        409,
        "operazione-rifiutata",
    );
    assert!(
        locked["refusal"]["edit_window_closed"].is_object(),
        "{locked}"
    );
    assert_eq!(proposal_row(&app, id).await.version, 2);
}

// ---------------------------------------------------------------------------
// 4. Client errors
// ---------------------------------------------------------------------------

#[tokio::test]
async fn every_client_error_is_a_problem_document_and_writes_nothing() {
    let app = spawn_app().await;
    let citizen = sign_in_demo(&app, CITIZEN).await;
    let create = format!("/api/v1/processes/{PINEROLO}/proposals");
    let before = proposals_in(&app, PINEROLO).await;
    let send = |content_type: Option<&'static str>, body: Vec<u8>| {
        let cookie = citizen.clone();
        let app = &app;
        let create = create.clone();
        async move {
            let mut headers = vec![("cookie", cookie.as_str()), ("origin", ORIGIN)];
            if let Some(content_type) = content_type {
                headers.push(("content-type", content_type));
            }
            raw(
                app,
                Method::POST,
                &create,
                &headers,
                Body::from(body),
                CLIENT,
            )
            .await
        }
    };

    // 400: a body that is not JSON, a path id that is not a uuid.
    let broken = send(Some("application/json"), b"{\"titolo\": ".to_vec()).await;
    let doc = problem(&broken, 400, "richiesta-non-valida");
    assert!(
        doc["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{doc}"
    );
    assert_eq!(header(&broken, "cache-control"), "no-store");
    problem(
        &get(&app, "/proposals/non-un-uuid", Who::Nobody).await,
        400,
        "richiesta-non-valida",
    );
    problem(
        &call(
            &app,
            Method::PUT,
            "/proposals/42/support",
            Who::Cookie(&citizen),
            None,
        )
        .await,
        400,
        "richiesta-non-valida",
    );

    // 404: no such proposal, project, edition, objective, comment, link;
    // no such address at all.
    for path in [
        format!("/proposals/{}", Uuid::now_v7()),
        format!("/proposals/{}/comments", Uuid::now_v7()),
        format!("/proposals/{}/objectives", Uuid::now_v7()),
        format!("/projects/{}", Uuid::now_v7()),
        format!("/dup/editions/{}", Uuid::now_v7()),
        format!("/dup/objectives/{}", Uuid::now_v7()),
    ] {
        problem(&get(&app, &path, Who::Nobody).await, 404, "non-trovato");
    }
    problem(
        &call(
            &app,
            Method::DELETE,
            &format!("/comments/{}", Uuid::now_v7()),
            Who::Cookie(&citizen),
            None,
        )
        .await,
        404,
        "non-trovato",
    );
    for (method, path) in [
        (Method::GET, "/nessuna/risorsa"),
        (Method::GET, "/processes/a/b/c/d"),
        (Method::POST, "/proposte"),
    ] {
        let doc = problem(
            &call(&app, method, path, Who::Nobody, None).await,
            404,
            "indirizzo-inesistente",
        );
        assert_eq!(doc["title"], "Questo indirizzo non esiste nell'API");
    }

    // 405: the address exists, not with this method; Allow says which.
    let wrong = call(&app, Method::POST, "/processes", Who::Nobody, None).await;
    problem(&wrong, 405, "metodo-non-ammesso");
    assert!(
        header(&wrong, "allow").contains("GET"),
        "{:?}",
        wrong.headers
    );
    assert!(!header(&wrong, "allow").contains("POST"));
    let (_, writer) = token(&app, &person(&app, CITIZEN).await, "scrittura").await;
    let id = proposal_titled(&app, PINEROLO, "Corsi su SPID").await.id;
    let wrong = call(
        &app,
        Method::DELETE,
        &format!("/proposals/{id}"),
        Who::Token(&writer),
        None,
    )
    .await;
    problem(&wrong, 405, "metodo-non-ammesso");
    let allow = header(&wrong, "allow");
    assert!(allow.contains("GET") && allow.contains("PUT"), "{allow}");
    assert_eq!(proposal_row(&app, id).await.state, "published");

    // 413: over 64 KB.
    let huge = json!({
        "piattaforma": "servizi-online",
        "titolo": "Una proposta lunghissima davvero",
        "testo": "x".repeat(70 * 1024),
    });
    let too_large = send(Some("application/json"), huge.to_string().into_bytes()).await;
    problem(&too_large, 413, "richiesta-troppo-grande");

    // 415: not JSON, or no content type at all.
    let body = new_proposal("servizi-online", "Una proposta mandata come testo").to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let answer = send(content_type, body.clone().into_bytes()).await;
        problem(&answer, 415, "formato-non-supportato");
    }

    // 422: each field named as the forms name it, with a code and a sentence.
    let short = send(
        Some("application/json"),
        new_proposal("servizi-online", "Breve")
            .to_string()
            .into_bytes(),
    )
    .await;
    let doc = problem(&short, 422, "dati-non-validi");
    assert_eq!(doc["title"], "Dati non validi");
    assert_eq!(doc["errors"][0]["field"], "titolo");
    assert_eq!(doc["errors"][0]["code"], "too_short");
    assert_eq!(doc["errors"][0]["limit"], 10);
    let message = text(&doc["errors"][0]["message"]);
    assert!(message.contains("10") && message.contains('«'), "{message}");
    let cases = [
        (
            json!({ "piattaforma": "servizi-online", "titolo": "Un titolo abbastanza lungo", "testo": "corto" }),
            "testo",
            "too_short",
        ),
        (
            json!({ "piattaforma": "servizi-online", "titolo": "", "testo": BODY }),
            "titolo",
            "empty",
        ),
        (
            json!({ "piattaforma": "nessuna", "titolo": "Un titolo abbastanza lungo", "testo": BODY }),
            "piattaforma",
            "not_recognized",
        ),
        (
            json!({ "piattaforma": "servizi-online", "titolo": "Un titolo abbastanza lungo", "testo": BODY, "zona": "luna" }),
            "zona",
            "not_recognized",
        ),
        (
            json!({ "piattaforma": "servizi-online", "titolo": "Un titolo abbastanza lungo", "testo": BODY, "direzione": "Z9" }),
            "direzione",
            "not_recognized",
        ),
    ];
    for (body, field, code) in cases {
        let doc = problem(
            &send(Some("application/json"), body.to_string().into_bytes()).await,
            422,
            "dati-non-validi",
        );
        assert_eq!(doc["errors"][0]["field"], field, "{doc}");
        assert_eq!(doc["errors"][0]["code"], code, "{doc}");
    }
    // Unknown, missing or mistyped fields: the parser's own words.
    for (body, word) in [
        (
            json!({ "piattaforma": "servizi-online", "titolo": "Un titolo abbastanza lungo", "testo": BODY, "colore": "blu" }),
            "colore",
        ),
        (
            json!({ "piattaforma": "servizi-online", "titolo": "Un titolo abbastanza lungo" }),
            "testo",
        ),
        (
            json!({ "piattaforma": "servizi-online", "titolo": 42, "testo": BODY }),
            "titolo",
        ),
    ] {
        let doc = problem(
            &send(Some("application/json"), body.to_string().into_bytes()).await,
            422,
            "dati-non-validi",
        );
        assert!(text(&doc["detail"]).contains(word), "{word}: {doc}");
    }
    assert_eq!(
        proposals_in(&app, PINEROLO).await,
        before,
        "nothing was written"
    );
}

// ---------------------------------------------------------------------------
// 5. Comments
// ---------------------------------------------------------------------------

#[tokio::test]
async fn comments_are_posted_answered_edited_and_deleted_by_their_authors_only() {
    let app = spawn_app().await;
    let citizen = sign_in_demo(&app, CITIZEN).await;
    let (_, other) = token(&app, &person(&app, CITIZEN_2).await, "scrittura").await;
    let target = proposal_titled(&app, PINEROLO, "Corsi su SPID").await.id;
    let elsewhere = proposal_titled(&app, PINEROLO, "Wi-Fi pubblico gratuito")
        .await
        .id;
    let list = format!("/proposals/{target}/comments");
    let start = ok(&get(&app, &list, Who::Nobody).await, 200);
    let total = start["total"].as_i64().unwrap();
    let stored = comments_on(&app, target).await;
    assert_eq!(start["can_comment"], "SignInNeeded");
    // A cursor that does not read names the parameter the caller sent.
    let bad_cursor = problem(
        &get(&app, &format!("{list}?dopo=non-un-cursore"), Who::Nobody).await,
        422,
        "dati-non-validi",
    );
    assert_eq!(bad_cursor["errors"][0]["field"], "dopo", "{bad_cursor}");

    // Nobody signed in may not comment.
    let comment = json!({ "commento": "Ottima idea, la sostengo.", "posizione": "favore" });
    problem(
        &call(
            &app,
            Method::POST,
            &list,
            Who::Nobody,
            Some(comment.clone()),
        )
        .await,
        401,
        "accesso-richiesto",
    );

    // A comment (cookie), and a reply to it (token).
    let posted = call(
        &app,
        Method::POST,
        &list,
        Who::Cookie(&citizen),
        Some(comment),
    )
    .await;
    let first = id_of(&ok(&posted, 201)["id"]);
    assert_eq!(header(&posted, "location"), format!("/api/v1{list}"));
    let reply = ok(
        &call(
            &app,
            Method::POST,
            &list,
            Who::Token(&other),
            Some(json!({
                "commento": "Concordo, ma servono più orari.",
                "posizione": "neutro",
                "risposta_a": first,
            })),
        )
        .await,
        201,
    );
    let reply = id_of(&reply["id"]);
    assert_eq!(comments_on(&app, target).await, stored + 2);

    // Replies belong to the same proposal and to a live comment.
    let other_thread = ok(
        &call(
            &app,
            Method::POST,
            &format!("/proposals/{elsewhere}/comments"),
            Who::Token(&other),
            Some(json!({ "commento": "Sì, anche in periferia.", "posizione": "favore" })),
        )
        .await,
        201,
    );
    for parent in [id_of(&other_thread["id"]), Uuid::now_v7()] {
        problem(
            &call(
                &app,
                Method::POST,
                &list,
                Who::Cookie(&citizen),
                Some(json!({ "commento": "Risposta fuori posto", "posizione": "neutro", "risposta_a": parent })),
            )
            .await,
            404,
            "non-trovato",
        );
    }
    for (body, field, code) in [
        (
            json!({ "commento": "Forse sì.", "posizione": "forse" }),
            "posizione",
            "malformed",
        ),
        (
            json!({ "commento": "", "posizione": "contro" }),
            "commento",
            "empty",
        ),
    ] {
        let doc = problem(
            &call(&app, Method::POST, &list, Who::Cookie(&citizen), Some(body)).await,
            422,
            "dati-non-validi",
        );
        assert_eq!(doc["errors"][0]["field"], field);
        assert_eq!(doc["errors"][0]["code"], code);
    }
    assert_eq!(comments_on(&app, target).await, stored + 2);

    // The thread, as its author sees it.
    let page = ok(&get(&app, &list, Who::Cookie(&citizen)).await, 200);
    assert_eq!(page["total"].as_i64().unwrap(), total + 2);
    assert_eq!(page["can_comment"], "Open");
    let thread = page["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == first.to_string())
        .expect("the new thread is listed")
        .clone();
    assert_eq!(thread["alignment"], "in_favour");
    assert_eq!(thread["mine"], true);
    assert_eq!(
        thread["author_name"],
        person(&app, CITIZEN).await.display_name
    );
    assert_eq!(thread["depth"], 1);
    assert_eq!(thread["replies"][0]["id"], reply.to_string());
    assert_eq!(thread["replies"][0]["parent_id"], first.to_string());
    assert_eq!(thread["replies"][0]["depth"], 2);
    assert_eq!(thread["replies"][0]["alignment"], "neutral");
    assert_eq!(thread["replies"][0]["mine"], false);
    assert_eq!(
        thread["replies"][0]["author_name"],
        person(&app, CITIZEN_2).await.display_name
    );

    // Only the author edits and deletes.
    let edit = json!({ "commento": "Ottima idea, la sostengo con convinzione." });
    problem(
        &call(
            &app,
            Method::PUT,
            &format!("/comments/{first}"),
            Who::Token(&other),
            Some(edit.clone()),
        )
        .await,
        403,
        "vietato",
    );
    problem(
        &call(
            &app,
            Method::DELETE,
            &format!("/comments/{first}"),
            Who::Token(&other),
            None,
        )
        .await,
        403,
        "vietato",
    );
    let stored_body = count_sql(
        &app,
        "SELECT COUNT(*) FROM comments WHERE id = ? AND body_md = ? AND edited_at IS NULL",
        vec![first.into(), "Ottima idea, la sostengo.".into()],
    )
    .await;
    assert_eq!(stored_body, 1, "unchanged");
    let edited = call(
        &app,
        Method::PUT,
        &format!("/comments/{first}"),
        Who::Cookie(&citizen),
        Some(edit),
    )
    .await;
    assert_eq!(edited.status, 204, "{}", edited.body);
    assert!(edited.body.is_empty());
    let page = ok(&get(&app, &list, Who::Cookie(&citizen)).await, 200);
    let thread = page["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == first.to_string())
        .unwrap();
    assert_eq!(
        thread["body_md"],
        "Ottima idea, la sostengo con convinzione."
    );
    assert!(thread["edited_at"].is_string());

    let deleted = call(
        &app,
        Method::DELETE,
        &format!("/comments/{first}"),
        Who::Cookie(&citizen),
        None,
    )
    .await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    assert_eq!(
        count_sql(
            &app,
            "SELECT COUNT(*) FROM comments WHERE id = ? AND deleted_at IS NOT NULL AND body_md = ''",
            vec![first.into()],
        )
        .await,
        1
    );
    let page = ok(&get(&app, &list, Who::Nobody).await, 200);
    assert_eq!(
        page["total"].as_i64().unwrap(),
        total + 1,
        "tombstones are not counted"
    );
    let tombstone = page["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == first.to_string())
        .expect("the tombstone stays");
    assert_eq!(tombstone["deleted"], true);
    assert_eq!(tombstone["body_html"], "");
    assert_eq!(tombstone["author_name"], Value::Null);
    assert_eq!(
        tombstone["replies"][0]["id"],
        reply.to_string(),
        "replies stay"
    );

    // A deleted comment can no longer be changed or answered.
    for answer in [
        call(
            &app,
            Method::PUT,
            &format!("/comments/{first}"),
            Who::Cookie(&citizen),
            Some(json!({ "commento": "Ci ho ripensato." })),
        )
        .await,
        call(
            &app,
            Method::POST,
            &list,
            Who::Token(&other),
            Some(json!({ "commento": "Risposta tardiva", "posizione": "neutro", "risposta_a": first })),
        )
        .await,
    ] {
        let doc = problem(&answer, 409, "operazione-rifiutata");
        assert_eq!(doc["refusal"], "comment_deleted");
    }

    // Outside the comment phase: refused, with the reason in data and words.
    let voting = proposal_titled(&app, ALESSANDRIA, "Pedibus organizzato")
        .await
        .id;
    let before = comments_on(&app, voting).await;
    let refused = problem(
        &call(
            &app,
            Method::POST,
            &format!("/proposals/{voting}/comments"),
            Who::Cookie(&citizen),
            Some(json!({ "commento": "Un commento tardivo", "posizione": "neutro" })),
        )
        .await,
        409,
        "operazione-rifiutata",
    );
    assert_eq!(
        refused["refusal"],
        json!({ "phase_closed": { "action": "comment", "opens": null } })
    );
    assert!(
        text(&refused["detail"]).starts_with("I commenti non sono aperti"),
        "{refused}"
    );
    assert_eq!(comments_on(&app, voting).await, before);
}

// ---------------------------------------------------------------------------
// 6. Supports
// ---------------------------------------------------------------------------

#[tokio::test]
async fn supports_count_once_per_person_and_respect_the_phase_and_its_limit() {
    let app = spawn_app().await;
    let supporter = fresh_person(&app, "Sostenitrice API").await;
    let (_, secret) = token(&app, &supporter, "scrittura").await;
    let me = Who::Token(&secret);
    let pedibus = proposal_titled(&app, ALESSANDRIA, "Pedibus organizzato")
        .await
        .id;
    let path = format!("/proposals/{pedibus}/support");
    let shown = ok(
        &get(&app, &format!("/proposals/{pedibus}"), Who::Nobody).await,
        200,
    )["support_count"]
        .as_i64()
        .expect("counts are visible");
    let rows = supports_of(&app, pedibus).await;

    // Giving: once, however often it is asked.
    let given = ok(&call(&app, Method::PUT, &path, me, None).await, 200);
    assert_eq!(
        given,
        json!({ "supported": true, "support_count": shown + 1, "changed": true })
    );
    assert_eq!(supports_of(&app, pedibus).await, rows + 1);
    let repeated = ok(&call(&app, Method::PUT, &path, me, None).await, 200);
    assert_eq!(
        repeated,
        json!({ "supported": true, "support_count": shown + 1, "changed": false })
    );
    assert_eq!(
        supports_of(&app, pedibus).await,
        rows + 1,
        "not counted twice"
    );
    assert_eq!(supports_by(&app, supporter.id).await, 1);
    let detail = ok(&get(&app, &format!("/proposals/{pedibus}"), me).await, 200);
    assert_eq!(detail["support_count"], shown + 1);
    assert_eq!(detail["viewer"]["supported"], true);
    assert_eq!(
        proposal_row(&app, pedibus).await.support_count as i64,
        shown + 1
    );

    // Withdrawing: once too.
    let withdrawn = ok(&call(&app, Method::DELETE, &path, me, None).await, 200);
    assert_eq!(
        withdrawn,
        json!({ "supported": false, "support_count": shown, "changed": true })
    );
    let again = ok(&call(&app, Method::DELETE, &path, me, None).await, 200);
    assert_eq!(
        again,
        json!({ "supported": false, "support_count": shown, "changed": false })
    );
    assert_eq!(supports_of(&app, pedibus).await, rows);
    assert_eq!(supports_by(&app, supporter.id).await, 0);

    // With a session cookie too.
    let citizen = sign_in_demo(&app, CITIZEN).await;
    let citizen_id = person(&app, CITIZEN).await.id;
    let trail = proposal_titled(&app, ALESSANDRIA, "Pista ciclabile continua")
        .await
        .id;
    let outcome = ok(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{trail}/support"),
            Who::Cookie(&citizen),
            None,
        )
        .await,
        200,
    );
    assert_eq!(outcome["supported"], true);
    assert_eq!(
        count_sql(
            &app,
            "SELECT COUNT(*) FROM supports WHERE proposal_id = ? AND user_id = ?",
            vec![trail.into(), citizen_id.into()],
        )
        .await,
        1
    );
    assert_eq!(
        outcome["support_count"].as_i64().unwrap(),
        i64::from(proposal_row(&app, trail).await.support_count)
    );

    // Nobody signed in, or no such proposal.
    problem(
        &call(&app, Method::PUT, &path, Who::Nobody, None).await,
        401,
        "accesso-richiesto",
    );
    problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{}/support", Uuid::now_v7()),
            me,
            None,
        )
        .await,
        404,
        "non-trovato",
    );
    assert_eq!(supports_of(&app, pedibus).await, rows);

    // Five per platform in this phase: the sixth is refused.
    let process = process_row(&app, ALESSANDRIA).await;
    let published: Vec<Uuid> = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::State.eq("published"))
        .order_by_asc(proposal::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mobility = mobility_only(&app, published).await;
    assert!(mobility.len() >= 6, "{}", mobility.len());
    for id in &mobility[..5] {
        let outcome = ok(
            &call(
                &app,
                Method::PUT,
                &format!("/proposals/{id}/support"),
                me,
                None,
            )
            .await,
            200,
        );
        assert_eq!(outcome["changed"], true);
    }
    let sixth = mobility[5];
    let count = proposal_row(&app, sixth).await.support_count;
    let limit = problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{sixth}/support"),
            me,
            None,
        )
        .await,
        409,
        "operazione-rifiutata",
    );
    assert_eq!(
        limit["refusal"],
        json!({ "support_limit_reached": { "limit": 5 } })
    );
    assert!(text(&limit["detail"]).contains('5'), "{limit}");
    assert_eq!(supports_by(&app, supporter.id).await, 5);
    assert_eq!(proposal_row(&app, sixth).await.support_count, count);

    // A withdrawn proposal takes no supports.
    let withdrawn = proposal_titled(&app, ALESSANDRIA, "Pensiline fotovoltaiche")
        .await
        .id;
    let closed = problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{withdrawn}/support"),
            Who::Cookie(&citizen),
            None,
        )
        .await,
        409,
        "operazione-rifiutata",
    );
    assert_eq!(
        closed["refusal"],
        json!({ "proposal_closed": { "state": "withdrawn" } })
    );

    // Not yet in Pinerolo: the refusal says when, in Italian or English.
    let early = proposal_titled(&app, PINEROLO, "Corsi su SPID").await.id;
    let before = supports_of(&app, early).await;
    let refused = problem(
        &call(
            &app,
            Method::PUT,
            &format!("/proposals/{early}/support"),
            me,
            None,
        )
        .await,
        409,
        "operazione-rifiutata",
    );
    assert_eq!(refused["title"], "Operazione rifiutata");
    assert_eq!(refused["refusal"]["phase_closed"]["action"], "support");
    assert_eq!(
        refused["refusal"]["phase_closed"]["opens"]["phase_title"],
        "Sostegno alle proposte"
    );
    let detail = text(&refused["detail"]);
    assert!(
        detail.starts_with("I sostegni non sono aperti")
            && detail.contains("«Sostegno alle proposte»"),
        "{detail}"
    );
    let english = raw(
        &app,
        Method::PUT,
        &format!("/api/v1/proposals/{early}/support"),
        &[
            ("authorization", &format!("Bearer {secret}")),
            ("accept-language", "en-GB,en;q=0.9"),
        ],
        Body::empty(),
        CLIENT,
    )
    .await;
    let english = problem(&english, 409, "operazione-rifiutata");
    assert_eq!(english["title"], "Operation refused");
    assert!(
        text(&english["detail"]).starts_with("Supports are not open"),
        "{english}"
    );
    assert_eq!(english["refusal"], refused["refusal"]);
    assert_eq!(supports_of(&app, early).await, before);
}

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

// ---------------------------------------------------------------------------
// 7. Tokens
// ---------------------------------------------------------------------------

#[tokio::test]
async fn tokens_act_for_their_owner_within_their_scope_until_revoked() {
    let app = spawn_app().await;
    let owner = person(&app, CITIZEN).await;
    let (writer_id, writer) = token(&app, &owner, "scrittura").await;
    let (_, reader) = token(&app, &owner, "lettura").await;
    let zone30 = proposal_titled(&app, ALESSANDRIA, "Zone 30 e strade scolastiche")
        .await
        .id;
    let spid = proposal_titled(&app, PINEROLO, "Corsi su SPID").await.id;

    // Both act for their owner, and their use is recorded.
    for secret in [&writer, &reader] {
        let me = ok(&get(&app, "/me", Who::Token(secret)).await, 200);
        assert_eq!(me["id"], owner.id.to_string());
        assert_eq!(me["display_name"], owner.display_name);
    }
    let listed = tokens::list(&ctx(&app, &owner)).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|t| t.last_used_at.is_some()));
    let seen = ok(
        &get(&app, &format!("/proposals/{zone30}"), Who::Token(&reader)).await,
        200,
    );
    assert_eq!(seen["viewer"]["signed_in"], true);

    // A read-only token reads, and may not write anything.
    let supports = supports_of(&app, zone30).await;
    let comments = comments_on(&app, spid).await;
    let proposals = proposals_in(&app, PINEROLO).await;
    let writes = [
        (Method::PUT, format!("/proposals/{zone30}/support"), None),
        (Method::DELETE, format!("/proposals/{zone30}/support"), None),
        (
            Method::POST,
            format!("/processes/{PINEROLO}/proposals"),
            Some(new_proposal(
                "servizi-online",
                "Una proposta scritta con un token di sola lettura",
            )),
        ),
        (
            Method::POST,
            format!("/proposals/{spid}/comments"),
            Some(json!({ "commento": "Dal token di lettura.", "posizione": "neutro" })),
        ),
        (
            Method::POST,
            "/me/notifications/read".to_owned(),
            Some(json!({})),
        ),
    ];
    for (method, path, body) in writes {
        let answer = call(&app, method, &path, Who::Token(&reader), body).await;
        let doc = problem(&answer, 403, "token-solo-lettura");
        assert_eq!(doc["title"], "Il token di accesso permette solo la lettura");
        assert!(
            header(&answer, "www-authenticate").contains("insufficient_scope"),
            "{path}: {:?}",
            answer.headers
        );
    }
    assert_eq!(supports_of(&app, zone30).await, supports);
    assert_eq!(comments_on(&app, spid).await, comments);
    assert_eq!(proposals_in(&app, PINEROLO).await, proposals);

    // A write token writes, from any site: without a cookie there is
    // nothing another site could forge.
    let supported = raw(
        &app,
        Method::PUT,
        &format!("/api/v1/proposals/{zone30}/support"),
        &[
            ("authorization", &format!("Bearer {writer}")),
            ("origin", EVIL_SITE),
        ],
        Body::empty(),
        CLIENT,
    )
    .await;
    assert_eq!(ok(&supported, 200)["supported"], true);
    assert_eq!(supports_of(&app, zone30).await, supports + 1);
    assert_eq!(
        count_sql(
            &app,
            "SELECT COUNT(*) FROM supports WHERE proposal_id = ? AND user_id = ?",
            vec![zone30.into(), owner.id.into()],
        )
        .await,
        1
    );
    // With a cookie alongside, the request must come from our pages.
    let cookie = sign_in_demo(&app, CITIZEN).await;
    let forged = raw(
        &app,
        Method::DELETE,
        &format!("/api/v1/proposals/{zone30}/support"),
        &[
            ("authorization", &format!("Bearer {writer}")),
            ("cookie", &cookie),
            ("origin", EVIL_SITE),
        ],
        Body::empty(),
        CLIENT,
    )
    .await;
    problem(&forged, 403, "origine-non-ammessa");
    assert_eq!(supports_of(&app, zone30).await, supports + 1);

    // Unknown, malformed or foreign credentials: 401, public reads included.
    for value in [
        "Bearer pzt_nonesiste00000000000000000000",
        "Bearer qualcosa",
        "Bearer ",
        "Bearer",
        "bearer ",
    ] {
        let answer = raw(
            &app,
            Method::GET,
            "/api/v1/processes",
            &[("authorization", value)],
            Body::empty(),
            CLIENT,
        )
        .await;
        let doc = problem(&answer, 401, "token-non-valido");
        assert_eq!(
            doc["title"],
            "Token di accesso non valido, scaduto o revocato"
        );
        assert_eq!(
            header(&answer, "www-authenticate"),
            "Bearer error=\"invalid_token\"",
            "{value}"
        );
    }

    // Other schemes are not ours (a site behind HTTP Basic): an anonymous
    // read, and the scheme's case does not matter for tokens.
    let basic = raw(
        &app,
        Method::GET,
        "/api/v1/processes",
        &[("authorization", "Basic dXRlbnRlOnBhc3N3b3Jk")],
        Body::empty(),
        CLIENT,
    )
    .await;
    assert_eq!(basic.status, 200);
    let lower = format!("bearer {writer}");
    let me = raw(
        &app,
        Method::GET,
        "/api/v1/me",
        &[("authorization", lower.as_str())],
        Body::empty(),
        CLIENT,
    )
    .await;
    assert_eq!(me.status, 200, "{}", me.body);

    // Revoked: never again, for reads or writes.
    tokens::revoke(&ctx(&app, &owner), writer_id).await.unwrap();
    problem(
        &get(&app, "/me", Who::Token(&writer)).await,
        401,
        "token-non-valido",
    );
    problem(
        &call(
            &app,
            Method::DELETE,
            &format!("/proposals/{zone30}/support"),
            Who::Token(&writer),
            None,
        )
        .await,
        401,
        "token-non-valido",
    );
    assert_eq!(
        supports_of(&app, zone30).await,
        supports + 1,
        "still supported"
    );
    ok(&get(&app, "/me", Who::Token(&reader)).await, 200);
}

// ---------------------------------------------------------------------------
// 8. The caller and their notifications
// ---------------------------------------------------------------------------

#[tokio::test]
async fn me_and_notifications_are_the_signed_in_callers_own() {
    let app = spawn_app().await;

    // Nobody signed in.
    let anonymous = get(&app, "/me", Who::Nobody).await;
    problem(&anonymous, 401, "accesso-richiesto");
    assert_eq!(header(&anonymous, "www-authenticate"), "Bearer");
    let anonymous = get(&app, "/me/notifications", Who::Nobody).await;
    problem(&anonymous, 401, "accesso-richiesto");
    assert_eq!(header(&anonymous, "www-authenticate"), "Bearer");
    problem(
        &call(
            &app,
            Method::POST,
            "/me/notifications/read",
            Who::Nobody,
            Some(json!({})),
        )
        .await,
        401,
        "accesso-richiesto",
    );

    // Who is asking, with their roles.
    let citizen = person(&app, CITIZEN).await;
    let cookie = sign_in_demo(&app, CITIZEN).await;
    let me = ok(&get(&app, "/me", Who::Cookie(&cookie)).await, 200);
    assert_eq!(
        me,
        json!({ "id": citizen.id, "display_name": citizen.display_name, "is_demo": true, "grants": [] })
    );
    let facilitator = sign_in_demo(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    let pinerolo = process_row(&app, PINEROLO).await;
    let me = ok(&get(&app, "/me", Who::Cookie(&facilitator)).await, 200);
    assert_eq!(
        me["grants"],
        json!([{ "role": "Facilitator", "process_id": pinerolo.id, "platform_id": null }])
    );

    // Comments on the citizen's proposal notify them, not the commenter.
    let created = ok(
        &call(
            &app,
            Method::POST,
            &format!("/processes/{PINEROLO}/proposals"),
            Who::Cookie(&cookie),
            Some(new_proposal(
                "inclusione-digitale",
                "Tablet in prestito nelle biblioteche di quartiere",
            )),
        )
        .await,
        201,
    );
    let mine = created["id"].clone();
    let commenter = person(&app, CITIZEN_2).await;
    let (_, other) = token(&app, &commenter, "scrittura").await;
    for words in ["Prima risposta utile.", "Seconda risposta utile."] {
        ok(
            &call(
                &app,
                Method::POST,
                &format!("/proposals/{}/comments", text(&mine)),
                Who::Token(&other),
                Some(json!({ "commento": words, "posizione": "favore" })),
            )
            .await,
            201,
        );
    }
    let unread = unread_of(&app, citizen.id).await;
    assert!(unread >= 2, "{unread}");
    let page = ok(
        &get(&app, "/me/notifications", Who::Cookie(&cookie)).await,
        200,
    );
    assert_eq!(page["unread"], unread);
    let ours: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["proposal"]["key"] == mine)
        .collect();
    assert_eq!(ours.len(), 2, "{page}");
    for n in &ours {
        assert_eq!(n["kind"], "new_comment");
        assert_eq!(n["read"], false);
        assert_eq!(n["detail"], commenter.display_name);
        assert_eq!(n["process"]["key"], PINEROLO);
    }
    let theirs = ok(
        &get(&app, "/me/notifications", Who::Token(&other)).await,
        200,
    );
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["proposal"]["key"] != mine),
        "the commenter is not told about their own comments"
    );
    let bad_cursor = problem(
        &get(
            &app,
            "/me/notifications?prima=non-un-id",
            Who::Cookie(&cookie),
        )
        .await,
        422,
        "dati-non-validi",
    );
    assert_eq!(bad_cursor["errors"][0]["field"], "prima", "{bad_cursor}");

    // Marking one, then all; someone else's stays as it is.
    let one = id_of(&ours[0]["id"]);
    let read = "/me/notifications/read";
    let marked = call(
        &app,
        Method::POST,
        read,
        Who::Token(&other),
        Some(json!({ "notifica": one })),
    )
    .await;
    assert_eq!(ok(&marked, 200), json!({ "marked": 0 }));
    assert_eq!(unread_of(&app, citizen.id).await, unread);
    let marked = call(
        &app,
        Method::POST,
        read,
        Who::Cookie(&cookie),
        Some(json!({ "notifica": one })),
    )
    .await;
    assert_eq!(ok(&marked, 200), json!({ "marked": 1 }));
    assert_eq!(unread_of(&app, citizen.id).await, unread - 1);
    let marked = call(
        &app,
        Method::POST,
        read,
        Who::Cookie(&cookie),
        Some(json!({ "notifica": one })),
    )
    .await;
    assert_eq!(ok(&marked, 200), json!({ "marked": 0 }), "already read");
    let marked = call(
        &app,
        Method::POST,
        read,
        Who::Cookie(&cookie),
        Some(json!({})),
    )
    .await;
    assert_eq!(ok(&marked, 200), json!({ "marked": unread - 1 }));
    assert_eq!(unread_of(&app, citizen.id).await, 0);
    let page = ok(
        &get(&app, "/me/notifications", Who::Cookie(&cookie)).await,
        200,
    );
    assert_eq!(page["unread"], 0);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["read"] == true)
    );

    // A body that does not read, or a cookie from another site.
    for body in [json!({ "notifica": "non-un-id" }), json!({ "tutte": true })] {
        problem(
            &call(&app, Method::POST, read, Who::Cookie(&cookie), Some(body)).await,
            422,
            "dati-non-validi",
        );
    }
    let forged = raw(
        &app,
        Method::POST,
        &format!("/api/v1{read}"),
        &[
            ("cookie", &cookie),
            ("origin", EVIL_SITE),
            ("content-type", "application/json"),
        ],
        Body::from("{}"),
        CLIENT,
    )
    .await;
    problem(&forged, 403, "origine-non-ammessa");
}

// ---------------------------------------------------------------------------
// 9. Projects and the DUP
// ---------------------------------------------------------------------------

/// Merges two Milano transport proposals into a project; returns its id and
/// the originals.
async fn milano_project(app: &TestApp) -> (Uuid, [Uuid; 2]) {
    let facilitator = person(app, "facilitator-milano@demo.piazza.invalid").await;
    let evening = proposal_titled(app, MILANO, "Autobus a chiamata serale")
        .await
        .id;
    let logistics = proposal_titled(app, MILANO, "Piano della logistica")
        .await
        .id;
    let input = ProjectInput::parse(
        "Mobilità serale e logistica nei comuni",
        "Un progetto che riunisce proposte vicine in un unico cantiere.",
        "Comune\n\n  Associazione di quartiere  ",
        "protocollo_intesa",
    )
    .expect("valid project input");
    let project = projects::merge(&ctx(app, &facilitator), &[evening, logistics], &input)
        .await
        .expect("the facilitator merges");
    (project, [evening, logistics])
}

#[tokio::test]
async fn projects_and_the_dup_read_alike_for_everyone() {
    let app = spawn_app().await;
    let (project, originals) = milano_project(&app).await;
    let facilitator = sign_in_demo(&app, "facilitator-milano@demo.piazza.invalid").await;
    let admin = sign_in_demo(&app, "admin@demo.piazza.invalid").await;

    // Projects of a process, and one project.
    let list = ok(
        &get(&app, &format!("/processes/{MILANO}/projects"), Who::Nobody).await,
        200,
    );
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["id"], project.to_string());
    assert_eq!(list[0]["title"], "Mobilità serale e logistica nei comuni");
    assert_eq!(list[0]["member_count"], 2);
    assert_eq!(list[0]["agreement"], "MemorandumOfUnderstanding");
    let none = ok(
        &get(
            &app,
            &format!("/processes/{PINEROLO}/projects"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(none, json!([]));
    let detail = ok(
        &get(&app, &format!("/projects/{project}"), Who::Nobody).await,
        200,
    );
    assert_eq!(detail["process"]["key"], MILANO);
    assert_eq!(detail["platform"], list[0]["platform"]);
    assert_eq!(
        detail["partners"],
        json!(["Comune", "Associazione di quartiere"])
    );
    assert_eq!(detail["can_manage"], false);
    assert_eq!(detail["dissolved_at"], Value::Null);
    let members: HashSet<Uuid> = detail["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| id_of(&m["id"]))
        .collect();
    assert_eq!(members, HashSet::from(originals));
    assert!(
        detail["distinct_supporters"]
            .as_i64()
            .is_some_and(|n| n > 0)
    );
    let managed = ok(
        &get(
            &app,
            &format!("/projects/{project}"),
            Who::Cookie(&facilitator),
        )
        .await,
        200,
    );
    assert_eq!(managed["can_manage"], true);
    let merged = ok(
        &get(&app, &format!("/proposals/{}", originals[0]), Who::Nobody).await,
        200,
    );
    assert_eq!(merged["state"], "merged");
    assert_eq!(merged["project"]["key"], project.to_string());

    // The DUP editions, one edition's tree, one objective.
    let editions = ok(&get(&app, "/dup/editions", Who::Nobody).await, 200);
    assert_eq!(editions["can_manage"], false);
    let titles: HashSet<&str> = editions["editions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| text(&e["title"]))
        .collect();
    assert_eq!(titles, HashSet::from(["DUP 2016–2018", "DUP 2026–2028"]));
    let as_admin = ok(&get(&app, "/dup/editions", Who::Cookie(&admin)).await, 200);
    assert_eq!(as_admin["can_manage"], true);
    assert_eq!(as_admin["editions"], editions["editions"]);

    let edition = process_row(&app, MILANO).await.dup_edition_id.unwrap();
    let tree = ok(
        &get(&app, &format!("/dup/editions/{edition}"), Who::Nobody).await,
        200,
    );
    assert_eq!(tree["summary"]["id"], edition.to_string());
    assert_eq!(
        tree["summary"]["organization"],
        "Città metropolitana di Milano"
    );
    assert_eq!(
        tree["summary"]["objective_count"],
        count_sql(
            &app,
            "SELECT COUNT(*) FROM dup_objectives WHERE edition_id = ?",
            vec![edition.into()],
        )
        .await
    );
    assert!(
        tree["summary"]["processes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["key"] == MILANO)
    );
    assert!(!tree["missions"].as_array().unwrap().is_empty());

    let transport = objective_id(&app, MILANO, "SeO-10.02.1").await;
    let objective = ok(
        &get(&app, &format!("/dup/objectives/{transport}"), Who::Nobody).await,
        200,
    );
    assert_eq!(objective["objective"]["code"], "SeO-10.02.1");
    assert_eq!(objective["edition"]["key"], edition.to_string());
    assert!(
        objective["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| text(&l["item_title"]).starts_with("Un biglietto unico")),
        "{objective}"
    );

    // What a proposal and a project feed, as anyone sees it.
    let ticket = proposal_titled(&app, MILANO, "Un biglietto unico").await.id;
    let links = ok(
        &get(
            &app,
            &format!("/proposals/{ticket}/objectives"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(links["can_link"], false);
    assert_eq!(
        (&links["suggestions"], &links["choices"]),
        (&json!([]), &json!([]))
    );
    assert_eq!(links["edition"]["key"], edition.to_string());
    assert!(
        links["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["objective"]["code"] == "SeO-10.02.1"
                && l["item"] == json!({ "Proposal": ticket }))
    );
    let project_links = ok(
        &get(
            &app,
            &format!("/projects/{project}/objectives"),
            Who::Nobody,
        )
        .await,
        200,
    );
    assert_eq!(
        (&project_links["links"], &project_links["can_link"]),
        (&json!([]), &json!(false))
    );
    problem(
        &get(
            &app,
            &format!("/projects/{}/objectives", Uuid::now_v7()),
            Who::Nobody,
        )
        .await,
        404,
        "non-trovato",
    );
}

#[tokio::test]
async fn only_the_platforms_facilitators_link_and_unlink_objectives() {
    let app = spawn_app().await;
    let (project, _) = milano_project(&app).await;
    let facilitator = sign_in_demo(&app, "facilitator-milano@demo.piazza.invalid").await;
    let (_, facilitator_token) = token(
        &app,
        &person(&app, "facilitator-milano@demo.piazza.invalid").await,
        "scrittura",
    )
    .await;
    let ambiente = sign_in_demo(&app, "facilitator-milano-ambiente@demo.piazza.invalid").await;
    let citizen = sign_in_demo(&app, CITIZEN).await;
    let (_, citizen_token) = token(&app, &person(&app, CITIZEN).await, "scrittura").await;
    let ticket = proposal_titled(&app, MILANO, "Un biglietto unico").await.id;
    let cycling = objective_id(&app, MILANO, "SeO-10.05.1").await;
    let transport = objective_id(&app, MILANO, "SeO-10.02.1").await;
    let path = format!("/proposals/{ticket}/objectives");
    let body = json!({
        "obiettivo": cycling,
        "motivazione": "Il biglietto unico vale anche per le bici sui treni.",
        "peso": 3,
    });
    let before = links_of_proposal(&app, ticket).await;

    // The facilitator is offered the objectives to choose from.
    let offered = ok(&get(&app, &path, Who::Cookie(&facilitator)).await, 200);
    assert_eq!(offered["can_link"], true);
    assert!(
        offered["choices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == cycling.to_string())
    );

    // Citizens, another platform's facilitator and nobody may not link.
    for (who, status, code) in [
        (Who::Cookie(&citizen), 403, "vietato"),
        (Who::Token(&citizen_token), 403, "vietato"),
        (Who::Cookie(&ambiente), 403, "vietato"),
        (Who::Nobody, 401, "accesso-richiesto"),
    ] {
        let answer = call(&app, Method::POST, &path, who, Some(body.clone())).await;
        problem(&answer, status, code);
    }
    assert_eq!(links_of_proposal(&app, ticket).await, before);

    // The facilitator links: 201, and the link reads back.
    let created = call(
        &app,
        Method::POST,
        &path,
        Who::Cookie(&facilitator),
        Some(body),
    )
    .await;
    let link = id_of(&ok(&created, 201)["id"]);
    assert_eq!(header(&created, "location"), format!("/api/v1{path}"));
    assert_eq!(links_of_proposal(&app, ticket).await, before + 1);
    let seen = ok(&get(&app, &path, Who::Nobody).await, 200);
    let shown = seen["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == link.to_string())
        .expect("the new link is listed")
        .clone();
    assert_eq!(shown["objective"]["code"], "SeO-10.05.1");
    assert_eq!(
        shown["rationale"],
        "Il biglietto unico vale anche per le bici sui treni."
    );
    assert_eq!(shown["weight"], 3);
    assert_eq!(
        shown["linked_by"],
        person(&app, "facilitator-milano@demo.piazza.invalid")
            .await
            .display_name
    );
    assert_eq!(shown["item"], json!({ "Proposal": ticket }));

    // Linking again changes the same link.
    let again = call(
        &app,
        Method::POST,
        &path,
        Who::Token(&facilitator_token),
        Some(json!({ "obiettivo": cycling, "motivazione": "Una motivazione più precisa." })),
    )
    .await;
    assert_eq!(id_of(&ok(&again, 201)["id"]), link);
    assert_eq!(links_of_proposal(&app, ticket).await, before + 1);
    assert_eq!(
        count_sql(
            &app,
            "SELECT COUNT(*) FROM dup_links WHERE id = ? AND rationale = ? AND weight IS NULL",
            vec![link.into(), "Una motivazione più precisa.".into()],
        )
        .await,
        1
    );

    // Fields that do not read are named.
    let elsewhere = {
        let edition = process_row(&app, PINEROLO).await.dup_edition_id.unwrap();
        dup_objective::Entity::find()
            .filter(dup_objective::Column::EditionId.eq(edition))
            .one(&app.db)
            .await
            .unwrap()
            .expect("Pinerolo's DUP has objectives")
            .id
    };
    for (body, field, code) in [
        (
            json!({ "obiettivo": "non-un-id", "motivazione": "Serve." }),
            "obiettivo",
            "malformed",
        ),
        (
            json!({ "obiettivo": " ", "motivazione": "Serve." }),
            "obiettivo",
            "empty",
        ),
        (
            json!({ "obiettivo": cycling, "motivazione": "  " }),
            "motivazione",
            "empty",
        ),
        (
            json!({ "obiettivo": cycling, "motivazione": "Serve.", "peso": 9 }),
            "peso",
            "malformed",
        ),
        (
            json!({ "obiettivo": elsewhere, "motivazione": "Serve." }),
            "obiettivo",
            "not_recognized",
        ),
    ] {
        let doc = problem(
            &call(
                &app,
                Method::POST,
                &path,
                Who::Cookie(&facilitator),
                Some(body),
            )
            .await,
            422,
            "dati-non-validi",
        );
        assert_eq!(doc["errors"][0]["field"], field, "{doc}");
        assert_eq!(doc["errors"][0]["code"], code, "{doc}");
    }
    assert_eq!(links_of_proposal(&app, ticket).await, before + 1);

    // A project's links, the same way.
    let project_path = format!("/projects/{project}/objectives");
    let project_body = json!({
        "obiettivo": transport,
        "motivazione": "Gli autobus serali portano alle stazioni.",
        "peso": 5,
    });
    problem(
        &call(
            &app,
            Method::POST,
            &project_path,
            Who::Cookie(&citizen),
            Some(project_body.clone()),
        )
        .await,
        403,
        "vietato",
    );
    let created = call(
        &app,
        Method::POST,
        &project_path,
        Who::Token(&facilitator_token),
        Some(project_body),
    )
    .await;
    let project_link = id_of(&ok(&created, 201)["id"]);
    assert_eq!(
        header(&created, "location"),
        format!("/api/v1{project_path}")
    );
    let seen = ok(&get(&app, &project_path, Who::Nobody).await, 200);
    assert_eq!(seen["links"].as_array().unwrap().len(), 1);
    assert_eq!(seen["links"][0]["id"], project_link.to_string());
    assert_eq!(seen["links"][0]["item"], json!({ "Project": project }));
    assert_eq!(seen["links"][0]["weight"], 5);

    // Unlinking: the same people only.
    let unlink = format!("/dup/links/{link}");
    for (who, status, code) in [
        (Who::Cookie(&citizen), 403, "vietato"),
        (Who::Token(&citizen_token), 403, "vietato"),
        (Who::Cookie(&ambiente), 403, "vietato"),
        (Who::Nobody, 401, "accesso-richiesto"),
    ] {
        problem(
            &call(&app, Method::DELETE, &unlink, who, None).await,
            status,
            code,
        );
    }
    assert_eq!(links_of_proposal(&app, ticket).await, before + 1);
    let removed = call(
        &app,
        Method::DELETE,
        &unlink,
        Who::Cookie(&facilitator),
        None,
    )
    .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert!(removed.body.is_empty());
    assert_eq!(links_of_proposal(&app, ticket).await, before);
    problem(
        &call(
            &app,
            Method::DELETE,
            &unlink,
            Who::Cookie(&facilitator),
            None,
        )
        .await,
        404,
        "non-trovato",
    );
    let removed = call(
        &app,
        Method::DELETE,
        &format!("/dup/links/{project_link}"),
        Who::Token(&facilitator_token),
        None,
    )
    .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let seen = ok(&get(&app, &project_path, Who::Nobody).await, 200);
    assert_eq!(seen["links"], json!([]));
}

// ---------------------------------------------------------------------------
// 10. Conditional reads and languages
// ---------------------------------------------------------------------------

#[tokio::test]
async fn reads_carry_etags_and_problems_speak_the_callers_language() {
    let app = spawn_app().await;
    let conditional = |uri: String, headers: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            raw(app, Method::GET, &uri, &headers, Body::empty(), CLIENT).await
        }
    };

    // A strong tag on every successful read, the same for the same body.
    let first = get(&app, "/processes", Who::Nobody).await;
    assert_eq!(first.status, 200);
    let etag = header(&first, "etag");
    assert!(
        etag.len() > 2 && etag.starts_with('"') && etag.ends_with('"'),
        "{etag}"
    );
    assert!(header(&first, "vary").contains("Authorization"));
    assert_eq!(header(&first, "cache-control"), "private, no-cache");
    assert_eq!(
        header(&get(&app, "/processes", Who::Nobody).await, "etag"),
        etag
    );

    // Sent back: 304 without a body; a weak or listed match counts too.
    for sent in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"altro\", {etag}"),
        "*".to_owned(),
    ] {
        let cached = conditional(
            "/api/v1/processes".into(),
            vec![("if-none-match", sent.clone())],
        )
        .await;
        assert_eq!(cached.status, 304, "{sent}");
        assert!(cached.body.is_empty());
        assert_eq!(header(&cached, "etag"), etag);
        assert!(header(&cached, "content-type").is_empty());
    }
    let other = conditional(
        "/api/v1/processes".into(),
        vec![("if-none-match", "\"altro\"".into())],
    )
    .await;
    assert_eq!(other.status, 200);
    assert_eq!(other.body, first.body);

    // The tag follows the content: a new comment changes the proposal.
    let spid = proposal_titled(&app, PINEROLO, "Corsi su SPID").await.id;
    let uri = format!("/api/v1/proposals/{spid}");
    let before = conditional(uri.clone(), vec![]).await;
    let old = header(&before, "etag");
    let citizen = sign_in_demo(&app, CITIZEN).await;
    ok(
        &call(
            &app,
            Method::POST,
            &format!("/proposals/{spid}/comments"),
            Who::Cookie(&citizen),
            Some(json!({ "commento": "Utile anche per i caregiver.", "posizione": "favore" })),
        )
        .await,
        201,
    );
    let after = conditional(uri.clone(), vec![("if-none-match", old.clone())]).await;
    assert_eq!(after.status, 200, "changed, so sent again");
    assert_ne!(header(&after, "etag"), old);
    assert_eq!(
        ok(&after, 200)["comment_count"].as_i64().unwrap(),
        ok(&before, 200)["comment_count"].as_i64().unwrap() + 1
    );

    // Problems are never cached nor tagged.
    let missing = conditional(
        format!("/api/v1/proposals/{}", Uuid::now_v7()),
        vec![("if-none-match", "*".into())],
    )
    .await;
    let doc = problem(&missing, 404, "non-trovato");
    assert!(header(&missing, "etag").is_empty());

    // Italian by default, English when preferred.
    assert_eq!(doc["title"], "Non trovato");
    assert_eq!(header(&missing, "content-language"), "it");
    let lost = format!("/api/v1/proposals/{}", Uuid::now_v7());
    for (accept, title, language) in [
        ("en", "Not found", "en"),
        ("en-GB,en;q=0.9", "Not found", "en"),
        ("it-IT,it;q=0.9,en;q=0.8", "Non trovato", "it"),
        ("fr", "Non trovato", "it"),
        ("de,en;q=0.5", "Not found", "en"),
    ] {
        let answer = conditional(lost.clone(), vec![("accept-language", accept.into())]).await;
        let doc = problem(&answer, 404, "non-trovato");
        assert_eq!(doc["title"], title, "{accept}");
        assert_eq!(header(&answer, "content-language"), language, "{accept}");
    }
    let english = |uri: &str| conditional(uri.to_owned(), vec![("accept-language", "en".into())]);
    let doc = problem(
        &english("/api/v1/nessuna").await,
        404,
        "indirizzo-inesistente",
    );
    assert_eq!(doc["title"], "No such address in the API");
    let invalid_uri = format!("/api/v1/processes/{ALESSANDRIA}/proposals?stato=approvata");
    let english_422 = problem(&english(&invalid_uri).await, 422, "dati-non-validi");
    let italian_422 = problem(
        &conditional(invalid_uri, vec![]).await,
        422,
        "dati-non-validi",
    );
    assert_eq!(english_422["title"], "Invalid data");
    assert_eq!(english_422["errors"][0]["field"], "stato");
    assert_ne!(
        english_422["errors"][0]["message"],
        italian_422["errors"][0]["message"]
    );
    let wrong = raw(
        &app,
        Method::POST,
        "/api/v1/processes",
        &[("origin", ORIGIN), ("accept-language", "en")],
        Body::empty(),
        CLIENT,
    )
    .await;
    let doc = problem(&wrong, 405, "metodo-non-ammesso");
    assert_eq!(doc["title"], "Method not allowed for this address");
    assert!(header(&wrong, "allow").contains("GET"));
}

// ---------------------------------------------------------------------------
// 11. Rate limits
// ---------------------------------------------------------------------------

#[tokio::test]
async fn rate_limits_apply_per_address_and_separately_per_token() {
    let app = spawn_app_with(&[
        ("PIAZZA_API_RATE_PER_IP", "3"),
        ("PIAZZA_API_RATE_PER_TOKEN", "2"),
    ])
    .await;
    let owner = person(&app, CITIZEN).await;
    let (_, first_token) = token(&app, &owner, "lettura").await;
    let (_, second_token) = token(&app, &owner, "lettura").await;
    let busy = [10, 0, 0, 7];
    let from = |ip: [u8; 4], headers: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            raw(
                app,
                Method::GET,
                "/api/v1/processes",
                &headers,
                Body::empty(),
                ip,
            )
            .await
        }
    };

    // Per address: three a minute, then 429 with how long to wait.
    for n in 0..3 {
        assert_eq!(from(busy, vec![]).await.status, 200, "request {n}");
    }
    let limited = from(busy, vec![]).await;
    let doc = problem(&limited, 429, "troppe-richieste");
    let wait: u64 = header(&limited, "retry-after")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=20).contains(&wait), "{wait}");
    assert_eq!(doc["retry_after"], wait);
    let english = from(busy, vec![("accept-language", "en".into())]).await;
    assert_eq!(
        problem(&english, 429, "troppe-richieste")["title"],
        "Too many requests"
    );
    assert!(!header(&english, "retry-after").is_empty());
    assert_eq!(
        from([10, 0, 0, 8], vec![]).await.status,
        200,
        "another address"
    );
    // A session counts on its address.
    let cookie = sign_in_demo(&app, CITIZEN).await;
    problem(
        &raw(
            &app,
            Method::GET,
            "/api/v1/me",
            &[("cookie", &cookie)],
            Body::empty(),
            busy,
        )
        .await,
        429,
        "troppe-richieste",
    );

    // Tokens that are not valid count on their address too: guessing them
    // is throttled like any other request.
    // (Each guess is a different token: the same one again would meet its
    // own per-token limit first, which is checked before any lookup.)
    let guessing = [10, 0, 0, 11];
    let guess = |n: u32| vec![("authorization", format!("Bearer pzt_nonesiste{n:0>39}"))];
    for n in 0..3 {
        let answer = from(guessing, guess(n)).await;
        assert_eq!(answer.status, 401, "guess {n}");
    }
    let limited = from(guessing, guess(3)).await;
    problem(&limited, 429, "troppe-richieste");
    assert!(!header(&limited, "retry-after").is_empty());

    // Per token: on its own count, wherever it comes from.
    let bearer = |secret: &str| vec![("authorization", format!("Bearer {secret}"))];
    assert_eq!(from(busy, bearer(&first_token)).await.status, 200);
    assert_eq!(from([10, 0, 0, 9], bearer(&first_token)).await.status, 200);
    let limited = from([10, 0, 0, 10], bearer(&first_token)).await;
    problem(&limited, 429, "troppe-richieste");
    let wait: u64 = header(&limited, "retry-after")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=30).contains(&wait), "{wait}");
    assert_eq!(
        from(busy, bearer(&second_token)).await.status,
        200,
        "another token"
    );
}

// ---------------------------------------------------------------------------
// 12. CORS
// ---------------------------------------------------------------------------

#[tokio::test]
async fn configured_sites_may_call_with_a_token_but_never_with_the_session() {
    let app = spawn_app_with(&[("PIAZZA_API_CORS_ORIGINS", PARTNER_SITE)]).await;
    let spid = proposal_titled(&app, PINEROLO, "Corsi su SPID").await.id;
    let path = format!("/api/v1/proposals/{spid}/comments");
    let preflight = |origin: &'static str| {
        let app = &app;
        let path = path.clone();
        async move {
            raw(
                app,
                Method::OPTIONS,
                &path,
                &[
                    ("origin", origin),
                    ("access-control-request-method", "POST"),
                    (
                        "access-control-request-headers",
                        "authorization,content-type",
                    ),
                ],
                Body::empty(),
                CLIENT,
            )
            .await
        }
    };

    // The preflight: allowed for the configured site only.
    let allowed = preflight(PARTNER_SITE).await;
    assert_eq!(allowed.status, 200, "{}", allowed.body);
    assert_eq!(
        header(&allowed, "access-control-allow-origin"),
        PARTNER_SITE
    );
    let methods = header(&allowed, "access-control-allow-methods");
    assert!(
        methods.contains("POST") && methods.contains("PUT") && methods.contains("DELETE"),
        "{methods}"
    );
    let headers = header(&allowed, "access-control-allow-headers").to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
    assert_eq!(header(&allowed, "access-control-max-age"), "3600");
    let refused = preflight(EVIL_SITE).await;
    assert!(
        refused.headers.get("access-control-allow-origin").is_none(),
        "{:?}",
        refused.headers
    );

    // Simple reads: the configured site may read the answer and its headers.
    let read = raw(
        &app,
        Method::GET,
        &path,
        &[("origin", PARTNER_SITE)],
        Body::empty(),
        CLIENT,
    )
    .await;
    assert_eq!(read.status, 200);
    assert_eq!(header(&read, "access-control-allow-origin"), PARTNER_SITE);
    let exposed = header(&read, "access-control-expose-headers").to_ascii_lowercase();
    for name in ["etag", "retry-after", "location", "link"] {
        assert!(exposed.contains(name), "{name}: {exposed}");
    }
    let elsewhere = raw(
        &app,
        Method::GET,
        &path,
        &[("origin", EVIL_SITE)],
        Body::empty(),
        CLIENT,
    )
    .await;
    assert_eq!(elsewhere.status, 200);
    assert!(
        elsewhere
            .headers
            .get("access-control-allow-origin")
            .is_none()
    );

    // A token write from the configured site passes the origin check.
    let (_, writer) = token(&app, &person(&app, CITIZEN_2).await, "scrittura").await;
    let before = comments_on(&app, spid).await;
    let comment =
        json!({ "commento": "Scritto dal sito del Comune.", "posizione": "favore" }).to_string();
    let bearer = format!("Bearer {writer}");
    let posted = raw(
        &app,
        Method::POST,
        &path,
        &[
            ("origin", PARTNER_SITE),
            ("authorization", &bearer),
            ("content-type", "application/json"),
        ],
        Body::from(comment.clone()),
        CLIENT,
    )
    .await;
    ok(&posted, 201);
    assert_eq!(header(&posted, "access-control-allow-origin"), PARTNER_SITE);
    assert_eq!(comments_on(&app, spid).await, before + 1);

    // The session never travels from another site, CORS or not.
    let cookie = sign_in_demo(&app, CITIZEN).await;
    for headers in [
        vec![
            ("origin", PARTNER_SITE),
            ("cookie", cookie.as_str()),
            ("content-type", "application/json"),
        ],
        vec![
            ("origin", PARTNER_SITE),
            ("cookie", cookie.as_str()),
            ("authorization", bearer.as_str()),
            ("content-type", "application/json"),
        ],
    ] {
        let forged = raw(
            &app,
            Method::POST,
            &path,
            &headers,
            Body::from(comment.clone()),
            CLIENT,
        )
        .await;
        problem(&forged, 403, "origine-non-ammessa");
    }
    assert_eq!(comments_on(&app, spid).await, before + 1);
}
