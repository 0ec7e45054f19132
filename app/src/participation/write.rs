//! Writing a proposal (with similar proposals suggested), editing it, and
//! its version history.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::model::common::Availability;
use shared::model::participation::SimilarProposal;
use shared::model::{ProcessDetail, ProposalDetail};

use crate::i18n::{tu_string, use_i18n};
use crate::participation::proposal_fns::get_proposal;
use crate::participation::server_fns::{
    CreateProposal, EditProposal, get_proposal_history, similar_proposals, take_form_draft,
};
use crate::participation::widgets::ClosedNote;
use crate::processes::server_fns::get_process;
use crate::ui::format;
use crate::ui::forms::{FormAlert, action_error, field_message};
use crate::ui::labels::StateBadge;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;

/// `/processi/{slug}/proposte/nuova`.
#[component]
pub fn NewProposalPage() -> impl IntoView {
    let params = use_params_map();
    // A form refused without JavaScript comes back with what was typed.
    let detail = Resource::new(
        move || params.read().get("process").unwrap_or_default(),
        |slug| async move {
            let detail = get_process(slug).await?;
            let draft = take_form_draft(format!("proposta-{}", detail.summary.slug))
                .await
                .unwrap_or_default();
            Ok((detail, draft))
        },
    );
    view! { <Loaded resource=detail render=|(detail, draft)| view! { <NewProposalView detail draft /> } /> }
}

