//! The REST API's contract, checked from the OpenAPI document itself: the
//! document is complete and well formed, every documented operation is
//! routed and nothing undocumented is, and every malformed request to every
//! write (the list comes from the document, so a new endpoint is covered
//! without touching this file) is a 4xx problem document, never a 5xx, a
//! bare error or a leak of internals.

mod document;
mod requests;
mod schema_limits;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use axum::body::Body;
use http::Request;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use server::rest::messages::Lang;
use server::rest::problem::Kind;
use shared::model::ProposalState;
use shared::model::accounts::TokenInput;
use shared::model::common::Visibility;
use shared::model::dup::{LinkInput, PlanItem};
use shared::model::facilitation::ProjectInput;
use shared::model::participation::ProposalInput;
use shared::service::entity::{dup_objective, process, proposal};
use shared::service::{
    accounts::tokens, dup::links, facilitation::projects, participation::authoring,
    participation::comments,
};
use uuid::Uuid;

use crate::helpers::{Answer, TestApp, ctx, person, spawn_app_with};

const PINEROLO: &str = "agenda-digitale-pinerolo";
const ADMIN: &str = "admin@demo.piazza.invalid";
/// A text every text field takes (a title, a body, a comment, a rationale).
const TEXT: &str = "Un testo di prova che supera senz'altro i trenta caratteri richiesti.";
/// The methods a path may answer, as the document names them.
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
/// Words that would betray the server's insides in an answer.
const LEAKS: [&str; 8] = [
    "sqlx",
    "SELECT",
    "panicked",
    "DbErr",
    "sea_orm",
    "stack backtrace",
    "RUST_BACKTRACE",
    "/src/",
];
const PROBLEM_JSON: &str = "application/problem+json";
const PROBLEM_TYPE_PREFIX: &str = "/api/v1/docs#problema-";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// An application whose rate limits do not get in the way of a full walk.
async fn api_app() -> TestApp {
    spawn_app_with(&[
        ("PIAZZA_API_RATE_PER_TOKEN", "100000"),
        ("PIAZZA_API_RATE_PER_IP", "100000"),
    ])
    .await
}

/// A write-scope token of the demo administrator.
async fn admin_token(app: &TestApp) -> String {
    let admin = person(app, ADMIN).await;
    let input = TokenInput::parse("Prove del contratto", "scrittura").expect("valid token input");
    tokens::create(
        &ctx(app, &admin),
        &input,
        shared::model::accounts::DEMO_PASSWORD,
    )
    .await
    .expect("the administrator gets a token")
    .secret
}

/// The start of a body, for failure messages.
fn snippet(body: &str) -> String {
    body.chars().take(600).collect()
}

/// The OpenAPI document as the API serves it.
async fn served_document(app: &TestApp) -> Value {
    let answer = app.get("/api/v1/openapi.json").await;
    assert_eq!(answer.status, 200, "{}", snippet(&answer.body));
    serde_json::from_str(&answer.body).expect("the document is JSON")
}

/// One documented operation.
#[derive(Clone, Debug)]
struct Operation {
    /// Lowercase, as in the document.
    method: &'static str,
    /// Relative to `/api/v1`, with `{parameters}`.
    path: String,
    spec: Value,
}

impl Operation {
    fn id(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    fn is_write(&self) -> bool {
        matches!(self.method, "post" | "put" | "patch" | "delete")
    }

    fn parameters(&self) -> Vec<&Value> {
        self.spec["parameters"]
            .as_array()
            .map(|p| p.iter().collect())
            .unwrap_or_default()
    }

    fn parameter_names(&self, place: &str) -> BTreeSet<String> {
        self.parameters()
            .into_iter()
            .filter(|p| p["in"] == place)
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect()
    }

    /// The request body's schema (`application/json`), resolved.
    fn body_schema<'a>(&'a self, document: &'a Value) -> Option<&'a Value> {
        self.spec
            .pointer("/requestBody/content/application~1json/schema")
            .map(|schema| resolve(document, schema))
    }

    /// The names a field error of this operation may give: the body's
    /// properties and the parameters.
    fn field_names(&self, document: &Value) -> BTreeSet<String> {
        let mut names: BTreeSet<String> = self
            .parameters()
            .into_iter()
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect();
        if let Some(properties) = self
            .body_schema(document)
            .and_then(|s| s["properties"].as_object())
        {
            names.extend(properties.keys().cloned());
        }
        names
    }
}

/// Every operation of the document, in its order.
fn operations(document: &Value) -> Vec<Operation> {
    let paths = document["paths"]
        .as_object()
        .expect("the document has paths");
    let mut found = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(spec) = item.get(method) {
                found.push(Operation {
                    method,
                    path: path.clone(),
                    spec: spec.clone(),
                });
            }
        }
    }
    found
}

