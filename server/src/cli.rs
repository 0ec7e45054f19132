//! The command line: `serve` (default), `migrate`, `seed-demo`, `create-admin`,
//! `openapi`, `generate`, `export open-data` and `verify-export`.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use shared::model::accounts::{DisplayName, EmailAddress};
use shared::model::common::FieldProblem;
use shared::service::{Actor, Ctx, accounts::account, seed::demo};

use crate::config::Config;
use crate::export::PlanFileArgs;
use crate::startup::{leptos_options, open_database, router};
use crate::state::AppState;
use crate::telemetry;

/// Piazza: participatory strategic planning for Italian municipalities.
#[derive(Debug, Parser)]
#[command(name = "server", version, about)]
pub struct Cli {
    /// A TOML configuration file (environment variables override it).
    #[arg(long, global = true, env = "PIAZZA_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data (idempotent: loading twice duplicates nothing).
    SeedDemo,
    /// Create the first administrator (or make an existing person one).
    CreateAdmin {
        /// Their email address.
        #[arg(long)]
        email: String,
        /// The name shown next to their actions.
        #[arg(long)]
        name: String,
    },
    /// Print the REST API's OpenAPI 3.1 document (no database needed).
    Openapi,
    /// Add realistic Italian data for load tests (new processes, people,
    /// proposals, comments, supports), the same for the same seed.
    Generate {
        #[arg(long, default_value_t = 1000)]
        proposals: u64,
        #[arg(long, default_value_t = 5000)]
        comments: u64,
        #[arg(long, default_value_t = 1000)]
        users: u64,
        #[arg(long, default_value_t = 10000)]
        supports: u64,
        /// How many processes share the proposals.
        #[arg(long, default_value_t = 3)]
        processes: u32,
        /// Write-scope access tokens for the first people (see --report).
        #[arg(long, default_value_t = 0)]
        tokens: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write what was made (slugs, busiest proposal, tokens) to this JSON file.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Write files for others to reuse.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Check an open-data export (no database needed): the manifest's hashes
    /// and the totals recomputed from the CSV files. Exits with 1 on any
    /// mismatch.
    VerifyExport {
        /// The folder `export open-data` wrote.
        dir: PathBuf,
    },
}

/// What `export` writes.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// One process as open data: CSV and JSON per dataset, the totals,
    /// DCAT-AP_IT metadata and a SHA-256 manifest (CC BY 4.0, no personal data).
    OpenData {
        /// The process's slug.
        #[arg(long)]
        process: String,
        /// A new or empty folder to write into.
        #[arg(long)]
        out: PathBuf,
    },
    /// The plan as an accessible PDF (tagged, Titillium Web embedded).
    Pdf(PlanFileArgs),
    /// The plan as OpenDocument text, editable in LibreOffice.
    Odt(PlanFileArgs),
    /// The plan as one standalone, printable HTML file.
    Html(PlanFileArgs),
    /// The plan as Markdown.
    Md(PlanFileArgs),
}

fn describe(problem: FieldProblem) -> String {
    match problem {
        FieldProblem::Empty => "is empty".into(),
        FieldProblem::TooLong { max } => format!("is longer than {max} characters"),
        FieldProblem::Malformed => "is not well formed".into(),
        FieldProblem::ControlCharacters => "contains control characters".into(),
        other => format!("is not accepted ({other:?})"),
    }
}

/// Writes a file only its owner may read (it holds access tokens).
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

fn print_openapi() -> Result<(), String> {
    let document = crate::rest::openapi()
        .to_pretty_json()
        .map_err(|e| e.to_string())?;
    println!("{document}");
    Ok(())
}

