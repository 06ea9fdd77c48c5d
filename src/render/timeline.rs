//! Section 4: the timeline rows, the phase filter and where each
//! transcript message falls among the rows when shown in place.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::chat::{self, Body, DayMark, Run, Transcript};
use super::view::{Html, Source, phase_index};
use crate::ledger::{EntryKind, TimelineEntry};
use crate::model::PhaseTag;

/// The timeline with its filter.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub filters: Vec<Filter>,
    pub rows: Vec<Row>,
}

/// A phase filter button: `mitigate 4`.
#[derive(Debug, Clone, Serialize)]
pub struct Filter {
    /// The value the script sets on the page: a phase index, or `all`.
    pub value: String,
    pub label: &'static str,
    pub count: usize,
    /// "all" starts pressed: the page opens unfiltered.
    pub pressed: bool,
}

/// One timeline entry.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub day: Option<DayMark>,
    pub time: String,
    pub datetime: String,
    pub phase: &'static str,
    pub p: usize,
    /// `msg`, `event`, `phase`, `mark` or `impact`: how the row is drawn.
    pub kind: &'static str,
    pub key: bool,
    /// A message's author, who leads the row.
    pub author: Option<String>,
    pub bot: bool,
    /// Who noted an event or declared a phase, shown after the text.
    pub by: Option<String>,
    pub html: Html,
    /// Edits and attachments of a key message.
    pub body: Option<Body>,
    /// How many of the transcript's lists come before this row when the
    /// transcript is shown in place.
    pub n: usize,
}

/// The rows and filter of `entries`; settles which date lines show when
/// the transcript is interleaved.
pub(super) fn timeline(
    source: &Source,
    entries: &[TimelineEntry],
    transcript: &mut Transcript,
) -> Timeline {
    let mut rows: Vec<Row> = Vec::with_capacity(entries.len());
    let mut last_day = None;
    for entry in entries {
        let day = source.clock.day(entry.at);
        let mark = (last_day != Some(day)).then(|| chat::day_mark(source, entry.at));
        last_day = Some(day);
        rows.push(row(source, entry, mark));
    }
    place_transcript(&mut rows, &transcript.runs);
    settle_day_marks(&mut rows, entries, &mut transcript.runs);
    Timeline {
        filters: filters(entries),
        rows,
    }
}

fn row(source: &Source, entry: &TimelineEntry, day: Option<DayMark>) -> Row {
    let message = match entry.kind {
        EntryKind::Message { id } => source.message(id),
        _ => None,
    };
    let (id, html, body) = match (&entry.kind, message) {
        (_, Some(m)) => {
            let mut body = chat::body(source, m);
            let html = std::mem::take(&mut body.html);
            (chat::anchor(m), html, Some(body))
        }
        (EntryKind::Event { n }, None) => (format!("e{n}"), source.note(&entry.text), None),
        (_, None) => (String::new(), source.note(&entry.text), None),
    };
    Row {
        id,
        day,
        time: source.clock.time(entry.at),
        datetime: source.clock.iso(entry.at),
        phase: entry.phase.as_str(),
        p: phase_index(entry.phase),
        kind: kind(&entry.kind),
        key: entry.key,
        author: message.map(|m| m.author.name.clone()),
        bot: message.is_some_and(|m| m.author.is_bot),
        by: entry
            .author
            .as_ref()
            .filter(|_| message.is_none())
            .map(|p| p.name.clone()),
        html,
        body,
        n: 0,
    }
}

fn kind(kind: &EntryKind) -> &'static str {
    match kind {
        EntryKind::Message { .. } => "msg",
        EntryKind::Event { .. } => "event",
        EntryKind::Phase { .. } => "phase",
        EntryKind::Mark { .. } => "mark",
        EntryKind::ImpactStart | EntryKind::ImpactEnd => "impact",
    }
}

/// One button per phase with its count, then "all".
fn filters(entries: &[TimelineEntry]) -> Vec<Filter> {
    let mut filters: Vec<Filter> = PhaseTag::ALL
        .iter()
        .map(|phase| Filter {
            value: phase_index(*phase).to_string(),
            label: phase.as_str(),
            count: entries.iter().filter(|e| e.phase == *phase).count(),
            pressed: false,
        })
        .collect();
    filters.push(Filter {
        value: "all".into(),
        label: "all",
        count: entries.len(),
        pressed: true,
    });
    filters
}

