//! The final plan's pages: the plan (`/processi/:process/piano`), one
//! version (`…/piano/versioni/:n`), two versions compared
//! (`…/piano/confronta?da=&a=`) and the composition form
//! (`…/piano/componi`). All work without JavaScript: the comparison is a
//! GET form, composing and approving are plain form posts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};
use shared::model::plan::{
    ApprovalView, ApprovingBody, LineChange, PlanComposer, PlanDiff, PlanOverview,
    PlanVersionSummary, PlanVersionView,
};

use crate::i18n::{tu_string, use_i18n};
use crate::plan::server_fns::{
    ApprovePlan, SavePlan, compare_plan, get_plan, get_plan_composer, get_plan_version,
};
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::params::process_param;

fn body_label(body: ApprovingBody) -> String {
    let i18n = use_i18n();
    match body {
        ApprovingBody::Council => tu_string!(i18n, plan.body_council),
        ApprovingBody::Giunta => tu_string!(i18n, plan.body_giunta),
    }
    .to_owned()
}

fn approval_sentence(approval: &ApprovalView) -> String {
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

fn plan_href(slug: &str) -> String {
    format!("/processi/{slug}/piano")
}

fn version_href(slug: &str, n: i32) -> String {
    format!("/processi/{slug}/piano/versioni/{n}")
}

/// The plan of a process.
#[component]
pub fn PlanPage() -> impl IntoView {
    let process = process_param();
    let location = use_location();
    let data = Resource::new(
        move || (process.get(), location.search.get()),
        |(process, _)| get_plan(process),
    );
    view! { <Loaded resource=data render=|plan| view! { <PlanView plan /> } /> }
}

#[component]
fn PlanView(plan: PlanOverview) -> impl IntoView {
    let i18n = use_i18n();
    let slug = plan.process.key.clone();
    let title = tu_string!(i18n, plan.of, process = plan.process.name.clone()).to_string();
    let numbers: Vec<i32> = plan.versions.iter().map(|v| v.number).collect();
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(plan.process.name.clone(), format!("/processi/{slug}"))] current=title.clone() />
        <Outcome />
        <h1>{title.clone()}</h1>
        <p class="lead">{tu_string!(i18n, plan.intro)}</p>
        {plan.approval.as_ref().map(|a| view! { <div class="callout success" role="note"><p>{approval_sentence(a)}</p></div> })}
        {plan.can_compose.then(|| view! {
            <p><a class="btn btn-primary" href=format!("/processi/{slug}/piano/componi")>{tu_string!(i18n, plan.compose)}</a></p>
        })}
        {plan.approval_closed.then(|| view! { <div class="callout note" role="note"><p>{tu_string!(i18n, plan.approval_closed)}</p></div> })}
        {plan.can_approve.then(|| view! { <ApprovalForm slug=slug.clone() versions=numbers.clone() /> })}
        {if plan.versions.is_empty() {
            view! { <p>{tu_string!(i18n, plan.none)}</p> }.into_any()
        } else {
            view! {
                <VersionTable slug=slug.clone() versions=plan.versions.clone() />
                {(numbers.len() >= 2).then(|| view! { <CompareForm slug=slug.clone() versions=numbers.clone() from=numbers[1] to=numbers[0] /> })}
            }.into_any()
        }}
        <p class="plan-open-data">
            <a href=format!("/processi/{slug}/dati-aperti.zip") download="">{tu_string!(i18n, plan.open_data)}</a>
            " " {tu_string!(i18n, plan.open_data_note)}
        </p>
        {plan.shown.map(|shown| view! { <VersionBody slug=slug.clone() shown heading_level=2 /> })}
    }
}

