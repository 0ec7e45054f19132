//! `/processi/{slug}/risultati`: supports per platform and zone, as bar
//! charts drawn on the server and as tables.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::i18n::{tu_string, use_i18n};
use crate::participation::server_fns::get_results;
use crate::participation::widgets::SupportChart;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;

/// The results page.
#[component]
pub fn ResultsPage() -> impl IntoView {
    let params = use_params_map();
    let i18n = use_i18n();
    let data = Resource::new(
        move || params.read().get("process").unwrap_or_default(),
        get_results,
    );
    view! {
        <Loaded resource=data render=move |results| {
            let title = tu_string!(i18n, take.results_of, process = results.process.name.clone()).to_string();
            let mut zones = results.by_zone.clone();
            if results.without_zone.proposals > 0 {
                let mut none = results.without_zone.clone();
                none.name = tu_string!(i18n, take.no_zone).to_owned();
                zones.push(none);
            }
            view! {
                <Title text=title.clone() />
                <Breadcrumbs trail=vec![(results.process.name.clone(), format!("/processi/{}", results.process.key))] current=title.clone() />
                <h1>{title}</h1>
                {if results.visible {
                    view! {
                        <section aria-labelledby="per-piattaforma">
                            <h2 id="per-piattaforma">{tu_string!(i18n, take.by_platform)}</h2>
                            <SupportChart id="grafico-piattaforme" caption=tu_string!(i18n, take.by_platform) what=tu_string!(i18n, field.piattaforma).to_lowercase() rows=results.by_platform.clone() />
                        </section>
                        {(!zones.is_empty()).then(|| view! {
                            <section aria-labelledby="per-zona">
                                <h2 id="per-zona">{tu_string!(i18n, take.by_zone)}</h2>
                                <SupportChart id="grafico-zone" caption=tu_string!(i18n, take.by_zone) what=tu_string!(i18n, field.zona).to_lowercase() rows=zones.clone() />
                            </section>
                        })}
                    }.into_any()
                } else {
                    view! { <p>{tu_string!(i18n, take.results_hidden)}</p> }.into_any()
                }}
            }
        } />
    }
}
