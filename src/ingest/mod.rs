//! The single write path. Every source hands [`Input`]s here; ingest
//! keys them, merges edits, leaves tombstones, turns typed commands and
//! Scribe's own confirmations into annotations, redacts secrets, and
//! writes through [`crate::store`], flushed before it reports success.

use chrono::{DateTime, Utc};

use crate::model::{Annotation, Channel, Person, Snowflake};

/// One thing that happened, from any source, already in model terms.
#[derive(Debug, Clone)]
pub enum Input {
    /// A message as read (gateway, history, export): upserted by id; a
    /// newer `edited_at` is an edit, an older write is ignored.
    Message(crate::model::Message),
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
