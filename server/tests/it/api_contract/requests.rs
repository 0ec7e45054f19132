//! Malformed and odd requests are problems, never failures; the API page lists everything.

use super::*;

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
