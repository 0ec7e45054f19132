//! The server functions the hydrated app calls, over HTTP.

use axum::body::Body;
use http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::helpers::spawn_app;

async fn post_json(app: &crate::helpers::TestApp, uri: &str, json: &str) -> (u16, String) {
    let request = Request::post(uri)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header("origin", crate::helpers::ORIGIN)
        .body(Body::from(json.to_owned()))
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn the_list_function_accepts_an_unfiltered_query() {
    let app = spawn_app().await;
    let (status, body) = post_json(
        &app,
        "/api/proposals/list",
        r#"{"process":"agenda-digitale-pinerolo","params":{}}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["total"], 19);
    assert_eq!(page["items"].as_array().unwrap().len(), 19);

    let (status, body) =
        post_json(&app, "/api/proposals/list", r#"{"process":"agenda-digitale-pinerolo","params":{"stato":"","ordine":"recenti","dopo":null}}"#).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn the_list_function_names_a_bad_field_and_never_leaks_internals() {
    let app = spawn_app().await;
    let (status, body) = post_json(
        &app,
        "/api/proposals/list",
        r#"{"process":"agenda-digitale-pinerolo","params":{"stato":"boh"}}"#,
    )
    .await;
    assert_eq!(
        status, 400,
        "bad input answers 400 with a typed body: {body}"
    );
    assert!(
        body.contains("InvalidInput") && body.contains("stato"),
        "{body}"
    );
    let (status, body) = post_json(&app, "/api/proposals/list", r#"{"process":"#).await;
    assert_eq!(status, 400, "a malformed body is bad input: {body}");
    assert!(
        !body.to_lowercase().contains("sqlx") && !body.contains("panicked"),
        "{body}"
    );
}
