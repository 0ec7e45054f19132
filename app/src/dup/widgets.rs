//! What several DUP pages show alike: an objective's level, progress and
//! supporters in words, indicator tables and progress lists.

use leptos::prelude::*;
use shared::model::dup::{
    IndicatorDto, ObjectiveLevel, ProgressDto, ProgressStatus, format_number,
};

use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;

/// The name of a progress status.
pub fn status_label(status: ProgressStatus) -> String {
    let i18n = use_i18n();
    match status {
        ProgressStatus::NotStarted => tu_string!(i18n, dup.status_not_started),
        ProgressStatus::InProgress => tu_string!(i18n, dup.status_in_progress),
        ProgressStatus::Completed => tu_string!(i18n, dup.status_completed),
        ProgressStatus::Cancelled => tu_string!(i18n, dup.status_cancelled),
    }
    .to_owned()
}

pub(crate) fn level_label(level: ObjectiveLevel) -> String {
    let i18n = use_i18n();
    match level {
        ObjectiveLevel::Strategic => tu_string!(i18n, dup.strategic),
        ObjectiveLevel::Operational => tu_string!(i18n, dup.operational),
    }
    .to_owned()
}

pub(crate) fn supporters_text(n: Option<i64>) -> String {
    let i18n = use_i18n();
    match n {
        Some(n) => n.to_string(),
        None => tu_string!(i18n, proposals.counts_hidden).to_owned(),
    }
}

pub(crate) fn value(v: Option<f64>) -> String {
    v.map(format_number).unwrap_or_else(|| "—".to_owned())
}

/// A table of indicators: baseline, and per year target, actual and gap.
#[component]
pub(crate) fn IndicatorTable(indicators: Vec<IndicatorDto>, caption: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table table-sm indicators">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">{tu_string!(i18n, dup.indicator)}</th>
                <th scope="col">{tu_string!(i18n, dup.year)}</th>
                <th scope="col">{tu_string!(i18n, dup.target)}</th>
                <th scope="col">{tu_string!(i18n, dup.actual)}</th>
                <th scope="col">{tu_string!(i18n, dup.gap)}</th>
            </tr></thead>
            {indicators.into_iter().map(|ind| {
                    let name = format!("{} ({}) · {} {}", ind.name, ind.unit, tu_string!(i18n, dup.baseline), value(ind.baseline));
                    let rows = ind.years.len().max(1);
                    if ind.years.is_empty() {
                        return view! { <tbody><tr><th scope="row">{name}</th><td colspan="4">"—"</td></tr></tbody> }.into_any();
                    }
                    let rows_view = ind.years.clone().into_iter().enumerate().map(|(n, y)| {
                        let gap = y.gap().map(|g| {
                            let sign = if g > 0.0 { "+" } else { "" };
                            format!("{sign}{}", format_number(g))
                        }).unwrap_or_else(|| "—".to_owned());
                        view! {
                            <tr>
                                {(n == 0).then(|| view! { <th scope="rowgroup" rowspan=rows.to_string()>{name.clone()}</th> })}
                                <td>{y.year}</td>
                                <td>{value(y.target)}</td>
                                <td>{value(y.actual)}</td>
                                <td>{gap}</td>
                            </tr>
                        }
                    }).collect_view();
                    view! { <tbody>{rows_view}</tbody> }.into_any()
                }).collect_view()}
        </table>
    }
}

#[component]
pub(crate) fn ProgressList(records: Vec<ProgressDto>, show_item: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="progress-timeline">
            {records.into_iter().map(|r| {
                let day = r.recorded_on;
                view! {
                    <li>
                        <time datetime=day.to_string()>{format::date(i18n, day)}</time>
                        {show_item.then(|| view! { " · " <strong>{r.item_title.clone()}</strong> })}
                        " · " {status_label(r.status)} " · " {format!("{}%", r.percent)}
                        {(!r.note_html.is_empty()).then(|| view! { <div class="prose" inner_html=r.note_html.clone()></div> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
