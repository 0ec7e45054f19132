//! Who calls the API, whether they may write, and how often: a bearer token
//! (`Authorization: Bearer pzt_…`) or the session cookie (already checked
//! against cross-site requests), then a rate limit per token or per address.

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use http::{Method, header};
use shared::model::api::TokenScope;
use shared::service::accounts::ClientInfo;
use shared::service::{Actor, tokens};

use super::problem::{Kind, Problem};
use crate::startup::AppState;

/// How the caller proved who they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// Nothing: an anonymous reader.
    None,
    /// The session cookie of a signed-in person (pages of this site).
    Session,
    /// A personal access token.
    Token { id: uuid::Uuid, scope: TokenScope },
}

/// The per-minute limits, kept in this process's memory.
pub struct Limits {
    per_ip: DefaultKeyedRateLimiter<String>,
    per_token: DefaultKeyedRateLimiter<uuid::Uuid>,
    clock: DefaultClock,
}

impl Limits {
    /// Limits of `per_ip` and `per_token` requests a minute (a burst may use
    /// a whole minute's worth at once; it then refills evenly).
    pub fn new(per_ip: u32, per_token: u32) -> Self {
        let quota = |per_minute: u32| {
            let per_minute = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
            Quota::per_minute(per_minute)
        };
        Self {
            per_ip: RateLimiter::keyed(quota(per_ip)),
            per_token: RateLimiter::keyed(quota(per_token)),
            clock: DefaultClock::default(),
        }
    }

    /// Seconds to wait when over the limit.
    fn check(&self, credential: &Credential, ip: &str) -> Result<(), u64> {
        let outcome = match credential {
            Credential::Token { id, .. } => {
                if self.per_token.len() > 50_000 {
                    self.per_token.retain_recent();
                }
                self.per_token.check_key(id)
            }
            _ => {
                if self.per_ip.len() > 50_000 {
                    self.per_ip.retain_recent();
                }
                self.per_ip.check_key(&ip.to_owned())
            }
        };
        outcome.map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// What the gate needs.
#[derive(Clone)]
pub struct GateState {
    pub app: AppState,
    pub limits: Arc<Limits>,
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A token that is not valid: it counts on the address's limit, so that
/// guessing tokens is throttled like any other request.
fn invalid_token(limits: &Limits, ip: &str) -> Response {
    if let Err(seconds) = limits.check(&Credential::None, ip) {
        tracing::warn!(%ip, "API rate limit reached (invalid tokens)");
        return Problem::rate_limited(seconds).into_response();
    }
    Problem::new(Kind::InvalidToken).into_response()
}

/// Resolves the caller, applies the rate limit and the token's scope, and
/// hands the services the right `Actor`.
pub async fn gate(State(gate): State<GateState>, mut request: Request, next: Next) -> Response {
    let ip = request
        .extensions()
        .get::<ClientInfo>()
        .map(|c| c.ip.clone())
        .unwrap_or_default();
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("").to_owned());
    let credential = match authorization {
        Some(value) => {
            let Some(secret) = value
                .strip_prefix("Bearer ")
                .map(str::trim)
                .filter(|s| !s.is_empty())
            else {
                return invalid_token(&gate.limits, &ip);
            };
            match tokens::resolve(&gate.app.db, secret, chrono::Utc::now()).await {
                Ok(Some(found)) => {
                    request.extensions_mut().insert(Actor::Person(found.person));
                    Credential::Token {
                        id: found.id,
                        scope: found.scope,
                    }
                }
                Ok(None) => return invalid_token(&gate.limits, &ip),
                Err(error) => return Problem::from(error).into_response(),
            }
        }
        None => match request.extensions().get::<Actor>() {
            Some(Actor::Person(_)) => Credential::Session,
            _ => Credential::None,
        },
    };
    if let Err(seconds) = gate.limits.check(&credential, &ip) {
        tracing::warn!(%ip, "API rate limit reached");
        return Problem::rate_limited(seconds).into_response();
    }
    if let Credential::Token {
        scope: TokenScope::Read,
        ..
    } = credential
        && !is_safe(request.method())
    {
        return Problem::new(Kind::ReadOnlyToken).into_response();
    }
    request.extensions_mut().insert(credential);
    next.run(request).await
}
