//! What tests read and make, over any test database: the service context
//! of a person, demo personas, fresh people, counts, rows, and what a
//! refused or invalid operation must look like.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement, Value,
};

use chrono::Utc;
use sea_orm::{ActiveValue::Set, PaginatorTrait, QueryOrder};
use uuid::Uuid;

use crate::model::participation::CommentDto;
use crate::model::{ProposalState, Role, RoleGrant};
use crate::service::entity::{proposal, role_assignment, support, user};
use crate::service::{Actor, Ctx, Db, Person};

use super::test_db::TestDatabase;

pub const ALESSANDRIA: &str = "piano-strategico-alessandria-2030";
pub const BODY: &str = "Un testo che supera senz'altro i trenta caratteri richiesti.";
pub const MILANO: &str = "piano-strategico-metropolitano-milano";
pub const PINEROLO: &str = "agenda-digitale-pinerolo";

/// The newest email to `recipient` in the outbox: (subject, body).
pub async fn last_mail_to(db: &Db, recipient: &str) -> Option<(String, String)> {
    use crate::service::entity::outbox_message;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq(recipient))
        .order_by_desc(outbox_message::Column::Id)
        .one(db)
        .await
        .expect("outbox reads")
        .map(|m| (m.subject, m.body))
}

/// The token in a link of an email body (`…?token=XYZ`).
pub fn token_in(body: &str) -> String {
    body.split("token=")
        .nth(1)
        .expect("a link with a token")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The address a person made by [`fresh_person`] has.
pub fn email_of(id: uuid::Uuid) -> String {
    format!("{}@example.it", id.simple())
}

/// A new person with a confirmed address, no roles and no password.
pub async fn fresh_person(app: &impl TestDatabase, name: &str) -> crate::service::Person {
    use crate::service::entity::user;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let id = uuid::Uuid::now_v7();
    user::Entity::insert(user::ActiveModel {
        id: Set(id),
        email: Set(Some(email_of(id))),
        display_name: Set(name.to_owned()),
        is_demo: Set(false),
        created_at: Set(chrono::Utc::now()),
        password_hash: Set(None),
        email_confirmed_at: Set(Some(chrono::Utc::now())),
        email_digest: Set(false),
        ..Default::default()
    })
    .exec_without_returning(app.db())
    .await
    .unwrap();
    crate::service::Person {
        id,
        display_name: name.to_owned(),
        is_demo: false,
        grants: Vec::new(),
        session_id: None,
    }
}

/// A new person like [`fresh_person`] whose account is a month old (so
/// their reports count toward hiding content).
pub async fn trusted_person(app: &impl TestDatabase, name: &str) -> Person {
    use sea_orm::sea_query::Expr;
    let who = fresh_person(app, name).await;
    user::Entity::update_many()
        .col_expr(
            user::Column::CreatedAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::days(30)),
        )
        .filter(user::Column::Id.eq(who.id))
        .exec(app.db())
        .await
        .expect("account dated");
    who
}

/// The service context of `who`.
pub fn ctx(app: &impl TestDatabase, who: &crate::service::Person) -> Ctx {
    Ctx::new(app.db().clone(), Actor::Person(who.clone()))
}

/// The service context of someone not signed in.
pub fn anonymous(app: &impl TestDatabase) -> Ctx {
    Ctx::new(app.db().clone(), Actor::Anonymous)
}

/// A demo persona as the services see them: the user row and its roles.
pub async fn person(app: &impl TestDatabase, email: &str) -> Person {
    let row = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(app.db())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{email} exists"));
    let grants = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(row.id))
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| {
            Some(RoleGrant {
                role: Role::parse(&r.role)?,
                process_id: r.process_id,
                platform_id: r.platform_id,
            })
        })
        .collect();
    Person {
        id: row.id,
        display_name: row.display_name,
        is_demo: row.is_demo,
        grants,
        session_id: None,
    }
}

/// A raw statement with `?` placeholders, numbered for PostgreSQL.
pub fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    crate::service::common::db::statement(backend, sql, values)
}

/// A single number computed by the database.
pub async fn count_sql(app: &impl TestDatabase, sql: &str, values: Vec<Value>) -> i64 {
    let backend = app.db().get_database_backend();
    let row = app
        .db()
        .query_one_raw(statement(backend, sql, values))
        .await
        .unwrap()
        .expect("one row");
    row.try_get_by_index::<i64>(0).unwrap()
}

/// The field and problem of an operation that must fail on its input.
#[track_caller]
pub fn field_of<T: std::fmt::Debug>(
    result: Result<T, crate::service::ServiceError>,
) -> (String, crate::model::common::FieldProblem) {
    match result {
        Err(crate::service::ServiceError::InvalidInput { field, problem }) => (field, problem),
        other => panic!("expected a field error, got {other:?}"),
    }
}

