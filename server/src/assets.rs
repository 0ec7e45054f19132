//! The compiled site's static files: their hashed names, and how long a
//! browser may keep them.
//!
//! cargo-leptos (`hash-files = true`) renames the stylesheet, script and
//! wasm module after a hash of their content and writes the hashes to
//! `hash.txt` beside the server binary. A file whose name carries its hash
//! never changes, so it is cached for a year and marked immutable; the
//! other static files (fonts, icon) for a week; pages are never cached by
//! this layer.

use std::path::PathBuf;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, Method, StatusCode, header};
use leptos::config::LeptosOptions;

/// A year: files named after their content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A week: static files whose names do not change with their content.
const STABLE: &str = "public, max-age=604800";

/// Where cargo-leptos writes the hashes (beside the running binary).
pub fn hash_file_path(file_name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(file_name))
}

/// Whether the site was built with hashed names: `LEPTOS_HASH_FILES` when
/// set (cargo-leptos sets it), else whether the hash file `file_name` is there.
pub fn hashed_names_in_use(file_name: &str) -> bool {
    match std::env::var("LEPTOS_HASH_FILES") {
        Ok(value) if !value.is_empty() => value == "true",
        _ => hash_file_path(file_name).is_some_and(|path| path.is_file()),
    }
}

/// The stylesheet's address (`/pkg/piazza.<hash>.css`), for pages built
/// outside Leptos (the API documentation).
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    let hash = options
        .hash_files
        .then(|| hash_file_path(&options.hash_file))
        .flatten()
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| hash_of(&text, "css"));
    let name = match hash {
        Some(hash) => format!("{}.{hash}.css", options.output_name),
        None => format!("{}.css", options.output_name),
    };
    format!("/{}/{name}", options.site_pkg_dir)
}

/// The hash of `kind` (`css`, `js`, `wasm`) in a cargo-leptos hash file.
fn hash_of(text: &str, kind: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (file, hash) = line.trim().split_once(':')?;
        (file.trim() == kind && !hash.trim().is_empty()).then(|| hash.trim().to_owned())
    })
}

/// How long a successful answer to `path` may be cached, if it is a static file.
fn cache_policy(path: &str, hashed_names: bool) -> Option<&'static str> {
    if path.starts_with("/pkg/") {
        Some(if hashed_names { IMMUTABLE } else { "no-cache" })
    } else if path.starts_with("/fonts/") || path == "/favicon.svg" {
        Some(STABLE)
    } else {
        None
    }
}

/// Middleware: adds `Cache-Control` to static files served from the site root.
pub async fn cache_static_files(
    axum::extract::State(hashed_names): axum::extract::State<bool>,
    request: Request,
    next: Next,
) -> Response {
    let policy = (request.method() == Method::GET || request.method() == Method::HEAD)
        .then(|| cache_policy(request.uri().path(), hashed_names))
        .flatten();
    let mut response = next.run(request).await;
    if let Some(policy) = policy
        && matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED)
        && !response.headers().contains_key(header::CACHE_CONTROL)
    {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_file_lines_are_read_by_kind() {
        let text = "js: AbC-1\nwasm: xYz_2\ncss: Q9q\n";
        assert_eq!(hash_of(text, "css").as_deref(), Some("Q9q"));
        assert_eq!(hash_of(text, "wasm").as_deref(), Some("xYz_2"));
        assert_eq!(hash_of(text, "svg"), None);
        assert_eq!(hash_of("css:\n", "css"), None);
    }

    #[test]
    fn only_static_files_get_a_lifetime() {
        assert_eq!(cache_policy("/pkg/piazza.AbC.wasm", true), Some(IMMUTABLE));
        assert_eq!(cache_policy("/pkg/piazza.wasm", false), Some("no-cache"));
        assert_eq!(
            cache_policy("/fonts/titillium-web-latin-400-normal.woff2", true),
            Some(STABLE)
        );
        assert_eq!(cache_policy("/favicon.svg", false), Some(STABLE));
        assert_eq!(cache_policy("/processi", true), None);
        assert_eq!(cache_policy("/api/v1/processes", true), None);
    }
}
