//! Splits a typed command into its command and its options as written,
//! the way Discord shows a used slash command: `/action add text:...
//! owner:... due:...`. A value runs to the next ` name:` of an option of
//! that command, or is quoted; the first required option may stand bare.

use std::sync::LazyLock;

use regex::Regex;

use super::commands::{self, Spec};
use super::options::known;
use super::{AnnotateError, quote_input};

/// Options as written: names and untrimmed values.
pub(super) type Written = Vec<(String, String)>;

/// A word and a colon right after a gap, inside a value that should be
/// short: most likely an option this command does not have.
static STRAY_OPTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s([a-z][a-z_]*):\S").expect("valid pattern"));

/// The command and options of a typed command; `None` when `text` does
/// not start with `/` and a Scribe command word.
pub(super) fn lex(text: &str) -> Result<Option<(&'static Spec, Written)>, AnnotateError> {
    let Some((word, rest)) = command_word(text) else {
        return Ok(None);
    };
    let (spec, rest) = resolve(&word, rest)?;
    Ok(Some((spec, split(spec, rest)?)))
}

/// The lower-cased first word after the slash, when it is a Scribe
/// command, and the text after it.
fn command_word(text: &str) -> Option<(String, &str)> {
    let after = text.strip_prefix('/')?;
    let end = after.find(char::is_whitespace).unwrap_or(after.len());
    let word = after[..end].to_ascii_lowercase();
    commands::is_command_word(&word).then_some((word, &after[end..]))
}

/// The next whitespace-separated word of `text`, and what follows it.
fn next_word(text: &str) -> (&str, &str) {
    let start = text.trim_start();
    let end = start.find(char::is_whitespace).unwrap_or(start.len());
    start.split_at(end)
}

/// The longest run of command words that names a command
/// (`/impact card remove 2` over `/impact card`).
fn resolve<'t>(word: &str, rest: &'t str) -> Result<(&'static Spec, &'t str), AnnotateError> {
    let mut path = vec![word.to_string()];
    let mut best = commands::find(&[word]).map(|spec| (spec, rest));
    let mut remaining = rest;
    loop {
        let (next, after) = next_word(remaining);
        path.push(next.to_ascii_lowercase());
        let words: Vec<&str> = path.iter().map(String::as_str).collect();
        if next.is_empty() || !leads_somewhere(&words) {
            break;
        }
        if let Some(spec) = commands::find(&words) {
            best = Some((spec, after));
        }
        remaining = after;
    }
    best.ok_or_else(|| bad_subcommand(word, rest))
}

/// True when some command starts with these words.
fn leads_somewhere(words: &[&str]) -> bool {
    commands::SPECS
        .iter()
        .any(|s| s.path.len() >= words.len() && s.path.iter().zip(words).all(|(a, b)| a == b))
}

pub(super) fn bad_subcommand(word: &str, rest: &str) -> AnnotateError {
    let choices = commands::subcommands(word).join(", ");
    let (next, _) = next_word(rest);
    if next.is_empty() {
        AnnotateError(format!("/{word} needs a subcommand: use one of {choices}"))
    } else {
        AnnotateError(format!(
            "/{word} has no subcommand {}: use one of {choices}",
            quote_input(next)
        ))
    }
}

/// Splits the text after the command words into options.
fn split(spec: &Spec, rest: &str) -> Result<Written, AnnotateError> {
    let names: Vec<&'static str> = spec.options.iter().map(|o| o.name).collect();
    let mut written = Written::new();
    let mut pos = skip_space(rest, 0);
    while pos < rest.len() {
        let (name, start) = match option_at(rest, pos, &names) {
            Some(name) => (name, pos + name.len() + 1),
            None if written.is_empty() => (bare_name(spec, &rest[pos..])?, pos),
            None => return Err(stray_text(&rest[pos..])),
        };
        let (value, end, quoted) = read_value(rest, start, &names, name)?;
        if !quoted {
            check_short(spec, name, &value)?;
        }
        written.push((name.to_string(), value));
        pos = skip_space(rest, end);
    }
    Ok(written)
}

