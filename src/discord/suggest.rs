//! Autocomplete: item numbers with their text, and severities, so a
//! responder picks `3 · Add idempotency key…` instead of remembering it.

use crate::ledger::Ledger;

/// Discord shows at most this many suggestions.
const MAX_CHOICES: usize = 25;
/// Discord cuts a choice's name at this many characters.
const NAME_MAX: usize = 100;

/// One suggestion: what is shown and the value it fills in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice<V> {
    /// What the responder sees.
    pub name: String,
    /// What the option gets.
    pub value: V,
}

/// The items `n` can name under the command `path`, whose number or
/// text contains `typed`, newest first.
pub fn numbers(ledger: &Ledger, path: &[String], typed: &str) -> Vec<Choice<u32>> {
    let items = items(ledger, path.first().map(String::as_str), path.get(1));
    let typed = typed.trim().to_lowercase();
    items
        .into_iter()
        .rev()
        .filter(|(n, text)| {
            typed.is_empty() || n.to_string() == typed || text.to_lowercase().contains(&typed)
        })
        .take(MAX_CHOICES)
        .map(|(n, text)| Choice {
            name: shorten(&format!("{n} · {text}")),
            value: n,
        })
        .collect()
}

/// Every numbered item of the list the command works on.
fn items(ledger: &Ledger, word: Option<&str>, sub: Option<&String>) -> Vec<(u32, String)> {
    match word {
        Some("action") => ledger
            .actions
            .iter()
            .map(|a| (a.n, format!("{} ({})", a.text, a.status.as_str())))
            .collect(),
        Some("why") => (1..)
            .zip(ledger.whys.iter().map(|w| w.text.clone()))
            .collect(),
        Some("event") => ledger
            .events
            .iter()
            .map(|e| (e.n, e.text.clone()))
            .collect(),
        Some("control") => ledger
            .controls
            .iter()
            .map(|c| (c.n, c.name.clone()))
            .collect(),
        Some("link") => ledger
            .links
            .iter()
            .map(|l| (l.n, l.label.clone()))
            .collect(),
        Some("impact") if sub.is_some_and(|s| s == "card") => ledger
            .cards
            .iter()
            .map(|c| (c.n, format!("{}: {}", c.label, c.value)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The configured severities that start with what was typed.
pub fn severities(all: &[String], typed: &str) -> Vec<Choice<String>> {
    let typed = typed.trim().to_lowercase();
    all.iter()
        .filter(|s| s.to_lowercase().starts_with(&typed))
        .take(MAX_CHOICES)
        .map(|s| Choice {
            name: s.clone(),
            value: s.clone(),
        })
        .collect()
}

fn shorten(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= NAME_MAX {
        return line.to_string();
    }
    let mut short: String = line.chars().take(NAME_MAX - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Action, Why};
    use crate::model::{ActionStatus, Person};

    fn ledger() -> Ledger {
        let mut ledger = Ledger::new("INC-2417".parse().unwrap());
        for (n, text) in [(1, "Add idempotency key"), (2, "Alert on duplicate drafts")] {
            ledger.actions.push(Action {
                n,
                text: text.into(),
                owner: Person::named("M. Tanaka"),
                due: "2026-06-12".parse().unwrap(),
                reference: None,
                status: ActionStatus::Open,
                added_by: None,
                closed_at: None,
            });
        }
        ledger.whys.push(Why {
            text: "the retry re-ran the batch".repeat(10),
            by: None,
        });
        ledger
    }

    fn path(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn action_numbers_come_with_their_text_newest_first() {
        let found = numbers(&ledger(), &path(&["action", "done"]), "");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].value, 2);
        assert_eq!(found[0].name, "2 · Alert on duplicate drafts (open)");
        let typed = numbers(&ledger(), &path(&["action", "done"]), "idempot");
        assert_eq!(typed.len(), 1);
        assert_eq!(typed[0].value, 1);
    }

    #[test]
    fn long_texts_are_cut_to_discords_limit() {
        let whys = numbers(&ledger(), &path(&["why", "edit"]), "");
        assert_eq!(whys[0].value, 1);
        assert_eq!(whys[0].name.chars().count(), NAME_MAX);
        assert!(numbers(&ledger(), &path(&["phase"]), "").is_empty());
    }

    #[test]
    fn severities_match_by_prefix_in_any_case() {
        let all = ["SEV-1", "SEV-2", "P1"].map(String::from);
        let found: Vec<String> = severities(&all, "sev")
            .into_iter()
            .map(|c| c.value)
            .collect();
        assert_eq!(found, ["SEV-1", "SEV-2"]);
        assert_eq!(severities(&all, "").len(), 3);
        assert!(severities(&all, "critical").is_empty());
    }
}
