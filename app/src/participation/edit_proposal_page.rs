//! `/proposte/:id/modifica`: the author edits a proposal.

use crate::i18n::{tu_string, use_i18n};
use crate::participation::proposal_fields::{
    BodyField, Draft, PlacementFields, TitleField, drafted,
};
use crate::participation::proposal_fns::get_proposal;
use crate::participation::server_fns::{EditProposal, take_form_draft};
use crate::participation::widgets::ClosedNote;
use crate::processes::server_fns::get_process;
use crate::ui::forms::{FormAlert, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::model::common::Availability;
use shared::model::{ProcessDetail, ProposalDetail};

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
