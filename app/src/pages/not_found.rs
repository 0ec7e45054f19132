//! The page for an address that leads nowhere (HTTP 404).

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::error::ErrorView;

/// The 404 page.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorView error=ApiError::NotFound /> }
}
