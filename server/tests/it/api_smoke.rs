//! A first walk through the REST API: the document, a public read, a
//! problem document.

use crate::helpers::*;

#[tokio::test]
async fn the_api_answers_and_describes_itself() {
    let app = spawn_app().await;
    let doc = app.get("/api/v1/openapi.json").await;
    assert_eq!(doc.status, 200, "{}", doc.body);
    let json: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
    let list = app.get("/api/v1/processes").await;
    assert_eq!(list.status, 200, "{}", list.body);
    let processes: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    let slug = processes[0]["slug"].as_str().unwrap().to_owned();
    let proposals = app
        .get(&format!(
            "/api/v1/processes/{slug}/proposals?ordine=recenti"
        ))
        .await;
    assert_eq!(proposals.status, 200, "{}", proposals.body);
    let missing = app.get("/api/v1/nessuna").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.headers["content-type"], "application/problem+json");
    let page = app.get("/api/v1/docs").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("/processes/{process}/proposals"),
        "{}",
        &page.body[..500]
    );
    std::fs::write("/tmp/openapi.json", &doc.body).unwrap();
    std::fs::write("/tmp/apidocs.html", &page.body).unwrap();
}
