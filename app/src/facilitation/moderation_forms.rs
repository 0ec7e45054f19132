//! Moderation on the page where content lives: the note on content out of
//! sight, the report form, and the moderators' decision form. Each works
//! without JavaScript (the server redirects back to `back`).

use leptos::prelude::*;
use shared::model::common::Visibility;
use shared::model::facilitation::{ReportReason, TargetKind};

use crate::facilitation::server_fns::{ModerateContent, ReportContent};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::forms::{FormAlert, action_error};

/// The name of a report reason.
pub fn reason_label(reason: ReportReason) -> String {
    let i18n = use_i18n();
    match reason {
        ReportReason::Spam => tu_string!(i18n, facil.reason_spam),
        ReportReason::Offensive => tu_string!(i18n, facil.reason_offensive),
        ReportReason::OffTopic => tu_string!(i18n, facil.reason_off_topic),
        ReportReason::PersonalData => tu_string!(i18n, facil.reason_personal_data),
        ReportReason::Other => tu_string!(i18n, facil.reason_other),
    }
    .to_owned()
}

/// Why content is out of sight, in a sentence.
pub fn visibility_text(visibility: Visibility) -> String {
    let i18n = use_i18n();
    match visibility {
        Visibility::Visible => String::new(),
        Visibility::Pending => tu_string!(i18n, facil.vis_pending).to_owned(),
        Visibility::Reported => tu_string!(i18n, facil.vis_reported).to_owned(),
        Visibility::Hidden => tu_string!(i18n, facil.vis_hidden).to_owned(),
        Visibility::Blocked => tu_string!(i18n, facil.vis_blocked).to_owned(),
    }
}

/// A callout for content that not everyone sees, with the moderators' reason.
#[component]
pub fn VisibilityNote(visibility: Visibility, note: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    (visibility != Visibility::Visible).then(|| {
        view! {
            <div class="callout warning moderation-note" role="note">
                <p><strong>{visibility_text(visibility)}</strong></p>
                {note.map(|note| view! { <p>{tu_string!(i18n, facil.reason_given)} " " {note}</p> })}
            </div>
        }
    })
}

/// Reporting a proposal or comment to the moderators.
#[component]
pub fn ReportForm(
    kind: TargetKind,
    #[prop(into)] id: String,
    #[prop(into)] back: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ReportContent>::new();
    let error = action_error(action);
    let form_id = format!("segnala-{id}");
    let (reason_id, note_id, hint_id) = (
        format!("{form_id}-motivo"),
        format!("{form_id}-nota"),
        format!("{form_id}-nota-hint"),
    );
    view! {
        <details class="report-form">
            <summary>{tu_string!(i18n, facil.report)}</summary>
            <FormAlert error form_id=form_id.clone() />
            <ActionForm action attr:id=form_id>
                <input type="hidden" name="tipo" value=kind.as_str() />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="ritorno" value=back />
                <div class="form-group">
                    <label for=reason_id.clone()>{tu_string!(i18n, field.motivo)}</label>
                    <select class="form-control" id=reason_id name="motivo">
                        {ReportReason::ALL.iter().map(|r| view! { <option value=r.as_str()>{reason_label(*r)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="form-group">
                    <label for=note_id.clone()>{tu_string!(i18n, field.nota)}</label>
                    <p class="form-hint" id=hint_id.clone()>{tu_string!(i18n, facil.report_hint)}</p>
                    <textarea class="form-control" id=note_id name="nota" rows="2" maxlength="500" aria-describedby=hint_id></textarea>
                </div>
                <button type="submit" class="btn btn-sm btn-outline-danger">{tu_string!(i18n, facil.report_submit)}</button>
            </ActionForm>
        </details>
    }
}

/// A moderator's decision: hide, restore (dismissing reports) or approve.
#[component]
pub fn ModerateForm(
    kind: TargetKind,
    #[prop(into)] id: String,
    #[prop(into)] back: String,
    visibility: Visibility,
    reports: i32,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ModerateContent>::new();
    let error = action_error(action);
    let form_id = format!("modera-{id}");
    let reason_id = format!("{form_id}-motivo");
    let mut choices = Vec::new();
    if visibility == Visibility::Pending {
        choices.push(("approva", tu_string!(i18n, facil.decide_approve)));
    }
    if matches!(visibility, Visibility::Reported | Visibility::Hidden)
        || (visibility == Visibility::Visible && reports > 0)
    {
        choices.push(("ripristina", tu_string!(i18n, facil.decide_restore)));
    }
    if visibility != Visibility::Hidden && visibility != Visibility::Blocked {
        choices.push(("nascondi", tu_string!(i18n, facil.decide_hide)));
    }
    let first = choices.first().map(|(value, _)| *value);
    let (alert_id, choices_id) = (form_id.clone(), form_id.clone());
    (!choices.is_empty()).then(|| {
        view! {
            <details class="moderate-form" open=visibility != Visibility::Visible>
                <summary>{tu_string!(i18n, facil.moderate)}</summary>
                <FormAlert error form_id=alert_id />
                <ActionForm action attr:id=form_id>
                    <input type="hidden" name="tipo" value=kind.as_str() />
                    <input type="hidden" name="id" value=id.clone() />
                    <input type="hidden" name="ritorno" value=back />
                    <fieldset class="form-group">
                        <legend>{tu_string!(i18n, field.decisione)}</legend>
                        {choices.into_iter().map(|(value, label)| {
                            let choice_id = format!("{choices_id}-{value}");
                            view! {
                                <span class="form-check">
                                    <input class="form-check-input" type="radio" name="decisione" id=choice_id.clone() value=value checked=Some(value) == first />
                                    <label class="form-check-label" for=choice_id>{label}</label>
                                </span>
                            }
                        }).collect_view()}
                    </fieldset>
                    <div class="form-group">
                        <label for=reason_id.clone()>{tu_string!(i18n, field.motivo)}</label>
                        <p class="form-hint" id=format!("{reason_id}-hint")>{tu_string!(i18n, facil.decide_hint)}</p>
                        <input class="form-control" type="text" id=reason_id.clone() name="motivo" maxlength="500" aria-describedby=format!("{reason_id}-hint") />
                    </div>
                    <button type="submit" class="btn btn-sm btn-primary">{tu_string!(i18n, facil.decide_submit)}</button>
                </ActionForm>
            </details>
        }
    })
}
