//! `/amministrazione/pagine/…`: an administrator's text (Markdown) for the
//! legal pages, per language.

use crate::admin::home_page::admin_trail;
use crate::admin::server_fns::{UpdateSitePage, site_page};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::api_error::ApiError;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::session::SessionContext;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/amministrazione/pagine/{privacy|accessibilita}?lingua=it`: edit a page in Markdown.
#[component]
pub fn AdminPageEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let q = query.read();
        (
            params.read().get("slug").unwrap_or_default(),
            q.get("lingua")
                .filter(|l| l == "en")
                .unwrap_or_else(|| "it".to_owned()),
            q.get("esito"),
        )
    };
    let session = expect_context::<SessionContext>().0;
    let data = Resource::new(key, move |(slug, locale, _)| async move {
        match session.await?.user {
            Some(user) if user.is_admin() => {}
            Some(_) => return Err(ApiError::Forbidden),
            None => return Err(ApiError::Unauthenticated),
        }
        let page = site_page(slug.clone(), locale.clone()).await?;
        Ok((slug, locale, page.map(|(md, _)| md).unwrap_or_default()))
    });
    let title = tu_string!(i18n, admin.edit_page_title);
    view! {
        <Title text=title />
        <Breadcrumbs trail=admin_trail() current=title.to_owned() />
        <h1>{title}</h1>
        <Outcome />
        <Loaded resource=data render=move |(slug, locale, body)| view! { <PageEditor slug locale body /> } />
    }
}

#[component]
fn PageEditor(slug: String, locale: String, body: String) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<UpdateSitePage>::new();
    let error = action_error(action);
    let page_name = if slug == "privacy" {
        tu_string!(i18n, footer.privacy)
    } else {
        tu_string!(i18n, footer.accessibility)
    };
    let other = if locale == "it" { "en" } else { "it" };
    let other_label = if locale == "it" {
        tu_string!(i18n, nav.english)
    } else {
        tu_string!(i18n, nav.italian)
    };
    view! {
        <p>
            <strong>{page_name}</strong> " · " {if locale == "it" { tu_string!(i18n, nav.italian) } else { tu_string!(i18n, nav.english) }}
            " · " <a href=format!("/amministrazione/pagine/{slug}?lingua={other}")>{tu_string!(i18n, admin.edit_other_language, language = other_label).to_string()}</a>
            " · " <a href=format!("/{slug}")>{tu_string!(i18n, admin.view_page)}</a>
        </p>
        <FormAlert error form_id="pagina" />
        <ActionForm action attr:id="pagina">
            <input type="hidden" name="slug" value=slug.clone() />
            <input type="hidden" name="locale" value=locale.clone() />
            <div class="form-group">
                <label for="pagina-body">{tu_string!(i18n, field.body)}</label>
                <p class="form-hint" id="pagina-body-hint">{tu_string!(i18n, admin.edit_page_hint)}</p>
                <textarea class="form-control" id="pagina-body" name="body" rows="18" aria-describedby="pagina-body-hint">{crate::ui::format::textarea_text(&body)}</textarea>
            </div>
            <button type="submit" class="btn btn-primary">{tu_string!(i18n, admin.save)}</button>
        </ActionForm>
    }
}
