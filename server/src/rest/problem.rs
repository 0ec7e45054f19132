//! Errors of the REST API as `application/problem+json` (RFC 9457): the
//! status follows the kind of refusal, validation names each field with a
//! sentence, refusals carry their reason, internals are logged and never
//! shown. Documents are written in Italian; the API's language layer
//! rewrites them in English when the caller prefers it.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use shared::model::common::FieldProblem;
use shared::model::common::Refusal;
use shared::service::ServiceError;
use utoipa::ToSchema;

use super::messages::{self, Lang};

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The kinds of problem, each with its status and title; the `type` of a
/// document points at the kind's entry on the API page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    BadRequest,
    InvalidData,
    SignInRequired,
    InvalidToken,
    Forbidden,
    ReadOnlyToken,
    ForeignOrigin,
    NotFound,
    NoSuchRoute,
    MethodNotAllowed,
    Refused,
    TooLarge,
    UnsupportedMediaType,
    TooManyRequests,
    InvalidCode,
    Internal,
}

impl Kind {
    /// Every kind, in the order the API page lists them.
    pub const ALL: [Kind; 16] = [
        Kind::BadRequest,
        Kind::InvalidData,
        Kind::SignInRequired,
        Kind::InvalidToken,
        Kind::Forbidden,
        Kind::ReadOnlyToken,
        Kind::ForeignOrigin,
        Kind::NotFound,
        Kind::NoSuchRoute,
        Kind::MethodNotAllowed,
        Kind::Refused,
        Kind::TooLarge,
        Kind::UnsupportedMediaType,
        Kind::TooManyRequests,
        Kind::InvalidCode,
        Kind::Internal,
    ];

