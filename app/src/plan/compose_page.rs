//! `/processi/:process/piano/componi`: composing a new version (a plain
//! form post).

use crate::i18n::{tu_string, use_i18n};
use crate::plan::server_fns::{SavePlan, get_plan_composer};
use crate::plan::widgets::plan_href;
use crate::ui::format;
use crate::ui::forms::{FormAlert, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::params::process_param;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::model::plan::PlanComposer;

/// The composition form.
#[component]
pub fn PlanComposePage() -> impl IntoView {
    let process = process_param();
    let data = Resource::new(move || process.get(), get_plan_composer);
    view! { <Loaded resource=data render=|composer| view! { <ComposeView composer /> } /> }
}

#[component]
fn ComposeView(composer: PlanComposer) -> impl IntoView {
    let i18n = use_i18n();
    let slug = composer.process.key.clone();
    let plan_title = tu_string!(i18n, plan.of, process = composer.process.name.clone()).to_string();
    let title = tu_string!(
        i18n,
        plan.compose_title,
        process = composer.process.name.clone()
    )
    .to_string();
    let action = ServerAction::<SavePlan>::new();
    let error = action_error(action);
    view! {
        <Title text=title.clone() />
        <Breadcrumbs
            trail=vec![(composer.process.name.clone(), format!("/processi/{slug}")), (plan_title, plan_href(&slug))]
            current=tu_string!(i18n, plan.compose).to_string()
        />
        <h1>{title}</h1>
        <p class="lead">{tu_string!(i18n, plan.compose_intro)}</p>
        {composer.based_on.map(|n| view! { <p>{tu_string!(i18n, plan.based_on, n = n).to_string()}</p> })}
        {composer.approved_version.map(|n| view! { <div class="callout note" role="note"><p>{tu_string!(i18n, plan.approved_kept, n = n).to_string()}</p></div> })}
        <FormAlert error form_id="piano" />
        <ActionForm action attr:id="piano">
            <input type="hidden" name="process" value=slug.clone() />
            <div class="form-group">
                <label for="piano-introduzione">{tu_string!(i18n, field.introduzione)}</label>
                <textarea class="form-control" id="piano-introduzione" name="introduzione" rows="8" maxlength="20000">{format::textarea_text(&composer.introduction_md)}</textarea>
            </div>
            <fieldset>
                <legend class="h4">{tu_string!(i18n, plan.sections)}</legend>
                <p class="form-hint">{tu_string!(i18n, plan.sections_hint)}</p>
                {if composer.sections.is_empty() {
                    view! { <p>{tu_string!(i18n, plan.no_sections)}</p> }.into_any()
                } else {
                    composer.sections.iter().enumerate().map(|(i, section)| {
                        let n = i + 1;
                        let position_id = format!("piano-posizione_{n}");
                        let text_id = format!("piano-testo_{n}");
                        let kind = if section.is_platform { tu_string!(i18n, plan.platform_of) } else { tu_string!(i18n, plan.direction_of) };
                        let class = if section.is_platform { "plan-section plan-section-platform" } else { "plan-section" };
                        view! {
                            <div class=class>
                                <h3 class="h5">{format!("{kind}: {}", section.label)} " · " {tu_string!(i18n, plan.section_entries, n = section.entries).to_string()}</h3>
                                <input type="hidden" name="sezione[]" value=section.key.clone() />
                                <div class="form-group">
                                    <label for=position_id.clone()>{tu_string!(i18n, plan.position_of, name = section.label.clone()).to_string()}</label>
                                    <input class="form-control plan-position" type="number" min="1" max="999" id=position_id name="posizione[]" value=section.position.map(|p| p.to_string()).unwrap_or_default() />
                                </div>
                                <div class="form-group">
                                    <label for=text_id.clone()>{tu_string!(i18n, plan.text_of, name = section.label.clone()).to_string()}</label>
                                    <textarea class="form-control" id=text_id name="testo[]" rows="3" maxlength="10000">{format::textarea_text(&section.text_md)}</textarea>
                                </div>
                            </div>
                        }
                    }).collect_view().into_any()
                }}
            </fieldset>
            <div class="form-group">
                <label for="piano-conclusione">{tu_string!(i18n, field.conclusione)}</label>
                <textarea class="form-control" id="piano-conclusione" name="conclusione" rows="6" maxlength="20000">{format::textarea_text(&composer.closing_md)}</textarea>
            </div>
            <div class="form-group">
                <label for="piano-nota">{tu_string!(i18n, field.nota)}</label>
                <p class="form-hint" id="piano-nota-hint">{tu_string!(i18n, plan.note_hint)}</p>
                <input class="form-control" type="text" id="piano-nota" name="nota" maxlength="300" aria-describedby="piano-nota-hint" />
            </div>
            <button type="submit" class="btn btn-primary">{tu_string!(i18n, plan.save)}</button>
        </ActionForm>
    }
}
