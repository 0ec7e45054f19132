//! `/processi/:process/modifica`: the process's facilitators set it up
//! (description, phases, directions, platforms, zones, platform
//! facilitators). The fields describing a process are shared with
//! [`new_process_page`](super::new_process_page).

use crate::i18n::{tu_string, use_i18n};
use crate::processes::editing_fns::{
    AssignPlatformFacilitator, DeletePhase, RemovePlatformFacilitator, SavePhase, SaveTopic,
    UpdateProcess, get_process_editor,
};
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::labels::phase_kind;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};
use shared::model::PhaseKind;
use shared::model::facilitation::{EditablePhase, EditableTopic, ProcessEditor, ProcessInput};

/// The fields describing a process.
#[component]
pub(crate) fn ProcessFields(
    #[prop(into)] form_id: String,
    process: Option<ProcessInput>,
    new: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let p = process.unwrap_or(ProcessInput {
        slug: String::new(),
        title: String::new(),
        organization: String::new(),
        scope: "comunale".into(),
        summary: String::new(),
        description_md: String::new(),
    });
    let id = |name: &str| format!("{form_id}-{name}");
    view! {
        {new.then(|| view! {
            <div class="form-group">
                <label for=id("slug")>{tu_string!(i18n, field.slug)}</label>
                <p class="form-hint" id=id("slug-hint")>{tu_string!(i18n, facil.slug_hint)}</p>
                <input class="form-control" type="text" id=id("slug") name="slug" maxlength="80" required=true aria-describedby=id("slug-hint") />
            </div>
        })}
        <div class="form-group">
            <label for=id("titolo")>{tu_string!(i18n, field.titolo)}</label>
            <input class="form-control" type="text" id=id("titolo") name="titolo" maxlength="200" required=true value=p.title />
        </div>
        <div class="form-group">
            <label for=id("ente")>{tu_string!(i18n, field.ente)}</label>
            <input class="form-control" type="text" id=id("ente") name="ente" maxlength="200" required=true value=p.organization />
        </div>
        <div class="form-group">
            <label for=id("ambito")>{tu_string!(i18n, field.ambito)}</label>
            <select class="form-control" id=id("ambito") name="ambito">
                <option value="comunale" selected=p.scope == "comunale">{tu_string!(i18n, process.scope_comunale)}</option>
                <option value="metropolitano" selected=p.scope == "metropolitano">{tu_string!(i18n, process.scope_metropolitano)}</option>
            </select>
        </div>
        <div class="form-group">
            <label for=id("sintesi")>{tu_string!(i18n, field.sintesi)}</label>
            <textarea class="form-control" id=id("sintesi") name="sintesi" rows="2" maxlength="500" required=true>{format::textarea_text(&p.summary)}</textarea>
        </div>
        <div class="form-group">
            <label for=id("descrizione")>{tu_string!(i18n, field.descrizione)}</label>
            <p class="form-hint" id=id("descrizione-hint")>{tu_string!(i18n, facil.markdown_hint)}</p>
            <textarea class="form-control" id=id("descrizione") name="descrizione" rows="8" maxlength="50000" aria-describedby=id("descrizione-hint")>{format::textarea_text(&p.description_md)}</textarea>
        </div>
    }
}

/// `/processi/:process/modifica`: the process editor.
#[component]
pub fn ProcessEditorPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let data = Resource::new(
        move || {
            (
                params.read().get("process").unwrap_or_default(),
                location.search.get(),
            )
        },
        |(process, _)| get_process_editor(process),
    );
    view! { <Loaded resource=data render=|editor| view! { <EditorView editor /> } /> }
}

