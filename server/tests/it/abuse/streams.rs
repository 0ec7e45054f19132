//! Live-update streams cannot be used to exhaust the server: only for a
//! proposal the viewer may see, a few per client and a bound in all, and
//! all of them end when the server stops.

use axum::body::Body;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use shared::model::facilitation::ModerationDecision;
use shared::service::facilitation::moderation;
use shared::testing::published_in;
use shared::testing::{PINEROLO, ctx, person};

use crate::helpers::spawn_app;

fn events(id: impl std::fmt::Display) -> Request<Body> {
    Request::get(format!("/proposte/{id}/eventi"))
        .header("accept", "text/event-stream")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn streams_are_checked_capped_per_client_and_ended_on_shutdown() {
    let app = spawn_app().await;
    let proposals = published_in(&app, PINEROLO, "servizi-online").await;
    let (open, hidden) = (proposals[0], proposals[1]);

    // Nothing to watch: no stream.
    for path in [uuid::Uuid::now_v7().to_string(), "non-un-id".to_owned()] {
        let answer = app.open(events(&path), [10, 0, 0, 9]).await;
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let facilitator = person(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    moderation::decide(
        &ctx(&app, &facilitator),
        "proposta",
        hidden,
        ModerationDecision::Hide,
        "Fuori tema",
    )
    .await
    .unwrap();
    assert_eq!(
        app.open(events(hidden), [10, 0, 0, 9]).await.status(),
        StatusCode::NOT_FOUND,
        "a hidden proposal"
    );

    // One client opens streams in parallel: eight, then 429.
    let answers =
        futures_util::future::join_all((0..12).map(|_| app.open(events(open), [10, 0, 0, 7])))
            .await;
    let (mut held, mut refused) = (Vec::new(), 0);
    for answer in answers {
        match answer.status() {
            StatusCode::OK => held.push(answer),
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(answer.headers()["retry-after"], "30");
                refused += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(
        (held.len(), refused),
        (server::live::MAX_STREAMS_PER_CLIENT, 4)
    );
    // Another client is not affected.
    let other = app.open(events(open), [10, 0, 0, 8]).await;
    assert_eq!(other.status(), StatusCode::OK);
    // A stream closed by its client frees its place.
    held.pop();
    assert_eq!(
        app.open(events(open), [10, 0, 0, 7]).await.status(),
        StatusCode::OK
    );

    // The server stops: every stream ends, so shutdown waits for none.
    server::live::end_streams();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(5), async move {
        for answer in held.into_iter().chain([other]) {
            answer.into_body().collect().await.unwrap();
        }
    })
    .await;
    assert!(ended.is_ok(), "a stream outlived the shutdown");
}
