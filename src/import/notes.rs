//! Timeline-notes files as annotations.
//!
//! The parsing is [`crate::annotate::parse_notes`]'s; this gives each
//! line its origin, so that re-importing the same file replaces what it
//! brought before instead of adding to it.

use std::path::Path;

use chrono_tz::Tz;

use crate::annotate::{NotesError, NotesLine, parse_notes};
use crate::model::{Annotation, Origin};

/// Reads a notes file into annotations, one per command line, and the
/// lines that were refused. `file_name` may be a path: only its base
/// name goes into the origin, so the same file imported from another
/// folder keeps its keys.
pub fn read_notes(
    file_name: &str,
    text: &str,
    tz: Tz,
    severities: &[String],
) -> (Vec<Annotation>, Vec<NotesError>) {
    let file = base_name(file_name);
    let (lines, errors) = parse_notes(text, tz, severities);
    let annotations = lines.into_iter().map(|l| annotation(&file, l)).collect();
    (annotations, errors)
}

/// A notes file speaks for the team, so it names no author.
fn annotation(file: &str, line: NotesLine) -> Annotation {
    Annotation {
        origin: Origin::Notes {
            file: file.to_string(),
            hash: line.text_hash,
            occurrence: line.occurrence,
        },
        author: None,
        given_at: line.given_at,
        seq: line.line,
        command: line.command,
    }
}

/// The last part of a path written with either separator: a Windows
/// path arriving on Linux has no `/` but is still a path.
fn base_name(file_name: &str) -> String {
    let last = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match Path::new(last).file_name() {
        Some(name) => name.to_string_lossy().into_owned(),
        None => last.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Command, Phase};

    fn severities() -> Vec<String> {
        ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]
            .map(String::from)
            .to_vec()
    }

    const NOTES: &str = "\
# INC-2417 notes kept by the commander
date: 2026-06-03
02:14 Storage fault on orders-primary; failover to standby-2
/phase detect at:04:36
/event text:Run finished SUCCESS at 02:58 at:02:58 key:no
/phase escalate at:banana
";

    #[test]
    fn lines_become_annotations_keyed_by_file_hash_and_occurrence() {
        let (annotations, errors) = read_notes(
            "ops/notes/timeline.txt",
            NOTES,
            chrono_tz::UTC,
            &severities(),
        );
        assert_eq!(annotations.len(), 3);
        let first = &annotations[0];
        let Origin::Notes {
            file,
            hash,
            occurrence,
        } = &first.origin
        else {
            panic!("not a notes origin: {:?}", first.origin);
        };
        assert_eq!((file.as_str(), *occurrence), ("timeline.txt", 0));
        assert!(!hash.is_empty());
        assert_eq!(first.author, None);
        assert_eq!(first.seq, 3);
        assert_eq!(first.given_at.to_rfc3339(), "2026-06-03T02:14:00+00:00");
        assert!(matches!(first.command, Command::Event { key: true, .. }));
        let phase = &annotations[1].command;
        assert!(
            matches!(
                phase,
                Command::Phase {
                    phase: Phase::Detect,
                    ..
                }
            ),
            "{phase:?}"
        );

        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 6);
    }

    #[test]
    fn a_repeated_line_gets_the_next_occurrence() {
        let text = "date: 2026-06-03\n05:00 Checked the queue\n05:00 Checked the queue\n";
        let (annotations, _) = read_notes("notes.txt", text, chrono_tz::UTC, &severities());
        let keys: Vec<String> = annotations.iter().map(|a| a.origin.key()).collect();
        assert_eq!(keys.len(), 2);
        assert_ne!(keys[0], keys[1]);
        assert!(keys[1].ends_with(":1"), "{}", keys[1]);
    }

    #[test]
    fn only_the_base_name_is_kept() {
        assert_eq!(base_name("/srv/incidents/notes.txt"), "notes.txt");
        assert_eq!(
            base_name("C:\\Users\\mt\\INC-2417 notes.txt"),
            "INC-2417 notes.txt"
        );
        assert_eq!(base_name("notes.txt"), "notes.txt");
    }
}
