//! One proposal: its text, images and official answer; supporting,
//! following, the author's and facilitators' actions; and the comments.

use leptos::prelude::*;
use shared::model::dup::PlanItem;

use crate::dup::plan_links::PlanLinks;
use crate::participation::comments::Comments;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};
use shared::model::ProposalDetail;
use shared::model::common::Availability;
use shared::model::participation::ANSWER_STATES;

use crate::facilitation::moderation_forms::{ModerateForm, ReportForm, VisibilityNote};
use crate::i18n::{t_string, tu_string, use_i18n};
use crate::participation::proposal_fns::get_proposal;
use crate::participation::server_fns::{
    AnswerProposal, FollowProposal, GiveSupport, RemoveImage, WithdrawProposal, WithdrawSupport,
};
use crate::participation::widgets::ClosedNote;
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::labels::{StateBadge, proposal_state};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use shared::model::common::Visibility;
use shared::model::facilitation::TargetKind;

/// The proposal page.
#[component]
pub fn ProposalPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    // Reloaded after every action (each redirect sets a new `esito`).
    let detail = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                location.search.get(),
            )
        },
        |(id, _)| get_proposal(id),
    );
    view! { <Loaded resource=detail render=|detail| view! { <ProposalView detail /> } /> }
}

#[component]
fn ProposalView(detail: ProposalDetail) -> impl IntoView {
    let i18n = use_i18n();
    let id = detail.id.to_string();
    let here = format!("/proposte/{id}");
    let process_href = format!("/processi/{}", detail.process.key);
    let list_href = format!("/processi/{}/proposte", detail.process.key);
    let platform_href = format!(
        "/processi/{}/piattaforme/{}",
        detail.process.key, detail.platform.key
    );
    let published = detail.published_at.date_naive();
    let veiled = detail.title.is_empty();
    let title = if veiled {
        tu_string!(i18n, facil.veiled_proposal).to_owned()
    } else {
        detail.title.clone()
    };
    let author = detail.author_name.clone();
    let viewer = detail.viewer.clone();
    let edited = detail.version > 1;
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(detail.process.name.clone(), process_href), (tu_string!(i18n, proposals.title).to_owned(), list_href.clone())] current=title.clone() />
        <Outcome />
        <article class="proposal" id="contenuto">
            <p class="card-meta"><StateBadge state=detail.state /></p>
            <h1>{title}</h1>
            <VisibilityNote visibility=detail.visibility note=detail.moderation_note.clone() />
            {detail.project.clone().map(|project| view! {
                <div class="callout note" id="progetto">
                    <p>{tu_string!(i18n, facil.merged_into)} " "
                        <a href=format!("/progetti/{}", project.key)>{project.name}</a></p>
                </div>
            })}
            <div class="row">
                <div class="col-12 col-lg-8">
                    <div class="prose" inner_html=detail.body_html.clone()></div>
                    {edited.then_some(view! {
                        <p class="small"><a href=format!("/proposte/{id}/versioni")>{tu_string!(i18n, take.history)}</a>
                        " (" {tu_string!(i18n, take.version, n = detail.version).to_string()} ")"</p>
                    })}
                    <Images detail=detail.clone() />
                    {detail.answer.clone().map(|answer| view! {
                        <section class="answer callout" id="risposta" aria-labelledby="risposta-titolo">
                            <h2 id="risposta-titolo" class="h4">{tu_string!(i18n, take.answer_title)}</h2>
                            <p><StateBadge state=answer.state /> " "
                                {tu_string!(i18n, take.answered_on, date = format::date(i18n, answer.answered_at.date_naive())).to_string()}</p>
                            <div class="prose" inner_html=answer.body_html></div>
                        </section>
                    })}
                </div>
                <aside class="col-12 col-lg-4" aria-labelledby="details">
                    <h2 id="details" class="h5">{move || t_string!(i18n, proposal.details)}</h2>
                    <ul class="stats">
                        {detail.support_count.map(|n| {
                            let count = RwSignal::new(n.max(0) as u64);
                            let proposal = id.clone();
                            // With JavaScript, the count follows other people's supports live.
                            Effect::new(move |_| live_supports(&proposal, count));
                            view! {
                                <li class="stat">
                                    <span class="stat-value">{move || format::number(i18n, count.get())}</span>
                                    " "
                                    <span class="stat-label">{move || t_string!(i18n, proposal.supports)}</span>
                                </li>
                            }
                        })}
                        <li class="stat">
                            <span class="stat-value">{format::number(i18n, detail.comment_count.max(0) as u64)}</span>
                            " "
                            <span class="stat-label">{tu_string!(i18n, take.comments)}</span>
                        </li>
                    </ul>
                    {detail.support_count.is_none().then_some(view! { <p class="small">{tu_string!(i18n, proposals.counts_hidden)}</p> })}
                    <SupportBox detail=detail.clone() back=here.clone() />
                    <FollowBox id=id.clone() signed_in=viewer.signed_in follows=viewer.follows />
                    <dl class="facts">
                        <dt>{move || t_string!(i18n, proposal.author)}</dt>
                        <dd>{move || author.clone().unwrap_or_else(|| tu_string!(i18n, proposal.deleted_author).to_owned())}</dd>
                        <dt>{move || t_string!(i18n, proposal.published)}</dt>
                        <dd><time datetime=published.to_string()>{move || format::date(i18n, published)}</time></dd>
                        <dt>{move || t_string!(i18n, proposal.platform)}</dt>
                        <dd><a href=platform_href>{detail.platform.name.clone()}</a></dd>
                        {detail.direction.clone().map(|d| view! {
                            <dt>{move || t_string!(i18n, proposal.direction)}</dt>
                            <dd>{d.key} ". " {d.name}</dd>
                        })}
                        <dt>{move || t_string!(i18n, proposal.zone)}</dt>
                        <dd>{match detail.zone.clone() {
                            Some(z) => z.name.into_any(),
                            None => (move || t_string!(i18n, proposal.no_zone)).into_any(),
                        }}</dd>
                    </dl>
                    {detail.assisted.then_some(view! { <p class="small assisted-note">{tu_string!(i18n, facil.assisted_note)}</p> })}
                    <AuthorActions detail=detail.clone() />
                    {viewer.can_report.then(|| view! { <ReportForm kind=TargetKind::Proposal id=id.clone() back=format!("/proposte/{id}#segnala") /> })}
                    {(viewer.reported && detail.visibility == Visibility::Visible).then_some(view! { <p class="small">{tu_string!(i18n, facil.reported_already)}</p> })}
                    {viewer.can_moderate.then(|| view! {
                        <div id="modera">
                            <ModerateForm kind=TargetKind::Proposal id=id.clone() back=format!("/proposte/{id}#modera") visibility=detail.visibility reports=0 />
                        </div>
                    })}
                </aside>
            </div>
            {viewer.can_answer.then_some(view! { <AnswerForm detail=detail.clone() /> })}
            {(detail.visibility == Visibility::Visible).then(|| view! { <PlanLinks item=PlanItem::Proposal(detail.id) /> })}
            <Comments proposal=id.clone() back=here />
            <p><a href=list_href>{move || t_string!(i18n, proposal.back)}</a></p>
        </article>
    }
}

