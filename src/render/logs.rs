//! Log excerpts: code blocks and attached log files that read as logs.
//!
//! A text is an excerpt when it has at least two lines and at least four
//! in five of them read as a log entry: a time, a level, an optional
//! component, a message. A line that does not read so continues the
//! entry above it (a stack trace, a wrapped message). A leading `# …`
//! line is the excerpt's title and is not counted.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::markdown::fence_at;

/// A log line's severity, whatever case or spelling it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Trace,
    Debug,
    Info,
    Notice,
    Warn,
    Error,
    Critical,
    Alert,
    Fatal,
}

impl Level {
    /// Reads a level word in any case; `WARNING` is [`Level::Warn`].
    pub fn from_word(word: &str) -> Option<Level> {
        let level = match word.to_ascii_uppercase().as_str() {
            "TRACE" => Level::Trace,
            "DEBUG" => Level::Debug,
            "INFO" => Level::Info,
            "NOTICE" => Level::Notice,
            "WARN" | "WARNING" => Level::Warn,
            "ERROR" => Level::Error,
            "CRITICAL" => Level::Critical,
            "ALERT" => Level::Alert,
            "FATAL" => Level::Fatal,
            _ => return None,
        };
        Some(level)
    }

    /// The level as the record writes it: one uppercase word.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Notice => "NOTICE",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
            Level::Critical => "CRITICAL",
            Level::Alert => "ALERT",
            Level::Fatal => "FATAL",
        }
    }

    /// The class the record's stylesheet colours this level by.
    pub fn css_class(self) -> &'static str {
        match self {
            Level::Trace => "level-trace",
            Level::Debug => "level-debug",
            Level::Info => "level-info",
            Level::Notice => "level-notice",
            Level::Warn => "level-warn",
            Level::Error => "level-error",
            Level::Critical => "level-critical",
            Level::Alert => "level-alert",
            Level::Fatal => "level-fatal",
        }
    }
}

/// A log excerpt as the record shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogExcerpt {
    /// From a leading `# …` line, else the attached file's name.
    pub title: Option<String>,
    pub lines: Vec<LogLine>,
}

/// One entry of an excerpt, split into its columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// The time exactly as written; empty for a line that is not an
    /// entry (only in a forced excerpt).
    pub time: String,
    pub level: Option<Level>,
    pub component: Option<String>,
    /// The message, with any continuation lines after a `\n` each.
    pub message: String,
}

/// The code of each fenced block in a Discord message, without the
/// language word, in order.
pub fn code_blocks(content: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let mut from = 0;
    while let Some(found) = content[from..].find("```") {
        let start = from + found;
        match fence_at(content, start, content.len()) {
            Some(fence) => {
                blocks.push(fence.code);
                from = fence.end;
            }
            None => from = start + 1,
        }
    }
    blocks
}

/// The excerpt in `text` when it reads as a log by the four-in-five
/// rule, else `None`.
pub fn detect(text: &str) -> Option<LogExcerpt> {
    let (title, rows) = read(text);
    let entries = rows.iter().filter(|row| row.is_entry()).count();
    let reads_as_log = rows.len() >= 2 && entries * 5 >= rows.len() * 4;
    reads_as_log.then(|| assemble(title, &rows))
}

/// Takes `text` as an excerpt whatever the rule says, for a responder
/// who marks it by hand. `None` only when there is no text at all.
pub fn force(text: &str) -> Option<LogExcerpt> {
    if text.trim().is_empty() {
        return None;
    }
    let (title, rows) = read(text);
    Some(assemble(title, &rows))
}

/// The excerpts of one message: its code blocks, then its `.log` and
/// `.txt` attachments that hold UTF-8 text.
///
/// With `forced` (the "Add as log excerpt" menu) every block and file is
/// taken, and a message with neither is taken whole.
pub fn excerpts_in_message(
    content: &str,
    attachments: &[(String, Option<&[u8]>)],
    forced: bool,
) -> Vec<LogExcerpt> {
    let take = if forced { force } else { detect };
    let mut found: Vec<LogExcerpt> = code_blocks(content).into_iter().filter_map(take).collect();
    let files = attachments
        .iter()
        .filter_map(|(name, bytes)| from_file(name, (*bytes)?, take));
    found.extend(files);
    if forced && found.is_empty() {
        found.extend(force(content));
    }
    found
}

