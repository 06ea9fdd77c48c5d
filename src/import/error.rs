//! Why a file could not be imported.
//!
//! Messages never quote chat text: a malformed export says where it broke
//! and what the parser expected, and nothing of what was written there.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::error::Category;

/// A file that could not be read as an export, with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The JSON is broken or does not have the shape of the export.
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    /// Neither JSON nor HTML; the text says what it looks like instead.
    #[error(
        "this file is not JSON ({0}): give a DiscordChatExporter JSON export, \
         a Scribe export or a Scribe record"
    )]
    NotJson(String),
    #[error(
        "this is a DiscordChatExporter HTML export: re-export the channel as JSON \
         (DiscordChatExporter --format Json)"
    )]
    HtmlExport,
    #[error("the file is empty: export the channel again with DiscordChatExporter --format Json")]
    Empty,
    #[error(
        "the file holds a JSON array, not an export: a DiscordChatExporter export \
         is one object with \"guild\", \"channel\" and \"messages\""
    )]
    JsonArray,
    #[error(
        "the JSON object has no \"messages\": it is not a DiscordChatExporter export \
         (export the channel with --format Json)"
    )]
    NoMessages,
    /// A Scribe export from a later version of the schema.
    #[error("written by a newer Scribe ({0}); this version reads scribe.incident/1")]
    NewerSchema(String),
    /// A `schema` Scribe does not know at all.
    #[error("unknown schema \"{0}\": this version reads scribe.incident/1")]
    UnknownSchema(String),
    /// JSON that is an object but carries no `schema`.
    #[error(
        "the JSON has no \"schema\": it is not a Scribe export (scribe.incident/1); \
         to import a channel, give its DiscordChatExporter JSON export"
    )]
    NoSchema,
    #[error("could not read the file: {0}")]
    Io(#[from] std::io::Error),
}

impl ImportError {
    /// Turns a serde_json error into a located, text-free one.
    /// `line_offset` counts lines consumed before the parser started.
    pub(crate) fn from_json(err: serde_json::Error, line_offset: usize) -> ImportError {
        if err.classify() == Category::Io {
            return ImportError::Io(err.into());
        }
        ImportError::Malformed {
            line: err.line() + line_offset,
            column: err.column(),
            message: describe(&err),
        }
    }
}

/// serde's own wording quotes an unexpected string value in full, which
/// could be a message's text: keep the kind of value and drop the text.
static QUOTED_STRING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"string "(?:[^"\\]|\\.)*""#).expect("valid pattern"));

fn describe(err: &serde_json::Error) -> String {
    let full = err.to_string();
    let message = match full.rsplit_once(" at line ") {
        Some((head, _)) => head,
        None => full.as_str(),
    };
    QUOTED_STRING.replace_all(message, "a string").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Flag {
        on: bool,
    }

    #[test]
    fn a_data_error_keeps_its_place_but_not_the_text() {
        let json = "{\n  \"on\": \"the primary is down, paging\"\n}";
        let err = serde_json::from_str::<Flag>(json).unwrap_err();
        let text = ImportError::from_json(err, 0).to_string();
        assert!(
            text.starts_with("malformed JSON at line 2, column"),
            "{text}"
        );
        assert!(text.contains("expected a boolean"), "{text}");
        assert!(!text.contains("paging"), "{text}");
    }

    #[test]
    fn a_syntax_error_says_what_was_expected() {
        let err = serde_json::from_str::<Flag>("{\"on\": true \"off\": 1}").unwrap_err();
        let ImportError::Malformed { line, message, .. } = ImportError::from_json(err, 3) else {
            panic!("not malformed");
        };
        assert_eq!(line, 4);
        assert!(message.contains("expected"), "{message}");
    }
}
