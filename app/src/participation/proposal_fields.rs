//! The fields of the proposal form, shared by writing and editing: title,
//! text, platform, direction and zone, each refilled from the saved draft.

use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::forms::field_message;
use leptos::prelude::*;
use shared::model::ProcessDetail;

/// The value of `field` in a kept draft, if any.
pub(crate) fn drafted(draft: &Draft, field: &str) -> Option<String> {
    draft.get(field).filter(|v| !v.is_empty()).cloned()
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
pub(crate) fn TitleField(
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
pub(crate) fn BodyField(
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
pub(crate) fn PlacementFields(
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

pub(crate) type Draft = std::collections::BTreeMap<String, String>;
