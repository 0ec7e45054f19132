//! Route parameters several pages read.

/// The `:process` slug of the current route.
pub(crate) fn process_param() -> leptos::prelude::Memo<String> {
    use leptos::prelude::*;
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| params.read().get("process").unwrap_or_default())
}
