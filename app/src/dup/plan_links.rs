//! The objectives a proposal or project feeds, shown on its page, and the
//! facilitators' form that links and unlinks them.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use shared::model::dup::{ItemLinks, PlanItem};

use crate::dup::server_fns::{LinkObjective, UnlinkObjective, get_item_links};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::forms::{FormAlert, action_error};

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
