//! Typed configuration: defaults that are safe, then an optional TOML file,
//! then environment variables (`PIAZZA_*`, and `DATABASE_URL`) on top.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Everything the server needs to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Where to listen (`PIAZZA_LISTEN`, default 127.0.0.1:3000: loopback only).
    pub listen: SocketAddr,
    /// `sqlite://…` (default: `./data/piazza.db`) or `postgres://…`.
    pub database_url: String,
    /// Pool size (`PIAZZA_DB_MAX_CONNECTIONS`).
    pub db_max_connections: u32,
    /// The public address people reach (`PIAZZA_BASE_URL`), used for links and cookie security.
    pub base_url: String,
    /// Load the demo data at start (`PIAZZA_SEED_DEMO=1`); harmless if already loaded.
    pub seed_demo: bool,
    /// `pretty` (default) or `json` logs (`PIAZZA_LOG_FORMAT`).
    pub log_format: LogFormat,
    /// The SMTP server email goes through (`PIAZZA_SMTP_URL`, e.g.
    /// `smtps://user:password@smtp.example.it:465`). Without it, emails are
    /// written to the log and stay readable in the administrators' outbox.
    pub smtp_url: Option<Secret>,
    /// The sender of every email (`PIAZZA_MAIL_FROM`).
    pub mail_from: String,
    /// Take the client address from `X-Forwarded-For` (`PIAZZA_TRUST_PROXY`):
    /// only behind a reverse proxy that sets it.
    pub trust_proxy: bool,
    /// Where images attached to proposals are stored (`PIAZZA_UPLOAD_DIR`,
    /// default `./data/immagini`).
    pub upload_dir: PathBuf,
    /// API requests per minute from one address without a token
    /// (`PIAZZA_API_RATE_PER_IP`, default 300).
    pub api_rate_per_ip: u32,
    /// API requests per minute with one access token
    /// (`PIAZZA_API_RATE_PER_TOKEN`, default 600).
    pub api_rate_per_token: u32,
    /// Other sites whose pages may call the API from the browser, with a
    /// token (`PIAZZA_API_CORS_ORIGINS`, comma-separated `https://…`; none by default).
    pub api_cors_origins: Vec<String>,
    /// Where files the server can make again are kept (`PIAZZA_CACHE_DIR`,
    /// default `./data/cache`): the open-data packages. Safe to delete.
    pub cache_dir: PathBuf,
    /// The server's secret key (`PIAZZA_SECRET_KEY`, 64 hex digits); else
    /// read from, or created at first start in, `secret_key_file`.
    pub secret_key: Option<Secret>,
    /// Where the secret key is kept (`PIAZZA_SECRET_KEY_FILE`, default
    /// `./data/server.key`): back it up with the database, never inside it.
    pub secret_key_file: PathBuf,
}

/// A setting that holds a password: never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The optional file (`--config` or `PIAZZA_CONFIG`): every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    database_url: Option<String>,
    db_max_connections: Option<u32>,
    base_url: Option<String>,
    seed_demo: Option<bool>,
    log_format: Option<LogFormat>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    trust_proxy: Option<bool>,
    upload_dir: Option<String>,
    api_rate_per_ip: Option<u32>,
    api_rate_per_token: Option<u32>,
    api_cors_origins: Option<Vec<String>>,
    secret_key_file: Option<String>,
    cache_dir: Option<String>,
}

/// A configuration problem, naming the setting.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{name} is not valid: {message}")]
    Invalid { name: &'static str, message: String },
}

