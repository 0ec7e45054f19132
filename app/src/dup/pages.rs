//! The DUP pages: editions (`/dup`, `/dup/:id`), objectives
//! (`/obiettivi/:id`), the coverage view (`/processi/:process/copertura`)
//! and the progress page (`/processi/:process/monitoraggio`); and the
//! "objectives it feeds" section of proposal and project pages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};
use shared::model::dup::{
    Coverage, EditionList, ImportResult, IndicatorDto, ItemLinks, MissionCoverage, Monitoring,
    ObjectiveDetail, ObjectiveLevel, PlanItem, ProgressDto, ProgressStatus, format_euro,
    format_number,
};

use crate::dup::server_fns::{
    AttachEdition, CopyEdition, CreateEdition, EditionPage, LinkObjective, RecordProgress,
    UnlinkObjective, get_coverage, get_edition, get_editions, get_item_links, get_monitoring,
    get_objective,
};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::params::process_param;

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

fn level_label(level: ObjectiveLevel) -> String {
    let i18n = use_i18n();
    match level {
        ObjectiveLevel::Strategic => tu_string!(i18n, dup.strategic),
        ObjectiveLevel::Operational => tu_string!(i18n, dup.operational),
    }
    .to_owned()
}

fn supporters_text(n: Option<i64>) -> String {
    let i18n = use_i18n();
    match n {
        Some(n) => n.to_string(),
        None => tu_string!(i18n, proposals.counts_hidden).to_owned(),
    }
}

fn value(v: Option<f64>) -> String {
    v.map(format_number).unwrap_or_else(|| "—".to_owned())
}

/// The fields of an edition (create and copy forms).
#[component]
fn EditionFields(form_id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let id = |name: &str| format!("{form_id}-{name}");
    view! {
        <div class="form-group">
            <label for=id("ente")>{tu_string!(i18n, field.ente)}</label>
            <input class="form-control" type="text" id=id("ente") name="ente" maxlength="200" required=true />
        </div>
        <div class="form-group">
            <label for=id("titolo")>{tu_string!(i18n, field.titolo)}</label>
            <input class="form-control" type="text" id=id("titolo") name="titolo" maxlength="200" required=true placeholder="DUP 2027–2029" />
        </div>
        <div class="row">
            <div class="form-group col-6">
                <label for=id("primo_anno")>{tu_string!(i18n, field.primo_anno)}</label>
                <input class="form-control" type="number" id=id("primo_anno") name="primo_anno" min="2000" max="2100" required=true />
            </div>
            <div class="form-group col-6">
                <label for=id("ultimo_anno")>{tu_string!(i18n, field.ultimo_anno)}</label>
                <input class="form-control" type="number" id=id("ultimo_anno") name="ultimo_anno" min="2000" max="2100" required=true />
            </div>
        </div>
        <div class="form-check">
            <input class="form-check-input" type="checkbox" id=id("semplificato") name="semplificato" value="si" />
            <label class="form-check-label" for=id("semplificato")>{tu_string!(i18n, dup.simplified_label)}</label>
        </div>
    }
}

/// `/dup`: every edition; administrators create one.
#[component]
pub fn DupEditionsPage() -> impl IntoView {
    let location = use_location();
    let data = Resource::new(move || location.search.get(), |_| get_editions());
    view! { <Loaded resource=data render=|list| view! { <EditionsView list /> } /> }
}

