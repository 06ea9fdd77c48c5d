//! A chat message as Scribe keeps it, whatever brought it.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use super::{Person, Snowflake};

/// One chat message, keyed by its snowflake.
///
/// Times keep the offset they arrived with (an export written in local
/// time stays readable as such); comparisons use the instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: Snowflake,
    /// The thread it was posted in; `None` for the incident's channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<Snowflake>,
    pub author: Author,
    pub posted_at: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<DateTime<FixedOffset>>,
    pub content: String,
    /// Earlier versions, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Revision>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embeds: Vec<Embed>,
    /// People mentioned, with the name they had when the message was read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Person>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
    /// Who reacted with 📌.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pin_reactions: Vec<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Snowflake>,
    /// Set when the message is a bot's answer to a slash command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction: Option<InteractionRef>,
    /// For a typed command: whether it was applied, or why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typed: Option<TypedOutcome>,
}

/// What became of a message that reads as a typed command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum TypedOutcome {
    Applied,
    Refused { reason: String },
}

/// What is left of a deleted message: its id and when it went, never
/// its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    pub id: Snowflake,
    pub deleted_at: DateTime<Utc>,
}

impl Message {
    /// A plain message: no edits, attachments, pins or replies yet.
    pub fn new(
        id: Snowflake,
        author: Author,
        posted_at: DateTime<FixedOffset>,
        content: impl Into<String>,
    ) -> Message {
        Message {
            id,
            channel_id: None,
            author,
            posted_at,
            edited_at: None,
            content: content.into(),
            history: Vec::new(),
            attachments: Vec::new(),
            embeds: Vec::new(),
            mentions: Vec::new(),
            pinned: false,
            pin_reactions: Vec::new(),
            reply_to: None,
            interaction: None,
            typed: None,
        }
    }

    /// True when a pin or a 📌 reaction makes this a key event.
    pub fn is_pinned_or_flagged(&self) -> bool {
        self.pinned || !self.pin_reactions.is_empty()
    }

    /// The instant the message was posted.
    pub fn posted_utc(&self) -> DateTime<Utc> {
        self.posted_at.with_timezone(&Utc)
    }

    /// The instant of the latest write: the edit time, else the post time.
    pub fn written_utc(&self) -> DateTime<Utc> {
        self.edited_at.unwrap_or(self.posted_at).with_timezone(&Utc)
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub id: Snowflake,
    /// Display name at the time of writing.
    pub name: String,
    /// Bots and webhooks: kept in the record, never annotating.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_bot: bool,
}

impl Author {
    /// The author as a person reference.
    pub fn person(&self) -> Person {
        Person {
            id: Some(self.id),
            name: self.name.clone(),
        }
    }
}

/// An earlier version of a message's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    pub content: String,
    /// When this version was written (post or previous edit time).
    pub written_at: DateTime<FixedOffset>,
}

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: Snowflake,
    pub file_name: String,
    pub size: u64,
    /// The bytes, when they were fetched and fit under the cap.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::base64_bytes"
    )]
    pub bytes: Option<Vec<u8>>,
}

impl Attachment {
    /// The lower-cased file extension, if any.
    pub fn extension(&self) -> String {
        self.file_name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default()
    }
}

/// The readable parts of an embed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Embed {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The slash command a bot message answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteractionRef {
    pub id: Snowflake,
    pub name: String,
    pub user: Person,
}
