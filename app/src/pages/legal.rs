//! The accessibility statement and the privacy notice, linked from every
//! footer. An administrator can replace the built-in text (Markdown, per language).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::admin::site_page;
use crate::components::layout::Breadcrumbs;
use crate::i18n::{Locale, t_string, tu_string, use_i18n};

/// The administrator's text for `slug` in the current language, if any.
fn edited(slug: &'static str) -> Resource<Option<String>> {
    let i18n = use_i18n();
    let locale = match i18n.get_locale_untracked() {
        Locale::it => "it",
        Locale::en => "en",
    };
    Resource::new(
        move || (),
        move |_| async move {
            site_page(slug.to_owned(), locale.to_owned())
                .await
                .ok()
                .flatten()
                .map(|(_, html)| html)
        },
    )
}

/// Dichiarazione di accessibilità (L. 4/2004, AgID guidelines).
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, legal.accessibility_title);
    let page = edited("accessibilita");
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <h1>{title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match page.await {
                    Some(html) => view! { <div class="prose" inner_html=html></div> }.into_any(),
                    None => view! {
                        <div class="prose">
                            <p>{move || t_string!(i18n, legal.accessibility_intro)}</p>
                            <h2>{move || t_string!(i18n, legal.accessibility_status_title)}</h2>
                            <p>{move || t_string!(i18n, legal.accessibility_status)}</p>
                            <h2>{move || t_string!(i18n, legal.accessibility_feedback_title)}</h2>
                            <p>{move || t_string!(i18n, legal.accessibility_feedback)}</p>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Informativa privacy (GDPR art. 13).
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, legal.privacy_title);
    let page = edited("privacy");
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <h1>{title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match page.await {
                    Some(html) => view! { <div class="prose" inner_html=html></div> }.into_any(),
                    None => view! {
                        <div class="prose">
                            <p>{move || t_string!(i18n, legal.privacy_intro)}</p>
                            <h2>{move || t_string!(i18n, legal.privacy_data_title)}</h2>
                            <p>{move || t_string!(i18n, legal.privacy_data)}</p>
                            <h2>{move || t_string!(i18n, legal.privacy_rights_title)}</h2>
                            <p>{move || t_string!(i18n, legal.privacy_rights)}</p>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