#[component]
fn EditionsView(list: EditionList) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateEdition>::new();
    let create_error = action_error(create);
    let title = tu_string!(i18n, dup.editions).to_owned();
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![] current=title.clone() />
        <Outcome />
        <h1>{title}</h1>
        <p class="lead">{tu_string!(i18n, dup.editions_intro)}</p>
        {if list.editions.is_empty() {
            view! { <p>{tu_string!(i18n, dup.no_editions)}</p> }.into_any()
        } else {
            view! {
                <ul class="edition-list">
                    {list.editions.clone().into_iter().map(|e| view! {
                        <li>
                            <a href=format!("/dup/{}", e.id)><strong>{e.organization.clone()} " – " {e.title.clone()}</strong></a>
                            " · " {format!("{}–{}", e.first_year, e.last_year)}
                            {e.simplified.then(|| view! { " · " {tu_string!(i18n, dup.simplified)} })}
                            " · " {tu_string!(i18n, dup.objectives_n, n = e.objective_count).to_string()}
                            {(!e.processes.is_empty()).then(|| view! {
                                <br /><span class="small">{tu_string!(i18n, dup.informs)} " "
                                {e.processes.clone().into_iter().map(|p| view! { <a href=format!("/processi/{}", p.key)>{p.name}</a> " " }).collect_view()}
                                </span>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {list.can_manage.then(|| view! {
            <section aria-labelledby="nuova-edizione-intestazione" class="settings">
                <h2 id="nuova-edizione-intestazione" class="h4">{tu_string!(i18n, dup.new_edition)}</h2>
                <FormAlert error=create_error form_id="nuova-edizione" />
                <ActionForm action=create attr:id="nuova-edizione">
                    <EditionFields form_id="nuova-edizione" />
                    <button type="submit" class="btn btn-primary">{tu_string!(i18n, dup.create)}</button>
                </ActionForm>
            </section>
        })}
    }
}

/// `/dup/:id`: an edition's tree, its files, and for administrators the
/// import, the copy and the link to a process.
#[component]
pub fn DupEditionPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let location = use_location();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("importazione").is_some(),
                location.search.get(),
            )
        },
        |(id, import, _)| get_edition(id, import),
    );
    view! { <Loaded resource=data render=|page| view! { <EditionView page /> } /> }
}

#[component]
fn ImportOutcomeView(result: ImportResult) -> impl IntoView {
    let i18n = use_i18n();
    match result {
        ImportResult::Imported(outcome) => view! {
            <div class="alert alert-success" role="status">
                <p>{tu_string!(i18n, dup.imported, created = outcome.created, updated = outcome.updated, unchanged = outcome.unchanged).to_string()}</p>
            </div>
        }
        .into_any(),
        ImportResult::Rejected(problems) => view! {
            <div class="alert alert-danger" role="alert" tabindex="-1" id="problemi-importazione">
                <p><strong>{tu_string!(i18n, dup.rejected, n = problems.len()).to_string()}</strong></p>
                <table class="table table-sm">
                    <caption>{tu_string!(i18n, dup.problems)}</caption>
                    <thead><tr>
                        <th scope="col">{tu_string!(i18n, dup.where_)}</th>
                        <th scope="col">{tu_string!(i18n, dup.problem)}</th>
                    </tr></thead>
                    <tbody>
                        {problems.into_iter().map(|p| view! {
                            <tr><th scope="row">{p.place}</th><td>{p.message}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn EditionView(page: EditionPage) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let detail = page.detail.clone();
    let summary = detail.summary.clone();
    let id = summary.id.to_string();
    let title = format!("{} – {}", summary.organization, summary.title);
    let copy = ServerAction::<CopyEdition>::new();
    let copy_error = action_error(copy);
    let attach = ServerAction::<AttachEdition>::new();
    let attach_error = action_error(attach);
    let import_error = move || {
        query.read().get("errore-importazione").map(|e| {
            let text = match e.as_str() {
                "troppo-grande" => tu_string!(i18n, dup.import_too_large),
                "codifica" => tu_string!(i18n, dup.import_encoding),
                "vuoto" => tu_string!(i18n, dup.import_empty),
                _ => tu_string!(i18n, dup.import_unreadable),
            };
            view! { <div class="alert alert-danger" role="alert"><p>{text}</p></div> }
        })
    };
    let pasted = page.pasted.clone().unwrap_or_default();
    let (copy_from, attach_edition) = (id.clone(), id.clone());
    let import_action = format!("/dup/{id}/importa");
    let manage = detail.can_manage.then(|| view! {
        <section id="importa" aria-labelledby="importa-titolo" class="settings">
            <h2 id="importa-titolo" class="h4">{tu_string!(i18n, dup.import)}</h2>
            <p>{tu_string!(i18n, dup.import_hint)}</p>
            {import_error}
            {page.import.clone().map(|result| view! { <ImportOutcomeView result /> })}
            <form method="post" action=import_action enctype="multipart/form-data" id="importazione">
                <div class="form-group">
                    <label for="importa-file">{tu_string!(i18n, dup.file)}</label>
                    <input class="form-control" type="file" id="importa-file" name="file" accept=".csv,.json,text/csv,application/json" />
                </div>
                <div class="form-group">
                    <label for="importa-testo">{tu_string!(i18n, dup.paste)}</label>
                    <textarea class="form-control" id="importa-testo" name="testo" rows="8">{pasted}</textarea>
                </div>
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, dup.import_submit)}</button>
            </form>
        </section>
        <section aria-labelledby="copia-intestazione" class="settings">
            <h2 id="copia-intestazione" class="h4">{tu_string!(i18n, dup.copy)}</h2>
            <p>{tu_string!(i18n, dup.copy_hint)}</p>
            <FormAlert error=copy_error form_id="copia" />
            <ActionForm action=copy attr:id="copia">
                <input type="hidden" name="da" value=copy_from />
                <EditionFields form_id="copia" />
                <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, dup.copy_submit)}</button>
            </ActionForm>
        </section>
    });
    let attach_form = (!detail.attachable.is_empty()).then(|| view! {
        <section aria-labelledby="collega-titolo" class="settings">
            <h2 id="collega-titolo" class="h4">{tu_string!(i18n, dup.attach)}</h2>
            <FormAlert error=attach_error form_id="collega-percorso" />
            <ActionForm action=attach attr:id="collega-percorso">
                <input type="hidden" name="edizione" value=attach_edition />
                <div class="form-group">
                    <label for="collega-processo">{tu_string!(i18n, dup.process)}</label>
                    <select class="form-control" id="collega-processo" name="process">
                        {detail.attachable.clone().into_iter().map(|p| view! { <option value=p.key>{p.name}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, dup.attach_submit)}</button>
            </ActionForm>
        </section>
    });
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(tu_string!(i18n, dup.editions).to_owned(), "/dup".to_owned())] current=title.clone() />
        <Outcome />
        <h1>{title.clone()}</h1>
        <p class="lead">
            {format!("{}–{}", summary.first_year, summary.last_year)}
            " · " {if summary.simplified { tu_string!(i18n, dup.simplified) } else { tu_string!(i18n, dup.ordinary) }}
            " · " {tu_string!(i18n, dup.objectives_n, n = summary.objective_count).to_string()}
        </p>
        {(!summary.processes.is_empty()).then(|| view! {
            <p>{tu_string!(i18n, dup.informs)} " "
                {summary.processes.clone().into_iter().map(|p| {
                    let slug = p.key.clone();
                    view! {
                        <a href=format!("/processi/{slug}")>{p.name}</a>
                        " (" <a href=format!("/processi/{slug}/copertura")>{tu_string!(i18n, dup.coverage)}</a>
                        " · " <a href=format!("/processi/{slug}/monitoraggio")>{tu_string!(i18n, dup.monitoring)}</a> ") "
                    }
                }).collect_view()}
            </p>
        })}
        <p class="downloads">
            <a class="btn btn-outline-secondary" href=format!("/dup/{id}/esporta.csv") download="">{tu_string!(i18n, dup.download_csv)}</a>
            " "
            <a class="btn btn-outline-secondary" href=format!("/dup/{id}/esporta.json") download="">{tu_string!(i18n, dup.download_json)}</a>
        </p>
        <section aria-labelledby="albero-titolo">
            <h2 id="albero-titolo">{tu_string!(i18n, dup.tree)}</h2>
            {detail.missions.is_empty().then(|| view! { <p>{tu_string!(i18n, dup.empty_tree)}</p> })}
            {detail.missions.clone().into_iter().map(|m| {
                let heading = format!("missione-{}", m.code);
                let labelled_by = heading.clone();
                view! {
                    <section class="mission" aria-labelledby=labelled_by>
                        <h3 id=heading class="h5">{tu_string!(i18n, dup.mission)} " " {m.code.clone()} " · " {m.title.clone()}</h3>
                        {(!m.strategic.is_empty()).then(|| view! {
                            <p class="small"><strong>{tu_string!(i18n, dup.strategic_plural)}</strong></p>
                            <ul>
                                {m.strategic.clone().into_iter().map(|o| view! {
                                    <li><a href=format!("/obiettivi/{}", o.id)>{o.code.clone()} " · " {o.title.clone()}</a>
                                        " · " {tu_string!(i18n, dup.links_n, n = o.link_count).to_string()}</li>
                                }).collect_view()}
                            </ul>
                        })}
                        {m.programmes.clone().into_iter().map(|p| view! {
                            <p class="small"><strong>{tu_string!(i18n, dup.programme)} " " {p.code.clone()} " · " {p.title.clone()}</strong></p>
                            <ul>
                                {p.objectives.clone().into_iter().map(|o| view! {
                                    <li><a href=format!("/obiettivi/{}", o.id)>{o.code.clone()} " · " {o.title.clone()}</a>
                                        {o.parent_code.clone().map(|c| view! { <span class="small">" (" {c} ")"</span> })}
                                        {(!o.office.is_empty()).then(|| view! { " · " {o.office.clone()} })}
                                        " · " {tu_string!(i18n, dup.links_n, n = o.link_count).to_string()}</li>
                                }).collect_view()}
                            </ul>
                        }).collect_view()}
                    </section>
                }
            }).collect_view()}
        </section>
        {attach_form}
        {manage}
    }
}

/// A table of indicators: baseline, and per year target, actual and gap.
#[component]
fn IndicatorTable(indicators: Vec<IndicatorDto>, caption: String) -> impl IntoView {
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
fn ProgressList(records: Vec<ProgressDto>, show_item: bool) -> impl IntoView {
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

/// `/obiettivi/:id`: an objective, what feeds it and how it is going.
#[component]
pub fn ObjectivePage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_objective,
    );
    view! { <Loaded resource=data render=|objective| view! { <ObjectiveView objective /> } /> }
}

#[component]
fn ObjectiveView(objective: ObjectiveDetail) -> impl IntoView {
    let i18n = use_i18n();
    let o = objective.objective.clone();
    let title = format!("{} · {}", o.code, o.title);
    let edition_href = format!("/dup/{}", objective.edition.key);
    let total: i64 = objective.resources.iter().map(|r| r.cents).sum();
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(tu_string!(i18n, dup.editions).to_owned(), "/dup".to_owned()), (objective.edition.name.clone(), edition_href)] current=title.clone() />
        <article class="objective">
            <p class="card-meta">{level_label(o.level)} " · " {tu_string!(i18n, dup.mission)} " " {o.mission_code.clone()} " · " {objective.mission_title.clone()}</p>
            <h1>{title.clone()}</h1>
            <dl class="facts">
                {objective.programme.clone().map(|p| view! { <dt>{tu_string!(i18n, dup.programme)}</dt><dd>{p.key} " · " {p.name}</dd> })}
                {objective.parent.clone().map(|p| view! { <dt>{tu_string!(i18n, dup.strategic)}</dt><dd><a href=format!("/obiettivi/{}", p.id)>{p.code} " · " {p.title}</a></dd> })}
                {(!objective.office.is_empty()).then(|| view! { <dt>{tu_string!(i18n, dup.office)}</dt><dd>{objective.office.clone()}</dd> })}
            </dl>
            <div class="prose" inner_html=objective.description_html.clone()></div>
            {(!objective.children.is_empty()).then(|| view! {
                <section aria-labelledby="figli-titolo">
                    <h2 id="figli-titolo" class="h4">{tu_string!(i18n, dup.operational_plural)}</h2>
                    <ul>{objective.children.clone().into_iter().map(|c| view! { <li><a href=format!("/obiettivi/{}", c.id)>{c.code} " · " {c.title}</a></li> }).collect_view()}</ul>
                </section>
            })}
            {(!objective.resources.is_empty()).then(|| view! {
                <table class="table table-sm">
                    <caption>{tu_string!(i18n, dup.resources)}</caption>
                    <thead><tr><th scope="col">{tu_string!(i18n, dup.year)}</th><th scope="col">{tu_string!(i18n, dup.amount)}</th></tr></thead>
                    <tbody>
                        {objective.resources.clone().into_iter().map(|r| view! { <tr><th scope="row">{r.year}</th><td>{format_euro(r.cents)}</td></tr> }).collect_view()}
                        <tr><th scope="row">{tu_string!(i18n, dup.total)}</th><td>{format_euro(total)}</td></tr>
                    </tbody>
                </table>
            })}
            {(!objective.indicators.is_empty()).then(|| view! {
                <IndicatorTable indicators=objective.indicators.clone() caption=tu_string!(i18n, dup.indicators).to_owned() />
            })}
            <section aria-labelledby="collegati-titolo">
                <h2 id="collegati-titolo" class="h4">{tu_string!(i18n, dup.fed_by)}</h2>
                {if objective.links.is_empty() {
                    view! { <p>{tu_string!(i18n, dup.no_links)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="links">
                            {objective.links.clone().into_iter().map(|l| {
                                let through = (l.objective.id != o.id).then(|| (format!("/obiettivi/{}", l.objective.id), l.objective.code.clone()));
                                let (href, kind) = match l.item {
                                    PlanItem::Proposal(id) => (format!("/proposte/{id}"), tu_string!(i18n, dup.proposal)),
                                    PlanItem::Project(id) => (format!("/progetti/{id}"), tu_string!(i18n, dup.project)),
                                };
                                view! {
                                    <li>
                                        {kind} ": " <a href=href>{l.item_title.clone()}</a>
                                        {l.supports.map(|n| view! { " · " {tu_string!(i18n, dup.supports_n, n = n).to_string()} })}
                                        {through.map(|(href, code)| view! { " · " {tu_string!(i18n, dup.through_objective)} " " <a href=href>{code}</a> })}
                                        <br /><span class="small">{l.rationale.clone()}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="avanzamento-titolo">
                <h2 id="avanzamento-titolo" class="h4">{tu_string!(i18n, dup.progress)}</h2>
                {if objective.progress.is_empty() {
                    view! { <p>{tu_string!(i18n, dup.no_progress)}</p> }.into_any()
                } else {
                    view! { <ProgressList records=objective.progress.clone() show_item=false /> }.into_any()
                }}
            </section>
        </article>
    }
}

/// The objectives a proposal or project feeds; for facilitators, the form
/// to link one (suggestions first) and to remove a link.
#[component]
pub fn PlanLinks(item: PlanItem) -> impl IntoView {
    let location = use_location();
    let key = item.key();
    let data = Resource::new(
        move || (key.clone(), location.search.get()),
        |(key, _)| get_item_links(key),
    );
    let key = item.key();
    view! {
        <Transition>
            {move || {
                let key = key.clone();
                data.get().and_then(|r| r.ok()).map(|links| view! { <PlanLinksView links item_key=key /> })
            }}
        </Transition>
    }
}

#[component]
fn PlanLinksView(links: ItemLinks, item_key: String) -> impl IntoView {
    let i18n = use_i18n();
    if links.edition.is_none() && links.links.is_empty() {
        return ().into_any();
    }
    let link = ServerAction::<LinkObjective>::new();
    let link_error = action_error(link);
    let unlink = ServerAction::<UnlinkObjective>::new();
    let unlink_error = action_error(unlink);
    let can_link = links.can_link;
    let suggested: Vec<_> = links.suggestions.iter().map(|s| s.objective.id).collect();
    let first_suggestion = links
        .suggestions
        .first()
        .map(|s| s.objective.id.to_string());
    let (form_key, list_key) = (item_key.clone(), item_key.clone());
    let open_form = !links.suggestions.is_empty() && links.links.is_empty();
    let form = can_link.then(|| view! {
        <details class="settings" id="collega-obiettivo" open=open_form>
            <summary>{tu_string!(i18n, dup.link)}</summary>
            {(!links.suggestions.is_empty()).then(|| view! {
                <p class="small">{tu_string!(i18n, dup.suggestions_hint)}</p>
                <ul class="small">
                    {links.suggestions.clone().into_iter().map(|s| view! {
                        <li>{s.objective.code.clone()} " · " {s.objective.title.clone()} " (" {tu_string!(i18n, dup.similarity, n = s.score).to_string()} ")"</li>
                    }).collect_view()}
                </ul>
            })}
            <FormAlert error=link_error form_id="collegamento" />
            <ActionForm action=link attr:id="collegamento">
                <input type="hidden" name="elemento" value=form_key />
                <div class="form-group">
                    <label for="collegamento-obiettivo">{tu_string!(i18n, field.obiettivo)}</label>
                    <select class="form-control" id="collegamento-obiettivo" name="obiettivo" required=true>
                        {(!links.suggestions.is_empty()).then(|| view! {
                            <optgroup label=tu_string!(i18n, dup.suggested)>
                                {links.suggestions.clone().into_iter().map(|s| {
                                    let selected = Some(s.objective.id.to_string()) == first_suggestion;
                                    view! { <option value=s.objective.id.to_string() selected=selected>{s.objective.code.clone()} " · " {s.objective.title.clone()}</option> }
                                }).collect_view()}
                            </optgroup>
                        })}
                        <optgroup label=tu_string!(i18n, dup.all_objectives)>
                            {links.choices.clone().into_iter().filter(|o| !suggested.contains(&o.id)).map(|o| view! {
                                <option value=o.id.to_string()>{o.code.clone()} " · " {o.title.clone()}</option>
                            }).collect_view()}
                        </optgroup>
                    </select>
                </div>
                <div class="form-group">
                    <label for="collegamento-motivazione">{tu_string!(i18n, field.motivazione)}</label>
                    <textarea class="form-control" id="collegamento-motivazione" name="motivazione" rows="2" maxlength="500" required=true></textarea>
                </div>
                <div class="form-group">
                    <label for="collegamento-peso">{tu_string!(i18n, field.peso)}</label>
                    <select class="form-control" id="collegamento-peso" name="peso">
                        <option value="">{tu_string!(i18n, dup.no_weight)}</option>
                        <option value="1">"1"</option>
                        <option value="2">"2"</option>
                        <option value="3">"3"</option>
                        <option value="4">"4"</option>
                        <option value="5">"5"</option>
                    </select>
                    <p class="small">{tu_string!(i18n, dup.weight_hint)}</p>
                </div>
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, dup.link_submit)}</button>
            </ActionForm>
        </details>
    });
    view! {
        <section id="obiettivi-dup" class="plan-links" aria-labelledby="obiettivi-dup-titolo">
            <h2 id="obiettivi-dup-titolo" class="h4">{tu_string!(i18n, dup.feeds)}</h2>
            {links.edition.clone().map(|e| view! { <p class="small"><a href=format!("/dup/{}", e.key)>{e.name}</a></p> })}
            <FormAlert error=unlink_error form_id="scollega" />
            {if links.links.is_empty() {
                view! { <p>{tu_string!(i18n, dup.feeds_none)}</p> }.into_any()
            } else {
                view! {
                    <ul class="links">
                        {links.links.clone().into_iter().map(|l| {
                            let form_id = format!("scollega-{}", l.id);
                            let key = list_key.clone();
                            let own = l.item.key() == list_key;
                            let via = (!own).then(|| match l.item {
                                PlanItem::Project(id) => format!("/progetti/{id}"),
                                PlanItem::Proposal(id) => format!("/proposte/{id}"),
                            });
                            let via_title = l.item_title.clone();
                            view! {
                                <li>
                                    <a href=format!("/obiettivi/{}", l.objective.id)>{l.objective.code.clone()} " · " {l.objective.title.clone()}</a>
                                    {via.map(|href| view! { " · " {tu_string!(i18n, dup.via_project)} " " <a href=href>{via_title}</a> })}
                                    {l.weight.map(|w| view! { " · " {tu_string!(i18n, dup.weight_n, n = w).to_string()} })}
                                    <br /><span class="small">{l.rationale.clone()}
                                    {l.linked_by.clone().map(|who| view! { " — " {who} })}
                                    " · " {format::date(i18n, l.linked_at.date_naive())}</span>
                                    {(can_link && own).then(|| view! {
                                        <ActionForm action=unlink attr:id=form_id attr:class="inline-form">
                                            <input type="hidden" name="elemento" value=key />
                                            <input type="hidden" name="collegamento" value=l.id.to_string() />
                                            <button type="submit" class="btn btn-sm btn-outline-danger">{tu_string!(i18n, dup.unlink)}</button>
                                        </ActionForm>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {form}
        </section>
    }
    .into_any()
}

/// `/processi/:process/copertura`: per mission and objective, what the
/// plan brings; objectives with no input; accepted items with no objective.
#[component]
pub fn CoveragePage() -> impl IntoView {
    let process = process_param();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                process.get(),
                query.read().get("zona"),
                query.read().get("piattaforma"),
            )
        },
        |(process, zone, platform)| get_coverage(process, zone, platform),
    );
    view! { <Loaded resource=data render=|coverage| view! { <CoverageView coverage /> } /> }
}

/// Horizontal bars per mission: covered objectives out of all, and
/// distinct supporters; drawn on the server, described in text.
#[component]
fn CoverageChart(missions: Vec<MissionCoverage>, summary: String) -> impl IntoView {
    let i18n = use_i18n();
    let row = 34.0_f64;
    let (label_width, bar_width) = (260.0_f64, 380.0_f64);
    let height = row * missions.len() as f64 + 24.0;
    let width = label_width + bar_width + 120.0;
    let most = missions
        .iter()
        .filter_map(|m| m.supporters)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let shown = missions.iter().any(|m| m.supporters.is_some());
    view! {
        <figure class="coverage-chart">
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-labelledby="copertura-grafico" class="chart">
                <title id="copertura-grafico">{summary.clone()}</title>
                {missions.into_iter().enumerate().map(|(n, m)| {
                    let y = 8.0 + row * n as f64;
                    let total = m.objectives.len().max(1) as f64;
                    let covered = bar_width * m.covered as f64 / total;
                    let supporters = m.supporters.map(|n| bar_width * n as f64 / most);
                    let mut name = format!("{} {}", m.code, m.title);
                    if name.chars().count() > 38 {
                        name = name.chars().take(37).collect::<String>() + "…";
                    }
                    view! {
                        <text x="0" y=y + 14.0 class="tick">{name}</text>
                        <rect x=label_width y=y width=bar_width height="12" class="bar-track" />
                        <rect x=label_width y=y width=covered height="12" class="bar bar-covered" />
                        {supporters.map(|width| view! { <rect x=label_width y=y + 14.0 width=width height="8" class="bar bar-supporters" /> })}
                        <text x=label_width + bar_width + 8.0 y=y + 12.0 class="tick">{format!("{}/{}", m.covered, m.objectives.len())}</text>
                        {m.supporters.map(|n| view! { <text x=label_width + bar_width + 8.0 y=y + 24.0 class="tick">{n}</text> })}
                    }
                }).collect_view()}
            </svg>
            <figcaption>
                <ul class="legend">
                    <li><span class="swatch bar-covered" aria-hidden="true"></span> {tu_string!(i18n, dup.legend_covered)}</li>
                    {shown.then(|| view! { <li><span class="swatch bar-supporters" aria-hidden="true"></span> {tu_string!(i18n, dup.legend_supporters)}</li> })}
                </ul>
                <p class="small">{summary}</p>
            </figcaption>
        </figure>
    }
}

#[component]
fn CoverageView(coverage: Coverage) -> impl IntoView {
    let i18n = use_i18n();
    let slug = coverage.process.key.clone();
    let title = tu_string!(
        i18n,
        dup.coverage_of,
        process = coverage.process.name.clone()
    )
    .to_string();
    let Some(edition) = coverage.edition.clone() else {
        return view! {
            <Title text=title.clone() />
            <Breadcrumbs trail=vec![(coverage.process.name.clone(), format!("/processi/{slug}"))] current=title.clone() />
            <h1>{title.clone()}</h1>
            <p>{tu_string!(i18n, dup.no_edition)}</p>
        }
        .into_any();
    };
    let objectives: usize = coverage.missions.iter().map(|m| m.objectives.len()).sum();
    let covered: i64 = coverage.missions.iter().map(|m| m.covered).sum();
    let summary = tu_string!(
        i18n,
        dup.coverage_summary,
        covered = covered,
        objectives = objectives,
        missions = coverage.missions.len(),
        unlinked = coverage.unlinked.len()
    )
    .to_string();
    let (zone, platform) = (
        coverage.zone.clone().unwrap_or_default(),
        coverage.platform.clone().unwrap_or_default(),
    );
    let action = format!("/processi/{slug}/copertura");
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(coverage.process.name.clone(), format!("/processi/{slug}"))] current=title.clone() />
        <h1>{title.clone()}</h1>
        <p class="lead">{tu_string!(i18n, dup.coverage_intro)} " " <a href=format!("/dup/{}", edition.key)>{edition.name.clone()}</a></p>
        <form method="get" action=action class="filters" role="search" aria-label=tu_string!(i18n, dup.filters)>
            <div class="row">
                <div class="form-group col-12 col-md-5">
                    <label for="copertura-zona">{tu_string!(i18n, field.zona)}</label>
                    <select class="form-control" id="copertura-zona" name="zona">
                        <option value="">{tu_string!(i18n, dup.all_zones)}</option>
                        {coverage.zones.clone().into_iter().map(|z| {
                            let selected = z.key == zone;
                            view! { <option value=z.key selected=selected>{z.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="form-group col-12 col-md-5">
                    <label for="copertura-piattaforma">{tu_string!(i18n, field.piattaforma)}</label>
                    <select class="form-control" id="copertura-piattaforma" name="piattaforma">
                        <option value="">{tu_string!(i18n, dup.all_platforms)}</option>
                        {coverage.platforms.clone().into_iter().map(|p| {
                            let selected = p.key == platform;
                            view! { <option value=p.key selected=selected>{p.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="col-12 col-md-2 align-self-end">
                    <button type="submit" class="btn btn-primary">{tu_string!(i18n, dup.apply)}</button>
                </div>
            </div>
        </form>
        <CoverageChart missions=coverage.missions.clone() summary=summary.clone() />
        <table class="table table-sm coverage">
            <caption>{tu_string!(i18n, dup.coverage_table)}</caption>
            <thead><tr>
                <th scope="col">{tu_string!(i18n, dup.objective)}</th>
                <th scope="col">{tu_string!(i18n, dup.proposals)}</th>
                <th scope="col">{tu_string!(i18n, dup.projects)}</th>
                <th scope="col">{tu_string!(i18n, dup.supporters)}</th>
            </tr></thead>
            {coverage.missions.clone().into_iter().map(|m| view! {
                <tbody>
                    <tr class="mission-row">
                        <th scope="rowgroup" colspan="3">{tu_string!(i18n, dup.mission)} " " {m.code.clone()} " · " {m.title.clone()}
                            " (" {tu_string!(i18n, dup.covered_of, covered = m.covered, total = m.objectives.len()).to_string()} ")"</th>
                        <td>{supporters_text(m.supporters)}</td>
                    </tr>
                    {m.objectives.clone().into_iter().map(|r| view! {
                        <tr>
                            <th scope="row"><a href=format!("/obiettivi/{}", r.objective.id)>{r.objective.code.clone()} " · " {r.objective.title.clone()}</a></th>
                            <td>{r.proposals}</td>
                            <td>{r.projects}</td>
                            <td>{supporters_text(r.supporters)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            }).collect_view()}
        </table>
        <p class="small">{tu_string!(i18n, dup.distinct_note)}</p>
        <section aria-labelledby="scoperti-titolo">
            <h2 id="scoperti-titolo" class="h4">{tu_string!(i18n, dup.uncovered)}</h2>
            {if coverage.uncovered.is_empty() {
                view! { <p>{tu_string!(i18n, dup.uncovered_none)}</p> }.into_any()
            } else {
                view! { <ul>{coverage.uncovered.clone().into_iter().map(|o| view! { <li><a href=format!("/obiettivi/{}", o.id)>{o.code} " · " {o.title}</a></li> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section aria-labelledby="senza-obiettivo-titolo">
            <h2 id="senza-obiettivo-titolo" class="h4">{tu_string!(i18n, dup.unlinked)}</h2>
            {if coverage.unlinked.is_empty() {
                view! { <p>{tu_string!(i18n, dup.unlinked_none)}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {coverage.unlinked.clone().into_iter().map(|u| {
                            let (href, kind) = match u.item {
                                PlanItem::Proposal(id) => (format!("/proposte/{id}"), tu_string!(i18n, dup.proposal)),
                                PlanItem::Project(id) => (format!("/progetti/{id}"), tu_string!(i18n, dup.project)),
                            };
                            view! { <li>{kind} ": " <a href=href>{u.title}</a> " · " {u.platform}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

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
