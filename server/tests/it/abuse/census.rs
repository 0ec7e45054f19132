//! Census codes: a copy of the table reveals no fiscal code (keyed digests,
//! the key outside the database), and one person cannot guess through many
//! accounts.

use sea_orm::{ActiveValue::Set, EntityTrait, QuerySelect};
use shared::service::accounts::residence::KEYED_PREFIX;
use shared::service::common::secrets::sha256_hex;
use shared::service::entity::census_code;
use shared::service::{Actor, Ctx};
use shared::testing::{email_of, fresh_person, with_password};

use crate::accounts::multipart_upload;
use crate::helpers::{TestApp, sign_in_demo, spawn_app};

const FISCAL_CODE: &str = "RSSMRA80A01H501U";
const LEGACY_CODE: &str = "VRDLGU75B02F205X";

async fn stored_digests(app: &TestApp) -> Vec<String> {
    census_code::Entity::find()
        .select_only()
        .column(census_code::Column::CodeHash)
        .into_tuple()
        .all(&app.db)
        .await
        .unwrap()
}

async fn redeem(app: &TestApp, cookie: &str, code: &str, ip: [u8; 4]) -> crate::helpers::Answer {
    app.post_form_from(
        "/api/account/residence",
        &[("code", code)],
        Some(cookie),
        ip,
    )
    .await
}

#[tokio::test]
async fn a_stolen_census_table_reveals_no_fiscal_code() {
    let app = spawn_app().await;
    let admin = sign_in_demo(&app, "admin@demo.piazza.invalid").await;
    let upload = app
        .send(
            multipart_upload(&format!("codice_fiscale\n{FISCAL_CODE}\n"), &admin),
            [10, 0, 0, 1],
        )
        .await;
    assert!(
        upload.location().contains("aggiunti=1"),
        "{}",
        upload.location()
    );
    // A row loaded before keying (a plain SHA-256), as an upgraded instance has.
    census_code::Entity::insert(census_code::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        code_hash: Set(sha256_hex(LEGACY_CODE)),
        batch_id: Set(uuid::Uuid::now_v7()),
        created_at: Set(chrono::Utc::now()),
        used_at: Set(None),
        used_by: Set(None),
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();

    // What an attacker with the table would try: hashing every fiscal code.
    let stored = stored_digests(&app).await;
    assert!(stored.contains(&sha256_hex(LEGACY_CODE)));
    let keyed: Vec<&String> = stored
        .iter()
        .filter(|d| d.starts_with(KEYED_PREFIX))
        .collect();
    assert_eq!(keyed.len(), 1, "{stored:?}");
    assert!(
        !stored.contains(&sha256_hex(FISCAL_CODE)),
        "a plain hash is reversible"
    );
    assert!(stored.iter().all(|d| !d.contains(&sha256_hex(FISCAL_CODE))));

    // The next start keys the legacy row in place; both codes still work.
    let report = shared::service::seed::upgrade::backfill(&Ctx::new(app.db.clone(), Actor::System))
        .await
        .unwrap();
    assert_eq!(report.census_codes_keyed, 1);
    let stored = stored_digests(&app).await;
    assert!(
        stored.iter().all(|d| d.starts_with(KEYED_PREFIX)),
        "{stored:?}"
    );
    assert!(!stored.contains(&sha256_hex(LEGACY_CODE)));
    for (who, code) in [
        ("citizen@demo.piazza.invalid", FISCAL_CODE),
        ("citizen-2@demo.piazza.invalid", LEGACY_CODE),
    ] {
        let cookie = sign_in_demo(&app, who).await;
        let ok = redeem(&app, &cookie, code, [10, 0, 0, 1]).await;
        assert_eq!(
            ok.location(),
            "/profilo?esito=residenza-verificata",
            "{who}"
        );
    }
}

#[tokio::test]
async fn one_address_cannot_guess_codes_through_many_accounts() {
    let app = spawn_app().await;
    let mut cookies = Vec::new();
    for n in 0..4 {
        let who = fresh_person(&app, &format!("Indovino {n}")).await;
        with_password(&app, &who).await;
        cookies.push(sign_in_demo(&app, &email_of(who.id)).await);
    }
    // Each account stays under its own limit (10 an hour); together they
    // reach the address's (30 an hour).
    let mut refused_for_address = 0;
    for attempt in 0..32 {
        let cookie = &cookies[attempt % cookies.len()];
        let answer = redeem(
            &app,
            cookie,
            &format!("TENT{attempt:04}XX"),
            [198, 51, 100, 9],
        )
        .await;
        let error = answer.form_error().expect("refused");
        if error.get("RateLimited").is_some() {
            refused_for_address += 1;
        } else {
            assert!(error.to_string().contains("NotRecognized"), "{error}");
        }
    }
    assert_eq!(
        refused_for_address, 2,
        "the 31st and 32nd guesses are refused"
    );
    // Another address, another account: not affected.
    let answer = redeem(&app, &cookies[0], "ALTRO0001", [198, 51, 100, 10]).await;
    assert!(
        answer
            .form_error()
            .unwrap()
            .to_string()
            .contains("NotRecognized")
    );
}
