//! The document shell, the application root and its routes.

use leptos::prelude::*;
use leptos_i18n::context::{CookieOptions, UseLocalesOptions};
use leptos_meta::{HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::accounts::confirm_email_page::ConfirmEmailPage;
use crate::accounts::forgot_password_page::ForgotPasswordPage;
use crate::accounts::profile::ProfilePage;
use crate::accounts::register_page::RegisterPage;
use crate::accounts::register_sent_page::RegisterSentPage;
use crate::accounts::reset_password_page::ResetPasswordPage;
use crate::accounts::server_fns::get_session;
use crate::accounts::sign_in_page::SignInPage;
use crate::admin::census_page::AdminCensusPage;
use crate::admin::home_page::AdminHomePage;
use crate::admin::legal::{AccessibilityPage, PrivacyPage};
use crate::admin::log_page::AdminLogPage;
use crate::admin::outbox_page::AdminOutboxPage;
use crate::admin::page_edit_page::AdminPageEditPage;
use crate::admin::users_page::AdminUsersPage;
use crate::dup::coverage_page::CoveragePage;
use crate::dup::edition_page::DupEditionPage;
use crate::dup::editions_page::DupEditionsPage;
use crate::dup::monitoring_page::MonitoringPage;
use crate::dup::objective_page::ObjectivePage;
use crate::facilitation::counter_page::CounterPage;
use crate::facilitation::counter_record_page::CounterRecordPage;
use crate::facilitation::dashboard_page::DashboardPage;
use crate::facilitation::moderation_log_page::ModerationLogPage;
use crate::facilitation::moderation_page::ModerationPage;
use crate::facilitation::project_page::ProjectPage;
use crate::http::LANGUAGE_COOKIE;
use crate::i18n::{I18nContextProvider, Locale, t_string, tu_string, use_i18n};
use crate::notifications::list::NotificationsPage;
use crate::participation::edit_proposal_page::EditProposalPage;
use crate::participation::history_page::ProposalHistoryPage;
use crate::participation::new_proposal_page::NewProposalPage;
use crate::participation::platform::PlatformPage;
use crate::participation::proposal_list::ProposalListPage;
use crate::participation::proposal_page::ProposalPage;
use crate::participation::results::ResultsPage;
use crate::participation::thread_page::CommentThreadPage;
use crate::plan::compare_page::PlanComparePage;
use crate::plan::compose_page::PlanComposePage;
use crate::plan::plan_page::PlanPage;
use crate::plan::version_page::PlanVersionPage;
use crate::processes::editor_page::ProcessEditorPage;
use crate::processes::home::HomePage;
use crate::processes::new_process_page::NewProcessPage;
use crate::processes::process_page::ProcessPage;
use crate::ui::layout::{Footer, Header};
use crate::ui::not_found::NotFoundPage;
use crate::ui::session::SessionContext;

/// The HTML document around the application (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="leptos" />
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
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Meta name="description" content=description />
        // The one place that writes the head's title: escaped there (see
        // `head_title`), whatever each page passes.
        <Title formatter=move |title: String| crate::ui::format::head_title(&if title.is_empty() { site.to_string() } else { format!("{title} · {site}") }) />
        <Router>
            <SessionProvider>
            <a class="skip-link" href="#main">{move || t_string!(i18n, site.skip)}</a>
            <Header />
            <main id="main" class="container" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process") view=ProcessPage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/proposte") view=ProposalListPage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/piattaforme/:platform") view=PlatformPage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/proposte/nuova") view=NewProposalPage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/risultati") view=ResultsPage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/cruscotto") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/modifica") view=ProcessEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/amministrazione/percorsi/nuovo") view=NewProcessPage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/moderazione") view=ModerationPage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/registro-moderazione") view=ModerationLogPage ssr=SsrMode::Async />
                    <Route path=path!("/progetti/:id") view=ProjectPage ssr=SsrMode::Async />
                    <Route path=path!("/dup") view=DupEditionsPage ssr=SsrMode::Async />
                    <Route path=path!("/dup/:id") view=DupEditionPage ssr=SsrMode::Async />
                    <Route path=path!("/obiettivi/:id") view=ObjectivePage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/copertura") view=CoveragePage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/monitoraggio") view=MonitoringPage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/piano") view=PlanPage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/piano/componi") view=PlanComposePage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/piano/confronta") view=PlanComparePage ssr=SsrMode::Async />
                    <Route path=path!("/processi/:process/piano/versioni/:n") view=PlanVersionPage ssr=SsrMode::Async />
                    <Route path=path!("/sportello") view=CounterPage ssr=SsrMode::Async />
                    <Route path=path!("/sportello/:id") view=CounterRecordPage ssr=SsrMode::Async />
                    <Route path=path!("/proposte/:id") view=ProposalPage ssr=SsrMode::Async />
                    <Route path=path!("/proposte/:id/modifica") view=EditProposalPage ssr=SsrMode::Async />
                    <Route path=path!("/proposte/:id/versioni") view=ProposalHistoryPage ssr=SsrMode::Async />
                    <Route path=path!("/proposte/:id/discussioni/:commento") view=CommentThreadPage ssr=SsrMode::Async />
                    <Route path=path!("/notifiche") view=NotificationsPage ssr=SsrMode::Async />
                    <Route path=path!("/accessibilita") view=AccessibilityPage ssr=SsrMode::Async />
                    <Route path=path!("/privacy") view=PrivacyPage ssr=SsrMode::Async />
                    <Route path=path!("/accedi") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/registrati") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/registrati/inviata") view=RegisterSentPage ssr=SsrMode::Async />
                    <Route path=path!("/conferma-email") view=ConfirmEmailPage ssr=SsrMode::Async />
                    <Route path=path!("/password-dimenticata") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/reimposta-password") view=ResetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/profilo") view=ProfilePage ssr=SsrMode::Async />
                    <Route path=path!("/amministrazione") view=AdminHomePage ssr=SsrMode::Async />
                    <Route path=path!("/amministrazione/utenti") view=AdminUsersPage ssr=SsrMode::Async />
                    <Route path=path!("/amministrazione/registro") view=AdminLogPage ssr=SsrMode::Async />
                    <Route path=path!("/amministrazione/posta") view=AdminOutboxPage ssr=SsrMode::Async />
                    <Route path=path!("/amministrazione/residenza") view=AdminCensusPage ssr=SsrMode::Async />
                    <Route path=path!("/amministrazione/pagine/:slug") view=AdminPageEditPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <Footer />
            </SessionProvider>
        </Router>
    }
}

/// Loads who is signed in for the header and the pages that need it.
#[component]
fn SessionProvider(children: Children) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let session = Resource::new(
        move || (location.pathname.get(), location.search.get()),
        |_| get_session(),
    );
    provide_context(SessionContext(session));
    children()
}
