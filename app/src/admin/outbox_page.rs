//! `/amministrazione/posta`: every email the site sent or will send.

use crate::admin::home_page::admin_trail;
use crate::admin::server_fns::outbox;
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::model::accounts::OutboxPage;

/// `/amministrazione/posta`: every email the platform wrote.
#[component]
pub fn AdminOutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, admin.outbox_title);
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("dopo"), outbox);
    view! {
        <Title text=title />
        <Breadcrumbs trail=admin_trail() current=title.to_owned() />
        <h1>{title}</h1>
        <p>{tu_string!(i18n, admin.outbox_intro)}</p>
        <Loaded resource=data render=|page| view! { <OutboxView page /> } />
    }
}

#[component]
fn OutboxView(page: OutboxPage) -> impl IntoView {
    let i18n = use_i18n();
    let empty = page.items.is_empty();
    view! {
        {empty.then(|| view! { <p>{tu_string!(i18n, admin.outbox_empty)}</p> })}
        {page.items.into_iter().map(|mail| {
            let status = match (&mail.delivery, &mail.last_error) {
                (Some(d), _) if d == "smtp" => tu_string!(i18n, admin.mail_sent).to_owned(),
                (Some(_), _) => tu_string!(i18n, admin.mail_logged).to_owned(),
                (None, Some(_)) => tu_string!(i18n, admin.mail_failed).to_owned(),
                (None, None) => tu_string!(i18n, admin.mail_pending).to_owned(),
            };
            view! {
                <article class="card mail">
                    <div class="card-body">
                        <h2 class="h5 card-title">{mail.subject}</h2>
                        <p class="card-meta">
                            {tu_string!(i18n, admin.mail_to)} " " <span class="mail-recipient">{mail.recipient}</span>
                            " · " <time datetime=mail.created_at.to_rfc3339()>{format::date_time(i18n, mail.created_at)}</time>
                            " · " {status}
                        </p>
                        <pre class="mail-body">{mail.body}</pre>
                    </div>
                </article>
            }
        }).collect_view()}
        {page.next.map(|cursor| view! { <p><a rel="next" href=format!("/amministrazione/posta?dopo={cursor}")>{tu_string!(i18n, admin.next_page)}</a></p> })}
    }
}