#[component]
fn VersionTable(slug: String, versions: Vec<PlanVersionSummary>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="piano-versioni">
            <h2 id="piano-versioni">{tu_string!(i18n, plan.versions)}</h2>
            <div class="table-responsive">
                <table class="table">
                    <caption>{tu_string!(i18n, plan.versions_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{tu_string!(i18n, plan.version)}</th>
                        <th scope="col">{tu_string!(i18n, plan.saved)}</th>
                        <th scope="col">{tu_string!(i18n, plan.by)}</th>
                        <th scope="col">{tu_string!(i18n, plan.note)}</th>
                    </tr></thead>
                    <tbody>
                        {versions.into_iter().map(|v| {
                            let href = version_href(&slug, v.number);
                            view! {
                                <tr>
                                    <th scope="row">
                                        <a href=href>{tu_string!(i18n, plan.version_n, n = v.number).to_string()}</a>
                                        {v.approved.then(|| view! { " " <span class="badge badge-success">{tu_string!(i18n, plan.approved_badge)}</span> })}
                                    </th>
                                    <td>{format::date(i18n, v.saved_at.date_naive())}</td>
                                    <td>{v.saved_by.unwrap_or_default()}</td>
                                    <td>{v.note}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// A GET form: works the same with and without JavaScript.
#[component]
fn CompareForm(slug: String, versions: Vec<i32>, from: i32, to: i32) -> impl IntoView {
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

#[component]
fn ApprovalForm(slug: String, versions: Vec<i32>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ApprovePlan>::new();
    let error = action_error(action);
    let newest = versions.first().copied().unwrap_or(1);
    view! {
        <section aria-labelledby="approvazione-titolo" class="settings">
            <h2 id="approvazione-titolo">{tu_string!(i18n, plan.approve_title)}</h2>
            <p>{tu_string!(i18n, plan.approve_intro)}</p>
            <FormAlert error form_id="approvazione" />
            <ActionForm action attr:id="approvazione">
                <input type="hidden" name="process" value=slug />
                <div class="row">
                    <div class="form-group col-12 col-md-6">
                        <label for="approvazione-versione">{tu_string!(i18n, field.versione)}</label>
                        <select class="form-control" id="approvazione-versione" name="versione">
                            {versions.iter().map(|n| view! { <option value=n.to_string() selected=*n == newest>{tu_string!(i18n, plan.version_n, n = *n).to_string()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="form-group col-12 col-md-6">
                        <label for="approvazione-organo">{tu_string!(i18n, field.organo)}</label>
                        <select class="form-control" id="approvazione-organo" name="organo">
                            {ApprovingBody::ALL.iter().map(|b| view! { <option value=b.as_str()>{body_label(*b)}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="form-group col-12 col-md-6">
                        <label for="approvazione-numero_delibera">{tu_string!(i18n, field.numero_delibera)}</label>
                        <input class="form-control" type="text" id="approvazione-numero_delibera" name="numero_delibera" maxlength="40" required=true />
                    </div>
                    <div class="form-group col-12 col-md-6">
                        <label for="approvazione-data_delibera">{tu_string!(i18n, field.data_delibera)}</label>
                        <input class="form-control" type="date" id="approvazione-data_delibera" name="data_delibera" required=true />
                    </div>
                </div>
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, plan.approve_submit)}</button>
            </ActionForm>
        </section>
    }
}

/// A version's text, its downloads, and its approval.
#[component]
fn VersionBody(slug: String, shown: PlanVersionView, heading_level: u8) -> impl IntoView {
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

/// One saved version.
#[component]
pub fn PlanVersionPage() -> impl IntoView {
    let process = process_param();
    let params = use_params_map();
    let location = use_location();
    let data = Resource::new(
        move || {
            (
                process.get(),
                params
                    .read()
                    .get("n")
                    .and_then(|n| n.parse::<i32>().ok())
                    .unwrap_or(0),
                location.search.get(),
            )
        },
        |(process, n, _)| get_plan_version(process, n),
    );
    view! {
        <Loaded resource=data render=move |shown| {
            let slug = process.get_untracked();
            view! { <VersionPageView slug shown /> }
        } />
    }
}

#[component]
fn VersionPageView(slug: String, shown: PlanVersionView) -> impl IntoView {
    let i18n = use_i18n();
    let process = shown.document.process.name.clone();
    let plan_title = tu_string!(i18n, plan.of, process = process.clone()).to_string();
    let title = format!(
        "{} · {}",
        tu_string!(i18n, plan.version_n, n = shown.summary.number),
        plan_title
    );
    let approval = shown.approval.clone();
    view! {
        <Title text=title.clone() />
        <Breadcrumbs
            trail=vec![(process, format!("/processi/{slug}")), (plan_title, plan_href(&slug))]
            current=tu_string!(i18n, plan.version_n, n = shown.summary.number).to_string()
        />
        <Outcome />
        <h1>{title}</h1>
        {approval.as_ref().map(|a| view! { <div class="callout success" role="note"><p>{approval_sentence(a)}</p></div> })}
        {(!shown.summary.note.is_empty()).then(|| view! { <p><strong>{tu_string!(i18n, plan.note)} ": "</strong>{shown.summary.note.clone()}</p> })}
        <p><a href=plan_href(&slug)>{tu_string!(i18n, plan.back)}</a></p>
        <VersionBody slug=slug.clone() shown heading_level=0 />
    }
}

/// Two versions compared.
#[component]
pub fn PlanComparePage() -> impl IntoView {
    let process = process_param();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                process.get(),
                query.read().get("da").unwrap_or_default(),
                query.read().get("a").unwrap_or_default(),
            )
        },
        |(process, from, to)| compare_plan(process, from, to),
    );
    view! { <Loaded resource=data render=|diff| view! { <DiffView diff /> } /> }
}

#[component]
fn DiffView(diff: PlanDiff) -> impl IntoView {
    let i18n = use_i18n();
    let slug = diff.process.key.clone();
    let plan_title = tu_string!(i18n, plan.of, process = diff.process.name.clone()).to_string();
    let title = tu_string!(
        i18n,
        plan.diff_title,
        from = diff.from.number,
        to = diff.to.number
    )
    .to_string();
    let (from, to) = (diff.from.number, diff.to.number);
    view! {
        <Title text=format!("{title} · {plan_title}") />
        <Breadcrumbs
            trail=vec![(diff.process.name.clone(), format!("/processi/{slug}")), (plan_title, plan_href(&slug))]
            current=title.clone()
        />
        <h1>{title}</h1>
        <p class="lead">{tu_string!(i18n, plan.diff_summary, added = diff.added, removed = diff.removed).to_string()}</p>
        <CompareForm slug=slug.clone() versions=diff.versions.clone() from to />
        {if diff.hunks.is_empty() {
            view! { <p>{tu_string!(i18n, plan.diff_same)}</p> }.into_any()
        } else {
            diff.hunks.into_iter().map(|hunk| {
                let caption = tu_string!(i18n, plan.diff_lines, old = hunk.old_start, new = hunk.new_start, from = from, to = to).to_string();
                view! {
                    <figure class="plan-diff">
                        <figcaption>{caption}</figcaption>
                        <pre lang="it">{hunk.lines.into_iter().map(|line| match line.change {
                            LineChange::Same => view! { <span class="diff-same">{format!("  {}", line.text)}</span> }.into_any(),
                            LineChange::Added => view! { <ins class="diff-added" title=tu_string!(i18n, plan.added)>{format!("+ {}", line.text)}</ins> }.into_any(),
                            LineChange::Removed => view! { <del class="diff-removed" title=tu_string!(i18n, plan.removed)>{format!("- {}", line.text)}</del> }.into_any(),
                        }).collect_view()}</pre>
                    </figure>
                }
            }).collect_view().into_any()
        }}
        <p><a href=version_href(&slug, to)>{tu_string!(i18n, plan.version_n, n = to).to_string()}</a></p>
    }
}

/// The composition form.
#[component]
pub fn PlanComposePage() -> impl IntoView {
    let process = process_param();
    let data = Resource::new(move || process.get(), get_plan_composer);
    view! { <Loaded resource=data render=|composer| view! { <ComposeView composer /> } /> }
}

#[component]
fn ComposeView(composer: PlanComposer) -> impl IntoView {
    let i18n = use_i18n();
    let slug = composer.process.key.clone();
    let plan_title = tu_string!(i18n, plan.of, process = composer.process.name.clone()).to_string();
    let title = tu_string!(
        i18n,
        plan.compose_title,
        process = composer.process.name.clone()
    )
    .to_string();
    let action = ServerAction::<SavePlan>::new();
    let error = action_error(action);
    view! {
        <Title text=title.clone() />
        <Breadcrumbs
            trail=vec![(composer.process.name.clone(), format!("/processi/{slug}")), (plan_title, plan_href(&slug))]
            current=tu_string!(i18n, plan.compose).to_string()
        />
        <h1>{title}</h1>
        <p class="lead">{tu_string!(i18n, plan.compose_intro)}</p>
        {composer.based_on.map(|n| view! { <p>{tu_string!(i18n, plan.based_on, n = n).to_string()}</p> })}
        {composer.approved_version.map(|n| view! { <div class="callout note" role="note"><p>{tu_string!(i18n, plan.approved_kept, n = n).to_string()}</p></div> })}
        <FormAlert error form_id="piano" />
        <ActionForm action attr:id="piano">
            <input type="hidden" name="process" value=slug.clone() />
            <div class="form-group">
                <label for="piano-introduzione">{tu_string!(i18n, field.introduzione)}</label>
                <textarea class="form-control" id="piano-introduzione" name="introduzione" rows="8" maxlength="20000">{format::textarea_text(&composer.introduction_md)}</textarea>
            </div>
            <fieldset>
                <legend class="h4">{tu_string!(i18n, plan.sections)}</legend>
                <p class="form-hint">{tu_string!(i18n, plan.sections_hint)}</p>
                {if composer.sections.is_empty() {
                    view! { <p>{tu_string!(i18n, plan.no_sections)}</p> }.into_any()
                } else {
                    composer.sections.iter().enumerate().map(|(i, section)| {
                        let n = i + 1;
                        let position_id = format!("piano-posizione_{n}");
                        let text_id = format!("piano-testo_{n}");
                        let kind = if section.is_platform { tu_string!(i18n, plan.platform_of) } else { tu_string!(i18n, plan.direction_of) };
                        let class = if section.is_platform { "plan-section plan-section-platform" } else { "plan-section" };
                        view! {
                            <div class=class>
                                <h3 class="h5">{format!("{kind}: {}", section.label)} " · " {tu_string!(i18n, plan.section_entries, n = section.entries).to_string()}</h3>
                                <input type="hidden" name="sezione[]" value=section.key.clone() />
                                <div class="form-group">
                                    <label for=position_id.clone()>{tu_string!(i18n, plan.position_of, name = section.label.clone()).to_string()}</label>
                                    <input class="form-control plan-position" type="number" min="1" max="999" id=position_id name="posizione[]" value=section.position.map(|p| p.to_string()).unwrap_or_default() />
                                </div>
                                <div class="form-group">
                                    <label for=text_id.clone()>{tu_string!(i18n, plan.text_of, name = section.label.clone()).to_string()}</label>
                                    <textarea class="form-control" id=text_id name="testo[]" rows="3" maxlength="10000">{format::textarea_text(&section.text_md)}</textarea>
                                </div>
                            </div>
                        }
                    }).collect_view().into_any()
                }}
            </fieldset>
            <div class="form-group">
                <label for="piano-conclusione">{tu_string!(i18n, field.conclusione)}</label>
                <textarea class="form-control" id="piano-conclusione" name="conclusione" rows="6" maxlength="20000">{format::textarea_text(&composer.closing_md)}</textarea>
            </div>
            <div class="form-group">
                <label for="piano-nota">{tu_string!(i18n, field.nota)}</label>
                <p class="form-hint" id="piano-nota-hint">{tu_string!(i18n, plan.note_hint)}</p>
                <input class="form-control" type="text" id="piano-nota" name="nota" maxlength="300" aria-describedby="piano-nota-hint" />
            </div>
            <button type="submit" class="btn btn-primary">{tu_string!(i18n, plan.save)}</button>
        </ActionForm>
    }
}