/// The images, and for the author the upload form.
#[component]
fn Images(detail: ProposalDetail) -> impl IntoView {
    let i18n = use_i18n();
    let remove = ServerAction::<RemoveImage>::new();
    let remove_error = action_error(remove);
    let query = use_query_map();
    let upload_error = move || {
        query
            .read()
            .get("errore-immagine")
            .map(|problem| match problem.as_str() {
                "troppo-grande" => tu_string!(i18n, problem.too_large, max = 5).to_string(),
                "troppi-pixel" => tu_string!(i18n, problem.too_many_pixels, max = 24).to_string(),
                "descrizione" => format!(
                    "«{}» {}",
                    tu_string!(i18n, take.image_alt_label),
                    tu_string!(i18n, problem.too_short, min = 3)
                ),
                _ => format!(
                    "«{}» {}",
                    tu_string!(i18n, field.immagine),
                    tu_string!(i18n, problem.malformed)
                ),
            })
    };
    let id = detail.id.to_string();
    let can_attach = detail.viewer.can_attach;
    let has_images = !detail.images.is_empty();
    (has_images || can_attach).then_some(view! {
        <section id="immagini" aria-labelledby="immagini-titolo" class="images">
            <h2 id="immagini-titolo" class="h4">{tu_string!(i18n, take.images)}</h2>
            <FormAlert error=remove_error form_id="immagini" />
            <div class="row">
                {detail.images.iter().map(|image| {
                    let src = format!("/immagini/{}", image.id);
                    let proposal = id.clone();
                    let image_id = image.id.to_string();
                    view! {
                        <figure class="col-12 col-md-6">
                            <img src=src alt=image.alt_text.clone() class="img-fluid" loading="lazy" />
                            {can_attach.then_some(view! {
                                <ActionForm action=remove>
                                    <input type="hidden" name="proposal" value=proposal />
                                    <input type="hidden" name="id" value=image_id />
                                    <button type="submit" class="btn btn-sm btn-outline-danger">{tu_string!(i18n, take.image_remove)}</button>
                                </ActionForm>
                            })}
                        </figure>
                    }
                }).collect_view()}
            </div>
            {can_attach.then_some(view! {
                <form method="post" enctype="multipart/form-data" action=format!("/proposte/{id}/immagini") class="image-upload" id="immagine-nuova">
                    <h3 class="h5">{tu_string!(i18n, take.image_add)}</h3>
                    {move || upload_error().map(|message| view! { <p class="form-error" role="alert" id="immagine-nuova-error">{message}</p> })}
                    <div class="form-group">
                        <label for="immagine-nuova-file">{tu_string!(i18n, field.immagine)}</label>
                        <p class="form-hint" id="immagine-nuova-file-hint">{tu_string!(i18n, take.image_hint)}</p>
                        <input class="form-control" type="file" id="immagine-nuova-file" name="immagine" accept="image/png,image/jpeg,image/webp" required=true aria-describedby="immagine-nuova-file-hint" />
                    </div>
                    <div class="form-group">
                        <label for="immagine-nuova-descrizione">{tu_string!(i18n, take.image_alt_label)}</label>
                        <p class="form-hint" id="immagine-nuova-descrizione-hint">{tu_string!(i18n, take.image_alt_hint)}</p>
                        <input class="form-control" type="text" id="immagine-nuova-descrizione" name="descrizione" maxlength="300" required=true aria-describedby="immagine-nuova-descrizione-hint" />
                    </div>
                    <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, take.image_upload)}</button>
                </form>
            })}
        </section>
    })
}

