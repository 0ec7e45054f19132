//! Secrets: random tokens (stored only as SHA-256), keyed digests of
//! low-entropy personal data (HMAC with the server's key), Argon2id password
//! hashes, and the password strength check.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

use crate::model::accounts::NewPassword;
use crate::model::common::FieldProblem;
use crate::service::ServiceError;

/// A fresh random token (256 bits, URL-safe) and the hash to store for it.
pub fn new_token() -> Result<(String, String), ServiceError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        tracing::error!(error = %e, "the operating system's random source failed");
        ServiceError::Database(sea_orm::DbErr::Custom("random source unavailable".into()))
    })?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = sha256_hex(&token);
    Ok((token, hash))
}

/// Lower-case hexadecimal of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// SHA-256, hex: how random tokens (high entropy) are stored and looked up.
pub fn sha256_hex(value: &str) -> String {
    hex(&Sha256::digest(value.as_bytes()))
}

/// The server's secret key, kept outside the database (a file or the
/// environment), so a copy of the database alone cannot reverse what it keys.
static SERVER_KEY: OnceLock<[u8; 32]> = OnceLock::new();

/// The length of the server key in bytes.
pub const SERVER_KEY_BYTES: usize = 32;

/// Installs the server key, once per process; installing the same key again
/// is harmless, another one is refused.
pub fn install_server_key(key: [u8; SERVER_KEY_BYTES]) -> Result<(), &'static str> {
    let installed = SERVER_KEY.get_or_init(|| key);
    if *installed == key {
        Ok(())
    } else {
        Err("a different server key is already in use")
    }
}

/// A fresh random server key.
pub fn new_server_key() -> Result<[u8; SERVER_KEY_BYTES], ServiceError> {
    let mut key = [0u8; SERVER_KEY_BYTES];
    getrandom::fill(&mut key).map_err(|e| {
        tracing::error!(error = %e, "the operating system's random source failed");
        ServiceError::Database(sea_orm::DbErr::Custom("random source unavailable".into()))
    })?;
    Ok(key)
}

/// HMAC-SHA-256 of `value` under the server key, for one `purpose` (so one
/// digest can never be replayed as another), hex. For values a person could
/// enumerate, such as fiscal codes: without the key the digest says nothing.
pub fn keyed_hex(purpose: &str, value: &[u8]) -> Result<String, ServiceError> {
    let Some(key) = SERVER_KEY.get() else {
        tracing::error!("the server key was not installed before a keyed digest was needed");
        return Err(ServiceError::Database(sea_orm::DbErr::Custom(
            "server key missing".into(),
        )));
    };
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| {
        ServiceError::Database(sea_orm::DbErr::Custom("server key unusable".into()))
    })?;
    mac.update(purpose.as_bytes());
    mac.update(&[0]);
    mac.update(value);
    Ok(hex(&mac.finalize().into_bytes()))
}

/// Rejects passwords that are among the most common or easily guessed
/// (zxcvbn: fewer than 10^8 guesses), taking the person's own email and name
/// into account.
pub fn check_strength(password: &NewPassword, hints: &[&str]) -> Result<(), FieldProblem> {
    // The hints whole and in pieces (an email's local part, each name).
    let mut inputs: Vec<&str> = hints.to_vec();
    for hint in hints {
        inputs.extend(hint.split(['@', ' ']).filter(|p| p.len() >= 3));
        inputs.extend(
            hint.split(|c: char| !c.is_alphanumeric())
                .filter(|p| p.len() >= 3),
        );
    }
    inputs.extend(["piazza", "comune", "partecipazione"]);
    let entropy = zxcvbn::zxcvbn(password.expose(), &inputs);
    if u8::from(entropy.score()) < 2 {
        return Err(FieldProblem::TooCommon);
    }
    Ok(())
}

/// How long a request waits for a free hashing slot before it is told to
/// come back (429 with `Retry-After`).
const HASHING_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// At most one Argon2 computation per core at once: each takes 19 MiB and a
/// core for tens of milliseconds, so a burst of sign-ins (or guesses) waits
/// briefly and then is turned away, instead of queueing without bound and
/// starving the site.
async fn hashing_slot() -> Result<tokio::sync::SemaphorePermit<'static>, ServiceError> {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    });
    match tokio::time::timeout(HASHING_WAIT, slots.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(ServiceError::RateLimited {
            retry_after_secs: 1,
        }),
    }
}

/// Hashes a password with Argon2id (OWASP parameters: 19 MiB, 2 passes) off
/// the async threads, one per core at most.
pub async fn hash_password(password: &NewPassword) -> Result<String, ServiceError> {
    let password = password.expose().to_owned();
    let _slot = hashing_slot().await?;
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| internal("password hashing task", e))?
    .map_err(|e| internal("password hashing", e))
}

/// Checks `password` against a stored hash; with no hash, checks it against
/// a dummy one so the time taken does not tell whether the account exists.
/// One per core at most, like [`hash_password`].
pub async fn verify_password(password: &str, stored: Option<&str>) -> Result<bool, ServiceError> {
    let password = password.to_owned();
    let known = stored.is_some();
    let stored = stored.map(str::to_owned);
    let _slot = hashing_slot().await?;
    let matches = tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        PasswordHash::new(&stored)
            .map(|hash| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &hash)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(|e| internal("password verification task", e))?;
    Ok(known && matches)
}

/// An Argon2id hash (default parameters) of a random string nobody knows,
/// made once per process.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut secret = [0u8; 32];
        // Without randomness, a fixed secret: the hash is never matched anyway
        // (unknown accounts always fail), it only spends the same time.
        let _ = getrandom::fill(&mut secret);
        Argon2::default()
            .hash_password(&secret)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

fn internal(what: &str, error: impl std::fmt::Display) -> ServiceError {
    tracing::error!(%error, "{what} failed");
    ServiceError::Database(sea_orm::DbErr::Custom(format!("{what} failed")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_hash_with_argon2id_and_verify() {
        let password = NewPassword::parse("una frase lunga e segreta").unwrap();
        let hash = hash_password(&password).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            verify_password("una frase lunga e segreta", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("un'altra frase", Some(&hash))
                .await
                .unwrap()
        );
        assert!(!verify_password("qualsiasi", None).await.unwrap());
        assert!(
            PasswordHash::new(dummy_hash()).is_ok(),
            "the dummy hash parses"
        );
    }

    #[test]
    fn common_passwords_are_refused() {
        for weak in ["password123", "1234567890", "qwertyuiop", "mario.rossi1"] {
            let p = NewPassword::parse(weak).unwrap();
            assert_eq!(
                check_strength(&p, &["mario.rossi@example.it", "Mario Rossi"]),
                Err(FieldProblem::TooCommon),
                "{weak}"
            );
        }
        let strong = NewPassword::parse("tramonto sul Tanaro 1987").unwrap();
        assert_eq!(check_strength(&strong, &[]), Ok(()));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_token().unwrap();
        let (b, _) = new_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_a, sha256_hex(&a));
        assert_eq!(hash_a.len(), 64);
    }
}
