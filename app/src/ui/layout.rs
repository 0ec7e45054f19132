//! The header, footer and breadcrumbs every page shares (Bootstrap Italia).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::accounts::server_fns::SignOut;
use crate::i18n::{Locale, t_string, tu_string, use_i18n};
use crate::ui::session::SessionContext;

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The three header bands: slim (language), centre (brand), navbar.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let back = move || {
        // Leptos gives the query without its leading `?`.
        let search = location.search.get();
        let search = search.trim_start_matches('?');
        let path = location.pathname.get();
        encode_query_value(&if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        })
    };
    let is_home = move || location.pathname.get() == "/";
    let language_link = move |locale: Locale, code: &'static str, short: &'static str| {
        let current = move || i18n.get_locale() == locale;
        view! {
            <li>
                <a
                    href=move || format!("/lingua/{code}?torna={}", back())
                    rel="external"
                    lang=code
                    hreflang=code
                    aria-current=move || current().then_some("true")
                    class:active=current
                >
                    <span aria-hidden="true">{short}</span>
                    <span class="visually-hidden">
                        {move || match locale {
                            Locale::it => tu_string!(i18n, nav.italian),
                            Locale::en => tu_string!(i18n, nav.english),
                        }}
                    </span>
                </a>
            </li>
        }
    };
    view! {
        <header class="it-header-wrapper">
            <div class="it-header-slim-wrapper">
                <div class="container">
                    <div class="it-header-slim-wrapper-content">
                        <span class="it-header-slim-brand">{move || t_string!(i18n, site.slim_brand)}</span>
                        <nav class="it-header-slim-right-zone" aria-label=move || t_string!(i18n, nav.language)>
                            <ul class="language-list">
                                {language_link(Locale::it, "it", "ITA")} {language_link(Locale::en, "en", "ENG")}
                            </ul>
                        </nav>
                        <AccountArea />
                    </div>
                </div>
            </div>
            <div class="it-header-center-wrapper">
                <div class="container">
                    <div class="it-header-center-content-wrapper">
                        <div class="it-brand-wrapper">
                            <a href="/">
                                <div class="it-brand-text">
                                    <div class="it-brand-title">{move || t_string!(i18n, site.name)}</div>
                                    <div class="it-brand-tagline">{move || t_string!(i18n, site.tagline)}</div>
                                </div>
                            </a>
                        </div>
                    </div>
                </div>
            </div>
            <div class="it-header-navbar-wrapper">
                <div class="container">
                    <nav class="navbar" aria-label=move || t_string!(i18n, nav.main_menu)>
                        <ul class="navbar-nav">
                            <li class="nav-item">
                                <a class="nav-link" class:active=is_home aria-current=move || is_home().then_some("page") href="/">
                                    {move || t_string!(i18n, nav.processes)}
                                </a>
                            </li>
                            <AdminNavItem />
                        </ul>
                    </nav>
                </div>
            </div>
        </header>
        <DemoBanner />
    }
}

/// Sign in / register, or the person's name, profile link and sign-out button.
#[component]
fn AccountArea() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<SessionContext>().0;
    let location = use_location();
    let sign_out = ServerAction::<SignOut>::new();
    let sign_in_href = move || {
        let path = location.pathname.get();
        if path == "/accedi" || path.starts_with("/registrati") {
            "/accedi".to_owned()
        } else {
            let search = location.search.get();
            let search = search.trim_start_matches('?');
            let here = if search.is_empty() {
                path
            } else {
                format!("{path}?{search}")
            };
            format!("/accedi?torna={}", encode_query_value(&here))
        }
    };
    view! {
        <div class="it-header-slim-account">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let unread = session.await.ok().map(|s| s.unread_notifications).unwrap_or(0);
                    match session.await.ok().and_then(|s| s.user) {
                        Some(user) => view! {
                            <a class="account-notifications" href="/notifiche">
                                {tu_string!(i18n, nav.notifications)}
                                {(unread > 0).then(|| view! {
                                    " " <span class="badge bg-light text-dark">{unread}<span class="visually-hidden">" " {tu_string!(i18n, take.unread)}</span></span>
                                })}
                            </a>
                            <a class="account-name" href="/profilo">
                                <span class="visually-hidden">{tu_string!(i18n, nav.profile_of)} " "</span>
                                {user.display_name}
                            </a>
                            <ActionForm action=sign_out attr:class="inline-form">
                                <button type="submit" class="btn btn-sm btn-light">{tu_string!(i18n, nav.sign_out)}</button>
                            </ActionForm>
                        }.into_any(),
                        None => view! {
                            <a class="btn btn-sm btn-light" href=sign_in_href>{tu_string!(i18n, nav.sign_in)}</a>
                            <a class="account-register" href="/registrati">{tu_string!(i18n, nav.register)}</a>
                        }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// The administration link, for administrators.
#[component]
fn AdminNavItem() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<SessionContext>().0;
    let location = use_location();
    let here = move || location.pathname.get().starts_with("/amministrazione");
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let user = session.await.ok().and_then(|s| s.user);
                let is_admin = user.as_ref().is_some_and(|u| u.is_admin());
                let is_staff = user.as_ref().is_some_and(|u| u.is_admin() || u.is_staff());
                let at_counter = move || location.pathname.get().starts_with("/sportello");
                view! {
                    {is_staff.then(|| view! {
                        <li class="nav-item">
                            <a class="nav-link" class:active=at_counter aria-current=move || at_counter().then_some("page") href="/sportello">
                                {tu_string!(i18n, facil.counter)}
                            </a>
                        </li>
                    })}
                    {is_admin.then(|| view! {
                        <li class="nav-item">
                            <a class="nav-link" class:active=here aria-current=move || here().then_some("page") href="/amministrazione">
                                {tu_string!(i18n, nav.admin)}
                            </a>
                        </li>
                    })}
                }
            })}
        </Transition>
    }
}

