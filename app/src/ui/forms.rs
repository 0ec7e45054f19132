//! Forms that work with and without JavaScript: field-level errors in the
//! person's language, an error summary that takes focus, and success notices.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use shared::model::common::FieldProblem;

use crate::i18n::{tu_string, use_i18n};
use crate::ui::api_error::ApiError;

/// The label of a form field, as the error messages name it.
pub fn field_label(field: &str) -> String {
    let i18n = use_i18n();
    match field {
        "email" => tu_string!(i18n, field.email),
        "display_name" => tu_string!(i18n, field.display_name),
        "password" => tu_string!(i18n, field.password),
        "new_password" => tu_string!(i18n, field.new_password),
        "current_password" => tu_string!(i18n, field.current_password),
        "accept_privacy" => tu_string!(i18n, field.accept_privacy),
        "code" => tu_string!(i18n, field.code),
        "confirmation" => tu_string!(i18n, field.confirmation),
        "role" => tu_string!(i18n, field.role),
        "scope" => tu_string!(i18n, field.scope),
        "body" => tu_string!(i18n, field.body),
        "file" => tu_string!(i18n, field.file),
        "q" => tu_string!(i18n, field.search),
        "titolo" => tu_string!(i18n, field.titolo),
        "testo" => tu_string!(i18n, field.testo),
        "zona" => tu_string!(i18n, field.zona),
        "direzione" => tu_string!(i18n, field.direzione),
        "piattaforma" => tu_string!(i18n, field.piattaforma),
        "commento" => tu_string!(i18n, field.commento),
        "posizione" => tu_string!(i18n, field.posizione),
        "risposta" => tu_string!(i18n, field.risposta),
        "stato" => tu_string!(i18n, field.stato),
        "voto" => tu_string!(i18n, field.voto),
        "descrizione" => tu_string!(i18n, field.descrizione),
        "immagine" => tu_string!(i18n, field.immagine),
        "cerca" => tu_string!(i18n, field.cerca),
        "commenti" => tu_string!(i18n, field.commenti),
        "sostegni" => tu_string!(i18n, take.supports_limit),
        "motivo" => tu_string!(i18n, field.motivo),
        "nota" => tu_string!(i18n, field.nota),
        "decisione" => tu_string!(i18n, field.decisione),
        "tipo" => tu_string!(i18n, field.tipo),
        "persona" => tu_string!(i18n, field.persona),
        "soglia" => tu_string!(i18n, field.soglia),
        "proposte" => tu_string!(i18n, field.proposte),
        "accordo" => tu_string!(i18n, field.accordo),
        "partner" => tu_string!(i18n, field.partner),
        "nome" => tu_string!(i18n, field.nome),
        "nome_token" => tu_string!(i18n, field.nome_token),
        "documento" => tu_string!(i18n, field.documento),
        "codice" => tu_string!(i18n, field.codice),
        "scheda" => tu_string!(i18n, field.scheda),
        "proposta" => tu_string!(i18n, field.proposta),
        "slug" => tu_string!(i18n, field.slug),
        "ente" => tu_string!(i18n, field.ente),
        "ambito" => tu_string!(i18n, field.ambito),
        "sintesi" => tu_string!(i18n, field.sintesi),
        "inizio" => tu_string!(i18n, field.inizio),
        "fine" => tu_string!(i18n, field.fine),
        "motto" => tu_string!(i18n, field.motto),
        "chiave" => tu_string!(i18n, field.chiave),
        "primo_anno" => tu_string!(i18n, field.primo_anno),
        "ultimo_anno" => tu_string!(i18n, field.ultimo_anno),
        "obiettivo" => tu_string!(i18n, field.obiettivo),
        "motivazione" => tu_string!(i18n, field.motivazione),
        "peso" => tu_string!(i18n, field.peso),
        "percentuale" => tu_string!(i18n, field.percentuale),
        "data" => tu_string!(i18n, field.data),
        "edizione" => tu_string!(i18n, field.edizione),
        "valore" | "valori" => tu_string!(i18n, field.valore),
        "voce" => tu_string!(i18n, field.voce),
        "introduzione" => tu_string!(i18n, field.introduzione),
        "conclusione" => tu_string!(i18n, field.conclusione),
        "versione" => tu_string!(i18n, field.versione),
        "organo" => tu_string!(i18n, field.organo),
        "numero_delibera" => tu_string!(i18n, field.numero_delibera),
        "data_delibera" => tu_string!(i18n, field.data_delibera),
        "da" => tu_string!(i18n, field.da),
        "a" => tu_string!(i18n, field.a),
        numbered => {
            // The n-th section of the plan's composition form.
            let section = |prefix: &str| {
                numbered
                    .strip_prefix(prefix)
                    .and_then(|n| n.parse::<usize>().ok())
            };
            return if let Some(n) = section("testo_") {
                tu_string!(i18n, plan.section_text_n, n = n).to_string()
            } else if let Some(n) = section("posizione_") {
                tu_string!(i18n, plan.section_position_n, n = n).to_string()
            } else if let Some(n) = section("sezione_") {
                tu_string!(i18n, plan.section_n, n = n).to_string()
            } else {
                tu_string!(i18n, field.request).to_owned()
            };
        }
    }
    .to_owned()
}

