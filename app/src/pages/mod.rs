//! One module per page.

pub mod admin;
pub mod auth;
pub mod counter;
pub mod dup;
pub mod editing;
pub mod facilitation;
pub mod home;
pub mod legal;
pub mod not_found;
pub mod notifications;
pub mod plan;
pub mod platform;
pub mod process;
pub mod profile;
pub mod proposal;
pub mod proposals;
pub mod results;
pub mod write;

/// The `:process` slug of the current route.
pub(crate) fn process_param() -> leptos::prelude::Memo<String> {
    use leptos::prelude::*;
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| params.read().get("process").unwrap_or_default())
}
