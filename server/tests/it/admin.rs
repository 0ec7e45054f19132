//! Administration through the real router: roles with their log, the
//! outbox, editable pages, and refusals for everyone else.

use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::service::entity::{audit_entry, platform, role_assignment, user};

use crate::helpers::{last_mail_to, sign_in_demo, spawn_app, token_in};

#[tokio::test]
async fn an_admin_assigns_and_removes_a_facilitator_role_and_the_log_says_so() {
    let app = spawn_app().await;
    let admin = sign_in_demo(&app, "admin@demo.piazza.invalid").await;
    let person = user::Entity::find()
        .filter(user::Column::Email.eq("citizen-2@demo.piazza.invalid"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let platform = platform::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let scope = format!("piattaforma:{}", platform.id);
    let answer = app
        .post_form(
            "/api/admin/roles/assign",
            &[
                ("user_id", &person.id.to_string()),
                ("role", "facilitator"),
                ("scope", &scope),
                ("torna", "/amministrazione/utenti"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(
        answer.location(),
        "/amministrazione/utenti?esito=ruolo-assegnato"
    );
    let granted = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(person.id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(granted.platform_id, Some(platform.id));
    assert_eq!(granted.process_id, Some(platform.process_id));
    // The same role twice is refused by field.
    let twice = app
        .post_form(
            "/api/admin/roles/assign",
            &[
                ("user_id", &person.id.to_string()),
                ("role", "facilitator"),
                ("scope", &scope),
            ],
            Some(&admin),
        )
        .await;
    assert!(
        twice.form_error().unwrap()["InvalidInput"]["problem"]
            .to_string()
            .contains("AlreadyPresent")
    );
    // A facilitator needs a scope.
    let unscoped = app
        .post_form(
            "/api/admin/roles/assign",
            &[
                ("user_id", &person.id.to_string()),
                ("role", "facilitator"),
                ("scope", ""),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(
        unscoped.form_error().unwrap()["InvalidInput"]["field"],
        "scope"
    );

    let page = app
        .get_as("/amministrazione/utenti?q=citizen-2", &admin)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&platform.title));

    let removed = app
        .post_form(
            "/api/admin/roles/revoke",
            &[("assignment_id", &granted.id.to_string())],
            Some(&admin),
        )
        .await;
    assert_eq!(
        removed.location(),
        "/amministrazione/utenti?esito=ruolo-tolto"
    );
    let log = audit_entry::Entity::find()
        .filter(audit_entry::Column::SubjectUserId.eq(person.id))
        .all(&app.db)
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["role_assigned", "role_revoked"]);
    assert!(
        log.iter()
            .all(|e| e.actor_label.contains("Amministr") || e.actor_id.is_some())
    );
    let log_page = app.get_as("/amministrazione/registro", &admin).await;
    assert!(log_page.body.contains("Ruolo assegnato") && log_page.body.contains("Ruolo tolto"));
}

#[tokio::test]
async fn the_last_administrator_cannot_be_removed() {
    let app = spawn_app().await;
    let admin = sign_in_demo(&app, "admin@demo.piazza.invalid").await;
    let only = role_assignment::Entity::find()
        .filter(role_assignment::Column::Role.eq("admin"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(only.len(), 1);
    let answer = app
        .post_form(
            "/api/admin/roles/revoke",
            &[("assignment_id", &only[0].id.to_string())],
            Some(&admin),
        )
        .await;
    assert!(
        answer.form_error().unwrap()["InvalidInput"]["problem"]
            .to_string()
            .contains("LastAdmin")
    );
}

#[tokio::test]
async fn nobody_else_reaches_the_administration() {
    let app = spawn_app().await;
    let person = user::Entity::find().one(&app.db).await.unwrap().unwrap();
    for email in [
        "citizen@demo.piazza.invalid",
        "facilitator@demo.piazza.invalid",
        "council@demo.piazza.invalid",
        "staff@demo.piazza.invalid",
    ] {
        let cookie = sign_in_demo(&app, email).await;
        for page in [
            "/amministrazione/utenti",
            "/amministrazione/registro",
            "/amministrazione/posta",
            "/amministrazione/residenza",
            "/amministrazione/pagine/privacy",
        ] {
            assert_eq!(
                app.get_as(page, &cookie).await.status,
                StatusCode::FORBIDDEN,
                "{email} {page}"
            );
        }
        let answer = app
            .post_form(
                "/api/admin/roles/assign",
                &[
                    ("user_id", &person.id.to_string()),
                    ("role", "admin"),
                    ("scope", ""),
                ],
                Some(&cookie),
            )
            .await;
        assert_eq!(
            answer.form_error().unwrap(),
            serde_json::json!("Forbidden"),
            "{email}"
        );
    }
    // Anonymous people are sent to sign in.
    let anonymous = app.get("/amministrazione/utenti").await;
    assert!(
        anonymous.location().starts_with("/accedi?torna="),
        "{}",
        anonymous.status
    );
    assert!(
        role_assignment::Entity::find()
            .filter(role_assignment::Column::UserId.eq(person.id))
            .filter(role_assignment::Column::Role.eq("admin"))
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
            || person.email.as_deref() == Some("admin@demo.piazza.invalid")
    );
}

#[tokio::test]
async fn the_outbox_shows_every_email() {
    let app = spawn_app().await;
    app.post_form(
        "/api/account/forgot",
        &[("email", "verified@demo.piazza.invalid")],
        None,
    )
    .await;
    let admin = sign_in_demo(&app, "admin@demo.piazza.invalid").await;
    let page = app.get_as("/amministrazione/posta", &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("verified@demo.piazza.invalid"));
    // The email shows, its one-time link does not: a reset link is the account.
    assert!(page.body.contains("/reimposta-password?token=[nascosto]"));
    let (_, stored) = last_mail_to(&app.db, "verified@demo.piazza.invalid")
        .await
        .unwrap();
    let token = token_in(&stored);
    assert!(token.len() > 20);
    assert!(
        !page.body.contains(&token),
        "the outbox shows a live reset link"
    );

    // Delivered (here to the log, as without SMTP), the stored copy loses it too.
    let system = shared::service::Ctx::new(app.db.clone(), shared::service::Actor::System);
    let transport = server::mailer::LogOnly { console: false };
    assert!(
        shared::service::common::outbox::deliver_pending(&system, &transport, 50)
            .await
            .unwrap()
            >= 1
    );
    let (_, kept) = last_mail_to(&app.db, "verified@demo.piazza.invalid")
        .await
        .unwrap();
    assert!(kept.contains("/reimposta-password?token=[nascosto]"));
    assert!(!kept.contains(&token));
}

#[tokio::test]
async fn an_admin_edits_the_privacy_notice_in_markdown() {
    let app = spawn_app().await;
    let admin = sign_in_demo(&app, "admin@demo.piazza.invalid").await;
    let answer = app
        .post_form(
            "/api/pages/update",
            &[
                ("slug", "privacy"),
                ("locale", "it"),
                (
                    "body",
                    "## Titolare\n\nIl **Comune di Prova**.<script>alert(1)</script>",
                ),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(
        answer.location(),
        "/amministrazione/pagine/privacy?lingua=it&esito=salvata"
    );
    let page = app.page("/privacy").await;
    assert!(page.contains("<strong>Comune di Prova</strong>"));
    assert!(!page.contains("<script>alert(1)"), "Markdown is sanitized");
    // Unknown pages do not exist; empty text restores the built-in notice.
    let unknown = app
        .post_form(
            "/api/pages/update",
            &[("slug", "chi-siamo"), ("locale", "it"), ("body", "x")],
            Some(&admin),
        )
        .await;
    assert_eq!(unknown.form_error().unwrap(), serde_json::json!("NotFound"));
    app.post_form(
        "/api/pages/update",
        &[("slug", "privacy"), ("locale", "it"), ("body", "")],
        Some(&admin),
    )
    .await;
    assert!(
        app.page("/privacy")
            .await
            .contains("Regolamento (UE) 2016/679")
    );
}

#[tokio::test]
async fn a_process_facilitator_sets_the_residence_requirements() {
    let app = spawn_app().await;
    let platform_only = sign_in_demo(
        &app,
        "facilitator-alessandria-universita@demo.piazza.invalid",
    )
    .await;
    let refused = app
        .post_form(
            "/api/processes/requirements",
            &[
                ("process", "piano-strategico-alessandria-2030"),
                ("verified_to_support", "si"),
            ],
            Some(&platform_only),
        )
        .await;
    assert_eq!(
        refused.form_error().unwrap(),
        serde_json::json!("Forbidden")
    );
    let whole = sign_in_demo(&app, "facilitator@demo.piazza.invalid").await;
    let saved = app
        .post_form(
            "/api/processes/requirements",
            &[
                ("process", "piano-strategico-alessandria-2030"),
                ("verified_to_support", "si"),
            ],
            Some(&whole),
        )
        .await;
    assert_eq!(
        saved.location(),
        "/processi/piano-strategico-alessandria-2030?esito=requisiti-salvati"
    );
    let page = app
        .page("/processi/piano-strategico-alessandria-2030")
        .await;
    assert!(page.contains("Per sostenere le proposte serve la residenza verificata."));
}

#[tokio::test]
async fn removing_the_verified_role_removes_the_residence_proof() {
    let app = spawn_app().await;
    let admin = sign_in_demo(&app, "admin@demo.piazza.invalid").await;
    app.send(
        crate::accounts::multipart_upload("codice\nRESIDENTE01\n", &admin),
        [10, 0, 0, 1],
    )
    .await;
    let citizen = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let verified = app
        .post_form(
            "/api/account/residence",
            &[("code", "RESIDENTE01")],
            Some(&citizen),
        )
        .await;
    assert_eq!(verified.location(), "/profilo?esito=residenza-verificata");
    assert!(
        app.get_as("/profilo", &citizen)
            .await
            .body
            .contains("Residenza verificata il")
    );

    let person = user::Entity::find()
        .filter(user::Column::Email.eq("citizen@demo.piazza.invalid"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let role = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(person.id))
        .filter(role_assignment::Column::Role.eq("verified"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the code granted the verified role");
    app.post_form(
        "/api/admin/roles/revoke",
        &[("assignment_id", &role.id.to_string())],
        Some(&admin),
    )
    .await;
    let profile = app.get_as("/profilo", &citizen).await.body;
    assert!(!profile.contains("Residenza verificata il"));
    assert!(
        profile.contains("Verifica la residenza"),
        "the form is offered again"
    );
}
