//! Messages as the record shows them: the body of one message (text,
//! edits, attachments, typed-command outcome) and the transcript of all.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::view::{Html, Source, phase_index};
use crate::ledger::TimelineEntry;
use crate::model::{Attachment, Message, TypedOutcome};

/// Section 11: every live message, oldest first, in runs.
#[derive(Debug, Clone, Serialize)]
pub struct Transcript {
    pub runs: Vec<Run>,
    /// `10 messages from 4 authors · 1 edited · 1 deleted, not shown`.
    pub summary: String,
}

/// Consecutive messages of one phase and one day that fall between the
/// same two timeline entries, at most 200 of them. The phase is
/// marked once per run rather than on every row, the filter hides whole
/// runs, and showing the transcript in place moves whole runs: on ten
/// thousand rows that is a tenth of a megabyte less and far less work
/// for the browser.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    /// Phase index, for the filter.
    pub p: usize,
    /// How many timeline entries come before this run's messages.
    #[serde(skip)]
    pub slot: usize,
    /// The date line before the run, when the day changes with it.
    pub day: Option<DayMark>,
    pub rows: Vec<ChatRow>,
    /// `z1` to `z4`, from the number of rows (see `size_class`).
    pub size: &'static str,
}

/// A size class (`z1` to `z4`) from a run's number of rows, so that a run
/// the browser has not laid out yet holds about the space it will take.
fn size_class(rows: usize) -> &'static str {
    match rows {
        0..=3 => "z1",
        4..=20 => "z2",
        21..=80 => "z3",
        _ => "z4",
    }
}

/// The longest run: short enough for the browser to skip laying out
/// runs that are off screen.
const RUN_ROWS: usize = 200;

impl Transcript {
    /// Every row, oldest first.
    pub fn rows(&self) -> impl Iterator<Item = &ChatRow> {
        self.runs.iter().flat_map(|run| run.rows.iter())
    }
}

/// One message in the transcript.
#[derive(Debug, Clone, Serialize)]
pub struct ChatRow {
    #[serde(skip)]
    pub at: DateTime<Utc>,
    pub time: String,
    pub author: String,
    pub bot: bool,
    /// A key message is shown in the timeline; the transcript row points
    /// at it there instead of repeating it.
    pub on_timeline: Option<String>,
    pub body: Option<Body>,
}

/// The date line shown where the day changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayMark {
    pub label: String,
    pub iso: String,
    /// When the transcript is shown inside the timeline, the other
    /// list's date line opens this day, so this one hides.
    pub merged_hidden: bool,
}

/// A message's content and everything attached to it.
#[derive(Debug, Clone, Serialize)]
pub struct Body {
    pub html: Html,
    /// True when there is more than the text: edits, an outcome,
    /// attachments, embeds or the command a bot answered.
    pub rich: bool,
    /// For a bot's answer to a slash command: `/phase by M. Tanaka`.
    pub answers: Option<String>,
    pub edited: Option<Edited>,
    pub typed: Option<Typed>,
    pub images: Vec<Image>,
    pub files: Vec<FileRow>,
    pub embeds: Vec<EmbedRow>,
}

/// The edit mark, with the earlier versions.
#[derive(Debug, Clone, Serialize)]
pub struct Edited {
    /// `edited 04:49`.
    pub label: String,
    /// Earlier versions, oldest first.
    pub versions: Vec<Version>,
}

/// An earlier version of a message.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub time: String,
    pub html: Html,
}

/// What became of a typed command.
#[derive(Debug, Clone, Serialize)]
pub struct Typed {
    pub applied: bool,
    /// `ok` or `no`, the colour of the mark.
    pub tone: &'static str,
    /// `✅ applied` or `❌ refused: …`.
    pub label: String,
}

/// An image shown inline.
#[derive(Debug, Clone, Serialize)]
pub struct Image {
    pub name: String,
    /// A `data:` URL: base64 has no character that needs escaping.
    pub src: Html,
}

/// An attachment listed by name.
#[derive(Debug, Clone, Serialize)]
pub struct FileRow {
    pub name: String,
    pub size: String,
    /// Why it is only listed, when it is an image.
    pub note: Option<String>,
}

/// The readable part of an embed.
#[derive(Debug, Clone, Serialize)]
pub struct EmbedRow {
    pub title: String,
    pub html: Html,
}

/// Every live message, with a date line where the day changes, in runs
/// cut at the times of `entries` (in time order). Date lines are settled
/// against the timeline later, by [`super::timeline::timeline`].
pub(super) fn transcript(source: &Source, entries: &[TimelineEntry]) -> Transcript {
    let mut runs: Vec<Run> = Vec::new();
    let mut slot = 0;
    for message in &source.dossier.messages {
        let at = message.posted_utc();
        // A message at the same instant as an entry follows it.
        while slot < entries.len() && entries[slot].at <= at {
            slot += 1;
        }
        place(source, &mut runs, chat_row(source, message), slot);
    }
    for run in &mut runs {
        run.size = size_class(run.rows.len());
    }
    Transcript {
        summary: summary(source),
        runs,
    }
}

