//! Personal access tokens (groundwork for the REST API): created by their
//! owner and shown once, stored hashed, resolved to the person and scope,
//! revoked only by their owner, never usable once revoked.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::model::accounts::{DEMO_PASSWORD, TokenInput, TokenScope};
use shared::model::common::FieldProblem;
use shared::service::entity::api_token;
use shared::service::{ServiceError, accounts::account, accounts::tokens};
use shared::testing::*;

#[tokio::test]
async fn a_token_is_shown_once_stored_hashed_resolved_and_revoked() {
    let demo = empty_db().await;
    let owner = fresh_person(&demo, "Titolare").await;
    let input = TokenInput::parse("Sito del Comune", "lettura").unwrap();
    let created = tokens::create(&ctx(&demo, &owner), &input, "")
        .await
        .unwrap();
    assert!(created.secret.starts_with(tokens::TOKEN_PREFIX));
    assert!(created.secret.starts_with(&created.token.prefix));

    // Only the hash is stored.
    let row = api_token::Entity::find_by_id(created.token.id)
        .one(&demo.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(row.token_hash, created.secret);
    assert!(!row.token_hash.contains(&created.secret));

    // The secret resolves to its owner and scope, and its use is recorded.
    let now = chrono::Utc::now();
    let resolved = tokens::resolve(&demo.db, &created.secret, now)
        .await
        .unwrap()
        .expect("a live token resolves");
    assert_eq!(
        (resolved.id, resolved.person.id, resolved.scope),
        (created.token.id, owner.id, TokenScope::Read)
    );
    let listed = tokens::list(&ctx(&demo, &owner)).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some());

    // Wrong, malformed or someone else's: nothing.
    for wrong in ["", "pzt_corto", "abc", &created.secret.replace('a', "b")] {
        if wrong == created.secret {
            continue;
        }
        assert!(
            tokens::resolve(&demo.db, wrong, now)
                .await
                .unwrap()
                .is_none()
        );
    }
    let other = fresh_person(&demo, "Altra persona").await;
    assert!(matches!(
        tokens::revoke(&ctx(&demo, &other), created.token.id).await,
        Err(ServiceError::NotFound(_))
    ));
    assert!(tokens::list(&ctx(&demo, &other)).await.unwrap().is_empty());

    // Revoked by its owner: never usable again.
    tokens::revoke(&ctx(&demo, &owner), created.token.id)
        .await
        .unwrap();
    assert!(
        tokens::resolve(&demo.db, &created.secret, now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(tokens::list(&ctx(&demo, &owner)).await.unwrap().is_empty());
    let revoked = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(owner.id))
        .one(&demo.db)
        .await
        .unwrap()
        .unwrap();
    assert!(revoked.revoked_at.is_some());
}

#[tokio::test]
async fn only_signed_in_people_hold_tokens_and_at_most_twenty() {
    let demo = empty_db().await;
    let input = TokenInput::parse("Portale open data", "lettura").unwrap();
    assert!(matches!(
        tokens::create(&anonymous(&demo), &input, "").await,
        Err(ServiceError::Unauthenticated)
    ));
    let owner = fresh_person(&demo, "Molti token").await;
    for _ in 0..shared::model::accounts::MAX_TOKENS {
        tokens::create(&ctx(&demo, &owner), &input, "")
            .await
            .unwrap();
    }
    match tokens::create(&ctx(&demo, &owner), &input, "").await {
        Err(ServiceError::Refused(shared::model::common::Refusal::TooManyTokens { max })) => {
            assert_eq!(u64::from(max), shared::model::accounts::MAX_TOKENS)
        }
        other => panic!("the 21st token is refused, got {other:?}"),
    }
}

/// A stolen session must not mint a token that outlives the victim's new
/// password: a write token takes the password again, and changing the
/// password (like resetting it) revokes every token.
#[tokio::test]
async fn a_write_token_takes_the_password_and_dies_with_a_password_change() {
    let demo = demo_db().await;
    let owner = person(&demo, "citizen@demo.piazza.invalid").await;
    let as_owner = ctx(&demo, &owner);
    let write = TokenInput::parse("Integrazione", "scrittura").unwrap();
    assert_eq!(
        field_of(tokens::create(&as_owner, &write, "").await),
        ("password".to_owned(), FieldProblem::Empty)
    );
    assert_eq!(
        field_of(tokens::create(&as_owner, &write, "una-password-sbagliata").await),
        ("password".to_owned(), FieldProblem::NotRecognized)
    );
    assert!(tokens::list(&as_owner).await.unwrap().is_empty());
    let written = tokens::create(&as_owner, &write, DEMO_PASSWORD)
        .await
        .unwrap();
    // A read token needs no password.
    let read = TokenInput::parse("Lettura", "lettura").unwrap();
    let readable = tokens::create(&as_owner, &read, "").await.unwrap();
    let now = chrono::Utc::now();
    for secret in [&written.secret, &readable.secret] {
        assert!(
            tokens::resolve(&demo.db, secret, now)
                .await
                .unwrap()
                .is_some()
        );
    }

    account::change_password(&as_owner, DEMO_PASSWORD, "una frase nuova e lunga 77")
        .await
        .unwrap();
    for secret in [&written.secret, &readable.secret] {
        assert!(
            tokens::resolve(&demo.db, secret, now)
                .await
                .unwrap()
                .is_none(),
            "a token outlived the password change"
        );
    }
}
