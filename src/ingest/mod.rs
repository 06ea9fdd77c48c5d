//! The single write path. Every source hands [`Input`]s here; ingest
//! keys them, merges edits, leaves tombstones, turns typed commands and
//! Scribe's own confirmations into annotations, redacts secrets, and
//! writes through [`crate::store`], flushed before it reports success.

mod batch;
mod recorder;
pub mod redact;
mod working;

pub use recorder::Recorder;

use chrono::{DateTime, Utc};

use crate::model::{Annotation, Channel, Person, Snowflake};

/// One thing that happened, from any source, already in model terms.
#[derive(Debug, Clone)]
pub enum Input {
    /// A message as read (gateway, history, export): upserted by id; a
    /// newer `edited_at` is an edit, an older write is ignored.
    Message(crate::model::Message),
    /// A message from a human who may not annotate: recorded as chat;
    /// what reads as a command in it is never applied.
    Overheard(crate::model::Message),
    /// A message was deleted: it becomes a tombstone.
    Deleted { id: Snowflake, at: DateTime<Utc> },
    /// A pin was added or removed.
    Pin { id: Snowflake, pinned: bool },
    /// A 📌 reaction was added or removed.
    PinReaction {
        id: Snowflake,
        user: Person,
        added: bool,
    },
    /// A command from an interaction or a notes line, already parsed.
    Command(Annotation),
    /// All the command lines of one notes file: replaces what an earlier
    /// import of the same file name brought.
    NotesFile {
        file: String,
        annotations: Vec<Annotation>,
    },
    /// Where the incident is recorded.
    Channel(Channel),
}

impl Input {
    /// The message this input carries, if it carries one whole.
    pub fn message(&self) -> Option<&crate::model::Message> {
        match self {
            Input::Message(m) | Input::Overheard(m) => Some(m),
            _ => None,
        }
    }
}

/// Why a batch could not be written.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("incident {0} is not stored: open it with /incident open or import it first")]
    UnknownIncident(crate::model::IncidentId),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("configuration: {0}")]
    Config(String),
}

/// What a batch did, for `scribe import` to print and the bot to answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub incident: Option<crate::model::IncidentId>,
    pub messages_added: usize,
    pub messages_edited: usize,
    /// Same write seen again with new pin or reaction state.
    pub messages_updated: usize,
    pub messages_unchanged: usize,
    /// Older writes and messages already deleted.
    pub messages_ignored: usize,
    pub messages_deleted: usize,
    pub annotations_applied: usize,
    pub annotations_unchanged: usize,
    pub annotations_withdrawn: usize,
    /// The annotations applied, for the bot to confirm (live batches
    /// only; an import reports counts).
    pub applied: Vec<Annotation>,
    pub refused: Vec<Refusal>,
    /// The published version count after the batch.
    pub version: u32,
}

impl Report {
    fn new(id: crate::model::IncidentId) -> Report {
        Report {
            incident: Some(id),
            ..Report::default()
        }
    }

    /// True when the batch changed nothing stored.
    pub fn changed_nothing(&self) -> bool {
        self.messages_added
            + self.messages_edited
            + self.messages_updated
            + self.messages_deleted
            + self.annotations_applied
            + self.annotations_withdrawn
            == 0
    }
}

/// A command that was not applied, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The origin key of the command.
    pub origin: String,
    pub author: Option<String>,
    pub at: Option<DateTime<Utc>>,
    /// The first line of the message, already redacted.
    pub text: String,
    pub reason: String,
}
