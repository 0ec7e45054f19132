//! Personal access tokens for the REST API: created and revoked by their
//! owner, shown once, stored as SHA-256, scoped to reading or writing.
//! The API layer resolves a bearer token to the person and the scope, and
//! refuses writes to a read-only token before any service runs.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, sea_query::Expr};
use uuid::Uuid;

use crate::model::accounts::{MAX_TOKENS, NewToken, TokenDto, TokenInput, TokenScope};
use crate::model::common::Refusal;
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::common::context::Person;
use crate::service::common::db::begin_write;
use crate::service::entity::{api_token, user};
use crate::service::{Ctx, Db, ServiceError, accounts::sessions, common::audit, common::secrets};

/// Tokens start with this, so they are recognisable (in logs, in secret
/// scanners) and never mistaken for a session cookie.
pub const TOKEN_PREFIX: &str = "pzt_";
/// `last_used_at` is written at most this often per token.
const USE_RECORDED_EVERY_MINUTES: i64 = 5;

fn dto(t: api_token::Model) -> TokenDto {
    TokenDto {
        id: t.id,
        name: t.name,
        scope: TokenScope::parse(&t.scope).unwrap_or(TokenScope::Read),
        prefix: t.prefix,
        created_at: t.created_at,
        last_used_at: t.last_used_at,
    }
}

/// Creates a token for the signed-in person; the secret is returned once.
/// A write token acts in the person's name without their session, so it
/// takes their password again (`password`): a stolen session alone cannot
/// mint one.
pub async fn create(
    ctx: &Ctx,
    input: &TokenInput,
    password: &str,
) -> Result<NewToken, ServiceError> {
    authorize(ctx, Operation::CreateApiToken, Scope::Global)?;
    let me = person(ctx)?.id;
    if input.scope == TokenScope::Write {
        sessions::confirm_password(&ctx.db, me, password, "password", ctx.now).await?;
    }
    let txn = begin_write(&ctx.db).await?;
    let live = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(me))
        .filter(api_token::Column::RevokedAt.is_null())
        .count(&txn)
        .await?;
    if live >= MAX_TOKENS {
        return Err(ServiceError::Refused(Refusal::TooManyTokens {
            max: MAX_TOKENS as u8,
        }));
    }
    let (raw, _) = secrets::new_token()?;
    let secret = format!("{TOKEN_PREFIX}{raw}");
    let model = api_token::Model {
        id: Uuid::now_v7(),
        user_id: me,
        name: input.name.clone(),
        scope: input.scope.as_str().to_owned(),
        token_hash: secrets::sha256_hex(&secret),
        prefix: secret.chars().take(10).collect(),
        created_at: ctx.now,
        last_used_at: None,
        revoked_at: None,
    };
    api_token::Entity::insert(api_token::ActiveModel::from(model.clone()))
        .exec_without_returning(&txn)
        .await?;
    audit::record(
        &txn,
        ctx,
        "api.token_created",
        Some(me),
        format!("{} ({}, {})", model.name, model.scope, model.prefix),
    )
    .await?;
    txn.commit().await?;
    Ok(NewToken {
        token: dto(model),
        secret,
    })
}

/// The signed-in person's live tokens, newest first.
pub async fn list(ctx: &Ctx) -> Result<Vec<TokenDto>, ServiceError> {
    authorize(ctx, Operation::ListApiTokens, Scope::Global)?;
    let me = person(ctx)?.id;
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(me))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_desc(api_token::Column::CreatedAt)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(dto)
        .collect())
}

/// Revokes one of the signed-in person's tokens (someone else's is not found).
pub async fn revoke(ctx: &Ctx, token_id: Uuid) -> Result<(), ServiceError> {
    authorize(ctx, Operation::RevokeApiToken, Scope::Global)?;
    let me = person(ctx)?.id;
    let txn = begin_write(&ctx.db).await?;
    let done = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(ctx.now))
        .filter(api_token::Column::Id.eq(token_id))
        .filter(api_token::Column::UserId.eq(me))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(ServiceError::NotFound("api token"));
    }
    audit::record(
        &txn,
        ctx,
        "api.token_revoked",
        Some(me),
        token_id.to_string(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Revokes every live token of a person (a password reset, "sign out
/// everywhere"): whoever took over the account loses its tokens too.
pub(crate) async fn revoke_all<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    Ok(api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Some(now)))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected)
}

/// A bearer token that was recognised.
#[derive(Clone, Debug)]
pub struct ResolvedToken {
    /// The token's id (rate limits count per token).
    pub id: Uuid,
    /// The person it stands for.
    pub person: Person,
    /// What it may do.
    pub scope: TokenScope,
}

/// The person a bearer token stands for, and what it may do; `None` for
/// an unknown, malformed or revoked token. Records when it was used.
pub async fn resolve(
    db: &Db,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<ResolvedToken>, ServiceError> {
    if !secret.starts_with(TOKEN_PREFIX) || secret.len() != TOKEN_PREFIX.len() + 43 {
        return Ok(None);
    }
    let Some(found) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(secrets::sha256_hex(secret)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(owner) = user::Entity::find_by_id(found.user_id).one(db).await? else {
        return Ok(None);
    };
    let stale = found
        .last_used_at
        .is_none_or(|at| at < now - Duration::minutes(USE_RECORDED_EVERY_MINUTES));
    if stale {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(found.id))
            .exec(db)
            .await?;
    }
    let scope = TokenScope::parse(&found.scope).unwrap_or(TokenScope::Read);
    Ok(Some(ResolvedToken {
        id: found.id,
        person: Person {
            id: owner.id,
            display_name: owner.display_name,
            is_demo: owner.is_demo,
            grants: sessions::grants_of(db, owner.id).await?,
            session_id: None,
        },
        scope,
    }))
}
