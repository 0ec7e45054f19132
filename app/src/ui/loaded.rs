//! Waiting for a page's data, then showing it or the error page.

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::i18n::{t_string, use_i18n};
use crate::ui::api_error::ApiError;
use crate::ui::error::ErrorView;

/// Renders `resource` with `render` once loaded, or the error page (with
/// its HTTP status during server-side rendering) if loading failed.
#[component]
pub fn Loaded<T, V, F>(resource: Resource<Result<T, ApiError>>, render: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    view! {
        <Suspense fallback=move || view! { <p>{move || t_string!(i18n, site.loading)}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => render(data).into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
