//! The API's description: the OpenAPI document, and a page people can read
//! (server-rendered from the same document, no JavaScript).

use std::fmt::Write;
use std::sync::Arc;

use axum::Json;
use axum::extract::Extension;
use axum::response::{Html, IntoResponse, Response};
use http::{HeaderMap, header};
use serde_json::Value;

use super::problem::{Kind, ProblemDocument};

/// The problems a description may meet: those of the API's gate.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum DocsProblems {
    /// A token was sent but is not valid.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(ProblemDocument),
    /// Over the rate limit: wait `Retry-After` seconds.
    #[response(status = 429, content_type = "application/problem+json")]
    TooMany(ProblemDocument),
}

/// The site's stylesheet address (hashed by the build), for the page below.
#[derive(Clone)]
pub struct Stylesheet(pub Arc<str>);

/// The OpenAPI 3.1 document of this API.
#[utoipa::path(get, path = "/openapi.json", operation_id = "docs_openapi_json", tag = "documentazione",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object), DocsProblems))]
pub async fn openapi_json(
    Extension(openapi): Extension<Arc<utoipa::openapi::OpenApi>>,
) -> Json<utoipa::openapi::OpenApi> {
    Json(openapi.as_ref().clone())
}

/// This API explained, for people: authentication, errors, limits, and
/// every operation with its parameters, body and answers.
#[utoipa::path(get, path = "/docs", operation_id = "docs_page", tag = "documentazione",
    responses((status = 200, description = "An HTML page", content_type = "text/html", body = String), DocsProblems))]
pub async fn page(
    headers: HeaderMap,
    Extension(openapi): Extension<Arc<utoipa::openapi::OpenApi>>,
    Extension(stylesheet): Extension<Stylesheet>,
) -> Response {
    let english =
        app::http::cookie_value(&headers, app::http::LANGUAGE_COOKIE).as_deref() == Some("en");
    let document = serde_json::to_value(openapi.as_ref()).unwrap_or(Value::Null);
    let mut response = Html(render(&document, &stylesheet.0, english)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-cache"),
    );
    response
}

use shared::service::common::markdown::escape_html as escape;

/// `code` spans for the backquoted parts of a (trusted) description.
fn inline_code(text: &str) -> String {
    let escaped = escape(text);
    let mut out = String::new();
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The `lang` of the API's own descriptions (written in English) on a page
/// in Italian, so screen readers pronounce them right (WCAG 3.1.2).
fn english_part(english_page: bool) -> &'static str {
    if english_page { "" } else { " lang=\"en\"" }
}

/// The `lang` of the Italian explanations on a page in English.
fn italian_part(english_page: bool) -> &'static str {
    if english_page { " lang=\"it\"" } else { "" }
}

fn anchor(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The type of a schema, in words, with links to named schemas.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("<a href=\"#schema-{}\">{}</a>", anchor(name), escape(name));
    }
    if let Some(options) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        return options.iter().map(type_of).collect::<Vec<_>>().join(" | ");
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let names: Vec<String> = values
            .iter()
            .map(|v| format!("<code>{}</code>", escape(&v.to_string())))
            .collect();
        return names.join(" | ");
    }
    let kind = match schema.get("type") {
        Some(Value::String(kind)) => kind.clone(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => String::from("any"),
    };
    if kind.starts_with("array")
        && let Some(items) = schema.get("items")
    {
        return format!("{}[]", type_of(items));
    }
    match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{} ({})", escape(&kind), escape(format)),
        None => escape(&kind),
    }
}

