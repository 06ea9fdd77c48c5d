//! The timeline: key messages, events, phase changes and marks, each in
//! the phase in force at its time, worked out at render time so that a
//! late `/phase … at:` moves entries correctly.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Ledger;
use crate::model::{Dossier, Mark, Message, Person, Phase, PhaseTag, Snowflake};

/// What a timeline entry comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EntryKind {
    /// A pinned, 📌-flagged or "Add to timeline" message.
    Message {
        id: Snowflake,
    },
    Event {
        n: u32,
    },
    Phase {
        phase: Phase,
    },
    Mark {
        mark: Mark,
    },
    ImpactStart,
    ImpactEnd,
}

/// One row of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub phase: PhaseTag,
    pub author: Option<Person>,
    pub kind: EntryKind,
    /// Chat markdown for messages; plain text otherwise.
    pub text: String,
    /// Key entries stand out; `/event … key:no` ones do not.
    pub key: bool,
}

impl Ledger {
    /// Every timeline entry, in time order.
    pub fn timeline(&self, dossier: &Dossier) -> Vec<TimelineEntry> {
        let mut entries: Vec<TimelineEntry> = dossier
            .messages
            .iter()
            .filter(|m| self.is_key_message(m))
            .map(|m| self.message_entry(m))
            .collect();
        entries.extend(self.events.iter().map(|e| TimelineEntry {
            at: e.at,
            phase: e.phase.map_or_else(|| self.phase_at(e.at), PhaseTag::from),
            author: e.by.clone(),
            kind: EntryKind::Event { n: e.n },
            text: e.text.clone(),
            key: e.key,
        }));
        entries.extend(self.phase_entries());
        entries.extend(self.mark_entries());
        entries.sort_by_key(|e| e.at);
        entries
    }

    /// True when a message is a key event rather than transcript only.
    pub fn is_key_message(&self, message: &Message) -> bool {
        message.is_pinned_or_flagged() || self.key_messages.contains(&message.id)
    }

    fn message_entry(&self, message: &Message) -> TimelineEntry {
        let at = message.posted_utc();
        TimelineEntry {
            at,
            phase: self.phase_at(at),
            author: Some(message.author.person()),
            kind: EntryKind::Message { id: message.id },
            text: message.content.clone(),
            key: true,
        }
    }

    fn phase_entries(&self) -> impl Iterator<Item = TimelineEntry> + '_ {
        self.phases.iter().map(|p| TimelineEntry {
            at: p.at,
            phase: p.phase.into(),
            author: p.by.clone(),
            kind: EntryKind::Phase { phase: p.phase },
            text: format!("Phase → {}", p.phase),
            key: true,
        })
    }

    fn mark_entries(&self) -> Vec<TimelineEntry> {
        let mut entries: Vec<TimelineEntry> = self
            .marks
            .iter()
            .map(|(mark, at)| {
                self.plain_entry(*at, EntryKind::Mark { mark: *mark }, mark_text(*mark))
            })
            .collect();
        if let Some(at) = self.impact_start {
            entries.push(self.plain_entry(at, EntryKind::ImpactStart, "Customer impact began"));
        }
        if let Some(at) = self.impact_end {
            entries.push(self.plain_entry(at, EntryKind::ImpactEnd, "Customer impact ended"));
        }
        entries
    }

    fn plain_entry(&self, at: DateTime<Utc>, kind: EntryKind, text: &str) -> TimelineEntry {
        TimelineEntry {
            at,
            phase: self.phase_at(at),
            author: None,
            kind,
            text: text.to_string(),
            key: true,
        }
    }
}

fn mark_text(mark: Mark) -> &'static str {
    match mark {
        Mark::Started => "Marked: impact started",
        Mark::Detected => "Marked: detected",
        Mark::Acknowledged => "Marked: acknowledged",
        Mark::Mitigated => "Marked: mitigated",
        Mark::Resolved => "Marked: resolved",
    }
}
