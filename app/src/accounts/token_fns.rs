//! Personal access tokens for the REST API, managed in the profile. A new
//! token's secret reaches the page through a short-lived cookie that the
//! page reads once and clears, so it is shown once with or without
//! JavaScript and never stored in clear on the server.

use leptos::prelude::*;
use shared::model::accounts::TokensView;

use crate::ui::api_error::ApiError;

/// The cookie that carries a new token's secret to the next page, once.
pub const NEW_TOKEN_COOKIE: &str = "piazza_token_nuovo";

/// The signed-in person's live tokens, and a token just created.
#[server(endpoint = "tokens/list")]
pub async fn my_tokens() -> Result<TokensView, ApiError> {
    use http::{HeaderValue, header};
    let ctx = crate::ui::ssr::ctx()?;
    let tokens = shared::service::accounts::tokens::list(&ctx).await?;
    let parts = use_context::<http::request::Parts>();
    let secret = parts
        .as_ref()
        .and_then(|p| crate::http::cookie_value(&p.headers, NEW_TOKEN_COOKIE))
        .filter(|s| !s.is_empty());
    let mut created = None;
    if let Some(secret) = secret {
        // Shown only beside the person's own live token it belongs to (the
        // newest with that prefix): the cookie is theirs alone anyway.
        created = tokens
            .iter()
            .find(|t| secret.starts_with(&t.prefix))
            .cloned()
            .map(|token| shared::model::accounts::NewToken { token, secret });
        let settings = crate::ui::ssr::settings()?;
        let clear = format!(
            "{NEW_TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
            if settings.secure_cookies {
                "; Secure"
            } else {
                ""
            }
        );
        if let (Some(response), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            HeaderValue::from_str(&clear),
        ) {
            response.append_header(header::SET_COOKIE, value);
            // The page holds the secret: no cache may keep it (Back button included).
            response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    Ok(TokensView { tokens, created })
}

/// Creates a token; the profile then shows its secret once.
#[server(endpoint = "tokens/create")]
pub async fn create_token(
    nome_token: String,
    ambito: String,
    password: Option<String>,
) -> Result<(), ApiError> {
    use http::{HeaderValue, header};
    let ctx = crate::ui::ssr::ctx()?;
    let input = shared::model::accounts::TokenInput::parse(&nome_token, &ambito)
        .map_err(|(field, problem)| ApiError::field(field, problem))?;
    let created = shared::service::accounts::tokens::create(
        &ctx,
        &input,
        password.as_deref().unwrap_or_default(),
    )
    .await?;
    let settings = crate::ui::ssr::settings()?;
    let cookie = format!(
        "{NEW_TOKEN_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=600{}",
        created.secret,
        if settings.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    );
    let response = use_context::<leptos_axum::ResponseOptions>().ok_or(ApiError::Internal)?;
    response.append_header(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|_| ApiError::Internal)?,
    );
    leptos_axum::redirect("/profilo?esito=token-creato#token-api");
    Ok(())
}

/// Revokes one of the person's tokens: it stops working at once.
#[server(endpoint = "tokens/revoke")]
pub async fn revoke_token(token: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = crate::ui::ssr::parse_id(&token, "token")?;
    shared::service::accounts::tokens::revoke(&ctx, id).await?;
    leptos_axum::redirect("/profilo?esito=token-revocato#token-api");
    Ok(())
}
