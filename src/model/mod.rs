//! The ground floor: incidents, messages, annotations and their
//! vocabularies. Nothing here knows about storage, rendering or Discord.

mod annotation;
mod ids;
mod message;
mod vocab;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use annotation::{Annotation, Command, IncidentPatch, Origin};
pub use ids::{IncidentId, Snowflake};
pub use message::{
    Attachment, Author, Embed, InteractionRef, Message, Revision, Tombstone, TypedOutcome,
};
pub use vocab::{ActionStatus, ControlOutcome, ControlType, Mark, Phase, PhaseTag, Status};

/// A bad value for one of the model's types.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error(
        "incident id \"{0}\" is not valid: use capital letters or digits, a dash and a number, like INC-2417"
    )]
    IncidentId(String),
    #[error("\"{0}\" is not a Discord id: ids are numbers")]
    Snowflake(String),
    #[error("{what} \"{value}\" is not known: use one of {accepted}")]
    Word {
        what: &'static str,
        value: String,
        accepted: String,
    },
}

/// A person as the record names them: a display name, and their Discord
/// id when one is known (from a message or a mention).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Snowflake>,
}

impl Person {
    /// A person known only by name.
    pub fn named(name: impl Into<String>) -> Person {
        Person {
            name: name.into(),
            id: None,
        }
    }

    /// True when both refer to the same human: same id, else same name.
    pub fn same_as(&self, other: &Person) -> bool {
        match (self.id, other.id) {
            (Some(a), Some(b)) => a == b,
            _ => self.name.eq_ignore_ascii_case(&other.name),
        }
    }
}

/// What Scribe keeps about an incident besides its entries: where it is
/// recorded, its zone, and what has been posted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    /// IANA time zone for reading bare times and for display.
    pub timezone: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Records posted to the channel, one per published version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<Post>,
}

/// The channel an incident is bound to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: Snowflake,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<Snowflake>,
}

/// One published version as posted to the channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    pub version: u32,
    pub message_id: Snowflake,
    pub posted_at: DateTime<Utc>,
}

/// Everything stored about one incident: the shape of the archive JSON
/// (less what is derived) and what the ledger and the renderer read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dossier {
    pub incident: Incident,
    /// Live messages in posting order (ties by id).
    pub messages: Vec<Message>,
    pub tombstones: Vec<Tombstone>,
    /// Applied annotations in replay order.
    pub annotations: Vec<Annotation>,
}

/// Attachment bytes travel as base64 in JSON.
mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => s.serialize_str(&STANDARD.encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| STANDARD.decode(t).map_err(serde::de::Error::custom))
            .transpose()
    }
}
