//! Timeline-notes files: one command per line in the typed spelling,
//! `HH:MM [phase] text` as short for `/event`, `date:` lines that date
//! the bare times after them, `#` comments and blank lines.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use regex::{Captures, Regex};
use sha2::{Digest, Sha256};

use super::{AnnotateError, Clock, Context, NotesError, NotesLine, commands, quote_input};
use super::{parse_typed, time, values};
use crate::model::Command;

/// `HH:MM text` or `HH:MM [phase] text`; the text is checked later so
/// an empty one gets the usual message.
static SHORTHAND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2}:\d{2}(?::\d{2})?)(?:\s+(?:\[([^\]]*)\]\s*)?(.*))?$")
        .expect("valid pattern")
});

/// Reads every line; bad lines become errors and reading goes on.
pub(super) fn parse(
    text: &str,
    tz: Tz,
    severities: &[String],
) -> (Vec<NotesLine>, Vec<NotesError>) {
    let mut reader = Reader {
        tz,
        severities,
        date: None,
        latest: None,
        seen: HashMap::new(),
    };
    let (mut lines, mut errors) = (Vec::new(), Vec::new());
    // Editors on some systems start a UTF-8 file with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.lines().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        match reader.line(line, raw) {
            Some(Ok(parsed)) => lines.push(parsed),
            Some(Err(e)) => errors.push(NotesError { line, message: e.0 }),
            None => {}
        }
    }
    (lines, errors)
}

/// What a notes file has established by the current line.
struct Reader<'a> {
    tz: Tz,
    severities: &'a [String],
    /// The date of the last good `date:` line.
    date: Option<NaiveDate>,
    /// The last time a line gave (its own, or a date's midnight).
    latest: Option<DateTime<Utc>>,
    /// How many times each trimmed line has appeared so far.
    seen: HashMap<String, u32>,
}

impl Reader<'_> {
    /// One line: `None` for blank lines, comments and good dates.
    fn line(&mut self, number: u32, raw: &str) -> Option<Result<NotesLine, AnnotateError>> {
        let text = raw.trim();
        if text.is_empty() || text.starts_with('#') {
            return None;
        }
        let occurrence = self.count(text);
        if let Some(value) = date_value(text) {
            return self.set_date(value).err().map(Err);
        }
        let command = self.command(text);
        Some(command.map(|c| self.finish(number, text, occurrence, c)))
    }

    /// Earlier lines with the same text, so identical lines get
    /// distinct, stable keys.
    fn count(&mut self, text: &str) -> u32 {
        let seen = self.seen.entry(text.to_string()).or_insert(0);
        *seen += 1;
        *seen - 1
    }

    fn set_date(&mut self, value: &str) -> Result<(), AnnotateError> {
        let day = values::date(value)?;
        self.date = Some(day);
        self.latest = Some(time::midnight(day, self.tz));
        Ok(())
    }

    fn command(&self, text: &str) -> Result<Command, AnnotateError> {
        let ctx = Context {
            tz: self.tz,
            clock: Clock::Notes { date: self.date },
            severities: self.severities,
            mentions: &[],
        };
        if text.starts_with('/') {
            return parse_typed(text, &ctx)?.ok_or_else(|| not_scribe(text));
        }
        match SHORTHAND.captures(text) {
            Some(caps) => shorthand(&caps, &ctx),
            None => Err(not_a_line(text)),
        }
    }

    fn finish(&mut self, line: u32, text: &str, occurrence: u32, command: Command) -> NotesLine {
        if let Some(own) = own_time(&command) {
            self.latest = Some(own);
        }
        NotesLine {
            line,
            text_hash: hash(text),
            occurrence,
            given_at: self.latest.unwrap_or(DateTime::UNIX_EPOCH),
            command,
        }
    }
}

/// The value of a `date:` line.
fn date_value(text: &str) -> Option<&str> {
    let label = text.get(..5)?;
    label
        .eq_ignore_ascii_case("date:")
        .then(|| text[5..].trim())
}

/// `HH:MM [phase] text` through the same checks as `/event`.
fn shorthand(caps: &Captures, ctx: &Context) -> Result<Command, AnnotateError> {
    let mut options = vec![
        (
            "text".to_string(),
            caps.get(3).map_or("", |m| m.as_str()).to_string(),
        ),
        ("at".to_string(), caps[1].to_string()),
    ];
    if let Some(phase) = caps.get(2) {
        options.push(("phase".to_string(), phase.as_str().to_string()));
    }
    let spec = commands::find(&["event"]).ok_or_else(|| not_a_line(&caps[0]))?;
    commands::build(spec, &options, ctx)
}