/// A schema with its `$ref` followed.
fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("a local reference: {reference}"));
            document
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} resolves"))
        }
        None => schema,
    }
}

/// The `{names}` of a path template.
fn template_parameters(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

/// Real values from the demo data for every kind of path parameter, plus
/// what the demo lacks (a proposal of the administrator's, a project, a
/// link, a comment), made through the services. The process is Pinerolo's,
/// which takes proposals and comments now, so writes reach their checks.
struct Fixtures {
    process: String,
    platform: String,
    proposal: Uuid,
    project: Uuid,
    edition: Uuid,
    objective: Uuid,
    link: Uuid,
    comment: Uuid,
    /// The proposal `comment` is on.
    commented: Uuid,
    plan_version: i32,
}

async fn fixtures(app: &TestApp) -> Fixtures {
    // The process and its platform, as the API lists them.
    let listed = app.get("/api/v1/processes").await;
    assert_eq!(listed.status, 200, "{}", snippet(&listed.body));
    let listed: Value = serde_json::from_str(&listed.body).unwrap();
    let process = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["slug"].as_str())
        .find(|slug| *slug == PINEROLO)
        .expect("the API lists Pinerolo's process")
        .to_owned();
    let platforms = app
        .get(&format!("/api/v1/processes/{process}/platforms"))
        .await;
    assert_eq!(platforms.status, 200, "{}", snippet(&platforms.body));
    let platforms: Value = serde_json::from_str(&platforms.body).unwrap();
    let platform = platforms[0]["slug"]
        .as_str()
        .expect("a platform")
        .to_owned();

    let admin = ctx(app, &person(app, ADMIN).await);
    let row = process::Entity::find()
        .filter(process::Column::Slug.eq(PINEROLO))
        .one(&app.db)
        .await
        .unwrap()
        .expect("Pinerolo's process");
    let edition = row.dup_edition_id.expect("Pinerolo's plan informs a DUP");
    let objective = dup_objective::Entity::find()
        .filter(dup_objective::Column::EditionId.eq(edition))
        .order_by_asc(dup_objective::Column::Code)
        .one(&app.db)
        .await
        .unwrap()
        .expect("an objective")
        .id;

    // The administrator's own proposal, so that changing it is allowed and
    // its body is checked to the end.
    let input = ProposalInput::parse("Una proposta per le prove del contratto", TEXT, None, None)
        .expect("valid proposal input");
    let proposal = authoring::create(&admin, PINEROLO, &platform, &input)
        .await
        .expect("the administrator proposes");

    // A project from two open proposals of one platform.
    let open = |p: &proposal::Model| {
        p.id != proposal
            && p.visibility == Visibility::Visible.as_str()
            && p.project_id.is_none()
            && p.state == ProposalState::Published.as_str()
    };
    let others: Vec<proposal::Model> = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(row.id))
        .order_by_asc(proposal::Column::PublishedAt)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(open)
        .collect();
    let mut by_platform: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    for p in &others {
        by_platform.entry(p.platform_id).or_default().push(p.id);
    }
    let members = by_platform
        .values()
        .find(|ids| ids.len() >= 2)
        .expect("two open proposals in one platform");
    let project_input = ProjectInput::parse(
        "Un progetto per le prove del contratto",
        "Un progetto che riunisce proposte vicine in un unico cantiere.",
        "Comune di Pinerolo",
        "protocollo_intesa",
    )
    .expect("valid project input");
    let project = projects::merge(&admin, &members[..2], &project_input)
        .await
        .expect("the administrator merges two proposals");
    let link_input = LinkInput::parse(&objective.to_string(), "Serve l'obiettivo.", "3")
        .expect("valid link input");
    let link = links::link(&admin, PlanItem::Project(project), &link_input)
        .await
        .expect("the administrator links the project");

    // A comment on another proposal (one on the administrator's own would
    // close its text to changes).
    let commented = others
        .iter()
        .find(|p| !members.contains(&p.id))
        .expect("a third open proposal")
        .id;
    let comment = comments::post(&admin, commented, None, TEXT, "favore")
        .await
        .expect("the administrator comments");
    // A saved version of the plan.
    let plan_version = shared::service::plan::versions::save(
        &admin,
        PINEROLO,
        &shared::model::plan::PlanInput::parse(TEXT, "", "", &[]).expect("valid plan input"),
    )
    .await
    .expect("the administrator saves a version of the plan");

    Fixtures {
        process,
        platform,
        proposal,
        project,
        edition,
        objective,
        link,
        comment,
        commented,
        plan_version,
    }
}