/// Says so on every page when the instance runs on demo data.
#[component]
fn DemoBanner() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<SessionContext>().0;
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let demo = session.await.map(|s| s.demo_mode).unwrap_or(false);
                demo.then(|| view! {
                    <div class="demo-banner" role="note">
                        <div class="container">
                            <strong>{tu_string!(i18n, demo.title)}</strong> " " {tu_string!(i18n, demo.text)}
                            " " <a href="/accedi">{tu_string!(i18n, demo.try_link)}</a>
                        </div>
                    </div>
                })
            })}
        </Transition>
    }
}

/// The footer, with the accessibility statement and privacy notice links.
#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="it-footer">
            <div class="it-footer-main">
                <div class="container">
                    <div class="row">
                        <div class="col-12 col-lg-8">
                            <h2 class="h6">{move || t_string!(i18n, footer.about_title)}</h2>
                            <p>{move || t_string!(i18n, footer.about)}</p>
                        </div>
                        <div class="col-12 col-lg-4">
                            <h2 class="h6">{move || t_string!(i18n, footer.rights_title)}</h2>
                            <p>{move || t_string!(i18n, footer.license)}</p>
                        </div>
                    </div>
                </div>
            </div>
            <div class="it-footer-small-prints">
                <div class="container">
                    <ul class="it-footer-small-prints-list">
                        <li>
                            <a href="/accessibilita">{move || t_string!(i18n, footer.accessibility)}</a>
                        </li>
                        <li>
                            <a href="/privacy">{move || t_string!(i18n, footer.privacy)}</a>
                        </li>
                        <li>
                            <a href="/dup">{move || t_string!(i18n, footer.dup)}</a>
                        </li>
                        <li>
                            // Served by the API, not a page of the app: a full navigation.
                            <a href="/api/v1/docs" rel="external">{move || t_string!(i18n, footer.api)}</a>
                        </li>
                    </ul>
                </div>
            </div>
        </footer>
    }
}

/// Breadcrumbs: links to the ancestors, then the current page's name.
#[component]
pub fn Breadcrumbs(
    #[prop(optional)] trail: Vec<(String, String)>,
    #[prop(into)] current: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="breadcrumb-container" aria-label=move || t_string!(i18n, nav.breadcrumb)>
            <ol class="breadcrumb">
                <li class="breadcrumb-item">
                    <a href="/">{move || t_string!(i18n, nav.home)}</a>
                    <span class="separator" aria-hidden="true">"/"</span>
                </li>
                {trail
                    .into_iter()
                    .map(|(name, href)| {
                        view! {
                            <li class="breadcrumb-item">
                                <a href=href>{name}</a>
                                <span class="separator" aria-hidden="true">"/"</span>
                            </li>
                        }
                    })
                    .collect_view()}
                <li class="breadcrumb-item active" aria-current="page">{current}</li>
            </ol>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::encode_query_value;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode_query_value("/processi/a?zona=b&x=è"),
            "/processi/a%3Fzona%3Db%26x%3D%C3%A8"
        );
    }
}