/// Supporting: the button, the withdrawal, or why not.
#[component]
fn SupportBox(detail: ProposalDetail, back: String) -> impl IntoView {
    let i18n = use_i18n();
    let give = ServerAction::<GiveSupport>::new();
    let withdraw = ServerAction::<WithdrawSupport>::new();
    let give_error = action_error(give);
    let withdraw_error = action_error(withdraw);
    let error = Signal::derive(move || give_error.get().or_else(|| withdraw_error.get()));
    let viewer = detail.viewer;
    let id = detail.id.to_string();
    let give_id = id.clone();
    view! {
        <section id="sostegno" class="support-box" aria-labelledby="sostegno-titolo">
            <h2 id="sostegno-titolo" class="h5">{tu_string!(i18n, take.support_title)}</h2>
            <FormAlert error form_id="sostegno" />
            {viewer.supported.then_some(view! { <p class="supported"><strong>{tu_string!(i18n, take.supported)}</strong></p> })}
            {match viewer.can_support.clone() {
                Availability::Open => view! {
                    <ActionForm action=give>
                        <input type="hidden" name="id" value=give_id />
                        <button type="submit" class="btn btn-primary">{tu_string!(i18n, take.support)}</button>
                    </ActionForm>
                }.into_any(),
                other if !viewer.supported => view! {
                    <ClosedNote availability=other sign_in_text=tu_string!(i18n, take.sign_in_to_support) back=back.clone() />
                }.into_any(),
                _ => ().into_any(),
            }}
            {viewer.can_withdraw_support.then_some(view! {
                <ActionForm action=withdraw>
                    <input type="hidden" name="id" value=id.clone() />
                    <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, take.withdraw_support)}</button>
                </ActionForm>
            })}
            {viewer.supports_used.map(|(used, limit)| view! {
                <p class="small">{tu_string!(i18n, take.supports_used, used = used, limit = limit).to_string()}</p>
            })}
        </section>
    }
}

