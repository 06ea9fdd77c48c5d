//! Sections 5 to 9: log excerpts, the five whys, the remediation
//! checklist, controls and related references.

use serde::Serialize;

use super::archive::is_overdue;
use super::clock;
use super::logs::{self, LogExcerpt};
use super::view::{Html, Source};
use crate::ledger::{Action, Ledger};
use crate::model::{ActionStatus, ControlOutcome, ControlType, Message};

/// A log excerpt, each line split into its parts.
#[derive(Debug, Clone, Serialize)]
pub struct Excerpt {
    pub title: String,
    /// Whose message it came from, and when.
    pub source: String,
    pub lines: Vec<LogRow>,
}

/// One line of an excerpt.
#[derive(Debug, Clone, Serialize)]
pub struct LogRow {
    /// As written in the log.
    pub time: String,
    pub level: Option<String>,
    /// The colour class of the level.
    pub tone: Option<String>,
    pub component: Option<String>,
    /// May hold continuation lines (a stack trace), joined by newlines.
    pub message: String,
}

/// A link of the five-whys chain.
#[derive(Debug, Clone, Serialize)]
pub struct WhyRow {
    pub n: usize,
    pub html: Html,
    /// `because`, on every link after the first: each answer is the
    /// cause of the one above it.
    pub connector: Option<&'static str>,
}

/// A row of the remediation checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    pub n: u32,
    pub html: Html,
    pub owner: String,
    pub due: String,
    pub status: &'static str,
    pub tone: &'static str,
    /// `overdue by 10 days`, for an open item past its due date.
    pub overdue: Option<String>,
    pub reference: Option<Html>,
}

/// A row of the controls table.
#[derive(Debug, Clone, Serialize)]
pub struct ControlRow {
    pub n: u32,
    pub name: String,
    pub kind: &'static str,
    pub outcome: &'static str,
    pub tone: &'static str,
    pub note: Option<String>,
}

/// A related reference.
#[derive(Debug, Clone, Serialize)]
pub struct LinkRow {
    pub label: String,
    /// A link when the reference is a safe address, else text.
    pub reference: Html,
}

/// Every message's log excerpts, in message order. Messages taken with
/// "Add as log excerpt" are read even when the 80% rule fails.
pub(super) fn excerpts(source: &Source) -> Vec<Excerpt> {
    let mut found = Vec::new();
    for message in &source.dossier.messages {
        let forced = source.ledger.log_messages.contains(&message.id);
        if !forced && !may_hold_log(message) {
            continue;
        }
        let files: Vec<(String, Option<&[u8]>)> = message
            .attachments
            .iter()
            .map(|a| (a.file_name.clone(), a.bytes.as_deref()))
            .collect();
        for excerpt in logs::excerpts_in_message(&message.content, &files, forced) {
            found.push(excerpt_view(source, message, excerpt));
        }
    }
    found
}

/// A cheap test that skips the parse for the many messages with neither
/// a code block nor an attachment.
fn may_hold_log(message: &Message) -> bool {
    message.content.contains("```") || !message.attachments.is_empty()
}

fn excerpt_view(source: &Source, message: &Message, excerpt: LogExcerpt) -> Excerpt {
    let at = source.clock.date_time(message.posted_utc());
    Excerpt {
        title: excerpt.title.unwrap_or_else(|| "Log excerpt".into()),
        source: format!("From {}'s message, {at}", message.author.name),
        lines: excerpt
            .lines
            .into_iter()
            .map(|line| LogRow {
                time: line.time,
                level: line.level.map(|l| l.as_str().to_string()),
                tone: line.level.map(|l| l.css_class().to_string()),
                component: line.component,
                message: line.message,
            })
            .collect(),
    }
}

/// The chain, first link to last.
pub(super) fn whys(source: &Source) -> Vec<WhyRow> {
    let whys = source.ledger.whys.iter().enumerate();
    whys.map(|(i, why)| WhyRow {
        n: i + 1,
        html: source.note(&why.text),
        connector: (i > 0).then_some("because"),
    })
    .collect()
}

