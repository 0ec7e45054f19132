//! A proposal's comments: the paged threads, each comment with its votes,
//! edit, reply and moderation forms, and the link into a long thread.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};
use shared::model::common::Visibility;
use shared::model::facilitation::TargetKind;
use shared::model::participation::{Alignment, CommentDto, CommentPage, MAX_COMMENT_DEPTH};

use crate::facilitation::moderation_forms::{ModerateForm, ReportForm, VisibilityNote};
use crate::i18n::{tu_string, use_i18n};
use crate::participation::server_fns::{
    DeleteComment, EditComment, PostComment, VoteComment, list_comments,
};
use crate::participation::widgets::ClosedNote;
use crate::ui::format;
use crate::ui::forms::{FormAlert, action_error};

/// How a comment stands, in words.
pub fn alignment_label(alignment: Alignment) -> String {
    let i18n = use_i18n();
    match alignment {
        Alignment::InFavour => tu_string!(i18n, take.favore),
        Alignment::Neutral => tu_string!(i18n, take.neutro),
        Alignment::Against => tu_string!(i18n, take.contro),
    }
    .to_owned()
}

/// The comment threads, paginated by `commenti=`.
#[component]
pub fn Comments(proposal: String, back: String) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let location = use_location();
    let key = proposal.clone();
    let page = Resource::new(
        move || {
            (
                key.clone(),
                query.read().get("commenti"),
                location.search.get(),
            )
        },
        |(proposal, after, _)| list_comments(proposal, after),
    );
    view! {
        <section id="commenti" class="comments" aria-labelledby="commenti-titolo">
            <h2 id="commenti-titolo">{tu_string!(i18n, take.comments)}</h2>
            <Suspense fallback=|| ()>
                {move || {
                    let proposal = proposal.clone();
                    let back = back.clone();
                    Suspend::new(async move {
                        page.await.ok().map(|page| view! { <CommentThreads page proposal back /> })
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn CommentThreads(page: CommentPage, proposal: String, back: String) -> impl IntoView {
    let i18n = use_i18n();
    let post = ServerAction::<PostComment>::new();
    let error = action_error(post);
    let open = page.can_comment.is_open();
    let summary = tu_string!(
        i18n,
        take.comments_count,
        total = page.total,
        favour = page.in_favour,
        neutral = page.neutral,
        against = page.against
    )
    .to_string();
    let next = page
        .next
        .clone()
        .map(|cursor| format!("{back}?commenti={cursor}#commenti"));
    let after_first = use_query_map().read_untracked().get("commenti").is_some();
    let form = if open {
        let proposal = proposal.clone();
        view! {
            <FormAlert error form_id="commento-nuovo" />
            <ActionForm action=post attr:id="commento-nuovo" attr:class="comment-form">
                <input type="hidden" name="proposal" value=proposal />
                <CommentFields form_id="commento-nuovo" />
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, take.comment_submit)}</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! { <ClosedNote availability=page.can_comment.clone() sign_in_text=tu_string!(i18n, take.sign_in_to_comment) back=format!("{back}#commenti") /> }.into_any()
    };
    let empty = page.threads.is_empty();
    let threads = page
        .threads
        .into_iter()
        .map(|c| view! { <Comment comment=c proposal=proposal.clone() open moderate=page.can_moderate report=page.can_report /> })
        .collect_view();
    let first = format!("{back}#commenti");
    view! {
        <p>{summary}</p>
        {form}
        {empty.then_some(view! { <p>{tu_string!(i18n, take.comments_empty)}</p> })}
        <ol class="comment-list">{threads}</ol>
        <nav class="comment-pages" aria-label=tu_string!(i18n, take.comments)>
            {after_first.then_some(view! { <a href=first>{tu_string!(i18n, take.first_comments)}</a> " " })}
            {next.map(|href| view! { <a href=href>{tu_string!(i18n, take.more_comments)}</a> })}
        </nav>
    }
}

/// The text and position fields of a comment form.
#[component]
pub fn CommentFields(#[prop(into)] form_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let text_id = format!("{form_id}-commento");
    let hint_id = format!("{text_id}-hint");
    view! {
        <div class="form-group">
            <label for=text_id.clone()>{tu_string!(i18n, field.commento)}</label>
            <p class="form-hint" id=hint_id.clone()>{tu_string!(i18n, take.comment_hint)}</p>
            <textarea class="form-control" id=text_id name="commento" rows="4" maxlength="5000" required=true aria-describedby=hint_id></textarea>
        </div>
        <fieldset class="form-group alignment">
            <legend>{tu_string!(i18n, take.position)}</legend>
            {Alignment::ALL.into_iter().map(|a| {
                let id = format!("{form_id}-posizione-{}", a.as_str());
                view! {
                    <span class="form-check form-check-inline">
                        <input class="form-check-input" type="radio" name="posizione" id=id.clone() value=a.as_str() checked=a == Alignment::Neutral />
                        <label class="form-check-label" for=id>{alignment_label(a)}</label>
                    </span>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
pub fn Comment(
    comment: CommentDto,
    proposal: String,
    open: bool,
    moderate: bool,
    report: bool,
    /// Set on a thread's own page: its forms come back there.
    #[prop(default = None)]
    place: Option<ThreadPlace>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = comment.id.to_string();
    let anchor = format!("commento-{id}");
    let author = comment
        .author_name
        .clone()
        .unwrap_or_else(|| tu_string!(i18n, take.deleted_user).to_owned());
    let at = comment.created_at;
    let can_reply = open && !comment.deleted && comment.depth < MAX_COMMENT_DEPTH;
    let can_vote = open && !comment.deleted && !comment.mine;
    let alignment = comment.alignment;
    let visibility = comment.visibility;
    let out_of_sight = visibility != Visibility::Visible;
    let veiled = out_of_sight
        && !comment.deleted
        && comment.author_name.is_none()
        && comment.body_html.is_empty();
    let back = match &place {
        Some(place) => format!("{}#{anchor}", place.path(&proposal)),
        None => format!("/proposte/{proposal}#{anchor}"),
    };
    let moderation = (!comment.deleted).then(|| {
        view! {
            {out_of_sight.then(|| view! { <VisibilityNote visibility note=comment.moderation_note.clone() /> })}
            {(report && !comment.mine && !out_of_sight).then(|| view! { <ReportForm kind=TargetKind::Comment id=id.clone() back=back.clone() /> })}
            {moderate.then(|| view! { <ModerateForm kind=TargetKind::Comment id=id.clone() back=back.clone() visibility reports=0 /> })}
        }
    });
    let body = if comment.deleted {
        view! { <p class="tombstone">{tu_string!(i18n, take.tombstone)}</p> }.into_any()
    } else if veiled {
        view! { <p class="tombstone">{tu_string!(i18n, facil.veiled_comment)}</p> }.into_any()
    } else {
        view! {
            <p class="comment-meta">
                <strong>{author.clone()}</strong>
                " · "
                <span class=format!("alignment alignment-{}", alignment.as_str())>{alignment_label(alignment)}</span>
                " · "
                <time datetime=at.to_rfc3339()>{format::date_time(i18n, at)}</time>
                {comment.edited_at.map(|_| view! { " " <span class="edited">{tu_string!(i18n, take.edited_mark)}</span> })}
            </p>
            <div class="prose comment-body" inner_html=comment.body_html.clone()></div>
            <p class="comment-votes small">{tu_string!(i18n, take.votes, up = comment.upvotes, down = comment.downvotes).to_string()}</p>
        }
        .into_any()
    };
    let votes = can_vote.then(|| {
        let vote = ServerAction::<VoteComment>::new();
        let vote_error = action_error(vote);
        let mine = comment.my_vote;
        let buttons = [
            ("su", 1i16, tu_string!(i18n, take.vote_up)),
            ("giu", -1, tu_string!(i18n, take.vote_down)),
        ]
        .into_iter()
        .map(|(value, n, label)| {
            let chosen = mine == Some(n);
            let (proposal, id, here) = (proposal.clone(), id.clone(), place.clone());
            view! {
                <ActionForm action=vote attr:class="inline-form">
                    <input type="hidden" name="proposal" value=proposal />
                    <ThreadFields place=here />
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="voto" value=if chosen { "nessuno" } else { value } />
                    <button type="submit" class="btn btn-sm btn-outline-secondary" aria-pressed=if chosen { "true" } else { "false" }>{label}</button>
                </ActionForm>
            }
        })
        .collect_view();
        view! {
            <FormAlert error=vote_error form_id=format!("voto-{id}") />
            <div class="comment-actions">{buttons}</div>
        }
    });
    let editing = (comment.mine && open).then(|| {
        let edit = ServerAction::<EditComment>::new();
        let edit_error = action_error(edit);
        let delete = ServerAction::<DeleteComment>::new();
        let form_id = format!("modifica-{id}");
        let text_id = format!("{form_id}-commento");
        let (p1, p2, i1, i2) = (proposal.clone(), proposal.clone(), id.clone(), id.clone());
        let (here1, here2) = (place.clone(), place.clone());
        let text = comment.body_md.clone();
        view! {
            <details class="comment-edit">
                <summary>{tu_string!(i18n, take.comment_edit)}</summary>
                <FormAlert error=edit_error form_id=form_id.clone() />
                <ActionForm action=edit attr:id=form_id>
                    <input type="hidden" name="proposal" value=p1 />
                    <ThreadFields place=here1 />
                    <input type="hidden" name="id" value=i1 />
                    <label for=text_id.clone()>{tu_string!(i18n, field.commento)}</label>
                    <textarea class="form-control" id=text_id name="commento" rows="3" maxlength="5000" required=true>{format::textarea_text(&text.unwrap_or_default())}</textarea>
                    <button type="submit" class="btn btn-sm btn-primary">{tu_string!(i18n, take.comment_save)}</button>
                </ActionForm>
                <ActionForm action=delete>
                    <input type="hidden" name="proposal" value=p2 />
                    <ThreadFields place=here2 />
                    <input type="hidden" name="id" value=i2 />
                    <button type="submit" class="btn btn-sm btn-outline-danger">{tu_string!(i18n, take.comment_delete)}</button>
                </ActionForm>
            </details>
        }
    });
    let replying = can_reply.then(|| {
        let reply = ServerAction::<PostComment>::new();
        let reply_error = action_error(reply);
        let form_id = format!("risposta-{id}");
        let (alert_id, fields_id) = (form_id.clone(), form_id.clone());
        let (p, parent, here) = (proposal.clone(), id.clone(), place.clone());
        let summary = tu_string!(i18n, take.reply_to, name = author.clone()).to_string();
        view! {
            <details class="comment-reply">
                <summary>{summary}</summary>
                <FormAlert error=reply_error form_id=alert_id />
                <ActionForm action=reply attr:id=form_id>
                    <input type="hidden" name="proposal" value=p />
                    <ThreadFields place=here />
                    <input type="hidden" name="parent" value=parent />
                    <CommentFields form_id=fields_id />
                    <button type="submit" class="btn btn-sm btn-primary">{tu_string!(i18n, take.reply_submit)}</button>
                </ActionForm>
            </details>
        }
    });
    let replies = (!comment.replies.is_empty()).then(|| {
        let items = comment
            .replies
            .into_iter()
            .map(|c| {
                let here = place.clone();
                view! { <Comment comment=c proposal=proposal.clone() open moderate report place=here /> }
                    .into_any()
            })
            .collect_view();
        view! { <ol class="comment-list replies">{items}</ol> }
    });
    // A long thread continues on its own page.
    let more = comment
        .replies_next
        .clone()
        .filter(|_| comment.more_replies > 0)
        .map(|cursor| {
            let href = format!("/proposte/{proposal}/discussioni/{id}?risposte={cursor}");
            let text =
                tu_string!(i18n, take.more_replies, count = comment.more_replies).to_string();
            view! { <p class="more-replies"><a href=href>{text}</a></p> }
        });
    view! {
        <li class="comment" id=anchor class:is-deleted=comment.deleted>
            {body}
            {moderation}
            {votes}
            {editing}
            {replying}
            {replies}
            {more}
        </li>
    }
}

/// Where a thread's page stands: its first comment and the replies cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct ThreadPlace {
    pub root: String,
    pub cursor: Option<String>,
}

impl ThreadPlace {
    /// The thread page's path (without outcome or anchor).
    pub fn path(&self, proposal: &str) -> String {
        match &self.cursor {
            Some(cursor) => format!(
                "/proposte/{proposal}/discussioni/{}?risposte={cursor}",
                self.root
            ),
            None => format!("/proposte/{proposal}/discussioni/{}", self.root),
        }
    }
}

/// The hidden fields that bring a form back to the thread page it was on.
#[component]
fn ThreadFields(place: Option<ThreadPlace>) -> impl IntoView {
    place.map(|place| {
        view! {
            <input type="hidden" name="discussione" value=place.root />
            {place.cursor.map(|cursor| view! { <input type="hidden" name="risposte" value=cursor /> })}
        }
    })
}
