//! The `scribe` command: parses arguments, loads settings, starts
//! logging, runs the command and turns its error into an exit code.

use std::process::ExitCode;

use clap::Parser;
use scribe::cli::Cli;
use scribe::settings::Settings;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let dir = cli.config.clone().or_else(default_config_dir);
    let settings = match Settings::load(dir.as_deref(), std::env::vars()) {
        Ok(settings) => settings,
        Err(e) => return fail(&anyhow::Error::new(e)),
    };
    match scribe::cli::run(cli, settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// `config/` in the working directory, when there is one.
fn default_config_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from("config");
    dir.is_dir().then_some(dir)
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SCRIBE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Prints the error and its causes on one line.
fn fail(error: &anyhow::Error) -> ExitCode {
    eprintln!("error: {error:#}");
    ExitCode::FAILURE
}
