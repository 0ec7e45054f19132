//! `/processi/:process/piano/versioni/:n`: one version of the plan.

use crate::i18n::{tu_string, use_i18n};
use crate::plan::server_fns::{RedactPlanEntry, get_plan_version};
use crate::plan::widgets::{VersionBody, approval_sentence, plan_href};
use crate::ui::forms::Outcome;
use crate::ui::forms::{FormAlert, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::params::process_param;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};
use shared::model::plan::{PlanVersionView, RedactableEntry};

/// One saved version.
#[component]
pub fn PlanVersionPage() -> impl IntoView {
    let process = process_param();
    let params = use_params_map();
    let location = use_location();
    let data = Resource::new(
        move || {
            (
                process.get(),
                params
                    .read()
                    .get("n")
                    .and_then(|n| n.parse::<i32>().ok())
                    .unwrap_or(0),
                location.search.get(),
            )
        },
        |(process, n, _)| get_plan_version(process, n),
    );
    view! {
        <Loaded resource=data render=move |shown| {
            let slug = process.get_untracked();
            view! { <VersionPageView slug shown /> }
        } />
    }
}

#[component]
fn VersionPageView(slug: String, shown: PlanVersionView) -> impl IntoView {
    let i18n = use_i18n();
    let process = shown.document.process.name.clone();
    let plan_title = tu_string!(i18n, plan.of, process = process.clone()).to_string();
    let title = format!(
        "{} · {}",
        tu_string!(i18n, plan.version_n, n = shown.summary.number),
        plan_title
    );
    let approval = shown.approval.clone();
    let redactable = shown.redactable.clone();
    let number = shown.summary.number;
    view! {
        <Title text=title.clone() />
        <Breadcrumbs
            trail=vec![(process, format!("/processi/{slug}")), (plan_title, plan_href(&slug))]
            current=tu_string!(i18n, plan.version_n, n = shown.summary.number).to_string()
        />
        <Outcome />
        <h1>{title}</h1>
        {approval.as_ref().map(|a| view! { <div class="callout success" role="note"><p>{approval_sentence(a)}</p></div> })}
        {(!shown.summary.note.is_empty()).then(|| view! { <p><strong>{tu_string!(i18n, plan.note)} ": "</strong>{shown.summary.note.clone()}</p> })}
        <p><a href=plan_href(&slug)>{tu_string!(i18n, plan.back)}</a></p>
        <VersionBody slug=slug.clone() shown heading_level=0 />
        {(!redactable.is_empty()).then(|| view! { <RedactForm slug=slug.clone() number entries=redactable /> })}
    }
}

/// For moderators: omit an entry from this saved version (personal data
/// in a proposal hidden since, say), with a reason every reader sees.
#[component]
fn RedactForm(slug: String, number: i32, entries: Vec<RedactableEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let redact = ServerAction::<RedactPlanEntry>::new();
    let error = action_error(redact);
    view! {
        <section id="omissioni" class="redaction" aria-labelledby="omissioni-titolo">
            <h2 id="omissioni-titolo">{tu_string!(i18n, plan.redact_title)}</h2>
            <p>{tu_string!(i18n, plan.redact_intro)}</p>
            <FormAlert error form_id="omissione" />
            <ActionForm action=redact attr:id="omissione">
                <input type="hidden" name="process" value=slug />
                <input type="hidden" name="versione" value=number.to_string() />
                <div class="form-group">
                    <label for="omissione-voce">{tu_string!(i18n, plan.redact_entry)}</label>
                    <select class="form-control" id="omissione-voce" name="voce" required=true>
                        {entries.into_iter().map(|e| {
                            let label = if e.now_out_of_sight {
                                tu_string!(i18n, plan.redact_hidden_entry, title = e.title.clone()).to_string()
                            } else {
                                e.title.clone()
                            };
                            view! { <option value=e.id.to_string()>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="form-group">
                    <label for="omissione-motivo">{tu_string!(i18n, plan.redact_reason)}</label>
                    <p class="form-hint" id="omissione-motivo-hint">{tu_string!(i18n, plan.redact_reason_hint)}</p>
                    <input class="form-control" type="text" id="omissione-motivo" name="motivo" minlength="5" maxlength="300" required=true aria-describedby="omissione-motivo-hint" />
                </div>
                <button type="submit" class="btn btn-outline-danger">{tu_string!(i18n, plan.redact_submit)}</button>
            </ActionForm>
        </section>
    }
}
