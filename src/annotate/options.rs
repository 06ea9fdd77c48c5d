//! The checks every spelling shares once its options are split out:
//! known names, no repeats, trimmed non-empty values, one-line values
//! where a paragraph makes no sense, and required options present.

use super::commands::Spec;
use super::{AnnotateError, quote_input};

/// What an option's value is; decides whether it may span lines, whether
/// it may stand bare in the canonical spelling, and the hint in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Free text on one line (a title, a label, a reference).
    Line,
    /// Free text that may run over several lines of the message.
    Paragraph,
    /// A name, `@name` or a Discord mention.
    Person,
    /// A moment: clock time, date and time, or relative.
    Time,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An item number from 1.
    Number,
    /// `yes` or `no`.
    YesNo,
    /// One word from a closed list (phase, mark, severity, id...).
    Word,
}

impl Kind {
    /// Free text absorbs anything, including words that look like options.
    pub(super) fn is_free_text(self) -> bool {
        matches!(self, Kind::Line | Kind::Paragraph)
    }
}

/// One option of a command.
#[derive(Debug, Clone, Copy)]
pub(super) struct Opt {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

/// A required option.
pub(super) const fn req(name: &'static str, kind: Kind) -> Opt {
    Opt {
        name,
        kind,
        required: true,
    }
}

/// An optional option.
pub(super) const fn opt(name: &'static str, kind: Kind) -> Opt {
    Opt {
        name,
        kind,
        required: false,
    }
}

/// A sample value for an option, so an error can show what would work.
pub(super) fn example(name: &str) -> &'static str {
    match name {
        "id" => "INC-2417",
        "title" => "Duplicate invoices after failover",
        "severity" => "SEV-2",
        "commander" | "owner" => "@name",
        "at" | "since" => "04:51",
        "due" => "2026-06-12",
        "ref" => "batch-billing#498",
        "n" => "3",
        "phase" => "mitigate",
        "mark" => "detected",
        "status" => "active",
        "key" => "yes",
        "label" => "Duplicate drafts",
        "value" => "1,842",
        "type" => "detective",
        "outcome" => "worked",
        "name" => "reconciliation check",
        "text" => "what happened",
        "summary" => "what happened and why",
        "note" => "caught it before dispatch",
        _ => "...",
    }
}

/// The options of one command after the shared checks; values trimmed.
#[derive(Debug)]
pub(super) struct Args {
    values: Vec<(&'static str, String)>,
}

impl Args {
    /// Checks `given` against `spec` and keeps the trimmed values.
    pub(super) fn check(spec: &Spec, given: &[(String, String)]) -> Result<Args, AnnotateError> {
        let mut values: Vec<(&'static str, String)> = Vec::with_capacity(given.len());
        for (name, value) in given {
            let opt = known(spec, name)?;
            if values.iter().any(|(seen, _)| *seen == opt.name) {
                return Err(AnnotateError(format!(
                    "option \"{}\" given twice: give each option once",
                    opt.name
                )));
            }
            values.push((opt.name, checked_value(opt, value)?));
        }
        let args = Args { values };
        args.require(spec)?;
        args.require_change(spec)?;
        Ok(args)
    }

    /// Errors unless every required option is here.
    fn require(&self, spec: &Spec) -> Result<(), AnnotateError> {
        let mut required = spec.options.iter().filter(|o| o.required);
        match required.find(|o| self.get(o.name).is_none()) {
            Some(missing) => Err(AnnotateError(format!(
                "{} is missing option \"{}\": add it, like {}:{}",
                spec.title(),
                missing.name,
                missing.name,
                example(missing.name)
            ))),
            None => Ok(()),
        }
    }

    /// Errors when an edit names its item but nothing to change.
    fn require_change(&self, spec: &Spec) -> Result<(), AnnotateError> {
        let changes = spec.options.iter().filter(|o| !o.required);
        if !spec.needs_one || changes.clone().any(|o| self.get(o.name).is_some()) {
            return Ok(());
        }
        let names: Vec<&str> = changes.map(|o| o.name).collect();
        Err(AnnotateError(format!(
            "{} needs something to change: give one or more of {}",
            spec.title(),
            names.join(", ")
        )))
    }

    /// The value of an option, if given.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(seen, _)| *seen == name)
            .map(|(_, value)| value.as_str())
    }

    /// The value of a required option (the checks guarantee it).
    pub(super) fn need(&self, name: &str) -> Result<&str, AnnotateError> {
        self.get(name).ok_or_else(|| {
            AnnotateError(format!(
                "option \"{name}\" is missing: add it, like {name}:{}",
                example(name)
            ))
        })
    }

    /// An optional free-text value.
    pub(super) fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_string)
    }

    /// An optional value run through `read`.
    pub(super) fn read<T>(
        &self,
        name: &str,
        read: impl FnOnce(&str) -> Result<T, AnnotateError>,
    ) -> Result<Option<T>, AnnotateError> {
        self.get(name).map(read).transpose()
    }
}

/// The option `name` of `spec`, or an error listing the ones it has.
pub(super) fn known(spec: &Spec, name: &str) -> Result<&'static Opt, AnnotateError> {
    spec.options.iter().find(|o| o.name == name).ok_or_else(|| {
        let names: Vec<&str> = spec.options.iter().map(|o| o.name).collect();
        let listed = if names.is_empty() {
            "it takes none".to_string()
        } else {
            format!("its options are {}", names.join(", "))
        };
        AnnotateError(format!(
            "{} has no option {}: {listed}",
            spec.title(),
            quote_input(name)
        ))
    })
}

/// Trims a value and refuses an empty one, or a line break where only
/// paragraphs may have them.
fn checked_value(opt: &Opt, value: &str) -> Result<String, AnnotateError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AnnotateError(format!(
            "option \"{}\" is empty: give it a value, like {}:{}",
            opt.name,
            opt.name,
            example(opt.name)
        )));
    }
    if opt.kind != Kind::Paragraph && value.contains(['\n', '\r']) {
        return Err(AnnotateError(format!(
            "option \"{}\" must fit on one line: only text, summary and note may run over several lines",
            opt.name
        )));
    }
    Ok(value.to_string())
}
