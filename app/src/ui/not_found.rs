//! The page for an address that leads nowhere (HTTP 404).

use leptos::prelude::*;

use crate::ui::api_error::ApiError;
use crate::ui::error::ErrorView;

/// The 404 page.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorView error=ApiError::NotFound /> }
}
