//! `server`: Piazza's binary. See `server --help`.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match server::cli::run(server::cli::Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