/// Runs the command; the error is the message the operator sees.
pub async fn run(cli: Cli) -> Result<(), String> {
    // The document needs neither configuration nor database.
    if matches!(cli.command, Some(Command::Openapi)) {
        return print_openapi();
    }
    // Nor does checking an export.
    if let Some(Command::VerifyExport { dir }) = &cli.command {
        return crate::export::verify_folder(dir);
    }
    let config = Config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    telemetry::init(config.log_format);
    let db = open_database(&config).await.map_err(|e| e.to_string())?;
    let system = Ctx::new(db.clone(), Actor::System);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            tracing::info!(database = %config.database_url_redacted(), "migrations applied");
            Ok(())
        }
        Command::SeedDemo => seed_demo(&system).await,
        Command::Openapi => print_openapi(),
        Command::VerifyExport { dir } => crate::export::verify_folder(&dir),
        Command::Export { what } => {
            use shared::service::plan::export::PlanFormat;
            match what {
                ExportCommand::OpenData { process, out } => {
                    crate::export::open_data(db, &process, &out).await
                }
                ExportCommand::Pdf(args) => crate::export::plan(db, &args, PlanFormat::Pdf).await,
                ExportCommand::Odt(args) => crate::export::plan(db, &args, PlanFormat::Odt).await,
                ExportCommand::Html(args) => crate::export::plan(db, &args, PlanFormat::Html).await,
                ExportCommand::Md(args) => {
                    crate::export::plan(db, &args, PlanFormat::Markdown).await
                }
            }
        }
        Command::Generate {
            proposals,
            comments,
            users,
            supports,
            processes,
            tokens,
            seed,
            report,
        } => {
            let spec = shared::service::seed::generate::Spec {
                processes,
                users,
                proposals,
                comments,
                supports,
                tokens,
                seed,
            };
            let started = std::time::Instant::now();
            let made = shared::service::seed::generate::generate(&system, &spec)
                .await
                .map_err(|e| match e {
                    shared::service::ServiceError::InvalidInput { .. } => {
                        format!("data with --seed {seed} was already generated here: choose another seed")
                    }
                    other => other.to_string(),
                })?;
            println!(
                "generated in {:.1} s: {} processes ({}), {} people, {} proposals, {} comments, {} supports, {} tokens",
                started.elapsed().as_secs_f64(),
                made.processes.len(),
                made.processes.join(", "),
                made.users,
                made.proposals,
                made.comments,
                made.supports,
                made.tokens.len()
            );
            if let Some(path) = report {
                let json = serde_json::json!({
                    "processes": made.processes,
                    "users": made.users,
                    "proposals": made.proposals,
                    "comments": made.comments,
                    "supports": made.supports,
                    "busiest_proposal": made.busiest_proposal,
                    "busiest_comments": made.busiest_comments,
                    "hundred_comments": made.hundred_comments,
                    "tokens": made.tokens,
                });
                write_private(&path, json.to_string().as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            Ok(())
        }
        Command::CreateAdmin { email, name } => {
            let email =
                EmailAddress::parse(&email).map_err(|p| format!("--email {}", describe(p)))?;
            let name = DisplayName::parse(&name).map_err(|p| format!("--name {}", describe(p)))?;
            let outcome = account::create_admin(&system, &email, &name, &config.base_url)
                .await
                .map_err(|e| e.to_string())?;
            let what = if outcome.created {
                "created"
            } else {
                "already existed"
            };
            println!(
                "administrator {} ({}) {what}; the admin role is assigned",
                email.as_str(),
                outcome.id
            );
            if let Some(link) = outcome.set_password_link {
                println!(
                    "choose the password within {} hours at:\n{link}",
                    account::FIRST_PASSWORD_HOURS
                );
            }
            Ok(())
        }
        Command::Serve => {
            // Piazza speaks plain HTTP: an https address means a proxy in front.
            if config.secure_cookies() && !config.trust_proxy {
                tracing::warn!(
                    "PIAZZA_BASE_URL is https but PIAZZA_TRUST_PROXY is off: if a reverse proxy \
                     forwards requests here, every visitor shares its address and per-address \
                     limits apply to the whole site; set PIAZZA_TRUST_PROXY=1 behind a proxy \
                     that sets X-Forwarded-For"
                );
            }
            if config.seed_demo {
                seed_demo(&system).await?;
            }
            serve(config, db).await
        }
    }
}

async fn seed_demo(ctx: &Ctx) -> Result<(), String> {
    let report = demo::load(ctx).await.map_err(|e| match e {
        shared::service::ServiceError::Refused(shared::model::common::Refusal::DemoOnRealData) => {
            "demo data not loaded: this database already holds real people's accounts. \
              The demo publishes its administrator's password, so it goes only into a \
              database of its own: point DATABASE_URL at a new one (for example \
              DATABASE_URL=sqlite://demo.db?mode=rwc) and run it there."
                .to_owned()
        }
        other => format!("demo data not loaded: {other}"),
    })?;
    tracing::info!(
        people = report.people_created,
        processes = report.processes_created,
        already_present = report.processes_present,
        proposals = report.proposals_created,
        supports = report.supports_created,
        "demo data loaded"
    );
    Ok(())
}

async fn serve(config: Config, db: shared::service::Db) -> Result<(), String> {
    let listen = config.listen;
    let state = AppState {
        leptos_options: leptos_options(&config),
        db,
        config: Arc::new(config),
    };
    crate::mailer::spawn(state.db.clone(), &state.config)?;
    crate::live::spawn_listener(state.db.clone());
    crate::jobs::spawn(
        state.db.clone(),
        state.config.base_url.clone(),
        state.config.smtp_url.is_some(),
    );
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    tracing::info!("Piazza listening on http://{listen}");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C: in-flight requests finish, new ones are refused.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested: finishing requests in flight");
    // Event streams never finish by themselves: end them now.
    crate::live::end_streams();
}
