//! What the plan's pages show alike: links to the plan and its versions,
//! the approving body and approval sentence, one version's text.

use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use leptos::prelude::*;
use shared::model::plan::{ApprovalView, ApprovingBody, PlanVersionView};

pub(crate) fn body_label(body: ApprovingBody) -> String {
    let i18n = use_i18n();
    match body {
        ApprovingBody::Council => tu_string!(i18n, plan.body_council),
        ApprovingBody::Giunta => tu_string!(i18n, plan.body_giunta),
    }
    .to_owned()
}

pub(crate) fn approval_sentence(approval: &ApprovalView) -> String {
    let i18n = use_i18n();
    tu_string!(
        i18n,
        plan.approved_as,
        version = approval.version,
        body = body_label(approval.body),
        number = approval.resolution_number.clone(),
        date = format::date(i18n, approval.resolution_date)
    )
    .to_string()
}

pub(crate) fn plan_href(slug: &str) -> String {
    format!("/processi/{slug}/piano")
}

pub(crate) fn version_href(slug: &str, n: i32) -> String {
    format!("/processi/{slug}/piano/versioni/{n}")
}

/// A version's text, its downloads, and its approval.
#[component]
pub(crate) fn VersionBody(
    slug: String,
    shown: PlanVersionView,
    heading_level: u8,
) -> impl IntoView {
    let i18n = use_i18n();
    let n = shown.summary.number;
    let base = version_href(&slug, n);
    let heading = tu_string!(i18n, plan.version_n, n = n).to_string();
    view! {
        <section aria-labelledby="piano-testo" class="plan-document">
            {if heading_level == 2 {
                view! { <h2 id="piano-testo">{heading}</h2> }.into_any()
            } else {
                view! { <p id="piano-testo" class="visually-hidden">{heading}</p> }.into_any()
            }}
            <p>
                {tu_string!(i18n, plan.download)} ": "
                <a href=format!("{base}/piano.pdf") download="">{tu_string!(i18n, plan.download_pdf)}</a>
                " · "
                <a href=format!("{base}/piano.odt") download="">{tu_string!(i18n, plan.download_odt)}</a>
                " · "
                <a href=format!("{base}/piano.html") download="">{tu_string!(i18n, plan.download_html)}</a>
                " · "
                <a href=format!("{base}/piano.md") download="">{tu_string!(i18n, plan.download_md)}</a>
            </p>
            <div lang="it" inner_html=shown.html></div>
        </section>
    }
}

/// A GET form: works the same with and without JavaScript.
#[component]
pub(crate) fn CompareForm(slug: String, versions: Vec<i32>, from: i32, to: i32) -> impl IntoView {
    let i18n = use_i18n();
    let options = move |selected: i32| {
        versions
            .iter()
            .map(|n| view! { <option value=n.to_string() selected=*n == selected>{tu_string!(i18n, plan.version_n, n = *n).to_string()}</option> })
            .collect_view()
    };
    view! {
        <section aria-labelledby="piano-confronto">
            <h2 id="piano-confronto">{tu_string!(i18n, plan.compare)}</h2>
            <form method="get" action=format!("/processi/{slug}/piano/confronta") class="row">
                <div class="form-group col-12 col-md-4">
                    <label for="confronto-da">{tu_string!(i18n, field.da)}</label>
                    <select class="form-control" id="confronto-da" name="da">{options(from)}</select>
                </div>
                <div class="form-group col-12 col-md-4">
                    <label for="confronto-a">{tu_string!(i18n, field.a)}</label>
                    <select class="form-control" id="confronto-a" name="a">{options(to)}</select>
                </div>
                <div class="form-group col-12 col-md-4 align-self-end">
                    <button type="submit" class="btn btn-outline-primary">{tu_string!(i18n, plan.compare_submit)}</button>
                </div>
            </form>
        </section>
    }
}
