//! Administration: people and roles, the action log, the outbox, editable
//! pages, and the participation requirements of a process.

use leptos::prelude::*;
use shared::model::accounts::{AdminUserPage, AuditPage, OutboxPage, ScopeChoice};

use crate::ui::api_error::ApiError;

/// People, newest first, filtered by name or email.
#[server(endpoint = "admin/users")]
pub async fn list_users(
    q: Option<String>,
    dopo: Option<String>,
) -> Result<AdminUserPage, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::accounts::roles::list_users(&ctx, q.as_deref(), dopo.as_deref()).await?)
}

/// Where a facilitator can be assigned.
#[server(endpoint = "admin/scopes")]
pub async fn scope_choices() -> Result<Vec<ScopeChoice>, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::accounts::roles::scope_choices(&ctx).await?)
}

/// `back` with `esito=<outcome>` in its query (replacing any earlier outcome), so
/// the page shows what happened and reloads its data.
#[cfg(feature = "ssr")]
fn with_outcome(back: &str, outcome: &str) -> String {
    let (path, query) = back.split_once('?').unwrap_or((back, ""));
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("esito="))
        .collect();
    let esito = format!("esito={outcome}");
    pairs.push(&esito);
    format!("{path}?{}", pairs.join("&"))
}

#[cfg(feature = "ssr")]
use crate::ui::ssr::parse_id;

/// Gives a person a role.
#[server(endpoint = "admin/roles/assign")]
pub async fn assign_role(
    user_id: String,
    role: String,
    scope: Option<String>,
    torna: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let user_id = parse_id(&user_id, "user_id")?;
    shared::service::accounts::roles::assign(&ctx, user_id, &role, scope.as_deref().unwrap_or(""))
        .await?;
    let back = crate::http::safe_local_path(torna.as_deref(), "/amministrazione/utenti");
    leptos_axum::redirect(&with_outcome(&back, "ruolo-assegnato"));
    Ok(())
}

/// Removes a role assignment.
#[server(endpoint = "admin/roles/revoke")]
pub async fn revoke_role(assignment_id: String, torna: Option<String>) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let id = parse_id(&assignment_id, "assignment_id")?;
    shared::service::accounts::roles::revoke(&ctx, id).await?;
    let back = crate::http::safe_local_path(torna.as_deref(), "/amministrazione/utenti");
    leptos_axum::redirect(&with_outcome(&back, "ruolo-tolto"));
    Ok(())
}

/// The administrators' action log.
#[server(endpoint = "admin/log")]
pub async fn audit_log(dopo: Option<String>) -> Result<AuditPage, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::common::audit::list(&ctx, dopo.as_deref()).await?)
}

/// Each staff member's use of the daily counter budget.
#[server(endpoint = "admin/counter-budgets")]
pub async fn counter_budgets() -> Result<Vec<shared::model::facilitation::CounterBudget>, ApiError>
{
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::facilitation::counter::budgets(&ctx).await?)
}

/// The outbox.
#[server(endpoint = "admin/outbox")]
pub async fn outbox(dopo: Option<String>) -> Result<OutboxPage, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::common::outbox::list(&ctx, dopo.as_deref()).await?)
}

/// An editable page: its Markdown source and HTML, if an administrator wrote it.
#[server(endpoint = "pages/get")]
pub async fn site_page(slug: String, locale: String) -> Result<Option<(String, String)>, ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    Ok(shared::service::common::site_pages::get(&ctx, &slug, &locale).await?)
}

/// Saves an editable page (empty restores the built-in text).
#[server(endpoint = "pages/update")]
pub async fn update_site_page(slug: String, locale: String, body: String) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    shared::service::common::site_pages::update(&ctx, &slug, &locale, &body).await?;
    leptos_axum::redirect(&format!(
        "/amministrazione/pagine/{slug}?lingua={locale}&esito=salvata"
    ));
    Ok(())
}

/// Sets whether proposing and supporting need verified residence.
#[server(endpoint = "processes/requirements")]
pub async fn set_requirements(
    process: String,
    verified_to_propose: Option<String>,
    verified_to_support: Option<String>,
) -> Result<(), ApiError> {
    let ctx = crate::ui::ssr::ctx()?;
    let requirements = shared::model::ParticipationRequirements {
        verified_to_propose: verified_to_propose.is_some(),
        verified_to_support: verified_to_support.is_some(),
    };
    shared::service::processes::read::set_requirements(&ctx, &process, requirements).await?;
    leptos_axum::redirect(&format!("/processi/{process}?esito=requisiti-salvati"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::with_outcome;

    #[test]
    fn outcomes_replace_earlier_ones() {
        assert_eq!(with_outcome("/a", "x"), "/a?esito=x");
        assert_eq!(with_outcome("/a?q=b&esito=y", "x"), "/a?q=b&esito=x");
    }
}
