//! The HTML record and the archive JSON.
//!
//! [`record`] is the whole path: replay the ledger, build the [`View`]
//! (every value computed, in [`view`](mod@view)), lay it out with the template
//! (in [`html`]) and embed the archive JSON ([`archive`]). Chat text
//! reaches the page only through [`markdown`], which escapes it; log
//! excerpts are found by [`logs`].

pub mod logs;
pub mod markdown;

pub mod archive;
mod changes;
mod chat;
pub mod clock;
pub mod html;
mod sections;
mod timeline;
pub mod view;

#[cfg(test)]
mod fixture;

use chrono::{DateTime, Utc};

use crate::ledger::Ledger;
use crate::model::Dossier;
use crate::settings::Settings;

pub use archive::{archive_document, archive_json};
pub use chat::{Body, ChatRow, DayMark, Run, Transcript};
pub use sections::{ActionRow, ControlRow, Excerpt, LinkRow, LogRow, WhyRow};
pub use timeline::{Filter, Row, Timeline};
pub use view::{Html, View, view};

/// A rendered record and what the preview warns about.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub html: String,
    pub warnings: Vec<String>,
}

/// Why a record could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(
        "incident {id} has the time zone \"{zone}\", which is not known: \
         set an IANA name like UTC or Europe/Berlin"
    )]
    Zone { id: String, zone: String },
    #[error("the record template failed: {0}")]
    Template(#[from] minijinja::Error),
    #[error("the archive json could not be written: {0}")]
    Archive(#[from] serde_json::Error),
}

/// Renders the record of `dossier` as of `as_of`. The same dossier,
/// settings and `as_of` give the same bytes: nothing here reads a clock
/// or iterates a hash map.
pub fn record(
    dossier: &Dossier,
    settings: &Settings,
    as_of: DateTime<Utc>,
) -> Result<Rendered, RenderError> {
    let incident = &dossier.incident;
    crate::annotate::zone(&incident.timezone).map_err(|_| RenderError::Zone {
        id: incident.id.to_string(),
        zone: incident.timezone.clone(),
    })?;
    let ledger = Ledger::replay(dossier);
    let view = view(dossier, &ledger, settings, as_of);
    let archive = archive_document(dossier, &ledger, &settings.warnings, as_of);
    let html = html::page(&view, &archive::script_json(&archive)?)?;
    tracing::debug!(
        incident = %incident.id,
        messages = dossier.messages.len(),
        bytes = html.len(),
        "record rendered"
    );
    Ok(Rendered {
        html,
        warnings: archive.derived.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Command;

    fn rendered() -> Rendered {
        fixture::record()
    }

    /// The text between `open` and the next `close`.
    fn between<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
        let start = html.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
        let end = html[start..].find(close).unwrap() + start;
        &html[start..end]
    }

    #[test]
    fn sections_appear_in_order() {
        let html = rendered().html;
        let marks = [
            "<header class=\"doc\">",
            "id=\"impact\"",
            "id=\"summary\"",
            "id=\"timeline\"",
            "id=\"logs\"",
            "id=\"cause\"",
            "id=\"remediation\"",
            "id=\"controls\"",
            "id=\"references\"",
            "id=\"blameless\"",
            "id=\"transcript\"",
            "id=\"scribe-archive\"",
        ];
        let at: Vec<usize> = marks
            .iter()
            .map(|m| html.find(m).unwrap_or_else(|| panic!("{m}")))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    }

    #[test]
    fn policy_comes_first_and_names_the_exact_style_and_script() {
        let html = rendered().html;
        assert!(html.contains("<head>\n<meta http-equiv=\"Content-Security-Policy\""));
        let policy = between(
            &html,
            "http-equiv=\"Content-Security-Policy\" content=\"",
            "\"",
        );
        let style = between(&html, "<style>", "</style>");
        let script = between(&html, "<script>", "</script>");
        assert_eq!(style, html::STYLE);
        assert_eq!(script, html::SCRIPT);
        let expected = format!("script-src '{}'", html::sha256_source(script));
        assert!(policy.contains(&expected), "{policy}");
        let expected = format!("style-src '{}'", html::sha256_source(style));
        assert!(policy.contains(&expected), "{policy}");
        for directive in [
            "default-src 'none'",
            "img-src data:",
            "base-uri 'none'",
            "object-src 'none'",
        ] {
            assert!(policy.contains(directive), "{directive}");
        }
    }

    /// Every tag in the page outside its style and scripts: name and
    /// attributes, read the way a browser would.
    fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut found = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
                .collect();
            if name.is_empty() {
                continue;
            }
            let end = rest.find('>').unwrap();
            found.push((
                name.to_ascii_lowercase(),
                attributes(&rest[name.len()..end]),
            ));
            rest = &rest[end + 1..];
            if name == "style" || name == "script" {
                rest = &rest[rest.find("</").unwrap()..];
            }
        }
        found
    }

    fn attributes(mut text: &str) -> Vec<(String, String)> {
        let mut found = Vec::new();
        loop {
            text = text.trim_start();
            let name: String = text
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '=')
                .collect();
            if name.is_empty() {
                return found;
            }
            text = &text[name.len()..];
            let mut value = String::new();
            if let Some(after) = text.strip_prefix('=') {
                let (v, rest) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let close = after[1..].find(q).unwrap() + 1;
                        (&after[1..close], &after[close + 1..])
                    }
                    _ => after.split_at(after.find(char::is_whitespace).unwrap_or(after.len())),
                };
                value = v.to_string();
                text = rest;
            }
            found.push((name.to_ascii_lowercase(), value));
        }
    }

    #[test]
    fn chat_text_never_becomes_markup() {
        let html = rendered().html;
        let allowed = "!doctype html head meta title style body a header p span h1 dl div dt dd nav \
                       ol li main section h2 h3 button label input time b i details summary figure \
                       figcaption img ul table thead tbody tr th td blockquote strong em s u code \
                       pre br footer script";
        let allowed: Vec<&str> = allowed.split_whitespace().collect();
        for (tag, attributes) in tags(&html) {
            assert!(allowed.contains(&tag.as_str()), "tag <{tag}>");
            for (name, value) in attributes {
                assert!(
                    !name.starts_with("on") && name != "style",
                    "<{tag} {name}={value}>"
                );
                let safe_href = ["#", "http://", "https://", "mailto:"]
                    .iter()
                    .any(|p| value.starts_with(p));
                assert!(name != "href" || safe_href, "href={value}");
                let image = value.starts_with("data:image/png;base64,");
                assert!(name != "src" || image, "src={value}");
            }
        }
        assert_eq!(
            html.matches("<script").count(),
            2,
            "the archive block and ours"
        );
        assert!(!html.contains(fixture::XSS));
        assert!(
            html.contains("Sneaky &lt;script&gt;"),
            "escaped, not dropped"
        );
        assert!(
            html.contains("javascript:alert(document.cookie)"),
            "shown as text, never a link"
        );
    }

    #[test]
    fn archive_block_holds_no_angle_bracket_and_parses_back() {
        let dossier = fixture::dossier();
        let html = record(&dossier, &Settings::default(), fixture::as_of())
            .unwrap()
            .html;
        let block = between(
            &html,
            "<script type=\"application/json\" id=\"scribe-archive\">",
            "</script>",
        );
        assert!(!block.contains(['<', '>', '&']));
        let back: serde_json::Value = serde_json::from_str(block).unwrap();
        assert_eq!(
            back,
            archive_json(&dossier, &Ledger::replay(&dossier), fixture::as_of())
        );
        let read: Dossier = serde_json::from_value(back).unwrap();
        assert_eq!(read, dossier, "the archive is lossless");
    }

    #[test]
    fn without_script_the_controls_stay_hidden_and_nothing_else_is() {
        let html = rendered().html;
        assert!(html.contains("<div class=\"ctl\" hidden>"));
        assert_eq!(
            html.matches(" hidden").count(),
            2,
            "the controls and the in-place note"
        );
        assert!(html.contains("performance.mark(\"scribe-ready\")"));
    }

    #[test]
    fn the_same_input_gives_the_same_bytes() {
        assert_eq!(rendered().html, rendered().html);
    }

    #[test]
    fn warnings_come_back_with_the_page() {
        assert_eq!(rendered().warnings, Vec::<String>::new());
        let mut dossier = fixture::dossier();
        dossier
            .annotations
            .retain(|a| !matches!(a.command, Command::RootCause { .. }));
        let warnings = record(&dossier, &Settings::default(), fixture::as_of())
            .unwrap()
            .warnings;
        assert_eq!(warnings, ["no root cause yet: add one with /rootcause"]);
    }

    #[test]
    fn empty_sections_say_nothing_was_recorded() {
        let mut dossier = fixture::dossier();
        dossier.messages.clear();
        dossier.annotations.clear();
        let html = record(&dossier, &Settings::default(), fixture::as_of())
            .unwrap()
            .html;
        for line in [
            "No summary was recorded.",
            "No timeline entries were recorded.",
            "No log excerpts were recorded.",
            "No root cause was recorded.",
            "No whys were recorded.",
            "No remediation actions were recorded.",
            "No controls were recorded.",
            "No related references were recorded.",
            "No messages were recorded.",
        ] {
            assert!(html.contains(line), "{line}");
        }
        assert!(html.contains("Draft · as of 20 Jun 2026 12:00 UTC"));
    }

    #[test]
    fn an_unknown_zone_is_refused_with_the_fix() {
        let mut dossier = fixture::dossier();
        dossier.incident.timezone = "Mars/Olympus".into();
        let err = record(&dossier, &Settings::default(), fixture::as_of())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"Mars/Olympus\"") && err.contains("Europe/Berlin"),
            "{err}"
        );
    }

    #[test]
    fn the_view_reads_as_expected() {
        insta::assert_json_snapshot!(fixture::view_of(&fixture::dossier()));
    }

    /// SPEC's size target for a large incident; its time is measured by
    /// `cargo bench --bench pipeline`, never here.
    #[test]
    fn ten_thousand_messages_fit_in_four_megabytes() {
        let dossier = fixture::large(10_000, 1_000);
        let html = record(&dossier, &Settings::default(), fixture::as_of())
            .unwrap()
            .html;
        let entries = Ledger::replay(&dossier).timeline(&dossier).len();
        assert!(entries >= 1_000, "{entries} entries");
        assert!(html.len() < 4_000_000, "{} bytes", html.len());
    }
}
