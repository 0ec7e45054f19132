//! The public REST API, `/api/v1`: the same service layer as the pages
//! (authorization, phase rules, validation), JSON in and out, problems as
//! `application/problem+json`, an OpenAPI 3.1 document generated from the
//! handlers themselves, and a readable page about it.

pub mod accounts;
pub mod common;
pub mod docs;
pub mod dup;
pub mod etag;
pub mod extract;
pub mod gate;
pub mod messages;
pub mod participation;
pub mod plan;
pub mod problem;
pub mod processes;
pub mod projects;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use http::{HeaderValue, Method, StatusCode, header};
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use self::problem::{Kind, Problem, ProblemDocument};
use crate::state::AppState;

/// Where the API lives.
pub const BASE_PATH: &str = "/api/v1";
/// Largest request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal access token (`pzt_…`), created in the profile: \
                         scope `lettura` (read) or `scrittura` (read and write).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "sessione",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                app::http::SESSION_COOKIE,
                "The session of a person signed in on the site; writes must come \
                 from the site's own pages (checked on Origin).",
            ))),
        );
    }
}

/// The document's fixed parts; the paths come from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Piazza API",
        version = "1",
        description = "Participatory strategic planning: processes, proposals, comments, \
            supports, projects and the DUP. Requests name fields as the site's forms do \
            (Italian); answers are JSON; problems follow RFC 9457. See /api/v1/docs.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    servers((url = "/api/v1", description = "This instance")),
    security((), ("token" = []), ("sessione" = [])),
    modifiers(&Security),
    components(schemas(ProblemDocument)),
    tags(
        (name = "processi", description = "Processes, phases, platforms, directions, zones and figures"),
        (name = "proposte", description = "Proposals: list, read, publish, change, withdraw"),
        (name = "commenti", description = "Comments and replies"),
        (name = "sostegni", description = "Supports (one per person and proposal)"),
        (name = "progetti", description = "Projects that merge proposals"),
        (name = "dup", description = "The DUP, the links from the plan, coverage and monitoring"),
        (name = "piano", description = "The final plan: versions, comparison, approval"),
        (name = "io", description = "The caller and their notifications"),
        (name = "documentazione", description = "This description")
    )
)]
struct ApiDoc;

/// Every route of the API with its OpenAPI description: one list, so the
/// router and the document cannot disagree.
fn documented_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(processes::list))
        .routes(routes!(processes::detail))
        .routes(routes!(processes::phases))
        .routes(routes!(processes::platforms))
        .routes(routes!(processes::platform))
        .routes(routes!(processes::directions))
        .routes(routes!(processes::zones))
        .routes(routes!(processes::statistics))
        .routes(routes!(processes::coverage))
        .routes(routes!(participation::list, participation::create))
        .routes(routes!(participation::detail, participation::update))
        .routes(routes!(participation::withdraw))
        .routes(routes!(
            participation::support,
            participation::withdraw_support
        ))
        .routes(routes!(
            participation::comments,
            participation::post_comment
        ))
        .routes(routes!(participation::replies))
        .routes(routes!(
            participation::edit_comment,
            participation::delete_comment
        ))
        .routes(routes!(projects::projects))
        .routes(routes!(projects::project))
        .routes(routes!(dup::editions))
        .routes(routes!(dup::edition))
        .routes(routes!(dup::objective))
        .routes(routes!(dup::proposal_links, dup::link_proposal))
        .routes(routes!(dup::project_links, dup::link_project))
        .routes(routes!(dup::unlink))
        .routes(routes!(dup::monitoring))
        .routes(routes!(plan::overview))
        .routes(routes!(plan::version))
        .routes(routes!(plan::compare))
        .routes(routes!(plan::save))
        .routes(routes!(plan::approve))
        .routes(routes!(accounts::me))
        .routes(routes!(accounts::notifications))
        .routes(routes!(accounts::mark_read))
        .routes(routes!(docs::openapi_json))
        .routes(routes!(docs::page))
}

/// The OpenAPI document of this API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented_routes().into_openapi()
}

/// Requests that matched no route.
async fn no_such_route() -> Problem {
    Problem::new(Kind::NoSuchRoute)
}

/// Answers axum leaves bare (a path that exists, with another method) get
/// their problem document too.
async fn bare_statuses(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && !response.headers().contains_key(header::CONTENT_TYPE)
    {
        let allow = response.headers().get(header::ALLOW).cloned();
        let mut problem = Problem::new(Kind::MethodNotAllowed).into_response();
        if let Some(allow) = allow {
            problem.headers_mut().insert(header::ALLOW, allow);
        }
        return problem;
    }
    response
}

fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            header::ACCEPT_LANGUAGE,
        ])
        .expose_headers([
            header::ETAG,
            header::RETRY_AFTER,
            header::LOCATION,
            header::LINK,
            header::CONTENT_LANGUAGE,
        ])
        .max_age(std::time::Duration::from_secs(3600))
}

/// The API router, to be nested at [`BASE_PATH`].
pub fn router(state: &AppState) -> Router<AppState> {
    let (routes, openapi) = documented_routes().split_for_parts();
    let limits = Arc::new(gate::Limits::new(
        state.config.api_rate_per_ip,
        state.config.api_rate_per_token,
    ));
    let gate_state = gate::GateState {
        app: state.clone(),
        limits,
    };
    routes
        .fallback(no_such_route)
        .layer(from_fn(etag::conditional))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(Extension(Arc::new(openapi)))
        .layer(Extension(docs::Stylesheet(
            crate::assets::stylesheet_href(&state.leptos_options).into(),
        )))
        .layer(from_fn_with_state(gate_state, gate::gate))
        .layer(from_fn(bare_statuses))
        .layer(from_fn(problem::localize))
        .layer(cors(&state.config.api_cors_origins))
}