fn skip_space(text: &str, from: usize) -> usize {
    text.len() - text[from..].trim_start().len()
}

/// The option whose `name:` starts at `pos`, if any.
fn option_at(text: &str, pos: usize, names: &[&'static str]) -> Option<&'static str> {
    let here = &text[pos..];
    names.iter().copied().find(|name| {
        here.strip_prefix(name)
            .is_some_and(|after| after.starts_with(':'))
    })
}

/// The option a value without a name belongs to: the first required
/// one. Text that reads `word:value` is taken as an unknown option.
fn bare_name(spec: &Spec, text: &str) -> Result<&'static str, AnnotateError> {
    if let Some(word) = leading_option_word(text) {
        known(spec, word)?;
    }
    if let Some(opt) = spec.bare() {
        return Ok(opt.name);
    }
    let title = spec.title();
    let shown = quote_input(text.trim());
    Err(AnnotateError(match spec.options.first() {
        None => format!("{title} takes no options, but was given {shown}"),
        Some(first) => format!(
            "{title} takes no bare value like {shown}: name the option, like {}:{}",
            first.name,
            super::options::example(first.name)
        ),
    }))
}

/// `word` when `text` starts `word:x`, as an option would; not for a
/// web address (`https://`), which text may well start with.
fn leading_option_word(text: &str) -> Option<&str> {
    let (word, after) = text.split_once(':')?;
    let wordlike = word.starts_with(|c: char| c.is_ascii_lowercase())
        && word.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    let valued = after.starts_with(|c: char| !c.is_whitespace() && c != '/');
    (wordlike && valued).then_some(word)
}

fn stray_text(text: &str) -> AnnotateError {
    AnnotateError(format!(
        "unexpected {} after a quoted value: quote the whole value, or name the option it belongs to",
        quote_input(text)
    ))
}

/// A value from `start`: quoted, or running to the next ` name:`.
/// Returns the value, where it ends, and whether it was quoted.
fn read_value(
    text: &str,
    start: usize,
    names: &[&'static str],
    name: &str,
) -> Result<(String, usize, bool), AnnotateError> {
    let first = skip_space(text, start);
    if text[first..].starts_with('"') {
        let (value, end) = read_quoted(text, first, name)?;
        return Ok((value, end, true));
    }
    let end = value_end(text, start, names);
    Ok((text[start..end].to_string(), end, false))
}

/// Where an unquoted value from `start` ends: at the whitespace before
/// the next option name of this command, else at the end.
fn value_end(text: &str, start: usize, names: &[&'static str]) -> usize {
    let gaps = text[start..]
        .char_indices()
        .filter(|(_, c)| c.is_whitespace());
    for (i, c) in gaps {
        if option_at(text, start + i + c.len_utf8(), names).is_some() {
            return start + i;
        }
    }
    text.len()
}

/// A value in double quotes from `open`; `\"` and `\\` stand for `"`
/// and `\`, any other backslash is kept.
fn read_quoted(text: &str, open: usize, name: &str) -> Result<(String, usize), AnnotateError> {
    let body = &text[open + 1..];
    let mut value = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some((_, '"' | '\\'))) => {
                value.extend(chars.next().map(|(_, escaped)| escaped));
            }
            '"' => return closed(text, open + 1 + i + 1, name).map(|end| (value, end)),
            _ => value.push(c),
        }
    }
    Err(AnnotateError(format!(
        "the quoted value of \"{name}\" is never closed: end it with \""
    )))
}

/// Checks that a closing quote at `end - 1` ends the value.
fn closed(text: &str, end: usize, name: &str) -> Result<usize, AnnotateError> {
    let after = &text[end..];
    if after.is_empty() || after.starts_with(char::is_whitespace) {
        Ok(end)
    } else {
        Err(AnnotateError(format!(
            "the value of \"{name}\" goes on after its closing quote: quote the whole value"
        )))
    }
}