fn from_file(name: &str, bytes: &[u8], take: fn(&str) -> Option<LogExcerpt>) -> Option<LogExcerpt> {
    let lower = name.to_ascii_lowercase();
    if !(lower.ends_with(".log") || lower.ends_with(".txt")) {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let mut excerpt = take(text.trim_start_matches('\u{feff}'))?;
    excerpt.title.get_or_insert_with(|| name.to_string());
    Some(excerpt)
}

/// A line of an excerpt: an entry, or a line that does not read as one.
enum Row<'a> {
    Entry(Entry<'a>),
    Other(&'a str),
}

impl Row<'_> {
    fn is_entry(&self) -> bool {
        matches!(self, Row::Entry(_))
    }
}

/// An entry's columns as written; the component is decided later, with
/// the whole excerpt in view.
struct Entry<'a> {
    time: &'a str,
    level: Level,
    rest: &'a str,
}

/// The title and the non-empty lines after it.
fn read(text: &str) -> (Option<String>, Vec<Row<'_>>) {
    let mut lines = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .peekable();
    let title = lines
        .next_if(|line| title_of(line).is_some())
        .and_then(title_of);
    let rows = lines.map(row).collect();
    (title, rows)
}

fn title_of(line: &str) -> Option<String> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start_matches('#');
    let starts_with_space = rest.starts_with(char::is_whitespace);
    (starts_with_space && !rest.trim().is_empty()).then(|| rest.trim().to_string())
}

static ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    let time = concat!(
        r"(?:\d{4}-\d{2}-\d{2}[T ])?",
        r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d",
        r"(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    );
    let level = r"(?:\[(?P<bracketed>[A-Za-z]+)\]|(?P<bare>[A-Za-z]+)):?";
    let pattern = format!(r"^\s*(?P<time>{time})\s+{level}(?:\s+(?P<rest>.*?))?\s*$");
    Regex::new(&pattern).expect("the log entry pattern is valid")
});

fn row(line: &str) -> Row<'_> {
    entry(line).map_or_else(|| Row::Other(line.trim_end()), Row::Entry)
}

fn entry(line: &str) -> Option<Entry<'_>> {
    let caps = ENTRY.captures(line)?;
    let word = caps.name("bracketed").or_else(|| caps.name("bare"))?;
    Some(Entry {
        time: caps.name("time")?.as_str(),
        level: Level::from_word(word.as_str())?,
        rest: caps.name("rest").map_or("", |m| m.as_str()),
    })
}

/// How surely a message's first word names a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Dotted, slashed, bracketed or `::` names: `db.pool`, `[worker-3]`.
    Sure,
    /// A plain lowercase word such as `pager`: a component only when the
    /// excerpt's other lines show it has a component column.
    Likely,
}

/// The first word of `rest` when it could be a component, with its
/// shape and the message after it. A word is never a component when
/// nothing follows it.
fn component(rest: &str) -> Option<(Shape, &str, &str)> {
    let (word, after) = rest.split_once(char::is_whitespace)?;
    let after = after.trim_start();
    if after.is_empty() {
        return None;
    }
    if let Some(inner) = word.strip_prefix('[').and_then(|w| w.strip_suffix(']')) {
        return is_name(inner).then_some((Shape::Sure, inner, after));
    }
    let name = word.strip_suffix(':').unwrap_or(word);
    Some((shape(name)?, name, after))
}

fn shape(name: &str) -> Option<Shape> {
    if !is_name(name) {
        return None;
    }
    let dotted = name.contains(['.', '/', '_']) && !name.ends_with('.');
    if dotted || name.contains("::") {
        return Some(Shape::Sure);
    }
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    plain.then_some(Shape::Likely)
}