/// The checklist, with overdue marks as of the as-of date.
pub(super) fn actions(source: &Source) -> Vec<ActionRow> {
    let actions = source.ledger.actions.iter();
    actions.map(|a| action_row(source, a)).collect()
}

fn action_row(source: &Source, action: &Action) -> ActionRow {
    let (status, tone) = match action.status {
        ActionStatus::Open => ("Open", "open"),
        ActionStatus::Done => ("Done", "done"),
        ActionStatus::WontDo => ("Won't do", "wontdo"),
    };
    let late = (source.today - action.due).num_days();
    ActionRow {
        n: action.n,
        html: source.note(&action.text),
        owner: action.owner.name.clone(),
        due: clock::date(action.due),
        status,
        tone,
        overdue: is_overdue(action, source.today).then(|| match late {
            1 => "overdue by 1 day".to_string(),
            days => format!("overdue by {days} days"),
        }),
        reference: action.reference.as_deref().map(|r| source.note(r)),
    }
}

/// `3 of 5 done · 1 won't do · 1 overdue`; empty with no actions.
pub(super) fn actions_tally(source: &Source) -> String {
    let actions = &source.ledger.actions;
    if actions.is_empty() {
        return String::new();
    }
    let count = |status| actions.iter().filter(|a| a.status == status).count();
    let overdue = actions
        .iter()
        .filter(|a| is_overdue(a, source.today))
        .count();
    let mut parts = vec![format!(
        "{} of {} done",
        count(ActionStatus::Done),
        actions.len()
    )];
    if count(ActionStatus::WontDo) > 0 {
        parts.push(format!("{} won't do", count(ActionStatus::WontDo)));
    }
    if overdue > 0 {
        parts.push(format!("{overdue} overdue"));
    }
    parts.join(" · ")
}

/// The controls table.
pub(super) fn controls(ledger: &Ledger) -> Vec<ControlRow> {
    let controls = ledger.controls.iter();
    controls
        .map(|c| {
            let (outcome, tone) = match c.outcome {
                ControlOutcome::Worked => ("Worked", "worked"),
                ControlOutcome::Missed => ("Missed", "missed"),
                ControlOutcome::Failed => ("Failed", "failed"),
            };
            ControlRow {
                n: c.n,
                name: c.name.clone(),
                kind: match c.kind {
                    ControlType::Preventive => "Preventive",
                    ControlType::Detective => "Detective",
                    ControlType::Containment => "Containment",
                },
                outcome,
                tone,
                note: c.note.clone(),
            }
        })
        .collect()
}

/// Related references; a reference is a link only when it is a safe
/// address.
pub(super) fn links(source: &Source) -> Vec<LinkRow> {
    let links = source.ledger.links.iter();
    links
        .map(|l| LinkRow {
            label: l.label.clone(),
            reference: source.note(&l.reference),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::render::fixture;

    #[test]
    fn an_open_action_past_due_is_marked_overdue() {
        let view = fixture::view_of(&fixture::dossier());
        let overdue: Vec<(u32, Option<&str>)> = view
            .actions
            .iter()
            .map(|a| (a.n, a.overdue.as_deref()))
            .collect();
        assert_eq!(
            overdue,
            [(1, None), (2, Some("overdue by 10 days")), (3, None)]
        );
        assert_eq!(view.actions_tally, "1 of 3 done · 1 overdue");
        assert!(
            fixture::record()
                .html
                .contains("<span class=\"late\">overdue by 10 days</span>")
        );
    }

    #[test]
    fn log_excerpts_are_split_into_their_parts() {
        let view = fixture::view_of(&fixture::dossier());
        let titles: Vec<&str> = view.excerpts.iter().map(|x| x.title.as_str()).collect();
        assert_eq!(
            titles,
            ["reconciliation-check · alert log", "batch-billing.log"]
        );
        let line = &view.excerpts[1].lines[0];
        assert_eq!(line.time, "02:14:52");
        assert_eq!(line.level.as_deref(), Some("ERROR"));
        assert_eq!(line.component.as_deref(), Some("db.pool"));
        assert!(
            fixture::record()
                .html
                .contains("<span class=\"lv level-alert\">ALERT</span>")
        );
    }
}