fn properties_table(out: &mut String, schema: &Value, caption: &str, english: bool) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let (field, kind, needed, what) = if english {
        ("Field", "Type", "Required", "Description")
    } else {
        ("Campo", "Tipo", "Obbligatorio", "Descrizione")
    };
    let _ = write!(
        out,
        "<div class=\"table-responsive\"><table class=\"table\"><caption>{}</caption><thead><tr>\
         <th scope=\"col\">{field}</th><th scope=\"col\">{kind}</th><th scope=\"col\">{needed}</th>\
         <th scope=\"col\">{what}</th></tr></thead><tbody>",
        escape(caption)
    );
    for (name, property) in properties {
        let is_required = required.contains(&name.as_str());
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td><td{}>{}</td></tr>",
            escape(name),
            type_of(property),
            match (is_required, english) {
                (true, true) => "yes",
                (true, false) => "sì",
                (false, _) => "no",
            },
            english_part(english),
            inline_code(
                property
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or("")
            )
        );
    }
    out.push_str("</tbody></table></div>");
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn render(document: &Value, stylesheet: &str, english: bool) -> String {
    let tr = |it: &'static str, en: &'static str| if english { en } else { it };
    let mut out = String::with_capacity(256 * 1024);
    let lang = if english { "en" } else { "it" };
    let title = tr("API di Piazza", "Piazza API");
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"{stylesheet}\"></head><body>\
         <a class=\"skip-link\" href=\"#contenuto\">{skip}</a>\
         <header class=\"it-header-wrapper\"><div class=\"it-header-slim-wrapper\"><div class=\"container\">\
         <div class=\"it-header-slim-wrapper-content\"><a class=\"it-header-slim-brand\" href=\"/\">Piazza</a>\
         <nav class=\"it-header-slim-right-zone\" aria-label=\"{langs}\"><ul class=\"language-list\">\
         <li><a href=\"/lingua/it?torna=/api/v1/docs\" lang=\"it\" hreflang=\"it\"{it_current}>Italiano</a></li>\
         <li><a href=\"/lingua/en?torna=/api/v1/docs\" lang=\"en\" hreflang=\"en\"{en_current}>English</a></li>\
         </ul></nav></div></div></div></header>\
         <main id=\"contenuto\" class=\"container my-4\"><h1>{title}</h1>",
        skip = tr("Vai al contenuto", "Skip to content"),
        langs = tr("Lingua", "Language"),
        it_current = if english {
            ""
        } else {
            " aria-current=\"true\""
        },
        en_current = if english {
            " aria-current=\"true\""
        } else {
            ""
        },
    );
    let intro = if english {
        "<p>Other systems (the municipality's website, open-data portals, the council's document \
         system, a mobile app) read and write Piazza through this versioned REST API. Every call goes \
         through the same rules as the site: who may do what, what each phase allows, how each field \
         is checked. Nothing the site refuses is possible here.</p>\
         <p>The machine-readable description is the <a href=\"/api/v1/openapi.json\">OpenAPI 3.1 \
         document</a>, generated from the code that answers.</p>"
    } else {
        "<p>Altri sistemi (il sito del Comune, i portali open data, il sistema documentale del \
         Consiglio, un'app) leggono e scrivono su Piazza attraverso questa API REST con versione. \
         Ogni chiamata passa per le stesse regole del sito: chi può fare cosa, cosa consente ogni \
         fase, come si controlla ogni campo. Ciò che il sito rifiuta qui non è possibile.</p>\
         <p>La descrizione per le macchine è il <a href=\"/api/v1/openapi.json\">documento OpenAPI \
         3.1</a>, generato dal codice stesso che risponde.</p>"
    };
    out.push_str(intro);
    let _ = write!(
        out,
        "<nav aria-labelledby=\"indice\"><h2 id=\"indice\">{}</h2><ul>\
         <li><a href=\"#accesso\">{}</a></li><li><a href=\"#richieste\">{}</a></li>\
         <li><a href=\"#problemi\">{}</a></li><li><a href=\"#limiti\">{}</a></li>\
         <li><a href=\"#operazioni\">{}</a></li><li><a href=\"#schemi\">{}</a></li></ul></nav>",
        tr("In questa pagina", "On this page"),
        tr("Accesso e token", "Access and tokens"),
        tr("Richieste e risposte", "Requests and answers"),
        tr("Problemi", "Problems"),
        tr("Limiti, cache e CORS", "Limits, caching and CORS"),
        tr("Operazioni", "Operations"),
        tr("Schemi", "Schemas"),
    );
    let sections = if english {
        "<h2 id=\"accesso\">Access and tokens</h2>\
         <p>Reading public data needs no credentials. To act as a person, send a <strong>personal \
         access token</strong>: create it in your <a href=\"/profilo#token-api\">profile</a>, choose \
         its scope (<code>lettura</code>: read only; <code>scrittura</code>: also propose, comment, \
         support…) and copy it: it is shown once and stored only as a hash. Revoke it there at any time.</p>\
         <pre><code>curl -H \"Authorization: Bearer pzt_…\" https://…/api/v1/me</code></pre>\
         <p>The site's own pages may also call the API with the session cookie; then every write \
         must come from the site (its <code>Origin</code> is checked), as protection against \
         cross-site requests. Other sites use tokens.</p>\
         <h2 id=\"richieste\">Requests and answers</h2>\
         <p>Bodies are JSON (<code>Content-Type: application/json</code>, at most 64 KB). Request \
         fields and query parameters have the Italian names of the site's forms and addresses \
         (<code>titolo</code>, <code>testo</code>, <code>zona</code>, <code>?stato=…&amp;ordine=…</code>), \
         so a proposal list on the site and in the API take the same parameters. Answers are \
         JSON objects described in the schemas below. Lists are paginated with a cursor: pass the \
         answer's <code>next</code> as <code>dopo</code> (also given as <code>Link: rel=\"next\"</code>).</p>"
    } else {
        "<h2 id=\"accesso\">Accesso e token</h2>\
         <p>Per leggere i dati pubblici non servono credenziali. Per agire come una persona si invia \
         un <strong>token di accesso personale</strong>: lo si crea nel proprio \
         <a href=\"/profilo#token-api\">profilo</a>, scegliendo l'ambito (<code>lettura</code>: solo \
         lettura; <code>scrittura</code>: anche proporre, commentare, sostenere…), e lo si copia: è \
         mostrato una volta sola e conservato solo come impronta. Lo si revoca lì in ogni momento.</p>\
         <pre><code>curl -H \"Authorization: Bearer pzt_…\" https://…/api/v1/me</code></pre>\
         <p>Le pagine del sito possono chiamare l'API anche con il cookie di sessione; in quel caso \
         ogni scrittura deve partire dal sito (se ne controlla l'<code>Origin</code>), a protezione \
         dalle richieste tra siti. Gli altri siti usano i token.</p>\
         <h2 id=\"richieste\">Richieste e risposte</h2>\
         <p>I corpi sono JSON (<code>Content-Type: application/json</code>, al massimo 64 KB). I campi \
         delle richieste e i parametri degli indirizzi hanno i nomi italiani dei moduli e degli \
         indirizzi del sito (<code>titolo</code>, <code>testo</code>, <code>zona</code>, \
         <code>?stato=…&amp;ordine=…</code>): un elenco di proposte sul sito e nell'API prende gli \
         stessi parametri. Le risposte sono oggetti JSON descritti negli schemi qui sotto. Gli elenchi \
         si sfogliano con un cursore: si passa il <code>next</code> della risposta come \
         <code>dopo</code> (è anche nell'intestazione <code>Link: rel=\"next\"</code>).</p>"
    };
    out.push_str(sections);
    let _ = write!(
        out,
        "<h2 id=\"problemi\">{}</h2><p>{}</p>\
         <pre><code>{{\"type\": \"/api/v1/docs#problema-dati-non-validi\", \"title\": \"Dati non validi\", \
         \"status\": 422,\n \"errors\": [{{\"field\": \"titolo\", \"code\": \"too_short\", \"limit\": 10, \
         \"message\": \"«Titolo» è troppo corto: almeno 10 caratteri.\"}}]}}</code></pre>\
         <div class=\"table-responsive\"><table class=\"table\"><caption>{}</caption><thead><tr>\
         <th scope=\"col\">type</th><th scope=\"col\">status</th><th scope=\"col\">title</th>\
         <th scope=\"col\">{}</th></tr></thead><tbody>",
        tr("Problemi", "Problems"),
        tr(
            "Ogni errore è un documento <code>application/problem+json</code> (RFC 9457), in italiano \
             o, se <code>Accept-Language</code> lo preferisce, in inglese. Il server non risponde mai \
             500 a una richiesta sbagliata e non mostra dettagli interni.",
            "Every error is an <code>application/problem+json</code> document (RFC 9457), in Italian \
             or, when <code>Accept-Language</code> prefers it, in English. The server never answers \
             500 to a bad request and never shows internals.",
        ),
        tr("I tipi di problema", "The kinds of problem"),
        tr("Quando", "When"),
    );
    let lang_of = if english {
        super::messages::Lang::En
    } else {
        super::messages::Lang::It
    };
    for kind in Kind::ALL {
        let _ = write!(
            out,
            "<tr id=\"problema-{code}\"><th scope=\"row\"><code>{code}</code></th><td>{status}</td>\
             <td>{title}</td><td{it}>{explanation}</td></tr>",
            it = italian_part(english),
            code = kind.code(),
            status = kind.status().as_u16(),
            title = escape(kind.title(lang_of)),
            explanation = inline_code(kind.explanation()),
        );
    }
    out.push_str("</tbody></table></div>");
    let limits = if english {
        "<h2 id=\"limiti\">Limits, caching and CORS</h2><ul>\
         <li>Requests per minute are limited per token, and per IP address without a token; over \
         the limit the answer is 429 with <code>Retry-After</code> (seconds).</li>\
         <li>Every successful read carries an <code>ETag</code>: send it back in \
         <code>If-None-Match</code> and an unchanged answer is a bodiless <code>304</code>.</li>\
         <li>Browsers on other sites may call the API (with a token, never cookies) when the \
         instance lists their origin in <code>PIAZZA_API_CORS_ORIGINS</code>.</li></ul>"
    } else {
        "<h2 id=\"limiti\">Limiti, cache e CORS</h2><ul>\
         <li>Le richieste al minuto sono limitate per token e, senza token, per indirizzo IP; oltre \
         il limite la risposta è 429 con <code>Retry-After</code> (secondi).</li>\
         <li>Ogni lettura riuscita ha un <code>ETag</code>: rimandandolo in <code>If-None-Match</code>, \
         una risposta invariata è un <code>304</code> senza corpo.</li>\
         <li>I browser di altri siti possono chiamare l'API (con un token, mai con i cookie) se \
         l'istanza ne elenca l'origine in <code>PIAZZA_API_CORS_ORIGINS</code>.</li></ul>"
    };
    out.push_str(limits);
    render_operations(&mut out, document, english);
    render_schemas(&mut out, document, english);
    let _ = write!(
        out,
        "</main><footer class=\"it-footer\"><div class=\"it-footer-small-prints\"><div class=\"container\">\
         <ul class=\"it-footer-small-prints-list\"><li><a href=\"/\">{}</a></li>\
         <li><a href=\"/accessibilita\">{}</a></li></ul></div></div></footer></body></html>",
        tr("Torna a Piazza", "Back to Piazza"),
        tr("Dichiarazione di accessibilità", "Accessibility statement"),
    );
    out
}

