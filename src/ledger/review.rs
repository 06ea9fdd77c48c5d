//! Preview warnings: what the record still lacks, and wording that
//! points at people rather than at the system.

use super::Ledger;
use crate::model::{Dossier, Person};
use crate::settings::WarningSettings;

/// Everything `/postmortem preview` and `scribe render` warn about.
pub fn review(ledger: &Ledger, dossier: &Dossier, settings: &WarningSettings) -> Vec<String> {
    let mut warnings = missing_parts(ledger, dossier);
    let responders = ledger.responders(dossier);
    for (place, text, names_count) in reviewed_texts(ledger) {
        warnings.extend(blame_in(&place, text, &settings.blame_phrases, &responders));
        if names_count {
            warnings.extend(names_in(&place, text, &responders));
        }
    }
    warnings
}

fn missing_parts(ledger: &Ledger, dossier: &Dossier) -> Vec<String> {
    let mut warnings = Vec::new();
    if ledger.root_cause.is_none() {
        warnings.push("no root cause yet: add one with /rootcause".to_string());
    }
    if ledger.whys.len() < 5 {
        warnings.push(format!(
            "the five-whys chain has {} of 5: add more with /why add",
            ledger.whys.len()
        ));
    }
    for action in &ledger.actions {
        if action.owner.name.trim().is_empty() {
            warnings.push(format!("action {} has no owner", action.n));
        }
    }
    for metric in ledger.metrics() {
        if let Some(reason) = &metric.unknown_because {
            warnings.push(format!(
                "{} is unknown: {reason}",
                metric.name.to_lowercase()
            ));
        }
    }
    let entries = ledger.timeline(dossier).len();
    if entries < 5 {
        warnings.push(format!(
            "the timeline has {entries} entries: pin key messages or add /event lines"
        ));
    }
    warnings
}

/// The texts reviewed for blame, where they are, and whether a
/// responder's name there is itself a warning (whys and root cause).
fn reviewed_texts(ledger: &Ledger) -> Vec<(String, &str, bool)> {
    let mut texts = Vec::new();
    if let Some(summary) = &ledger.summary {
        texts.push(("the summary".to_string(), summary.as_str(), false));
    }
    if let Some(root) = &ledger.root_cause {
        texts.push(("the root cause".to_string(), root.as_str(), true));
    }
    for (i, why) in ledger.whys.iter().enumerate() {
        texts.push((format!("why {}", i + 1), why.text.as_str(), true));
    }
    for action in &ledger.actions {
        texts.push((format!("action {}", action.n), action.text.as_str(), false));
    }
    texts
}

fn blame_in(place: &str, text: &str, phrases: &[String], people: &[Person]) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut found: Vec<String> = phrases
        .iter()
        .filter(|p| contains_words(&lower, &p.to_lowercase()))
        .map(|p| format!("{place} says \"{p}\": describe what the system allowed instead"))
        .collect();
    for person in people {
        let phrase = format!("{} failed to", person.name.to_lowercase());
        if contains_words(&lower, &phrase) {
            found.push(format!(
                "{place} says \"{} failed to\": describe what the system allowed instead",
                person.name
            ));
        }
    }
    found
}

fn names_in(place: &str, text: &str, people: &[Person]) -> Vec<String> {
    let lower = text.to_lowercase();
    people
        .iter()
        .filter(|p| p.name.chars().count() > 2 && contains_words(&lower, &p.name.to_lowercase()))
        .map(|p| {
            format!(
                "{place} names {}: whys and the root cause are about the system",
                p.name
            )
        })
        .collect()
}

/// `needle` occurs in `haystack` with no letter or digit on either side.
fn contains_words(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    haystack.match_indices(needle).any(|(start, _)| {
        let before = haystack[..start].chars().next_back();
        let after = haystack[start + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_whole_words_only() {
        assert!(contains_words("it was human error.", "human error"));
        assert!(!contains_words("default settings", "fault"));
        assert!(contains_words("no fault found", "fault"));
    }
}