impl Config {
    /// Reads the file (if any) and the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::from_sources(file, |name| std::env::var(name).ok())
    }

    /// Builds the configuration from a file and an environment lookup (testable).
    pub fn from_sources(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let file = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::File {
                    path: path.to_owned(),
                    source,
                })?;
                toml::from_str::<FileConfig>(&text).map_err(|e| ConfigError::Syntax {
                    path: path.to_owned(),
                    message: e.message().to_owned(),
                })?
            }
            None => FileConfig::default(),
        };
        let pick = |name: &str, from_file: Option<String>| {
            env(name).filter(|v| !v.is_empty()).or(from_file)
        };

        let listen = pick("PIAZZA_LISTEN", file.listen).unwrap_or_else(|| "127.0.0.1:3000".into());
        let listen = listen.parse().map_err(|_| ConfigError::Invalid {
            name: "PIAZZA_LISTEN",
            message: format!("'{listen}' is not host:port"),
        })?;
        let database_url = pick(
            "DATABASE_URL",
            pick("PIAZZA_DATABASE_URL", file.database_url),
        )
        .unwrap_or_else(|| "sqlite://data/piazza.db?mode=rwc".into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Invalid {
                name: "DATABASE_URL",
                message: "must start with sqlite: or postgres://".into(),
            });
        }
        let db_max_connections = match env("PIAZZA_DB_MAX_CONNECTIONS").filter(|v| !v.is_empty()) {
            Some(v) => v
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(ConfigError::Invalid {
                    name: "PIAZZA_DB_MAX_CONNECTIONS",
                    message: "must be a positive number".into(),
                })?,
            None => file
                .db_max_connections
                .unwrap_or(if database_url.starts_with("sqlite:") {
                    8
                } else {
                    16
                }),
        };
        let base_url =
            pick("PIAZZA_BASE_URL", file.base_url).unwrap_or_else(|| format!("http://{listen}"));
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                name: "PIAZZA_BASE_URL",
                message: "must start with http:// or https://".into(),
            });
        }
        let seed_demo = match env("PIAZZA_SEED_DEMO").filter(|v| !v.is_empty()) {
            Some(v) => parse_bool(&v).ok_or(ConfigError::Invalid {
                name: "PIAZZA_SEED_DEMO",
                message: "must be true/false/1/0".into(),
            })?,
            None => file.seed_demo.unwrap_or(false),
        };
        let log_format = match env("PIAZZA_LOG_FORMAT")
            .filter(|v| !v.is_empty())
            .as_deref()
        {
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "PIAZZA_LOG_FORMAT",
                    message: "must be pretty or json".into(),
                });
            }
            None => file.log_format.unwrap_or(LogFormat::Pretty),
        };
        let smtp_url = pick("PIAZZA_SMTP_URL", file.smtp_url);
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(ConfigError::Invalid {
                name: "PIAZZA_SMTP_URL",
                message: "must start with smtp:// or smtps://".into(),
            });
        }
        let host = base_url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', ':']).next())
            .filter(|h| h.contains('.') && !h.chars().all(|c| c.is_ascii_digit() || c == '.'))
            .unwrap_or("piazza.invalid")
            .to_owned();
        let mail_from = pick("PIAZZA_MAIL_FROM", file.mail_from)
            .unwrap_or_else(|| format!("Piazza <noreply@{host}>"));
        if !mail_from.contains('@') || mail_from.chars().any(char::is_control) {
            return Err(ConfigError::Invalid {
                name: "PIAZZA_MAIL_FROM",
                message: "must be an address, e.g. Piazza <noreply@comune.example.it>".into(),
            });
        }
        let trust_proxy = match env("PIAZZA_TRUST_PROXY").filter(|v| !v.is_empty()) {
            Some(v) => parse_bool(&v).ok_or(ConfigError::Invalid {
                name: "PIAZZA_TRUST_PROXY",
                message: "must be true/false/1/0".into(),
            })?,
            None => file.trust_proxy.unwrap_or(false),
        };
        let upload_dir = PathBuf::from(
            pick("PIAZZA_UPLOAD_DIR", file.upload_dir).unwrap_or_else(|| "data/immagini".into()),
        );
        let rate = |name: &'static str, from_file: Option<u32>, default: u32| match env(name)
            .filter(|v| !v.is_empty())
        {
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(ConfigError::Invalid {
                    name,
                    message: "must be a positive number of requests per minute".into(),
                }),
            None => Ok(from_file.filter(|n| *n > 0).unwrap_or(default)),
        };
        let api_rate_per_ip = rate("PIAZZA_API_RATE_PER_IP", file.api_rate_per_ip, 300)?;
        let api_rate_per_token = rate("PIAZZA_API_RATE_PER_TOKEN", file.api_rate_per_token, 600)?;
        let api_cors_origins: Vec<String> = match env("PIAZZA_API_CORS_ORIGINS") {
            Some(v) => v
                .split(',')
                .map(|o| o.trim().trim_end_matches('/').to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
            None => file.api_cors_origins.unwrap_or_default(),
        };
        if let Some(bad) = api_cors_origins.iter().find(|o| {
            !(o.starts_with("http://") || o.starts_with("https://"))
                || o.split("://").nth(1).is_some_and(|rest| rest.contains('/'))
        }) {
            return Err(ConfigError::Invalid {
                name: "PIAZZA_API_CORS_ORIGINS",
                message: format!("'{bad}' is not an origin like https://www.comune.example.it"),
            });
        }
        let secret_key = env("PIAZZA_SECRET_KEY").filter(|v| !v.is_empty());
        if let Some(key) = &secret_key
            && (key.len() != 64 || !key.chars().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(ConfigError::Invalid {
                name: "PIAZZA_SECRET_KEY",
                message: "must be 64 hexadecimal digits (e.g. from `openssl rand -hex 32`)".into(),
            });
        }
        let secret_key_file = PathBuf::from(
            pick("PIAZZA_SECRET_KEY_FILE", file.secret_key_file)
                .unwrap_or_else(|| "data/server.key".into()),
        );
        let cache_dir = PathBuf::from(
            pick("PIAZZA_CACHE_DIR", file.cache_dir).unwrap_or_else(|| "data/cache".into()),
        );
        Ok(Self {
            cache_dir,
            secret_key: secret_key.map(Secret),
            secret_key_file,
            api_rate_per_ip,
            api_rate_per_token,
            api_cors_origins,
            upload_dir,
            smtp_url: smtp_url.map(Secret),
            mail_from,
            trust_proxy,
            listen,
            database_url: base_trimmed(database_url),
            db_max_connections,
            base_url: base_trimmed(base_url),
            seed_demo,
            log_format,
        })
    }

    /// Whether cookies must be `Secure` (the public address is https).
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// The database URL with any password hidden, for logs.
    pub fn database_url_redacted(&self) -> String {
        redact_url(&self.database_url)
    }

    /// For SQLite files: the folder that must exist before connecting.
    pub fn sqlite_dir(&self) -> Option<PathBuf> {
        let rest = self
            .database_url
            .strip_prefix("sqlite://")
            .or_else(|| self.database_url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next()?;
        if path.is_empty() || path.starts_with(":memory:") {
            return None;
        }
        Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
    }
}