fn render_operations(out: &mut String, document: &Value, english: bool) {
    let tr = |it: &'static str, en: &'static str| if english { en } else { it };
    let _ = write!(
        out,
        "<h2 id=\"operazioni\">{}</h2>",
        tr("Operazioni", "Operations")
    );
    let tags: Vec<(String, String)> = document["tags"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .map(|t| {
                    (
                        t["name"].as_str().unwrap_or("").to_owned(),
                        t["description"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let Some(paths) = document["paths"].as_object() else {
        return;
    };
    for (tag, description) in &tags {
        let _ = write!(
            out,
            "<section aria-labelledby=\"tag-{a}\"><h3 id=\"tag-{a}\">{}</h3><p{}>{}</p>",
            escape(tag),
            english_part(english),
            escape(description),
            a = anchor(tag)
        );
        for (path, item) in paths {
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let in_tag = operation["tags"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|x| x.as_str() == Some(tag)));
                if !in_tag {
                    continue;
                }
                render_operation(out, method, path, operation, english);
            }
        }
        out.push_str("</section>");
    }
}

fn render_operation(out: &mut String, method: &str, path: &str, operation: &Value, english: bool) {
    let tr = |it: &'static str, en: &'static str| if english { en } else { it };
    let id = anchor(&format!("op-{method}-{path}"));
    let _ = write!(
        out,
        "<article class=\"card my-3\" aria-labelledby=\"{id}\"><div class=\"card-body\">\
         <h4 id=\"{id}\" class=\"h5\"><code>{} /api/v1{}</code></h4>",
        method.to_uppercase(),
        escape(path)
    );
    for key in ["summary", "description"] {
        if let Some(text) = operation.get(key).and_then(Value::as_str) {
            let _ = write!(out, "<p{}>{}</p>", english_part(english), inline_code(text));
        }
    }
    if let Some(parameters) = operation.get("parameters").and_then(Value::as_array) {
        let _ = write!(
            out,
            "<div class=\"table-responsive\"><table class=\"table\"><caption>{}</caption><thead><tr>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            tr("Parametri", "Parameters"),
            tr("Nome", "Name"),
            tr("Dove", "In"),
            tr("Tipo", "Type"),
            tr("Obbligatorio", "Required"),
            tr("Descrizione", "Description"),
        );
        for parameter in parameters {
            let _ = write!(
                out,
                "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td></tr>",
                escape(parameter["name"].as_str().unwrap_or("")),
                escape(parameter["in"].as_str().unwrap_or("")),
                type_of(&parameter["schema"]),
                match (parameter["required"].as_bool() == Some(true), english) {
                    (true, true) => "yes",
                    (true, false) => "sì",
                    (false, _) => "no",
                },
                english_part(english),
                inline_code(parameter["description"].as_str().unwrap_or("")),
            );
        }
        out.push_str("</tbody></table></div>");
    }
    if let Some(body) = operation.pointer("/requestBody/content/application~1json/schema") {
        let _ = write!(out, "<p>{}: {}</p>", tr("Corpo", "Body"), type_of(body));
    }
    let _ = write!(out, "<p>{}:</p><ul>", tr("Risposte", "Answers"));
    if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
        for (status, response) in responses {
            let body = response
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|c| c.get("schema"))
                .map(|s| format!(" — {}", type_of(s)))
                .unwrap_or_default();
            let _ = write!(
                out,
                "<li><strong>{}</strong> <span{}>{}</span>{}</li>",
                escape(status),
                english_part(english),
                inline_code(response["description"].as_str().unwrap_or("")),
                body
            );
        }
    }
    out.push_str("</ul></div></article>");
}

fn render_schemas(out: &mut String, document: &Value, english: bool) {
    let tr = |it: &'static str, en: &'static str| if english { en } else { it };
    let _ = write!(out, "<h2 id=\"schemi\">{}</h2>", tr("Schemi", "Schemas"));
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    for (name, schema) in schemas {
        let _ = write!(
            out,
            "<section aria-labelledby=\"schema-{a}\"><h3 id=\"schema-{a}\" class=\"h5\"><code>{}</code></h3>",
            escape(name),
            a = anchor(name)
        );
        if let Some(text) = schema.get("description").and_then(Value::as_str) {
            let _ = write!(out, "<p{}>{}</p>", english_part(english), inline_code(text));
        }
        if schema.get("properties").is_some() {
            properties_table(out, schema, name, english);
        } else {
            let _ = write!(out, "<p>{}</p>", type_of(schema));
        }
        out.push_str("</section>");
    }
}