    /// The stable code (the end of `type`).
    pub fn code(self) -> &'static str {
        match self {
            Kind::BadRequest => "richiesta-non-valida",
            Kind::InvalidData => "dati-non-validi",
            Kind::SignInRequired => "accesso-richiesto",
            Kind::InvalidToken => "token-non-valido",
            Kind::Forbidden => "vietato",
            Kind::ReadOnlyToken => "token-solo-lettura",
            Kind::ForeignOrigin => "origine-non-ammessa",
            Kind::NotFound => "non-trovato",
            Kind::NoSuchRoute => "indirizzo-inesistente",
            Kind::MethodNotAllowed => "metodo-non-ammesso",
            Kind::Refused => "operazione-rifiutata",
            Kind::TooLarge => "richiesta-troppo-grande",
            Kind::UnsupportedMediaType => "formato-non-supportato",
            Kind::TooManyRequests => "troppe-richieste",
            Kind::InvalidCode => "codice-non-valido",
            Kind::Internal => "errore-interno",
        }
    }

    /// The HTTP status.
    pub fn status(self) -> StatusCode {
        match self {
            Kind::BadRequest | Kind::InvalidCode => StatusCode::BAD_REQUEST,
            Kind::InvalidData => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::SignInRequired | Kind::InvalidToken => StatusCode::UNAUTHORIZED,
            Kind::Forbidden | Kind::ReadOnlyToken | Kind::ForeignOrigin => StatusCode::FORBIDDEN,
            Kind::NotFound | Kind::NoSuchRoute => StatusCode::NOT_FOUND,
            Kind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Kind::Refused => StatusCode::CONFLICT,
            Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Kind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The short summary, the same for every problem of the kind.
    pub fn title(self, lang: Lang) -> &'static str {
        let (it, en) = match self {
            Kind::BadRequest => ("Richiesta non valida", "Bad request"),
            Kind::InvalidData => ("Dati non validi", "Invalid data"),
            Kind::SignInRequired => ("Accesso richiesto", "Authentication required"),
            Kind::InvalidToken => (
                "Token di accesso non valido, scaduto o revocato",
                "Access token invalid, expired or revoked",
            ),
            Kind::Forbidden => ("Operazione non permessa", "Operation not allowed"),
            Kind::ReadOnlyToken => (
                "Il token di accesso permette solo la lettura",
                "The access token only allows reading",
            ),
            Kind::ForeignOrigin => (
                "Richiesta da un'origine non ammessa",
                "Request from a foreign origin",
            ),
            Kind::NotFound => ("Non trovato", "Not found"),
            Kind::NoSuchRoute => (
                "Questo indirizzo non esiste nell'API",
                "No such address in the API",
            ),
            Kind::MethodNotAllowed => (
                "Metodo non ammesso per questo indirizzo",
                "Method not allowed for this address",
            ),
            Kind::Refused => ("Operazione rifiutata", "Operation refused"),
            Kind::TooLarge => ("Richiesta troppo grande", "Request too large"),
            Kind::UnsupportedMediaType => (
                "Formato non supportato: si accetta application/json",
                "Unsupported media type: send application/json",
            ),
            Kind::TooManyRequests => ("Troppe richieste", "Too many requests"),
            Kind::InvalidCode => ("Codice non valido o scaduto", "Invalid or expired code"),
            Kind::Internal => ("Errore interno", "Internal error"),
        };
        match lang {
            Lang::It => it,
            Lang::En => en,
        }
    }

    /// What the kind means, for the API page.
    pub fn explanation(self) -> &'static str {
        match self {
            Kind::BadRequest => {
                "Il corpo non è JSON valido, o un parametro dell'indirizzo non si legge (un identificativo, un cursore)."
            }
            Kind::InvalidData => {
                "Il JSON si legge ma i dati no: un campo manca, ha il tipo sbagliato, un valore non è tra quelli ammessi, un testo è troppo lungo. `errors` elenca i campi, ciascuno con un codice e una frase."
            }
            Kind::SignInRequired => {
                "Serve una sessione o un token di accesso (`Authorization: Bearer …`)."
            }
            Kind::InvalidToken => {
                "Il token inviato non esiste, è malformato o è stato revocato. La risposta ha `WWW-Authenticate: Bearer error=\"invalid_token\"`."
            }
            Kind::Forbidden => "Chi chiede non ha il ruolo necessario per questa operazione.",
            Kind::ReadOnlyToken => {
                "Un token con ambito «lettura» ha tentato una scrittura. La risposta ha `WWW-Authenticate: Bearer error=\"insufficient_scope\"`."
            }
            Kind::ForeignOrigin => {
                "Una scrittura con il cookie di sessione deve venire dalle pagine di Piazza (protezione CSRF); da altri siti si usa un token."
            }
            Kind::NotFound => "La risorsa non esiste o chi chiede non può vederla.",
            Kind::NoSuchRoute => "L'indirizzo non corrisponde a nessuna operazione dell'API.",
            Kind::MethodNotAllowed => "L'indirizzo esiste, ma non con questo metodo HTTP.",
            Kind::Refused => {
                "La richiesta è corretta, ma lo stato delle cose non la consente ora (fase chiusa, limite di sostegni, proposta non più modificabile…). `refusal` dice il motivo in forma leggibile da un programma, `detail` a parole."
            }
            Kind::TooLarge => "Il corpo supera il limite (64 KB).",
            Kind::UnsupportedMediaType => {
                "Le scritture accettano solo `Content-Type: application/json`."
            }
            Kind::TooManyRequests => {
                "Superato il limite di richieste al minuto (per token o per indirizzo IP). `Retry-After` dice quanti secondi attendere."
            }
            Kind::InvalidCode => "Un codice monouso sconosciuto, già usato o scaduto.",
            Kind::Internal => {
                "Un guasto del server, registrato nel log con l'identificativo `X-Request-Id`; nessun dettaglio interno è mostrato."
            }
        }
    }
}

/// One invalid field of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field as the request named it (body field or query parameter).
    pub field: String,
    pub problem: FieldProblem,
}

/// What went wrong, before it is written in a language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub kind: Kind,
    /// The parser's own words, for bodies and parameters that do not read.
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
    pub refusal: Option<Refusal>,
    pub retry_after: Option<u64>,
}

