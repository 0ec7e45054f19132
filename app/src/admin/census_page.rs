//! `/amministrazione/residenza`: the census list used to verify residence.

use crate::admin::home_page::admin_trail;
use crate::i18n::{tu_string, use_i18n};
use crate::ui::api_error::ApiError;
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::session::SessionContext;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/amministrazione/residenza`: load a census list (a plain multipart form,
/// handled by the server, the same with or without JavaScript).
#[component]
pub fn AdminCensusPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = tu_string!(i18n, admin.census_title);
    let query = use_query_map();
    let session = expect_context::<SessionContext>().0;
    let guard = Resource::new(
        || (),
        move |_| async move {
            match session.await?.user {
                Some(user) if user.is_admin() => Ok(()),
                Some(_) => Err(ApiError::Forbidden),
                None => Err(ApiError::Unauthenticated),
            }
        },
    );
    let report = move || {
        let q = query.read();
        let added = q.get("aggiunti")?;
        let text = tu_string!(
            i18n,
            admin.census_report,
            added = added,
            duplicates = q.get("duplicati").unwrap_or_default(),
            invalid = q.get("non_validi").unwrap_or_default()
        )
        .to_string();
        let lines = q.get("righe").filter(|l| !l.is_empty());
        Some(view! {
            <div class="alert alert-success" role="status">
                <p>{text}</p>
                {lines.map(|l| view! { <p>{tu_string!(i18n, admin.census_lines, lines = l).to_string()}</p> })}
            </div>
        })
    };
    let failure = move || {
        let q = query.read();
        let problem = q.get("errore")?;
        let text = match problem.as_str() {
            "vuoto" => tu_string!(i18n, admin.census_empty),
            "troppo-grande" => tu_string!(i18n, admin.census_too_big),
            _ => tu_string!(i18n, admin.census_unreadable),
        };
        Some(view! { <div class="alert alert-danger" role="alert"><p>{text}</p></div> })
    };
    let form = move |()| {
        view! {
            {report}
            {failure}
            <p>{tu_string!(i18n, admin.census_intro)}</p>
            <form method="post" action="/amministrazione/residenza" enctype="multipart/form-data" id="censimento">
                <div class="form-group">
                    <label for="censimento-file">{tu_string!(i18n, field.file)}</label>
                    <p class="form-hint" id="censimento-file-hint">{tu_string!(i18n, admin.census_hint)}</p>
                    <input class="form-control" id="censimento-file" type="file" name="file" accept=".csv,.txt,text/csv,text/plain" required=true aria-describedby="censimento-file-hint" />
                </div>
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, admin.census_button)}</button>
            </form>
        }
    };
    view! {
        <Title text=title />
        <Breadcrumbs trail=admin_trail() current=title.to_owned() />
        <h1>{title}</h1>
        <Loaded resource=guard render=form />
    }
}
