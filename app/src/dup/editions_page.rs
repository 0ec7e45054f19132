//! The DUP editions, and the form that creates one.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;
use shared::model::dup::EditionList;

use crate::dup::server_fns::{CreateEdition, get_editions};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;

/// The fields of an edition (create and copy forms).
#[component]
pub(crate) fn EditionFields(form_id: &'static str) -> impl IntoView {
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
