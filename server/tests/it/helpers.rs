//! `spawn_app`: a router over a fresh database with the demo data loaded.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use sea_orm::DbBackend;
use server::config::Config;
use server::startup::leptos_options;
use server::{AppState, open_database, router};
use shared::service::Db;
use tower::ServiceExt;

pub use shared::testing::helpers::*;
use shared::testing::{Seed, TestDatabase, fresh_database_url, init_logs};

/// The origin test requests claim (the test configuration's base URL).
pub const ORIGIN: &str = "http://127.0.0.1:3000";

/// A running application for one test.
pub struct TestApp {
    pub router: Router,
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
}

/// An HTTP answer, body as text with Leptos's hydration markers (`<!>`)
/// removed, so assertions read what a person reads.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as text (lossy; hydration markers removed).
    pub body: String,
    /// The body as sent (files).
    pub bytes: Vec<u8>,
}

/// The test configuration with some settings (`PIAZZA_*`) changed.
pub fn test_config_with(database_url: &str, extra: &[(&str, &str)]) -> Config {
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let url = database_url.to_owned();
    let uploads = std::env::temp_dir()
        .join(format!(
            "piazza-test-images-{}",
            uuid::Uuid::now_v7().simple()
        ))
        .to_string_lossy()
        .into_owned();
    Config::from_sources(None, move |name| match name {
        name if extra.iter().any(|(k, _)| k == name) => extra
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone()),
        "PIAZZA_UPLOAD_DIR" => Some(uploads.clone()),
        "PIAZZA_CACHE_DIR" => Some(format!("{uploads}-cache")),
        "DATABASE_URL" => Some(url.clone()),
        "PIAZZA_LISTEN" => Some("127.0.0.1:0".into()),
        "PIAZZA_BASE_URL" => Some(ORIGIN.into()),
        "PIAZZA_DB_MAX_CONNECTIONS" => Some("4".into()),
        "PIAZZA_SECRET_KEY" => Some(shared::testing::test_db::TEST_SERVER_KEY_HEX.into()),
        _ => None,
    })
    .expect("test configuration is valid")
}

/// A migrated, empty application.
pub async fn spawn_empty_app() -> TestApp {
    spawn_empty_app_with(&[]).await
}

/// A migrated, empty application with some settings (`PIAZZA_*`) changed.
pub async fn spawn_empty_app_with(extra: &[(&str, &str)]) -> TestApp {
    spawn_seeded(Seed::Empty, extra).await
}

/// A migrated, empty application serving the static files of `site`.
pub async fn spawn_empty_app_with_site(site: &std::path::Path) -> TestApp {
    spawn_seeded_at(Seed::Empty, &[], Some(site)).await
}

/// An application over a new database holding `seed`.
async fn spawn_seeded(seed: Seed, extra: &[(&str, &str)]) -> TestApp {
    spawn_seeded_at(seed, extra, None).await
}

/// An application over a new database holding `seed`, its static files
/// from `site` (else from where the build puts them).
async fn spawn_seeded_at(
    seed: Seed,
    extra: &[(&str, &str)],
    site: Option<&std::path::Path>,
) -> TestApp {
    init_logs();
    let (url, dir) = fresh_database_url(seed).await;
    let config = test_config_with(&url, extra);
    let db = open_database(&config)
        .await
        .expect("database opens and migrates");
    if std::env::var("PIAZZA_TEST_BACKEND").as_deref() == Ok("postgres") {
        assert_eq!(
            db.get_database_backend(),
            DbBackend::Postgres,
            "the PostgreSQL pass must run on PostgreSQL"
        );
    }
    let mut options = leptos_options(&config);
    if let Some(site) = site {
        options.site_root = site.to_string_lossy().into();
    }
    let state = AppState {
        leptos_options: options,
        db: db.clone(),
        config: Arc::new(config),
    };
    TestApp {
        router: router(state),
        db,
        _dir: dir,
    }
}

/// An application with the demo data loaded.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// An application with the demo data loaded and some settings changed.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    spawn_seeded(Seed::Demo, extra).await
}

impl TestDatabase for TestApp {
    fn db(&self) -> &Db {
        &self.db
    }
}

impl TestApp {
    /// GET `uri` with optional extra headers.
    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = Request::get(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(
            request.body(Body::empty()).expect("valid request"),
            [10, 0, 0, 1],
        )
        .await
    }

