//! Accounts: registering, confirming the address, signing in and out,
//! passwords and their reset, the person's own data (export, erasure), and
//! the first administrator.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use crate::model::Role;
use crate::model::accounts::{
    AccountOverview, CurrentUser, DemoAccount, DisplayName, EmailAddress, NewPassword,
    ResidenceView, SessionInfo,
};
use crate::model::common::FieldProblem;
use crate::service::accounts::sessions::{self, NewSession};
use crate::service::common::authz::{Operation, Scope, authorize, person};
use crate::service::common::db::begin_write;
use crate::service::common::rate_limit::{
    ACCOUNT_EMAILS_PER_ADDRESS, ACCOUNT_EMAILS_PER_IP, SIGN_IN_PER_ACCOUNT,
    SIGN_IN_PER_ACCOUNT_AND_ADDRESS, SIGN_IN_PER_IP,
};
use crate::service::entity::{
    account_token, comment, comment_vote, follow, notification, outbox_message, proposal,
    residence_verification, role_assignment, session, support, user,
};
use crate::service::{
    Ctx, ServiceError, accounts::roles, common::audit, common::outbox, common::secrets,
    notifications::inbox,
};

/// The role name kept for compatibility with callers that used it.
pub const ROLE_ADMIN: &str = "admin";

/// How long an address-confirmation link works.
pub const CONFIRM_HOURS: i64 = 48;
/// How long a password-reset link works.
pub const RESET_HOURS: i64 = 1;
/// How long the link `create-admin` prints works.
pub const FIRST_PASSWORD_HOURS: i64 = 24;

const PURPOSE_CONFIRM: &str = "confirm_email";
const PURPOSE_RESET: &str = "reset_password";

/// Where a request came from, for rate limits and the session list.
#[derive(Clone, Debug)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: Option<String>,
}

/// The registration form as submitted.
#[derive(Clone, Debug, Default)]
pub struct RegistrationForm {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub accept_privacy: bool,
}

/// Who is signed in, and whether this instance runs on demo data.
pub async fn session_info(ctx: &Ctx) -> Result<SessionInfo, ServiceError> {
    authorize(ctx, Operation::ViewSessionInfo, Scope::Global)?;
    let demo_mode = user::Entity::find()
        .filter(user::Column::IsDemo.eq(true))
        .filter(user::Column::PasswordHash.is_not_null())
        .one(&ctx.db)
        .await?
        .is_some();
    Ok(SessionInfo {
        user: ctx.actor.person().map(|p| CurrentUser {
            id: p.id,
            display_name: p.display_name.clone(),
            is_demo: p.is_demo,
            grants: p.grants.clone(),
        }),
        demo_mode,
        unread_notifications: match ctx.actor.person() {
            Some(p) => inbox::unread_count(&ctx.db, p.id).await?,
            None => 0,
        },
    })
}

/// The demo personas one can sign in as (none outside demo mode).
pub async fn demo_accounts(ctx: &Ctx) -> Result<Vec<DemoAccount>, ServiceError> {
    authorize(ctx, Operation::ListDemoAccounts, Scope::Global)?;
    let people = user::Entity::find()
        .filter(user::Column::IsDemo.eq(true))
        .filter(user::Column::PasswordHash.is_not_null())
        .order_by_asc(user::Column::Id)
        .all(&ctx.db)
        .await?;
    let ids: Vec<Uuid> = people.iter().map(|p| p.id).collect();
    let mut roles_by_user = roles::role_views_of(&ctx.db, &ids).await?;
    Ok(people
        .into_iter()
        .filter_map(|p| {
            Some(DemoAccount {
                email: p.email?,
                display_name: p.display_name,
                roles: roles_by_user.remove(&p.id).unwrap_or_default(),
            })
        })
        .collect())
}

fn field<T>(name: &str, parsed: Result<T, FieldProblem>) -> Result<T, ServiceError> {
    parsed.map_err(|problem| ServiceError::field(name, problem))
}

