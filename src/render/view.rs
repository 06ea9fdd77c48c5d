//! The view: everything the record shows, computed and formatted, so the
//! template only lays it out (loops and ifs, no arithmetic, no dates).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Serialize, Serializer};

use super::chat::{self, Transcript};
use super::clock::{self, Clock};
use super::sections::{self, ActionRow, ControlRow, Excerpt, LinkRow, WhyRow};
use super::timeline::{self, Timeline};
use super::{changes, markdown};
use crate::ledger::{Ledger, Metric, MetricKind};
use crate::model::{Dossier, Mark, Message, PhaseTag, Snowflake, Status};
use crate::settings::Settings;

/// HTML that this module assembled from escaped pieces, so the template
/// may print it as is. Chat text only gets here through
/// [`markdown::to_html`] or [`markdown::escape`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Html(String);

impl Html {
    /// Wraps HTML this crate built; never call it on unescaped input.
    pub(super) fn trusted(html: String) -> Html {
        Html(html)
    }

    /// The markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for Html {
    /// Inside minijinja the value arrives marked safe; anywhere else
    /// (snapshots, JSON) it is an ordinary string.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        minijinja::Value::from_safe_string(self.0.clone()).serialize(s)
    }
}

/// Everything the record shows, in section order.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub header: Header,
    /// Customer impact first, then the operators' cards.
    pub impact: Vec<Card>,
    pub metrics: Vec<Card>,
    pub summary: Option<Html>,
    pub customers: Option<Html>,
    pub timeline: Timeline,
    pub excerpts: Vec<Excerpt>,
    pub root_cause: Option<Html>,
    pub whys: Vec<WhyRow>,
    pub actions: Vec<ActionRow>,
    /// `3 of 5 done · 1 overdue`.
    pub actions_tally: String,
    pub controls: Vec<ControlRow>,
    pub links: Vec<LinkRow>,
    pub blameless: String,
    pub transcript: Transcript,
}

/// Section 1: what incident this is and which version of its record.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub status: &'static str,
    pub span: String,
    pub zone: &'static str,
    pub channel: Option<String>,
    pub responders: Vec<Responder>,
    /// `Version 2 · as of 20 Jun 2026 12:00 UTC`, or `Draft · as of …`.
    pub version: String,
    /// What changed since the previous version, from version 2 on.
    pub changes: Option<String>,
}

/// A responder as the header lists them.
#[derive(Debug, Clone, Serialize)]
pub struct Responder {
    pub name: String,
    pub commander: bool,
}

/// An impact or metric card.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub label: String,
    pub value: String,
    /// The window, the definition, or why the value is unknown.
    pub note: Option<String>,
    pub unknown: bool,
}

/// What every part of the view is built from.
pub(super) struct Source<'a> {
    pub dossier: &'a Dossier,
    pub ledger: &'a Ledger,
    pub clock: Clock,
    /// The as-of date in the incident's zone.
    pub today: NaiveDate,
    /// Every name a Discord id is known by, for mentions in annotation
    /// text (messages resolve their own mentions).
    pub names: BTreeMap<String, String>,
    /// Where each live message sits in the dossier.
    pub index: BTreeMap<Snowflake, usize>,
    pub image_cap: u64,
}

impl Source<'_> {
    /// Chat text of `message`, its mentions resolved to the names
    /// recorded with it.
    pub fn chat(&self, message: &Message, text: &str) -> Html {
        let users = |id: &str| {
            let mention = message
                .mentions
                .iter()
                .find(|p| p.id.is_some_and(|s| s.to_string() == id));
            mention.map(|p| p.name.clone())
        };
        self.markdown(text, &users)
    }

    /// Text given in an annotation, which may carry chat markup too.
    pub fn note(&self, text: &str) -> Html {
        self.markdown(text, &|id: &str| self.names.get(id).cloned())
    }

    fn markdown(&self, text: &str, users: &dyn Fn(&str) -> Option<String>) -> Html {
        let time = |at: DateTime<Utc>| self.clock.date_time(at);
        let names = markdown::Names { users, time: &time };
        Html::trusted(markdown::to_html(text, &names))
    }

    /// The message with this id, if it is live.
    pub fn message(&self, id: Snowflake) -> Option<&Message> {
        self.index.get(&id).map(|i| &self.dossier.messages[*i])
    }
}

