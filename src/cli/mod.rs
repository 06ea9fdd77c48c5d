//! The operator commands behind `scribe`: each subcommand is a file.
//! `main.rs` parses the arguments, loads settings and calls [`run`].

mod check;
mod demo;
pub mod import;
mod inspect;
mod render;
#[cfg(feature = "discord")]
mod run;

use std::path::PathBuf;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::ingest::Recorder;
use crate::model::IncidentId;
use crate::settings::Settings;
use crate::store::Store;

/// Scribe, the incident scribe: records an incident and writes its
/// post-mortem record.
#[derive(Debug, Parser)]
#[command(name = "scribe", version, about)]
pub struct Cli {
    /// Folder of configuration files (`*.toml`), layered over defaults.
    #[arg(long, global = true, env = "SCRIBE_CONFIG_DIR")]
    pub config: Option<PathBuf>,
    /// Log more (repeat for more detail).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import the bundled INC-2417 example into a temporary store and
    /// write its record; needs no token and no network.
    Demo {
        /// Where to write the record.
        #[arg(short, long, default_value = "INC-2417.html")]
        output: PathBuf,
    },
    /// Import a DiscordChatExporter JSON export, a Scribe JSON export or
    /// a Scribe record, with optional timeline notes.
    Import(import::ImportArgs),
    /// Write the record of a stored incident.
    Render {
        id: IncidentId,
        #[arg(short, long)]
        output: PathBuf,
        /// Fix the render clock (`2026-06-20 12:00`, RFC 3339, or a date)
        /// so the same store gives a byte-identical file.
        #[arg(long)]
        as_of: Option<String>,
    },
    /// List stored incidents.
    List,
    /// Print an incident as `scribe.incident/1` JSON.
    Export {
        id: IncidentId,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Re-apply today's secret patterns to stored incidents.
    Redact { id: Option<IncidentId> },
    /// Validate configuration, token presence and the store.
    Check,
    /// Run the Discord bot (token from DISCORD_TOKEN or
    /// discord.token_file) until SIGTERM or ctrl-c.
    #[cfg(feature = "discord")]
    Run,
}

/// Runs one command to completion.
pub fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    match cli.command {
        Command::Demo { output } => demo::run(&settings, &output),
        Command::Import(args) => import::run(&settings, args),
        Command::Render { id, output, as_of } => {
            render::run(&settings, &id, &output, as_of.as_deref())
        }
        Command::List => inspect::list(&settings),
        Command::Export { id, output } => inspect::export(&settings, &id, output.as_deref()),
        Command::Redact { id } => inspect::redact(&settings, id.as_ref()),
        Command::Check => check::run(&settings),
        #[cfg(feature = "discord")]
        Command::Run => run::run(&settings),
    }
}

/// Opens the configured store for a CLI command.
fn open_store(settings: &Settings, command: &str) -> anyhow::Result<Store> {
    let path = &settings.store.path;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Ok(Store::open(path, settings.store.cache_mb, command)?)
}

/// Opens the configured store behind the write path.
fn open_recorder(settings: &Settings, command: &str) -> anyhow::Result<Recorder> {
    let store = open_store(settings, command)?;
    Ok(Recorder::new(store, settings.clone())?)
}

/// Reads an `--as-of` value: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` in the
/// zone `tz`, or a date (its end of day is not assumed: midnight).
pub fn parse_as_of(text: &str, tz: chrono_tz::Tz) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let formats = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"];
    let naive = formats
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        });
    let naive = naive.with_context(|| {
        format!("--as-of \"{text}\" is not a time: use 2026-06-20 12:00, 2026-06-20 or RFC 3339")
    })?;
    naive
        .and_local_timezone(tz)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("--as-of \"{text}\" does not exist in {tz}"))
}