/// Registers a person. The answer is the same whether or not the address
/// already has an account (no enumeration): a new account gets a
/// confirmation link, an existing one a note saying so.
pub async fn register(
    ctx: &Ctx,
    form: &RegistrationForm,
    client: &ClientInfo,
    base_url: &str,
) -> Result<(), ServiceError> {
    authorize(ctx, Operation::Register, Scope::Global)?;
    let email = field("email", EmailAddress::parse(&form.email))?;
    let name = field("display_name", DisplayName::parse(&form.display_name))?;
    let password = field("password", NewPassword::parse(&form.password))?;
    field(
        "password",
        secrets::check_strength(&password, &[email.as_str(), name.as_str()]),
    )?;
    if !form.accept_privacy {
        return Err(ServiceError::field(
            "accept_privacy",
            FieldProblem::NotConfirmed,
        ));
    }
    // The attempt is counted before the work (atomically: parallel requests
    // never all pass), and kept whatever happens next.
    let _ = ACCOUNT_EMAILS_PER_IP
        .reserve(&ctx.db, &client.ip, ctx.now)
        .await?;
    // Hash first, whatever happens next: the time taken says nothing.
    let hash = secrets::hash_password(&password).await?;
    let txn = begin_write(&ctx.db).await?;
    let quiet = !may_email(&txn, ctx, &email).await?;
    match find_by_email(&txn, &email).await? {
        Some(_) if quiet => {}
        Some(_) => {
            outbox::enqueue(
                &txn,
                ctx,
                email.as_str(),
                "Hai già un account su Piazza / You already have an account",
                format!(
                    "Qualcuno (forse tu) ha chiesto di registrare questo indirizzo su Piazza, \
                     ma un account con questo indirizzo esiste già.\n\n\
                     Per accedere: {base_url}/accedi\n\
                     Se hai dimenticato la password: {base_url}/password-dimenticata\n\n\
                     Se non sei stato tu, ignora questo messaggio.\n\n---\n\
                     Someone (maybe you) tried to register this address on Piazza, but it \
                     already has an account. Sign in at {base_url}/accedi or reset your \
                     password at {base_url}/password-dimenticata.\n"
                ),
            )
            .await?;
        }
        None => {
            let id = insert_person(&txn, ctx, &email, &name, Some(hash)).await?;
            send_confirmation(&txn, ctx, id, email.as_str(), base_url).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

async fn issue_token(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    user_id: Uuid,
    purpose: &str,
    valid_for: Duration,
) -> Result<String, ServiceError> {
    let (token, token_hash) = secrets::new_token()?;
    account_token::Entity::insert(account_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        purpose: Set(purpose.to_owned()),
        token_hash: Set(token_hash),
        created_at: Set(now),
        expires_at: Set(now + valid_for),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

async fn send_confirmation(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    user_id: Uuid,
    email: &str,
    base_url: &str,
) -> Result<(), ServiceError> {
    let token = issue_token(
        db,
        ctx.now,
        user_id,
        PURPOSE_CONFIRM,
        Duration::hours(CONFIRM_HOURS),
    )
    .await?;
    outbox::enqueue(
        db,
        ctx,
        email,
        "Conferma il tuo indirizzo su Piazza / Confirm your address",
        format!(
            "Benvenuta, benvenuto su Piazza.\n\n\
             Per attivare l'account apri questo collegamento (vale {CONFIRM_HOURS} ore):\n\
             {base_url}/conferma-email?token={token}\n\n\
             Se non hai chiesto tu la registrazione, ignora questo messaggio.\n\n---\n\
             Welcome to Piazza. To activate your account open this link (valid for \
             {CONFIRM_HOURS} hours):\n{base_url}/conferma-email?token={token}\n"
        ),
    )
    .await
}

/// Whether one more account email may go to `email` now (and counts it if
/// so). Beyond the limit nothing is sent and nobody is told: the answer
/// must not reveal whether the address has an account.
async fn may_email(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    email: &EmailAddress,
) -> Result<bool, ServiceError> {
    let key = email.as_str().to_lowercase();
    match ACCOUNT_EMAILS_PER_ADDRESS.take(db, &key, ctx.now).await {
        Ok(_) => Ok(true),
        Err(ServiceError::RateLimited { .. }) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Creates an account (address not yet confirmed); returns its id.
async fn insert_person(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    email: &EmailAddress,
    name: &DisplayName,
    password_hash: Option<String>,
) -> Result<Uuid, ServiceError> {
    let id = Uuid::now_v7();
    user::Entity::insert(user::ActiveModel {
        id: Set(id),
        email: Set(Some(email.as_str().to_owned())),
        display_name: Set(name.as_str().to_owned()),
        is_demo: Set(false),
        created_at: Set(ctx.now),
        password_hash: Set(password_hash),
        email_confirmed_at: Set(None),
        email_digest: Set(true),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &EmailAddress,
) -> Result<Option<user::Model>, ServiceError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?)
}

/// The stored form of a one-time token as typed or pasted (`TokenInvalid`
/// when it cannot be one).
fn token_hash(token: &str) -> Result<String, ServiceError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(ServiceError::TokenInvalid);
    }
    Ok(secrets::sha256_hex(token))
}

/// Whose a token is, if it is still unused and unexpired; nothing is written.
async fn token_owner(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    token: &str,
    purpose: &str,
) -> Result<Uuid, ServiceError> {
    account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(token_hash(token)?))
        .filter(account_token::Column::Purpose.eq(purpose))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .map(|t| t.user_id)
        .ok_or(ServiceError::TokenInvalid)
}

/// Consumes a one-time token: the person it belongs to, or `TokenInvalid`.
async fn consume_token(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    token: &str,
    purpose: &str,
) -> Result<Uuid, ServiceError> {
    let hash = token_hash(token)?;
    let found = account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(&hash))
        .filter(account_token::Column::Purpose.eq(purpose))
        .one(db)
        .await?
        .ok_or(ServiceError::TokenInvalid)?;
    // Marking it used only if still unused makes a race between two uses harmless.
    let used = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(account_token::Column::Id.eq(found.id))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?
        .rows_affected;
    if used != 1 {
        return Err(ServiceError::TokenInvalid);
    }
    Ok(found.user_id)
}

/// Confirms the address behind a confirmation link and signs the person in.
pub async fn confirm_email(
    ctx: &Ctx,
    token: &str,
    client: &ClientInfo,
) -> Result<NewSession, ServiceError> {
    authorize(ctx, Operation::ConfirmEmail, Scope::Global)?;
    let txn = begin_write(&ctx.db).await?;
    let user_id = consume_token(&txn, ctx.now, token, PURPOSE_CONFIRM).await?;
    user::Entity::update_many()
        .col_expr(user::Column::EmailConfirmedAt, Expr::value(Some(ctx.now)))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::EmailConfirmedAt.is_null())
        .exec(&txn)
        .await?;
    let session = sessions::start(&txn, user_id, client.user_agent.as_deref(), ctx.now).await?;
    txn.commit().await?;
    Ok(session)
}

/// Signs in with email and password. Wrong email and wrong password get the
/// same answer in the same time; failures are limited per account and per
/// client address. A cookie the browser already had is replaced (rotation).
pub async fn sign_in(
    ctx: &Ctx,
    email: &str,
    password: &str,
    client: &ClientInfo,
    previous_token: Option<&str>,
    base_url: &str,
) -> Result<NewSession, ServiceError> {
    authorize(ctx, Operation::SignIn, Scope::Global)?;
    let email = field("email", EmailAddress::parse(email))?;
    if password.is_empty() {
        return Err(ServiceError::field("password", FieldProblem::Empty));
    }
    if password.chars().count() > NewPassword::MAX_CHARS {
        return Err(ServiceError::SignInFailed);
    }
    // Each attempt is taken from the limits before the password is checked
    // (atomically: 300 parallel guesses get 5 tries, not 300), and given
    // back only if it succeeds. The tight limit is per account *and* client
    // address, so nobody elsewhere can lock the owner out; the loose one per
    // account stops guessing spread over many addresses, and a reset link
    // (proof the owner reads the mail) lifts it.
    let account_key = email.as_str().to_owned();
    let pair_key = format!("{account_key} {}", client.ip);
    let from_address = SIGN_IN_PER_IP.reserve(&ctx.db, &client.ip, ctx.now).await?;
    let _ = SIGN_IN_PER_ACCOUNT_AND_ADDRESS
        .reserve(&ctx.db, &pair_key, ctx.now)
        .await?;
    let _ = SIGN_IN_PER_ACCOUNT
        .reserve(&ctx.db, &account_key, ctx.now)
        .await?;
    let found = find_by_email(&ctx.db, &email).await?;
    let stored = found.as_ref().and_then(|u| u.password_hash.as_deref());
    if !secrets::verify_password(password, stored).await? {
        return Err(ServiceError::SignInFailed);
    }
    let person = found.ok_or(ServiceError::SignInFailed)?;
    let txn = begin_write(&ctx.db).await?;
    SIGN_IN_PER_IP.release(&txn, from_address).await?;
    SIGN_IN_PER_ACCOUNT_AND_ADDRESS
        .clear(&txn, &pair_key)
        .await?;
    SIGN_IN_PER_ACCOUNT.clear(&txn, &account_key).await?;
    if person.email_confirmed_at.is_none() {
        if may_email(&txn, ctx, &email).await? {
            send_confirmation(&txn, ctx, person.id, email.as_str(), base_url).await?;
        }
        txn.commit().await?;
        return Err(ServiceError::EmailNotConfirmed);
    }
    if let Some(previous) = previous_token {
        sessions::end_by_token(&txn, previous).await?;
    }
    let session = sessions::start(&txn, person.id, client.user_agent.as_deref(), ctx.now).await?;
    txn.commit().await?;
    Ok(session)
}

/// Ends this browser's session.
pub async fn sign_out(ctx: &Ctx) -> Result<(), ServiceError> {
    authorize(ctx, Operation::SignOut, Scope::Global)?;
    if let Some(id) = person(ctx)?.session_id {
        session::Entity::delete_by_id(id).exec(&ctx.db).await?;
    }
    Ok(())
}

/// Ends every session of the person, this one included, and revokes their
/// API access tokens. Returns how many sessions ended.
pub async fn sign_out_everywhere(ctx: &Ctx) -> Result<u64, ServiceError> {
    authorize(ctx, Operation::SignOutEverywhere, Scope::Global)?;
    let me = person(ctx)?;
    crate::service::accounts::tokens::revoke_all(&ctx.db, me.id, ctx.now).await?;
    Ok(session::Entity::delete_many()
        .filter(session::Column::UserId.eq(me.id))
        .exec(&ctx.db)
        .await?
        .rows_affected)
}

/// Changes the password after checking the current one; every other session
/// ends and every API token is revoked.
pub async fn change_password(ctx: &Ctx, current: &str, new: &str) -> Result<(), ServiceError> {
    authorize(ctx, Operation::ChangePassword, Scope::Global)?;
    let me = person(ctx)?;
    let account = user::Entity::find_by_id(me.id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    let new = field("new_password", NewPassword::parse(new))?;
    let hints = [
        account.email.as_deref().unwrap_or(""),
        account.display_name.as_str(),
    ];
    field("new_password", secrets::check_strength(&new, &hints))?;
    sessions::confirm_password(&ctx.db, me.id, current, "current_password", ctx.now).await?;
    let hash = secrets::hash_password(&new).await?;
    let txn = begin_write(&ctx.db).await?;
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(Some(hash)))
        .filter(user::Column::Id.eq(me.id))
        .exec(&txn)
        .await?;
    let mut others = session::Entity::delete_many().filter(session::Column::UserId.eq(me.id));
    if let Some(current_session) = me.session_id {
        others = others.filter(session::Column::Id.ne(current_session));
    }
    others.exec(&txn).await?;
    // A token minted with a stolen session dies with the old password.
    crate::service::accounts::tokens::revoke_all(&txn, me.id, ctx.now).await?;
    txn.commit().await?;
    Ok(())
}

/// Sends a password-reset link if the address has an account. The answer
/// is the same either way.
pub async fn request_password_reset(
    ctx: &Ctx,
    email: &str,
    client: &ClientInfo,
    base_url: &str,
) -> Result<(), ServiceError> {
    authorize(ctx, Operation::RequestPasswordReset, Scope::Global)?;
    let email = field("email", EmailAddress::parse(email))?;
    let txn = begin_write(&ctx.db).await?;
    let _ = ACCOUNT_EMAILS_PER_IP
        .take(&txn, &client.ip, ctx.now)
        .await?;
    if let Some(account) = find_by_email(&txn, &email).await?
        && may_email(&txn, ctx, &email).await?
    {
        let token = issue_token(
            &txn,
            ctx.now,
            account.id,
            PURPOSE_RESET,
            Duration::hours(RESET_HOURS),
        )
        .await?;
        outbox::enqueue(
            &txn,
            ctx,
            email.as_str(),
            "Reimposta la password di Piazza / Reset your password",
            format!(
                "Hai chiesto di reimpostare la password del tuo account Piazza.\n\n\
                 Apri questo collegamento entro {RESET_HOURS} ora per sceglierne una nuova:\n\
                 {base_url}/reimposta-password?token={token}\n\n\
                 Se non l'hai chiesto tu, ignora questo messaggio: la password resta quella di prima.\n\n---\n\
                 You asked to reset your Piazza password. Open this link within \
                 {RESET_HOURS} hour to choose a new one:\n{base_url}/reimposta-password?token={token}\n"
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Sets a new password through a reset link; every session of the person ends.
pub async fn reset_password(ctx: &Ctx, token: &str, new: &str) -> Result<(), ServiceError> {
    authorize(ctx, Operation::ResetPassword, Scope::Global)?;
    let new = field("new_password", NewPassword::parse(new))?;
    // The slow checks and the hashing come before the write lock is taken;
    // the token is consumed (exactly once) inside the transaction.
    let user_id = token_owner(&ctx.db, ctx.now, token, PURPOSE_RESET).await?;
    let account = user::Entity::find_by_id(user_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::TokenInvalid)?;
    let hints = [
        account.email.as_deref().unwrap_or(""),
        account.display_name.as_str(),
    ];
    field("new_password", secrets::check_strength(&new, &hints))?;
    let hash = secrets::hash_password(&new).await?;
    let txn = begin_write(&ctx.db).await?;
    if consume_token(&txn, ctx.now, token, PURPOSE_RESET).await? != user_id {
        return Err(ServiceError::TokenInvalid);
    }
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(Some(hash)))
        // The link came by email: the address is proven.
        .col_expr(
            user::Column::EmailConfirmedAt,
            Expr::value(Some(account.email_confirmed_at.unwrap_or(ctx.now))),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    // Other reset links die with this one; every session ends.
    account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(Some(ctx.now)))
        .filter(account_token::Column::UserId.eq(user_id))
        .filter(account_token::Column::Purpose.eq(PURPOSE_RESET))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    crate::service::accounts::tokens::revoke_all(&txn, user_id, ctx.now).await?;
    if let Some(email) = &account.email {
        SIGN_IN_PER_ACCOUNT
            .clear(&txn, &email.to_lowercase())
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The person's own account, as the profile page shows it.
pub async fn overview(ctx: &Ctx) -> Result<AccountOverview, ServiceError> {
    authorize(ctx, Operation::ViewOwnAccount, Scope::Global)?;
    let me = person(ctx)?;
    let account = user::Entity::find_by_id(me.id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    let roles = roles::role_views_of(&ctx.db, &[me.id])
        .await?
        .remove(&me.id)
        .unwrap_or_default();
    let residence = residence_verification::Entity::find_by_id(me.id)
        .one(&ctx.db)
        .await?
        .map(|r| ResidenceView {
            method: r.method,
            verified_at: r.verified_at,
        });
    let active_sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(me.id))
        .filter(session::Column::ExpiresAt.gt(ctx.now))
        .count(&ctx.db)
        .await?;
    Ok(AccountOverview {
        display_name: account.display_name,
        email: account.email,
        created_at: account.created_at,
        is_demo: account.is_demo,
        has_password: account.password_hash.is_some(),
        roles,
        residence,
        active_sessions,
        email_digest: account.email_digest,
    })
}

/// Everything the person wrote and did, as one JSON document (GDPR art. 15 and 20).
pub async fn export_data(ctx: &Ctx) -> Result<serde_json::Value, ServiceError> {
    authorize(ctx, Operation::ExportOwnData, Scope::Global)?;
    let me = person(ctx)?;
    let account = user::Entity::find_by_id(me.id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    let roles = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(me.id))
        .all(&ctx.db)
        .await?;
    let residence = residence_verification::Entity::find_by_id(me.id)
        .one(&ctx.db)
        .await?;
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(me.id))
        .order_by_asc(session::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    let proposals = proposal::Entity::find()
        .filter(proposal::Column::AuthorId.eq(me.id))
        .order_by_asc(proposal::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    let supports = support::Entity::find()
        .filter(support::Column::UserId.eq(me.id))
        .order_by_asc(support::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    let comments = comment::Entity::find()
        .filter(comment::Column::AuthorId.eq(me.id))
        .order_by_asc(comment::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    let comment_votes = comment_vote::Entity::find()
        .filter(comment_vote::Column::UserId.eq(me.id))
        .all(&ctx.db)
        .await?;
    let follows = follow::Entity::find()
        .filter(follow::Column::UserId.eq(me.id))
        .all(&ctx.db)
        .await?;
    let notifications = notification::Entity::find()
        .filter(notification::Column::UserId.eq(me.id))
        .order_by_asc(notification::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    let emails = match &account.email {
        Some(address) => {
            outbox_message::Entity::find()
                .filter(outbox_message::Column::Recipient.eq(address.as_str()))
                .order_by_asc(outbox_message::Column::CreatedAt)
                .all(&ctx.db)
                .await?
        }
        None => Vec::new(),
    };
    Ok(json!({
        "format": "piazza-export-1",
        "exported_at": ctx.now,
        "account": {
            "id": account.id,
            "email": account.email,
            "display_name": account.display_name,
            "created_at": account.created_at,
            "email_confirmed_at": account.email_confirmed_at,
            "demo": account.is_demo,
        },
        "roles": roles.iter().map(|r| json!({
            "role": r.role, "process_id": r.process_id, "platform_id": r.platform_id,
            "since": r.created_at,
        })).collect::<Vec<_>>(),
        "residence_verification": residence.map(|r| json!({
            "method": r.method, "verified_at": r.verified_at,
        })),
        "sessions": sessions.iter().map(|s| json!({
            "started_at": s.created_at, "last_seen_at": s.last_seen_at,
            "expires_at": s.expires_at, "browser": s.user_agent,
        })).collect::<Vec<_>>(),
        "proposals": proposals.iter().map(|p| json!({
            "id": p.id, "process_id": p.process_id, "platform_id": p.platform_id,
            "title": p.title, "body_markdown": p.body_md, "state": p.state,
            "created_at": p.created_at, "published_at": p.published_at,
            "updated_at": p.updated_at,
        })).collect::<Vec<_>>(),
        "supports": supports.iter().map(|s| json!({
            "proposal_id": s.proposal_id, "given_at": s.created_at,
        })).collect::<Vec<_>>(),
        "comments": comments.iter().map(|c| json!({
            "id": c.id, "proposal_id": c.proposal_id, "reply_to": c.parent_id,
            "body_markdown": c.body_md, "position": c.alignment,
            "created_at": c.created_at, "edited_at": c.edited_at, "deleted_at": c.deleted_at,
        })).collect::<Vec<_>>(),
        "comment_votes": comment_votes.iter().map(|v| json!({
            "comment_id": v.comment_id, "value": v.value, "given_at": v.created_at,
        })).collect::<Vec<_>>(),
        "following": follows.iter().map(|f| json!({
            "proposal_id": f.proposal_id, "since": f.created_at,
        })).collect::<Vec<_>>(),
        "notifications": notifications.iter().map(|n| json!({
            "kind": n.kind, "proposal_id": n.proposal_id, "process_id": n.process_id,
            "detail": n.detail, "created_at": n.created_at, "read_at": n.read_at,
        })).collect::<Vec<_>>(),
        "email_digest": account.email_digest,
        "emails_sent_to_you": emails.iter().map(|m| json!({
            "subject": m.subject, "created_at": m.created_at, "delivered_at": m.delivered_at,
        })).collect::<Vec<_>>(),
    }))
}

/// The word a person types to confirm erasure.
pub const DELETE_CONFIRMATION_WORD: &str = "ELIMINA";

/// Erases the account: the person's data is deleted; proposals stay,
/// shown as written by a deleted user; supports stay counted, linked to
/// no one. Irreversible.
pub async fn delete_account(
    ctx: &Ctx,
    password: &str,
    confirmation: &str,
) -> Result<(), ServiceError> {
    authorize(ctx, Operation::DeleteOwnAccount, Scope::Global)?;
    let me = person(ctx)?;
    let confirmed = confirmation.trim();
    if !(confirmed.eq_ignore_ascii_case(DELETE_CONFIRMATION_WORD)
        || confirmed.eq_ignore_ascii_case("DELETE"))
    {
        return Err(ServiceError::field(
            "confirmation",
            FieldProblem::NotConfirmed,
        ));
    }
    let account = user::Entity::find_by_id(me.id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    if account.password_hash.is_some()
        && !secrets::verify_password(password, account.password_hash.as_deref()).await?
    {
        return Err(ServiceError::field("password", FieldProblem::NotRecognized));
    }
    if me.has(Role::Admin) && roles::admin_count(&ctx.db).await? <= 1 {
        return Err(ServiceError::field("confirmation", FieldProblem::LastAdmin));
    }
    let txn = begin_write(&ctx.db).await?;
    if let Some(address) = &account.email {
        outbox_message::Entity::delete_many()
            .filter(outbox_message::Column::Recipient.eq(address.as_str()))
            .exec(&txn)
            .await?;
    }
    // Foreign keys do the rest: sessions, tokens, roles and verification go
    // with the person; proposals' author and supports' person become empty.
    user::Entity::delete_by_id(me.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// What `create-admin` did.
#[derive(Clone, Debug)]
pub struct AdminCreated {
    pub id: Uuid,
    pub created: bool,
    /// A link to choose the password (valid [`FIRST_PASSWORD_HOURS`]), when
    /// the account has none yet.
    pub set_password_link: Option<String>,
}

/// Creates the person with this email (or finds them) and makes them an
/// administrator. Only the server itself (the CLI) may do this. An account
/// without a password gets a one-time link to choose it.
pub async fn create_admin(
    ctx: &Ctx,
    email: &EmailAddress,
    name: &DisplayName,
    base_url: &str,
) -> Result<AdminCreated, ServiceError> {
    authorize(ctx, Operation::CreateAdmin, Scope::Global)?;
    let txn = begin_write(&ctx.db).await?;
    let existing = find_by_email(&txn, email).await?;
    let (id, created, has_password) = match existing {
        Some(person) => (person.id, false, person.password_hash.is_some()),
        None => (
            insert_person(&txn, ctx, email, name, None).await?,
            true,
            false,
        ),
    };
    let already_admin = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(id))
        .filter(role_assignment::Column::Role.eq(ROLE_ADMIN))
        .one(&txn)
        .await?
        .is_some();
    if !already_admin {
        role_assignment::Entity::insert(role_assignment::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(id),
            role: Set(ROLE_ADMIN.to_owned()),
            process_id: Set(None),
            platform_id: Set(None),
            created_at: Set(ctx.now),
        })
        .exec_without_returning(&txn)
        .await?;
        audit::record(&txn, ctx, "role_assigned", Some(id), "admin".to_owned()).await?;
    }
    let set_password_link = if has_password {
        None
    } else {
        let token = issue_token(
            &txn,
            ctx.now,
            id,
            PURPOSE_RESET,
            Duration::hours(FIRST_PASSWORD_HOURS),
        )
        .await?;
        Some(format!("{base_url}/reimposta-password?token={token}"))
    };
    txn.commit().await?;
    Ok(AdminCreated {
        id,
        created,
        set_password_link,
    })
}