/// Builds the view of `dossier` as of `as_of`. An incident whose zone is
/// not a known IANA name is shown in UTC; [`super::record`] refuses it
/// before it gets here.
pub fn view(dossier: &Dossier, ledger: &Ledger, settings: &Settings, as_of: DateTime<Utc>) -> View {
    let tz = crate::annotate::zone(&dossier.incident.timezone).unwrap_or(chrono_tz::UTC);
    let clock = Clock::new(tz);
    let source = Source {
        dossier,
        ledger,
        clock,
        today: clock.day(as_of),
        names: known_names(dossier),
        index: dossier
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id, i))
            .collect(),
        image_cap: settings.record.inline_image_max_bytes,
    };
    let entries = ledger.timeline(dossier);
    let mut transcript = chat::transcript(&source, &entries);
    let timeline = timeline::timeline(&source, &entries, &mut transcript);
    View {
        header: header(&source, &entries, as_of),
        impact: impact_cards(&source),
        metrics: metric_cards(ledger),
        summary: ledger.summary.as_deref().map(|s| source.note(s)),
        customers: ledger.customers.as_deref().map(|s| source.note(s)),
        timeline,
        excerpts: sections::excerpts(&source),
        root_cause: ledger.root_cause.as_deref().map(|s| source.note(s)),
        whys: sections::whys(&source),
        actions: sections::actions(&source),
        actions_tally: sections::actions_tally(&source),
        controls: sections::controls(ledger),
        links: sections::links(&source),
        blameless: settings.record.blameless_statement.clone(),
        transcript,
    }
}

/// Every id → name pair the dossier knows, the latest name winning.
fn known_names(dossier: &Dossier) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for m in &dossier.messages {
        names.insert(m.author.id.to_string(), m.author.name.clone());
        for p in &m.mentions {
            if let Some(id) = p.id {
                names.insert(id.to_string(), p.name.clone());
            }
        }
    }
    names
}

fn header(
    source: &Source,
    entries: &[crate::ledger::TimelineEntry],
    as_of: DateTime<Utc>,
) -> Header {
    let ledger = source.ledger;
    let channel = source.dossier.incident.channel.as_ref();
    Header {
        id: ledger.id.to_string(),
        title: ledger.title.clone(),
        severity: ledger
            .severity
            .clone()
            .unwrap_or_else(|| "Severity not set".into()),
        status: match ledger.status {
            Status::Active => "Active",
            Status::Published => "Published",
        },
        span: span(source, entries),
        zone: source.clock.zone_name(),
        channel: channel
            .filter(|c| !c.name.is_empty())
            .map(|c| format!("#{}", c.name)),
        responders: responders(source),
        version: version_line(ledger.version(), source.clock.stamp(as_of)),
        changes: changes::since_previous(source.dossier, ledger),
    }
}

fn version_line(version: u32, as_of: String) -> String {
    match version {
        0 => format!("Draft · as of {as_of}"),
        n => format!("Version {n} · as of {as_of}"),
    }
}

fn responders(source: &Source) -> Vec<Responder> {
    let commander = source.ledger.commander.as_ref();
    let people = source.ledger.responders(source.dossier);
    people
        .into_iter()
        .map(|p| Responder {
            commander: commander.is_some_and(|c| c.same_as(&p)),
            name: p.name,
        })
        .collect()
}

/// From the start of impact or the first entry, whichever is earlier, to
/// the resolved mark, else the last entry; the date is written once when
/// the span stays within a day.
fn span(source: &Source, entries: &[crate::ledger::TimelineEntry]) -> String {
    let ledger = source.ledger;
    let first = entries.first().map(|e| e.at);
    let start = [first, ledger.mark(Mark::Started)]
        .into_iter()
        .flatten()
        .min();
    let end = ledger.mark(Mark::Resolved).or(entries.last().map(|e| e.at));
    let clock = source.clock;
    match (start, end) {
        (Some(s), Some(e)) if clock.day(s) == clock.day(e) => {
            format!("{}, {}–{}", clock.date(s), clock.time(s), clock.time(e))
        }
        (Some(s), Some(e)) => format!("{} – {}", clock.date_time(s), clock.date_time(e)),
        _ => clock.date(source.dossier.incident.created_at),
    }
}

