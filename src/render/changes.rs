//! The "changed since version N−1" line of a republished record: the
//! ledger as it stood at the previous publication, compared with now.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::ledger::{Action, EntryKind, Ledger, TimelineEntry};
use crate::model::{ActionStatus, Dossier};

/// For version 2 and later, what changed since the version before, as
/// one sentence; `None` for a draft or a first version.
pub fn since_previous(dossier: &Dossier, current: &Ledger) -> Option<String> {
    let version = current.version();
    let previous_at = current.publications.iter().rev().nth(1)?.at;
    let previous = replay_until(dossier, previous_at);
    let mut changes = Vec::new();
    changes.extend(action_changes(&previous, current));
    changes.extend(why_changes(&previous, current));
    changes.extend(text_changes(&previous, current));
    changes.extend(numbered_changes(&previous, current));
    changes.extend(timeline_changes(dossier, &previous, current, previous_at));
    let before = version - 1;
    Some(if changes.is_empty() {
        format!("No changes since version {before}.")
    } else {
        format!("Changed since version {before}: {}.", changes.join("; "))
    })
}

/// The ledger from the annotations given at or before `at`. Replay reads
/// only the incident and the annotations, so no message is copied.
fn replay_until(dossier: &Dossier, at: DateTime<Utc>) -> Ledger {
    let earlier = Dossier {
        incident: dossier.incident.clone(),
        messages: Vec::new(),
        tombstones: Vec::new(),
        annotations: dossier
            .annotations
            .iter()
            .filter(|a| a.given_at <= at)
            .cloned()
            .collect(),
    };
    Ledger::replay(&earlier)
}

fn action_changes(before: &Ledger, now: &Ledger) -> Vec<String> {
    let old: BTreeMap<u32, &Action> = before.actions.iter().map(|a| (a.n, a)).collect();
    let new: BTreeMap<u32, &Action> = now.actions.iter().map(|a| (a.n, a)).collect();
    let open = |a: &Action| a.status == ActionStatus::Open;
    let edited = |o: &Action, a: &Action| {
        (&o.text, &o.owner, o.due, &o.reference) != (&a.text, &a.owner, a.due, &a.reference)
    };
    let changed = |test: &dyn Fn(&Action, &Action) -> bool| -> Vec<u32> {
        let both = new.iter().filter_map(|(n, a)| Some((*n, *old.get(n)?, *a)));
        both.filter(|(_, o, a)| test(o, a))
            .map(|(n, _, _)| n)
            .collect()
    };
    let changes = [
        listed("action", added(&old, &new), "added"),
        listed("action", added(&new, &old), "removed"),
        listed("action", changed(&|o, a| open(o) && !open(a)), "closed"),
        listed("action", changed(&|o, a| !open(o) && open(a)), "reopened"),
        listed("action", changed(&edited), "edited"),
    ];
    changes.into_iter().flatten().collect()
}

fn why_changes(before: &Ledger, now: &Ledger) -> Vec<String> {
    let (old, new) = (&before.whys, &now.whys);
    let common = old.len().min(new.len());
    let revised = (0..common)
        .filter(|i| old[*i].text != new[*i].text)
        .map(|i| i as u32 + 1);
    let mut changes = vec![listed("why", revised.collect(), "revised")];
    let grown = (old.len() + 1..=new.len()).map(|n| n as u32).collect();
    changes.push(listed("why", grown, "added"));
    if old.len() > new.len() {
        changes.push(Some(
            count(old.len() - new.len(), "why", "whys") + " removed",
        ));
    }
    changes.into_iter().flatten().collect()
}

fn text_changes(before: &Ledger, now: &Ledger) -> Vec<String> {
    let fields = [
        ("title", Some(&before.title), Some(&now.title)),
        ("severity", before.severity.as_ref(), now.severity.as_ref()),
        ("summary", before.summary.as_ref(), now.summary.as_ref()),
        (
            "customer-impact statement",
            before.customers.as_ref(),
            now.customers.as_ref(),
        ),
        (
            "root cause",
            before.root_cause.as_ref(),
            now.root_cause.as_ref(),
        ),
    ];
    let mut changes: Vec<String> = fields
        .into_iter()
        .filter_map(|(what, old, new)| match (old, new) {
            (None, Some(_)) => Some(format!("{what} added")),
            (Some(_), None) => Some(format!("{what} removed")),
            (Some(o), Some(n)) if o != n => Some(format!("{what} revised")),
            _ => None,
        })
        .collect();
    if before.commander.as_ref().map(|p| &p.name) != now.commander.as_ref().map(|p| &p.name) {
        changes.push("commander changed".into());
    }
    changes
}

