//! The moderators' page of a process: the queue, the settings and the
//! blocked people.

use leptos::prelude::*;

use crate::facilitation::labels::kind_label;

use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};
use shared::model::facilitation::{ModerationQueue, QueueItem, TargetKind};

use crate::facilitation::moderation_forms::{ModerateForm, reason_label, visibility_text};
use crate::facilitation::server_fns::{BlockPerson, SetModerationSettings, get_moderation_queue};
use crate::i18n::{tu_string, use_i18n};
use crate::ui::format;
use crate::ui::forms::{FormAlert, Outcome, action_error};
use crate::ui::layout::Breadcrumbs;
use crate::ui::loaded::Loaded;
use crate::ui::params::process_param;

/// `/processi/:process/moderazione`: what waits for a moderator, settings and blocks.
#[component]
pub fn ModerationPage() -> impl IntoView {
    let process = process_param();
    let query = use_query_map();
    let location = use_location();
    let data = Resource::new(
        move || {
            (
                process.get(),
                query.read().get("piattaforma"),
                location.search.get(),
            )
        },
        |(process, platform, _)| get_moderation_queue(process, platform),
    );
    view! { <Loaded resource=data render=|queue| view! { <QueueView queue /> } /> }
}

#[component]
fn QueueView(queue: ModerationQueue) -> impl IntoView {
    let i18n = use_i18n();
    let slug = queue.process.key.clone();
    let here = match &queue.platform {
        Some(p) => format!("/processi/{slug}/moderazione?piattaforma={}", p.key),
        None => format!("/processi/{slug}/moderazione"),
    };
    let can_block = queue.can_block;
    let title = tu_string!(i18n, facil.moderation).to_owned();
    let settings = ServerAction::<SetModerationSettings>::new();
    let settings_error = action_error(settings);
    let unblock = ServerAction::<BlockPerson>::new();
    let unblock_error = action_error(unblock);
    let blocked_list = queue
        .blocked
        .clone()
        .into_iter()
        .map(|b| {
            let form_id = format!("sblocca-{}", b.user_id);
            let reason_id = format!("{form_id}-motivo");
            let (slug, back) = (slug.clone(), format!("{here}#bloccati"));
            view! {
                <li>
                    <strong>{b.name}</strong> " · " {b.reason} " · " {format::date(i18n, b.since.date_naive())}
                    <ActionForm action=unblock attr:id=form_id attr:class="inline-form">
                        <input type="hidden" name="process" value=slug />
                        <input type="hidden" name="persona" value=b.user_id.to_string() />
                        <input type="hidden" name="ritorno" value=back />
                        <label for=reason_id.clone()>{tu_string!(i18n, field.motivo)}</label>
                        <input class="form-control" type="text" id=reason_id name="motivo" maxlength="500" required=true />
                        <button type="submit" class="btn btn-sm btn-outline-primary">{tu_string!(i18n, facil.unblock)}</button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    let entries = queue
        .items
        .iter()
        .map(|item| view! { <QueueEntry item=item.clone() slug=slug.clone() back=here.clone() can_block /> })
        .collect_view();
    view! {
        <Title text=title.clone() />
        <Breadcrumbs trail=vec![(queue.process.name.clone(), format!("/processi/{slug}"))] current=title.clone() />
        <h1>{title}</h1>
        <Outcome />
        <p><a href=format!("/processi/{slug}/registro-moderazione")>{tu_string!(i18n, facil.public_log)}</a>
            " · " <a href=format!("/processi/{slug}/cruscotto")>{tu_string!(i18n, facil.dashboard)}</a></p>
        <section aria-labelledby="coda-titolo" id="coda">
            <h2 id="coda-titolo">{tu_string!(i18n, facil.queue, n = queue.items.len()).to_string()}</h2>
            {queue.items.is_empty().then(|| view! { <p>{tu_string!(i18n, facil.queue_empty)}</p> })}
            <ol class="queue">
                {entries}
            </ol>
        </section>
        <section aria-labelledby="impostazioni-titolo" id="impostazioni">
            <h2 id="impostazioni-titolo">{tu_string!(i18n, facil.settings)}</h2>
            <FormAlert error=settings_error form_id="impostazioni-moderazione" />
            <ActionForm action=settings attr:id="impostazioni-moderazione">
                <input type="hidden" name="process" value=slug.clone() />
                <div class="form-check">
                    <input class="form-check-input" type="checkbox" id="impostazioni-moderazione-premoderazione" name="premoderazione" value="si" checked=queue.pre_moderation />
                    <label class="form-check-label" for="impostazioni-moderazione-premoderazione">{tu_string!(i18n, facil.pre_moderation)}</label>
                </div>
                <div class="form-group">
                    <label for="impostazioni-moderazione-soglia">{tu_string!(i18n, field.soglia)}</label>
                    <p class="form-hint" id="impostazioni-moderazione-soglia-hint">{tu_string!(i18n, facil.threshold_hint)}</p>
                    <input class="form-control" type="number" min="1" max="100" id="impostazioni-moderazione-soglia" name="soglia" value=queue.report_threshold.to_string() aria-describedby="impostazioni-moderazione-soglia-hint" />
                </div>
                <button type="submit" class="btn btn-primary">{tu_string!(i18n, facil.settings_save)}</button>
            </ActionForm>
        </section>
        <section aria-labelledby="bloccati-titolo" id="bloccati" hidden=!can_block>
            <h2 id="bloccati-titolo">{tu_string!(i18n, facil.blocked_people)}</h2>
            {queue.blocked.is_empty().then(|| view! { <p>{tu_string!(i18n, facil.nobody_blocked)}</p> })}
            <FormAlert error=unblock_error form_id="sblocca" />
            <ul>
                {blocked_list}
            </ul>
        </section>
    }
}

#[component]
fn QueueEntry(item: QueueItem, slug: String, back: String, can_block: bool) -> impl IntoView {
    let i18n = use_i18n();
    let block = ServerAction::<BlockPerson>::new();
    let block_error = action_error(block);
    let link = match item.target_kind {
        TargetKind::Comment => {
            format!("/proposte/{}#commento-{}", item.proposal_id, item.target_id)
        }
        _ => format!("/proposte/{}", item.proposal_id),
    };
    let form_id = format!("blocca-{}", item.target_id);
    let (alert_id, reason_id) = (form_id.clone(), format!("{form_id}-motivo"));
    let target = item.target_id.to_string();
    view! {
        <li class="queue-item card card-bg" id=format!("voce-{target}")>
            <div class="card-body">
                <p class="card-meta">{kind_label(item.target_kind)} " · " {visibility_text(item.visibility)}
                    " · " {tu_string!(i18n, facil.reports_n, n = item.report_count).to_string()}</p>
                <h3 class="h5"><a href=link>{item.title.clone()}</a></h3>
                <p>{item.excerpt.clone()}</p>
                <p class="small">{tu_string!(i18n, proposal.author)} ": " {item.author_name.clone().unwrap_or_default()}</p>
                {(!item.reasons.is_empty()).then(|| view! {
                    <ul class="small">
                        {item.reasons.iter().map(|(reason, note)| view! { <li>{reason_label(*reason)} {(!note.is_empty()).then(|| format!(": {note}"))}</li> }).collect_view()}
                    </ul>
                })}
                <ModerateForm kind=item.target_kind id=target.clone() back=format!("{back}#coda") visibility=item.visibility reports=item.report_count />
                {item.author_id.filter(|_| can_block).map(|author| view! {
                    <details class="block-form">
                        <summary>{tu_string!(i18n, facil.block)}</summary>
                        <FormAlert error=block_error form_id=alert_id />
                        <ActionForm action=block attr:id=form_id>
                            <input type="hidden" name="process" value=slug.clone() />
                            <input type="hidden" name="persona" value=author.to_string() />
                            <input type="hidden" name="blocca" value="si" />
                            <input type="hidden" name="ritorno" value=format!("{back}#bloccati") />
                            <p class="form-hint">{tu_string!(i18n, facil.block_hint)}</p>
                            <label for=reason_id.clone()>{tu_string!(i18n, field.motivo)}</label>
                            <input class="form-control" type="text" id=reason_id name="motivo" maxlength="500" required=true />
                            <button type="submit" class="btn btn-sm btn-outline-danger">{tu_string!(i18n, facil.block_submit)}</button>
                        </ActionForm>
                    </details>
                })}
            </div>
        </li>
    }
}