/// The impact window (`/impact start` to `/impact end`), then each
/// `/impact card`.
fn impact_cards(source: &Source) -> Vec<Card> {
    let ledger = source.ledger;
    let metric = ledger
        .metrics()
        .into_iter()
        .find(|m| m.kind == MetricKind::CustomerImpact);
    let window = match (ledger.impact_start, ledger.impact_end) {
        (Some(s), Some(e)) => Some(format!("{}–{}", source.clock.time(s), source.clock.time(e))),
        _ => None,
    };
    // Named for the window rather than "customer impact": operators
    // often add a card saying whether customers were affected at all.
    let mut cards: Vec<Card> = metric
        .into_iter()
        .map(|m| Card {
            label: "Impact window".into(),
            ..metric_card(m, window.clone())
        })
        .collect();
    cards.extend(ledger.cards.iter().map(|c| Card {
        label: c.label.clone(),
        value: c.value.clone(),
        note: None,
        unknown: false,
    }));
    cards
}

/// The five time metrics, each with its definition.
fn metric_cards(ledger: &Ledger) -> Vec<Card> {
    let metrics = ledger.metrics().into_iter();
    metrics
        .filter(|m| m.kind != MetricKind::CustomerImpact)
        .map(|m| {
            let definition = Some(m.definition.to_string());
            metric_card(m, definition)
        })
        .collect()
}

/// A known metric shows its duration and `note`; an unknown one says
/// why, since nothing is guessed.
fn metric_card(metric: Metric, note: Option<String>) -> Card {
    match (metric.seconds, metric.unknown_because) {
        (Some(seconds), _) => Card {
            label: metric.name.to_string(),
            value: clock::duration(seconds),
            note,
            unknown: false,
        },
        (None, reason) => Card {
            label: metric.name.to_string(),
            value: "unknown".into(),
            note: Some(match reason {
                Some(r) => format!("{} Unknown because {r}.", metric.definition),
                None => metric.definition.to_string(),
            }),
            unknown: true,
        },
    }
}

/// The index of a phase among the filter buttons (lead-up is 0).
pub(super) fn phase_index(phase: PhaseTag) -> usize {
    PhaseTag::ALL.iter().position(|p| *p == phase).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use crate::model::{Command, Phase};
    use crate::render::fixture;

    #[test]
    fn metrics_show_durations_and_say_why_one_is_unknown() {
        let mut dossier = fixture::dossier();
        let view = fixture::view_of(&dossier);
        let detect = &view.metrics[0];
        assert_eq!(
            (detect.label.as_str(), detect.value.as_str()),
            ("Time to detect", "2 h 21 min")
        );
        assert!(
            detect
                .note
                .as_deref()
                .unwrap()
                .contains("From the start of impact")
        );
        assert_eq!(view.impact[0].value, "3 h 26 min");
        assert_eq!(view.impact[0].note.as_deref(), Some("02:15–05:41"));

        dossier
            .annotations
            .retain(|a| !matches!(a.command, Command::Mark { .. } | Command::ImpactEnd { .. }));
        dossier.annotations.retain(|a| {
            !matches!(
                a.command,
                Command::Phase {
                    phase: Phase::Resolve,
                    ..
                }
            )
        });
        let view = fixture::view_of(&dossier);
        let resolve = view
            .metrics
            .iter()
            .find(|m| m.label == "Time to resolve")
            .unwrap();
        assert_eq!(resolve.value, "unknown");
        assert!(resolve.unknown);
        assert!(
            resolve
                .note
                .as_deref()
                .unwrap()
                .ends_with("Unknown because the resolved mark is not set.")
        );
        assert_eq!(view.impact[0].value, "unknown");
    }
}
