//! Piazza's user interface: Leptos pages, components and the server
//! functions they call. Compiled twice: natively with `ssr` (server-side
//! rendering, server functions run the services) and to wasm with `hydrate`.

#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod api;
mod app;
mod components;
mod format;
mod pages;

pub use app::{App, LANGUAGE_COOKIE, SESSION_COOKIE, SessionContext, shell};

/// Entry point of the wasm bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