/// What is wrong with a field, in a sentence.
pub fn problem_text(problem: FieldProblem) -> String {
    let i18n = use_i18n();
    match problem {
        FieldProblem::Empty => tu_string!(i18n, problem.empty).to_owned(),
        FieldProblem::TooLong { max } => tu_string!(i18n, problem.too_long, max = max).to_string(),
        FieldProblem::TooShort { min } => {
            tu_string!(i18n, problem.too_short, min = min).to_string()
        }
        FieldProblem::Malformed => tu_string!(i18n, problem.malformed).to_owned(),
        FieldProblem::ControlCharacters => tu_string!(i18n, problem.control).to_owned(),
        FieldProblem::TooCommon => tu_string!(i18n, problem.too_common).to_owned(),
        FieldProblem::NotConfirmed => tu_string!(i18n, problem.not_confirmed).to_owned(),
        FieldProblem::NotRecognized => tu_string!(i18n, problem.not_recognized).to_owned(),
        FieldProblem::LastAdmin => tu_string!(i18n, problem.last_admin).to_owned(),
        FieldProblem::AlreadyPresent => tu_string!(i18n, problem.already_present).to_owned(),
        FieldProblem::TooLarge { max } => {
            tu_string!(i18n, problem.too_large, max = max).to_string()
        }
        FieldProblem::TooManyPixels { max_megapixels } => {
            tu_string!(i18n, problem.too_many_pixels, max = max_megapixels).to_string()
        }
    }
}

/// The whole message for an error, as the summary at the top of a form says it.
pub fn error_text(error: &ApiError) -> String {
    let i18n = use_i18n();
    match error {
        ApiError::InvalidInput { field, problem } => tu_string!(
            i18n,
            problem.in_field,
            field = field_label(field),
            problem = problem_text(*problem)
        )
        .to_string(),
        ApiError::SignInFailed => tu_string!(i18n, auth.sign_in_failed).to_owned(),
        ApiError::EmailNotConfirmed => tu_string!(i18n, auth.not_confirmed).to_owned(),
        ApiError::RateLimited { retry_after_secs } => tu_string!(
            i18n,
            auth.rate_limited,
            minutes = retry_after_secs.div_ceil(60).max(1)
        )
        .to_string(),
        ApiError::TokenInvalid => tu_string!(i18n, auth.token_invalid).to_owned(),
        ApiError::Unauthenticated => tu_string!(i18n, auth.sign_in_required).to_owned(),
        ApiError::Forbidden => tu_string!(i18n, error.forbidden_text).to_owned(),
        ApiError::NotFound => tu_string!(i18n, error.not_found_text).to_owned(),
        ApiError::Refused(refusal) => crate::ui::labels::refusal_text(refusal),
        ApiError::Internal | ApiError::Transport => {
            tu_string!(i18n, error.internal_text).to_owned()
        }
    }
}

/// The error of an action's last run (also after a form post without
/// JavaScript: the server puts it in the URL it redirects back to).
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<ApiError>>
where
    S: ServerFn<Output = (), Error = ApiError> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|result| result.err()))
}

/// The message for `field`, if the error is about it.
pub fn field_message(
    error: Signal<Option<ApiError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || match error.get() {
        Some(ApiError::InvalidInput { field: f, problem }) if f == field => {
            Some(problem_text(problem))
        }
        _ => None,
    })
}

/// The error summary at the top of a form: announced, and linked to the field.
#[component]
pub fn FormAlert(error: Signal<Option<ApiError>>, #[prop(into)] form_id: String) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| {
            let text = error_text(&e);
            let link = e.field_name().map(|f| format!("#{form_id}-{f}"));
            view! {
                <div class="alert alert-danger" role="alert" tabindex="-1">
                    <p class="alert-title">{tu_string!(i18n, form.error_title)}</p>
                    {match link {
                        Some(href) => view! { <p><a href=href>{text}</a></p> }.into_any(),
                        None => view! { <p>{text}</p> }.into_any(),
                    }}
                </div>
            }
        })
    }
}

