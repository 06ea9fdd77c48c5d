//! The canonical typed spelling of a command and the channel
//! confirmation built on it. The canonical spelling parses back to the
//! same command, so the channel (and any export of it) keeps every
//! annotation.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use regex::Regex;

use super::commands;
use super::options::Kind;
use super::time;
use crate::model::{ActionStatus, Command, IncidentPatch, Person};

/// Between the human line and the canonical spelling.
pub(super) const SEPARATOR: &str = " · ";

/// ` word:` inside a value, which could end it early unless quoted.
static WORD_COLON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s([A-Za-z_]+):").expect("valid pattern"));

/// A command's words and its options as canonical text, in table order.
type Spelled = (&'static [&'static str], Vec<(&'static str, String)>);

/// The typed spelling with options named (the first one bare when it is
/// a single word or number), times absolute in `tz`.
pub(super) fn canonical(cmd: &Command, tz: Tz) -> String {
    match spell(cmd, tz) {
        Some((path, options)) => render(path, &options),
        None => menu_spelling(cmd),
    }
}

/// Message-menu commands have no typed spelling; this names them so a
/// reader knows what happened, and does not parse as a command.
fn menu_spelling(cmd: &Command) -> String {
    match cmd {
        Command::AddToTimeline { message } => format!("Add to timeline: message {message}"),
        Command::AddLogExcerpt { message } => format!("Add as log excerpt: message {message}"),
        _ => String::new(),
    }
}

fn render(path: &[&str], options: &[(&'static str, String)]) -> String {
    let mut out = format!("/{}", path.join(" "));
    let bare = commands::find(path)
        .and_then(|spec| spec.bare())
        .filter(|opt| matches!(opt.kind, Kind::Word | Kind::Number));
    for (i, (name, value)) in options.iter().enumerate() {
        if i == 0 && bare.is_some_and(|opt| opt.name == *name) {
            out.push(' ');
            out.push_str(value);
        } else {
            out.push_str(&format!(" {name}:{}", quote(value)));
        }
    }
    out
}

/// Quotes a value that would not read back as itself unquoted.
pub(super) fn quote(value: &str) -> String {
    let plain = !value.contains(['"', '\n', '\r']) && !has_word_colon(value);
    if plain {
        return value.to_string();
    }
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// True when `value` holds a ` word:` that reads like an option. A web
/// address (` https://`) is left alone unless its scheme is also the
/// name of an option, which the reader would split on.
fn has_word_colon(value: &str) -> bool {
    WORD_COLON.captures_iter(value).any(|caps| {
        let url = value[caps.get(0).map_or(0, |m| m.end())..].starts_with("//");
        !url || commands::is_option_name(&caps[1])
    })
}

/// The words and options of a typed command; `None` for the
/// message-menu commands. Split by group, each passing on what it does
/// not spell.
fn spell(cmd: &Command, tz: Tz) -> Option<Spelled> {
    let at = |t: &Option<DateTime<Utc>>| t.map(|t| time::spell(t, tz));
    let spelled: Spelled = match cmd {
        Command::IncidentOpen {
            id,
            title,
            severity,
            commander,
            since,
        } => (
            &["incident", "open"],
            list([
                ("id", Some(id.to_string())),
                ("title", Some(title.clone())),
                ("severity", Some(severity.clone())),
                ("commander", commander.as_ref().map(name)),
                ("since", at(since)),
            ]),
        ),
        Command::IncidentSet(patch) => (&["incident", "set"], patch_options(patch)),
        Command::Phase { phase, at: when } => (
            &["phase"],
            list([("phase", Some(phase.to_string())), ("at", at(when))]),
        ),
        Command::Mark { mark, at: when } => (
            &["mark"],
            list([("mark", Some(mark.to_string())), ("at", at(when))]),
        ),
        Command::ImpactStart { at: when } => (&["impact", "start"], list([("at", at(when))])),
        Command::ImpactEnd { at: when } => (&["impact", "end"], list([("at", at(when))])),
        other => return spell_events(other, tz),
    };
    Some(spelled)
}

fn spell_events(cmd: &Command, tz: Tz) -> Option<Spelled> {
    let at = |t: &Option<DateTime<Utc>>| t.map(|t| time::spell(t, tz));
    match cmd {
        Command::Event {
            text,
            at: when,
            phase,
            key,
        } => Some((
            &["event"],
            list([
                ("text", Some(text.clone())),
                ("at", at(when)),
                ("phase", phase.map(|p| p.to_string())),
                ("key", (!key).then(|| "no".to_string())),
            ]),
        )),
        Command::EventEdit {
            n,
            text,
            at: when,
            phase,
        } => Some((
            &["event", "edit"],
            list([
                ("n", Some(n.to_string())),
                ("text", text.clone()),
                ("at", at(when)),
                ("phase", phase.map(|p| p.to_string())),
            ]),
        )),
        other => spell_actions(other),
    }
}

fn spell_actions(cmd: &Command) -> Option<Spelled> {
    match cmd {
        Command::ActionAdd {
            text,
            owner,
            due,
            reference,
        } => Some((
            &["action", "add"],
            list([
                ("text", Some(text.clone())),
                ("owner", Some(name(owner))),
                ("due", Some(day(due))),
                ("ref", reference.clone()),
            ]),
        )),
        Command::ActionEdit {
            n,
            text,
            owner,
            due,
            reference,
        } => Some((
            &["action", "edit"],
            list([
                ("n", Some(n.to_string())),
                ("text", text.clone()),
                ("owner", owner.as_ref().map(name)),
                ("due", due.as_ref().map(day)),
                ("ref", reference.clone()),
            ]),
        )),
        other => spell_simple(other),
    }
}

/// The commands with one or two plain options.
fn spell_simple(cmd: &Command) -> Option<Spelled> {
    type Path = &'static [&'static str];
    let one = |path: Path, name: &'static str, value: String| Some((path, vec![(name, value)]));
    let n = |path: Path, n: &u32| one(path, "n", n.to_string());
    match cmd {
        Command::EventRemove { n: i } => n(&["event", "remove"], i),
        Command::ImpactCustomers { text } => one(&["impact", "customers"], "text", text.clone()),
        Command::ImpactCard { label, value } => Some((
            &["impact", "card"],
            vec![("label", label.clone()), ("value", value.clone())],
        )),
        Command::ImpactCardRemove { n: i } => n(&["impact", "card", "remove"], i),
        Command::ActionSetStatus { n: i, status } => n(status_path(*status), i),
        Command::ActionRemove { n: i } => n(&["action", "remove"], i),
        Command::ActionList => Some((&["action", "list"], Vec::new())),
        Command::WhyAdd { text } => one(&["why", "add"], "text", text.clone()),
        Command::WhyEdit { n: i, text } => Some((
            &["why", "edit"],
            vec![("n", i.to_string()), ("text", text.clone())],
        )),
        Command::WhyRemove { n: i } => n(&["why", "remove"], i),
        Command::RootCause { text } => one(&["rootcause"], "text", text.clone()),
        Command::ControlRemove { n: i } => n(&["control", "remove"], i),
        Command::LinkAdd { label, reference } => Some((
            &["link", "add"],
            vec![("label", label.clone()), ("ref", reference.clone())],
        )),
        Command::LinkRemove { n: i } => n(&["link", "remove"], i),
        Command::PostmortemPreview => Some((&["postmortem", "preview"], Vec::new())),
        Command::PostmortemPublish => Some((&["postmortem", "publish"], Vec::new())),
        other => spell_controls(other),
    }
}

/// Controls, and `None` for what has no typed spelling.
fn spell_controls(cmd: &Command) -> Option<Spelled> {
    match cmd {
        Command::ControlAdd {
            name,
            kind,
            outcome,
            note,
        } => Some((
            &["control", "add"],
            list([
                ("name", Some(name.clone())),
                ("type", Some(kind.to_string())),
                ("outcome", Some(outcome.to_string())),
                ("note", note.clone()),
            ]),
        )),
        Command::ControlEdit {
            n,
            name,
            kind,
            outcome,
            note,
        } => Some((
            &["control", "edit"],
            list([
                ("n", Some(n.to_string())),
                ("name", name.clone()),
                ("type", kind.map(|k| k.to_string())),
                ("outcome", outcome.map(|o| o.to_string())),
                ("note", note.clone()),
            ]),
        )),
        _ => None,
    }
}

fn patch_options(patch: &IncidentPatch) -> Vec<(&'static str, String)> {
    list([
        ("title", patch.title.clone()),
        ("severity", patch.severity.clone()),
        ("summary", patch.summary.clone()),
        ("commander", patch.commander.as_ref().map(name)),
        ("status", patch.status.map(|s| s.to_string())),
    ])
}

/// The command words that set an action to `status`.
pub(super) fn status_path(status: ActionStatus) -> &'static [&'static str] {
    match status {
        ActionStatus::Done => &["action", "done"],
        ActionStatus::WontDo => &["action", "wontdo"],
        ActionStatus::Open => &["action", "reopen"],
    }
}

/// The options that are present, in the order given.
fn list<const N: usize>(
    options: [(&'static str, Option<String>); N],
) -> Vec<(&'static str, String)> {
    let present = options.into_iter();
    present.filter_map(|(n, v)| v.map(|v| (n, v))).collect()
}

/// A person as canonical text: the plain name (a mention's id is not
/// written, so the text reads the same to everyone).
fn name(person: &Person) -> String {
    person.name.clone()
}

fn day(date: &NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Phase, Snowflake};

    #[test]
    fn values_are_quoted_only_when_they_must_be() {
        assert_eq!(quote("batch-billing#498"), "batch-billing#498");
        assert_eq!(quote("see https://x.example/a"), "see https://x.example/a");
        assert_eq!(quote("see ref://x"), "\"see ref://x\"");
        assert_eq!(quote("Fix the ref: parser"), "\"Fix the ref: parser\"");
        assert_eq!(quote("say \"no\" to C:\\tmp"), r#""say \"no\" to C:\\tmp""#);
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn word_and_number_first_options_stand_bare() {
        let at = "2026-06-03T04:51:00Z".parse().ok();
        let phase = Command::Phase {
            phase: Phase::Mitigate,
            at,
        };
        assert_eq!(
            canonical(&phase, chrono_tz::UTC),
            "/phase mitigate at:2026-06-03 04:51"
        );
        let done = Command::ActionSetStatus {
            n: 3,
            status: ActionStatus::WontDo,
        };
        assert_eq!(canonical(&done, chrono_tz::UTC), "/action wontdo 3");
        let why = Command::WhyAdd {
            text: "the retry re-ran the stage".into(),
        };
        assert_eq!(
            canonical(&why, chrono_tz::UTC),
            "/why add text:the retry re-ran the stage"
        );
    }

    #[test]
    fn menu_commands_have_no_typed_spelling() {
        let cmd = Command::AddToTimeline {
            message: Snowflake(42),
        };
        assert_eq!(
            canonical(&cmd, chrono_tz::UTC),
            "Add to timeline: message 42"
        );
    }

    mod round_trip {
        use proptest::prelude::*;

        use super::super::canonical;
        use crate::annotate::arbitrary::{SEVERITIES, command, instant, zone};
        use crate::annotate::{Clock, Context, parse_typed};

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn canonical_spelling_parses_back(cmd in command(), tz in zone(), now in instant()) {
                let severities = SEVERITIES.map(String::from);
                let clock = Clock::Chat { now };
                let ctx = Context { tz, clock, severities: &severities, mentions: &[] };
                let text = canonical(&cmd, tz);
                prop_assert_eq!(parse_typed(&text, &ctx), Ok(Some(cmd)), "{}", text);
            }
        }
    }
}
