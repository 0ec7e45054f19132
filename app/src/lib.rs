//! Piazza's user interface: Leptos pages, components and the server
//! functions they call. Compiled twice: natively with `ssr` (server-side
//! rendering, server functions run the services) and to wasm with `hydrate`.
//!
//! Folders are the features of `shared::service`, with the same names; each
//! holds its pages and its server functions (`server_fns.rs`). [`ui`] holds
//! what every page shares, [`http`] is what the server crate may use.

#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod accounts;
pub mod admin;
mod app;
pub mod dup;
pub mod facilitation;
pub mod http;
pub mod notifications;
pub mod participation;
pub mod plan;
pub mod processes;
pub mod ui;

pub use app::{App, shell};

/// Entry point of the wasm bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
