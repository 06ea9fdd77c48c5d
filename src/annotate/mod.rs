//! The one parser for every spelling of an annotation: the typed command
//! in chat, a line of a notes file, and (through [`parse_options`]) a
//! slash command's options. All three end in the same [`Command`].

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::model::{Command, Person};

/// What a command is read against.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The incident's zone: bare times are read in it.
    pub tz: Tz,
    pub clock: Clock,
    /// The severities config allows.
    pub severities: &'a [String],
    /// People the message mentions, to resolve `<@id>` in owner and
    /// commander options to a name.
    pub mentions: &'a [Person],
}

/// The moment a command was given, which anchors bare and relative times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// A chat or slash command given at `now`: a bare time is the latest
    /// such time at or before it (up to 5 minutes ahead means today);
    /// relative times (`-15m`) are allowed.
    Chat { now: DateTime<Utc> },
    /// A notes line: a bare time needs a preceding `date:` line.
    Notes { date: Option<NaiveDate> },
}

/// Why a command was refused: what was wrong and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AnnotateError(pub String);

/// Reads a chat message's text. `Ok(None)` when it is not a typed command
/// (first line does not start with `/` and a Scribe command).
pub fn parse_typed(text: &str, ctx: &Context) -> Result<Option<Command>, AnnotateError> {
    let _ = (text, ctx);
    todo!("parser")
}

/// Builds a command from a slash command's path (`["action", "add"]`)
/// and its options as text, through the same checks as the typed form.
pub fn parse_options(
    path: &[&str],
    options: &[(String, String)],
    ctx: &Context,
) -> Result<Command, AnnotateError> {
    let _ = (path, options, ctx);
    todo!("parser")
}

/// The canonical typed spelling, with absolute times in `tz`; parsing it
/// back gives the same command.
pub fn canonical(cmd: &Command, tz: Tz) -> String {
    let _ = (cmd, tz);
    todo!("parser")
}

/// The channel confirmation: a short human line, ` · `, the canonical
/// spelling (`Phase → mitigate at 04:51 UTC · /phase mitigate at:2026-06-03 04:51`).
pub fn confirmation(cmd: &Command, tz: Tz) -> String {
    let _ = (cmd, tz);
    todo!("parser")
}

/// Reads back one of Scribe's own confirmations; `None` if it is not one.
pub fn parse_confirmation(text: &str, ctx: &Context) -> Option<Command> {
    let _ = (text, ctx);
    todo!("parser")
}

/// An IANA zone by name, with an error that says what is accepted.
pub fn zone(name: &str) -> Result<Tz, AnnotateError> {
    name.parse::<Tz>().map_err(|_| {
        AnnotateError(format!(
            "time zone \"{name}\" is not known: use an IANA name like UTC, Europe/Berlin or America/New_York"
        ))
    })
}

/// One command line of a notes file, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct NotesLine {
    /// 1-based line number.
    pub line: u32,
    /// Hex SHA-256 of the line's trimmed text (first 16 hex digits).
    pub text_hash: String,
    /// 0 for the first line with this text in the file, 1 for the next…
    pub occurrence: u32,
    /// The time the line refers to (its own time, else the latest time
    /// or date above it), which orders it among other annotations.
    pub given_at: DateTime<Utc>,
    pub command: Command,
}

/// A notes line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct NotesError {
    pub line: u32,
    pub message: String,
}

/// Reads a whole notes file: `date:` lines, `HH:MM [phase] text` event
/// shorthands, typed commands, `#` comments and blank lines.
pub fn parse_notes(
    text: &str,
    tz: Tz,
    severities: &[String],
) -> (Vec<NotesLine>, Vec<NotesError>) {
    let _ = (text, tz, severities);
    todo!("parser")
}
