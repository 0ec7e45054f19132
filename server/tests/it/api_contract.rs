//! The REST API's contract, checked from the OpenAPI document itself: the
//! document is complete and well formed, every documented operation is
//! routed and nothing undocumented is, and every malformed request to every
//! write (the list comes from the document, so a new endpoint is covered
//! without touching this file) is a 4xx problem document, never a 5xx, a
//! bare error or a leak of internals.

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
    tokens::create(&ctx(app, &admin), &input)
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

// ---------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_document_is_openapi_3_1_and_describes_every_operation_fully() {
    let app = api_app().await;
    let document = served_document(&app).await;
    let version = document["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3.1."), "OpenAPI 3.1.x, not {version}");
    assert_eq!(document["servers"][0]["url"], "/api/v1");
    let declared_tags: BTreeSet<&str> = document["tags"]
        .as_array()
        .expect("tags are declared")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();

    let operations = operations(&document);
    assert!(operations.len() >= 30, "{} operations", operations.len());
    let mut ids = BTreeSet::new();
    for operation in &operations {
        let what = operation.id();
        let spec = &operation.spec;
        let id = spec["operationId"].as_str().unwrap_or_default();
        assert!(!id.is_empty(), "{what}: an operationId");
        assert!(
            ids.insert(id.to_owned()),
            "{what}: operationId {id} is unique"
        );
        assert!(
            spec["summary"]
                .as_str()
                .is_some_and(|s| !s.trim().is_empty()),
            "{what}: a summary"
        );
        let tags: Vec<&str> = spec["tags"]
            .as_array()
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert!(!tags.is_empty(), "{what}: tags");
        for tag in tags {
            assert!(declared_tags.contains(tag), "{what}: tag {tag} is declared");
        }

        let responses = spec["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{what}: responses"));
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{what}: a 2xx answer is documented"
        );
        let problems: Vec<&String> = responses
            .iter()
            .filter(|(status, _)| status.starts_with('4'))
            .filter(|(_, response)| {
                response
                    .pointer("/content/application~1problem+json/schema/$ref")
                    .and_then(Value::as_str)
                    == Some("#/components/schemas/ProblemDocument")
            })
            .map(|(status, _)| status)
            .collect();
        assert!(
            !problems.is_empty(),
            "{what}: a 4xx problem (application/problem+json) is documented: {:?}",
            responses.keys().collect::<Vec<_>>()
        );
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                let content = response["content"].as_object();
                assert!(
                    content.is_some_and(|c| c.keys().all(|k| k == PROBLEM_JSON)),
                    "{what}: the {status} answer is a problem document"
                );
            }
        }

        // Path parameters: each `{name}` declared, each declared one used.
        let in_template: BTreeSet<String> =
            template_parameters(&operation.path).into_iter().collect();
        let declared = operation.parameter_names("path");
        assert_eq!(
            in_template, declared,
            "{what}: the path's {{parameters}} and the declared ones"
        );
        for parameter in operation.parameters() {
            if parameter["in"] == "path" {
                assert_eq!(
                    parameter["required"], true,
                    "{what}: a path parameter is required"
                );
            }
            assert!(
                parameter.get("schema").is_some(),
                "{what}: parameter {} has a schema",
                parameter["name"]
            );
        }
        if operation.is_write() {
            assert!(
                responses.contains_key("422") && responses.contains_key("415"),
                "{what}: a write documents 415 and 422"
            );
        }
    }

    // Every reference resolves to a component schema.
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("component schemas");
    let mut references = Vec::new();
    collect_references(&document, &mut references);
    assert!(!references.is_empty());
    for reference in references {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{reference} points at a component schema"));
        assert!(schemas.contains_key(name), "{reference} resolves");
    }
    assert!(schemas.contains_key("ProblemDocument"));
}

