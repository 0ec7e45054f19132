//! `/processi/:process/proposte/nuova`: writing a proposal, with similar
//! proposals suggested.

use crate::i18n::{tu_string, use_i18n};
use crate::participation::proposal_fields::{
    BodyField, Draft, PlacementFields, TitleField, drafted,
};
use crate::participation::server_fns::{CreateProposal, similar_proposals, take_form_draft};
use crate::participation::widgets::ClosedNote;
use crate::processes::server_fns::get_process;
use crate::ui::forms::{FormAlert, action_error, field_message};
use crate::ui::labels::StateBadge;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::model::ProcessDetail;
use shared::model::common::Availability;
use shared::model::participation::SimilarProposal;

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
