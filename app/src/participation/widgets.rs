//! Pieces shared by the participation pages: why something is closed, and a
//! bar chart drawn on the server (SVG) with its data table.

use leptos::prelude::*;
use shared::model::common::{Availability, Refusal};
use shared::model::participation::ResultRow;

use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::labels::refusal_text;

/// The note shown instead of a button that would be refused.
#[component]
pub fn ClosedNote(
    availability: Availability,
    /// The sign-in link's text, for `SignInNeeded`.
    #[prop(into)]
    sign_in_text: String,
    /// Where to come back after signing in.
    #[prop(into)]
    back: String,
) -> impl IntoView {
    let i18n = use_i18n();
    match availability {
        Availability::Open => ().into_any(),
        Availability::SignInNeeded => {
            let href = format!(
                "/accedi?torna={}",
                crate::ui::layout::encode_query_value(&back)
            );
            view! { <p class="closed-note"><a class="btn btn-outline-primary" href=href>{sign_in_text}</a></p> }
                .into_any()
        }
        Availability::Refused(refusal) => {
            let verify = matches!(refusal, Refusal::VerificationRequired { .. });
            view! {
                <p class="closed-note">{refusal_text(&refusal)}</p>
                {verify.then(|| view! { <p><a href="/profilo#residenza">{tu_string!(i18n, take.verify_link)}</a></p> })}
            }
            .into_any()
        }
    }
}

/// A horizontal bar chart of supports, drawn on the server, followed by the
/// table with every value (the chart's text alternative).
#[component]
pub fn SupportChart(
    #[prop(into)] id: String,
    #[prop(into)] caption: String,
    #[prop(into)] what: String,
    rows: Vec<ResultRow>,
) -> impl IntoView {
    let i18n = use_i18n();
    let max = rows.iter().map(|r| r.supports).max().unwrap_or(0).max(1);
    let bar_height = 28u64;
    let gap = 10u64;
    let label_width = 260u64;
    let chart_width = 420u64;
    let height = rows.len() as u64 * (bar_height + gap) + gap;
    let width = label_width + chart_width + 80;
    let summary = tu_string!(i18n, take.chart_alt, what = what).to_string();
    let title_id = format!("{id}-title");
    let table_id = format!("{id}-table");
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let y = gap + i as u64 * (bar_height + gap);
            let length = (row.supports * chart_width).div_ceil(max).max(1);
            let name: String = row.name.chars().take(38).collect();
            let value = format::number(i18n, row.supports);
            view! {
                <g>
                    <text x=label_width - 8 y=y + bar_height * 2 / 3 text-anchor="end" class="chart-label">{name}</text>
                    <rect x=label_width y=y width=length height=bar_height class="chart-bar" />
                    <text x=label_width + length + 6 y=y + bar_height * 2 / 3 class="chart-value">{value}</text>
                </g>
            }
        })
        .collect_view();
    let table_rows = rows
        .into_iter()
        .map(|row| {
            view! {
                <tr>
                    <th scope="row">{row.name}</th>
                    <td>{format::number(i18n, row.proposals)}</td>
                    <td>{format::number(i18n, row.supports)}</td>
                    <td>{format::number(i18n, row.supporters)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" id=id.clone()>
            <svg role="img" aria-labelledby=title_id.clone() viewBox=format!("0 0 {width} {height}") width="100%" preserveAspectRatio="xMinYMin meet">
                <title id=title_id.clone()>{summary}</title>
                {bars}
            </svg>
            <figcaption>{caption.clone()}</figcaption>
        </figure>
        <div class="table-responsive">
            <table class="table" id=table_id>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tu_string!(i18n, take.col_name)}</th>
                        <th scope="col">{tu_string!(i18n, take.col_proposals)}</th>
                        <th scope="col">{tu_string!(i18n, take.col_supports)}</th>
                        <th scope="col">{tu_string!(i18n, take.col_supporters)}</th>
                    </tr>
                </thead>
                <tbody>{table_rows}</tbody>
            </table>
        </div>
    }
}