/// Cards, controls and links: added, removed, edited by number.
fn numbered_changes(before: &Ledger, now: &Ledger) -> Vec<String> {
    let cards = |l: &Ledger| {
        l.cards
            .iter()
            .map(|c| (c.n, format!("{}{}", c.label, c.value)))
            .collect()
    };
    let controls = |l: &Ledger| l.controls.iter().map(|c| (c.n, format!("{c:?}"))).collect();
    let links = |l: &Ledger| {
        l.links
            .iter()
            .map(|k| (k.n, format!("{}{}", k.label, k.reference)))
            .collect()
    };
    let mut changes = Vec::new();
    changes.extend(numbered("impact card", cards(before), cards(now)));
    changes.extend(numbered("control", controls(before), controls(now)));
    changes.extend(numbered("link", links(before), links(now)));
    changes
}

fn numbered(what: &str, old: BTreeMap<u32, String>, new: BTreeMap<u32, String>) -> Vec<String> {
    let edited = new
        .iter()
        .filter(|(n, text)| old.get(*n).is_some_and(|o| o != *text));
    let changes = [
        listed(what, added(&old, &new), "added"),
        listed(what, added(&new, &old), "removed"),
        listed(what, edited.map(|(n, _)| *n).collect(), "edited"),
    ];
    changes.into_iter().flatten().collect()
}

/// Entries are matched by what they come from (event number, message
/// id, or kind and time); an event whose text, time or phase moved is
/// revised. Pins are read as they stand now, so a message pinned after
/// the previous version, but posted before it, does not count as added.
fn timeline_changes(
    dossier: &Dossier,
    before: &Ledger,
    now: &Ledger,
    at: DateTime<Utc>,
) -> Vec<String> {
    let mut old = identities(&before.timeline(dossier));
    old.retain(|id, _| !id.starts_with('m'));
    let posted_then = dossier.messages.iter().filter(|m| m.posted_utc() <= at);
    let key_then = posted_then.filter(|m| before.is_key_message(m));
    old.extend(key_then.map(|m| (format!("m{}", m.id), String::new())));
    let new = identities(&now.timeline(dossier));
    let fresh = new.keys().filter(|id| !old.contains_key(*id)).count();
    let gone = old.keys().filter(|id| !new.contains_key(*id)).count();
    let revised = new
        .iter()
        .filter(|(id, shape)| id.starts_with('e') && old.get(*id).is_some_and(|o| o != *shape))
        .count();
    let entries = |n| count(n, "timeline entry", "timeline entries");
    [(fresh, "added"), (gone, "removed"), (revised, "revised")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, how)| format!("{} {how}", entries(n)))
        .collect()
}

fn identities(entries: &[TimelineEntry]) -> BTreeMap<String, String> {
    let identity = |e: &TimelineEntry| match &e.kind {
        EntryKind::Message { id } => format!("m{id}"),
        EntryKind::Event { n } => format!("e{n}"),
        other => format!("x{other:?}@{}", e.at.to_rfc3339()),
    };
    let shape = |e: &TimelineEntry| format!("{}|{:?}|{}", e.at.to_rfc3339(), e.phase, e.text);
    entries.iter().map(|e| (identity(e), shape(e))).collect()
}

fn added<T>(old: &BTreeMap<u32, T>, new: &BTreeMap<u32, T>) -> Vec<u32> {
    new.keys()
        .filter(|n| !old.contains_key(n))
        .copied()
        .collect()
}

/// `action 1 closed`, `actions 1 and 3 closed`, `whys 4, 5 and 6 added`.
fn listed(what: &str, numbers: Vec<u32>, how: &str) -> Option<String> {
    let (last, rest) = numbers.split_last()?;
    let noun = if rest.is_empty() {
        what.to_string()
    } else {
        format!("{what}s")
    };
    let list = match rest {
        [] => last.to_string(),
        _ => {
            let head: Vec<String> = rest.iter().map(u32::to_string).collect();
            format!("{} and {last}", head.join(", "))
        }
    };
    Some(format!("{noun} {list} {how}"))
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use crate::model::Command;
    use crate::render::fixture;

    #[test]
    fn a_second_version_says_what_changed_since_the_first() {
        let dossier = fixture::dossier();
        let view = fixture::view_of(&dossier);
        assert_eq!(
            view.header.version,
            "Version 2 · as of 20 Jun 2026 12:00 UTC"
        );
        assert_eq!(
            view.header.changes.as_deref(),
            Some(
                "Changed since version 1: action 1 closed; whys 4 and 5 added; control 3 added; \
                 link 3 added; 1 timeline entry added."
            )
        );
    }

    #[test]
    fn first_versions_and_drafts_have_no_change_line() {
        let mut dossier = fixture::dossier();
        let publish =
            |a: &crate::model::Annotation| matches!(a.command, Command::PostmortemPublish);
        let last = dossier.annotations.iter().rposition(publish).unwrap();
        dossier.annotations.remove(last);
        let view = fixture::view_of(&dossier);
        assert_eq!(
            (view.header.version.as_str(), view.header.changes.as_deref()),
            ("Version 1 · as of 20 Jun 2026 12:00 UTC", None)
        );
        dossier.annotations.retain(|a| !publish(a));
        let view = fixture::view_of(&dossier);
        assert!(view.header.version.starts_with("Draft · as of"));
    }
}