/// A short value (a name, a time, a word) holding ` word:` almost
/// always means an option this command does not have.
fn check_short(spec: &Spec, name: &str, value: &str) -> Result<(), AnnotateError> {
    let short = known(spec, name).is_ok_and(|opt| !opt.kind.is_free_text());
    match STRAY_OPTION.captures(value) {
        Some(caps) if short => known(spec, &caps[1]).map(|_| ()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexed(text: &str) -> (String, Vec<(String, String)>) {
        let (spec, written) = lex(text).expect("lexes").expect("a command");
        let trimmed = written.into_iter().map(|(n, v)| (n, v.trim().to_string()));
        (spec.title(), trimmed.collect())
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn values_run_to_the_next_option_of_the_command() {
        let (title, options) = lexed("/event text:Fix the ref parser at 10:00 at:10:05");
        assert_eq!(title, "/event");
        assert_eq!(
            options,
            pairs(&[("text", "Fix the ref parser at 10:00"), ("at", "10:05")])
        );
    }

    #[test]
    fn words_of_other_commands_stay_in_the_value() {
        let (_, options) = lexed("/why add the check owner:nobody ran");
        assert_eq!(options, pairs(&[("text", "the check owner:nobody ran")]));
    }

    #[test]
    fn quoted_values_keep_option_like_text_and_escapes() {
        let (_, options) =
            lexed(r#"/action edit 3 text:"Fix the ref: parser \"now\" at:C:\tmp" ref:LH-731"#);
        let text = r#"Fix the ref: parser "now" at:C:\tmp"#;
        assert_eq!(
            options,
            pairs(&[("n", "3"), ("text", text), ("ref", "LH-731")])
        );
    }

    #[test]
    fn longest_command_words_win() {
        assert_eq!(lexed("/impact card remove 2").0, "/impact card remove");
        assert_eq!(
            lexed("/impact card label:Drafts value:12").0,
            "/impact card"
        );
        assert_eq!(lexed("/event edit 4 phase:detect").0, "/event edit");
        assert_eq!(lexed("/event editing the runbook").0, "/event");
        assert_eq!(lexed("/ACTION Done 3").0, "/action done");
    }

    #[test]
    fn paragraph_values_continue_on_later_lines() {
        let (_, options) =
            lexed("/rootcause Retries were not idempotent.\nNothing required them to be.");
        let text = "Retries were not idempotent.\nNothing required them to be.";
        assert_eq!(options, pairs(&[("text", text)]));
        let (_, options) = lexed("/action add text:Add a key\nowner:@mt due:2026-06-12");
        assert_eq!(options[1], ("owner".to_string(), "@mt".to_string()));
    }

    #[test]
    fn non_commands_are_not_lexed() {
        for text in [
            "/giphy cat",
            "/shrug",
            "/phases",
            "phase mitigate",
            "`/phase mitigate`",
            "",
        ] {
            assert!(matches!(lex(text), Ok(None)), "{text}");
        }
    }

    #[test]
    fn malformed_options_are_refused() {
        let cases = [
            ("/action add assignee:bob", "has no option \"assignee\""),
            (
                "/action add text:x owner:bob lead:ann due:2026-06-12",
                "has no option \"lead\"",
            ),
            ("/why add text:\"never closed", "is never closed"),
            ("/why add text:\"closed\"early", "after its closing quote"),
            (
                "/link add label:\"PR\" 498 ref:x",
                "unexpected \"498 ref:x\"",
            ),
            ("/impact start 04:51", "takes no bare value"),
            ("/action list mine", "takes no options"),
            ("/action finish 3", "no subcommand \"finish\""),
            ("/why", "needs a subcommand"),
        ];
        for (text, wanted) in cases {
            let err = lex(text).expect_err(text).0;
            assert!(err.contains(wanted), "{text}: {err}");
        }
    }
}