/// The moment a command names for itself (`at:`), if any.
fn own_time(command: &Command) -> Option<DateTime<Utc>> {
    match command {
        Command::Phase { at, .. }
        | Command::Event { at, .. }
        | Command::EventEdit { at, .. }
        | Command::Mark { at, .. }
        | Command::ImpactStart { at }
        | Command::ImpactEnd { at } => *at,
        _ => None,
    }
}

/// The first 16 hex digits of the SHA-256 of the trimmed line.
fn hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn not_scribe(text: &str) -> AnnotateError {
    AnnotateError(format!(
        "{} is not a Scribe command: the commands are {}",
        quote_input(text),
        commands::listing()
    ))
}

fn not_a_line(text: &str) -> AnnotateError {
    AnnotateError(format!(
        "{} is not a notes line: write a command like /phase mitigate at:04:51, an event like 04:36 [detect] what happened, a date: line or a # comment",
        quote_input(text)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Phase;

    fn sevs() -> Vec<String> {
        vec!["SEV-1".into(), "SEV-2".into()]
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("test time")
    }

    const FILE: &str = "\
# INC-2417 notes, written up after the bridge
/incident open INC-2417 title:Duplicate drafts after failover severity:sev-2

date: 2026-06-03
02:14 Storage fault on the orders primary; failover to standby-2
04:36 [detect] Reconciliation flags 1,842 drafts sharing an order_ref
/phase escalate at:04:41
/action add text:Make retried invoice writes idempotent owner:M. Tanaka due:2026-06-12 ref:batch-billing#498
  # an indented comment
/why add The stage ran twice in one run
/why add The stage ran twice in one run
";

    #[test]
    fn a_notes_file_reads_line_by_line() {
        let (lines, errors) = parse(FILE, chrono_tz::UTC, &sevs());
        assert_eq!(errors, vec![]);
        let numbers: Vec<u32> = lines.iter().map(|l| l.line).collect();
        assert_eq!(numbers, vec![2, 5, 6, 7, 8, 10, 11]);
        assert_eq!(lines[0].given_at, DateTime::UNIX_EPOCH);
        assert_eq!(lines[1].given_at, utc("2026-06-03T02:14:00Z"));
        let Command::Event { phase, key, .. } = &lines[2].command else {
            panic!("not an event: {:?}", lines[2].command);
        };
        assert_eq!((*phase, *key), (Some(Phase::Detect), true));
        assert_eq!(lines[3].given_at, utc("2026-06-03T04:41:00Z"));
        assert_eq!(lines[4].given_at, utc("2026-06-03T04:41:00Z"));
        let Command::ActionAdd { reference, .. } = &lines[4].command else {
            panic!("not an action: {:?}", lines[4].command);
        };
        assert_eq!(reference.as_deref(), Some("batch-billing#498"));
    }

    #[test]
    fn identical_lines_share_a_hash_and_count_up() {
        let (lines, _) = parse(FILE, chrono_tz::UTC, &sevs());
        let (a, b) = (&lines[5], &lines[6]);
        assert_eq!(a.text_hash, b.text_hash);
        assert_eq!((a.occurrence, b.occurrence), (0, 1));
        assert_eq!(a.text_hash.len(), 16);
        assert_eq!(hash("  x ".trim()), hash("x"));
        assert_ne!(lines[1].text_hash, a.text_hash);
    }

    #[test]
    fn a_date_line_dates_what_follows_from_its_midnight() {
        let text = "\u{feff}date: 2026-06-03\r\n/rootcause Retried writes were not idempotent\r\n";
        let (lines, errors) = parse(text, chrono_tz::Europe::Amsterdam, &sevs());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(lines[0].given_at, utc("2026-06-02T22:00:00Z"));
    }

    #[test]
    fn bad_lines_are_reported_and_the_rest_is_read() {
        let text = "\
04:30 Reconciliation check starts
date: 2026-06-31
date: 2026-06-03
/phase mitgate
/event text:Queue paused at:-15m
/giphy cat
the queue was paused
05:05 [lead-up] Duplicates traced
06:02 Dispatch resumed
";
        let (lines, errors) = parse(text, chrono_tz::UTC, &sevs());
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].line, 9);
        let report: Vec<String> = errors.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(report.join("\n"));
    }
}
