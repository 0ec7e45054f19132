//! What a page shows when its data could not be loaded, with the right HTTP status.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{t_string, tu_string, use_i18n};
use crate::ui::api_error::ApiError;

/// Sets the response status during server-side rendering (no-op in the browser).
pub fn set_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        response.set_status(code);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// The error page body for `error`.
#[component]
pub fn ErrorView(error: ApiError) -> impl IntoView {
    let i18n = use_i18n();
    if error == ApiError::Unauthenticated {
        // Sign in first, then come back here.
        let location = leptos_router::hooks::use_location();
        let here = format!("{}{}", location.pathname.get_untracked(), {
            let search = location.search.get_untracked();
            if search.is_empty() {
                String::new()
            } else {
                format!("?{}", search.trim_start_matches('?'))
            }
        });
        let path = format!(
            "/accedi?torna={}",
            crate::ui::layout::encode_query_value(&here)
        );
        return view! { <leptos_router::components::Redirect path /> }.into_any();
    }
    set_status(error.status());
    let (title, text): (&'static str, String) = match &error {
        ApiError::NotFound => (
            tu_string!(i18n, error.not_found_title),
            tu_string!(i18n, error.not_found_text).to_owned(),
        ),
        ApiError::InvalidInput { field, .. } => (
            tu_string!(i18n, error.invalid_title),
            tu_string!(i18n, proposals.invalid, field = field.clone()).to_string(),
        ),
        ApiError::Unauthenticated | ApiError::SignInFailed | ApiError::EmailNotConfirmed => (
            tu_string!(i18n, auth.sign_in_title),
            tu_string!(i18n, auth.sign_in_required).to_owned(),
        ),
        ApiError::RateLimited { .. } | ApiError::TokenInvalid | ApiError::Refused(_) => (
            tu_string!(i18n, error.invalid_title),
            crate::ui::forms::error_text(&error),
        ),
        ApiError::Forbidden => (
            tu_string!(i18n, error.forbidden_title),
            tu_string!(i18n, error.forbidden_text).to_owned(),
        ),
        ApiError::Internal | ApiError::Transport => (
            tu_string!(i18n, error.internal_title),
            tu_string!(i18n, error.internal_text).to_owned(),
        ),
    };
    view! {
        <Title text=title />
        <section class="error-page">
            <h1>{title}</h1>
            <p>{text}</p>
            <p>
                <a class="btn btn-primary" href="/">{move || t_string!(i18n, error.back_home)}</a>
            </p>
        </section>
    }
    .into_any()
}
