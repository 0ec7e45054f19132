//! Status codes for what does not exist, and the health endpoints.

use axum::body::Body;
use http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::helpers::{spawn_app, spawn_empty_app_with_site};

#[tokio::test]
async fn unknown_addresses_answer_404_with_a_way_home() {
    let app = spawn_app().await;
    for uri in [
        "/non-esiste",
        "/processi/non-esiste",
        "/proposte/00000000-0000-7000-8000-000000000000",
        "/proposte/non-un-uuid",
        "/processi/piano-strategico-alessandria-2030/piattaforme/nessuna",
    ] {
        let answer = app.get(uri).await;
        assert_eq!(answer.status, 404, "{uri}");
        assert!(answer.body.contains("Pagina non trovata"), "{uri}");
        assert!(answer.body.contains("Torna ai processi"), "{uri}");
        assert!(
            answer.body.contains("href=\"/accessibilita\""),
            "{uri}: the footer is there too"
        );
    }
}

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    let health = app.get("/healthz").await;
    assert_eq!((health.status.as_u16(), health.body.as_str()), (200, "ok"));
    let ready = app.get("/readyz").await;
    assert_eq!((ready.status.as_u16(), ready.body.as_str()), (200, "ready"));
    app.db.clone().close().await.expect("closes");
    assert_eq!(
        app.get("/readyz").await.status,
        503,
        "not ready without a database"
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_safe_headers() {
    let app = spawn_app().await;
    let answer = app.get("/").await;
    assert!(answer.headers.get("x-request-id").is_some());
    assert_eq!(answer.headers["x-content-type-options"], "nosniff");
    assert_eq!(answer.headers["x-frame-options"], "DENY");
    let compressed = app.get_with("/", &[("accept-encoding", "br")]).await;
    assert_eq!(compressed.headers["content-encoding"], "br");
}

/// Static files keep their own status and type while pages answer 404 at the
/// same moment on the same worker threads (Leptos's file handler once lent a
/// file the status of another request: the wasm module answered 404).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_keep_their_status_while_pages_answer_404() {
    let site = tempfile::tempdir().expect("site folder");
    std::fs::create_dir_all(site.path().join("pkg")).expect("pkg folder");
    let module = vec![7u8; 300_000];
    std::fs::write(site.path().join("pkg/piazza.prova.wasm"), &module).expect("file");
    let app = spawn_empty_app_with_site(site.path()).await;
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..240 {
        let router = app.router.clone();
        requests.spawn(async move {
            let uri = if i % 2 == 0 {
                "/pkg/piazza.prova.wasm"
            } else {
                "/pagina-che-non-esiste"
            };
            let mut request = Request::get(uri).body(Body::empty()).expect("request");
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                std::net::SocketAddr::from(([10, 0, 0, 1], 40000)),
            ));
            let response = router.oneshot(request).await.expect("answer");
            let status = response.status().as_u16();
            let kind = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let bytes = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            (uri, status, kind, bytes.len())
        });
    }
    while let Some(done) = requests.join_next().await {
        let (uri, status, kind, length) = done.expect("request task");
        if uri.starts_with("/pkg/") {
            assert_eq!(
                (status, kind.as_str(), length),
                (200, "application/wasm", module.len()),
                "{uri}"
            );
        } else {
            assert_eq!(status, 404, "{uri}");
            assert!(kind.starts_with("text/html"), "{uri}: {kind}");
        }
    }
    // What is no file still gets the site's 404 page, also under /pkg.
    let missing = app.get("/pkg/nessuno.wasm").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Pagina non trovata"));
    let folder = app.get("/pkg").await;
    assert_eq!(folder.status, 404, "a folder is not listed nor redirected");
}
