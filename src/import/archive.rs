//! Scribe's own archive, `scribe.incident/1`, read back: the JSON that
//! `scribe export` writes, or a record HTML file carrying it in its
//! `<script type="application/json" id="scribe-archive">` block.
//!
//! The archive is a [`Dossier`] plus `"schema"` and a `"derived"` object
//! of computed values; import ignores `derived` and lets the ledger
//! compute it again.

use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use crate::model::Dossier;

use super::ImportError;

/// The schema this version writes and reads.
pub const SCHEMA: &str = "scribe.incident/1";

/// What a file is, judged from its first few kilobytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A DiscordChatExporter JSON export: read with [`super::dce::read`].
    DceJson,
    /// Scribe's archive JSON: read with [`read_archive`].
    ScribeJson,
    /// A Scribe record, with the archive inside: read with [`read_archive`].
    ScribeHtml,
    /// HTML that is not a Scribe record, which in practice is a DCE HTML
    /// export; [`ImportError::HtmlExport`] says how to get JSON instead.
    DceHtml,
    /// Anything else.
    Unknown,
}

/// Tells the kinds of file apart from their first bytes (a few KB is
/// plenty; the whole file works too).
///
/// A record is recognised by the archive block's id or by its
/// `<meta name="generator" content="Scribe…">`, which sits in the head.
/// JSON is told by its first key: DCE writes `guild` first, Scribe
/// writes `schema` or `incident`.
pub fn sniff(first_bytes: &[u8]) -> Kind {
    let head = String::from_utf8_lossy(first_bytes);
    let head = head.trim_start_matches('\u{FEFF}').trim_start();
    match head.as_bytes().first() {
        Some(b'<') => sniff_html(head),
        Some(b'{') => sniff_json(head),
        _ => Kind::Unknown,
    }
}

fn sniff_html(head: &str) -> Kind {
    let lower = head.to_ascii_lowercase();
    let generator = lower.contains(r#"name="generator" content="scribe"#);
    if generator || ARCHIVE_ID.is_match(&lower) {
        Kind::ScribeHtml
    } else {
        Kind::DceHtml
    }
}

fn sniff_json(head: &str) -> Kind {
    match first_key(head) {
        Some("schema" | "incident") => Kind::ScribeJson,
        Some("guild" | "channel" | "dateRange" | "exportedAt" | "messages") => Kind::DceJson,
        _ => Kind::Unknown,
    }
}

/// The first key of the JSON object `head` starts with.
fn first_key(head: &str) -> Option<&str> {
    let rest = head.strip_prefix('{')?.trim_start().strip_prefix('"')?;
    rest.split_once('"').map(|(key, _)| key)
}

/// Reads a Scribe archive: the JSON itself, or a record HTML file that
/// carries it. Refuses another schema, and HTML without the archive
/// block (a DCE HTML export, most likely).
pub fn read_archive(text: &str) -> Result<Dossier, ImportError> {
    let text = text.trim_start_matches('\u{FEFF}');
    let (json, line_offset) = match text.trim_start().as_bytes().first() {
        None => return Err(ImportError::Empty),
        Some(b'<') => embedded_json(text)?,
        Some(b'{') => (text, 0),
        Some(b'[') => return Err(ImportError::JsonArray),
        Some(_) => {
            return Err(ImportError::NotJson(
                "it starts with neither '{' nor '<'".into(),
            ));
        }
    };
    let parse_err = |err| ImportError::from_json(err, line_offset);
    let header: Header = serde_json::from_str(json).map_err(parse_err)?;
    check_schema(header.schema)?;
    serde_json::from_str(json).map_err(parse_err)
}

/// The part of an archive read before the whole of it.
#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    schema: Option<String>,
}

fn check_schema(schema: Option<String>) -> Result<(), ImportError> {
    let schema = schema.ok_or(ImportError::NoSchema)?;
    if schema == SCHEMA {
        return Ok(());
    }
    let version = schema.strip_prefix("scribe.incident/");
    match version.and_then(|v| v.parse::<u32>().ok()) {
        Some(v) if v > 1 => Err(ImportError::NewerSchema(schema)),
        _ => Err(ImportError::UnknownSchema(
            schema.chars().take(60).collect(),
        )),
    }
}

static ARCHIVE_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\bid\s*=\s*["']?scribe-archive\b"#).expect("valid pattern"));

/// The archive block's opening tag and its content, up to `</script`.
/// The JSON inside is written with `<` as `\u003c`, so the first
/// `</script` is the block's own end.
static ARCHIVE_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<script\b[^>]*\bid\s*=\s*["']?scribe-archive\b[^>]*>(.*?)</script"#)
        .expect("valid pattern")
});