impl Fixtures {
    /// The real value of parameter `name` in `path`, chosen by the segment
    /// before it (`/proposals/{id}` is a proposal's id).
    fn value(&self, path: &str, name: &str) -> String {
        let segments: Vec<&str> = path.split('/').collect();
        let at = segments
            .iter()
            .position(|s| *s == format!("{{{name}}}"))
            .unwrap_or_else(|| panic!("{path} has {{{name}}}"));
        let before = if at > 0 { segments[at - 1] } else { "" };
        match before {
            "processes" => self.process.clone(),
            "platforms" => self.platform.clone(),
            // A thread's replies: the proposal the comment is on.
            "proposals" if path.contains("{comment}") => self.commented.to_string(),
            "proposals" => self.proposal.to_string(),
            "projects" => self.project.to_string(),
            "editions" => self.edition.to_string(),
            "objectives" => self.objective.to_string(),
            "links" => self.link.to_string(),
            "comments" => self.comment.to_string(),
            "versions" => self.plan_version.to_string(),
            other => panic!(
                "{path}: no real value for {{{name}}} after /{other}/ — add one to `Fixtures`"
            ),
        }
    }

    /// `/api/v1` + `path` with every parameter real, except those in `replaced`.
    fn uri(&self, path: &str, replaced: &[(&str, &str)]) -> String {
        let mut uri = path.to_owned();
        for name in template_parameters(path) {
            let value = replaced
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
                .unwrap_or_else(|| self.value(path, &name));
            uri = uri.replace(&format!("{{{name}}}"), &value);
        }
        format!("/api/v1{uri}")
    }

    /// A value of property `name` that passes the body's checks.
    fn valid_property(&self, document: &Value, name: &str, schema: &Value) -> Value {
        match name {
            "piattaforma" => return json!(self.platform),
            "obiettivo" => return json!(self.objective.to_string()),
            _ => {}
        }
        let schema = resolve(document, schema);
        if nullable(schema) {
            return Value::Null;
        }
        if let Some(first) = schema["enum"].as_array().and_then(|v| v.first()) {
            return first.clone();
        }
        match primary_type(schema) {
            "integer" | "number" => json!(3),
            "boolean" => json!(true),
            "array" => json!([]),
            "object" => json!({}),
            _ if schema["format"] == "uuid" => json!(Uuid::now_v7().to_string()),
            _ if schema["format"] == "date" => json!("2026-05-12"),
            _ => match schema["maxLength"].as_u64() {
                Some(max) if (max as usize) < TEXT.chars().count() => {
                    json!(
                        TEXT.chars()
                            .take(max as usize)
                            .collect::<String>()
                            .trim_end()
                    )
                }
                _ => json!(TEXT),
            },
        }
    }

    /// A body that passes every check of the schema.
    fn valid_body(&self, document: &Value, schema: &Value) -> Value {
        let mut body = serde_json::Map::new();
        if let Some(properties) = schema["properties"].as_object() {
            for (name, property) in properties {
                body.insert(name.clone(), self.valid_property(document, name, property));
            }
        }
        Value::Object(body)
    }
}

