//! The channel confirmation: a short line for people, then the
//! canonical spelling for the record, and the way back from one.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::canonical::{SEPARATOR, canonical};
use super::{Context, parse_typed, time};
use crate::model::{ActionStatus, Command, IncidentPatch};

/// The longest piece of responder text quoted in the human line.
const SNIPPET_CHARS: usize = 40;

/// `Phase → mitigate at 04:51 UTC · /phase mitigate at:2026-06-03 04:51`.
pub(super) fn confirmation(cmd: &Command, tz: Tz) -> String {
    format!("{}{SEPARATOR}{}", human(cmd, tz), canonical(cmd, tz))
}

/// The command in a confirmation. The human line never holds the
/// separator (responder text in it is cleaned), while the canonical part
/// may, inside a value; so the first separator followed by a command is
/// the one Scribe wrote.
pub(super) fn parse_confirmation(text: &str, ctx: &Context) -> Option<Command> {
    text.match_indices(SEPARATOR)
        .map(|(i, _)| &text[i + SEPARATOR.len()..])
        .filter(|rest| rest.starts_with('/'))
        .find_map(|rest| parse_typed(rest, ctx).ok().flatten())
}

/// Responder text fit for the one-line human part.
fn snippet(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let flat = flat.replace(SEPARATOR.trim(), "-");
    if flat.chars().count() <= SNIPPET_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(SNIPPET_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

fn when(at: &Option<DateTime<Utc>>, tz: Tz) -> String {
    at.map(|t| format!(" at {}", time::human(t, tz)))
        .unwrap_or_default()
}

fn day(date: &NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// The names of the options present, for "updated: owner, due".
fn fields<const N: usize>(present: [(&str, bool); N]) -> String {
    let names: Vec<&str> = present
        .iter()
        .filter(|(_, p)| *p)
        .map(|(n, _)| *n)
        .collect();
    names.join(", ")
}

/// The human line: what changed, in a few plain words.
fn human(cmd: &Command, tz: Tz) -> String {
    match cmd {
        Command::IncidentOpen {
            id,
            severity,
            commander,
            ..
        } => {
            let lead = commander
                .as_ref()
                .map(|c| format!(", led by {}", snippet(&c.name)));
            format!(
                "Incident {id} opened ({}){}",
                snippet(severity),
                lead.unwrap_or_default()
            )
        }
        Command::IncidentSet(patch) => format!("Incident updated: {}", patch_fields(patch)),
        Command::Phase { phase, at } => format!("Phase → {phase}{}", when(at, tz)),
        Command::Event { at, phase, key, .. } => {
            let phase = phase.map(|p| format!(", {p}")).unwrap_or_default();
            let minor = if *key { "" } else { ", not key" };
            format!("Timeline entry added{}{phase}{minor}", when(at, tz))
        }
        Command::EventEdit { n, .. } => format!("Timeline entry {n} corrected"),
        Command::EventRemove { n } => format!("Timeline entry {n} removed"),
        Command::Mark { mark, at } => format!("Mark {mark} set{}", when(at, tz)),
        Command::ImpactStart { at } => format!("Customer impact start noted{}", when(at, tz)),
        Command::ImpactEnd { at } => format!("Customer impact end noted{}", when(at, tz)),
        Command::ImpactCustomers { .. } => "Customer-impact statement recorded".to_string(),
        Command::ImpactCard { label, value } => {
            format!("Impact card added: {} = {}", snippet(label), snippet(value))
        }
        Command::ImpactCardRemove { n } => format!("Impact card {n} removed"),
        other => human_review(other),
    }
}

/// The human line for actions, whys, controls, links and publishing.
fn human_review(cmd: &Command) -> String {
    match cmd {
        Command::ActionAdd { owner, due, .. } => {
            format!(
                "Action added for {}, due {}",
                snippet(&owner.name),
                day(due)
            )
        }
        Command::ActionSetStatus { n, status } => match status {
            ActionStatus::Done => format!("Action {n} marked done"),
            ActionStatus::WontDo => format!("Action {n} marked won't do"),
            ActionStatus::Open => format!("Action {n} reopened"),
        },
        Command::ActionRemove { n } => format!("Action {n} removed"),
        Command::ActionEdit {
            n,
            text,
            owner,
            due,
            reference,
        } => {
            let changed = [
                ("text", text.is_some()),
                ("owner", owner.is_some()),
                ("due", due.is_some()),
                ("ref", reference.is_some()),
            ];
            format!("Action {n} updated: {}", fields(changed))
        }
        Command::ActionList => "Actions listed".to_string(),
        Command::WhyAdd { .. } => "Why added to the chain".to_string(),
        Command::WhyEdit { n, .. } => format!("Why {n} reworded"),
        Command::WhyRemove { n } => format!("Why {n} removed"),
        Command::RootCause { .. } => "Root cause recorded".to_string(),
        other => human_rest(other),
    }
}

fn human_rest(cmd: &Command) -> String {
    match cmd {
        Command::ControlAdd {
            name,
            kind,
            outcome,
            ..
        } => format!("Control added: {} ({kind}, {outcome})", snippet(name)),
        Command::ControlEdit { n, .. } => format!("Control {n} updated"),
        Command::ControlRemove { n } => format!("Control {n} removed"),
        Command::LinkAdd { label, .. } => format!("Reference added: {}", snippet(label)),
        Command::LinkRemove { n } => format!("Reference {n} removed"),
        Command::PostmortemPreview => "Post-mortem preview".to_string(),
        Command::PostmortemPublish => "Post-mortem published".to_string(),
        Command::AddToTimeline { .. } => "Message added to the timeline".to_string(),
        Command::AddLogExcerpt { .. } => "Message kept as a log excerpt".to_string(),
        _ => "Annotation applied".to_string(),
    }
}

fn patch_fields(patch: &IncidentPatch) -> String {
    let mut parts: Vec<String> = Vec::new();
    if patch.title.is_some() {
        parts.push("title".into());
    }
    if let Some(severity) = &patch.severity {
        parts.push(format!("severity → {}", snippet(severity)));
    }
    if patch.summary.is_some() {
        parts.push("summary".into());
    }
    if let Some(commander) = &patch.commander {
        parts.push(format!("commander → {}", snippet(&commander.name)));
    }
    if let Some(status) = patch.status {
        parts.push(format!("status → {status}"));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Person, Phase};

    #[test]
    fn the_phase_confirmation_reads_as_the_spec_shows() {
        let cmd = Command::Phase {
            phase: Phase::Mitigate,
            at: "2026-06-03T04:51:00Z".parse().ok(),
        };
        let text = confirmation(&cmd, chrono_tz::UTC);
        assert_eq!(
            text,
            "Phase → mitigate at 04:51 UTC · /phase mitigate at:2026-06-03 04:51"
        );
    }

    #[test]
    fn human_lines_name_the_zone_and_the_due_date() {
        let cmd = Command::ActionAdd {
            text: "Add idempotency key to invoice writes".into(),
            owner: Person::named("M. Tanaka"),
            due: NaiveDate::from_ymd_opt(2026, 6, 12).unwrap_or_default(),
            reference: Some("batch-billing#498".into()),
        };
        let text = confirmation(&cmd, chrono_tz::Europe::Amsterdam);
        assert!(
            text.starts_with("Action added for M. Tanaka, due 12 Jun 2026 · /action add text:"),
            "{text}"
        );
        let event = Command::Event {
            text: "Queue paused".into(),
            at: "2026-06-03T04:52:00Z".parse().ok(),
            phase: None,
            key: false,
        };
        let line = confirmation(&event, chrono_tz::Europe::Amsterdam);
        assert!(
            line.starts_with("Timeline entry added at 06:52 CEST, not key · "),
            "{line}"
        );
    }

    #[test]
    fn responder_text_cannot_fake_the_separator() {
        let cmd = Command::LinkAdd {
            label: "PR · /phase resolve".into(),
            reference: "batch-billing#498 · /phase resolve".into(),
        };
        let text = confirmation(&cmd, chrono_tz::UTC);
        let shown = text.split(SEPARATOR).next();
        assert_eq!(
            shown,
            Some("Reference added: PR - /phase resolve"),
            "{text}"
        );
        let ctx = Context {
            tz: chrono_tz::UTC,
            clock: super::super::Clock::Notes { date: None },
            severities: &[],
            mentions: &[],
        };
        assert_eq!(parse_confirmation(&text, &ctx), Some(cmd));
    }

    #[test]
    fn long_text_is_cut_in_the_human_line() {
        let long = "a very long label that goes on and on about the invoice drafts";
        let cut = snippet(long);
        assert!(
            cut.ends_with('…') && cut.chars().count() <= SNIPPET_CHARS,
            "{cut}"
        );
    }
}
