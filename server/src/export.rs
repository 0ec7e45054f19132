//! The `export open-data` and `verify-export` commands: the service does
//! the work; this shows progress and the outcome to the operator.

use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use shared::service::{Actor, Ctx, Db, ServiceError, open_data};

/// Exports the process `slug` into `out` with a progress line on stderr
/// (hidden when stderr is not a terminal), then prints what was written.
/// Open data is public: the export runs as someone not signed in.
pub async fn open_data(db: Db, slug: &str, out: &Path) -> Result<(), String> {
    let ctx = Ctx::new(db, Actor::Anonymous);
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}: {human_pos} righe") {
        bar.set_style(style);
    }
    let progress = |dataset: &str, rows: u64| {
        bar.set_message(dataset.to_owned());
        bar.inc(rows);
    };
    let outcome = open_data::export(&ctx, slug, out, &progress).await;
    bar.finish_and_clear();
    let summary = outcome.map_err(|e| match e {
        open_data::ExportError::Service(ServiceError::NotFound(_)) => {
            format!("no process has the slug {slug}")
        }
        other => other.to_string(),
    })?;
    for (dataset, rows) in &summary.rows {
        println!("{dataset}: {rows} righe");
    }
    println!(
        "{} file, {} byte, in {}",
        summary.files.len(),
        summary.bytes,
        out.display()
    );
    Ok(())
}

/// Checks an export folder: prints OK, or every mismatch and fails.
pub fn verify_folder(dir: &Path) -> Result<(), String> {
    let report = open_data::verify(dir);
    if report.is_ok() {
        println!("{report}");
        Ok(())
    } else {
        print!("{report}");
        Err(format!(
            "{} differenze in {}",
            report.problems.len(),
            dir.display()
        ))
    }
}
