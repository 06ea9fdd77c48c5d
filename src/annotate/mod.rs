//! The one parser for every spelling of an annotation: the typed command
//! in chat, a line of a notes file, and (through [`parse_options`]) a
//! slash command's options. All three end in the same [`Command`].
//!
//! The typed text is split into command words and `name:value` options
//! (`lexer`); the options of every spelling then go through the same
//! checks (`options`) and, through the table in `commands`, the same
//! builder per command (`builders`), which reads times (`time`) and
//! other values (`values`). `canonical` and `confirm` write a command
//! back as text that parses to it again, and `notes` reads a notes file
//! line by line.

#[cfg(test)]
mod arbitrary;
mod builders;
mod canonical;
mod commands;
mod confirm;
mod lexer;
mod notes;
mod options;
mod time;
mod values;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::model::{Command, Person};

/// The most of a responder's input an error message repeats.
const QUOTED_CHARS: usize = 80;

/// What a command is read against.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The incident's zone: bare times are read in it.
    pub tz: Tz,
    /// When the command was given, or the notes date it falls under.
    pub clock: Clock,
    /// The severities config allows.
    pub severities: &'a [String],
    /// People the message mentions, to resolve `<@id>` (and `@name`, as
    /// exports write it) in owner and commander options to a person.
    pub mentions: &'a [Person],
}

impl<'a> Context<'a> {
    /// The context of a command given in chat (typed or slash) at `now`.
    pub fn chat(
        tz: Tz,
        now: DateTime<Utc>,
        severities: &'a [String],
        mentions: &'a [Person],
    ) -> Context<'a> {
        Context {
            tz,
            clock: Clock::Chat { now },
            severities,
            mentions,
        }
    }
}

/// The moment a command was given, which anchors bare and relative times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// A chat or slash command given at `now`: a bare time is the latest
    /// such time at or before it, where up to 5 minutes ahead still
    /// counts (so `00:01` typed at 23:58 is the coming midnight's);
    /// relative times (`-15m`) are allowed.
    Chat {
        /// When the message was posted or the interaction arrived.
        now: DateTime<Utc>,
    },
    /// A notes line: a bare time needs a preceding `date:` line.
    Notes {
        /// The date of the last `date:` line above, if any.
        date: Option<NaiveDate>,
    },
}

/// Why a command was refused: what was wrong and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AnnotateError(pub String);

/// Reads a chat message's text. `Ok(None)` when it is not a typed command
/// (first line does not start with `/` and a Scribe command).
///
/// Code blocks and quotes start with a backtick or `>`, so they are never
/// commands; neither are other bots' commands (`/giphy`). A Scribe
/// command word with a subcommand it does not have is an error.
pub fn parse_typed(text: &str, ctx: &Context) -> Result<Option<Command>, AnnotateError> {
    let Some((spec, written)) = lexer::lex(text)? else {
        return Ok(None);
    };
    commands::build(spec, &written, ctx).map(Some)
}

/// Builds a command from a slash command's path (`["action", "add"]`)
/// and its options as text, through the same checks as the typed form.
pub fn parse_options(
    path: &[&str],
    options: &[(String, String)],
    ctx: &Context,
) -> Result<Command, AnnotateError> {
    if let [word] = path
        && commands::find(path).is_none()
        && !commands::subcommands(word).is_empty()
    {
        return Err(lexer::bad_subcommand(word, ""));
    }
    let spec = commands::find(path).ok_or_else(|| {
        AnnotateError(format!(
            "{} is not a Scribe command: the commands are {}",
            quote_input(&format!("/{}", path.join(" "))),
            commands::listing()
        ))
    })?;
    commands::build(spec, options, ctx)
}

/// The canonical typed spelling, with absolute times in `tz`; parsing it
/// back gives the same command.
///
/// Options are named, except a first option that is one word or number
/// (`/phase mitigate`, `/action done 3`). Times are written to the
/// second, so parsing gives back a command whose times have no fraction
/// of a second; a mention is written as the plain name, so its id is
/// only kept when the reader's context mentions that name. The two
/// message-menu commands have no typed spelling: theirs names the menu
/// and does not parse.
pub fn canonical(cmd: &Command, tz: Tz) -> String {
    canonical::canonical(cmd, tz)
}

/// The channel confirmation: a short human line, ` · `, the canonical
/// spelling (`Phase → mitigate at 04:51 UTC · /phase mitigate at:2026-06-03 04:51`).
pub fn confirmation(cmd: &Command, tz: Tz) -> String {
    confirm::confirmation(cmd, tz)
}

