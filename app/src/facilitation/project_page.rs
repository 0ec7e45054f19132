//! A project: its text, partners, merged proposals and supporters; its
//! facilitators edit it or undo the merge.

use leptos::prelude::*;

use crate::facilitation::labels::agreement_label;
use shared::model::dup::PlanItem;

use crate::dup::plan_links::PlanLinks;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};
use shared::model::facilitation::{AgreementKind, ProjectDetail};

use crate::facilitation::server_fns::{EditProject, UndoMerge, get_project};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;

/// The fields of a project (for merging and for editing).
#[component]
pub(crate) fn ProjectFields(
    #[prop(into)] form_id: String,
    #[prop(optional, into)] title: String,
    #[prop(optional, into)] description: String,
    #[prop(optional, into)] partners: String,
    #[prop(optional)] agreement: Option<AgreementKind>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = |name: &str| format!("{form_id}-{name}");
    view! {
        <div class="form-group">
            <label for=id("titolo")>{tu_string!(i18n, field.titolo)}</label>
            <input class="form-control" type="text" id=id("titolo") name="titolo" maxlength="200" required=true value=title />
        </div>
        <div class="form-group">
            <label for=id("descrizione")>{tu_string!(i18n, field.descrizione)}</label>
            <p class="form-hint" id=id("descrizione-hint")>{tu_string!(i18n, facil.project_description_hint)}</p>
            <textarea class="form-control" id=id("descrizione") name="descrizione" rows="6" maxlength="20000" required=true aria-describedby=id("descrizione-hint")>{format::textarea_text(&description)}</textarea>
        </div>
        <div class="form-group">
            <label for=id("partner")>{tu_string!(i18n, field.partner)}</label>
            <p class="form-hint" id=id("partner-hint")>{tu_string!(i18n, facil.partners_hint)}</p>
            <textarea class="form-control" id=id("partner") name="partner" rows="3" aria-describedby=id("partner-hint")>{format::textarea_text(&partners)}</textarea>
        </div>
        <div class="form-group">
            <label for=id("accordo")>{tu_string!(i18n, field.accordo)}</label>
            <select class="form-control" id=id("accordo") name="accordo">
                {AgreementKind::ALL.iter().map(|kind| view! { <option value=kind.as_str() selected=Some(*kind) == agreement>{agreement_label(*kind)}</option> }).collect_view()}
            </select>
        </div>
    }
}

/// `/progetti/:id`: a project and its original proposals.
#[component]
pub fn ProjectPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                location.search.get(),
            )
        },
        |(id, _)| get_project(id),
    );
    view! { <Loaded resource=data render=|project| view! { <ProjectView project /> } /> }
}

#[component]
fn ProjectView(project: ProjectDetail) -> impl IntoView {
    let i18n = use_i18n();
    let process_href = format!("/processi/{}", project.process.key);
    let edit = ServerAction::<EditProject>::new();
    let edit_error = action_error(edit);
    let undo = ServerAction::<UndoMerge>::new();
    let undo_error = action_error(undo);
    let (edit_id, undo_id) = (project.id.to_string(), project.id.to_string());
    let (title, description, partners, agreement) = (
        project.title.clone(),
        project.description_md.clone(),
        project.partners.join("\n"),
        project.agreement,
    );
    let manage = project.can_manage.then(move || view! {
        <details class="settings" id="modifica-progetto">
            <summary>{tu_string!(i18n, facil.project_edit)}</summary>
            <FormAlert error=edit_error form_id="progetto" />
            <ActionForm action=edit attr:id="progetto">
                <input type="hidden" name="id" value=edit_id />
                <ProjectFields form_id="progetto" title description partners agreement />
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.project_save)}</button>
            </ActionForm>
        </details>
        <details class="settings" id="annulla-unione">
            <summary>{tu_string!(i18n, facil.undo)}</summary>
            <p>{tu_string!(i18n, facil.undo_hint)}</p>
            <FormAlert error=undo_error form_id="annulla" />
            <ActionForm action=undo attr:id="annulla">
                <input type="hidden" name="id" value=undo_id />
                <div class="form-group">
                    <label for="annulla-motivo">{tu_string!(i18n, field.motivo)}</label>
                    <input class="form-control" type="text" id="annulla-motivo" name="motivo" maxlength="500" required=true />
                </div>
                <button type="submit" class="btn btn-outline-danger">{tu_string!(i18n, facil.undo_submit)}</button>
            </ActionForm>
        </details>
    });
    view! {
        <Title text=project.title.clone() />
        <Breadcrumbs trail=vec![(project.process.name.clone(), process_href)] current=project.title.clone() />
        <Outcome />
        <article class="project">
            <p class="card-meta">{tu_string!(i18n, facil.project)} " · " {project.platform.name.clone()}</p>
            <h1>{project.title.clone()}</h1>
            {project.dissolved_at.map(|at| view! {
                <div class="callout warning" role="note"><p>{tu_string!(i18n, facil.dissolved, date = format::date(i18n, at.date_naive())).to_string()}</p></div>
            })}
            <div class="prose" inner_html=project.description_html.clone()></div>
            <dl class="facts">
                <dt>{tu_string!(i18n, facil.distinct_supporters_label)}</dt>
                <dd>{match project.distinct_supporters {
                    Some(n) => format::number(i18n, n.max(0) as u64),
                    None => tu_string!(i18n, proposals.counts_hidden).to_owned(),
                }}</dd>
                <dt>{tu_string!(i18n, field.accordo)}</dt>
                <dd>{agreement_label(project.agreement)}</dd>
                <dt>{tu_string!(i18n, field.partner)}</dt>
                <dd>{if project.partners.is_empty() {
                    tu_string!(i18n, facil.no_partners).to_owned().into_any()
                } else {
                    view! { <ul>{project.partners.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul> }.into_any()
                }}</dd>
            </dl>
            <p class="small">{tu_string!(i18n, facil.distinct_hint)}</p>
            <section aria-labelledby="originali-titolo">
                <h2 id="originali-titolo">{tu_string!(i18n, facil.originals)}</h2>
                <ul>
                    {project.members.iter().map(|m| view! {
                        <li>
                            <a href=format!("/proposte/{}", m.id)>{m.title.clone()}</a>
                            {m.author_name.clone().map(|a| view! { " · " {a} })}
                            {m.support_count.map(|n| view! { " · " {tu_string!(i18n, facil.supports_n, n = n).to_string()} })}
                            " · " {tu_string!(i18n, facil.comments_n, n = m.comment_count).to_string()}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
            {project.dissolved_at.is_none().then(|| view! { <PlanLinks item=PlanItem::Project(project.id) /> })}
            {manage}
        </article>
    }
}
