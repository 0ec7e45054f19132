//! `/processi/:process/piano`: the final plan, its versions, the comparison
//! form (a GET form) and the approval form (a plain post).

use crate::i18n::{tu_string, use_i18n};
use crate::plan::server_fns::{ApprovePlan, get_plan};
use crate::plan::widgets::{CompareForm, VersionBody, approval_sentence, body_label, version_href};
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::params::process_param;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;
use shared::model::plan::{ApprovingBody, PlanOverview, PlanVersionSummary};

/// The plan of a process.
#[component]
pub fn PlanPage() -> impl IntoView {
    let process = process_param();
    let location = use_location();
    let data = Resource::new(
        move || (process.get(), location.search.get()),
        |(process, _)| get_plan(process),
    );
    view! { <Loaded resource=data render=|plan| view! { <PlanView plan /> } /> }
}

#[component]
fn PlanView(plan: PlanOverview) -> impl IntoView {
    let i18n = use_i18n();
    let slug = plan.process.key.clone();
    let title = tu_string!(i18n, plan.of, process = plan.process.name.clone()).to_string();
    let numbers: Vec<i32> = plan.versions.iter().map(|v| v.number).collect();
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(plan.process.name.clone(), format!("/processi/{slug}"))] current=title.clone() />
        <Outcome />
        <h1>{title.clone()}</h1>
        <p class="lead">{tu_string!(i18n, plan.intro)}</p>
        {plan.approval.as_ref().map(|a| view! { <div class="callout success" role="note"><p>{approval_sentence(a)}</p></div> })}
        {plan.can_compose.then(|| view! {
            <p><a class="btn btn-primary" href=format!("/processi/{slug}/piano/componi")>{tu_string!(i18n, plan.compose)}</a></p>
        })}
        {plan.approval_closed.then(|| view! { <div class="callout note" role="note"><p>{tu_string!(i18n, plan.approval_closed)}</p></div> })}
        {plan.can_approve.then(|| view! { <ApprovalForm slug=slug.clone() versions=numbers.clone() /> })}
        {if plan.versions.is_empty() {
            view! { <p>{tu_string!(i18n, plan.none)}</p> }.into_any()
        } else {
            view! {
                <VersionTable slug=slug.clone() versions=plan.versions.clone() />
                {(numbers.len() >= 2).then(|| view! { <CompareForm slug=slug.clone() versions=numbers.clone() from=numbers[1] to=numbers[0] /> })}
            }.into_any()
        }}
        <p class="plan-open-data">
            <a href=format!("/processi/{slug}/dati-aperti.zip") download="">{tu_string!(i18n, plan.open_data)}</a>
            " " {tu_string!(i18n, plan.open_data_note)}
        </p>
        {plan.shown.map(|shown| view! { <VersionBody slug=slug.clone() shown heading_level=2 /> })}
    }
}

#[component]
fn VersionTable(slug: String, versions: Vec<PlanVersionSummary>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="piano-versioni">
            <h2 id="piano-versioni">{tu_string!(i18n, plan.versions)}</h2>
            <div class="table-responsive">
                <table class="table">
                    <caption>{tu_string!(i18n, plan.versions_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{tu_string!(i18n, plan.version)}</th>
                        <th scope="col">{tu_string!(i18n, plan.saved)}</th>
                        <th scope="col">{tu_string!(i18n, plan.by)}</th>
                        <th scope="col">{tu_string!(i18n, plan.note)}</th>
                    </tr></thead>
                    <tbody>
                        {versions.into_iter().map(|v| {
                            let href = version_href(&slug, v.number);
                            view! {
                                <tr>
                                    <th scope="row">
                                        <a href=href>{tu_string!(i18n, plan.version_n, n = v.number).to_string()}</a>
                                        {v.approved.then(|| view! { " " <span class="badge badge-success">{tu_string!(i18n, plan.approved_badge)}</span> })}
                                    </th>
                                    <td>{format::date(i18n, v.saved_at.date_naive())}</td>
                                    <td>{v.saved_by.unwrap_or_default()}</td>
                                    <td>{v.note}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn ApprovalForm(slug: String, versions: Vec<i32>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ApprovePlan>::new();
    let error = action_error(action);
    let newest = versions.first().copied().unwrap_or(1);
    view! {
        <section aria-labelledby="approvazione-titolo" class="settings">
            <h2 id="approvazione-titolo">{tu_string!(i18n, plan.approve_title)}</h2>
            <p>{tu_string!(i18n, plan.approve_intro)}</p>
            <FormAlert error form_id="approvazione" />
            <ActionForm action attr:id="approvazione">
                <input type="hidden" name="process" value=slug />
                <div class="row">
                    <div class="form-group col-12 col-md-6">
                        <label for="approvazione-versione">{tu_string!(i18n, field.versione)}</label>
                        <select class="form-control" id="approvazione-versione" name="versione">
                            {versions.iter().map(|n| view! { <option value=n.to_string() selected=*n == newest>{tu_string!(i18n, plan.version_n, n = *n).to_string()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="form-group col-12 col-md-6">
                        <label for="approvazione-organo">{tu_string!(i18n, field.organo)}</label>
                        <select class="form-control" id="approvazione-organo" name="organo">
                            {ApprovingBody::ALL.iter().map(|b| view! { <option value=b.as_str()>{body_label(*b)}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="form-group col-12 col-md-6">
                        <label for="approvazione-numero_delibera">{tu_string!(i18n, field.numero_delibera)}</label>
                        <input class="form-control" type="text" id="approvazione-numero_delibera" name="numero_delibera" maxlength="40" required=true />
                    </div>
                    <div class="form-group col-12 col-md-6">
                        <label for="approvazione-data_delibera">{tu_string!(i18n, field.data_delibera)}</label>
                        <input class="form-control" type="date" id="approvazione-data_delibera" name="data_delibera" required=true />
                    </div>
                </div>
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, plan.approve_submit)}</button>
            </ActionForm>
        </section>
    }
}
