//! The server's secret key: from `PIAZZA_SECRET_KEY`, else from its file,
//! created (owner-only) at the first start. It keys the digests of personal
//! data that could be enumerated (census codes), so it lives outside the
//! database: a copy of the database alone reveals nothing.

use std::io::Write;
use std::path::Path;

use shared::service::common::secrets::{self, SERVER_KEY_BYTES};

use crate::config::Config;

/// Why the key could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or create the secret key file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("the secret key file {path} does not hold 64 hexadecimal digits")]
    Malformed { path: String },
    #[error("{0}")]
    Install(&'static str),
    #[error("the operating system's random source failed")]
    Random,
}

/// Loads (or creates) the key and installs it for this process.
pub fn install(config: &Config) -> Result<(), KeyError> {
    let key = match &config.secret_key {
        Some(hex) => parse(hex.expose()).ok_or(KeyError::Malformed {
            path: "PIAZZA_SECRET_KEY".into(),
        })?,
        None => load_or_create(&config.secret_key_file)?,
    };
    secrets::install_server_key(key).map_err(KeyError::Install)
}

/// The key in `path`, or a new one written there (mode 0600).
fn load_or_create(path: &Path) -> Result<[u8; SERVER_KEY_BYTES], KeyError> {
    let shown = path.display().to_string();
    let file_error = |source| KeyError::File {
        path: shown.clone(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => parse(text.trim()).ok_or(KeyError::Malformed {
            path: shown.clone(),
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(file_error)?;
            }
            let key = secrets::new_server_key().map_err(|_| KeyError::Random)?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(path) {
                Ok(mut file) => {
                    file.write_all(format!("{}\n", secrets::hex(&key)).as_bytes())
                        .and_then(|()| file.sync_all())
                        .map_err(file_error)?;
                    tracing::warn!(
                        path = %shown,
                        "a new secret key was created: back it up with the database \
                         (without it, loaded census codes no longer match)"
                    );
                    Ok(key)
                }
                // Another process created it first: use theirs.
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    load_or_create(path)
                }
                Err(error) => Err(file_error(error)),
            }
        }
        Err(error) => Err(file_error(error)),
    }
}

/// 64 hexadecimal digits as a key.
fn parse(hex: &str) -> Option<[u8; SERVER_KEY_BYTES]> {
    if hex.len() != SERVER_KEY_BYTES * 2 || !hex.is_ascii() {
        return None;
    }
    let mut key = [0u8; SERVER_KEY_BYTES];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).ok()?;
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_created_once_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("server.key");
        let first = load_or_create(&path).unwrap();
        let second = load_or_create(&path).unwrap();
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "only the owner reads the key");
        }
        std::fs::write(&path, "not a key").unwrap();
        assert!(matches!(
            load_or_create(&path),
            Err(KeyError::Malformed { .. })
        ));
        assert_eq!(parse(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(parse(&"zz".repeat(32)), None);
    }
}