/// Sets each row's `n`: how many of the transcript's lists (runs and
/// their date lines) go before it when the transcript is shown in place.
/// A run goes before the first entry after its slot.
fn place_transcript(rows: &mut [Row], runs: &[Run]) {
    let mut before = 0;
    let mut lists = 0;
    for (i, row) in rows.iter_mut().enumerate() {
        while before < runs.len() && runs[before].slot <= i {
            lists += 1 + usize::from(runs[before].day.is_some());
            before += 1;
        }
        row.n = lists;
    }
}

/// With the transcript in place, each day must open with one date line:
/// the one of whichever list has that day's earliest item. Ties go to
/// the timeline, as [`place_transcript`] puts entries first.
fn settle_day_marks(rows: &mut [Row], entries: &[TimelineEntry], runs: &mut [Run]) {
    let chat_days: BTreeMap<String, (usize, DateTime<Utc>)> = runs
        .iter()
        .enumerate()
        .filter_map(|(i, run)| Some((run.day.as_ref()?.iso.clone(), (i, run.rows.first()?.at))))
        .collect();
    for (row, entry) in rows.iter_mut().zip(entries) {
        let Some(mark) = row.day.as_mut() else {
            continue;
        };
        match chat_days.get(&mark.iso) {
            Some(&(i, at)) if entry.at <= at => {
                if let Some(chat_mark) = runs[i].day.as_mut() {
                    chat_mark.merged_hidden = true;
                }
            }
            Some(_) => mark.merged_hidden = true,
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    #[test]
    fn phase_counts_cover_every_entry() {
        let view = fixture::view_of(&fixture::dossier());
        let counts: Vec<(&str, usize)> = view
            .timeline
            .filters
            .iter()
            .map(|f| (f.label, f.count))
            .collect();
        assert_eq!(
            counts,
            [
                ("lead-up", 4),
                ("detect", 1),
                ("escalate", 3),
                ("mitigate", 4),
                ("resolve", 2),
                ("all", 14)
            ]
        );
        let html = fixture::record().html;
        assert!(html.contains(
            "data-phase=\"3\" aria-pressed=\"false\">mitigate <span class=\"n\">4</span>"
        ));
    }

    #[test]
    fn the_date_shows_where_the_day_changes() {
        let view = fixture::view_of(&fixture::dossier());
        let runs = view.transcript.runs.iter();
        let days: Vec<&str> = runs
            .filter_map(|r| r.day.as_ref())
            .map(|d| d.label.as_str())
            .collect();
        assert_eq!(days, ["3 Jun 2026", "4 Jun 2026", "20 Jun 2026"]);
        let timeline_days = view
            .timeline
            .rows
            .iter()
            .filter(|r| r.day.is_some())
            .count();
        assert_eq!(timeline_days, 1);
        assert_eq!(
            view.timeline.rows[4].time, "04:36",
            "no date on a row of the same day"
        );
        let html = fixture::record().html;
        assert!(html.contains("data-d=\"2026-06-04\">4 Jun 2026"));
    }

    #[test]
    fn each_day_opens_with_one_date_line_when_interleaved() {
        let view = fixture::view_of(&fixture::dossier());
        let first = view.timeline.rows[0].day.as_ref().unwrap();
        assert!(
            !first.merged_hidden,
            "the timeline starts the 3rd, at 02:14"
        );
        let chat: Vec<&DayMark> = view
            .transcript
            .runs
            .iter()
            .filter_map(|r| r.day.as_ref())
            .collect();
        assert!(chat[0].merged_hidden, "its first message is later, 04:36");
        assert!(
            !chat[1].merged_hidden && !chat[2].merged_hidden,
            "days only the transcript has"
        );
    }

    #[test]
    fn timeline_rows_know_where_transcript_items_fall() {
        let view = fixture::view_of(&fixture::dossier());
        let n: Vec<(&str, usize)> = view
            .timeline
            .rows
            .iter()
            .map(|r| (r.time.as_str(), r.n))
            .collect();
        // The 04:36:05 bot alert comes after the 04:36:00 phase change;
        // its run (with the 04:41:10 /incident open) and the date line
        // before it come before the 04:41:30 escalation.
        assert_eq!(n[4], ("04:36", 0));
        assert_eq!(n[5], ("04:41", 2));
        assert_eq!(
            n.last(),
            Some(&("07:14", 6)),
            "all of the 3rd but for its end"
        );
        let slots: Vec<usize> = view.transcript.runs.iter().map(|r| r.slot).collect();
        assert_eq!(slots, [5, 7, 8, 9, 10, 14, 14]);
    }
}