/// The JSON inside a record, and how many lines come before it, so a
/// parse error points at the right line of the HTML file.
fn embedded_json(html: &str) -> Result<(&str, usize), ImportError> {
    let content = ARCHIVE_BLOCK
        .captures(html)
        .and_then(|caps| caps.get(1))
        .ok_or(ImportError::HtmlExport)?;
    let lines_before = html[..content.start()].matches('\n').count();
    Ok((content.as_str(), lines_before))
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::model::{Author, Incident, Message, Snowflake};

    fn dossier() -> Dossier {
        let at: DateTime<Utc> = "2026-06-03T04:41:00Z".parse().unwrap();
        let message = Message {
            id: Snowflake(1_467_000_000_000_000_001),
            channel_id: Some(Snowflake(42)),
            author: Author {
                id: Snowflake(7),
                name: "M. Tanaka".into(),
                is_bot: false,
            },
            posted_at: "2026-06-03T06:41:00+02:00".parse().unwrap(),
            edited_at: None,
            content: "</script><!-- <b>not markup</b> & more".into(),
            history: vec![],
            attachments: vec![],
            embeds: vec![],
            mentions: vec![],
            pinned: true,
            pin_reactions: vec![],
            reply_to: None,
            interaction: None,
            typed: None,
        };
        Dossier {
            incident: Incident {
                id: "INC-2417".parse().unwrap(),
                timezone: "UTC".into(),
                created_at: at,
                channel: None,
                posts: vec![],
            },
            messages: vec![message],
            tombstones: vec![],
            annotations: vec![],
        }
    }

    /// The archive as the renderer writes it: schema first, derived last.
    fn archive_json(schema: &str) -> String {
        let mut value = serde_json::json!({ "schema": schema });
        let body = serde_json::to_value(dossier()).unwrap();
        value
            .as_object_mut()
            .unwrap()
            .extend(body.as_object().unwrap().clone());
        value["derived"] = serde_json::json!({ "metrics": { "duration": "5h" } });
        serde_json::to_string_pretty(&value).unwrap()
    }

    /// A record page with the archive escaped for a script block.
    fn record_html(json: &str) -> String {
        let escaped = json.replace('<', "\\u003c").replace('>', "\\u003e");
        format!(
            "<!DOCTYPE html>\n<html><head><meta name=\"generator\" content=\"Scribe 0.1\">\
             \n<title>INC-2417</title></head>\n<body><main>…</main>\n\
             <script type=\"application/json\" id=\"scribe-archive\">{escaped}</script>\n\
             </body></html>\n"
        )
    }

    #[test]
    fn the_json_reads_back_to_the_same_dossier() {
        let read = read_archive(&archive_json(SCHEMA)).unwrap();
        assert_eq!(read, dossier());
        assert_eq!(read.messages[0].posted_at.offset().local_minus_utc(), 7200);
    }

    #[test]
    fn a_record_gives_up_its_archive_unescaped_by_json() {
        let read = read_archive(&record_html(&archive_json(SCHEMA))).unwrap();
        assert_eq!(
            read.messages[0].content,
            "</script><!-- <b>not markup</b> & more"
        );
        assert_eq!(read, dossier());
    }

    #[test]
    fn the_renderers_own_record_reads_back() {
        let as_of = "2026-06-20T12:00:00Z".parse().unwrap();
        let settings = crate::settings::Settings::default();
        let html = crate::render::record(&dossier(), &settings, as_of)
            .unwrap()
            .html;
        let head = &html.as_bytes()[..html.len().min(4096)];
        assert_eq!(sniff(head), Kind::ScribeHtml);
        assert_eq!(read_archive(&html).unwrap(), dossier());
        assert_eq!(SCHEMA, crate::render::archive::SCHEMA);
    }

    #[test]
    fn a_broken_archive_in_a_record_points_at_the_html_line() {
        let html = record_html("{\n\"schema\": \"scribe.incident/1\",\n\"incident\": }");
        let Err(ImportError::Malformed { line, .. }) = read_archive(&html) else {
            panic!("not malformed");
        };
        assert_eq!(line, 7);
    }

    #[test]
    fn other_schemas_are_refused_by_name() {
        let newer = read_archive(&archive_json("scribe.incident/2")).unwrap_err();
        assert_eq!(
            newer.to_string(),
            "written by a newer Scribe (scribe.incident/2); this version reads scribe.incident/1"
        );
        let odd = read_archive(&archive_json("acme.timeline/1")).unwrap_err();
        assert!(matches!(odd, ImportError::UnknownSchema(ref s) if s == "acme.timeline/1"));
        let none = read_archive(r#"{"incident": {}}"#).unwrap_err();
        assert!(matches!(none, ImportError::NoSchema), "{none}");
    }

    #[test]
    fn html_without_the_archive_is_taken_for_a_dce_export() {
        let dce = "<!DOCTYPE html>\n<html><head><title>ABC Corp - inc</title></head></html>";
        assert!(matches!(read_archive(dce), Err(ImportError::HtmlExport)));
        assert!(matches!(read_archive("  "), Err(ImportError::Empty)));
        assert!(matches!(read_archive("[]"), Err(ImportError::JsonArray)));
    }

    #[test]
    fn sniffing_tells_the_five_kinds_apart() {
        let dce_json = "{\n  \"guild\": {\n    \"id\": \"1\",\n    \"name\": \"ABC Corp\"";
        assert_eq!(sniff(dce_json.as_bytes()), Kind::DceJson);
        assert_eq!(sniff(b"\xEF\xBB\xBF{\"messages\": []}"), Kind::DceJson);
        assert_eq!(sniff(archive_json(SCHEMA).as_bytes()), Kind::ScribeJson);
        assert_eq!(
            sniff(b"{\"incident\": {\"id\": \"INC-2417\""),
            Kind::ScribeJson
        );

        let record = record_html(&archive_json(SCHEMA));
        assert_eq!(sniff(&record.as_bytes()[..200]), Kind::ScribeHtml);
        let no_meta = "<html><body><script id='scribe-archive' type='application/json'>";
        assert_eq!(sniff(no_meta.as_bytes()), Kind::ScribeHtml);
        let dce_html = "\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>ABC Corp - inc</title>\
                        <style>.chatlog__message { display: grid; }</style>";
        assert_eq!(sniff(dce_html.as_bytes()), Kind::DceHtml);

        for unknown in [
            &b""[..],
            b"PK\x03\x04",
            b"[1, 2]",
            b"{\"rows\": []}",
            b"hello",
        ] {
            assert_eq!(sniff(unknown), Kind::Unknown, "{unknown:?}");
        }
    }
}