/// A problem document, as sent.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ProblemDocument {
    /// Where the kind of problem is explained (`/api/v1/docs#problema-…`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The kind's summary, the same every time.
    pub title: String,
    /// The HTTP status, repeated.
    pub status: u16,
    /// What happened this time, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The fields to correct, for `dati-non-validi`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorDocument>,
    /// Why the operation is refused now, for `operazione-rifiutata`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
    /// Seconds to wait, for `troppe-richieste` (also sent as `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// One field to correct.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldErrorDocument {
    /// The field as the request named it.
    pub field: String,
    /// A stable code: `empty`, `too_long`, `too_short`, `malformed`,
    /// `control_characters`, `too_large`, `not_recognized`, `already_present`…
    pub code: &'static str,
    /// The limit, for lengths and sizes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    /// What is wrong, in a sentence that names the field.
    pub message: String,
}

fn code_of(problem: FieldProblem) -> (&'static str, Option<usize>) {
    match problem {
        FieldProblem::Empty => ("empty", None),
        FieldProblem::TooLong { max } => ("too_long", Some(max)),
        FieldProblem::TooShort { min } => ("too_short", Some(min)),
        FieldProblem::Malformed => ("malformed", None),
        FieldProblem::ControlCharacters => ("control_characters", None),
        FieldProblem::TooCommon => ("too_common", None),
        FieldProblem::NotConfirmed => ("not_confirmed", None),
        FieldProblem::NotRecognized => ("not_recognized", None),
        FieldProblem::LastAdmin => ("last_admin", None),
        FieldProblem::AlreadyPresent => ("already_present", None),
        FieldProblem::TooLarge { max } => ("too_large", Some(max)),
        FieldProblem::TooManyPixels { max_megapixels } => {
            ("too_many_pixels", Some(max_megapixels as usize))
        }
    }
}

impl Problem {
    /// A problem of `kind` with nothing more to say.
    pub fn new(kind: Kind) -> Self {
        Self {
            kind,
            detail: None,
            errors: Vec::new(),
            refusal: None,
            retry_after: None,
        }
    }

    /// A problem of `kind` with the parser's (or our) words.
    pub fn with_detail(kind: Kind, detail: impl Into<String>) -> Self {
        Self {
            detail: Some(detail.into()),
            ..Self::new(kind)
        }
    }

    /// An invalid field.
    pub fn field(field: &str, problem: FieldProblem) -> Self {
        Self {
            errors: vec![FieldError {
                field: field.to_owned(),
                problem,
            }],
            ..Self::new(Kind::InvalidData)
        }
    }

    /// Too many requests: wait this many seconds.
    pub fn rate_limited(seconds: u64) -> Self {
        Self {
            retry_after: Some(seconds.max(1)),
            ..Self::new(Kind::TooManyRequests)
        }
    }

    /// The document in `lang`.
    pub fn document(&self, lang: Lang) -> ProblemDocument {
        let detail = match (&self.refusal, &self.detail) {
            (Some(refusal), _) => Some(messages::refusal_message(lang, refusal)),
            (None, Some(detail)) => Some(detail.clone()),
            (None, None) => None,
        };
        ProblemDocument {
            kind: format!("/api/v1/docs#problema-{}", self.kind.code()),
            title: self.kind.title(lang).to_owned(),
            status: self.kind.status().as_u16(),
            detail,
            errors: self
                .errors
                .iter()
                .map(|e| {
                    let (code, limit) = code_of(e.problem);
                    FieldErrorDocument {
                        field: e.field.clone(),
                        code,
                        limit,
                        message: messages::field_message(lang, &e.field, e.problem),
                    }
                })
                .collect(),
            refusal: self.refusal.clone(),
            retry_after: self.retry_after,
        }
    }

    /// The response in `lang`.
    pub fn response(&self, lang: Lang) -> Response {
        let body = serde_json::to_vec(&self.document(lang)).unwrap_or_default();
        let mut response = (self.kind.status(), body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.code()),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        match self.kind {
            Kind::InvalidToken => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
            }
            Kind::SignInRequired => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Kind::ReadOnlyToken => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"insufficient_scope\""),
                );
            }
            _ => {}
        }
        response.extensions_mut().insert(self.clone());
        response
    }
}

