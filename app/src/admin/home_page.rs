//! `/amministrazione`: what administrators can do, and the trail every
//! administration page starts from. Administrators only: the services refuse
//! everyone else, and these pages show that refusal.

use crate::admin::server_fns::counter_budgets;
use crate::i18n::{tu_string, use_i18n};
use crate::ui::api_error::ApiError;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::session::SessionContext;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::model::facilitation::CounterBudget;

pub(crate) fn admin_trail() -> Vec<(String, String)> {
    let i18n = use_i18n();
    vec![(
        tu_string!(i18n, admin.title).to_owned(),
        "/amministrazione".to_owned(),
    )]
}

/// The administration home: what can be done here.
#[component]
pub fn AdminHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, admin.title);
    let session = expect_context::<SessionContext>().0;
    let guard = Resource::new(
        || (),
        move |_| async move {
            match session.await {
                Ok(info) => match info.user {
                    Some(user) if user.is_admin() => Ok(()),
                    Some(_) => Err(ApiError::Forbidden),
                    None => Err(ApiError::Unauthenticated),
                },
                Err(e) => Err(e),
            }
        },
    );
    let budgets = Resource::new(|| (), |_| counter_budgets());
    let links = move |()| {
        view! {
            <ul class="link-list">
                <li><a href="/amministrazione/utenti">{tu_string!(i18n, admin.users_title)}</a></li>
                <li><a href="/amministrazione/registro">{tu_string!(i18n, admin.log_title)}</a></li>
                <li><a href="/amministrazione/posta">{tu_string!(i18n, admin.outbox_title)}</a></li>
                <li><a href="/amministrazione/residenza">{tu_string!(i18n, admin.census_title)}</a></li>
                <li><a href="/amministrazione/percorsi/nuovo">{tu_string!(i18n, facil.new_process)}</a></li>
                <li><a href="/amministrazione/pagine/privacy">{tu_string!(i18n, admin.edit_privacy)}</a></li>
                <li><a href="/amministrazione/pagine/accessibilita">{tu_string!(i18n, admin.edit_accessibility)}</a></li>
            </ul>
        }
    };
    view! {
        <Title text=title />
        <Breadcrumbs current=title.to_owned() />
        <h1>{title}</h1>
        <Loaded resource=guard render=links />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                budgets.await.ok().map(|budgets| view! { <CounterBudgets budgets /> })
            })}
        </Suspense>
    }
}

/// The counter: how many people each staff member recorded, against the
/// daily budget (a staff member at the limit is refused until it frees).
#[component]
fn CounterBudgets(budgets: Vec<CounterBudget>) -> impl IntoView {
    let i18n = use_i18n();
    let max = budgets.first().map_or(0, |b| b.max);
    view! {
        <section aria-labelledby="sportello-titolo">
            <h2 id="sportello-titolo">{tu_string!(i18n, admin.counter_title)}</h2>
            {if budgets.is_empty() {
                view! { <p>{tu_string!(i18n, admin.counter_none)}</p> }.into_any()
            } else {
                view! {
                    <p>{tu_string!(i18n, admin.counter_intro, max = max).to_string()}</p>
                    <table class="table">
                        <thead><tr>
                            <th scope="col">{tu_string!(i18n, admin.counter_staff)}</th>
                            <th scope="col">{tu_string!(i18n, admin.counter_day)}</th>
                            <th scope="col">{tu_string!(i18n, admin.counter_week)}</th>
                        </tr></thead>
                        <tbody>
                            {budgets.into_iter().map(|b| {
                                let full = b.used >= b.max;
                                view! {
                                    <tr>
                                        <th scope="row">{b.staff_name}</th>
                                        <td class:text-danger=full>{format!("{} / {}", b.used, b.max)}</td>
                                        <td>{b.week}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
