//! Replays an incident's annotations, in order, into its current state:
//! fields, phases, events, marks, cards, actions, whys, controls, links.
//! The same replay checks a new command against that state before it is
//! stored, so `/why edit 9` with three whys is refused with a reason.

mod apply;
mod metrics;
mod review;
mod timeline;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::model::{
    ActionStatus, Annotation, ControlOutcome, ControlType, Dossier, Incident, IncidentId, Mark,
    Person, Phase, PhaseTag, Snowflake, Status,
};

pub use metrics::{Metric, MetricKind};
pub use review::review;
pub use timeline::{EntryKind, TimelineEntry};

/// Why an annotation cannot apply to the incident as it stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ApplyError(pub String);

/// The incident as its annotations have made it.
#[derive(Debug, Clone, Serialize)]
pub struct Ledger {
    pub id: IncidentId,
    pub title: String,
    pub severity: Option<String>,
    pub status: Status,
    pub summary: Option<String>,
    pub commander: Option<Person>,
    pub customers: Option<String>,
    pub root_cause: Option<String>,
    /// Where recording starts, when `/incident open` gave `since`.
    pub since: Option<DateTime<Utc>>,
    /// Phase changes in time order.
    pub phases: Vec<PhaseChange>,
    pub events: Vec<Event>,
    /// Marks set explicitly with `/mark`.
    pub marks: BTreeMap<Mark, DateTime<Utc>>,
    pub impact_start: Option<DateTime<Utc>>,
    pub impact_end: Option<DateTime<Utc>>,
    pub cards: Vec<Card>,
    pub actions: Vec<Action>,
    pub whys: Vec<Why>,
    pub controls: Vec<Control>,
    pub links: Vec<Link>,
    /// Messages made key events through the "Add to timeline" menu.
    pub key_messages: BTreeSet<Snowflake>,
    /// Messages taken as log excerpts through the message menu.
    pub log_messages: BTreeSet<Snowflake>,
    pub publications: Vec<Publication>,
    /// Stored annotations that no longer apply (an earlier one they
    /// depended on was withdrawn), with the reason.
    pub skipped: Vec<Skipped>,
    counters: Counters,
}

/// The next number of each numbered list; numbers are never reused.
#[derive(Debug, Clone, Default, Serialize)]
struct Counters {
    event: u32,
    card: u32,
    action: u32,
    control: u32,
    link: u32,
}

/// A `/phase` declaration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseChange {
    pub phase: Phase,
    pub at: DateTime<Utc>,
    pub by: Option<Person>,
}

/// A `/event` timeline entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub n: u32,
    pub text: String,
    pub at: DateTime<Utc>,
    pub phase: Option<Phase>,
    pub key: bool,
    pub by: Option<Person>,
}

/// An impact card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Card {
    pub n: u32,
    pub label: String,
    pub value: String,
}

/// A remediation item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    pub n: u32,
    pub text: String,
    pub owner: Person,
    pub due: NaiveDate,
    pub reference: Option<String>,
    pub status: ActionStatus,
    pub added_by: Option<Person>,
    /// When the status last changed to done or won't do.
    pub closed_at: Option<DateTime<Utc>>,
}

/// A link of the five-whys chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Why {
    pub text: String,
    pub by: Option<Person>,
}

/// A row of the controls table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Control {
    pub n: u32,
    pub name: String,
    pub kind: ControlType,
    pub outcome: ControlOutcome,
    pub note: Option<String>,
}

/// A related reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub n: u32,
    pub label: String,
    pub reference: String,
}

/// One `/postmortem publish`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Publication {
    pub version: u32,
    pub at: DateTime<Utc>,
    pub by: Option<Person>,
}

/// An annotation the replay had to pass over.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub key: String,
    pub reason: String,
}

impl Ledger {
    /// An incident with nothing recorded yet.
    pub fn new(id: IncidentId) -> Ledger {
        Ledger {
            title: id.to_string(),
            id,
            severity: None,
            status: Status::Active,
            summary: None,
            commander: None,
            customers: None,
            root_cause: None,
            since: None,
            phases: Vec::new(),
            events: Vec::new(),
            marks: BTreeMap::new(),
            impact_start: None,
            impact_end: None,
            cards: Vec::new(),
            actions: Vec::new(),
            whys: Vec::new(),
            controls: Vec::new(),
            links: Vec::new(),
            key_messages: BTreeSet::new(),
            log_messages: BTreeSet::new(),
            publications: Vec::new(),
            skipped: Vec::new(),
            counters: Counters::default(),
        }
    }

    /// Replays every annotation of `dossier` in order. One that no longer
    /// applies is passed over and listed in `skipped`.
    pub fn replay(dossier: &Dossier) -> Ledger {
        Ledger::rebuild(&dossier.incident, dossier.annotations.iter())
    }

    /// Replays `annotations` (in any order: they are sorted here) for the
    /// incident `incident`.
    pub fn rebuild<'a>(
        incident: &Incident,
        annotations: impl Iterator<Item = &'a Annotation>,
    ) -> Ledger {
        let mut ledger = Ledger::new(incident.id.clone());
        if let Some(channel) = &incident.channel {
            ledger.title = channel
                .topic
                .clone()
                .unwrap_or_else(|| channel.name.clone());
        }
        let mut ordered: Vec<&Annotation> = annotations.collect();
        ordered.sort_by_key(|a| a.order_key());
        for annotation in ordered {
            if let Err(e) = ledger.apply(annotation) {
                ledger.skipped.push(Skipped {
                    key: annotation.origin.key(),
                    reason: e.0,
                });
            }
        }
        ledger
    }

    /// The mark's time: set by `/mark`, else its default (SPEC: started
    /// is the impact start; the others the first `/phase` of their kind).
    pub fn mark(&self, mark: Mark) -> Option<DateTime<Utc>> {
        if let Some(at) = self.marks.get(&mark) {
            return Some(*at);
        }
        match mark.default_phase() {
            None => self.impact_start,
            Some(phase) => self.first_phase(phase),
        }
    }

    fn first_phase(&self, phase: Phase) -> Option<DateTime<Utc>> {
        self.phases
            .iter()
            .filter(|p| p.phase == phase)
            .map(|p| p.at)
            .min()
    }

    /// The phase in force at `at`: the latest `/phase` at or before it.
    pub fn phase_at(&self, at: DateTime<Utc>) -> PhaseTag {
        self.phases
            .iter()
            .filter(|p| p.at <= at)
            .max_by_key(|p| p.at)
            .map_or(PhaseTag::LeadUp, |p| p.phase.into())
    }

    /// The published version count.
    pub fn version(&self) -> u32 {
        self.publications.len() as u32
    }

    /// The human authors of messages and annotations, commander first,
    /// then in order of first appearance.
    pub fn responders(&self, dossier: &Dossier) -> Vec<Person> {
        let mut people: Vec<Person> = self.commander.iter().cloned().collect();
        let authors = dossier
            .messages
            .iter()
            .filter(|m| !m.author.is_bot)
            .map(|m| (m.posted_utc(), m.author.person()))
            .chain(dossier.annotations.iter().filter_map(|a| {
                let author = a.author.clone()?;
                Some((a.given_at, author))
            }));
        let mut authors: Vec<(DateTime<Utc>, Person)> = authors.collect();
        authors.sort_by_key(|(at, _)| *at);
        for (_, person) in authors {
            if !people.iter().any(|p| p.same_as(&person)) {
                people.push(person);
            }
        }
        people
    }
}

#[cfg(test)]
mod tests;
