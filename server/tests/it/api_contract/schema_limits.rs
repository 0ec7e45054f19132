//! What the document allows, the server accepts: a client generated from
//! the schema never sends what the server refuses. For every query
//! parameter and body field, values a generated client could send are
//! checked against that field's own schema (type, enum, length, pattern,
//! format, bounds); one the schema allows must never be refused on that
//! field (a 422 naming it). Values the schema forbids are not sent here:
//! the malformed-request walk covers them.

use super::*;

/// A text of exactly `n` characters (words, no space at either end).
fn text_of(n: usize) -> String {
    let mut text: String = TEXT.chars().cycle().take(n).collect();
    if n > 0 && text.ends_with(' ') {
        text.pop();
        text.push('x');
    }
    if text.starts_with(' ') {
        text.replace_range(0..1, "x");
    }
    text
}

/// Values a client generated from the document might send for `schema`.
fn candidates(document: &Value, schema: &Value) -> Vec<Value> {
    let schema = resolve(document, schema);
    let mut values = Vec::new();
    for variant in alternatives(document, schema) {
        if let Some(options) = variant["enum"].as_array() {
            values.extend(options.iter().filter(|v| !v.is_null()).cloned());
        }
    }
    match primary_type(schema) {
        "integer" | "number" => {
            values.extend([-1, 0, 1, 2, 20, 50, 100, 101, 1_000, 1_000_000].map(|n| json!(n)));
        }
        "boolean" => values.extend([json!(true), json!(false)]),
        "string" => {
            for text in [
                "x",
                "boh",
                "2026-05-12",
                "2026-02-30",
                "12/05/2026",
                "2026-05-12T10:00:00Z",
                "1",
                "abc.def",
                "00000000000000000000.0123456789abcdef0123456789abcdef",
            ] {
                values.push(json!(text));
            }
            values.push(json!(Uuid::now_v7().to_string()));
            for n in [
                2, 3, 5, 10, 30, 40, 60, 100, 120, 121, 150, 200, 300, 301, 500, 1_000, 2_000,
                5_000, 10_000, 20_000,
            ] {
                values.push(json!(text_of(n)));
            }
        }
        _ => {}
    }
    values
}

/// The schemas a value may match: `oneOf`/`anyOf` branches, else itself.
fn alternatives<'a>(document: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema[key].as_array() {
            return branches.iter().map(|b| resolve(document, b)).collect();
        }
    }
    vec![schema]
}

/// Whether `schema` allows `value` (the keywords utoipa writes).
fn allows(document: &Value, schema: &Value, value: &Value) -> bool {
    let schema = resolve(document, schema);
    if schema["oneOf"].is_array() || schema["anyOf"].is_array() {
        return alternatives(document, schema)
            .into_iter()
            .any(|branch| allows(document, branch, value));
    }
    if let Some(all) = schema["allOf"].as_array() {
        return all.iter().all(|part| allows(document, part, value));
    }
    if let Some(options) = schema["enum"].as_array()
        && !options.contains(value)
    {
        return false;
    }
    let types = types_of(schema);
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let type_ok = types.is_empty()
        || types.contains(&kind)
        || (kind == "integer" && types.contains(&"number"));
    if !type_ok {
        return false;
    }
    if let Some(number) = value.as_f64()
        && (schema["minimum"].as_f64().is_some_and(|min| number < min)
            || schema["maximum"].as_f64().is_some_and(|max| number > max))
    {
        return false;
    }
    if let Some(text) = value.as_str() {
        let length = text.chars().count() as u64;
        if schema["minLength"].as_u64().is_some_and(|min| length < min)
            || schema["maxLength"].as_u64().is_some_and(|max| length > max)
        {
            return false;
        }
        if let Some(pattern) = schema["pattern"].as_str() {
            let regex = regex::Regex::new(pattern)
                .unwrap_or_else(|e| panic!("the pattern {pattern} compiles: {e}"));
            if !regex.is_match(text) {
                return false;
            }
        }
        let format_ok = match schema["format"].as_str() {
            Some("date") => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
            Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            Some("uuid") => Uuid::try_parse(text).is_ok(),
            _ => true,
        };
        if !format_ok {
            return false;
        }
    }
    true
}

/// Percent-encodes a query value.
fn encoded(value: &Value) -> String {
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    crate::helpers::encode(&text)
}

/// A refusal worth reporting: a 422 that names `field` for its form. A
/// reference to something that does not exist (`not_recognized`: a zone's
/// slug, a version's number, an objective's id) depends on the data, which
/// no schema can list.
fn refuses(answer: &Answer, field: &str) -> Option<Value> {
    if answer.status != 422 {
        return None;
    }
    let problem: Value = serde_json::from_str(&answer.body).unwrap_or_default();
    let about_data = problem["errors"].as_array().is_some_and(|errors| {
        errors
            .iter()
            .any(|e| e["field"] == field && e["code"] == "not_recognized")
    });
    (names_field(&problem, field) && !about_data).then_some(problem)
}

#[tokio::test]
async fn what_the_document_allows_the_server_accepts() {
    let app = api_app().await;
    let token = admin_token(&app).await;
    let document = served_document(&app).await;
    let fixtures = fixtures(&app).await;
    let mut refused: Vec<String> = Vec::new();
    let mut sent = 0;
    for operation in operations(&document) {
        let base = fixtures.uri(&operation.path, &[]);
        // Query parameters, one at a time.
        for parameter in operation.parameters() {
            if parameter["in"] != "query" {
                continue;
            }
            let name = parameter["name"].as_str().unwrap();
            let schema = &parameter["schema"];
            for value in candidates(&document, schema) {
                if !allows(&document, schema, &value) {
                    continue;
                }
                let uri = format!("{base}?{name}={}", encoded(&value));
                let answer =
                    call(&app, operation.method, &uri, Some(&token), None, Vec::new()).await;
                sent += 1;
                if let Some(problem) = refuses(&answer, name) {
                    refused.push(format!(
                        "{} ?{name}={}: {}",
                        operation.id(),
                        value.to_string().chars().take(60).collect::<String>(),
                        problem["errors"]
                    ));
                }
            }
        }
        // Body fields, one at a time, the others valid.
        if !operation.is_write() {
            continue;
        }
        let Some(schema) = operation.body_schema(&document) else {
            continue;
        };
        let valid = fixtures.valid_body(&document, schema);
        let Some(properties) = schema["properties"].as_object() else {
            continue;
        };
        for (name, property) in properties {
            for value in candidates(&document, property) {
                if !allows(&document, property, &value) || valid[name] == value {
                    continue;
                }
                let mut body = valid.clone();
                body[name] = value.clone();
                let answer = call(
                    &app,
                    operation.method,
                    &base,
                    Some(&token),
                    Some("application/json"),
                    body.to_string().into_bytes(),
                )
                .await;
                sent += 1;
                if let Some(problem) = refuses(&answer, name) {
                    refused.push(format!(
                        "{} {name}: {}: {}",
                        operation.id(),
                        value.to_string().chars().take(60).collect::<String>(),
                        problem["errors"]
                    ));
                }
            }
        }
    }
    assert!(sent > 200, "{sent} requests");
    assert!(
        refused.is_empty(),
        "the document allows what the server refuses ({}):\n{}",
        refused.len(),
        refused.join("\n")
    );
}
