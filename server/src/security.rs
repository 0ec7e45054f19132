//! The request's security: who is asking (client address, session), whether
//! a state-changing request really comes from our own pages (CSRF), and the
//! security headers of every response.

use std::net::SocketAddr;

use app::http::{cookie_value, session_cookie_header};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use shared::service::accounts::account::ClientInfo;
use shared::service::{Actor, accounts::sessions};

use crate::state::AppState;

/// The first layer every request meets after tracing: client address,
/// CSRF check, then the session (the `Actor` the services will see).
pub async fn session_and_origin(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let client = client_info(&request, state.config.trust_proxy);
    if is_state_changing(request.method())
        && !same_origin(request.headers(), &state.config.base_url)
    {
        tracing::warn!(ip = %client.ip, path = %request.uri().path(), "cross-site request refused");
        if request.uri().path().starts_with("/api/v1/") {
            return crate::rest::problem::Problem::new(crate::rest::problem::Kind::ForeignOrigin)
                .into_response();
        }
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Richiesta rifiutata: non proviene da una pagina di questo sito. \
             / Request refused: it does not come from a page of this site.",
        )
            .into_response();
    }
    request.extensions_mut().insert(client);
    let token =
        cookie_value(request.headers(), app::http::SESSION_COOKIE).filter(|t| !t.is_empty());
    let mut set_cookie = None;
    let actor = match &token {
        None => Actor::Anonymous,
        Some(token) => match sessions::resolve(&state.db, token, chrono::Utc::now()).await {
            Ok(Some(found)) => {
                if let Some(until) = found.renewed_until {
                    let seconds = (until - chrono::Utc::now()).num_seconds().max(0);
                    set_cookie = Some(session_cookie_header(
                        Some(token),
                        seconds,
                        state.config.secure_cookies(),
                    ));
                }
                Actor::Person(found.person)
            }
            Ok(None) => {
                // Expired or revoked: forget the cookie.
                set_cookie = Some(session_cookie_header(
                    None,
                    0,
                    state.config.secure_cookies(),
                ));
                Actor::Anonymous
            }
            Err(error) => {
                tracing::error!(%error, "session lookup failed; treating the request as anonymous");
                Actor::Anonymous
            }
        },
    };
    request.extensions_mut().insert(actor);
    let mut response = next.run(request).await;
    if let Some(value) = set_cookie.and_then(|v| HeaderValue::from_str(&v).ok()) {
        // A sign-in or sign-out in this request already set the cookie: that one wins.
        let already = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| {
                v.to_str()
                    .is_ok_and(|v| v.starts_with(app::http::SESSION_COOKIE))
            });
        if !already {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    Some(&url[..end])
}

/// Whether a state-changing request comes from our own pages: its `Origin`
/// (or, when a browser sends none, its `Referer`) is our public address or
/// the host it was sent to. Requests naming no origin at all are refused.
/// API calls authenticated by a bearer token and carrying no cookie pass
/// from anywhere: a browser never attaches a token on its own, so another
/// site cannot forge them (which origins may read the answers is CORS's job).
pub fn same_origin(headers: &HeaderMap, base_url: &str) -> bool {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let bearer = text(header::AUTHORIZATION).is_some_and(|a| {
        a.trim()
            .get(..7)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer "))
    });
    if bearer && headers.get(header::COOKIE).is_none() {
        return true;
    }
    let claimed = match text(header::ORIGIN) {
        Some(origin) => Some(origin.to_owned()),
        None => text(header::REFERER).and_then(origin_of).map(str::to_owned),
    };
    let Some(claimed) = claimed else {
        return false;
    };
    if origin_of(base_url) == Some(claimed.as_str()) {
        return true;
    }
    // The host the browser sent the request to (behind no proxy, or one that
    // keeps it), over the scheme the site is served on: an `http://` page
    // (a network attacker's downgrade) never speaks for an https site.
    let base_scheme = base_url.split_once("://").map(|(scheme, _)| scheme);
    match claimed.split_once("://") {
        Some((scheme, authority)) => {
            Some(scheme) == base_scheme && Some(authority) == text(header::HOST)
        }
        None => false,
    }
}