#[component]
fn EditorView(editor: ProcessEditor) -> impl IntoView {
    let i18n = use_i18n();
    let slug = editor.process.slug.clone();
    let update = ServerAction::<UpdateProcess>::new();
    let update_error = action_error(update);
    let assign = ServerAction::<AssignPlatformFacilitator>::new();
    let assign_error = action_error(assign);
    let remove = ServerAction::<RemovePlatformFacilitator>::new();
    let title = tu_string!(i18n, facil.edit_process).to_owned();
    let phases = editor
        .phases
        .iter()
        .map(|phase| view! { <PhaseForm slug=slug.clone() phase=Some(phase.clone()) /> })
        .collect_view();
    let topics = |voce: &'static str,
                  heading: String,
                  items: &[EditableTopic],
                  directions: &[EditableTopic]| {
        let forms = items
            .iter()
            .map(|t| view! { <TopicForm slug=slug.clone() voce topic=Some(t.clone()) directions=directions.to_vec() /> })
            .collect_view();
        view! {
            <section aria-labelledby=format!("{voce}-titolo") id=voce>
                <h2 id=format!("{voce}-titolo")>{heading}</h2>
                {forms}
                <TopicForm slug=slug.clone() voce topic=None directions=directions.to_vec() />
            </section>
        }
    };
    let directions = topics(
        "direzione",
        tu_string!(i18n, facil.directions).to_owned(),
        &editor.directions,
        &[],
    );
    let platforms = topics(
        "piattaforma",
        tu_string!(i18n, facil.platforms).to_owned(),
        &editor.platforms,
        &editor.directions,
    );
    let zones = topics(
        "zona",
        tu_string!(i18n, facil.zones).to_owned(),
        &editor.zones,
        &[],
    );
    let facilitators = editor
        .facilitators
        .iter()
        .map(|f| {
            let (slug, id) = (slug.clone(), f.assignment_id.to_string());
            view! {
                <li>
                    {f.name.clone()} {f.email.clone().map(|e| format!(" ({e})"))} " · " {f.platform.name.clone()}
                    <ActionForm action=remove attr:class="inline-form">
                        <input type="hidden" name="process" value=slug />
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="btn btn-sm btn-outline-danger">{tu_string!(i18n, facil.remove_facilitator)}</button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    let back = format!("/processi/{slug}");
    let (update_slug, phase_slug, assign_slug) = (slug.clone(), slug.clone(), slug.clone());
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(editor.process.title.clone(), back)] current=title.clone() />
        <h1>{title}</h1>
        <Outcome />
        <section aria-labelledby="percorso-titolo" id="percorso">
            <h2 id="percorso-titolo">{tu_string!(i18n, facil.description)}</h2>
            <FormAlert error=update_error form_id="percorso-form" />
            <ActionForm action=update attr:id="percorso-form">
                <input type="hidden" name="process" value=update_slug />
                <ProcessFields form_id="percorso-form" process=Some(editor.process.clone()) new=false />
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.save)}</button>
            </ActionForm>
        </section>
        <section aria-labelledby="fasi-titolo" id="fasi">
            <h2 id="fasi-titolo">{tu_string!(i18n, facil.phases)}</h2>
            <p>{tu_string!(i18n, facil.phases_hint)}</p>
            {phases}
            <PhaseForm slug=phase_slug phase=None />
        </section>
        {directions}
        {platforms}
        {zones}
        <section aria-labelledby="facilitatori-titolo" id="facilitatori">
            <h2 id="facilitatori-titolo">{tu_string!(i18n, facil.platform_facilitators)}</h2>
            <ul>{facilitators}</ul>
            <FormAlert error=assign_error form_id="facilitatore" />
            <ActionForm action=assign attr:id="facilitatore">
                <input type="hidden" name="process" value=assign_slug />
                <div class="form-group">
                    <label for="facilitatore-piattaforma">{tu_string!(i18n, field.piattaforma)}</label>
                    <select class="form-control" id="facilitatore-piattaforma" name="piattaforma">
                        {editor.platforms.iter().map(|p| view! { <option value=p.key.clone()>{p.title.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="form-group">
                    <label for="facilitatore-email">{tu_string!(i18n, field.email)}</label>
                    <input class="form-control" type="email" id="facilitatore-email" name="email" required=true autocomplete="off" />
                </div>
                <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, facil.add_facilitator)}</button>
            </ActionForm>
        </section>
    }
}

/// Editing one phase, or adding one at the end (`phase` none).
#[component]
fn PhaseForm(slug: String, phase: Option<EditablePhase>) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SavePhase>::new();
    let error = action_error(save);
    let delete = ServerAction::<DeletePhase>::new();
    let form_id = match &phase {
        Some(p) => format!("fase-{}", p.id),
        None => "fase-nuova".to_owned(),
    };
    let id_tipo = format!("{form_id}-tipo");
    let id_titolo = format!("{form_id}-titolo");
    let id_descrizione = format!("{form_id}-descrizione");
    let id_inizio = format!("{form_id}-inizio");
    let id_fine = format!("{form_id}-fine");
    let upcoming = phase.as_ref().is_none_or(|p| p.upcoming);
    let summary = match &phase {
        Some(p) => format!(
            "{} · {} → {}",
            p.title,
            format::date(i18n, p.starts_on),
            format::date(i18n, p.ends_on)
        ),
        None => tu_string!(i18n, facil.add_phase).to_owned(),
    };
    let current_kind = phase.as_ref().map(|p| p.kind);
    let removable = phase
        .as_ref()
        .filter(|p| p.upcoming)
        .map(|p| p.id.to_string());
    let (phase_id, title, description, starts, ends) = match &phase {
        Some(p) => (
            p.id.to_string(),
            p.title.clone(),
            p.description_md.clone(),
            p.starts_on.to_string(),
            p.ends_on.to_string(),
        ),
        None => Default::default(),
    };
    let slug2 = slug.clone();
    view! {
        <details class="settings phase-form">
            <summary>{summary}</summary>
            <FormAlert error form_id=form_id.clone() />
            <ActionForm action=save attr:id=form_id.clone()>
                <input type="hidden" name="process" value=slug />
                <input type="hidden" name="fase" value=phase_id />
                <div class="form-group">
                    {if upcoming {
                        view! {
                            <label for=id_tipo.clone()>{tu_string!(i18n, field.tipo_fase)}</label>
                            <select class="form-control" id=id_tipo.clone() name="tipo">
                                {PhaseKind::ALL.iter().map(|k| view! { <option value=k.as_str() selected=Some(*k) == current_kind>{phase_kind(i18n, *k)}</option> }).collect_view()}
                            </select>
                        }
                        .into_any()
                    } else {
                        let kind = current_kind.unwrap_or(PhaseKind::Information);
                        view! {
                            <input type="hidden" name="tipo" value=kind.as_str() />
                            <p id=id_tipo.clone()><strong>{tu_string!(i18n, field.tipo_fase)} ": "</strong>{phase_kind(i18n, kind)} " " <span class="small">{tu_string!(i18n, facil.kind_fixed)}</span></p>
                        }
                        .into_any()
                    }}
                </div>
                <div class="form-group">
                    <label for=id_titolo.clone()>{tu_string!(i18n, field.titolo)}</label>
                    <input class="form-control" type="text" id=id_titolo.clone() name="titolo" maxlength="200" required=true value=title />
                </div>
                <div class="form-group">
                    <label for=id_descrizione.clone()>{tu_string!(i18n, field.descrizione)}</label>
                    <textarea class="form-control" id=id_descrizione.clone() name="descrizione" rows="3" maxlength="20000">{format::textarea_text(&description)}</textarea>
                </div>
                <div class="form-group">
                    <label for=id_inizio.clone()>{tu_string!(i18n, field.inizio)}</label>
                    <input class="form-control" type="date" id=id_inizio.clone() name="inizio" required=true value=starts />
                </div>
                <div class="form-group">
                    <label for=id_fine.clone()>{tu_string!(i18n, field.fine)}</label>
                    <input class="form-control" type="date" id=id_fine.clone() name="fine" required=true value=ends />
                </div>
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.save)}</button>
            </ActionForm>
            {removable.map(|phase| view! {
                <ActionForm action=delete>
                    <input type="hidden" name="process" value=slug2 />
                    <input type="hidden" name="fase" value=phase />
                    <button type="submit" class="btn btn-sm btn-outline-danger">{tu_string!(i18n, facil.delete_phase)}</button>
                </ActionForm>
            })}
        </details>
    }
}

