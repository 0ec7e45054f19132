//! The document shell, the application root and its routes.

use leptos::prelude::*;
use leptos_i18n::context::{CookieOptions, UseLocalesOptions};
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::layout::{Footer, Header};
use crate::i18n::{I18nContextProvider, Locale, t_string, tu_string, use_i18n};
use crate::pages::{
    home::HomePage, legal::AccessibilityPage, legal::PrivacyPage, not_found::NotFoundPage,
    platform::PlatformPage, process::ProcessPage, proposal::ProposalPage,
    proposals::ProposalListPage,
};

/// The cookie that remembers the chosen language (also set by `/lingua/{it|en}`).
pub const LANGUAGE_COOKIE: &str = "piazza_lingua";

/// The HTML document around the application (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: language, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    let cookie_options = CookieOptions::<Locale>::default()
        .path("/".to_string())
        .max_age(365 * 24 * 3600 * 1000_i64);
    // Italian unless the person chose otherwise: the browser's language is not guessed.
    let no_header = UseLocalesOptions::default().ssr_lang_header_getter(|| None);
    view! {
        <I18nContextProvider cookie_name=LANGUAGE_COOKIE cookie_options ssr_lang_header_getter=no_header>
            <Document />
        </I18nContextProvider>
    }
}

#[component]
fn Document() -> impl IntoView {
    let i18n = use_i18n();
    // leptos_meta may run these after the render's reactive owner is gone
    // (under concurrent load): they get plain strings, never the locale signal.
    let site = tu_string!(i18n, site.name);
    let description = tu_string!(i18n, footer.about);
    view! {
        <Stylesheet id="leptos" href="/pkg/piazza.css" />
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Meta name="description" content=description />
        <Title formatter=move |title: String| if title.is_empty() { site.to_string() } else { format!("{title} · {site}") } />
        <Router>
            <a class="skip-link" href="#main">{move || t_string!(i18n, site.skip)}</a>
            <Header />
            <main id="main" class="container" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process") view=ProcessPage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/proposte") view=ProposalListPage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/piattaforme/:platform") view=PlatformPage ssr=SsrMode::Async />
                    <Route path=path!("/proposte/:id") view=ProposalPage ssr=SsrMode::Async />
                    <Route path=path!("/accessibilita") view=AccessibilityPage />
                    <Route path=path!("/privacy") view=PrivacyPage />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}
