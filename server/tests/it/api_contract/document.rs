//! The OpenAPI document describes every operation, and every route is documented.

use super::*;

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
