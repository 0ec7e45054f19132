//! Personal access tokens (groundwork for the REST API): created by their
//! owner and shown once, stored hashed, resolved to the person and scope,
//! revoked only by their owner, never usable once revoked.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::model::accounts::{TokenInput, TokenScope};
use shared::service::entity::api_token;
use shared::service::{ServiceError, accounts::tokens};

use crate::helpers::{anonymous, ctx, fresh_person, spawn_empty_app};

#[tokio::test]
async fn a_token_is_shown_once_stored_hashed_resolved_and_revoked() {
    let app = spawn_empty_app().await;
    let owner = fresh_person(&app, "Titolare").await;
    let input = TokenInput::parse("Sito del Comune", "lettura").unwrap();
    let created = tokens::create(&ctx(&app, &owner), &input).await.unwrap();
    assert!(created.secret.starts_with(tokens::TOKEN_PREFIX));
    assert!(created.secret.starts_with(&created.token.prefix));

    // Only the hash is stored.
    let row = api_token::Entity::find_by_id(created.token.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(row.token_hash, created.secret);
    assert!(!row.token_hash.contains(&created.secret));

    // The secret resolves to its owner and scope, and its use is recorded.
    let now = chrono::Utc::now();
    let resolved = tokens::resolve(&app.db, &created.secret, now)
        .await
        .unwrap()
        .expect("a live token resolves");
    assert_eq!(
        (resolved.id, resolved.person.id, resolved.scope),
        (created.token.id, owner.id, TokenScope::Read)
    );
    let listed = tokens::list(&ctx(&app, &owner)).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some());

    // Wrong, malformed or someone else's: nothing.
    for wrong in ["", "pzt_corto", "abc", &created.secret.replace('a', "b")] {
        if wrong == created.secret {
            continue;
        }
        assert!(
            tokens::resolve(&app.db, wrong, now)
                .await
                .unwrap()
                .is_none()
        );
    }
    let other = fresh_person(&app, "Altra persona").await;
    assert!(matches!(
        tokens::revoke(&ctx(&app, &other), created.token.id).await,
        Err(ServiceError::NotFound(_))
    ));
    assert!(tokens::list(&ctx(&app, &other)).await.unwrap().is_empty());

    // Revoked by its owner: never usable again.
    tokens::revoke(&ctx(&app, &owner), created.token.id)
        .await
        .unwrap();
    assert!(
        tokens::resolve(&app.db, &created.secret, now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(tokens::list(&ctx(&app, &owner)).await.unwrap().is_empty());
    let revoked = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(owner.id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(revoked.revoked_at.is_some());
}

#[tokio::test]
async fn only_signed_in_people_hold_tokens_and_at_most_twenty() {
    let app = spawn_empty_app().await;
    let input = TokenInput::parse("Portale open data", "scrittura").unwrap();
    assert!(matches!(
        tokens::create(&anonymous(&app), &input).await,
        Err(ServiceError::Unauthenticated)
    ));
    let owner = fresh_person(&app, "Molti token").await;
    for _ in 0..shared::model::accounts::MAX_TOKENS {
        tokens::create(&ctx(&app, &owner), &input).await.unwrap();
    }
    match tokens::create(&ctx(&app, &owner), &input).await {
        Err(ServiceError::Refused(shared::model::common::Refusal::TooManyTokens { max })) => {
            assert_eq!(u64::from(max), shared::model::accounts::MAX_TOKENS)
        }
        other => panic!("the 21st token is refused, got {other:?}"),
    }
}
