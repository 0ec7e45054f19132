//! `/notifiche`: the person's notifications, newest first.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};
use shared::model::participation::{NotificationDto, NotificationKind};

use crate::i18n::{tu_string, use_i18n};
use crate::participation::server_fns::{MarkNotificationsRead, list_notifications};
use crate::ui::format;
use crate::ui::forms::Outcome;
use crate::ui::labels::proposal_state;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;

/// The notifications page (signing in first if needed).
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let page = Resource::new(
        move || (query.read().get("dopo"), location.search.get()),
        |(after, _)| list_notifications(after),
    );
    let i18n = use_i18n();
    let title = tu_string!(i18n, take.notifications_title);
    let mark = ServerAction::<MarkNotificationsRead>::new();
    view! {
        <Title text=title />
        <Breadcrumbs trail=vec![] current=title.to_owned() />
        <h1>{title}</h1>
        <Outcome />
        <Loaded resource=page render=move |page| view! {
            {(page.unread > 0).then(|| view! {
                <ActionForm action=mark>
                    <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, take.mark_all_read)}</button>
                </ActionForm>
            })}
            {page.items.is_empty().then(|| view! { <p>{tu_string!(i18n, take.notifications_empty)}</p> })}
            <ul class="notifications">
                {page.items.into_iter().map(|n| view! { <Notification n /> }).collect_view()}
            </ul>
            {page.next.map(|cursor| view! { <p><a href=format!("/notifiche?dopo={cursor}")>{tu_string!(i18n, take.older)}</a></p> })}
        } />
    }
}

#[component]
fn Notification(n: NotificationDto) -> impl IntoView {
    let i18n = use_i18n();
    let subject = n
        .proposal
        .as_ref()
        .or(n.process.as_ref())
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let text = match n.kind {
        NotificationKind::NewComment => tu_string!(
            i18n,
            take.n_new_comment,
            name = n.detail.clone(),
            subject = subject
        )
        .to_string(),
        NotificationKind::Answer => {
            let state = shared::model::ProposalState::parse(&n.detail)
                .map(|s| proposal_state(i18n, s))
                .unwrap_or_default();
            format!(
                "{} ({state})",
                tu_string!(i18n, take.n_answer, subject = subject)
            )
        }
        NotificationKind::StateChange => {
            let state = shared::model::ProposalState::parse(&n.detail)
                .map(|s| proposal_state(i18n, s))
                .unwrap_or_default();
            format!(
                "{} ({state})",
                tu_string!(i18n, take.n_state_change, subject = subject)
            )
        }
        NotificationKind::PhaseChange => tu_string!(
            i18n,
            take.n_phase_change,
            subject = subject,
            phase = n.detail.clone()
        )
        .to_string(),
        NotificationKind::Merged => tu_string!(
            i18n,
            take.n_merged,
            subject = subject,
            project = n.detail.clone()
        )
        .to_string(),
        NotificationKind::Unmerged => tu_string!(
            i18n,
            take.n_unmerged,
            subject = subject,
            project = n.detail.clone()
        )
        .to_string(),
        NotificationKind::Progress => tu_string!(
            i18n,
            dup.n_progress,
            subject = subject,
            detail = n.detail.clone()
        )
        .to_string(),
    };
    let href = match (&n.proposal, &n.process, n.kind) {
        (Some(p), _, NotificationKind::NewComment) => format!("/proposte/{}#commenti", p.key),
        (_, Some(process), NotificationKind::Progress) => {
            format!("/processi/{}/monitoraggio", process.key)
        }
        (Some(p), _, _) => format!("/proposte/{}", p.key),
        (None, Some(process), _) => format!("/processi/{}", process.key),
        _ => "/".to_owned(),
    };
    view! {
        <li class="notification" class:is-unread=!n.read>
            {(!n.read).then(|| view! { <span class="badge bg-primary">{tu_string!(i18n, take.unread)}</span> " " })}
            <a href=href>{text}</a>
            " · "
            <time datetime=n.created_at.to_rfc3339()>{format::date_time(i18n, n.created_at)}</time>
        </li>
    }
}