/// The suggestions for `text`, as a list of links.
#[component]
fn SimilarList(items: Vec<SimilarProposal>) -> impl IntoView {
    let i18n = use_i18n();
    if items.is_empty() {
        return view! { <p>{tu_string!(i18n, take.similar_none)}</p> }.into_any();
    }
    view! {
        <ul class="similar-list">
            {items.into_iter().map(|p| view! {
                <li>
                    <a href=format!("/proposte/{}", p.id)>{p.title}</a>
                    " " <StateBadge state=p.state /> " "
                    <span class="small">{p.platform}</span>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The value of `field` in a kept draft, if any.
fn drafted(draft: &Draft, field: &str) -> Option<String> {
    draft.get(field).filter(|v| !v.is_empty()).cloned()
}

type Draft = std::collections::BTreeMap<String, String>;

#[component]
fn NewProposalView(detail: ProcessDetail, draft: Draft) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let slug = detail.summary.slug.clone();
    let here = format!("/processi/{slug}/proposte/nuova");
    let title = tu_string!(i18n, take.new_title);
    let action = ServerAction::<CreateProposal>::new();
    let error = action_error(action);
    // The words to compare: from the no-JavaScript search, or the title as typed.
    let typed = RwSignal::new(
        drafted(&draft, "titolo")
            .or_else(|| query.read_untracked().get("simili"))
            .unwrap_or_default(),
    );
    let similar = {
        let slug = slug.clone();
        Resource::new(
            move || typed.get(),
            move |text| {
                let slug = slug.clone();
                async move {
                    if text.trim().chars().count() < 3 {
                        Ok(None)
                    } else {
                        similar_proposals(slug, text).await.map(Some)
                    }
                }
            },
        )
    };
    let preselected =
        drafted(&draft, "piattaforma").or_else(|| query.read_untracked().get("piattaforma"));
    let form = "proposta";
    view! {
        <Title text=title />
        <Breadcrumbs trail=vec![(detail.summary.title.clone(), format!("/processi/{slug}")), (tu_string!(i18n, proposals.title).to_owned(), format!("/processi/{slug}/proposte"))] current=title.to_owned() />
        <h1>{title}</h1>
        <p>{tu_string!(i18n, take.new_intro)}</p>
        {match detail.can_propose.clone() {
            Availability::Open => view! {
                <section class="similar" aria-labelledby="simili-titolo">
                    <h2 id="simili-titolo" class="h4">{tu_string!(i18n, take.similar_title)}</h2>
                    <p>{tu_string!(i18n, take.similar_intro)}</p>
                    <form method="get" action=here.clone() class="similar-search">
                        <label for="simili">{tu_string!(i18n, take.similar_label)}</label>
                        <input class="form-control" type="search" id="simili" name="simili" maxlength="150" value=move || typed.get() />
                        <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, take.similar_check)}</button>
                    </form>
                    <div aria-live="polite" id="simili-risultati">
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                similar.await.ok().flatten().map(|items| view! { <SimilarList items /> })
                            })}
                        </Transition>
                    </div>
                </section>
                <FormAlert error form_id=form />
                <ActionForm action attr:id=form attr:class="proposal-form">
                    <input type="hidden" name="process" value=slug.clone() />
                    <div class="form-group">
                        <label for="proposta-piattaforma">{tu_string!(i18n, field.piattaforma)}</label>
                        <select class="form-control" id="proposta-piattaforma" name="piattaforma" required=true
                            aria-invalid=move || field_message(error, "piattaforma").get().is_some().then_some("true")>
                            <option value="">{tu_string!(i18n, take.platform_choose)}</option>
                            {detail.platforms.iter().map(|p| view! {
                                <option value=p.slug.clone() selected=preselected.as_deref() == Some(p.slug.as_str())>{p.title.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <TitleField form error value=typed.get_untracked() typed />
                    <BodyField form error value=drafted(&draft, "testo").unwrap_or_default() />
                    <PlacementFields form detail=detail.clone() zone=drafted(&draft, "zona") direction=drafted(&draft, "direzione") />
                    <button type="submit" class="btn btn-primary">{tu_string!(i18n, take.publish)}</button>
                </ActionForm>
            }.into_any(),
            other => view! {
                <ClosedNote availability=other sign_in_text=tu_string!(i18n, take.sign_in_to_propose) back=here.clone() />
            }.into_any(),
        }}
    }
}

/// The label, hint and error message of a proposal field, wired for
/// assistive technology around `control` (an input or a textarea).
#[component]
fn ProposalField(
    form: &'static str,
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    error: Signal<Option<crate::ui::api_error::ApiError>>,
    control: fn(ControlProps) -> AnyView,
    value: String,
    #[prop(optional)] typed: Option<RwSignal<String>>,
) -> impl IntoView {
    let message = field_message(error, name);
    let id = format!("{form}-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        Signal::derive(move || match message.get() {
            Some(_) => format!("{hint_id} {error_id}"),
            None => hint_id.clone(),
        })
    };
    let props = ControlProps {
        id: id.clone(),
        value,
        invalid: Signal::derive(move || message.get().is_some()),
        described,
        typed,
    };
    view! {
        <div class="form-group" class:has-error=move || message.get().is_some()>
            <label for=id>{label}</label>
            <p class="form-hint" id=hint_id>{hint}</p>
            {move || message.get().map(|m| view! { <p class="form-error" id=error_id.clone()>{m}</p> })}
            {control(props)}
        </div>
    }
}

/// What a field's control needs from [`ProposalField`].
struct ControlProps {
    id: String,
    value: String,
    invalid: Signal<bool>,
    described: Signal<String>,
    /// Follows what is typed (the title feeds the similar-proposal search).
    typed: Option<RwSignal<String>>,
}

fn title_input(p: ControlProps) -> AnyView {
    let typed = p.typed;
    let invalid = p.invalid;
    view! {
        <input class="form-control" type="text" id=p.id name="titolo" maxlength="150" required=true value=p.value
            aria-invalid=move || invalid.get().then_some("true") aria-describedby=p.described
            on:change=move |ev| if let Some(typed) = typed { typed.set(event_target_value(&ev)) } />
    }
    .into_any()
}

fn body_textarea(p: ControlProps) -> AnyView {
    let invalid = p.invalid;
    view! {
        <textarea class="form-control" id=p.id name="testo" rows="12" maxlength="20000" required=true
            aria-invalid=move || invalid.get().then_some("true") aria-describedby=p.described>{format::textarea_text(&p.value)}</textarea>
    }
    .into_any()
}

#[component]
fn TitleField(
    form: &'static str,
    error: Signal<Option<crate::ui::api_error::ApiError>>,
    value: String,
    #[prop(optional)] typed: Option<RwSignal<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ProposalField form name="titolo" label=tu_string!(i18n, field.titolo) hint=tu_string!(i18n, take.title_hint)
            error control=title_input value typed=typed.unwrap_or_else(|| RwSignal::new(String::new())) />
    }
}

#[component]
fn BodyField(
    form: &'static str,
    error: Signal<Option<crate::ui::api_error::ApiError>>,
    value: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ProposalField form name="testo" label=tu_string!(i18n, field.testo) hint=tu_string!(i18n, take.body_hint)
            error control=body_textarea value />
    }
}

