//! Monitoring the approved plan: progress and indicator values per objective
//! and project.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;
use shared::model::dup::{Monitoring, ProgressStatus};

use crate::dup::server_fns::{RecordProgress, get_monitoring};
use crate::dup::widgets::{IndicatorTable, ProgressList, status_label};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::params::process_param;

/// `/processi/:process/monitoraggio`: how the approved plan is going.
#[component]
pub fn MonitoringPage() -> impl IntoView {
    let process = process_param();
    let location = use_location();
    let data = Resource::new(
        move || (process.get(), location.search.get()),
        |(process, _)| get_monitoring(process),
    );
    view! { <Loaded resource=data render=|monitoring| view! { <MonitoringView monitoring /> } /> }
}

#[component]
fn MonitoringView(monitoring: Monitoring) -> impl IntoView {
    let i18n = use_i18n();
    let slug = monitoring.process.key.clone();
    let title = tu_string!(
        i18n,
        dup.monitoring_of,
        process = monitoring.process.name.clone()
    )
    .to_string();
    let today = monitoring.today.to_string();
    let can_record = monitoring.can_record;
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(monitoring.process.name.clone(), format!("/processi/{slug}"))] current=title.clone() />
        <Outcome />
        <h1>{title.clone()}</h1>
        {monitoring.edition.clone().map(|e| view! { <p class="lead">{tu_string!(i18n, dup.monitoring_intro)} " " <a href=format!("/dup/{}", e.key)>{e.name}</a></p> })}
        {(!monitoring.open).then(|| view! { <div class="callout note" role="note"><p>{tu_string!(i18n, dup.monitoring_closed)}</p></div> })}
        {if monitoring.items.is_empty() {
            view! { <p>{tu_string!(i18n, dup.nothing_to_monitor)}</p> }.into_any()
        } else {
            view! {
                <div class="monitored">
                    {monitoring.items.clone().into_iter().enumerate().map(|(n, item)| {
                        let heading = format!("voce-{n}");
                        let labelled_by = heading.clone();
                        let form_id = format!("avanzamento-{n}");
                        let value_prefix = format!("{form_id}-valore");
                        let field_prefix = form_id.clone();
                        let field = move |name: &str| format!("{field_prefix}-{name}");
                        let label = match &item.code {
                            Some(code) => format!("{code} · {}", item.title),
                            None => format!("{} · {}", tu_string!(i18n, dup.project), item.title),
                        };
                        let percent = item.latest.as_ref().map(|l| l.percent).unwrap_or(0);
                        let (slug, key, today) = (slug.clone(), item.key.clone(), today.clone());
                        let inputs: Vec<(String, String, i32, String)> = item.indicators.iter().flat_map(|ind| {
                            ind.years.iter().map(move |y| (ind.id.to_string(), format!("{} ({})", ind.name, ind.unit), y.year, y.actual.map(|v| v.to_string().replace('.', ",")).unwrap_or_default()))
                        }).collect();
                        let form_id_for_form = form_id.clone();
                        let form_id_for_alert = form_id.clone();
                        // One action per item: an error shows beside its own form.
                        let record = ServerAction::<RecordProgress>::new();
                        let record_error = action_error(record);
                        view! {
                            <section class="monitored-item" aria-labelledby=labelled_by>
                                <h2 id=heading class="h5"><a href=item.href.clone()>{label}</a></h2>
                                {match item.latest.clone() {
                                    Some(latest) => view! {
                                        <p>{status_label(latest.status)} " · " {tu_string!(i18n, dup.as_of, date = format::date(i18n, latest.recorded_on)).to_string()}</p>
                                        <div class="progress-meter">
                                            <progress max="100" value=percent.to_string() aria-label=tu_string!(i18n, dup.completion)>{format!("{percent}%")}</progress>
                                            " " {format!("{percent}%")}
                                        </div>
                                    }.into_any(),
                                    None => view! { <p>{tu_string!(i18n, dup.no_progress)}</p> }.into_any(),
                                }}
                                {(!item.indicators.is_empty()).then(|| view! {
                                    <IndicatorTable indicators=item.indicators.clone() caption=tu_string!(i18n, dup.indicators_of, item = item.title.clone()).to_string() />
                                })}
                                {can_record.then(|| view! {
                                    <FormAlert error=record_error form_id=form_id_for_alert />
                                    <details class="settings">
                                        <summary>{tu_string!(i18n, dup.record)}</summary>
                                        <ActionForm action=record attr:id=form_id_for_form>
                                            <input type="hidden" name="process" value=slug />
                                            <input type="hidden" name="voce" value=key />
                                            <div class="row">
                                                <div class="form-group col-12 col-md-4">
                                                    <label for=field("stato")>{tu_string!(i18n, field.stato)}</label>
                                                    <select class="form-control" id=field("stato") name="stato">
                                                        {ProgressStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{status_label(*s)}</option> }).collect_view()}
                                                    </select>
                                                </div>
                                                <div class="form-group col-6 col-md-4">
                                                    <label for=field("percentuale")>{tu_string!(i18n, field.percentuale)}</label>
                                                    <input class="form-control" type="number" min="0" max="100" id=field("percentuale") name="percentuale" value=percent.to_string() required=true />
                                                </div>
                                                <div class="form-group col-6 col-md-4">
                                                    <label for=field("data")>{tu_string!(i18n, field.data)}</label>
                                                    <input class="form-control" type="date" id=field("data") name="data" value=today required=true />
                                                </div>
                                            </div>
                                            <div class="form-group">
                                                <label for=field("nota")>{tu_string!(i18n, field.nota)}</label>
                                                <textarea class="form-control" id=field("nota") name="nota" rows="3" maxlength="5000"></textarea>
                                            </div>
                                            {(!inputs.is_empty()).then(|| view! {
                                                <fieldset>
                                                    <legend class="h6">{tu_string!(i18n, dup.actuals)}</legend>
                                                    {inputs.clone().into_iter().enumerate().map(|(k, (id, name, year, actual))| {
                                                        let input_id = format!("{value_prefix}-{k}");
                                                        view! {
                                                            <div class="form-group">
                                                                <input type="hidden" name="indicatore[]" value=id />
                                                                <input type="hidden" name="anno[]" value=year.to_string() />
                                                                <label for=input_id.clone()>{format!("{name} · {year}")}</label>
                                                                <input class="form-control" type="text" inputmode="decimal" id=input_id name="valore[]" value=actual />
                                                            </div>
                                                        }
                                                    }).collect_view()}
                                                </fieldset>
                                            })}
                                            <button type="submit" class="btn btn-primary">{tu_string!(i18n, dup.record_submit)}</button>
                                        </ActionForm>
                                    </details>
                                })}
                            </section>
                        }
                    }).collect_view()}
                </div>
            }.into_any()
        }}
        <section aria-labelledby="cronologia-titolo">
            <h2 id="cronologia-titolo" class="h4">{tu_string!(i18n, dup.timeline)}</h2>
            {if monitoring.timeline.is_empty() {
                view! { <p>{tu_string!(i18n, dup.no_progress)}</p> }.into_any()
            } else {
                view! { <ProgressList records=monitoring.timeline.clone() show_item=true /> }.into_any()
            }}
        </section>
    }
}