/// Editing one direction, platform or zone, or adding one (`topic` none).
#[component]
fn TopicForm(
    slug: String,
    voce: &'static str,
    topic: Option<EditableTopic>,
    directions: Vec<EditableTopic>,
) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveTopic>::new();
    let error = action_error(save);
    let form_id = match &topic {
        Some(t) => format!("{voce}-{}", t.id),
        None => format!("{voce}-nuova"),
    };
    let id_chiave = format!("{form_id}-chiave");
    let id_titolo = format!("{form_id}-titolo");
    let id_motto = format!("{form_id}-motto");
    let id_direzione = format!("{form_id}-direzione");
    let id_descrizione = format!("{form_id}-descrizione");
    let summary = match &topic {
        Some(t) => format!("{} · {}", t.key, t.title),
        None => tu_string!(i18n, facil.add_item).to_owned(),
    };
    let t = topic.clone().unwrap_or(EditableTopic {
        id: uuid::Uuid::nil(),
        key: String::new(),
        title: String::new(),
        motto: String::new(),
        description_md: String::new(),
        direction: None,
    });
    let topic_id = topic.as_ref().map(|t| t.id.to_string()).unwrap_or_default();
    let key_label = if voce == "direzione" {
        tu_string!(i18n, field.codice)
    } else {
        tu_string!(i18n, field.slug)
    };
    let is_platform = voce == "piattaforma";
    let chosen = t.direction.clone();
    view! {
        <details class="settings topic-form">
            <summary>{summary}</summary>
            <FormAlert error form_id=form_id.clone() />
            <ActionForm action=save attr:id=form_id.clone()>
                <input type="hidden" name="process" value=slug />
                <input type="hidden" name="voce" value=voce />
                <input type="hidden" name="id" value=topic_id />
                <div class="form-group">
                    <label for=id_chiave.clone()>{key_label}</label>
                    <input class="form-control" type="text" id=id_chiave.clone() name="chiave" maxlength="80" required=true value=t.key.clone() />
                </div>
                <div class="form-group">
                    <label for=id_titolo.clone()>{tu_string!(i18n, field.titolo)}</label>
                    <input class="form-control" type="text" id=id_titolo.clone() name="titolo" maxlength="200" required=true value=t.title.clone() />
                </div>
                {(voce == "direzione").then(|| view! {
                    <div class="form-group">
                        <label for=id_motto.clone()>{tu_string!(i18n, field.motto)}</label>
                        <input class="form-control" type="text" id=id_motto.clone() name="motto" maxlength="200" value=t.motto.clone() />
                    </div>
                })}
                {is_platform.then(|| view! {
                    <div class="form-group">
                        <label for=id_direzione.clone()>{tu_string!(i18n, field.direzione)}</label>
                        <select class="form-control" id=id_direzione.clone() name="direzione">
                            <option value="">{tu_string!(i18n, facil.no_direction)}</option>
                            {directions.iter().map(|d| view! { <option value=d.key.clone() selected=chosen.as_deref() == Some(d.key.as_str())>{format!("{}. {}", d.key, d.title)}</option> }).collect_view()}
                        </select>
                    </div>
                })}
                <div class="form-group">
                    <label for=id_descrizione.clone()>{tu_string!(i18n, field.descrizione)}</label>
                    <textarea class="form-control" id=id_descrizione.clone() name="descrizione" rows="3" maxlength="20000">{format::textarea_text(&t.description_md)}</textarea>
                </div>
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.save)}</button>
            </ActionForm>
        </details>
    }
}