/// The refusal of an operation that must be refused.
#[track_caller]
pub fn refusal<T: std::fmt::Debug>(
    result: Result<T, crate::service::ServiceError>,
) -> crate::model::common::Refusal {
    match result {
        Err(crate::service::ServiceError::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// `Forbidden` for a signed-in person, `Unauthenticated` for nobody.
#[track_caller]
pub fn denied<T: std::fmt::Debug>(
    result: Result<T, crate::service::ServiceError>,
    signed_in: bool,
    what: &str,
) {
    use crate::service::ServiceError;
    match (result, signed_in) {
        (Err(ServiceError::Forbidden), true) | (Err(ServiceError::Unauthenticated), false) => {}
        (other, _) => panic!(
            "{what}: expected {}, got {other:?}",
            if signed_in {
                "Forbidden"
            } else {
                "Unauthenticated"
            }
        ),
    }
}

/// The process with this slug (it must exist).
pub async fn process_row(
    app: &impl TestDatabase,
    slug: &str,
) -> crate::service::entity::process::Model {
    use crate::service::entity::process;
    process::Entity::find()
        .filter(process::Column::Slug.eq(slug))
        .one(app.db())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("process {slug}"))
}

/// The platform of a process, by their slugs (it must exist).
pub async fn platform_row(
    app: &impl TestDatabase,
    slug: &str,
    platform_slug: &str,
) -> crate::service::entity::platform::Model {
    use crate::service::entity::platform;
    let process = process_row(app, slug).await;
    platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(process.id))
        .filter(platform::Column::Slug.eq(platform_slug))
        .one(app.db())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("platform {platform_slug}"))
}

/// The stored proposal (it must exist).
pub async fn proposal_row(
    app: &impl TestDatabase,
    id: uuid::Uuid,
) -> crate::service::entity::proposal::Model {
    crate::service::entity::proposal::Entity::find_by_id(id)
        .one(app.db())
        .await
        .unwrap()
        .expect("the proposal exists")
}

/// Gives `who` the demo password (people made by [`fresh_person`] have
/// none) and returns it, for operations that ask for it again.
pub async fn with_password(app: &impl TestDatabase, who: &Person) -> &'static str {
    use sea_orm::sea_query::Expr;
    let password = crate::model::accounts::DEMO_PASSWORD;
    let parsed = crate::model::accounts::NewPassword::parse(password).expect("a valid password");
    let hash = crate::service::common::secrets::hash_password(&parsed)
        .await
        .expect("hashed");
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(Some(hash)))
        .filter(user::Column::Id.eq(who.id))
        .exec(app.db())
        .await
        .expect("password stored");
    password
}

/// Every comment of a page of threads, depth first.
pub fn flatten(threads: &[CommentDto]) -> Vec<&CommentDto> {
    let mut out = Vec::new();
    for c in threads {
        out.push(c);
        out.extend(flatten(&c.replies));
    }
    out
}

pub async fn supports_rows(app: &impl TestDatabase, proposal_id: Uuid) -> u64 {
    support::Entity::find()
        .filter(support::Column::ProposalId.eq(proposal_id))
        .count(app.db())
        .await
        .unwrap()
}

/// Published proposals of a platform, oldest id first.
pub async fn published_in(app: &impl TestDatabase, slug: &str, platform_slug: &str) -> Vec<Uuid> {
    let platform = platform_row(app, slug, platform_slug).await;
    proposal::Entity::find()
        .filter(proposal::Column::PlatformId.eq(platform.id))
        .filter(proposal::Column::State.eq(ProposalState::Published.as_str()))
        .order_by_asc(proposal::Column::Id)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect()
}

/// A new person holding `role` (scoped if given).
pub async fn with_role(
    app: &impl TestDatabase,
    name: &str,
    role: Role,
    process_id: Option<Uuid>,
    platform_id: Option<Uuid>,
) -> Person {
    let who = fresh_person(app, name).await;
    role_assignment::Entity::insert(role_assignment::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(who.id),
        role: Set(role.as_str().to_owned()),
        process_id: Set(process_id),
        platform_id: Set(platform_id),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(app.db())
    .await
    .unwrap();
    reload(app, &who).await
}

/// `who` with the roles the database holds now (as a new session sees them).
pub async fn reload(app: &impl TestDatabase, who: &Person) -> Person {
    let grants = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(who.id))
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|a| RoleGrant {
            role: Role::parse(&a.role).expect("a known role"),
            process_id: a.process_id,
            platform_id: a.platform_id,
        })
        .collect();
    Person {
        grants,
        ..who.clone()
    }
}

pub async fn process_facilitator(app: &impl TestDatabase, slug: &str, name: &str) -> Person {
    let process = process_row(app, slug).await;
    with_role(app, name, Role::Facilitator, Some(process.id), None).await
}
