//! A stolen session cannot outlast the victim: a write token takes the
//! password again, and changing the password ends every token.

use shared::model::accounts::DEMO_PASSWORD;
use shared::testing::{ctx, person};

use crate::helpers::{sign_in_demo, spawn_app};

const CITIZEN: &str = "citizen@demo.piazza.invalid";
const NEW_PASSWORD: &str = "una frase nuova e abbastanza lunga 2026";

#[tokio::test]
async fn a_stolen_session_mints_no_token_that_outlives_a_password_change() {
    let app = spawn_app().await;
    let stolen = sign_in_demo(&app, CITIZEN).await;

    // With the session alone, no write token.
    let create = |password: &'static str| {
        let stolen = stolen.clone();
        let app = &app;
        async move {
            app.post_form(
                "/api/tokens/create",
                &[
                    ("nome_token", "Script di chi ha rubato la sessione"),
                    ("ambito", "scrittura"),
                    ("password", password),
                ],
                Some(&stolen),
            )
            .await
        }
    };
    for (password, problem) in [("", "Empty"), ("indovino-a-caso-123", "NotRecognized")] {
        let refused = create(password).await;
        let error = refused.form_error().expect("refused on a field");
        assert_eq!(error["InvalidInput"]["field"], "password", "{error}");
        assert!(
            error["InvalidInput"]["problem"]
                .to_string()
                .contains(problem),
            "{error}"
        );
    }
    let owner = person(&app, CITIZEN).await;
    assert!(
        shared::service::accounts::tokens::list(&ctx(&app, &owner))
            .await
            .unwrap()
            .is_empty()
    );
    // With the password, it is made (the person at the keyboard knows it).
    let made = create(DEMO_PASSWORD).await;
    assert!(
        made.location().contains("esito=token-creato"),
        "{}",
        made.location()
    );
    let secret = made
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("piazza_token_nuovo="))
        .and_then(|c| c.split(';').next())
        .expect("the new token's secret, shown once")
        .to_owned();
    let me = app
        .get_with(
            "/api/v1/me",
            &[("authorization", &format!("Bearer {secret}"))],
        )
        .await;
    assert_eq!(me.status, 200);

    // The owner changes the password: the token dies with the old one.
    let owner_session = sign_in_demo(&app, CITIZEN).await;
    let changed = app
        .post_form(
            "/api/account/password",
            &[
                ("current_password", DEMO_PASSWORD),
                ("new_password", NEW_PASSWORD),
            ],
            Some(&owner_session),
        )
        .await;
    assert!(changed.form_error().is_none(), "{}", changed.location());
    let me = app
        .get_with(
            "/api/v1/me",
            &[("authorization", &format!("Bearer {secret}"))],
        )
        .await;
    assert_eq!(me.status, 401);
}

/// `Mario@` and `mario@` are one mailbox, so one account: registering again
/// with other capitals makes no second account, and signing in takes any.
#[tokio::test]
async fn an_address_in_other_capitals_is_the_same_account() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use shared::service::entity::user;
    let app = spawn_app().await;
    let register = |email: &'static str| {
        let app = &app;
        async move {
            app.post_form(
                "/api/account/register",
                &[
                    ("email", email),
                    ("display_name", "Mario Rossi"),
                    ("password", NEW_PASSWORD),
                    ("accept_privacy", "si"),
                ],
                None,
            )
            .await
        }
    };
    assert_eq!(
        register("Mario.Rossi@Example.IT").await.location(),
        "/registrati/inviata"
    );
    assert_eq!(
        register("mario.rossi@example.it").await.location(),
        "/registrati/inviata"
    );
    let accounts = user::Entity::find()
        .filter(user::Column::Email.eq("mario.rossi@example.it"))
        .count(&app.db)
        .await
        .unwrap();
    let any_case = user::Entity::find()
        .filter(user::Column::DisplayName.eq("Mario Rossi"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!((accounts, any_case), (1, 1));
}