fn base_trimmed(value: String) -> String {
    value.trim().to_owned()
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn defaults_are_local_and_sqlite() {
        let config = Config::from_sources(None, env(&[])).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(config.database_url, "sqlite://data/piazza.db?mode=rwc");
        assert_eq!(config.sqlite_dir(), Some(PathBuf::from("data")));
        assert!(!config.seed_demo);
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = std::env::temp_dir().join(format!("piazza-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("piazza.toml");
        std::fs::write(&path, "listen = \"0.0.0.0:8080\"\nseed_demo = true\nbase_url = \"https://piazza.comune.example\"\n").unwrap();
        let config =
            Config::from_sources(Some(&path), env(&[("PIAZZA_LISTEN", "127.0.0.1:9000")])).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:9000");
        assert!(config.seed_demo);
        assert_eq!(config.base_url, "https://piazza.comune.example");
        std::fs::write(&path, "lisen = 1\n").unwrap();
        assert!(matches!(
            Config::from_sources(Some(&path), env(&[])),
            Err(ConfigError::Syntax { .. })
        ));
    }

    #[test]
    fn bad_values_name_the_setting() {
        for (name, value) in [
            ("PIAZZA_LISTEN", "nowhere"),
            ("DATABASE_URL", "mysql://x"),
            ("PIAZZA_SEED_DEMO", "maybe"),
            ("PIAZZA_DB_MAX_CONNECTIONS", "0"),
        ] {
            let error = Config::from_sources(None, env(&[(name, value)]))
                .unwrap_err()
                .to_string();
            assert!(error.contains(name), "{error}");
        }
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact_url("postgres://piazza:s3cret@db:5432/piazza"),
            "postgres://piazza:***@db:5432/piazza"
        );
        assert_eq!(
            redact_url("sqlite://data/piazza.db"),
            "sqlite://data/piazza.db"
        );
    }
}
