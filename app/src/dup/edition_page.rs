//! One DUP edition: its tree, the outcome of the import just made, copying
//! and attaching it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};
use shared::model::dup::ImportResult;

use crate::dup::editions_page::EditionFields;
use crate::dup::server_fns::{AttachEdition, CopyEdition, EditionPage, get_edition};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;

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
                    <textarea class="form-control" id="importa-testo" name="testo" rows="8">{format::textarea_text(&pasted)}</textarea>
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
