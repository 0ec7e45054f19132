//! The `export …` and `verify-export` commands: the service does the work;
//! this shows progress and the outcome to the operator.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use shared::service::plan::export::{self as plan_export, PlanFormat};
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

/// Writes a plan version as a file, with a progress bar through its three
/// steps (reading the version, laying it out, writing the file). The plan is
/// public: the export runs as someone not signed in.
pub async fn plan(db: Db, args: &PlanFileArgs, format: PlanFormat) -> Result<(), String> {
    let ctx = Ctx::new(db, Actor::Anonymous);
    let bar = ProgressBar::new(3);
    if let Ok(style) = ProgressStyle::with_template("[{bar:24}] {pos}/{len} {msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("lettura della versione");
    let version = plan_export::chosen_version(&ctx, &args.process, args.version)
        .await
        .map_err(|e| match e {
            ServiceError::NotFound(_) => match args.version {
                Some(n) => format!("the process {} has no plan version {n}", args.process),
                None => format!(
                    "no process has the slug {}, or its plan has no saved version",
                    args.process
                ),
            },
            other => other.to_string(),
        })?;
    bar.inc(1);
    bar.set_message(format!("impaginazione ({})", format.extension()));
    let bytes = tokio::task::spawn_blocking(move || plan_export::render(&version, format))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    bar.inc(1);
    bar.set_message("scrittura");
    // Written beside the target, then moved: a reader never sees half a file.
    let partial = args.out.with_extension("partial");
    std::fs::write(&partial, &bytes)
        .and_then(|()| std::fs::rename(&partial, &args.out))
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    bar.inc(1);
    bar.finish_and_clear();
    println!("{} byte in {}", bytes.len(), args.out.display());
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

/// Which plan version to write, and where.
#[derive(Debug, clap::Args)]
pub struct PlanFileArgs {
    /// The process's slug.
    #[arg(long)]
    pub process: String,
    /// The version's number; without it the approved version, else the newest.
    #[arg(long)]
    pub version: Option<i32>,
    /// The file to write (replaced if it exists).
    #[arg(long)]
    pub out: PathBuf,
}
