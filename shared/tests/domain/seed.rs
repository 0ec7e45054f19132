//! Demo loading is idempotent; `create-admin` assigns the role once.

use sea_orm::{EntityTrait, PaginatorTrait};
use shared::model::accounts::{DisplayName, EmailAddress};
use shared::service::entity::{dup_mission, process, proposal, role_assignment, support, user};
use shared::service::{Actor, Ctx, ServiceError, accounts::account, seed::demo};
use shared::testing::*;

#[tokio::test]
async fn loading_the_demo_twice_duplicates_nothing() {
    let demo = demo_db().await;
    let before = counts(&demo.db).await;
    assert_eq!(before[1], 6, "six demo processes");
    assert_eq!(before[2], 139, "every demo proposal");
    let report = demo::load(&Ctx::new(demo.db.clone(), Actor::System))
        .await
        .unwrap();
    assert_eq!(
        (
            report.people_created,
            report.processes_created,
            report.processes_present
        ),
        (0, 0, 6)
    );
    assert_eq!(counts(&demo.db).await, before);
}

#[tokio::test]
async fn support_counts_match_the_support_rows() {
    let demo = demo_db().await;
    let proposals = proposal::Entity::find().all(&demo.db).await.unwrap();
    let total: i64 = proposals.iter().map(|p| i64::from(p.support_count)).sum();
    assert_eq!(
        total as u64,
        support::Entity::find().count(&demo.db).await.unwrap()
    );
}

#[tokio::test]
async fn only_the_system_loads_demo_data_or_creates_admins() {
    let demo = empty_db().await;
    let anonymous = Ctx::new(demo.db.clone(), Actor::Anonymous);
    assert!(matches!(
        demo::load(&anonymous).await,
        Err(ServiceError::Forbidden)
    ));
    let email = EmailAddress::parse("sindaca@comune.example.it").unwrap();
    let name = DisplayName::parse("Sindaca").unwrap();
    assert!(matches!(
        account::create_admin(&anonymous, &email, &name, "http://x").await,
        Err(ServiceError::Forbidden)
    ));
}

#[tokio::test]
async fn create_admin_is_idempotent() {
    let demo = empty_db().await;
    let system = Ctx::new(demo.db.clone(), Actor::System);
    let email = EmailAddress::parse("Segreteria@Comune.Example.it").unwrap();
    let name = DisplayName::parse("Segreteria generale").unwrap();
    let first = account::create_admin(&system, &email, &name, "https://piazza.example")
        .await
        .unwrap();
    assert!(first.created);
    let id = first.id;
    // No password yet: a one-time link to choose it.
    let link = first.set_password_link.expect("a set-password link");
    assert!(
        link.starts_with("https://piazza.example/reimposta-password?token="),
        "{link}"
    );
    let again = account::create_admin(&system, &email, &name, "https://piazza.example")
        .await
        .unwrap();
    assert_eq!((again.id, again.created), (id, false));
    assert_eq!(
        role_assignment::Entity::find()
            .count(&demo.db)
            .await
            .unwrap(),
        1
    );
    let person = user::Entity::find_by_id(id)
        .one(&demo.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        person.email.as_deref(),
        Some("segreteria@comune.example.it")
    );
}

#[tokio::test]
async fn every_instance_ships_the_23_dup_missions() {
    let demo = empty_db().await;
    let missions = dup_mission::Entity::find().all(&demo.db).await.unwrap();
    assert_eq!(missions.len(), 23);
    let mut technical: Vec<String> = missions
        .iter()
        .filter(|m| m.technical)
        .map(|m| m.code.clone())
        .collect();
    technical.sort();
    assert_eq!(technical, ["20", "50", "60", "99"]);
    let twelve = dup_mission::Entity::find_by_id("12".to_owned())
        .one(&demo.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(twelve.name, "Diritti sociali, politiche sociali e famiglia");
}

async fn counts(db: &shared::service::Db) -> [u64; 4] {
    [
        user::Entity::find().count(db).await.unwrap(),
        process::Entity::find().count(db).await.unwrap(),
        proposal::Entity::find().count(db).await.unwrap(),
        support::Entity::find().count(db).await.unwrap(),
    ]
}

/// The demo publishes its administrator's password: it never goes into a
/// database real people use, and says so.
#[tokio::test]
async fn demo_data_never_goes_into_a_database_of_real_people() {
    let db = empty_db().await;
    fresh_person(&db, "Una persona vera").await;
    let system = Ctx::new(db.db.clone(), Actor::System);
    assert_eq!(
        refusal(demo::load(&system).await),
        shared::model::common::Refusal::DemoOnRealData
    );
    assert_eq!(
        user::Entity::find().count(&db.db).await.unwrap(),
        1,
        "nothing was added"
    );
}
