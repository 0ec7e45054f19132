//! The accessibility statement and the privacy notice, linked from every
//! footer. An administrator can replace the built-in text (Markdown, per language).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::admin::server_fns::site_page;
use crate::i18n::{Locale, t_string, tu_string, use_i18n};
use crate::ui::layout::Breadcrumbs;

/// A page whose text an administrator may replace: their Markdown (sanitized
/// HTML) in the current language if there is one, the built-in text otherwise.
#[component]
fn EditablePage(slug: &'static str, title: &'static str, built_in: ViewFn) -> impl IntoView {
    let i18n = use_i18n();
    let locale = match i18n.get_locale_untracked() {
        Locale::it => "it",
        Locale::en => "en",
    };
    let edited = Resource::new(
        move || (),
        move |_| async move {
            site_page(slug.to_owned(), locale.to_owned())
                .await
                .ok()
                .flatten()
                .map(|(_, html)| html)
        },
    );
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <h1>{title}</h1>
        <Suspense fallback=|| ()>
            {move || {
                let built_in = built_in.clone();
                Suspend::new(async move {
                    match edited.await {
                        Some(html) => view! { <div class="prose" inner_html=html></div> }.into_any(),
                        None => view! { <div class="prose">{built_in.run()}</div> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Dichiarazione di accessibilità (L. 4/2004, AgID guidelines).
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let i18n = use_i18n();
    let built_in = move || {
        view! {
            <p>{move || t_string!(i18n, legal.accessibility_intro)}</p>
            <h2>{move || t_string!(i18n, legal.accessibility_status_title)}</h2>
            <p>{move || t_string!(i18n, legal.accessibility_status)}</p>
            <h2>{move || t_string!(i18n, legal.accessibility_feedback_title)}</h2>
            <p>{move || t_string!(i18n, legal.accessibility_feedback)}</p>
        }
    };
    view! {
        <EditablePage slug="accessibilita" title=tu_string!(i18n, legal.accessibility_title) built_in=ViewFn::from(built_in) />
    }
}

/// Informativa privacy (GDPR art. 13).
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let i18n = use_i18n();
    let built_in = move || {
        view! {
            <p>{move || t_string!(i18n, legal.privacy_intro)}</p>
            <h2>{move || t_string!(i18n, legal.privacy_data_title)}</h2>
            <p>{move || t_string!(i18n, legal.privacy_data)}</p>
            <h2>{move || t_string!(i18n, legal.privacy_rights_title)}</h2>
            <p>{move || t_string!(i18n, legal.privacy_rights)}</p>
        }
    };
    view! {
        <EditablePage slug="privacy" title=tu_string!(i18n, legal.privacy_title) built_in=ViewFn::from(built_in) />
    }
}
