//! The proposal list of a process: filters, sort and keyset pagination, all
//! in the URL so every view can be shared and works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use shared::model::{ProcessDetail, ProposalListParams, ProposalPage, ProposalState};

use crate::i18n::{t_string, tu_string, use_i18n};
use crate::participation::proposal_card::ProposalCard;
use crate::participation::proposal_fns::list_proposals;
use crate::processes::server_fns::get_process;
use crate::ui::api_error::ApiError;
use crate::ui::error::ErrorView;
use crate::ui::format;
use crate::ui::labels::proposal_state;
use crate::ui::layout::{Breadcrumbs, encode_query_value};

fn params_of(query: &ParamsMap) -> ProposalListParams {
    ProposalListParams {
        piattaforma: query.get("piattaforma"),
        direzione: query.get("direzione"),
        zona: query.get("zona"),
        stato: query.get("stato"),
        ordine: query.get("ordine"),
        seme: query.get("seme"),
        dopo: query.get("dopo"),
        cerca: query.get("cerca"),
    }
}

/// The list page.
#[component]
pub fn ProposalListPage() -> impl IntoView {
    let i18n = use_i18n();
    let path = use_params_map();
    let query = use_query_map();
    let process_slug = move || path.read().get("process").unwrap_or_default();
    let process = Resource::new(process_slug, get_process);
    let page = Resource::new(
        move || (process_slug(), params_of(&query.read())),
        |(slug, params)| list_proposals(slug, params),
    );
    view! {
        <Suspense fallback=move || view! { <p>{move || t_string!(i18n, site.loading)}</p> }>
            {move || Suspend::new(async move {
                let params = params_of(&query.read_untracked());
                match (process.await, page.await) {
                    (Ok(process), Ok(page)) => view! { <ListView process page params error=None /> }.into_any(),
                    // A bad filter still shows the form, so the person can fix it.
                    (Ok(process), Err(ApiError::InvalidInput { field, .. })) => {
                        crate::ui::error::set_status(400);
                        let empty = ProposalPage { items: Vec::new(), next: None, total: 0, seed: None, counts_hidden: false };
                        view! { <ListView process page=empty params error=Some(field) /> }.into_any()
                    }
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A `<select>` of the filter form; `options` are (value, label).
#[component]
fn FilterSelect(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    any: &'static str,
    options: Vec<(String, String)>,
    selected: Option<String>,
    invalid: bool,
) -> impl IntoView {
    let selected = selected.unwrap_or_default();
    let error_id = format!("{id}-errore");
    view! {
        <div class="form-group">
            <label for=id>{label}</label>
            <select
                id=id
                name=name
                class="form-select"
                aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then(|| error_id.clone())
            >
                <option value="" selected=selected.is_empty()>{any}</option>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let is_selected = value == selected;
                        view! { <option value=value selected=is_selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

#[component]
fn ListView(
    process: ProcessDetail,
    page: ProposalPage,
    params: ProposalListParams,
    error: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let slug = process.summary.slug.clone();
    let process_title = process.summary.title.clone();
    let action = format!("/processi/{slug}/proposte");
    let invalid = {
        let error = error.clone();
        move |field: &str| error.as_deref() == Some(field)
    };
    let field_label = |field: &str| -> &'static str {
        match field {
            "piattaforma" => tu_string!(i18n, proposals.platform),
            "direzione" => tu_string!(i18n, proposals.direction),
            "zona" => tu_string!(i18n, proposals.zone),
            "stato" => tu_string!(i18n, proposals.state),
            "ordine" => tu_string!(i18n, proposals.sort),
            "seme" => tu_string!(i18n, proposals.seed),
            "cerca" => tu_string!(i18n, proposals.search),
            _ => tu_string!(i18n, proposals.cursor),
        }
    };
    let error_message = error
        .as_deref()
        .map(|field| tu_string!(i18n, proposals.invalid, field = field_label(field)).to_string());
    let counts_hidden = page.counts_hidden;
    let sort = params.ordine.clone().unwrap_or_else(|| {
        if counts_hidden {
            "recenti".into()
        } else {
            String::new()
        }
    });
    let mut sort_options = vec![
        (
            "supporti".to_owned(),
            tu_string!(i18n, proposals.sort_supports).to_owned(),
        ),
        (
            "recenti".to_owned(),
            tu_string!(i18n, proposals.sort_newest).to_owned(),
        ),
        (
            "casuale".to_owned(),
            tu_string!(i18n, proposals.sort_random).to_owned(),
        ),
    ];
    if counts_hidden {
        // Ordering by supports would reveal them while the vote hides them.
        sort_options.remove(0);
    }
    let states = ProposalState::ALL
        .into_iter()
        .map(|s| (s.url_name().to_owned(), proposal_state(i18n, s).to_owned()))
        .collect();

    // The links to the next and first page keep filters, sort and seed.
    let mut base_params: Vec<(String, String)> = [
        ("piattaforma", &params.piattaforma),
        ("direzione", &params.direzione),
        ("zona", &params.zona),
        ("stato", &params.stato),
        ("ordine", &params.ordine),
        ("cerca", &params.cerca),
    ]
    .into_iter()
    .filter_map(|(k, v)| {
        v.as_ref()
            .filter(|v| !v.is_empty())
            .map(|v| (k.to_owned(), v.clone()))
    })
    .collect();
    if counts_hidden
        && !base_params
            .iter()
            .any(|(k, v)| k == "ordine" && v != "supporti")
    {
        // The list came newest first (supports are hidden): so do its next pages.
        base_params.retain(|(k, _)| k != "ordine");
        base_params.push(("ordine".to_owned(), "recenti".to_owned()));
    }
    if let Some(seed) = page.seed {
        base_params.push(("seme".to_owned(), seed.to_string()));
    }
    let href = |extra: Option<(&str, &str)>| {
        let mut pairs: Vec<String> = base_params
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_query_value(v)))
            .collect();
        if let Some((k, v)) = extra {
            pairs.push(format!("{k}={}", encode_query_value(v)));
        }
        if pairs.is_empty() {
            action.clone()
        } else {
            format!("{action}?{}", pairs.join("&"))
        }
    };
    let next_href = page
        .next
        .as_deref()
        .map(|cursor| href(Some(("dopo", cursor))));
    let first_href = params
        .dopo
        .as_ref()
        .filter(|d| !d.is_empty())
        .map(|_| href(None));
    let total = page.total;
    let title = tu_string!(i18n, proposals.title_of, process = process_title.clone()).to_string();

    view! {
        <Title text=title.clone() />
        <Breadcrumbs
            trail=vec![(process_title.clone(), format!("/processi/{slug}"))]
            current=tu_string!(i18n, proposals.title).to_owned()
        />
        <h1>{title}</h1>
        {error_message.map(|message| view! {
            <div class="alert alert-danger" role="alert" id=format!("f-{}-errore", error.clone().unwrap_or_default())>{message}</div>
        })}
        <section class="filters" aria-labelledby="filters-title">
            <h2 id="filters-title" class="h5">{move || t_string!(i18n, proposals.filters)}</h2>
            <Form method="GET" action=action.clone()>
                <div class="form-group search-field">
                    <label for="f-cerca">{tu_string!(i18n, proposals.search)}</label>
                    <p class="form-hint" id="f-cerca-hint">{tu_string!(i18n, proposals.search_hint)}</p>
                    <input type="search" class="form-control" id="f-cerca" name="cerca" maxlength="200"
                        value=params.cerca.clone().unwrap_or_default() aria-describedby="f-cerca-hint"
                        aria-invalid=invalid("cerca").then_some("true") />
                </div>
                <div class="row">
                    <div class="col-12 col-md-6 col-lg-4">
                        <FilterSelect id="f-piattaforma" name="piattaforma" label=tu_string!(i18n, proposals.platform)
                            any=tu_string!(i18n, proposals.any_platform)
                            options=process.platforms.iter().map(|p| (p.slug.clone(), p.title.clone())).collect()
                            selected=params.piattaforma.clone() invalid=invalid("piattaforma") />
                    </div>
                    <div class="col-12 col-md-6 col-lg-4">
                        <FilterSelect id="f-direzione" name="direzione" label=tu_string!(i18n, proposals.direction)
                            any=tu_string!(i18n, proposals.any_direction)
                            options=process.directions.iter().map(|d| (d.code.clone(), format!("{}. {}", d.code, d.title))).collect()
                            selected=params.direzione.clone() invalid=invalid("direzione") />
                    </div>
                    <div class="col-12 col-md-6 col-lg-4">
                        <FilterSelect id="f-zona" name="zona" label=tu_string!(i18n, proposals.zone)
                            any=tu_string!(i18n, proposals.any_zone)
                            options=process.zones.iter().map(|z| (z.slug.clone(), z.name.clone())).collect()
                            selected=params.zona.clone() invalid=invalid("zona") />
                    </div>
                    <div class="col-12 col-md-6 col-lg-4">
                        <FilterSelect id="f-stato" name="stato" label=tu_string!(i18n, proposals.state)
                            any=tu_string!(i18n, proposals.any_state) options=states
                            selected=params.stato.clone() invalid=invalid("stato") />
                    </div>
                    <div class="col-12 col-md-6 col-lg-4">
                        <div class="form-group">
                            <label for="f-ordine">{move || t_string!(i18n, proposals.sort)}</label>
                            <select id="f-ordine" name="ordine" class="form-select" aria-invalid=invalid("ordine").then_some("true")>
                                {sort_options.into_iter().map(|(value, text)| {
                                    let is_selected = value == sort || (sort.is_empty() && value == "supporti");
                                    view! { <option value=value selected=is_selected>{text}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    </div>
                    <div class="col-12 col-md-6 col-lg-4 form-actions">
                        <button type="submit" class="btn btn-primary">{move || t_string!(i18n, proposals.apply)}</button>
                        " "
                        <a class="btn btn-outline-primary" href=action.clone()>{move || t_string!(i18n, proposals.reset)}</a>
                    </div>
                </div>
                {page.seed.map(|seed| view! { <input type="hidden" name="seme" value=seed.to_string() /> })}
            </Form>
        </section>

        {counts_hidden.then(|| view! { <p class="alert alert-info">{tu_string!(i18n, proposals.counts_hidden)}</p> })}
        <p class="result-count" role="status">
            {move || t_string!(i18n, proposals.found, count = format::number(i18n, total)).to_string()}
        </p>
        {if page.items.is_empty() {
            view! { <p class="alert alert-info">{move || t_string!(i18n, proposals.empty)}</p> }.into_any()
        } else {
            view! {
                <div class="proposal-list">
                    {page.items.into_iter().map(|proposal| view! { <ProposalCard proposal heading_level=2 /> }).collect_view()}
                </div>
            }
            .into_any()
        }}
        {(next_href.is_some() || first_href.is_some()).then(|| view! {
            <nav class="pagination-wrapper" aria-label=move || t_string!(i18n, proposals.pagination)>
                <ul class="pagination">
                    {first_href.map(|h| view! {
                        <li class="page-item"><a class="page-link" href=h>{move || t_string!(i18n, proposals.first)}</a></li>
                    })}
                    {next_href.map(|h| view! {
                        <li class="page-item"><a class="page-link" rel="next" href=h>{move || t_string!(i18n, proposals.next)}</a></li>
                    })}
                </ul>
            </nav>
        })}
    }
}
