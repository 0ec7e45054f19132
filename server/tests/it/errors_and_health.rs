//! Status codes for what does not exist, and the health endpoints.

use crate::helpers::spawn_app;

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