fn collect_references(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "$ref" {
                    into.push(inner.as_str().expect("a $ref is text").to_owned());
                } else {
                    collect_references(inner, into);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_references(v, into)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Documented ↔ routed
// ---------------------------------------------------------------------------

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let app = api_app().await;
    let token = admin_token(&app).await;
    let document = served_document(&app).await;
    let fixtures = fixtures(&app).await;
    for operation in operations(&document) {
        let uri = fixtures.uri(&operation.path, &[]);
        let what = format!("{} ({uri})", operation.id());
        let (content_type, body) = if operation.is_write() {
            (Some("application/json"), b"{}".to_vec())
        } else {
            (None, Vec::new())
        };
        let answer = call(
            &app,
            operation.method,
            &uri,
            Some(&token),
            content_type,
            body,
        )
        .await;
        let status = answer.status.as_u16();
        assert!(
            status < 500,
            "{what}: answered {status}: {}",
            snippet(&answer.body)
        );
        assert_ne!(status, 405, "{what}: the method is routed");
        if status >= 400 {
            let problem = assert_problem(&answer, &what, &operation.field_names(&document));
            assert_ne!(
                code_of(&problem),
                Kind::NoSuchRoute.code(),
                "{what}: the path is routed"
            );
        } else {
            assert!(
                operation.spec["responses"]
                    .as_object()
                    .unwrap()
                    .contains_key(&status.to_string()),
                "{what}: {status} is a documented answer"
            );
        }
        if operation.method == "get" {
            assert_eq!(
                status,
                200,
                "{what}: a read with real values succeeds: {}",
                snippet(&answer.body)
            );
        }
    }
}

#[tokio::test]
async fn undocumented_methods_and_paths_are_refused_as_problems() {
    let app = api_app().await;
    let token = admin_token(&app).await;
    let document = served_document(&app).await;
    let fixtures = fixtures(&app).await;
    let paths = document["paths"].as_object().unwrap();
    let mut probes = 0;
    for (path, item) in paths {
        let documented: BTreeSet<String> = METHODS
            .iter()
            .filter(|m| item.get(**m).is_some())
            .map(|m| m.to_uppercase())
            .collect();
        let uri = fixtures.uri(path, &[]);
        for method in METHODS.iter().filter(|m| item.get(**m).is_none()) {
            let what = format!("{} {path} ({uri})", method.to_uppercase());
            let (content_type, body) = if *method == "get" {
                (None, Vec::new())
            } else {
                (Some("application/json"), b"{}".to_vec())
            };
            let answer = call(&app, method, &uri, Some(&token), content_type, body).await;
            assert_eq!(
                answer.status,
                405,
                "{what}: not documented, so not routed: {}",
                snippet(&answer.body)
            );
            let problem = assert_problem(&answer, &what, &BTreeSet::new());
            assert_eq!(code_of(&problem), Kind::MethodNotAllowed.code(), "{what}");
            let allowed: BTreeSet<String> = answer
                .headers
                .get("allow")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{what}: Allow names the methods"))
                .split(',')
                .map(|m| m.trim().to_uppercase())
                .filter(|m| m != "HEAD")
                .collect();
            assert_eq!(
                allowed, documented,
                "{what}: Allow lists the documented methods"
            );
            probes += 1;
        }
    }
    assert!(probes > 0);

    for uri in [
        "/api/v1/proposals",
        "/api/v1/users",
        "/api/v1/processes/x/y/z",
        "/api/v1/comments",
        "/api/v1/dup",
        "/api/v1/openapi.yaml",
        "/api/v2/processes",
    ] {
        for method in ["get", "post"] {
            let what = format!("{} {uri}", method.to_uppercase());
            let answer = call(
                &app,
                method,
                uri,
                Some(&token),
                Some("application/json"),
                b"{}".to_vec(),
            )
            .await;
            if uri.starts_with("/api/v2") {
                // Outside the API: the site's own 404, never a success.
                assert_eq!(answer.status, 404, "{what}");
                continue;
            }
            assert_eq!(answer.status, 404, "{what}: {}", snippet(&answer.body));
            let problem = assert_problem(&answer, &what, &BTreeSet::new());
            assert_eq!(code_of(&problem), Kind::NoSuchRoute.code(), "{what}");
        }
    }
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The code of a file, without its comments (line and doc comments).
fn code_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect()
}

#[tokio::test]
async fn every_route_in_the_source_is_registered_with_its_documentation() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let api = manifest.join("src/rest");
    let files = rust_files(&api);
    assert!(files.len() >= 5, "the API's sources: {files:?}");
    let mut annotated = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.strip_prefix(manifest).unwrap().display().to_string();
        for (number, line) in code_lines(&text).into_iter().enumerate() {
            // `OpenApiRouter::new()` documents what it routes.
            let line = line.replace("OpenApiRouter", "");
            for call in [
                ".route(",
                ".route_service(",
                ".nest(",
                ".nest_service(",
                ".merge(",
                "Router::new(",
                "MethodRouter",
            ] {
                assert!(
                    !line.contains(call),
                    "{name}:{}: `{call}` adds a route without its documentation; \
                     register the handler with `routes!` instead: {line}",
                    number + 1
                );
            }
            annotated += line.matches("#[utoipa::path(").count();
        }
    }
    let document = serde_json::to_value(server::rest::openapi()).unwrap();
    assert_eq!(
        annotated,
        operations(&document).len(),
        "each `#[utoipa::path]` handler is an operation of the document \
         (a handler left out of `documented_routes` is missing there)"
    );

    // Nothing outside the API adds routes under its address.
    for file in rust_files(&manifest.join("src")) {
        if file.starts_with(&api) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(manifest).unwrap().display().to_string();
        for (number, line) in code_lines(&text).into_iter().enumerate() {
            let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            for call in ["route(", "route_service(", "nest(", "nest_service("] {
                assert!(
                    !compact.contains(&format!("{call}\"/api/v1")),
                    "{name}:{}: a route under /api/v1 outside the API's router: {line}",
                    number + 1
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Malformed input
// ---------------------------------------------------------------------------

#[tokio::test]
async fn malformed_input_to_every_write_is_a_problem_never_a_failure() {
    let app = api_app().await;
    let token = admin_token(&app).await;
    let document = served_document(&app).await;
    let fixtures = fixtures(&app).await;
    let writes: Vec<Operation> = operations(&document)
        .into_iter()
        .filter(Operation::is_write)
        .collect();
    assert!(writes.len() >= 10, "{} writes", writes.len());
    let mut sent = 0;
    for operation in &writes {
        let fields = operation.field_names(&document);
        let uri = fixtures.uri(&operation.path, &[]);
        let Some(schema) = operation.body_schema(&document) else {
            continue;
        };
        let valid = fixtures.valid_body(&document, schema);
        for case in malformed_bodies(&document, schema, &valid) {
            let what = format!("{} ({uri}) with {}", operation.id(), case.label);
            let answer = call(
                &app,
                operation.method,
                &uri,
                Some(&token),
                case.content_type,
                case.body,
            )
            .await;
            check(&answer, &what, &case.expect, &fields);
            sent += 1;
        }
    }
    assert!(sent > 100, "{sent} malformed requests");
}

#[tokio::test]
async fn path_parameters_that_do_not_read_or_match_nothing_are_400_and_404() {
    let app = api_app().await;
    let token = admin_token(&app).await;
    let document = served_document(&app).await;
    let fixtures = fixtures(&app).await;
    let unknown = Uuid::now_v7().to_string();
    for operation in operations(&document) {
        let fields = operation.field_names(&document);
        let body = match operation.body_schema(&document) {
            Some(schema) => fixtures.valid_body(&document, schema).to_string(),
            None => String::new(),
        };
        let content_type = (!body.is_empty()).then_some("application/json");
        for parameter in operation.parameters() {
            if parameter["in"] != "path" {
                continue;
            }
            let name = parameter["name"].as_str().unwrap();
            let is_uuid = parameter["schema"]["format"] == "uuid";
            let is_integer = parameter["schema"]["type"] == "integer";
            let mut cases: Vec<(&str, u16, &str)> = if is_uuid {
                vec![
                    ("non-un-uuid", 400, Kind::BadRequest.code()),
                    ("12345", 400, Kind::BadRequest.code()),
                    (unknown.as_str(), 404, Kind::NotFound.code()),
                ]
            } else if is_integer {
                vec![
                    ("uno", 400, Kind::BadRequest.code()),
                    ("99999", 404, Kind::NotFound.code()),
                ]
            } else {
                vec![("inesistente-per-le-prove", 404, Kind::NotFound.code())]
            };
            // Never a failure, whatever the address carries.
            cases.push(("a%00b", 0, ""));
            cases.push(("%FF%FE", 0, ""));
            cases.push(("..%2F..%2Fetc", 0, ""));
            for (value, status, code) in cases {
                let uri = fixtures.uri(&operation.path, &[(name, value)]);
                let what = format!("{} with {{{name}}} = {value} ({uri})", operation.id());
                let answer = call(
                    &app,
                    operation.method,
                    &uri,
                    Some(&token),
                    content_type,
                    body.clone().into_bytes(),
                )
                .await;
                let problem = assert_problem(&answer, &what, &fields);
                if status != 0 {
                    assert_eq!(answer.status, status, "{what}: {problem}");
                    assert_eq!(code_of(&problem), code, "{what}");
                } else {
                    assert_ne!(
                        code_of(&problem),
                        Kind::NoSuchRoute.code(),
                        "{what}: still the same route"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn odd_query_parameters_of_every_read_are_answered_never_failed() {
    let app = api_app().await;
    let token = admin_token(&app).await;
    let document = served_document(&app).await;
    let fixtures = fixtures(&app).await;
    let long = "x".repeat(5_000);
    let values = [
        "boh",
        "-1",
        "%00",
        "%FF%FE",
        "%27%3B%20DROP%20TABLE%20proposals%3B--",
        long.as_str(),
    ];
    for operation in operations(&document) {
        let queries = operation.parameter_names("query");
        if queries.is_empty() {
            continue;
        }
        let fields = operation.field_names(&document);
        let base = fixtures.uri(&operation.path, &[]);
        for name in &queries {
            for value in values {
                let uri = format!("{base}?{name}={value}");
                let what = format!(
                    "{} with ?{name}={}",
                    operation.id(),
                    value.chars().take(40).collect::<String>()
                );
                let answer =
                    call(&app, operation.method, &uri, Some(&token), None, Vec::new()).await;
                if answer.status.is_success() {
                    continue;
                }
                assert_problem(&answer, &what, &fields);
            }
        }
        // Two of the same, and one nobody knows, are no failure either.
        let first = queries.iter().next().unwrap();
        for query in [format!("{first}=a&{first}=b"), "sconosciuto=1".to_owned()] {
            let uri = format!("{base}?{query}");
            let what = format!("{} with ?{query}", operation.id());
            let answer = call(&app, operation.method, &uri, Some(&token), None, Vec::new()).await;
            if !answer.status.is_success() {
                assert_problem(&answer, &what, &fields);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The page for people
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_api_page_lists_every_operation_and_problem_in_both_languages() {
    let app = api_app().await;
    let document = served_document(&app).await;
    let page = app.get("/api/v1/docs").await;
    assert_eq!(page.status, 200);
    assert!(
        page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{:?}",
        page.headers["content-type"]
    );
    assert!(page.body.contains("lang=\"it\""), "{}", snippet(&page.body));
    for operation in operations(&document) {
        let line = format!(
            "{} /api/v1{}",
            operation.method.to_uppercase(),
            operation.path
        );
        assert!(page.body.contains(&line), "the page lists {line}");
    }
    for kind in Kind::ALL {
        let anchor = format!("id=\"problema-{}\"", kind.code());
        assert!(page.body.contains(&anchor), "the page explains {anchor}");
        assert!(
            page.body.contains(&html(kind.title(Lang::It))),
            "the Italian title of {}",
            kind.code()
        );
    }
    if let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for name in schemas.keys() {
            assert!(
                page.body.contains(&format!("<code>{name}</code>")),
                "the page describes schema {name}"
            );
        }
    }

    let english = app
        .get_with("/api/v1/docs", &[("cookie", "piazza_lingua=en")])
        .await;
    assert_eq!(english.status, 200);
    assert!(
        english.body.contains("lang=\"en\""),
        "{}",
        snippet(&english.body)
    );
    assert!(
        english.body.contains("<html lang=\"en\"") && page.body.contains("<html lang=\"it\""),
        "the page's own language follows the cookie"
    );
    for kind in Kind::ALL {
        assert!(
            english
                .body
                .contains(&format!("id=\"problema-{}\"", kind.code())),
            "the English page explains {}",
            kind.code()
        );
        assert!(
            english.body.contains(&html(kind.title(Lang::En))),
            "the English title of {}",
            kind.code()
        );
    }
}
