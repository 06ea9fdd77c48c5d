//! Sources outside Discord's gateway: DiscordChatExporter exports,
//! timeline-notes files, and Scribe's own JSON export or record HTML.
//!
//! Each reader turns its file into model values with their origin and
//! leaves storing them to [`crate::ingest`]:
//!
//! - [`dce`]: a DiscordChatExporter JSON export, streamed message by
//!   message.
//! - [`archive`]: Scribe's `scribe.incident/1` JSON, bare or inside a
//!   record, and [`archive::sniff`], which tells the kinds of file apart.
//! - [`notes`]: a timeline-notes file, as annotations.

pub mod archive;
pub mod dce;
mod error;
pub mod notes;

pub use error::ImportError;

#[cfg(test)]
mod bundled_example;