/// Reads back one of Scribe's own confirmations; `None` if it is not one.
///
/// The human line never contains ` · `, so the first ` · ` followed by a
/// command starts the canonical part, even when a value in it holds
/// ` · /` itself.
pub fn parse_confirmation(text: &str, ctx: &Context) -> Option<Command> {
    confirm::parse_confirmation(text, ctx)
}

/// An IANA zone by name, with an error that says what is accepted.
pub fn zone(name: &str) -> Result<Tz, AnnotateError> {
    name.parse::<Tz>().map_err(|_| {
        AnnotateError(format!(
            "time zone {} is not known: use an IANA name like UTC, Europe/Berlin or America/New_York",
            quote_input(name)
        ))
    })
}

/// One command line of a notes file, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct NotesLine {
    /// 1-based line number.
    pub line: u32,
    /// Hex SHA-256 of the line's trimmed text (first 16 hex digits).
    pub text_hash: String,
    /// 0 for the first line with this text in the file, 1 for the next…
    pub occurrence: u32,
    /// The time the line refers to (its own time, else the latest time
    /// or date above it), which orders it among other annotations.
    pub given_at: DateTime<Utc>,
    /// What the line says.
    pub command: Command,
}

/// A notes line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct NotesError {
    /// 1-based line number.
    pub line: u32,
    /// What is wrong with it and what would be accepted.
    pub message: String,
}

/// Reads a whole notes file: `date:` lines, `HH:MM [phase] text` event
/// shorthands, typed commands, `#` comments and blank lines.
pub fn parse_notes(text: &str, tz: Tz, severities: &[String]) -> (Vec<NotesLine>, Vec<NotesError>) {
    notes::parse(text, tz, severities)
}

