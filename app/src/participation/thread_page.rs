//! `/proposte/:id/discussioni/:commento`: a long thread's replies, a page
//! at a time (`risposte=` the cursor), with the same forms as the proposal
//! page, which bring the person back here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};
use shared::model::participation::ThreadPage;

use crate::i18n::{tu_string, use_i18n};
use crate::participation::comments::{Comment, ThreadPlace};
use crate::participation::server_fns::list_replies;
use crate::ui::forms::Outcome;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;

/// `/proposte/{id}/discussioni/{commento}`.
#[component]
pub fn CommentThreadPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let location = use_location();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                params.read().get("commento").unwrap_or_default(),
                query.read().get("risposte"),
                location.search.get(),
            )
        },
        |(proposal, root, cursor, _)| list_replies(proposal, root, cursor),
    );
    view! { <Loaded resource=data render=|page| view! { <ThreadView page /> } /> }
}

#[component]
fn ThreadView(page: ThreadPage) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let cursor = query
        .read_untracked()
        .get("risposte")
        .filter(|c| !c.is_empty());
    let proposal = page.proposal_id.to_string();
    let root = page.thread.id.to_string();
    let back = format!("/proposte/{proposal}");
    let title = tu_string!(i18n, take.thread_of, title = page.proposal_title.clone()).to_string();
    let place = ThreadPlace {
        root: root.clone(),
        cursor: cursor.clone(),
    };
    let first = cursor
        .is_some()
        .then(|| format!("/proposte/{proposal}/discussioni/{root}"));
    let next = page
        .next
        .clone()
        .map(|next| format!("/proposte/{proposal}/discussioni/{root}?risposte={next}"));
    let open = page.can_comment.is_open();
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(page.proposal_title.clone(), back.clone())] current=title.clone() />
        <Outcome />
        <h1>{title}</h1>
        <section class="comments" aria-label=tu_string!(i18n, take.comments)>
            <ol class="comment-list">
                <Comment comment=page.thread proposal=proposal.clone() open moderate=page.can_moderate report=page.can_report place=Some(place) />
            </ol>
            <nav class="comment-pages" aria-label=tu_string!(i18n, take.replies_pages)>
                {first.map(|href| view! { <a href=href>{tu_string!(i18n, take.first_replies)}</a> " " })}
                {next.map(|href| view! { <a href=href>{tu_string!(i18n, take.later_replies)}</a> })}
            </nav>
        </section>
        <p><a href=format!("{back}#commenti")>{tu_string!(i18n, proposal.back)}</a></p>
    }
}