fn is_name(word: &str) -> bool {
    (1..=64).contains(&word.len())
        && word.bytes().any(|b| b.is_ascii_alphabetic())
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-/:[]".contains(&b))
}

/// Builds the excerpt: entries split into columns, other lines joined to
/// the entry above, or standing alone when no entry is above them.
fn assemble(title: Option<String>, rows: &[Row]) -> LogExcerpt {
    let has_column = component_column(rows);
    let mut lines: Vec<LogLine> = Vec::new();
    let mut after_entry = false;
    for row in rows {
        match row {
            Row::Entry(entry) => lines.push(split(entry, has_column)),
            Row::Other(text) if after_entry => continue_last(&mut lines, text),
            Row::Other(text) => lines.push(loose(text)),
        }
        after_entry |= row.is_entry();
    }
    LogExcerpt { title, lines }
}

/// True when at least half of the entries start with a sure component,
/// so a plain first word in the others is a component too.
fn component_column(rows: &[Row]) -> bool {
    let entries = rows.iter().filter_map(|row| match row {
        Row::Entry(entry) => Some(entry),
        Row::Other(_) => None,
    });
    let (total, sure) = entries.fold((0, 0), |(total, sure), entry| {
        let is_sure = component(entry.rest).is_some_and(|(s, ..)| s == Shape::Sure);
        (total + 1, sure + usize::from(is_sure))
    });
    total > 0 && sure * 2 >= total
}

fn split(entry: &Entry, has_column: bool) -> LogLine {
    let named = component(entry.rest).filter(|(shape, ..)| *shape == Shape::Sure || has_column);
    let (component, message) = match named {
        Some((_, name, after)) => (Some(name.to_string()), after),
        None => (None, entry.rest),
    };
    LogLine {
        time: entry.time.to_string(),
        level: Some(entry.level),
        component,
        message: message.to_string(),
    }
}

fn continue_last(lines: &mut [LogLine], text: &str) {
    if let Some(last) = lines.last_mut() {
        last.message.push('\n');
        last.message.push_str(text);
    }
}

