//! Heavy anonymous downloads: the open-data package is built once and
//! served from disk; parallel downloads share one build, a browser that has
//! it gets a 304, a resumed download gets its range, and a vote that hides
//! counts stops the stored package from being served.

use futures_util::future::join_all;
use http::{Request, StatusCode};
use shared::testing::plan::vote_with_hidden_counts;

use crate::helpers::{Answer, TestApp, spawn_app};

const ALESSANDRIA: &str = "piano-strategico-alessandria-2030";
const URI: &str = "/processi/piano-strategico-alessandria-2030/dati-aperti.zip";

async fn download(app: &TestApp, headers: &[(&str, &str)]) -> Answer {
    app.get_with(URI, headers).await
}

#[tokio::test]
async fn the_open_data_package_is_built_once_and_served_from_disk() {
    let app = spawn_app().await;
    // Six at once: one build, six identical files (a second build would
    // differ: every build draws a new salt for its pseudonyms).
    let first = join_all((0..6).map(|n| {
        let request = Request::get(URI).body(axum::body::Body::empty()).unwrap();
        app.open(request, [10, 0, 1, n])
    }))
    .await;
    let mut bodies = Vec::new();
    for response in first {
        assert_eq!(response.status(), StatusCode::OK);
        let tag = response.headers()["etag"].to_str().unwrap().to_owned();
        let bytes = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        bodies.push((tag, bytes));
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "one package for all"
    );
    let (tag, bytes) = bodies.remove(0);
    assert!(bytes.starts_with(b"PK"), "a zip");

    // Again: the same file, not a new build.
    let again = download(&app, &[]).await;
    assert_eq!(again.headers["etag"].to_str().unwrap(), tag);
    assert_eq!(again.bytes, bytes);
    assert_eq!(again.headers["cache-control"], "no-cache");
    assert!(again.headers.contains_key("last-modified"));
    // A browser that has it.
    let unchanged = download(&app, &[("if-none-match", tag.as_str())]).await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert!(unchanged.bytes.is_empty());
    // A download resumed where it stopped.
    let range = download(&app, &[("range", "bytes=100-199")]).await;
    assert_eq!(range.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.bytes, bytes.slice(100..200));
    assert_eq!(
        range.headers["content-range"].to_str().unwrap(),
        format!("bytes 100-199/{}", bytes.len())
    );

    // Once a vote hides the counts, the stored package is not served.
    vote_with_hidden_counts(&app, ALESSANDRIA).await;
    assert_eq!(download(&app, &[]).await.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn heavy_downloads_are_limited_per_client_address() {
    let app = spawn_app().await;
    let from = |ip: [u8; 4]| {
        let app = &app;
        async move {
            let request = Request::get(URI).body(axum::body::Body::empty()).unwrap();
            app.send(request, ip).await
        }
    };
    for n in 0..server::routes::HEAVY_DOWNLOADS_PER_MINUTE {
        assert_eq!(
            from([192, 0, 2, 1]).await.status,
            StatusCode::OK,
            "download {n}"
        );
    }
    let refused = from([192, 0, 2, 1]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(refused.body.contains("riprova"));
    // Someone else is not affected.
    assert_eq!(from([192, 0, 2, 2]).await.status, StatusCode::OK);
}
