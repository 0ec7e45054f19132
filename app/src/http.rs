//! What the server crate may use of the app, besides [`App`](crate::App)
//! and [`shell`](crate::shell): cookie names and how they are read and
//! written, the check that keeps redirects on this site, the settings the
//! server provides, the server functions' error, and the interface's words.

pub use crate::ui::api_error::ApiError;

/// The cookie that remembers the chosen language (also set by `/lingua/{it|en}`).
pub const LANGUAGE_COOKIE: &str = "piazza_lingua";
/// The session cookie (HttpOnly; the server's session layer reads it).
pub const SESSION_COOKIE: &str = "piazza_sessione";

/// The interface's words in Italian, as the locale file has them (JSON).
pub const LOCALE_IT: &str = include_str!("../locales/it.json");
/// The interface's words in English, as the locale file has them (JSON).
pub const LOCALE_EN: &str = include_str!("../locales/en.json");

/// What the server tells the app about itself (provided as context on the server).
#[derive(Clone, Debug)]
pub struct SiteSettings {
    /// The public address, for links in emails.
    pub base_url: String,
    /// Whether cookies carry `Secure`.
    pub secure_cookies: bool,
}

/// A local path to go back to after a form (`?torna=`), or `fallback`: never
/// another site (`//host`, `/\host`) and never control characters.
pub fn safe_local_path(path: Option<&str>, fallback: &str) -> String {
    path.filter(|p| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.starts_with("/\\")
            && !p.chars().any(char::is_control)
    })
    .unwrap_or(fallback)
    .to_owned()
}

/// The one-time draft that carries a DUP import's outcome to the edition page.
pub fn import_draft_key(edition: &str) -> String {
    format!("dup-import-{edition}")
}

/// Reads one cookie from the request headers.
#[cfg(feature = "ssr")]
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The `Set-Cookie` value for a session cookie (`None` clears it).
#[cfg(feature = "ssr")]
pub fn session_cookie_header(token: Option<&str>, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(token) => format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            safe_local_path(Some("/processi/x?zona=y"), "/"),
            "/processi/x?zona=y"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "/a\nb",
        ] {
            assert_eq!(safe_local_path(Some(bad), "/profilo"), "/profilo", "{bad}");
        }
    }
}