fn loose(text: &str) -> LogLine {
    LogLine {
        time: String::new(),
        level: None,
        component: None,
        message: text.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two excerpts of the INC-2417 reference record, folded onto one
    /// line each the way the reference text shows them.
    const BILLING: &str = "\
        # batch-billing · application log · 3 Jun 2026 (fictional excerpt) \
        02:14:52 ERROR db.pool connection reset by peer (orders-primary); 38 conns dropped \
        02:14:55 WARN retry.wrapper stage=invoice-generation attempt=1 failed: ConnectionError \
        02:15:09 INFO db.pool reconnected to orders-primary (now: standby-2, post-failover) \
        02:15:10 WARN retry.wrapper stage=invoice-generation attempt=2 starting (segments 7-12) \
        02:15:10 WARN retry.wrapper no idempotency key configured for stage; re-running whole stage \
        02:58:41 INFO run.controller run 2026-06-03T02:00 finished status=SUCCESS rows=46,217 (+4.1%)";
    const RECON: &str = "\
        # reconciliation-check · alert log · 3 Jun 2026 (fictional excerpt) \
        04:36:02 ALERT recon.invoice 1,842 draft invoices share order_ref with another draft \
        04:36:02 ALERT recon.invoice affected segments: 7,8,9,10,11,12 · run_id=2026-06-03T02:00 \
        04:36:03 INFO recon.invoice dispatch queue state: HELD until 07:00 window · no drafts sent \
        04:36:04 INFO pager paging billing on-call · policy=sev-undetermined";

    /// Puts each entry of a folded excerpt back on its own line.
    fn unfold(folded: &str) -> String {
        let time = Regex::new(r" (\d{2}:\d{2}:\d{2} )").expect("valid");
        time.replace_all(folded, "\n$1").into_owned()
    }

    fn columns(line: &LogLine) -> (&str, Option<Level>, Option<&str>) {
        (&line.time, line.level, line.component.as_deref())
    }

    #[test]
    fn billing_excerpt_reads_as_written() {
        let excerpt = detect(&unfold(BILLING)).expect("an excerpt");
        let title = "batch-billing · application log · 3 Jun 2026 (fictional excerpt)";
        assert_eq!(excerpt.title.as_deref(), Some(title));
        assert_eq!(excerpt.lines.len(), 6);
        let first = &excerpt.lines[0];
        let expected = ("02:14:52", Some(Level::Error), Some("db.pool"));
        assert_eq!(columns(first), expected);
        let message = "connection reset by peer (orders-primary); 38 conns dropped";
        assert_eq!(first.message, message);
        let last = &excerpt.lines[5];
        assert_eq!(last.component.as_deref(), Some("run.controller"));
        insta::assert_json_snapshot!(excerpt);
    }

    #[test]
    fn recon_excerpt_finds_the_pager_component() {
        let excerpt = detect(&unfold(RECON)).expect("an excerpt");
        let pager = &excerpt.lines[3];
        let expected = ("04:36:04", Some(Level::Info), Some("pager"));
        assert_eq!(columns(pager), expected);
        assert_eq!(
            pager.message,
            "paging billing on-call · policy=sev-undetermined"
        );
        assert_eq!(excerpt.lines[0].level, Some(Level::Alert));
        insta::assert_json_snapshot!(excerpt);
    }

    #[test]
    fn plain_first_words_stay_in_the_message_without_a_column() {
        let text = "10:00:01 INFO scheduler started\n10:00:02 INFO worker picked up job 7";
        let excerpt = detect(text).expect("an excerpt");
        assert!(excerpt.lines.iter().all(|l| l.component.is_none()));
        assert_eq!(excerpt.lines[0].message, "scheduler started");
    }

    #[test]
    fn a_stack_trace_joins_its_entry() {
        let text = "\
02:14:52 ERROR db.pool query failed
    at pool.acquire (pool.rs:88)
    at invoice.write (invoice.rs:12)
02:14:53 INFO db.pool retrying
02:14:54 INFO db.pool ok
02:14:55 INFO db.pool ok
02:14:56 INFO db.pool ok
02:14:57 INFO db.pool ok
02:14:58 INFO db.pool ok
02:14:59 INFO db.pool ok";
        let excerpt = detect(text).expect("8 of 10 lines are entries");
        assert_eq!(excerpt.lines.len(), 8);
        let joined =
            "query failed\n    at pool.acquire (pool.rs:88)\n    at invoice.write (invoice.rs:12)";
        assert_eq!(excerpt.lines[0].message, joined);
    }

    #[test]
    fn prose_and_single_lines_are_not_excerpts() {
        let prose = "ran the cleanup script\nit matched 1,842 drafts\nno false positives";
        assert_eq!(detect(prose), None);
        assert_eq!(detect("02:14:52 ERROR db.pool connection reset"), None);
        assert_eq!(detect("# just a title\n02:14:52 ERROR one line"), None);
        assert_eq!(detect(""), None);
    }

    fn entries_then_others(entries: usize, others: usize) -> String {
        let entry = (0..entries).map(|i| format!("02:15:{i:02} WARN retry.wrapper attempt {i}"));
        let other = (0..others).map(|i| format!("  caused by: reset {i}"));
        entry.chain(other).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn four_in_five_is_the_boundary() {
        assert!(detect(&entries_then_others(4, 1)).is_some(), "80%");
        assert!(detect(&entries_then_others(16, 4)).is_some(), "80%");
        assert!(detect(&entries_then_others(15, 4)).is_none(), "78.9%");
        assert!(detect(&entries_then_others(3, 1)).is_none(), "75%");
    }

    #[test]
    fn levels_in_brackets_and_any_case() {
        let text = "\
02:14:52 [WARN] db.pool slow
02:14:53 warning [worker-3] queue deep
02:14:54 Fatal: [main] giving up now";
        let excerpt = detect(text).expect("an excerpt");
        let levels: Vec<_> = excerpt.lines.iter().map(|l| l.level).collect();
        let expected = [Some(Level::Warn), Some(Level::Warn), Some(Level::Fatal)];
        assert_eq!(levels, expected);
        assert_eq!(excerpt.lines[1].component.as_deref(), Some("worker-3"));
        assert_eq!(excerpt.lines[2].component.as_deref(), Some("main"));
        assert_eq!(excerpt.lines[2].message, "giving up now");
        assert_eq!(detect("02:14:52 VERBOSE a b\n02:14:53 VERBOSE c d"), None);
    }

    #[test]
    fn iso_times_are_kept_as_written() {
        let text = "\
2026-06-03T02:14:52Z ERROR db.pool reset
2026-06-03 02:14:52,123 INFO db.pool ok
2026-06-03T04:14:52.5+02:00 NOTICE db.pool failover done
02:14:52.123 DEBUG db.pool idle";
        let excerpt = detect(text).expect("an excerpt");
        let times: Vec<_> = excerpt.lines.iter().map(|l| l.time.as_str()).collect();
        let expected = [
            "2026-06-03T02:14:52Z",
            "2026-06-03 02:14:52,123",
            "2026-06-03T04:14:52.5+02:00",
            "02:14:52.123",
        ];
        assert_eq!(times, expected);
        insta::assert_json_snapshot!(excerpt);
    }

    #[test]
    fn impossible_times_are_not_entries() {
        assert_eq!(detect("25:14:52 ERROR a b\n02:61:00 ERROR c d"), None);
    }

    #[test]
    fn force_takes_what_detect_refuses() {
        let text = "# what we saw\ndeploy went out\n02:14:52 ERROR db.pool reset\n  at pool.rs:88";
        assert_eq!(detect(text), None);
        let excerpt = force(text).expect("forced");
        assert_eq!(excerpt.title.as_deref(), Some("what we saw"));
        let loose = &excerpt.lines[0];
        assert_eq!((loose.time.as_str(), loose.level), ("", None));
        assert_eq!(loose.message, "deploy went out");
        assert_eq!(excerpt.lines[1].message, "reset\n  at pool.rs:88");
        assert_eq!(force("  \n\n "), None);
        insta::assert_json_snapshot!(excerpt);
    }

    #[test]
    fn code_blocks_drop_the_language_word() {
        let content = "before\n```log\n02:14:52 ERROR a b\n```\nmid ```second``` and ```unclosed";
        assert_eq!(code_blocks(content), ["02:14:52 ERROR a b", "second"]);
        assert!(code_blocks("no blocks `here`").is_empty());
    }

    #[test]
    fn messages_give_blocks_then_log_files() {
        let block = unfold(RECON);
        let content = format!("recon output:\n```\n{block}\n```");
        let file = unfold(BILLING)
            .replacen("# ", "", 1)
            .replacen(")\n", ")\n\n", 1);
        let attachments = vec![
            ("app.LOG".to_string(), Some(file.as_bytes())),
            ("graph.png".to_string(), Some(&[0x89, b'P', b'N', b'G'][..])),
            ("raw.txt".to_string(), Some(&[0xff, 0xfe, 0x00][..])),
            ("later.log".to_string(), None),
        ];
        let found = excerpts_in_message(&content, &attachments, false);
        assert_eq!(found.len(), 2);
        assert!(
            found[0]
                .title
                .as_deref()
                .is_some_and(|t| t.starts_with("reconciliation"))
        );
        assert_eq!(found[1].title.as_deref(), Some("app.LOG"));
    }

    #[test]
    fn forcing_a_message_without_blocks_takes_its_text() {
        let found = excerpts_in_message("saw 02:14 resets\nthen ok", &[], true);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].lines.len(), 2);
        assert!(excerpts_in_message("saw resets\nthen ok", &[], false).is_empty());
    }

    #[test]
    fn levels_serialize_as_their_word() {
        let json = serde_json::to_string(&Level::Warn).expect("serializes");
        assert_eq!(json, "\"WARN\"");
        assert_eq!(Level::Critical.as_str(), "CRITICAL");
        assert_eq!(Level::Error.css_class(), "level-error");
        assert_eq!(Level::from_word("Warning"), Some(Level::Warn));
        assert_eq!(Level::from_word("verbose"), None);
    }
}
