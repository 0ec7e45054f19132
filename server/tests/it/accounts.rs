//! Accounts through the real router: registration, confirmation, sign-in,
//! rate limits, resets, sessions, residence codes, own data.

use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared::service::entity::{proposal, support, user};
use shared::service::{Actor, Ctx, accounts::residence};

use crate::helpers::{last_mail_to, sign_in_demo, spawn_app, token_in};

const PASSWORD: &str = "tramonto sul Tanaro 1987";

async fn register(app: &crate::helpers::TestApp, email: &str) -> crate::helpers::Answer {
    app.post_form(
        "/api/account/register",
        &[
            ("email", email),
            ("display_name", "Giulia Bianchi"),
            ("password", PASSWORD),
            ("accept_privacy", "si"),
        ],
        None,
    )
    .await
}

#[tokio::test]
async fn register_confirm_sign_in_and_out() {
    let app = spawn_app().await;
    let answer = register(&app, "giulia@example.it").await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(answer.location(), "/registrati/inviata");
    // Not confirmed yet: no sign-in.
    let early = app
        .post_form(
            "/api/account/sign-in",
            &[("email", "giulia@example.it"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(
        early.form_error().unwrap(),
        serde_json::json!("EmailNotConfirmed")
    );

    let (subject, body) = last_mail_to(&app.db, "giulia@example.it")
        .await
        .expect("a confirmation email");
    assert!(subject.contains("Conferma"), "{subject}");
    let confirmed = app
        .post_form("/api/account/confirm", &[("token", &token_in(&body))], None)
        .await;
    assert_eq!(confirmed.location(), "/profilo?esito=benvenuto");
    let cookie = confirmed
        .session_cookie()
        .expect("signed in after confirming");
    let set = confirmed
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );

    let profile = app.get_as("/profilo", &cookie).await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.body.contains("Giulia Bianchi"));

    // The link works once.
    let again = app
        .post_form("/api/account/confirm", &[("token", &token_in(&body))], None)
        .await;
    assert_eq!(
        again.form_error().unwrap(),
        serde_json::json!("TokenInvalid")
    );

    let out = app
        .post_form("/api/account/sign-out", &[], Some(&cookie))
        .await;
    assert_eq!(out.location(), "/?esito=uscita");
    assert!(
        app.get_as("/profilo", &cookie)
            .await
            .location()
            .starts_with("/accedi")
    );

    let back = app
        .post_form(
            "/api/account/sign-in",
            &[("email", "giulia@example.it"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(back.location(), "/profilo");
    assert!(back.session_cookie().is_some());
}

#[tokio::test]
async fn registering_a_taken_address_answers_the_same_and_tells_the_owner() {
    let app = spawn_app().await;
    let answer = register(&app, "citizen@demo.piazza.invalid").await;
    assert_eq!(answer.location(), "/registrati/inviata");
    let (subject, _) = last_mail_to(&app.db, "citizen@demo.piazza.invalid")
        .await
        .unwrap();
    assert!(subject.contains("già un account"), "{subject}");
}

#[tokio::test]
async fn bad_registration_input_names_the_field_and_never_500s() {
    let app = spawn_app().await;
    let long_name = "x".repeat(200);
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                ("email", "non-una-email"),
                ("display_name", "Ugo"),
                ("password", PASSWORD),
                ("accept_privacy", "si"),
            ],
            "email",
            "Malformed",
        ),
        (
            vec![
                ("email", "u@example.it"),
                ("display_name", &long_name),
                ("password", PASSWORD),
                ("accept_privacy", "si"),
            ],
            "display_name",
            "TooLong",
        ),
        (
            vec![
                ("email", "u@example.it"),
                ("display_name", "Ugo\u{7}"),
                ("password", PASSWORD),
                ("accept_privacy", "si"),
            ],
            "display_name",
            "ControlCharacters",
        ),
        (
            vec![
                ("email", "u@example.it"),
                ("display_name", "Ugo"),
                ("password", "corta"),
                ("accept_privacy", "si"),
            ],
            "password",
            "TooShort",
        ),
        (
            vec![
                ("email", "u@example.it"),
                ("display_name", "Ugo"),
                ("password", "password123"),
                ("accept_privacy", "si"),
            ],
            "password",
            "TooCommon",
        ),
        (
            vec![
                ("email", "u@example.it"),
                ("display_name", "Ugo"),
                ("password", PASSWORD),
            ],
            "accept_privacy",
            "NotConfirmed",
        ),
    ];
    for (fields, field, problem) in cases {
        let answer = app.post_form("/api/account/register", &fields, None).await;
        assert_eq!(answer.status, StatusCode::FOUND, "{field}");
        let error = answer.form_error().expect("the error travels back");
        assert_eq!(error["InvalidInput"]["field"], field, "{error}");
        assert!(
            error["InvalidInput"]["problem"]
                .to_string()
                .contains(problem),
            "{error}"
        );
    }
    // Wrong types and missing fields: 400, not 500.
    let answer = app
        .post_form("/api/account/register", &[("email", "a@b.it")], None)
        .await;
    assert_ne!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        user::Entity::find()
            .filter(user::Column::Email.eq("u@example.it"))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn wrong_passwords_look_alike_and_are_rate_limited() {
    let app = spawn_app().await;
    let wrong = |email: &'static str| {
        let app = &app;
        async move {
            app.post_form(
                "/api/account/sign-in",
                &[("email", email), ("password", "sbagliata-davvero")],
                None,
            )
            .await
            .form_error()
            .unwrap()
        }
    };
    // Unknown account and wrong password: the same answer.
    assert_eq!(
        wrong("nessuno@example.it").await,
        serde_json::json!("SignInFailed")
    );
    assert_eq!(
        wrong("citizen@demo.piazza.invalid").await,
        serde_json::json!("SignInFailed")
    );
    for _ in 0..4 {
        wrong("citizen@demo.piazza.invalid").await;
    }
    let limited = wrong("citizen@demo.piazza.invalid").await;
    assert!(
        limited["RateLimited"]["retry_after_secs"].as_u64().unwrap() > 0,
        "{limited}"
    );
    // Even the right password waits now.
    let right = app
        .post_form(
            "/api/account/sign-in",
            &[
                ("email", "citizen@demo.piazza.invalid"),
                ("password", shared::model::accounts::DEMO_PASSWORD),
            ],
            None,
        )
        .await;
    assert!(right.form_error().unwrap().get("RateLimited").is_some());
    // Another account from another address is unaffected.
    sign_in_demo(&app, "citizen-2@demo.piazza.invalid").await;
}

#[tokio::test]
async fn sign_in_failures_are_limited_per_address_too() {
    let app = spawn_app().await;
    for n in 0..30 {
        let email = format!("persona{n}@example.it");
        app.post_form_from(
            "/api/account/sign-in",
            &[("email", &email), ("password", "sbagliata-davvero")],
            None,
            [10, 9, 9, 9],
        )
        .await;
    }
    let answer = app
        .post_form_from(
            "/api/account/sign-in",
            &[
                ("email", "citizen@demo.piazza.invalid"),
                ("password", shared::model::accounts::DEMO_PASSWORD),
            ],
            None,
            [10, 9, 9, 9],
        )
        .await;
    assert!(answer.form_error().unwrap().get("RateLimited").is_some());
    // The JSON answer of the same call is a 429.
    assert_eq!(answer.status, StatusCode::FOUND);
}

#[tokio::test]
async fn password_reset_through_the_outbox_ends_every_session() {
    let app = spawn_app().await;
    let email = "citizen@demo.piazza.invalid";
    let old_session = sign_in_demo(&app, email).await;
    let asked = app
        .post_form("/api/account/forgot", &[("email", email)], None)
        .await;
    assert_eq!(asked.location(), "/password-dimenticata?esito=inviata");
    // Unknown addresses get the same answer and no email.
    let unknown = app
        .post_form(
            "/api/account/forgot",
            &[("email", "nessuno@example.it")],
            None,
        )
        .await;
    assert_eq!(unknown.location(), asked.location());
    assert!(last_mail_to(&app.db, "nessuno@example.it").await.is_none());

    let (_, body) = last_mail_to(&app.db, email).await.unwrap();
    let token = token_in(&body);
    let weak = app
        .post_form(
            "/api/account/reset",
            &[("token", &token), ("new_password", "1234567890")],
            None,
        )
        .await;
    assert!(
        weak.form_error().unwrap()["InvalidInput"]["problem"]
            .to_string()
            .contains("TooCommon")
    );
    let done = app
        .post_form(
            "/api/account/reset",
            &[("token", &token), ("new_password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(done.location(), "/accedi?esito=password-reimpostata");
    // The old session is gone; the old password no longer works; the new one does.
    assert!(
        app.get_as("/profilo", &old_session)
            .await
            .location()
            .starts_with("/accedi")
    );
    let with_new = app
        .post_form(
            "/api/account/sign-in",
            &[("email", email), ("password", PASSWORD)],
            None,
        )
        .await;
    assert!(with_new.session_cookie().is_some());
    // A used token fails.
    let reused = app
        .post_form(
            "/api/account/reset",
            &[
                ("token", &token),
                ("new_password", "un'altra frase lunga 42"),
            ],
            None,
        )
        .await;
    assert_eq!(
        reused.form_error().unwrap(),
        serde_json::json!("TokenInvalid")
    );
}

#[tokio::test]
async fn expired_reset_links_are_refused() {
    let app = spawn_app().await;
    let email = "citizen-2@demo.piazza.invalid";
    app.post_form("/api/account/forgot", &[("email", email)], None)
        .await;
    let (_, body) = last_mail_to(&app.db, email).await.unwrap();
    // Two hours later (links last one).
    use sea_orm::sea_query::Expr;
    use shared::service::entity::account_token;
    account_token::Entity::update_many()
        .col_expr(
            account_token::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::hours(1)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let answer = app
        .post_form(
            "/api/account/reset",
            &[("token", &token_in(&body)), ("new_password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(
        answer.form_error().unwrap(),
        serde_json::json!("TokenInvalid")
    );
}

#[tokio::test]
async fn signing_out_everywhere_revokes_every_session() {
    let app = spawn_app().await;
    let email = "verified@demo.piazza.invalid";
    let first = sign_in_demo(&app, email).await;
    let second = sign_in_demo(&app, email).await;
    assert_eq!(app.get_as("/profilo", &first).await.status, StatusCode::OK);
    let answer = app
        .post_form("/api/account/sign-out-everywhere", &[], Some(&second))
        .await;
    assert_eq!(answer.location(), "/accedi?esito=uscita-ovunque");
    for cookie in [&first, &second] {
        let page = app.get_as("/profilo", cookie).await;
        assert!(page.location().starts_with("/accedi"), "{}", page.status);
    }
}

#[tokio::test]
async fn signing_in_again_rotates_the_session() {
    let app = spawn_app().await;
    let email = "citizen@demo.piazza.invalid";
    let before = sign_in_demo(&app, email).await;
    let answer = app
        .post_form(
            "/api/account/sign-in",
            &[
                ("email", email),
                ("password", shared::model::accounts::DEMO_PASSWORD),
            ],
            Some(&before),
        )
        .await;
    let after = answer.session_cookie().unwrap();
    assert_ne!(before, after);
    assert!(
        app.get_as("/profilo", &before)
            .await
            .location()
            .starts_with("/accedi")
    );
    assert_eq!(app.get_as("/profilo", &after).await.status, StatusCode::OK);
}

#[tokio::test]
async fn census_codes_verify_residence_once() {
    let app = spawn_app().await;
    let admin = Ctx::new(app.db.clone(), Actor::System);
    // Loaded by an administrator (the upload route is tested in `admin`); here through the service.
    let cookie = sign_in_demo(&app, "admin@demo.piazza.invalid").await;
    let upload = app
        .send(
            multipart_upload("codice\nABC-123-XYZ\nrssmra80a01h501u\n!!\n", &cookie),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(upload.status, StatusCode::SEE_OTHER);
    assert!(
        upload.location().contains("aggiunti=2"),
        "{}",
        upload.location()
    );
    assert!(
        upload.location().contains("non_validi=1"),
        "{}",
        upload.location()
    );
    let _ = admin;

    let citizen = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let wrong = app
        .post_form(
            "/api/account/residence",
            &[("code", "NONESISTE1")],
            Some(&citizen),
        )
        .await;
    assert!(
        wrong.form_error().unwrap()["InvalidInput"]["problem"]
            .to_string()
            .contains("NotRecognized")
    );
    let ok = app
        .post_form(
            "/api/account/residence",
            &[("code", "abc 123 xyz")],
            Some(&citizen),
        )
        .await;
    assert_eq!(ok.location(), "/profilo?esito=residenza-verificata");
    let profile = app.get_as("/profilo", &citizen).await;
    assert!(
        profile.body.contains("Residente verificato"),
        "role shown on the profile"
    );

    // The same code, by someone else: refused exactly like an unknown one.
    let other = sign_in_demo(&app, "citizen-2@demo.piazza.invalid").await;
    let reused = app
        .post_form(
            "/api/account/residence",
            &[("code", "ABC123XYZ")],
            Some(&other),
        )
        .await;
    assert!(
        reused.form_error().unwrap()["InvalidInput"]["problem"]
            .to_string()
            .contains("NotRecognized")
    );
    assert_eq!(residence::METHOD_CENSUS_CODE, "census_code");
}

/// A multipart census upload as the admin page's form sends it.
pub fn multipart_upload(csv: &str, cookie: &str) -> http::Request<axum::body::Body> {
    let boundary = "----piazzatest";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"anagrafe.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    http::Request::post("/amministrazione/residenza")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("origin", crate::helpers::ORIGIN)
        .header("cookie", cookie)
        .body(axum::body::Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn people_download_and_delete_their_data() {
    let app = spawn_app().await;
    let email = "citizen@demo.piazza.invalid";
    let person = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let written = proposal::Entity::find()
        .filter(proposal::Column::AuthorId.eq(person.id))
        .count(&app.db)
        .await
        .unwrap();
    let supported = support::Entity::find()
        .filter(support::Column::UserId.eq(person.id))
        .count(&app.db)
        .await
        .unwrap();
    let supports_before = support::Entity::find().count(&app.db).await.unwrap();
    let cookie = sign_in_demo(&app, email).await;

    let export = app.get_as("/profilo/dati", &cookie).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        export
            .headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let data: serde_json::Value = serde_json::from_str(&export.body).unwrap();
    assert_eq!(data["account"]["email"], email);
    assert_eq!(data["proposals"].as_array().unwrap().len() as u64, written);
    assert_eq!(data["supports"].as_array().unwrap().len() as u64, supported);
    assert!(
        app.get("/profilo/dati")
            .await
            .location()
            .starts_with("/accedi")
    );

    let unconfirmed = app
        .post_form(
            "/api/account/delete",
            &[
                ("password", shared::model::accounts::DEMO_PASSWORD),
                ("confirmation", "forse"),
            ],
            Some(&cookie),
        )
        .await;
    assert!(unconfirmed.form_error().unwrap()["InvalidInput"]["field"] == "confirmation");
    let deleted = app
        .post_form(
            "/api/account/delete",
            &[
                ("password", shared::model::accounts::DEMO_PASSWORD),
                ("confirmation", "ELIMINA"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(deleted.location(), "/?esito=account-eliminato");
    assert!(
        user::Entity::find_by_id(person.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    // Contributions stay, linked to no one; supports stay counted.
    assert_eq!(
        support::Entity::find().count(&app.db).await.unwrap(),
        supports_before
    );
    assert_eq!(
        support::Entity::find()
            .filter(support::Column::UserId.eq(person.id))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert!(
        proposal::Entity::find()
            .filter(proposal::Column::AuthorId.is_null())
            .count(&app.db)
            .await
            .unwrap()
            >= written
    );
    assert!(
        app.get_as("/profilo", &cookie)
            .await
            .location()
            .starts_with("/accedi")
    );
    let signin = app
        .post_form(
            "/api/account/sign-in",
            &[
                ("email", email),
                ("password", shared::model::accounts::DEMO_PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(
        signin.form_error().unwrap(),
        serde_json::json!("SignInFailed")
    );
}