#[component]
fn FollowBox(id: String, signed_in: bool, follows: bool) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<FollowProposal>::new();
    let error = action_error(action);
    signed_in.then_some(view! {
        <section id="segui" class="follow-box">
            <FormAlert error form_id="segui" />
            {follows.then_some(view! { <p class="small">{tu_string!(i18n, take.following)}</p> })}
            <ActionForm action>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="segui" value=if follows { "no" } else { "si" } />
                <button type="submit" class="btn btn-sm btn-outline-secondary">
                    {if follows { tu_string!(i18n, take.unfollow) } else { tu_string!(i18n, take.follow) }}
                </button>
            </ActionForm>
        </section>
    })
}

#[component]
fn AuthorActions(detail: ProposalDetail) -> impl IntoView {
    let i18n = use_i18n();
    let withdraw = ServerAction::<WithdrawProposal>::new();
    let error = action_error(withdraw);
    let viewer = detail.viewer;
    let id = detail.id.to_string();
    viewer.is_author.then_some(view! {
        <section class="author-actions" id="autore">
            <FormAlert error form_id="autore" />
            {match viewer.can_edit.clone() {
                Availability::Open => view! {
                    <p><a class="btn btn-outline-primary" href=format!("/proposte/{id}/modifica")>{tu_string!(i18n, take.edit)}</a></p>
                }.into_any(),
                Availability::Refused(refusal) => view! {
                    <p class="small">{crate::ui::labels::refusal_text(&refusal)}</p>
                }.into_any(),
                Availability::SignInNeeded => ().into_any(),
            }}
            {viewer.can_withdraw.then_some(view! {
                <details class="danger-zone">
                    <summary>{tu_string!(i18n, take.withdraw)}</summary>
                    <p>{tu_string!(i18n, take.withdraw_confirm)}</p>
                    <ActionForm action=withdraw>
                        <input type="hidden" name="id" value=id.clone() />
                        <button type="submit" class="btn btn-outline-danger">{tu_string!(i18n, take.withdraw)}</button>
                    </ActionForm>
                </details>
            })}
        </section>
    })
}

#[component]
fn AnswerForm(detail: ProposalDetail) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AnswerProposal>::new();
    let error = action_error(action);
    let id = detail.id.to_string();
    view! {
        <section class="answer-form" aria-labelledby="rispondi-titolo">
            <details>
                <summary id="rispondi-titolo">{tu_string!(i18n, take.answer_form)}</summary>
                <FormAlert error form_id="rispondi" />
                <ActionForm action attr:id="rispondi">
                    <input type="hidden" name="id" value=id />
                    <div class="form-group">
                        <label for="rispondi-stato">{tu_string!(i18n, field.stato)}</label>
                        <select class="form-control" id="rispondi-stato" name="stato">
                            {ANSWER_STATES.iter().map(|state| view! {
                                <option value=state.as_str() selected=*state == detail.state>{proposal_state(i18n, *state)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="form-group">
                        <label for="rispondi-risposta">{tu_string!(i18n, field.risposta)}</label>
                        <p class="form-hint" id="rispondi-risposta-hint">{tu_string!(i18n, take.answer_hint)}</p>
                        <textarea class="form-control" id="rispondi-risposta" name="risposta" rows="5" maxlength="10000" aria-describedby="rispondi-risposta-hint">{format::textarea_text(&detail.answer_md.clone().unwrap_or_default())}</textarea>
                    </div>
                    <button type="submit" class="btn btn-primary">{tu_string!(i18n, take.answer_submit)}</button>
                </ActionForm>
            </details>
        </section>
    }
}

/// Keeps `count` up to date from the server's event stream of this
/// proposal's supports, until the page is left.
#[cfg(feature = "hydrate")]
fn live_supports(proposal: &str, count: RwSignal<u64>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Ok(source) = web_sys::EventSource::new(&format!("/proposte/{proposal}/eventi")) else {
        return;
    };
    let on_change =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(n) = event.data().as_string().and_then(|d| d.parse::<u64>().ok()) {
                count.set(n);
            }
        });
    let _ = source.add_event_listener_with_callback("sostegni", on_change.as_ref().unchecked_ref());
    let source = send_wrapper::SendWrapper::new((source, on_change));
    on_cleanup(move || source.0.close());
}

/// Without JavaScript the page shows the count of when it was loaded.
#[cfg(not(feature = "hydrate"))]
fn live_supports(_proposal: &str, _count: RwSignal<u64>) {}