/// A piece of responder input as an error quotes it: its first line, at
/// most [`QUOTED_CHARS`] characters, in double quotes.
fn quote_input(value: &str) -> String {
    let first = value.lines().next().unwrap_or_default();
    let mut shown: String = first.chars().take(QUOTED_CHARS).collect();
    if shown.len() < value.len() {
        shown.push('…');
    }
    format!("\"{shown}\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActionStatus, Phase, Snowflake};

    const SEVERITIES: [&str; 4] = ["SEV-1", "SEV-2", "SEV-3", "SEV-4"];

    fn tanaka() -> Person {
        Person {
            name: "M. Tanaka".into(),
            id: Some(Snowflake(123)),
        }
    }

    /// Runs `f` with a chat context in `tz` at 05:00 UTC on 3 June 2026.
    fn with_chat<T>(tz: Tz, f: impl FnOnce(&Context) -> T) -> T {
        with_clock(tz, chat_now(), f)
    }

    fn chat_now() -> Clock {
        Clock::Chat {
            now: "2026-06-03T05:00:00Z".parse().expect("test time"),
        }
    }

    fn with_clock<T>(tz: Tz, clock: Clock, f: impl FnOnce(&Context) -> T) -> T {
        let severities = SEVERITIES.map(String::from);
        let mentions = [tanaka()];
        let ctx = Context {
            tz,
            clock,
            severities: &severities,
            mentions: &mentions,
        };
        f(&ctx)
    }

    fn typed(text: &str) -> Result<Option<Command>, AnnotateError> {
        with_chat(chrono_tz::UTC, |ctx| parse_typed(text, ctx))
    }

    fn options(path: &[&str], pairs: &[(&str, &str)]) -> Result<Command, AnnotateError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        with_chat(chrono_tz::UTC, |ctx| parse_options(path, &pairs, ctx))
    }

    /// The command on the last line of a notes file dated 3 June 2026.
    fn noted(line: &str) -> Command {
        let text = format!("date: 2026-06-03\n{line}\n");
        let severities = SEVERITIES.map(String::from);
        let (lines, errors) = parse_notes(&text, chrono_tz::UTC, &severities);
        assert!(errors.is_empty(), "{line}: {errors:?}");
        lines.into_iter().next().expect("one command").command
    }

    #[test]
    fn the_three_spellings_give_the_same_command() {
        let phase = typed("/phase mitigate at:04:51").unwrap().unwrap();
        assert_eq!(
            typed("/phase phase:mitigate at:04:51"),
            Ok(Some(phase.clone()))
        );
        assert_eq!(
            options(&["phase"], &[("phase", "mitigate"), ("at", "04:51")]),
            Ok(phase.clone())
        );
        assert_eq!(noted("/phase mitigate at:04:51"), phase);

        let event = typed("/event Dispatch paused at:04:52 phase:mitigate")
            .unwrap()
            .unwrap();
        assert_eq!(
            typed("/event text:Dispatch paused phase:mitigate at:04:52"),
            Ok(Some(event.clone()))
        );
        let pairs = [
            ("text", "Dispatch paused"),
            ("at", "04:52"),
            ("phase", "mitigate"),
        ];
        assert_eq!(options(&["event"], &pairs), Ok(event.clone()));
        assert_eq!(noted("04:52 [mitigate] Dispatch paused"), event);
    }

    #[test]
    fn a_slash_command_without_its_subcommand_names_them() {
        let bare = options(&["action"], &[]).unwrap_err();
        assert!(bare.0.contains("/action needs a subcommand"), "{}", bare.0);
        assert!(bare.0.contains("add, done"), "{}", bare.0);
        let unknown = options(&["retro"], &[]).unwrap_err();
        assert!(
            unknown.0.contains("is not a Scribe command"),
            "{}",
            unknown.0
        );
    }

    #[test]
    fn the_three_spellings_of_an_action() {
        let bare = "/action add Add idempotency key to invoice writes owner:M. Tanaka due:2026-06-12 ref:batch-billing#498";
        let action = typed(bare).unwrap().unwrap();
        let named = bare.replace("add Add", "add text:Add");
        assert_eq!(typed(&named), Ok(Some(action.clone())));
        let pairs = [
            ("text", "Add idempotency key to invoice writes"),
            ("owner", "M. Tanaka"),
            ("due", "2026-06-12"),
            ("ref", "batch-billing#498"),
        ];
        assert_eq!(options(&["action", "add"], &pairs), Ok(action.clone()));
        assert_eq!(noted(bare), action);
        let done = Command::ActionSetStatus {
            n: 3,
            status: ActionStatus::Done,
        };
        assert_eq!(typed("/action done 3"), Ok(Some(done.clone())));
        assert_eq!(options(&["action", "done"], &[("n", "3")]), Ok(done));
    }

    #[test]
    fn other_messages_are_not_commands() {
        let others = [
            "```\n/phase mitigate\n```",
            "> /phase mitigate",
            "`/phase mitigate`",
            "/giphy cat",
            "/shrug",
            "we should /phase mitigate soon",
            "thanks all\n/phase mitigate",
            "",
        ];
        for text in others {
            assert_eq!(typed(text), Ok(None), "{text}");
        }
    }

    #[test]
    fn mentions_keep_the_person_id() {
        let cmd = typed("/incident set commander:<@123>").unwrap().unwrap();
        let Command::IncidentSet(patch) = cmd else {
            panic!("not a patch: {cmd:?}");
        };
        assert_eq!(patch.commander, Some(tanaka()));
        let err = typed("/incident set commander:<@999>").unwrap_err();
        assert!(err.0.contains("\"<@999>\""), "{err}");
    }

    #[test]
    fn confirmations_read_back() {
        let samples = [
            "/phase mitigate at:04:51",
            "/event text:Queue paused: \"all\" dispatch stopped at:04:52 key:no",
            "/action add Make retries idempotent owner:<@123> due:2026-06-12",
            "/rootcause Retried writes were not idempotent.\nNothing required them to be.",
            "/impact card label:Duplicate drafts value:1,842",
            "/control add name:Reconciliation check type:detective outcome:worked",
        ];
        for tz in [
            chrono_tz::UTC,
            chrono_tz::Europe::Amsterdam,
            chrono_tz::America::New_York,
        ] {
            for text in samples {
                let cmd = typed(text).unwrap().unwrap();
                let line = confirmation(&cmd, tz);
                let back = with_chat(tz, |ctx| parse_confirmation(&line, ctx));
                let back = back.expect("reads back");
                assert_eq!(canonical(&back, tz), canonical(&cmd, tz), "{line}");
            }
        }
    }

    #[test]
    fn a_confirmation_keeps_the_mentioned_id_when_the_reader_knows_it() {
        let cmd = typed("/action add Make retries idempotent owner:<@123> due:2026-06-12");
        let cmd = cmd.unwrap().unwrap();
        let line = confirmation(&cmd, chrono_tz::UTC);
        let back = with_chat(chrono_tz::UTC, |ctx| parse_confirmation(&line, ctx));
        let Some(Command::ActionAdd { owner, .. }) = back else {
            panic!("{line}: {back:?}");
        };
        assert_eq!(owner, Person::named("M. Tanaka"));
    }

    #[test]
    fn text_that_is_no_confirmation_reads_as_none() {
        let texts = [
            "Phase → mitigate at 04:51 UTC",
            "we agreed · /shrug",
            "Message added to the timeline · Add to timeline: message 42",
            "Phase · /phase mitgate",
        ];
        for text in texts {
            let back = with_chat(chrono_tz::UTC, |ctx| parse_confirmation(text, ctx));
            assert_eq!(back, None, "{text}");
        }
    }

    #[test]
    fn errors_quote_at_most_eighty_characters() {
        let long = format!("/phase mitigate at:{}", "x".repeat(200));
        let err = typed(&long).unwrap_err().0;
        assert!(err.contains(&format!("\"{}…\"", "x".repeat(80))), "{err}");
        assert_eq!(quote_input("two\nlines"), "\"two…\"");
        assert_eq!(quote_input("short"), "\"short\"");
    }

    #[test]
    fn zones_are_iana_names() {
        assert_eq!(zone("Europe/Amsterdam"), Ok(chrono_tz::Europe::Amsterdam));
        assert!(zone("CEST").unwrap_err().0.contains("\"CEST\""));
    }

    /// Every kind of refused input, with the message the responder sees.
    #[test]
    fn rejected_inputs_say_what_would_be_accepted() {
        let ams = chrono_tz::Europe::Amsterdam;
        let undated = Clock::Notes { date: None };
        let dated = Clock::Notes {
            date: "2026-06-03".parse().ok(),
        };
        let cases: Vec<(Tz, Clock, String)> = [
            "/phase mitgate",
            "/phase",
            "/action add text:Fix it owner:M. Tanaka due:next friday",
            "/action add text:Fix it owner:M. Tanaka due:2026-06-12 owner:J. Lindqvist",
            "/action add assignee:J. Lindqvist text:Fix it",
            "/action add text:Fix it due:2026-06-12",
            "/action finish 3",
            "/action",
            "/action done 0",
            "/action edit 3",
            "/event text:Queue paused at:25:99",
            "/event text:Queue paused at:12:60",
            "/event text:Queue paused at:2026-02-30 10:00",
            "/event text:Queue paused key:maybe",
            "/event text: at:04:52",
            "/phase mitigate\nthanks all",
            "/incident open INC2417 title:Duplicates severity:SEV-2",
            "/incident open INC-2417 title:Duplicates severity:P1",
            "/incident set",
            "/incident set commander:<@999>",
            "/mark noticed",
            "/control add name:Reconciliation type:manual outcome:worked",
            "/why add text:\"the retry: re-ran",
            "/postmortem publish now",
        ]
        .into_iter()
        .map(|t| (chrono_tz::UTC, chat_now(), t.to_string()))
        .chain([
            (
                ams,
                chat_now(),
                "/phase mitigate at:2026-03-29 02:30".to_string(),
            ),
            (ams, dated, "/event text:Queue paused at:-15m".to_string()),
            (ams, undated, "/phase mitigate at:04:51".to_string()),
            (
                chrono_tz::UTC,
                chat_now(),
                format!("/mark started at:{}", "9".repeat(100)),
            ),
        ])
        .collect();
        let mut report = Vec::new();
        for (tz, clock, text) in &cases {
            let outcome = with_clock(*tz, *clock, |ctx| parse_typed(text, ctx));
            let shown = match outcome {
                Err(e) => e.0,
                Ok(other) => format!("NOT REFUSED: {other:?}"),
            };
            report.push(format!("{}\n  -> {shown}", text.replace('\n', "\\n")));
        }
        let refused = options(&["action", "add"], &[("assignee", "J. Lindqvist")]);
        report.push(format!(
            "parse_options assignee\n  -> {}",
            refused.unwrap_err()
        ));
        insta::assert_snapshot!(report.join("\n"));
    }

    #[test]
    fn dst_overlap_reads_the_earlier_instant() {
        let ams = chrono_tz::Europe::Amsterdam;
        let cmd = with_chat(ams, |ctx| {
            parse_typed("/phase resolve at:2026-10-25 02:30", ctx)
        });
        let at = "2026-10-25T00:30:00Z".parse().ok();
        assert_eq!(
            cmd,
            Ok(Some(Command::Phase {
                phase: Phase::Resolve,
                at
            }))
        );
    }
}
