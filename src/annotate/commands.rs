//! The table of commands: each one's words, its options, and the
//! builder that turns checked options into a [`Command`]. Every
//! spelling ends here.

use super::builders as b;
use super::options::Kind::{Date, Line, Number, Paragraph, Person, Time, Word, YesNo};
use super::options::{Args, Opt, opt, req};
use super::{AnnotateError, Context};
use crate::model::Command;

/// Turns a command's checked options into the command.
type Build = fn(&Args, &Context) -> Result<Command, AnnotateError>;

/// One command of the annotation language.
#[derive(Debug)]
pub(super) struct Spec {
    /// The command words, without the slash: `["action", "add"]`.
    pub path: &'static [&'static str],
    /// Its options in canonical order; required ones first.
    pub options: &'static [Opt],
    /// Edits: at least one optional option must be given.
    pub needs_one: bool,
    /// Turns checked options into the command.
    pub build: Build,
}

impl Spec {
    /// The command as written, `/action add`.
    pub(super) fn title(&self) -> String {
        format!("/{}", self.path.join(" "))
    }

    /// The option that may be given without its name: the first
    /// required one.
    pub(super) fn bare(&self) -> Option<&'static Opt> {
        self.options.iter().find(|o| o.required)
    }
}

/// The options of a command that takes only an item number.
const N: &[Opt] = &[req("n", Number)];
/// The options of a command that takes only a time.
const AT: &[Opt] = &[opt("at", Time)];

/// A command whose optional options may all be left out.
const fn spec(path: &'static [&'static str], options: &'static [Opt], build: Build) -> Spec {
    Spec {
        path,
        options,
        needs_one: false,
        build,
    }
}

/// An edit: at least one of its optional options must be given.
const fn edit(path: &'static [&'static str], options: &'static [Opt], build: Build) -> Spec {
    Spec {
        needs_one: true,
        ..spec(path, options, build)
    }
}

/// Every typed command. Message-menu commands have no typed spelling.
pub(super) const SPECS: &[Spec] = &[
    spec(
        &["incident", "open"],
        &[
            req("id", Word),
            req("title", Line),
            req("severity", Word),
            opt("commander", Person),
            opt("since", Time),
        ],
        b::incident_open,
    ),
    edit(
        &["incident", "set"],
        &[
            opt("title", Line),
            opt("severity", Word),
            opt("summary", Paragraph),
            opt("commander", Person),
            opt("status", Word),
        ],
        b::incident_set,
    ),
    spec(&["phase"], &[req("phase", Word), opt("at", Time)], b::phase),
    spec(
        &["event"],
        &[
            req("text", Paragraph),
            opt("at", Time),
            opt("phase", Word),
            opt("key", YesNo),
        ],
        b::event,
    ),
    edit(
        &["event", "edit"],
        &[
            req("n", Number),
            opt("text", Paragraph),
            opt("at", Time),
            opt("phase", Word),
        ],
        b::event_edit,
    ),
    spec(&["event", "remove"], N, b::event_remove),
    spec(&["mark"], &[req("mark", Word), opt("at", Time)], b::mark),
    spec(&["impact", "start"], AT, b::impact_start),
    spec(&["impact", "end"], AT, b::impact_end),
    spec(
        &["impact", "customers"],
        &[req("text", Paragraph)],
        b::impact_customers,
    ),
    spec(
        &["impact", "card"],
        &[req("label", Line), req("value", Line)],
        b::impact_card,
    ),
    spec(&["impact", "card", "remove"], N, b::impact_card_remove),
    spec(
        &["action", "add"],
        &[
            req("text", Paragraph),
            req("owner", Person),
            req("due", Date),
            opt("ref", Line),
        ],
        b::action_add,
    ),
    spec(&["action", "done"], N, b::action_done),
    spec(&["action", "wontdo"], N, b::action_wontdo),
    spec(&["action", "reopen"], N, b::action_reopen),
    spec(&["action", "remove"], N, b::action_remove),
    edit(
        &["action", "edit"],
        &[
            req("n", Number),
            opt("text", Paragraph),
            opt("owner", Person),
            opt("due", Date),
            opt("ref", Line),
        ],
        b::action_edit,
    ),
    spec(&["action", "list"], &[], |_, _| Ok(Command::ActionList)),
    spec(&["why", "add"], &[req("text", Paragraph)], b::why_add),
    spec(
        &["why", "edit"],
        &[req("n", Number), req("text", Paragraph)],
        b::why_edit,
    ),
    spec(&["why", "remove"], N, b::why_remove),
    spec(&["rootcause"], &[req("text", Paragraph)], b::root_cause),
    spec(
        &["control", "add"],
        &[
            req("name", Line),
            req("type", Word),
            req("outcome", Word),
            opt("note", Paragraph),
        ],
        b::control_add,
    ),
    edit(
        &["control", "edit"],
        &[
            req("n", Number),
            opt("name", Line),
            opt("type", Word),
            opt("outcome", Word),
            opt("note", Paragraph),
        ],
        b::control_edit,
    ),
    spec(&["control", "remove"], N, b::control_remove),
    spec(
        &["link", "add"],
        &[req("label", Line), req("ref", Line)],
        b::link_add,
    ),
    spec(&["link", "remove"], N, b::link_remove),
    spec(&["postmortem", "preview"], &[], |_, _| {
        Ok(Command::PostmortemPreview)
    }),
    spec(&["postmortem", "publish"], &[], |_, _| {
        Ok(Command::PostmortemPublish)
    }),
];

/// The command with exactly these words, in any case.
pub(super) fn find(path: &[&str]) -> Option<&'static Spec> {
    SPECS.iter().find(|s| {
        s.path.len() == path.len()
            && s.path
                .iter()
                .zip(path)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    })
}

/// True for the first word of a Scribe command (`phase`, `action`...).
pub(super) fn is_command_word(word: &str) -> bool {
    SPECS.iter().any(|s| s.path[0].eq_ignore_ascii_case(word))
}

/// True when some command has an option called `name`.
pub(super) fn is_option_name(name: &str) -> bool {
    SPECS.iter().flat_map(|s| s.options).any(|o| o.name == name)
}

/// Every command word, for an error that says what exists.
pub(super) fn listing() -> String {
    let mut words: Vec<String> = Vec::new();
    for word in SPECS.iter().map(|s| format!("/{}", s.path[0])) {
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words.join(", ")
}

/// The words that may follow `word` (`add`, `done`... after `action`).
pub(super) fn subcommands(word: &str) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = Vec::new();
    let under = SPECS
        .iter()
        .filter(|s| s.path[0] == word && s.path.len() > 1);
    for next in under.map(|s| s.path[1]) {
        if !found.contains(&next) {
            found.push(next);
        }
    }
    found
}

/// Checks `options` against `spec` and builds the command.
pub(super) fn build(
    spec: &Spec,
    options: &[(String, String)],
    ctx: &Context,
) -> Result<Command, AnnotateError> {
    let args = Args::check(spec, options)?;
    (spec.build)(&args, ctx)
}