/// Adds `row` to the last run, or starts a run when the phase, the slot
/// or the day changes, or the last run is full.
fn place(source: &Source, runs: &mut Vec<Run>, row: ChatRow, slot: usize) {
    let p = phase_index(source.ledger.phase_at(row.at));
    let day = source.clock.day(row.at);
    let last_day = runs
        .last()
        .and_then(|r| r.rows.last())
        .map(|r| source.clock.day(r.at));
    if let Some(run) = runs.last_mut() {
        let fits = run.p == p && run.slot == slot && run.rows.len() < RUN_ROWS;
        if fits && last_day == Some(day) {
            run.rows.push(row);
            return;
        }
    }
    runs.push(Run {
        p,
        slot,
        day: (last_day != Some(day)).then(|| day_mark(source, row.at)),
        rows: vec![row],
        size: "",
    });
}

pub(super) fn day_mark(source: &Source, at: DateTime<Utc>) -> DayMark {
    DayMark {
        label: source.clock.date(at),
        iso: source.clock.day(at).to_string(),
        merged_hidden: false,
    }
}

fn chat_row(source: &Source, message: &Message) -> ChatRow {
    let at = message.posted_utc();
    let key = source.ledger.is_key_message(message);
    ChatRow {
        at,
        time: source.clock.time(at),
        author: message.author.name.clone(),
        bot: message.author.is_bot,
        on_timeline: key.then(|| anchor(message)),
        body: (!key).then(|| body(source, message)),
    }
}

/// The id a message's timeline row carries.
pub(super) fn anchor(message: &Message) -> String {
    format!("m{}", message.id)
}

