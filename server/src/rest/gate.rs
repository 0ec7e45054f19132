//! Who calls the API, whether they may write, and how often: a bearer token
//! (`Authorization: Bearer pzt_…`) or the session cookie (already checked
//! against cross-site requests), then a rate limit per token or per address.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use http::{Method, header};
use sha2::{Digest, Sha256};
use shared::model::accounts::TokenScope;
use shared::service::accounts::account::ClientInfo;
use shared::service::{Actor, accounts::tokens};

use super::problem::{Kind, Problem};
use crate::state::AppState;

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
    per_address: DefaultKeyedRateLimiter<String>,
    per_token: DefaultKeyedRateLimiter<[u8; 16]>,
    /// Addresses that used up their limit guessing tokens, until when: they
    /// are refused before any token is looked up.
    guessing: Mutex<HashMap<String, Instant>>,
    requests: AtomicU64,
    clock: DefaultClock,
}

/// How often (in requests) forgotten keys are dropped.
const HOUSEKEEPING_EVERY: u64 = 4096;

/// The key of a client address: IPv6 clients by their /64 (one household or
/// machine usually holds a whole /64), IPv4 by the address.
pub fn address_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or(ip.to_owned(), |v4| v4.to_string()),
        _ => ip.to_owned(),
    }
}

/// The key of a token: the start of its SHA-256, so the limit applies
/// before the database is asked whether the token exists.
fn token_key(secret: &str) -> [u8; 16] {
    let digest = Sha256::digest(secret.as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
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
            per_address: RateLimiter::keyed(quota(per_ip)),
            per_token: RateLimiter::keyed(quota(per_token)),
            guessing: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
            clock: DefaultClock::default(),
        }
    }

    fn wait(
        &self,
        outcome: Result<(), governor::NotUntil<<DefaultClock as Clock>::Instant>>,
    ) -> Result<(), u64> {
        outcome.map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    fn housekeeping(&self) {
        if self
            .requests
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(HOUSEKEEPING_EVERY)
        {
            self.per_address.retain_recent();
            self.per_token.retain_recent();
            if let Ok(mut guessing) = self.guessing.lock() {
                let now = Instant::now();
                guessing.retain(|_, until| *until > now);
            }
        }
    }

    /// Seconds to wait when the address is over its limit.
    fn check_address(&self, address: &str) -> Result<(), u64> {
        self.housekeeping();
        self.wait(self.per_address.check_key(&address.to_owned()))
    }

    /// Seconds to wait when the token is over its limit.
    fn check_token(&self, secret: &str) -> Result<(), u64> {
        self.housekeeping();
        self.wait(self.per_token.check_key(&token_key(secret)))
    }

    /// Seconds to wait when the address is refused for guessing tokens.
    fn guessing(&self, address: &str) -> Option<u64> {
        let until = *self.guessing.lock().ok()?.get(address)?;
        let left = until.checked_duration_since(Instant::now())?;
        Some(left.as_secs() + 1)
    }

    /// A token that is not valid counts on the address's limit; past it, the
    /// address is refused before any lookup until its limit refills.
    fn invalid_token(&self, address: &str) -> Response {
        if let Err(seconds) = self.check_address(address) {
            if let Ok(mut guessing) = self.guessing.lock() {
                guessing.insert(
                    address.to_owned(),
                    Instant::now() + Duration::from_secs(seconds),
                );
            }
            tracing::warn!(%address, "API rate limit reached (invalid tokens)");
            return Problem::rate_limited(seconds).into_response();
        }
        Problem::new(Kind::InvalidToken).into_response()
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

/// The bearer token of an `Authorization` header (scheme case-insensitive);
/// `Err` for a bearer header without a token. Other schemes are not ours (a
/// staging site behind HTTP Basic): they are ignored.
fn bearer(value: &str) -> Result<Option<&str>, ()> {
    let (scheme, rest) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    let token = rest.trim();
    if token.is_empty() {
        Err(())
    } else {
        Ok(Some(token))
    }
}

/// Resolves the caller, applies the rate limit and the token's scope, and
/// hands the services the right `Actor`.
pub async fn gate(State(gate): State<GateState>, mut request: Request, next: Next) -> Response {
    let address = address_key(
        &request
            .extensions()
            .get::<ClientInfo>()
            .map(|c| c.ip.clone())
            .unwrap_or_default(),
    );
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("").to_owned());
    let secret = match authorization.as_deref().map(bearer) {
        Some(Err(())) => return gate.limits.invalid_token(&address),
        Some(Ok(Some(secret))) => Some(secret.to_owned()),
        _ => None,
    };
    let credential = match secret {
        Some(secret) => {
            if let Some(seconds) = gate.limits.guessing(&address) {
                return Problem::rate_limited(seconds).into_response();
            }
            // Counted before the lookup: a flood costs the database nothing.
            if let Err(seconds) = gate.limits.check_token(&secret) {
                tracing::warn!(%address, "API rate limit reached (token)");
                return Problem::rate_limited(seconds).into_response();
            }
            match tokens::resolve(&gate.app.db, &secret, chrono::Utc::now()).await {
                Ok(Some(found)) => {
                    request.extensions_mut().insert(Actor::Person(found.person));
                    Credential::Token {
                        id: found.id,
                        scope: found.scope,
                    }
                }
                Ok(None) => return gate.limits.invalid_token(&address),
                Err(error) => return Problem::from(error).into_response(),
            }
        }
        None => {
            if let Err(seconds) = gate.limits.check_address(&address) {
                tracing::warn!(%address, "API rate limit reached");
                return Problem::rate_limited(seconds).into_response();
            }
            match request.extensions().get::<Actor>() {
                Some(Actor::Person(_)) => Credential::Session,
                _ => Credential::None,
            }
        }
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_schemes_are_read_as_clients_send_them() {
        assert_eq!(address_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(
            address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            address_key("2001:db8:1:2::1")
        );
        assert_ne!(
            address_key("2001:db8:1:2::1"),
            address_key("2001:db8:1:3::1")
        );
        assert_eq!(address_key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(bearer("Bearer pzt_x"), Ok(Some("pzt_x")));
        assert_eq!(bearer("bearer  pzt_x "), Ok(Some("pzt_x")));
        assert_eq!(bearer("Bearer "), Err(()));
        assert_eq!(bearer("Basic dXNlcjpwdw=="), Ok(None));
    }
}
