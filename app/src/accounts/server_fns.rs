//! Accounts: signing in and out, registering, passwords, residence, own data.
//! Forms post here with or without JavaScript; on success they redirect.

use leptos::prelude::*;
use shared::model::accounts::{AccountOverview, DemoAccount, SessionInfo};

use crate::ui::api_error::ApiError;

#[cfg(feature = "ssr")]
fn start_session(session: shared::service::accounts::sessions::NewSession) -> Result<(), ApiError> {
    let seconds = (session.expires_at - chrono::Utc::now())
        .num_seconds()
        .max(0);
    crate::ui::ssr::set_session_cookie(Some(&session.token), seconds)
}

/// Who is signed in, and whether this is a demo instance.
#[server(endpoint = "account/session")]
pub async fn get_session() -> Result<SessionInfo, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::accounts::account::session_info(&ctx).await?)
}

/// The demo personas (empty outside demo mode).
#[server(endpoint = "account/demo")]
pub async fn demo_accounts() -> Result<Vec<DemoAccount>, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::accounts::account::demo_accounts(&ctx).await?)
}

/// Signs in and goes back where the person was (or to the profile).
#[server(endpoint = "account/sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    torna: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let settings = crate::ui::ssr::settings()?;
    let previous = crate::ui::ssr::session_token();
    let session = shared::service::accounts::account::sign_in(
        &ctx,
        &email,
        &password,
        &crate::ui::ssr::client(),
        previous.as_deref(),
        &settings.base_url,
    )
    .await?;
    start_session(session)?;
    leptos_axum::redirect(&crate::http::safe_local_path(torna.as_deref(), "/profilo"));
    Ok(())
}

/// Signs out of this browser.
#[server(endpoint = "account/sign-out")]
pub async fn sign_out() -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    shared::service::accounts::account::sign_out(&ctx).await?;
    crate::ui::ssr::set_session_cookie(None, 0)?;
    leptos_axum::redirect("/?esito=uscita");
    Ok(())
}

/// Signs out of every browser.
#[server(endpoint = "account/sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    shared::service::accounts::account::sign_out_everywhere(&ctx).await?;
    crate::ui::ssr::set_session_cookie(None, 0)?;
    leptos_axum::redirect("/accedi?esito=uscita-ovunque");
    Ok(())
}

/// Registers; the same answer whether or not the address already has an account.
#[server(endpoint = "account/register")]
pub async fn register(
    email: String,
    display_name: String,
    password: String,
    accept_privacy: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let settings = crate::ui::ssr::settings()?;
    let form = shared::service::accounts::account::RegistrationForm {
        email,
        display_name,
        password,
        accept_privacy: accept_privacy.is_some(),
    };
    shared::service::accounts::account::register(
        &ctx,
        &form,
        &crate::ui::ssr::client(),
        &settings.base_url,
    )
    .await?;
    leptos_axum::redirect("/registrati/inviata");
    Ok(())
}

/// Confirms the address from the emailed link, and signs in.
#[server(endpoint = "account/confirm")]
pub async fn confirm_email(token: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let session =
        shared::service::accounts::account::confirm_email(&ctx, &token, &crate::ui::ssr::client())
            .await?;
    start_session(session)?;
    leptos_axum::redirect("/profilo?esito=benvenuto");
    Ok(())
}

/// Sends a reset link if the address has an account.
#[server(endpoint = "account/forgot")]
pub async fn request_password_reset(email: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let settings = crate::ui::ssr::settings()?;
    shared::service::accounts::account::request_password_reset(
        &ctx,
        &email,
        &crate::ui::ssr::client(),
        &settings.base_url,
    )
    .await?;
    leptos_axum::redirect("/password-dimenticata?esito=inviata");
    Ok(())
}

/// Chooses a new password through the emailed link.
#[server(endpoint = "account/reset")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    shared::service::accounts::account::reset_password(&ctx, &token, &new_password).await?;
    crate::ui::ssr::set_session_cookie(None, 0)?;
    leptos_axum::redirect("/accedi?esito=password-reimpostata");
    Ok(())
}

/// The signed-in person's account.
#[server(endpoint = "account/me")]
pub async fn my_account() -> Result<AccountOverview, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::accounts::account::overview(&ctx).await?)
}

/// Changes the password (other browsers are signed out).
#[server(endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    shared::service::accounts::account::change_password(&ctx, &current_password, &new_password)
        .await?;
    leptos_axum::redirect("/profilo?esito=password-cambiata");
    Ok(())
}

/// Proves residence with a census code.
#[server(endpoint = "account/residence")]
pub async fn redeem_census_code(code: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let client = crate::ui::ssr::client();
    shared::service::accounts::residence::redeem_code(&ctx, &code, Some(&client.ip)).await?;
    leptos_axum::redirect("/profilo?esito=residenza-verificata");
    Ok(())
}

/// Deletes the account for good.
#[server(endpoint = "account/delete")]
pub async fn delete_account(
    password: Option<String>,
    confirmation: String,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    shared::service::accounts::account::delete_account(
        &ctx,
        password.as_deref().unwrap_or(""),
        &confirmation,
    )
    .await?;
    crate::ui::ssr::set_session_cookie(None, 0)?;
    leptos_axum::redirect("/?esito=account-eliminato");
    Ok(())
}