/// A labelled input with its hint and error message wired for assistive technology.
#[component]
pub fn Field(
    #[prop(into)] form_id: String,
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = true)] required: bool,
    #[prop(optional)] maxlength: Option<usize>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("{form_id}-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let hint_id = hint.as_ref().map(|_| hint_id.clone());
        let error_id = error_id.clone();
        move || {
            let mut ids: Vec<String> = hint_id.iter().cloned().collect();
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="form-group" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="form-hint" id=hint_id.clone()>{h}</p> })}
            {
                let error_id = error_id.clone();
                move || error.get().map(|message| view! { <p class="form-error" id=error_id.clone()>{message}</p> })
            }
            <input
                class="form-control"
                id=id.clone()
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                maxlength=maxlength
                value=value
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
            />
        </div>
    }
}

/// A success notice chosen by the `esito` query parameter (set by redirects).
#[component]
pub fn Outcome() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    move || {
        let key = query.read().get("esito")?;
        let text = match key.as_str() {
            "uscita" => tu_string!(i18n, outcome.signed_out),
            "uscita-ovunque" => tu_string!(i18n, outcome.signed_out_everywhere),
            "benvenuto" => tu_string!(i18n, outcome.welcome),
            "inviata" => tu_string!(i18n, outcome.reset_sent),
            "password-reimpostata" => tu_string!(i18n, outcome.password_reset),
            "password-cambiata" => tu_string!(i18n, outcome.password_changed),
            "residenza-verificata" => tu_string!(i18n, outcome.residence_verified),
            "account-eliminato" => tu_string!(i18n, outcome.account_deleted),
            "token-creato" => tu_string!(i18n, outcome.token_created),
            "token-revocato" => tu_string!(i18n, outcome.token_revoked),
            "salvata" => tu_string!(i18n, outcome.saved),
            "requisiti-salvati" => tu_string!(i18n, outcome.saved),
            "ruolo-assegnato" => tu_string!(i18n, outcome.role_assigned),
            "ruolo-tolto" => tu_string!(i18n, outcome.role_removed),
            "proposta-pubblicata" => tu_string!(i18n, outcome.proposal_published),
            "proposta-modificata" => tu_string!(i18n, outcome.proposal_edited),
            "proposta-ritirata" => tu_string!(i18n, outcome.proposal_withdrawn),
            "seguita" => tu_string!(i18n, outcome.followed),
            "non-seguita" => tu_string!(i18n, outcome.unfollowed),
            "risposta-pubblicata" => tu_string!(i18n, outcome.answered),
            "sostegno-dato" => tu_string!(i18n, outcome.support_given),
            "sostegno-ritirato" => tu_string!(i18n, outcome.support_withdrawn),
            "commento-pubblicato" => tu_string!(i18n, outcome.comment_posted),
            "commento-modificato" => tu_string!(i18n, outcome.comment_edited),
            "commento-eliminato" => tu_string!(i18n, outcome.comment_deleted),
            "voto-registrato" => tu_string!(i18n, outcome.vote_saved),
            "immagine-aggiunta" => tu_string!(i18n, outcome.image_added),
            "immagine-rimossa" => tu_string!(i18n, outcome.image_removed),
            "lette" => tu_string!(i18n, outcome.read),
            "fase-avanzata" => tu_string!(i18n, outcome.phase_advanced),
            "segnalazione-inviata" => tu_string!(i18n, outcome.report_sent),
            "decisione-registrata" => tu_string!(i18n, outcome.decision_saved),
            "persona-bloccata" => tu_string!(i18n, outcome.person_blocked),
            "persona-sbloccata" => tu_string!(i18n, outcome.person_unblocked),
            "risposte-pubblicate" => tu_string!(i18n, outcome.answers_published),
            "progetto-creato" => tu_string!(i18n, outcome.project_created),
            "progetto-modificato" => tu_string!(i18n, outcome.project_edited),
            "unione-annullata" => tu_string!(i18n, outcome.merge_undone),
            "registrata" => tu_string!(i18n, outcome.visitor_recorded),
            "proposta-registrata" => tu_string!(i18n, outcome.visitor_proposal),
            "sostegno-registrato" => tu_string!(i18n, outcome.visitor_support),
            "scheda-rivendicata" => tu_string!(i18n, outcome.record_claimed),
            "impostazioni-salvate" => tu_string!(i18n, outcome.saved),
            "edizione-creata" => tu_string!(i18n, outcome.dup_created),
            "edizione-copiata" => tu_string!(i18n, outcome.dup_copied),
            "edizione-collegata" => tu_string!(i18n, outcome.dup_attached),
            "obiettivo-collegato" => tu_string!(i18n, outcome.objective_linked),
            "obiettivo-scollegato" => tu_string!(i18n, outcome.objective_unlinked),
            "avanzamento-registrato" => tu_string!(i18n, outcome.progress_recorded),
            "versione-salvata" => tu_string!(i18n, plan.saved_outcome),
            "voce-omessa" => tu_string!(i18n, plan.redacted_outcome),
            "piano-approvato" => tu_string!(i18n, plan.approved_outcome),
            _ => return None,
        };
        Some(view! { <div class="alert alert-success" role="status"><p>{text}</p></div> })
    }
}
