//! CSRF, cookies and headers through the real router.

use axum::body::Body;
use http::{Request, StatusCode};

use crate::helpers::{ORIGIN, sign_in_demo, spawn_app, spawn_app_with};

#[tokio::test]
async fn state_changing_requests_without_our_origin_are_refused() {
    let app = spawn_app().await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let post = |origin: Option<&str>, referer: Option<&str>| {
        let mut request = Request::post("/api/account/sign-out-everywhere")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie.clone());
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(referer) = referer {
            request = request.header("referer", referer);
        }
        request.body(Body::empty()).unwrap()
    };
    // No origin at all (a forged form from a tool), another site, a look-alike.
    for (origin, referer) in [
        (None, None),
        (Some("https://evil.example"), None),
        (Some("http://127.0.0.1:3000.evil.example"), None),
        (None, Some("https://evil.example/page")),
    ] {
        let answer = app.send(post(origin, referer), [10, 0, 0, 2]).await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{origin:?} {referer:?}"
        );
    }
    // Still signed in: nothing happened.
    assert_eq!(app.get_as("/profilo", &cookie).await.status, StatusCode::OK);
    // Our own origin passes.
    let answer = app.send(post(Some(ORIGIN), None), [10, 0, 0, 2]).await;
    assert_ne!(answer.status, StatusCode::FORBIDDEN);
    assert!(
        app.get_as("/profilo", &cookie)
            .await
            .location()
            .starts_with("/accedi")
    );
}

#[tokio::test]
async fn pages_carry_a_csp_that_allows_only_their_own_scripts() {
    let app = spawn_app().await;
    let answer = app.get("/").await;
    let csp = answer
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a nonce");
    assert!(nonce.len() >= 16);
    // Every inline script of the page carries it.
    for script in answer.body.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap_or_default();
        let content = script[tag.len() + 1..]
            .split("</script>")
            .next()
            .unwrap_or_default();
        if content.trim().is_empty() {
            continue; // An empty element runs nothing.
        }
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")) || tag.contains("src="),
            "script without nonce: <script{tag}>{}",
            &script[..script.len().min(300)]
        );
    }
    assert_eq!(
        answer.headers.get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert_eq!(
        answer.headers.get("referrer-policy").unwrap(),
        "strict-origin-when-cross-origin"
    );
    // Another page, another nonce.
    let again = app.get("/").await;
    assert_ne!(
        again
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap(),
        csp
    );
    // Plain routes too.
    let health = app.get("/healthz").await;
    assert!(health.headers.get("content-security-policy").is_some());
}

#[tokio::test]
async fn a_forged_or_stale_session_cookie_is_anonymous_and_cleared() {
    let app = spawn_app().await;
    let answer = app
        .get_as(
            "/profilo",
            "piazza_sessione=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )
        .await;
    assert!(answer.location().starts_with("/accedi"));
    let cleared = answer
        .headers
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("piazza_sessione=;"));
    assert!(cleared);
}

#[tokio::test]
async fn the_header_shows_who_is_signed_in_and_demo_mode() {
    let app = spawn_app().await;
    let anonymous = app.page("/").await;
    assert!(anonymous.contains("href=\"/accedi") && anonymous.contains("Istanza dimostrativa"));
    let cookie = sign_in_demo(&app, "admin@demo.piazza.invalid").await;
    let page = app.get_as("/", &cookie).await;
    assert!(
        page.body.contains("href=\"/profilo\"") && page.body.contains("href=\"/amministrazione\"")
    );
    let sign_in = app.page("/accedi").await;
    assert!(
        sign_in.contains(shared::model::accounts::DEMO_PASSWORD),
        "demo accounts listed"
    );
}

#[tokio::test]
async fn on_an_https_site_a_plain_http_origin_is_refused_even_for_our_host() {
    let app = spawn_app_with(&[("PIAZZA_BASE_URL", "https://piazza.comune.example")]).await;
    let post = |origin: &str| {
        Request::post("/api/account/forgot")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("host", "piazza.comune.example")
            .header("origin", origin)
            .body(Body::from("email=nessuno%40example.it"))
            .unwrap()
    };
    let downgraded = app
        .send(post("http://piazza.comune.example"), [10, 0, 0, 3])
        .await;
    assert_eq!(downgraded.status, StatusCode::FORBIDDEN);
    let ours = app
        .send(post("https://piazza.comune.example"), [10, 0, 0, 3])
        .await;
    assert_ne!(ours.status, StatusCode::FORBIDDEN);
}