#[component]
fn PlacementFields(
    form: &'static str,
    detail: ProcessDetail,
    zone: Option<String>,
    direction: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let zone_id = format!("{form}-zona");
    let direction_id = format!("{form}-direzione");
    view! {
        {(!detail.zones.is_empty()).then(|| view! {
            <div class="form-group">
                <label for=zone_id.clone()>{tu_string!(i18n, field.zona)}</label>
                <select class="form-control" id=zone_id.clone() name="zona">
                    <option value="">{tu_string!(i18n, take.zone_none)}</option>
                    {detail.zones.iter().map(|z| view! {
                        <option value=z.slug.clone() selected=zone.as_deref() == Some(z.slug.as_str())>{z.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
        })}
        {(!detail.directions.is_empty()).then(|| view! {
            <div class="form-group">
                <label for=direction_id.clone()>{tu_string!(i18n, field.direzione)}</label>
                <select class="form-control" id=direction_id.clone() name="direzione">
                    <option value="">{tu_string!(i18n, take.direction_from_platform)}</option>
                    {detail.directions.iter().map(|d| view! {
                        <option value=d.code.clone() selected=direction.as_deref() == Some(d.code.as_str())>{format!("{}. {}", d.code, d.title)}</option>
                    }).collect_view()}
                </select>
            </div>
        })}
    }
}

/// `/proposte/{id}/modifica`.
#[component]
pub fn EditProposalPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        |id| async move {
            let detail = get_proposal(id.clone()).await?;
            let process = get_process(detail.process.key.clone()).await?;
            let draft = take_form_draft(format!("modifica-{id}"))
                .await
                .unwrap_or_default();
            Ok((detail, process, draft))
        },
    );
    view! { <Loaded resource=data render=|(detail, process, draft)| view! { <EditProposalView detail process draft /> } /> }
}

#[component]
fn EditProposalView(detail: ProposalDetail, process: ProcessDetail, draft: Draft) -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, take.edit_title);
    let action = ServerAction::<EditProposal>::new();
    let error = action_error(action);
    let back = format!("/proposte/{}", detail.id);
    let form = "modifica";
    let direction =
        drafted(&draft, "direzione").or_else(|| detail.direction.as_ref().map(|d| d.key.clone()));
    let zone = drafted(&draft, "zona").or_else(|| detail.zone_key.clone());
    let title_value = drafted(&draft, "titolo").unwrap_or_else(|| detail.title.clone());
    let body_value =
        drafted(&draft, "testo").unwrap_or_else(|| detail.body_md.clone().unwrap_or_default());
    view! {
        <Title text=title />
        <Breadcrumbs trail=vec![(detail.process.name.clone(), format!("/processi/{}", detail.process.key)), (detail.title.clone(), back.clone())] current=title.to_owned() />
        <h1>{title}</h1>
        {match detail.viewer.can_edit.clone() {
            Availability::Open => view! {
                <FormAlert error form_id=form />
                <ActionForm action attr:id=form attr:class="proposal-form">
                    <input type="hidden" name="id" value=detail.id.to_string() />
                    <TitleField form error value=title_value.clone() />
                    <BodyField form error value=body_value.clone() />
                    <PlacementFields form detail=process zone=zone.clone() direction=direction.clone() />
                    <button type="submit" class="btn btn-primary">{tu_string!(i18n, take.save_version)}</button>
                </ActionForm>
            }.into_any(),
            other => view! { <ClosedNote availability=other sign_in_text=tu_string!(i18n, nav.sign_in) back=format!("{back}/modifica") /> }.into_any(),
        }}
        <p><a href=back>{tu_string!(i18n, proposal.back)}</a></p>
    }
}

/// `/proposte/{id}/versioni`.
#[component]
pub fn ProposalHistoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_proposal_history,
    );
    view! {
        <Loaded resource=data render=move |history| {
            let title = tu_string!(i18n, take.history_of, title = history.title.clone()).to_string();
            let back = format!("/proposte/{}", history.id);
            view! {
                <Title text=title.clone() />
                <Breadcrumbs trail=vec![(history.process.name.clone(), format!("/processi/{}", history.process.key)), (history.title.clone(), back.clone())] current=title.clone() />
                <h1>{title}</h1>
                <ol class="versions" reversed=true>
                    {history.versions.into_iter().map(|v| view! {
                        <li class="version">
                            <h2 class="h4">{tu_string!(i18n, take.version, n = v.version).to_string()} " · "
                                <time datetime=v.created_at.to_rfc3339()>{format::date_time(i18n, v.created_at)}</time></h2>
                            <h3 class="h5">{v.title}</h3>
                            {v.zone.map(|z| view! { <p class="small">{tu_string!(i18n, proposal.zone)} ": " {z}</p> })}
                            <div class="prose" inner_html=v.body_html></div>
                        </li>
                    }).collect_view()}
                </ol>
                <p><a href=back>{tu_string!(i18n, proposal.back)}</a></p>
            }
        } />
    }
}
