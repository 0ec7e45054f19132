//! `/sportello`: the counter (sportello). Staff find or record a person who
//! came in.

use crate::facilitation::server_fns::{RecordVisitor, search_visitors};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::model::facilitation::IdentityCheck;

pub(crate) fn identity_label(check: IdentityCheck) -> String {
    let i18n = use_i18n();
    match check {
        IdentityCheck::IdentityCard => tu_string!(i18n, facil.id_card),
        IdentityCheck::DrivingLicence => tu_string!(i18n, facil.id_licence),
        IdentityCheck::Passport => tu_string!(i18n, facil.id_passport),
        IdentityCheck::HealthCard => tu_string!(i18n, facil.id_health),
        IdentityCheck::KnownPersonally => tu_string!(i18n, facil.id_known),
    }
    .to_owned()
}

/// `/sportello`: search people already recorded, or record someone new.
#[component]
pub fn CounterPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let found = Resource::new(move || query.read().get("cerca"), search_visitors);
    let record = ServerAction::<RecordVisitor>::new();
    let error = action_error(record);
    let title = tu_string!(i18n, facil.counter);
    view! {
        <Title text=title />
        <Breadcrumbs trail=vec![] current=title.to_owned() />
        <h1>{title}</h1>
        <Outcome />
        <p>{tu_string!(i18n, facil.counter_intro)}</p>
        <section aria-labelledby="cerca-titolo" id="cerca">
            <h2 id="cerca-titolo">{tu_string!(i18n, facil.counter_search)}</h2>
            <form method="get" action="/sportello" role="search">
                <div class="form-group">
                    <label for="sportello-cerca">{tu_string!(i18n, field.nome)}</label>
                    <input class="form-control" type="search" id="sportello-cerca" name="cerca" maxlength="60" value=move || query.read().get("cerca").unwrap_or_default() />
                </div>
                <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, facil.counter_search_submit)}</button>
            </form>
            <Loaded resource=found render=move |records| view! {
                {records.is_empty().then(|| view! { <p>{tu_string!(i18n, facil.counter_none)}</p> })}
                <ul>
                    {records.into_iter().map(|r| view! {
                        <li>
                            <a href=format!("/sportello/{}", r.id)>{r.full_name.clone()}</a>
                            " · " {format::date(i18n, r.recorded_at.date_naive())}
                            {r.claimed.then(|| view! { " · " {tu_string!(i18n, facil.claimed)} })}
                        </li>
                    }).collect_view()}
                </ul>
            } />
        </section>
        <section aria-labelledby="registra-titolo" id="registra">
            <h2 id="registra-titolo">{tu_string!(i18n, facil.counter_record)}</h2>
            <FormAlert error form_id="sportello" />
            <ActionForm action=record attr:id="sportello">
                <div class="form-group">
                    <label for="sportello-nome">{tu_string!(i18n, field.nome)}</label>
                    <p class="form-hint" id="sportello-nome-hint">{tu_string!(i18n, facil.name_hint)}</p>
                    <input class="form-control" type="text" id="sportello-nome" name="nome" maxlength="120" required=true autocomplete="off" aria-describedby="sportello-nome-hint" />
                </div>
                <div class="form-group">
                    <label for="sportello-documento">{tu_string!(i18n, field.documento)}</label>
                    <select class="form-control" id="sportello-documento" name="documento">
                        {IdentityCheck::ALL.iter().map(|c| view! { <option value=c.as_str()>{identity_label(*c)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="form-group">
                    <label for="sportello-codice">{tu_string!(i18n, facil.census_code)}</label>
                    <p class="form-hint" id="sportello-codice-hint">{tu_string!(i18n, facil.census_hint)}</p>
                    <input class="form-control" type="text" id="sportello-codice" name="codice" maxlength="64" autocomplete="off" aria-describedby="sportello-codice-hint" />
                </div>
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.counter_record_submit)}</button>
            </ActionForm>
        </section>
    }
}