    /// Sends `request` (from client address `ip`) and returns the answer
    /// with its body unread (a stream stays open while it is held).
    pub async fn open(
        &self,
        mut request: Request<Body>,
        ip: [u8; 4],
    ) -> http::Response<axum::body::Body> {
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                ip, 40000,
            ))));
        self.router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers")
    }

    /// Sends `request` (from client address `ip`) and reads the answer.
    pub async fn send(&self, request: Request<Body>, ip: [u8; 4]) -> Answer {
        let response = self.open(request, ip).await;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body reads")
            .to_bytes();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).replace("<!>", ""),
            bytes: bytes.to_vec(),
        }
    }

    /// Posts a form the way a browser without JavaScript does (our origin,
    /// `Accept: text/html`, a `Referer`), with the session `cookie` if any.
    pub async fn post_form(
        &self,
        uri: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Answer {
        self.post_form_from(uri, fields, cookie, [10, 0, 0, 1])
            .await
    }

    /// [`post_form`](Self::post_form) from a given client address.
    pub async fn post_form_from(
        &self,
        uri: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
        ip: [u8; 4],
    ) -> Answer {
        self.post_form_with(uri, fields, cookie, ip, "text/html")
            .await
    }

    /// [`post_form`](Self::post_form) asking for `accept` (JSON for a
    /// JavaScript client, HTML for a browser's own form post).
    pub async fn post_form_accepting(
        &self,
        uri: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
        accept: &str,
    ) -> Answer {
        self.post_form_with(uri, fields, cookie, [10, 0, 0, 1], accept)
            .await
    }

    async fn post_form_with(
        &self,
        uri: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
        ip: [u8; 4],
        accept: &str,
    ) -> Answer {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = Request::post(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", accept)
            .header("origin", ORIGIN)
            .header("referer", format!("{ORIGIN}/pagina"));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        self.send(request.body(Body::from(body)).expect("valid request"), ip)
            .await
    }

    /// GET `uri` with the session `cookie`.
    pub async fn get_as(&self, uri: &str, cookie: &str) -> Answer {
        self.get_with(uri, &[("cookie", cookie)]).await
    }

    /// GET `uri`.
    pub async fn get(&self, uri: &str) -> Answer {
        self.get_with(uri, &[]).await
    }

    /// GET `uri`, which must answer 200; returns the HTML.
    pub async fn page(&self, uri: &str) -> String {
        let answer = self.get(uri).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "GET {uri}: {}",
            &answer.body[..answer.body.len().min(600)]
        );
        answer.body
    }
}

/// Every `/proposte/<id>` link in a page, in order, without repeats.
pub fn proposal_links(html: &str) -> Vec<String> {
    let mut links: Vec<String> = Vec::new();
    for part in html.split("href=\"/proposte/").skip(1) {
        let id: String = part.chars().take_while(|c| *c != '"').collect();
        if !links.contains(&id) {
            links.push(id);
        }
    }
    links
}

/// The `href` of the "next page" link, decoded from HTML (`&amp;`).
pub fn next_link(html: &str) -> Option<String> {
    let start = html.find("rel=\"next\" href=\"")? + "rel=\"next\" href=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].replace("&amp;", "&"))
}

/// The numbers shown as "Sostegni: N" on each card, in order.
pub fn support_counts(html: &str) -> Vec<u64> {
    html.split("Sostegni: ")
        .skip(1)
        .map(|part| {
            part.chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .filter(char::is_ascii_digit)
                .collect::<String>()
        })
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// Percent-encodes a form value.
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

impl Answer {
    /// The session cookie this answer set (`name=value`), if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("piazza_sessione=") && !v.starts_with("piazza_sessione=;"))
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
    }

    /// Where the answer redirects to.
    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// The error a server function put in the redirect back (no-JS form posts).
    pub fn form_error(&self) -> Option<serde_json::Value> {
        let location = self.location();
        let encoded = location.split("__err=").nth(1)?.split('&').next()?;
        let encoded = encoded.replace("%3D", "=");
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE
            .decode(encoded)
            .ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// Signs in with the demo password; returns the session cookie.
pub async fn sign_in_demo(app: &TestApp, email: &str) -> String {
    let answer = app
        .post_form(
            "/api/account/sign-in",
            &[
                ("email", email),
                ("password", shared::model::accounts::DEMO_PASSWORD),
            ],
            None,
        )
        .await;
    answer
        .session_cookie()
        .unwrap_or_else(|| panic!("{email} signs in: {} {}", answer.status, answer.location()))
}

/// The image form as the proposal page sends it.
pub fn image_upload(
    proposal_id: uuid::Uuid,
    cookie: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
    description: &str,
) -> Request<Body> {
    let boundary = "----piazzaimmagine";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"descrizione\"\r\n\r\n{description}\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"immagine\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(format!("/proposte/{proposal_id}/immagini"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("origin", ORIGIN)
        .header("cookie", cookie)
        .body(Body::from(body))
        .unwrap()
}