impl From<ServiceError> for Problem {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound(_) => Problem::new(Kind::NotFound),
            ServiceError::InvalidInput { field, problem } => Problem::field(&field, problem),
            ServiceError::Unauthenticated | ServiceError::SignInFailed => {
                Problem::new(Kind::SignInRequired)
            }
            ServiceError::Forbidden | ServiceError::EmailNotConfirmed => {
                Problem::new(Kind::Forbidden)
            }
            ServiceError::TokenInvalid => Problem::new(Kind::InvalidCode),
            ServiceError::RateLimited { retry_after_secs } => {
                Problem::rate_limited(retry_after_secs)
            }
            ServiceError::Refused(refusal) => Problem {
                refusal: Some(refusal),
                ..Problem::new(Kind::Refused)
            },
            ServiceError::Database(error) => {
                tracing::error!(%error, "database error behind an API call");
                Problem::new(Kind::Internal)
            }
        }
    }
}

impl IntoResponse for Problem {
    /// Italian; [`localize`] rewrites it for callers who prefer English.
    fn into_response(self) -> Response {
        self.response(Lang::It)
    }
}

/// Writes problem documents in the caller's language (`Accept-Language`).
pub async fn localize(request: Request, next: Next) -> Response {
    let lang = Lang::from_headers(request.headers());
    let response = next.run(request).await;
    if lang == Lang::It {
        return response;
    }
    match response.extensions().get::<Problem>().cloned() {
        Some(problem) => {
            let mut rewritten = problem.response(lang);
            // Headers added on the way (Allow, CORS) stay.
            for (name, value) in response.headers() {
                if !rewritten.headers().contains_key(name) {
                    rewritten.headers_mut().insert(name.clone(), value.clone());
                }
            }
            rewritten
        }
        None => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_error_has_its_status_and_never_leaks_internals() {
        let cases = [
            (ServiceError::NotFound("proposal"), 404),
            (
                ServiceError::field("titolo", FieldProblem::TooShort { min: 10 }),
                422,
            ),
            (ServiceError::Unauthenticated, 401),
            (ServiceError::Forbidden, 403),
            (
                ServiceError::RateLimited {
                    retry_after_secs: 30,
                },
                429,
            ),
            (ServiceError::Refused(Refusal::Blocked), 409),
            (
                ServiceError::Database(sea_orm::DbErr::Custom("password=secret".into())),
                500,
            ),
        ];
        for (error, status) in cases {
            let problem = Problem::from(error);
            let document = problem.document(Lang::It);
            assert_eq!(document.status, status);
            let json = serde_json::to_string(&document).unwrap();
            assert!(!json.contains("secret"), "{json}");
        }
        let codes: std::collections::HashSet<_> = Kind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), Kind::ALL.len());
    }

    #[test]
    fn validation_names_the_field_and_rate_limits_say_when() {
        let problem = Problem::from(ServiceError::field(
            "titolo",
            FieldProblem::TooShort { min: 10 },
        ));
        let json = serde_json::to_value(problem.document(Lang::It)).unwrap();
        assert_eq!(json["type"], "/api/v1/docs#problema-dati-non-validi");
        assert_eq!(json["errors"][0]["field"], "titolo");
        assert_eq!(json["errors"][0]["code"], "too_short");
        assert_eq!(json["errors"][0]["limit"], 10);
        assert!(
            json["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("10")
        );
        let response = Problem::from(ServiceError::RateLimited {
            retry_after_secs: 30,
        })
        .into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "30");
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    }

    #[test]
    fn refusals_are_explained_in_words_and_in_data() {
        let problem = Problem::from(ServiceError::Refused(Refusal::SupportLimitReached {
            limit: 3,
        }));
        let json = serde_json::to_value(problem.document(Lang::It)).unwrap();
        assert_eq!(json["status"], 409);
        assert_eq!(json["refusal"]["support_limit_reached"]["limit"], 3);
        let detail = json["detail"].as_str().unwrap();
        assert!(
            detail.contains('3') && !detail.contains("Support"),
            "{detail}"
        );
    }
}
