//! Reading the service layer's own source, for the checks that keep a rule
//! true everywhere (every operation authorized, every write transaction
//! taking the write lock first).

/// Every source file under `dir`, with its module path below `service`
/// (`participation::supports`; a folder's `mod.rs` is the folder).
pub(crate) fn service_files(dir: &std::path::Path) -> Vec<(String, std::path::PathBuf)> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("service folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(dir).expect("inside").with_extension("");
            let mut parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            files.push((parts.join("::"), path));
        }
    }
    files.sort();
    assert!(files.len() > 40, "the service folder was not read");
    files
}

/// Every transaction in the services that writes starts with
/// [`begin_write`](super::db::begin_write): a bare `begin()` on SQLite is a
/// deferred transaction, which fails with `SQLITE_BUSY_SNAPSHOT` when it
/// reads, another writer commits, and it then writes.
#[test]
fn service_transactions_take_the_write_lock_first() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/service");
    // The open data export reads one consistent snapshot and writes nothing.
    let read_only = ["open_data::export"];
    let mut bare = Vec::new();
    for (module, path) in service_files(&dir) {
        let source = std::fs::read_to_string(&path).expect("source");
        let source = source.split("#[cfg(test)]").next().unwrap_or_default();
        if source.contains(concat!(".begin", "()")) && !read_only.contains(&module.as_str()) {
            bare.push(module);
        }
    }
    assert!(bare.is_empty(), "bare begin() in {bare:?}");
}
