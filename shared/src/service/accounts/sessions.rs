//! Sessions stored in the database, so several server processes share them.
//! The browser holds a random token; the table holds only its SHA-256.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use crate::model::{Role, RoleGrant};
use crate::service::common::context::Person;
use crate::service::entity::{role_assignment, session, user};
use crate::service::{Db, ServiceError, common::secrets};

/// How long a session lasts without being used.
pub const IDLE_DAYS: i64 = 30;

/// A session just started: the token goes in the cookie, once.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// A valid session and the person it belongs to.
#[derive(Clone, Debug)]
pub struct ResolvedSession {
    pub person: Person,
    /// Set when the session was extended: the cookie should be renewed until then.
    pub renewed_until: Option<DateTime<Utc>>,
}

/// Starts a session for `user_id`.
pub(crate) async fn start(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    user_agent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<NewSession, ServiceError> {
    let (token, token_hash) = secrets::new_token()?;
    let expires_at = now + Duration::days(IDLE_DAYS);
    session::Entity::insert(session::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        token_hash: Set(token_hash),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
        user_agent: Set(user_agent.map(|ua| ua.chars().take(200).collect())),
    })
    .exec_without_returning(db)
    .await?;
    Ok(NewSession { token, expires_at })
}

/// Ends the session whose cookie holds `token` (if it exists).
pub(crate) async fn end_by_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<(), ServiceError> {
    session::Entity::delete_many()
        .filter(session::Column::TokenHash.eq(secrets::sha256_hex(token)))
        .exec(db)
        .await?;
    Ok(())
}

/// The person behind a session cookie, if the session is valid. A session
/// used after more than a day is extended (and its cookie renewed).
pub async fn resolve(
    db: &Db,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<ResolvedSession>, ServiceError> {
    if token.len() != 43 {
        return Ok(None);
    }
    let Some(found) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(secrets::sha256_hex(token)))
        .filter(session::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(person) = user::Entity::find_by_id(found.user_id).one(db).await? else {
        return Ok(None);
    };
    let renewed_until = if found.last_seen_at < now - Duration::days(1) {
        let until = now + Duration::days(IDLE_DAYS);
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .col_expr(session::Column::ExpiresAt, Expr::value(until))
            .filter(session::Column::Id.eq(found.id))
            .exec(db)
            .await?;
        Some(until)
    } else {
        None
    };
    Ok(Some(ResolvedSession {
        person: Person {
            id: person.id,
            display_name: person.display_name,
            is_demo: person.is_demo,
            grants: grants_of(db, person.id).await?,
            session_id: Some(found.id),
        },
        renewed_until,
    }))
}

/// The roles `user_id` holds.
pub(crate) async fn grants_of(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<RoleGrant>, ServiceError> {
    Ok(role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(RoleGrant {
                role: Role::parse(&r.role)?,
                process_id: r.process_id,
                platform_id: r.platform_id,
            })
        })
        .collect())
}

/// Removes expired sessions (run now and then by the server).
pub async fn purge_expired(db: &Db, now: DateTime<Utc>) -> Result<u64, ServiceError> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Asks a signed-in person for their password again before something a
/// stolen session must not do alone (a write token, a new password). Wrong
/// answers are limited (each taken before the check, given back if right).
pub async fn confirm_password(
    db: &Db,
    user_id: Uuid,
    password: &str,
    field: &'static str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    use crate::service::common::rate_limit::REAUTH_PER_ACCOUNT;
    if password.is_empty() {
        return Err(ServiceError::field(
            field,
            crate::model::common::FieldProblem::Empty,
        ));
    }
    let account = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    let key = user_id.to_string();
    let attempt = REAUTH_PER_ACCOUNT.reserve(db, &key, now).await?;
    if !secrets::verify_password(password, account.password_hash.as_deref()).await? {
        return Err(ServiceError::field(
            field,
            crate::model::common::FieldProblem::NotRecognized,
        ));
    }
    REAUTH_PER_ACCOUNT.release(db, attempt).await?;
    Ok(())
}