fn types_of(schema: &Value) -> Vec<&str> {
    match &schema["type"] {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn nullable(schema: &Value) -> bool {
    types_of(schema).contains(&"null")
}

/// The type of a schema other than `null` (`string` for enums of strings).
fn primary_type(schema: &Value) -> &str {
    types_of(schema)
        .into_iter()
        .find(|t| *t != "null")
        .unwrap_or("string")
}

/// Sends a request authenticated with `token`.
async fn call(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Answer {
    let mut request = Request::builder()
        .method(method.to_uppercase().as_str())
        .uri(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    app.send(
        request.body(Body::from(body)).expect("valid request"),
        [10, 0, 0, 1],
    )
    .await
}

/// Asserts `answer` is a problem document of a 4xx status that gives away
/// nothing internal, whose field errors (if any) name one of `fields`;
/// returns the document.
#[track_caller]
fn assert_problem(answer: &Answer, what: &str, fields: &BTreeSet<String>) -> Value {
    let status = answer.status.as_u16();
    assert!(
        (400..500).contains(&status),
        "{what}: expected a 4xx, got {status}: {}",
        snippet(&answer.body)
    );
    assert_eq!(
        answer
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some(PROBLEM_JSON),
        "{what}: a {status} must be a problem document: {}",
        snippet(&answer.body)
    );
    for leak in LEAKS {
        assert!(
            !answer.body.contains(leak),
            "{what}: the answer shows {leak:?}: {}",
            snippet(&answer.body)
        );
    }
    let document: Value = serde_json::from_str(&answer.body)
        .unwrap_or_else(|e| panic!("{what}: the problem is not JSON ({e}): {}", answer.body));
    let kind = document["type"]
        .as_str()
        .unwrap_or_else(|| panic!("{what}: no type: {document}"));
    let code = kind
        .strip_prefix(PROBLEM_TYPE_PREFIX)
        .unwrap_or_else(|| panic!("{what}: type {kind} does not point at the API page"));
    let known = Kind::ALL
        .iter()
        .find(|k| k.code() == code)
        .unwrap_or_else(|| panic!("{what}: unknown problem type {code}"));
    assert_eq!(
        known.status().as_u16(),
        status,
        "{what}: {code} has its own status"
    );
    assert!(
        document["title"]
            .as_str()
            .is_some_and(|t| !t.trim().is_empty()),
        "{what}: a title: {document}"
    );
    assert_eq!(
        document["status"].as_u64(),
        Some(u64::from(status)),
        "{what}: status repeated: {document}"
    );
    if let Some(detail) = document.get("detail") {
        assert!(detail.is_string(), "{what}: detail is text: {document}");
    }
    if let Some(errors) = document.get("errors") {
        assert_eq!(
            status, 422,
            "{what}: field errors only with 422: {document}"
        );
        let errors = errors
            .as_array()
            .unwrap_or_else(|| panic!("{what}: errors is a list: {document}"));
        assert!(
            !errors.is_empty(),
            "{what}: errors, if there, are not empty"
        );
        for error in errors {
            let field = error["field"].as_str().unwrap_or_default();
            assert!(
                fields.contains(field),
                "{what}: error names {field:?}, not one of {fields:?}: {document}"
            );
            assert!(
                error["code"].as_str().is_some_and(|c| !c.is_empty()),
                "{what}: an error has a code: {document}"
            );
            assert!(
                error["message"]
                    .as_str()
                    .is_some_and(|m| !m.trim().is_empty()),
                "{what}: an error has a message: {document}"
            );
        }
    }
    document
}

/// Text as the API page writes it in HTML.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The code at the end of a problem's `type`.
fn code_of(problem: &Value) -> &str {
    problem["type"]
        .as_str()
        .and_then(|t| t.strip_prefix(PROBLEM_TYPE_PREFIX))
        .unwrap_or("")
}

/// Whether a problem names `field`: among its errors, or in its detail.
fn names_field(problem: &Value, field: &str) -> bool {
    let in_errors = problem["errors"]
        .as_array()
        .is_some_and(|errors| errors.iter().any(|e| e["field"] == field));
    let in_detail = problem["detail"]
        .as_str()
        .is_some_and(|d| d.contains(field));
    in_errors || in_detail
}

/// What a malformed request must get.
#[derive(Clone, Debug)]
enum Expect {
    /// This status.
    Status(u16),
    /// This status, and the problem names the field.
    Names(u16, String),
    /// Some 4xx; if it is a field error (422), it names the field.
    ClientError(String),
    /// A success: the body is valid after all (`{}` when nothing is required).
    Success,
}

/// One malformed request.
struct Case {
    label: String,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    expect: Expect,
}

impl Case {
    fn json(label: impl Into<String>, body: &Value, expect: Expect) -> Self {
        Self::raw(label, body.to_string().into_bytes(), expect)
    }

    fn raw(label: impl Into<String>, body: Vec<u8>, expect: Expect) -> Self {
        Self {
            label: label.into(),
            content_type: Some("application/json"),
            body,
            expect,
        }
    }
}

/// Values of the wrong type (or out of range) for a property.
fn wrong_values(schema: &Value) -> Vec<(String, Value)> {
    let mut wrong: Vec<(String, Value)> = match primary_type(schema) {
        "integer" | "number" => {
            let mut values = vec![
                ("a string".to_owned(), json!("tre")),
                ("an array".to_owned(), json!([3])),
                ("an object".to_owned(), json!({"valore": 3})),
                ("a boolean".to_owned(), json!(true)),
            ];
            if primary_type(schema) == "integer" {
                values.push(("a fraction".to_owned(), json!(2.5)));
            }
            if schema["minimum"].as_f64().is_some_and(|m| m >= 0.0) {
                values.push(("a negative number".to_owned(), json!(-1)));
            }
            values
        }
        "boolean" => vec![
            ("a string".to_owned(), json!("sì")),
            ("a number".to_owned(), json!(1)),
            ("an array".to_owned(), json!([true])),
        ],
        "array" | "object" => vec![
            ("a string".to_owned(), json!("testo")),
            ("a number".to_owned(), json!(1)),
        ],
        _ => {
            let mut values = vec![
                ("a number".to_owned(), json!(12345)),
                ("a fraction".to_owned(), json!(1.5)),
                ("an array".to_owned(), json!(["testo"])),
                ("an object".to_owned(), json!({"testo": "testo"})),
                ("a boolean".to_owned(), json!(true)),
            ];
            if schema["format"] == "uuid" {
                values.push(("not a UUID".to_owned(), json!("non-un-uuid")));
            }
            values
        }
    };
    if !nullable(schema) {
        wrong.push(("null".to_owned(), Value::Null));
    }
    wrong
}

/// Every malformed body for a schema whose valid body is `valid`.
fn malformed_bodies(document: &Value, schema: &Value, valid: &Value) -> Vec<Case> {
    let properties = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let required: Vec<String> = schema["required"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let first_string = properties
        .iter()
        .find(|(_, p)| primary_type(resolve(document, p)) == "string")
        .map(|(name, _)| name.clone())
        .unwrap_or_else(|| "campo".to_owned());
    let with = |name: &str, value: Value| {
        let mut body = valid.clone();
        body[name] = value;
        body
    };

    let mut cases = vec![
        Case::json(
            "{}",
            &json!({}),
            if required.is_empty() {
                Expect::Success
            } else {
                Expect::Status(422)
            },
        ),
        Case::json("[]", &json!([]), Expect::Status(422)),
        Case::json("null", &Value::Null, Expect::Status(422)),
        Case::json("a string", &json!("testo"), Expect::Status(422)),
        Case::json("a number", &json!(42), Expect::Status(422)),
        Case::json("a boolean", &json!(true), Expect::Status(422)),
        Case::json(
            "a list of the valid body",
            &json!([valid]),
            Expect::Status(422),
        ),
        Case::json(
            "the valid body's values as a list",
            &Value::Array(
                valid
                    .as_object()
                    .map(|o| o.values().cloned().collect())
                    .unwrap_or_default(),
            ),
            Expect::Status(422),
        ),
        Case::raw("an empty body", Vec::new(), Expect::Status(400)),
        Case::raw(
            "JSON cut short",
            format!("{{\"{first_string}\": ").into_bytes(),
            Expect::Status(400),
        ),
        Case::raw(
            "invalid UTF-8",
            [
                format!("{{\"{first_string}\": \"").into_bytes(),
                vec![0xff, 0xfe, 0xc3, 0x28],
                b"\"}".to_vec(),
            ]
            .concat(),
            Expect::Status(400),
        ),
        Case::raw(
            "a body of 1 MB",
            format!("{{\"{first_string}\": \"{}\"}}", "a".repeat(1024 * 1024)).into_bytes(),
            Expect::Status(413),
        ),
        Case {
            label: "Content-Type: text/plain".to_owned(),
            content_type: Some("text/plain"),
            body: valid.to_string().into_bytes(),
            expect: Expect::Status(415),
        },
        Case {
            label: "no Content-Type".to_owned(),
            content_type: None,
            body: valid.to_string().into_bytes(),
            expect: Expect::Status(415),
        },
        Case {
            label: "Content-Type: application/x-www-form-urlencoded".to_owned(),
            content_type: Some("application/x-www-form-urlencoded"),
            body: b"titolo=Un+titolo".to_vec(),
            expect: Expect::Status(415),
        },
        Case::json(
            "an unknown extra field",
            &with("campo_sconosciuto", json!(1)),
            Expect::Names(422, "campo_sconosciuto".to_owned()),
        ),
    ];
    if properties.contains_key(&first_string) {
        let valid_text = valid.to_string();
        let twice = format!(
            "{{\"{first_string}\": {},{}",
            valid[&first_string],
            valid_text.strip_prefix('{').unwrap_or(&valid_text)
        );
        cases.push(Case::raw(
            format!("{first_string} twice"),
            twice.into_bytes(),
            Expect::Names(422, first_string.clone()),
        ));
    }
    for (name, property) in &properties {
        let property = resolve(document, property);
        for (what, value) in wrong_values(property) {
            cases.push(Case::json(
                format!("{name}: {what}"),
                &with(name, value),
                Expect::Names(422, name.clone()),
            ));
        }
        if required.contains(name) {
            let mut body = valid.clone();
            body.as_object_mut().unwrap().remove(name);
            cases.push(Case::json(
                format!("{name} missing"),
                &body,
                Expect::Names(422, name.clone()),
            ));
        }
        if primary_type(property) == "string" {
            cases.push(Case::json(
                format!("{name}: 100 000 characters"),
                &with(name, json!("x".repeat(100_000))),
                Expect::Status(413),
            ));
            cases.push(Case::json(
                format!("{name}: 60 000 characters"),
                &with(name, json!("x".repeat(60_000))),
                Expect::ClientError(name.clone()),
            ));
            cases.push(Case::json(
                format!("{name}: a NUL character"),
                &with(name, json!("a\u{0}b")),
                Expect::ClientError(name.clone()),
            ));
            if !nullable(property) {
                cases.push(Case::json(
                    format!("{name}: only spaces"),
                    &with(name, json!("   ")),
                    Expect::ClientError(name.clone()),
                ));
            }
        }
        if property.get("enum").is_some() {
            cases.push(Case::json(
                format!("{name}: an unknown value"),
                &with(name, json!("boh")),
                Expect::Names(422, name.clone()),
            ));
        }
    }
    cases
}

/// Checks an answer against what a case expects.
#[track_caller]
fn check(answer: &Answer, what: &str, expect: &Expect, fields: &BTreeSet<String>) {
    let status = answer.status.as_u16();
    if let Expect::Success = expect {
        assert!(
            (200..300).contains(&status),
            "{what}: a valid body succeeds, got {status}: {}",
            snippet(&answer.body)
        );
        return;
    }
    let problem = assert_problem(answer, what, fields);
    match expect {
        Expect::Status(wanted) => assert_eq!(status, *wanted, "{what}: {}", snippet(&answer.body)),
        Expect::Names(wanted, field) => {
            assert_eq!(status, *wanted, "{what}: {}", snippet(&answer.body));
            assert!(
                names_field(&problem, field),
                "{what}: the problem names {field}: {problem}"
            );
        }
        Expect::ClientError(field) => {
            if status == 422 {
                assert!(
                    names_field(&problem, field),
                    "{what}: the problem names {field}: {problem}"
                );
            }
        }
        Expect::Success => {}
    }
}
