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
//! - [`synth`]: generated incidents for benchmarks.

pub mod annotate;
pub mod cli;
pub mod import;
pub mod ingest;
pub mod ledger;
pub mod model;
pub mod render;
pub mod settings;
pub mod store;
pub mod synth;
