//! Scribe, the incident scribe.
//!
//! Data flows one way, from the edges down to the model:
//!
//! - [`import`]: DiscordChatExporter exports, notes files and Scribe's own
//!   exports become [`ingest::Input`]s with their origin.
//! - [`ingest`]: the single write path (keys, edits, tombstones,
//!   redaction, flush) on top of [`store`], the typed sled store.
//! - [`annotate`]: the one parser for every spelling of a command, and the
//!   time rules.
//! - [`ledger`]: replays an incident's annotations into its current state
//!   (actions, whys, phases, marks) and computes what the record derives.
//! - [`render`]: the view and the templates of the HTML record, and the
//!   archive JSON.
//! - [`model`]: incidents, messages, annotations, origins.
//! - [`settings`]: typed, layered configuration.
//! - [`cli`]: the operator commands behind `scribe`.
//! - `discord` (feature `discord`): the bot behind `scribe run`, the
//!   only module that names serenity and poise.
//! - [`synth`]: generated incidents for benchmarks.
//!
//! The typed spelling of a command and its canonical form:
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use scribe::annotate::{self, Context};
//! use scribe::model::{Command, Phase};
//!
//! let now = Utc.with_ymd_and_hms(2026, 6, 3, 5, 0, 0).unwrap();
//! let severities = ["SEV-2".to_string()];
//! let ctx = Context::chat(chrono_tz::UTC, now, &severities, &[]);
//! let command = annotate::parse_typed("/phase mitigate at:04:51", &ctx)
//!     .unwrap()
//!     .unwrap();
//! assert!(matches!(command, Command::Phase { phase: Phase::Mitigate, .. }));
//! assert_eq!(
//!     annotate::canonical(&command, chrono_tz::UTC),
//!     "/phase mitigate at:2026-06-03 04:51"
//! );
//! ```

pub mod annotate;
pub mod cli;
#[cfg(feature = "discord")]
pub mod discord;
pub mod import;
pub mod ingest;
pub mod ledger;
pub mod model;
pub mod render;
pub mod settings;
pub mod store;
pub mod synth;
