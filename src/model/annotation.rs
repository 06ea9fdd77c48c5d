//! Annotations: every responder command, with who gave it, when, and
//! where it came from.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{
    ActionStatus, ControlOutcome, ControlType, IncidentId, Mark, Person, Phase, Snowflake, Status,
};

/// Where an input came from. The key it gives is what makes a replay,
/// a retry or a re-import change nothing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Origin {
    /// A message typed in the channel (live, history read or export).
    Message { id: Snowflake },
    /// A slash command or message-menu interaction.
    Interaction { id: Snowflake },
    /// A line of a timeline-notes file.
    Notes {
        file: String,
        hash: String,
        occurrence: u32,
    },
}

impl Origin {
    /// The storage key: one per origin, stable across runs.
    pub fn key(&self) -> String {
        match self {
            Origin::Message { id } => format!("msg:{id}"),
            Origin::Interaction { id } => format!("int:{id}"),
            Origin::Notes {
                file,
                hash,
                occurrence,
            } => format!("notes:{file}:{hash}:{occurrence}"),
        }
    }
}

/// One applied command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    pub origin: Origin,
    /// Who gave it; `None` for a notes file, which speaks for the team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<Person>,
    /// When it was given (the message or interaction time; for notes, the
    /// time the line refers to).
    pub given_at: DateTime<Utc>,
    /// Orders annotations given in the same instant (a notes line number).
    #[serde(default)]
    pub seq: u32,
    pub command: Command,
}

impl Annotation {
    /// Replay order: by the moment given, then by sequence and key.
    pub fn order_key(&self) -> (DateTime<Utc>, u32, String) {
        (self.given_at, self.seq, self.origin.key())
    }
}

/// Every command of the annotation language, with times resolved to UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
pub enum Command {
    IncidentOpen {
        id: IncidentId,
        title: String,
        severity: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        commander: Option<Person>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        since: Option<DateTime<Utc>>,
    },
    IncidentSet(IncidentPatch),
    Phase {
        phase: Phase,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<DateTime<Utc>>,
    },
    Event {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phase: Option<Phase>,
        key: bool,
    },
    EventEdit {
        n: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phase: Option<Phase>,
    },
    EventRemove {
        n: u32,
    },
    Mark {
        mark: Mark,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<DateTime<Utc>>,
    },
    ImpactStart {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<DateTime<Utc>>,
    },
    ImpactEnd {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<DateTime<Utc>>,
    },
    ImpactCustomers {
        text: String,
    },
    ImpactCard {
        label: String,
        value: String,
    },
    ImpactCardRemove {
        n: u32,
    },
    ActionAdd {
        text: String,
        owner: Person,
        due: NaiveDate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    ActionSetStatus {
        n: u32,
        status: ActionStatus,
    },
    ActionRemove {
        n: u32,
    },
    ActionEdit {
        n: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<Person>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    ActionList,
    WhyAdd {
        text: String,
    },
    WhyEdit {
        n: u32,
        text: String,
    },
    WhyRemove {
        n: u32,
    },
    RootCause {
        text: String,
    },
    ControlAdd {
        name: String,
        #[serde(rename = "type")]
        kind: ControlType,
        outcome: ControlOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    ControlEdit {
        n: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none", rename = "type")]
        kind: Option<ControlType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<ControlOutcome>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    ControlRemove {
        n: u32,
    },
    LinkAdd {
        label: String,
        reference: String,
    },
    LinkRemove {
        n: u32,
    },
    PostmortemPreview,
    PostmortemPublish,
    /// Message menu "Add to timeline" (also what a pin means).
    AddToTimeline {
        message: Snowflake,
    },
    /// Message menu "Add as log excerpt".
    AddLogExcerpt {
        message: Snowflake,
    },
}

impl Command {
    /// Commands that only answer the caller and change nothing stored.
    pub fn is_query(&self) -> bool {
        matches!(self, Command::ActionList | Command::PostmortemPreview)
    }
}

/// The fields `/incident set` may change; at least one is present.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IncidentPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commander: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}
