//! Accounts: signing in and out, registering, passwords, residence, own data.
//! Forms post here with or without JavaScript; on success they redirect.

use leptos::prelude::*;
use shared::model::accounts::{AccountOverview, DemoAccount, SessionInfo};

use super::ApiError;

/// Only local paths: never a redirect to another site.
pub fn safe_local_path(path: Option<&str>, fallback: &str) -> String {
    path.filter(|p| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.starts_with("/\\")
            && !p.chars().any(char::is_control)
    })
    .unwrap_or(fallback)
    .to_owned()
}

#[cfg(feature = "ssr")]
fn start_session(session: shared::service::accounts::sessions::NewSession) -> Result<(), ApiError> {
    let seconds = (session.expires_at - chrono::Utc::now())
        .num_seconds()
        .max(0);
    super::ssr::set_session_cookie(Some(&session.token), seconds)
}

/// Who is signed in, and whether this is a demo instance.
#[server(endpoint = "account/session")]
pub async fn get_session() -> Result<SessionInfo, ApiError> {
    let ctx = super::ssr::ctx()?;
    Ok(shared::service::accounts::account::session_info(&ctx).await?)
}

/// The demo personas (empty outside demo mode).
#[server(endpoint = "account/demo")]
pub async fn demo_accounts() -> Result<Vec<DemoAccount>, ApiError> {
    let ctx = super::ssr::ctx()?;
    Ok(shared::service::accounts::account::demo_accounts(&ctx).await?)
}

/// Signs in and goes back where the person was (or to the profile).
#[server(endpoint = "account/sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    torna: Option<String>,
) -> Result<(), ApiError> {
    let ctx = super::ssr::ctx()?;
    let settings = super::ssr::settings()?;
    let previous = super::ssr::session_token();
    let session = shared::service::accounts::account::sign_in(
        &ctx,
        &email,
        &password,
        &super::ssr::client(),
        previous.as_deref(),
        &settings.base_url,
    )
    .await?;
    start_session(session)?;
    leptos_axum::redirect(&safe_local_path(torna.as_deref(), "/profilo"));
    Ok(())
}

/// Signs out of this browser.
#[server(endpoint = "account/sign-out")]
pub async fn sign_out() -> Result<(), ApiError> {
    let ctx = super::ssr::ctx()?;
    shared::service::accounts::account::sign_out(&ctx).await?;
    super::ssr::set_session_cookie(None, 0)?;
    leptos_axum::redirect("/?esito=uscita");
    Ok(())
}

/// Signs out of every browser.
#[server(endpoint = "account/sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<(), ApiError> {
    let ctx = super::ssr::ctx()?;
    shared::service::accounts::account::sign_out_everywhere(&ctx).await?;
    super::ssr::set_session_cookie(None, 0)?;
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
    let ctx = super::ssr::ctx()?;
    let settings = super::ssr::settings()?;
    let form = shared::service::accounts::account::RegistrationForm {
        email,
        display_name,
        password,
        accept_privacy: accept_privacy.is_some(),
    };
    shared::service::accounts::account::register(
        &ctx,
        &form,
        &super::ssr::client(),
        &settings.base_url,
    )
    .await?;
    leptos_axum::redirect("/registrati/inviata");
    Ok(())
}

/// Confirms the address from the emailed link, and signs in.
#[server(endpoint = "account/confirm")]
pub async fn confirm_email(token: String) -> Result<(), ApiError> {
    let ctx = super::ssr::ctx()?;
    let session =
        shared::service::accounts::account::confirm_email(&ctx, &token, &super::ssr::client())
            .await?;
    start_session(session)?;
    leptos_axum::redirect("/profilo?esito=benvenuto");
    Ok(())
}

/// Sends a reset link if the address has an account.
#[server(endpoint = "account/forgot")]
pub async fn request_password_reset(email: String) -> Result<(), ApiError> {
    let ctx = super::ssr::ctx()?;
    let settings = super::ssr::settings()?;
    shared::service::accounts::account::request_password_reset(
        &ctx,
        &email,
        &super::ssr::client(),
        &settings.base_url,
    )
    .await?;
    leptos_axum::redirect("/password-dimenticata?esito=inviata");
    Ok(())
}

/// Chooses a new password through the emailed link.
#[server(endpoint = "account/reset")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), ApiError> {
    let ctx = super::ssr::ctx()?;
    shared::service::accounts::account::reset_password(&ctx, &token, &new_password).await?;
    super::ssr::set_session_cookie(None, 0)?;
    leptos_axum::redirect("/accedi?esito=password-reimpostata");
    Ok(())
}

/// The signed-in person's account.
#[server(endpoint = "account/me")]
pub async fn my_account() -> Result<AccountOverview, ApiError> {
    let ctx = super::ssr::ctx()?;
    Ok(shared::service::accounts::account::overview(&ctx).await?)
}

/// Changes the password (other browsers are signed out).
#[server(endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), ApiError> {
    let ctx = super::ssr::ctx()?;
    shared::service::accounts::account::change_password(&ctx, &current_password, &new_password)
        .await?;
    leptos_axum::redirect("/profilo?esito=password-cambiata");
    Ok(())
}

/// Proves residence with a census code.
#[server(endpoint = "account/residence")]
pub async fn redeem_census_code(code: String) -> Result<(), ApiError> {
    let ctx = super::ssr::ctx()?;
    shared::service::accounts::residence::redeem_code(&ctx, &code).await?;
    leptos_axum::redirect("/profilo?esito=residenza-verificata");
    Ok(())
}

/// Deletes the account for good.
#[server(endpoint = "account/delete")]
pub async fn delete_account(
    password: Option<String>,
    confirmation: String,
) -> Result<(), ApiError> {
    let ctx = super::ssr::ctx()?;
    shared::service::accounts::account::delete_account(
        &ctx,
        password.as_deref().unwrap_or(""),
        &confirmation,
    )
    .await?;
    super::ssr::set_session_cookie(None, 0)?;
    leptos_axum::redirect("/?esito=account-eliminato");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            safe_local_path(Some("/processi/x?zona=y"), "/"),
            "/processi/x?zona=y"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "/a\nb",
        ] {
            assert_eq!(safe_local_path(Some(bad), "/profilo"), "/profilo", "{bad}");
        }
    }
}
