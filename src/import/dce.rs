//! DiscordChatExporter JSON exports, read as a stream.
//!
//! The top-level object is walked with a serde visitor and each element
//! of `messages` is converted and handed on as soon as it is parsed, so
//! memory stays flat however long the export is. The format is described
//! in DCE's `JsonMessageWriter`: guild, channel, dateRange, exportedAt,
//! messages, then messageCount.

mod wire;

use std::fmt;
use std::io::BufRead;
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::model::{Channel, Message, Snowflake};

use super::ImportError;
use wire::WireMessage;

/// Where a DCE `--media` export keeps its downloaded files, and the
/// largest file whose bytes are kept.
#[derive(Debug, Clone, Copy)]
pub struct MediaDir<'a> {
    /// The folder the export file is in; `None` keeps no bytes at all.
    pub base: Option<&'a Path>,
    pub max_bytes: u64,
}

impl MediaDir<'_> {
    /// Keeps no attachment bytes (an export without `--media`).
    pub fn none() -> MediaDir<'static> {
        MediaDir {
            base: None,
            max_bytes: 0,
        }
    }
}

/// What the export says about itself, and what reading it found.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportInfo {
    /// The exported channel; `None` when the export names none.
    pub channel: Option<Channel>,
    pub guild_name: Option<String>,
    /// Missing in exports made before DCE 2.40.1.
    pub exported_at: Option<DateTime<FixedOffset>>,
    /// Messages handed to the caller.
    pub messages: u64,
    /// System notices (joins, pin notices, renames) left out.
    pub system_skipped: u64,
    /// The export's own `messageCount`, when written.
    pub declared_count: Option<u64>,
}

/// Reads a DCE JSON export, calling `on_message` for each message in
/// file order. System notices are counted and skipped. Each message's
/// `channel_id` is the export's channel, which DCE writes before the
/// messages.
pub fn read(
    mut reader: impl BufRead,
    media: MediaDir<'_>,
    mut on_message: impl FnMut(Message),
) -> Result<ExportInfo, ImportError> {
    let lines_skipped = check_start(&mut reader)?;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let seed = ExportSeed {
        media,
        on_message: &mut on_message,
    };
    let parsed = seed
        .deserialize(&mut de)
        .and_then(|parsed| de.end().map(|()| parsed))
        .map_err(|err| ImportError::from_json(err, lines_skipped))?;
    let info = parsed.finish()?;
    tracing::debug!(
        messages = info.messages,
        system_skipped = info.system_skipped,
        "discordchatexporter export read"
    );
    Ok(info)
}

/// Looks at the first bytes to refuse what is plainly not a DCE JSON
/// export with its own message, before the parser gives a vaguer one.
/// Returns how many lines of leading blank space it consumed.
fn check_start(reader: &mut impl BufRead) -> Result<usize, ImportError> {
    let mut lines = 0;
    loop {
        let buf = reader.fill_buf()?;
        let Some(first) = buf.iter().position(|b| !b.is_ascii_whitespace()) else {
            if buf.is_empty() {
                return Err(ImportError::Empty);
            }
            lines += buf.iter().filter(|&&b| b == b'\n').count();
            let len = buf.len();
            reader.consume(len);
            continue;
        };
        if buf[first..].starts_with(BOM) {
            reader.consume(first + BOM.len());
            continue;
        }
        return first_byte_verdict(&buf[first..]).map(|()| lines);
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn first_byte_verdict(head: &[u8]) -> Result<(), ImportError> {
    match head[0] {
        b'{' => Ok(()),
        b'[' => Err(ImportError::JsonArray),
        b'<' => Err(ImportError::HtmlExport),
        _ if head.starts_with(b"PK\x03\x04") => Err(ImportError::NotJson(
            "it is a zip archive: unzip it and import the .json file inside".into(),
        )),
        _ => Err(ImportError::NotJson("it does not start with '{'".into())),
    }
}

/// The top-level object's keys Scribe reads.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum TopKey {
    Guild,
    Channel,
    ExportedAt,
    Messages,
    MessageCount,
    #[serde(other)]
    Other,
}

#[derive(Debug, Default, Deserialize)]
struct WireGuild {
    #[serde(default)]
    id: Option<Snowflake>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireChannel {
    id: Snowflake,
    #[serde(default)]
    name: String,
    #[serde(default)]
    topic: Option<String>,
}

/// What the visitor collected, before it becomes an [`ExportInfo`].
#[derive(Debug, Default)]
struct Parsed {
    guild: WireGuild,
    channel: Option<WireChannel>,
    exported_at: Option<DateTime<FixedOffset>>,
    counts: Option<Counts>,
    declared_count: Option<u64>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    messages: u64,
    system: u64,
}

impl Parsed {
    fn finish(self) -> Result<ExportInfo, ImportError> {
        let counts = self.counts.ok_or(ImportError::NoMessages)?;
        // DCE writes guild id 0 for direct messages, which have no guild.
        let guild_id = self.guild.id.filter(|id| id.0 != 0);
        Ok(ExportInfo {
            channel: self.channel.map(|c| Channel {
                id: c.id,
                name: c.name,
                topic: c.topic.filter(|t| !t.trim().is_empty()),
                guild_id,
            }),
            guild_name: self.guild.name,
            exported_at: self.exported_at,
            messages: counts.messages,
            system_skipped: counts.system,
            declared_count: self.declared_count,
        })
    }
}

/// Deserializes the top-level object, streaming its `messages`.
struct ExportSeed<'a, 'm, F> {
    media: MediaDir<'m>,
    on_message: &'a mut F,
}

impl<'de, F: FnMut(Message)> DeserializeSeed<'de> for ExportSeed<'_, '_, F> {
    type Value = Parsed;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Parsed, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de, F: FnMut(Message)> Visitor<'de> for ExportSeed<'_, '_, F> {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a DiscordChatExporter export object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let mut parsed = Parsed::default();
        while let Some(key) = map.next_key::<TopKey>()? {
            match key {
                TopKey::Guild => parsed.guild = map.next_value::<Option<_>>()?.unwrap_or_default(),
                TopKey::Channel => parsed.channel = map.next_value()?,
                TopKey::ExportedAt => parsed.exported_at = map.next_value()?,
                TopKey::MessageCount => parsed.declared_count = map.next_value()?,
                TopKey::Messages => {
                    let seed = MessagesSeed {
                        channel: parsed.channel.as_ref().map(|c| c.id),
                        media: &self.media,
                        on_message: &mut *self.on_message,
                    };
                    parsed.counts = Some(map.next_value_seed(seed)?);
                }
                TopKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(parsed)
    }
}

/// Deserializes `messages` one element at a time.
struct MessagesSeed<'a, 'm, F> {
    channel: Option<Snowflake>,
    media: &'a MediaDir<'m>,
    on_message: &'a mut F,
}

impl<'de, F: FnMut(Message)> DeserializeSeed<'de> for MessagesSeed<'_, '_, F> {
    type Value = Counts;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Counts, D::Error> {
        de.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Message)> Visitor<'de> for MessagesSeed<'_, '_, F> {
    type Value = Counts;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of messages")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Counts, A::Error> {
        let mut counts = Counts::default();
        while let Some(wire) = seq.next_element::<WireMessage>()? {
            if wire.is_system() {
                counts.system += 1;
                continue;
            }
            counts.messages += 1;
            (self.on_message)(wire.into_message(self.channel, self.media));
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests;
