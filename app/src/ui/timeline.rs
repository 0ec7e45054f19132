//! The visual timeline of a process's phases.

use leptos::prelude::*;
use shared::model::{PhaseDto, PhaseStatus, PhaseTimeline};

use crate::i18n::{t_string, tu_string, use_i18n};
use crate::ui::format;
use crate::ui::labels::phase_kind;

/// The phases in order, the current one highlighted (by weight, border and text, not colour alone).
#[component]
pub fn Timeline(phases: Vec<PhaseDto>, timeline: PhaseTimeline) -> impl IntoView {
    let i18n = use_i18n();
    let status_line = match timeline {
        PhaseTimeline::Running(index) => phases.get(index).map(|p| {
            let name = p.title.clone();
            view! { <p class="timeline-status"><strong>{move || t_string!(i18n, timeline.now, phase = name.clone()).to_string()}</strong></p> }
                .into_any()
        }),
        PhaseTimeline::NotStarted => Some(view! { <p class="timeline-status">{move || t_string!(i18n, timeline.not_started)}</p> }.into_any()),
        PhaseTimeline::Between(_) => Some(view! { <p class="timeline-status">{move || t_string!(i18n, timeline.between)}</p> }.into_any()),
        PhaseTimeline::Concluded => Some(view! { <p class="timeline-status">{move || t_string!(i18n, timeline.concluded)}</p> }.into_any()),
    };
    view! {
        {status_line}
        <ol class="phase-timeline" aria-label=move || t_string!(i18n, timeline.label)>
            {phases
                .into_iter()
                .map(|phase| {
                    let (class, status) = match phase.status {
                        PhaseStatus::Past => ("phase-timeline-item is-past", tu_string!(i18n, timeline.past)),
                        PhaseStatus::Current => ("phase-timeline-item is-current", tu_string!(i18n, timeline.current)),
                        PhaseStatus::Future => ("phase-timeline-item is-future", tu_string!(i18n, timeline.future)),
                    };
                    let current = (phase.status == PhaseStatus::Current).then_some("step");
                    let starts = phase.starts_on;
                    let ends = phase.ends_on;
                    view! {
                        <li class=class aria-current=current>
                            <strong>{phase.title}</strong>
                            <small>{move || phase_kind(i18n, phase.kind)} " · " {status}</small>
                            <small class="phase-timeline-dates">
                                <time datetime=starts.to_string()>{move || format::date(i18n, starts)}</time>
                                " – "
                                <time datetime=ends.to_string()>{move || format::date(i18n, ends)}</time>
                            </small>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