/// `10 messages from 4 people · 1 edited · 1 deleted, not shown`.
fn summary(source: &Source) -> String {
    let messages = &source.dossier.messages;
    let mut authors: Vec<u64> = messages.iter().map(|m| m.author.id.0).collect();
    authors.sort_unstable();
    authors.dedup();
    let edited = messages.iter().filter(|m| m.edited_at.is_some()).count();
    let deleted = source.dossier.tombstones.len();
    let mut parts = vec![format!(
        "{} from {}",
        plural(messages.len(), "message", "messages"),
        plural(authors.len(), "author", "authors")
    )];
    if edited > 0 {
        parts.push(format!("{edited} edited"));
    }
    if deleted > 0 {
        parts.push(format!("{deleted} deleted, not shown"));
    }
    parts.join(" · ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A message's content, edits, outcome and attachments.
pub(super) fn body(source: &Source, message: &Message) -> Body {
    let (images, files) = attachments(source, &message.attachments);
    let embeds: Vec<EmbedRow> = message
        .embeds
        .iter()
        .map(|e| EmbedRow {
            title: e.title.clone(),
            html: embed_html(source, message, &e.description, e.url.as_deref()),
        })
        .collect();
    let edited = edited(source, message);
    let typed = message.typed.as_ref().map(typed);
    let answers = message
        .interaction
        .as_ref()
        .map(|i| format!("/{} by {}", i.name, i.user.name));
    let plain = edited.is_none() && typed.is_none() && answers.is_none();
    Body {
        html: source.chat(message, &message.content),
        rich: !(plain && images.is_empty() && files.is_empty() && embeds.is_empty()),
        answers,
        edited,
        typed,
        images,
        files,
        embeds,
    }
}

fn embed_html(source: &Source, message: &Message, text: &str, url: Option<&str>) -> Html {
    let mut html = source.chat(message, text).as_str().to_string();
    if let Some(url) = url {
        html.push_str(" <span class=\"eu\">");
        html.push_str(&super::markdown::address_to_html(url));
        html.push_str("</span>");
    }
    Html::trusted(html)
}

fn edited(source: &Source, message: &Message) -> Option<Edited> {
    let at = message.edited_at?;
    let versions = message.history.iter().map(|r| Version {
        time: source.clock.time(r.written_at.to_utc()),
        html: source.chat(message, &r.content),
    });
    Some(Edited {
        label: format!("edited {}", source.clock.time(at.to_utc())),
        versions: versions.collect(),
    })
}

fn typed(outcome: &TypedOutcome) -> Typed {
    match outcome {
        TypedOutcome::Applied => Typed {
            applied: true,
            tone: "ok",
            label: "✅ applied".into(),
        },
        TypedOutcome::Refused { reason } => Typed {
            applied: false,
            tone: "no",
            label: format!("❌ refused: {reason}"),
        },
    }
}

/// Images small enough to inline, and every other attachment by name.
fn attachments(source: &Source, attachments: &[Attachment]) -> (Vec<Image>, Vec<FileRow>) {
    let mut images = Vec::new();
    let mut files = Vec::new();
    for a in attachments {
        match inline_image(a, source.image_cap) {
            Ok(image) => images.push(image),
            Err(note) => files.push(FileRow {
                name: a.file_name.clone(),
                size: size(a.size),
                note,
            }),
        }
    }
    (images, files)
}

/// The image as a `data:` URL, or why it is only listed (`None` when it
/// is not an image at all). Only raster formats whose first bytes match
/// the extension are inlined: an SVG can carry script, and a mislabelled
/// file would show as a broken image.
fn inline_image(a: &Attachment, cap: u64) -> Result<Image, Option<String>> {
    let Some(mime) = image_mime(&a.extension()) else {
        return Err(None);
    };
    let Some(bytes) = &a.bytes else {
        return Err(Some("image not kept".into()));
    };
    if bytes.len() as u64 > cap {
        return Err(Some(format!(
            "image larger than the {} inline limit",
            size(cap)
        )));
    }
    if !signature_matches(mime, bytes) {
        return Err(Some(format!(
            "not a readable {} image",
            mime.trim_start_matches("image/")
        )));
    }
    let src = format!("data:{mime};base64,{}", STANDARD.encode(bytes));
    Ok(Image {
        name: a.file_name.clone(),
        src: Html::trusted(src),
    })
}

fn image_mime(extension: &str) -> Option<&'static str> {
    match extension {
        "png" => Some("image/png"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "gif" => Some("image/gif"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

fn signature_matches(mime: &str, bytes: &[u8]) -> bool {
    match mime {
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => bytes.starts_with(&[0xff, 0xd8, 0xff]),
        "image/gif" => bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"),
        "image/webp" => bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        _ => false,
    }
}

/// `812 B`, `4.7 KB`, `48 KB`, `1.2 MB` (powers of 1,024).
fn size(bytes: u64) -> String {
    let units = [(1u64 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")];
    for (scale, unit) in units {
        if bytes >= scale {
            let value = bytes as f64 / scale as f64;
            return if value < 10.0 {
                format!("{value:.1} {unit}")
            } else {
                format!("{value:.0} {unit}")
            };
        }
    }
    format!("{bytes} B")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PhaseTag;
    use crate::render::fixture;

    fn file(name: &str, bytes: &[u8]) -> Attachment {
        Attachment {
            id: crate::model::Snowflake(7),
            file_name: name.into(),
            size: bytes.len() as u64,
            bytes: Some(bytes.to_vec()),
        }
    }

    #[test]
    fn only_raster_images_with_matching_bytes_are_inlined() {
        let png = inline_image(&file("graph.PNG", super::super::fixture::PNG), 1024).unwrap();
        assert!(
            png.src
                .as_str()
                .starts_with("data:image/png;base64,iVBORw0KGgo")
        );
        let svg = inline_image(&file("x.svg", b"<svg onload=alert(1)>"), 1024);
        assert_eq!(svg.unwrap_err(), None, "svg is listed as a plain file");
        let fake = inline_image(&file("x.png", b"<html><script>"), 1024);
        assert_eq!(fake.unwrap_err().unwrap(), "not a readable png image");
        let big = inline_image(&file("x.gif", b"GIF89a...."), 4);
        assert_eq!(
            big.unwrap_err().unwrap(),
            "image larger than the 4 B inline limit"
        );
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(size(812), "812 B");
        assert_eq!(size(4_812), "4.7 KB");
        assert_eq!(size(48_211), "47 KB");
        assert_eq!(size(1_258_291), "1.2 MB");
    }

    #[test]
    fn key_messages_appear_once_with_a_pointer_in_the_transcript() {
        let html = fixture::record().html;
        let page = &html[..html.find("id=\"scribe-archive\"").unwrap()];
        assert_eq!(page.matches("Pattern is run-wide").count(), 1);
        assert!(html.contains("<a href=\"#m"));
        let view = fixture::view_of(&fixture::dossier());
        let row = view
            .timeline
            .rows
            .iter()
            .find(|r| r.kind == "msg" && r.bot)
            .is_none();
        assert!(row, "the bot alert is not a key message");
        assert!(
            view.timeline
                .rows
                .iter()
                .all(|r| r.phase != PhaseTag::LeadUp.as_str() || r.p == 0)
        );
    }

    #[test]
    fn messages_carry_edits_outcomes_bots_and_attachments() {
        let html = fixture::record().html;
        assert!(html.contains("<summary>edited 04:49</summary>"));
        assert!(
            html.contains("joind &lt;script&gt;"),
            "the earlier version, escaped"
        );
        assert!(html.contains("<i class=bot>bot</i>"));
        assert!(html.contains("✅ applied"));
        assert!(
            html.contains("❌ refused: phase &quot;sideways&quot; is not known &lt;script&gt;")
        );
        assert!(html.contains("<img src=\"data:image/png;base64,iVBORw0KGgo"));
        assert!(html.contains("evil.svg <span class=\"sz\">27 B</span>"));
        assert!(
            html.contains("@J. Lindqvist"),
            "mention resolved to the recorded name"
        );
        assert!(html.contains("<span class=\"ts\">3 Jun 2026 07:00</span>"));
        assert!(html.contains("<span class=\"via\">answering &#x2f;phase by M. Tanaka</span>"));
        assert!(
            html.contains("<b>batch-billing#498 &lt;script&gt;"),
            "embed title escaped"
        );
        assert!(
            html.contains("javascript:alert(&#39;embed&#39;)"),
            "embed address as text"
        );
    }
}