/// The client's address: the socket's peer, or the last `X-Forwarded-For`
/// entry when the configuration says a proxy sets it (the one our proxy
/// added; earlier entries come from the client and can be anything).
fn client_info(request: &Request, trust_proxy: bool) -> ClientInfo {
    if !trust_proxy && request.headers().contains_key("x-forwarded-for") {
        warn_untrusted_proxy_once();
    }
    let forwarded = trust_proxy
        .then(|| request.headers().get("x-forwarded-for")?.to_str().ok())
        .flatten()
        .and_then(|v| v.split(',').next_back())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    ClientInfo {
        ip: forwarded.or(peer).unwrap_or_else(|| "unknown".into()),
        user_agent: request
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(200).collect()),
    }
}

/// A request came through a proxy that `PIAZZA_TRUST_PROXY` does not trust:
/// every visitor then has the proxy's address, and the per-address limits
/// become one bucket for the whole site. Said once per process.
fn warn_untrusted_proxy_once() {
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        tracing::warn!(
            "requests carry X-Forwarded-For but PIAZZA_TRUST_PROXY is off: behind a reverse \
             proxy every visitor shares the proxy's address, so per-address limits (sign-in, \
             registration, census codes) apply to the whole site at once; set \
             PIAZZA_TRUST_PROXY=1 if the proxy sets that header"
        );
    }
}

/// The Content-Security-Policy of a page whose scripts carry `nonce`.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    )
}

/// The nonce of one response's inline scripts (random, 128 bits).
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

impl CspNonce {
    fn new() -> Self {
        use base64::Engine;
        let mut bytes = [0u8; 16];
        // Without randomness the page's scripts are refused: safe, if unusable.
        let _ = getrandom::fill(&mut bytes);
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// Headers every response carries. Each request gets a fresh nonce (Leptos
/// puts it on the page's hydration scripts); HTML answers allow exactly those
/// scripts, everything else gets a strict policy.
pub async fn security_headers(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let policy = if is_html {
        page_csp(&nonce.0)
    } else {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
            .to_owned()
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&policy) {
        if is_html {
            headers.insert("content-security-policy", value);
        } else {
            // A stricter policy set by the route (the images' sandbox) stays.
            headers.entry("content-security-policy").or_insert(value);
        }
    }
    let mut set = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.entry(name).or_insert(value);
        }
    };
    set("x-content-type-options", "nosniff");
    set("referrer-policy", "strict-origin-when-cross-origin");
    set("x-frame-options", "DENY");
    set("cross-origin-opener-policy", "same-origin");
    set(
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if state.config.secure_cookies() {
        set(
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn origins_are_compared_exactly() {
        let base = "https://piazza.comune.example";
        assert!(same_origin(
            &headers(&[("origin", "https://piazza.comune.example")]),
            base
        ));
        assert!(!same_origin(
            &headers(&[("origin", "https://evil.example")]),
            base
        ));
        assert!(!same_origin(
            &headers(&[("origin", "https://piazza.comune.example.evil.example")]),
            base
        ));
        assert!(!same_origin(&headers(&[("origin", "null")]), base));
        assert!(same_origin(
            &headers(&[("referer", "https://piazza.comune.example/accedi")]),
            base
        ));
        assert!(!same_origin(&headers(&[]), base));
        // The Host fallback keeps the site's scheme: plain http never speaks
        // for an https site.
        assert!(!same_origin(
            &headers(&[
                ("origin", "http://piazza.comune.example"),
                ("host", "piazza.comune.example")
            ]),
            base
        ));
        assert!(same_origin(
            &headers(&[
                ("origin", "https://piazza.interno.example"),
                ("host", "piazza.interno.example")
            ]),
            base
        ));
        // Reached directly on another address (e.g. localhost vs 127.0.0.1).
        assert!(same_origin(
            &headers(&[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000")
            ]),
            "http://127.0.0.1:3000"
        ));
        assert!(same_origin(
            &headers(&[("authorization", "Bearer x")]),
            base
        ));
        assert!(!same_origin(
            &headers(&[("authorization", "Bearer x"), ("cookie", "a=b")]),
            base
        ));
        // A token from another site's page (CORS decides who reads the answer).
        assert!(same_origin(
            &headers(&[
                ("authorization", "Bearer x"),
                ("origin", "https://www.comune.example")
            ]),
            base
        ));
        assert!(!same_origin(
            &headers(&[
                ("authorization", "Bearer x"),
                ("cookie", "a=b"),
                ("origin", "https://evil.example")
            ]),
            base
        ));
    }
}
