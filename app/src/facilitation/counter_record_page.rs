//! `/sportello/:id`: one person's record at the counter: staff propose and
//! support on their behalf. The receipt shows the code the person can use
//! later to claim the record online.

use crate::facilitation::counter_page::identity_label;
use crate::facilitation::server_fns::{
    ProposeForVisitor, SupportForVisitor, get_visitor, receipt_form,
};
use crate::i18n::{tu_string, use_i18n};
use crate::participation::server_fns::take_form_draft;
use crate::processes::server_fns::{get_process, list_processes};
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};
use shared::model::facilitation::CounterRecordDto;

/// `/sportello/:id`: one recorded person, the receipt, and acting for them.
#[component]
pub fn CounterRecordPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let record = Resource::new(
        move || (id.get(), location.search.get()),
        |(id, _)| get_visitor(id),
    );
    // Here, not in the record's view: re-rendering that view must not take
    // the one-time receipt again (and find it gone).
    let receipt = Resource::new(
        move || id.get(),
        |id| {
            let form = uuid::Uuid::try_parse(&id)
                .map(receipt_form)
                .unwrap_or_default();
            take_form_draft(form)
        },
    );
    view! { <Loaded resource=record render=move |record| view! { <RecordView record receipt /> } /> }
}

#[component]
fn RecordView(
    record: CounterRecordDto,
    receipt: Resource<
        Result<std::collections::BTreeMap<String, String>, crate::ui::api_error::ApiError>,
    >,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = record.id.to_string();
    let processes = Resource::new(|| (), |_| list_processes());
    let chosen = Memo::new(move |_| query.read().get("processo").filter(|s| !s.is_empty()));
    let process = Resource::new(
        move || chosen.get(),
        |slug| async move {
            match slug {
                Some(slug) => get_process(slug).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let propose = ServerAction::<ProposeForVisitor>::new();
    let propose_error = action_error(propose);
    let support = ServerAction::<SupportForVisitor>::new();
    let support_error = action_error(support);
    let title = record.full_name.clone();
    let here = format!("/sportello/{id}");
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(tu_string!(i18n, facil.counter).to_owned(), "/sportello".to_owned())] current=title.clone() />
        <h1>{title}</h1>
        <Outcome />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                receipt.await.ok().and_then(|fields| fields.get("codice").cloned()).map(|code| view! {
                    <div class="callout important receipt" id="ricevuta">
                        <p class="callout-title">{tu_string!(i18n, facil.receipt)}</p>
                        <p>{tu_string!(i18n, facil.receipt_hint)}</p>
                        <p class="claim-code"><strong>{code}</strong></p>
                    </div>
                })
            })}
        </Suspense>
        <dl class="facts">
            <dt>{tu_string!(i18n, field.documento)}</dt>
            <dd>{identity_label(record.identity_check)}</dd>
            <dt>{tu_string!(i18n, facil.residence)}</dt>
            <dd>{if record.resident { tu_string!(i18n, facil.resident_yes) } else { tu_string!(i18n, facil.resident_no) }}</dd>
            <dt>{tu_string!(i18n, facil.recorded)}</dt>
            <dd>{format::date_time(i18n, record.recorded_at)} {record.recorded_by.clone().map(|by| format!(" · {by}"))}</dd>
        </dl>
        {record.claimed.then(|| view! { <p class="callout note">{tu_string!(i18n, facil.claimed_hint)}</p> })}
        <section aria-labelledby="fatto-titolo">
            <h2 id="fatto-titolo">{tu_string!(i18n, facil.done_for)}</h2>
            <h3 class="h5">{tu_string!(i18n, facil.proposals)}</h3>
            {record.proposals.is_empty().then(|| view! { <p>{tu_string!(i18n, facil.nothing_yet)}</p> })}
            <ul>{record.proposals.iter().map(|p| view! { <li><a href=format!("/proposte/{}", p.key)>{p.name.clone()}</a></li> }).collect_view()}</ul>
            <h3 class="h5">{tu_string!(i18n, facil.supports)}</h3>
            {record.supports.is_empty().then(|| view! { <p>{tu_string!(i18n, facil.nothing_yet)}</p> })}
            <ul>{record.supports.iter().map(|p| view! { <li><a href=format!("/proposte/{}", p.key)>{p.name.clone()}</a></li> }).collect_view()}</ul>
        </section>
        {(!record.claimed).then(|| view! {
            <section aria-labelledby="sostieni-titolo" id="sostieni">
                <h2 id="sostieni-titolo">{tu_string!(i18n, facil.support_for)}</h2>
                <FormAlert error=support_error form_id="sostieni-per" />
                <ActionForm action=support attr:id="sostieni-per">
                    <input type="hidden" name="scheda" value=id.clone() />
                    <div class="form-group">
                        <label for="sostieni-per-proposta">{tu_string!(i18n, field.proposta)}</label>
                        <p class="form-hint" id="sostieni-per-proposta-hint">{tu_string!(i18n, facil.support_for_hint)}</p>
                        <input class="form-control" type="text" id="sostieni-per-proposta" name="proposta" required=true aria-describedby="sostieni-per-proposta-hint" />
                    </div>
                    <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.support_for_submit)}</button>
                </ActionForm>
            </section>
            <section aria-labelledby="proponi-titolo" id="proponi">
                <h2 id="proponi-titolo">{tu_string!(i18n, facil.propose_for)}</h2>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = processes.await.unwrap_or_default();
                        view! {
                            <form method="get" action=format!("/sportello/{}#proponi", record.id)>
                                <div class="form-group">
                                    <label for="proponi-processo">{tu_string!(i18n, facil.choose_process)}</label>
                                    <select class="form-control" id="proponi-processo" name="processo">
                                        {list.into_iter().map(|p| {
                                            let selected = chosen.get_untracked().as_deref() == Some(p.slug.as_str());
                                            view! { <option value=p.slug.clone() selected=selected>{p.title.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, facil.choose_process_submit)}</button>
                            </form>
                        }
                    })}
                </Suspense>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        process.await.ok().flatten().map(|detail| {
                            let slug = detail.summary.slug.clone();
                            view! {
                                <FormAlert error=propose_error form_id="proponi-per" />
                                <ActionForm action=propose attr:id="proponi-per">
                                    <input type="hidden" name="scheda" value=record.id.to_string() />
                                    <input type="hidden" name="process" value=slug />
                                    <div class="form-group">
                                        <label for="proponi-per-piattaforma">{tu_string!(i18n, field.piattaforma)}</label>
                                        <select class="form-control" id="proponi-per-piattaforma" name="piattaforma">
                                            {detail.platforms.iter().map(|p| view! { <option value=p.slug.clone()>{p.title.clone()}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="form-group">
                                        <label for="proponi-per-zona">{tu_string!(i18n, field.zona)}</label>
                                        <select class="form-control" id="proponi-per-zona" name="zona">
                                            <option value="">{tu_string!(i18n, facil.no_zone)}</option>
                                            {detail.zones.iter().map(|z| view! { <option value=z.slug.clone()>{z.name.clone()}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="form-group">
                                        <label for="proponi-per-titolo">{tu_string!(i18n, field.titolo)}</label>
                                        <input class="form-control" type="text" id="proponi-per-titolo" name="titolo" maxlength="150" required=true />
                                    </div>
                                    <div class="form-group">
                                        <label for="proponi-per-testo">{tu_string!(i18n, field.testo)}</label>
                                        <textarea class="form-control" id="proponi-per-testo" name="testo" rows="6" maxlength="20000" required=true></textarea>
                                    </div>
                                    <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.propose_for_submit)}</button>
                                </ActionForm>
                            }
                        })
                    })}
                </Suspense>
            </section>
        })}
        <p><a href=here>{tu_string!(i18n, facil.reload)}</a></p>
    }
}
