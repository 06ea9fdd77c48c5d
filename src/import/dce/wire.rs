//! The DiscordChatExporter message as written in its JSON, and how it
//! becomes a [`Message`].
//!
//! Only the keys Scribe uses are declared; serde skips the rest (roles,
//! avatars, stickers, inline emoji). Every key but `id`, `timestamp`,
//! `author` and `content` may be missing, as in older exports.

use std::path::{Component, Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;

use crate::model::{Attachment, Author, Embed, InteractionRef, Message, Person, Snowflake};

use super::MediaDir;

/// One element of `messages`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireMessage {
    id: Snowflake,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    timestamp: DateTime<FixedOffset>,
    #[serde(default)]
    timestamp_edited: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    is_pinned: bool,
    content: String,
    author: WireUser,
    #[serde(default)]
    attachments: Vec<WireAttachment>,
    #[serde(default)]
    embeds: Vec<WireEmbed>,
    #[serde(default)]
    reactions: Vec<WireReaction>,
    #[serde(default)]
    mentions: Vec<WireUser>,
    #[serde(default)]
    reference: Option<WireReference>,
    #[serde(default)]
    interaction: Option<WireInteraction>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireUser {
    id: Snowflake,
    #[serde(default)]
    name: String,
    #[serde(default)]
    nickname: Option<String>,
    #[serde(default)]
    is_bot: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAttachment {
    id: Snowflake,
    #[serde(default)]
    url: String,
    #[serde(default)]
    file_name: String,
    #[serde(default)]
    file_size_bytes: u64,
}

#[derive(Debug, Deserialize)]
struct WireEmbed {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireReaction {
    emoji: WireEmoji,
    #[serde(default)]
    count: u64,
    #[serde(default)]
    users: Vec<WireUser>,
}

#[derive(Debug, Deserialize)]
struct WireEmoji {
    #[serde(default)]
    name: String,
    #[serde(default)]
    code: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireReference {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    message_id: Option<Snowflake>,
}

#[derive(Debug, Deserialize)]
struct WireInteraction {
    id: Snowflake,
    #[serde(default)]
    name: String,
    user: WireUser,
}

/// The pushpin emoji, which marks a key event when used as a reaction.
const PUSHPIN: &str = "\u{1F4CC}";

impl WireMessage {
    /// True for Discord's system notices (joins, pins, renames, calls).
    ///
    /// DCE writes the names it knows and the bare number for the rest;
    /// the numbered kinds are newer user-visible messages (a slash
    /// command's answer is 20), so they are kept like `Default`.
    pub(super) fn is_system(&self) -> bool {
        match self.kind.as_deref() {
            None | Some("Default" | "Reply") => false,
            Some(kind) => !kind.bytes().all(|b| b.is_ascii_digit()),
        }
    }

    /// The message in model terms. `channel` is the export's channel.
    pub(super) fn into_message(self, channel: Option<Snowflake>, media: &MediaDir) -> Message {
        Message {
            id: self.id,
            channel_id: channel,
            author: self.author.author(),
            posted_at: self.timestamp,
            edited_at: self.timestamp_edited,
            content: self.content,
            history: Vec::new(),
            attachments: convert(self.attachments, |a| a.attachment(media)),
            embeds: convert(self.embeds, WireEmbed::embed),
            mentions: convert(self.mentions, WireUser::person),
            pinned: self.is_pinned,
            pin_reactions: pin_reactors(self.reactions),
            reply_to: self.reference.and_then(WireReference::reply_target),
            interaction: self.interaction.map(WireInteraction::reference),
            typed: None,
        }
    }
}

fn convert<T, U>(items: Vec<T>, f: impl FnMut(T) -> U) -> Vec<U> {
    items.into_iter().map(f).collect()
}

/// Everyone who reacted with 📌, once each.
fn pin_reactors(reactions: Vec<WireReaction>) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    let reactors = reactions.into_iter().filter(WireReaction::is_pushpin);
    for person in reactors.flat_map(WireReaction::reactors) {
        if !people.iter().any(|known| known.same_as(&person)) {
            people.push(person);
        }
    }
    people
}

impl WireReaction {
    fn is_pushpin(&self) -> bool {
        self.emoji.name == PUSHPIN || self.emoji.code == "pushpin"
    }

    /// The reacting users; an export made without reaction users still
    /// shows the pin happened, so it keeps one unnamed reactor.
    fn reactors(self) -> Vec<Person> {
        if self.users.is_empty() && self.count > 0 {
            return vec![Person::named("unknown")];
        }
        convert(self.users, WireUser::person)
    }
}

impl WireUser {
    /// The guild display name when there is one, else the username.
    fn display_name(&self) -> &str {
        match self.nickname.as_deref() {
            Some(nick) if !nick.trim().is_empty() => nick,
            _ => &self.name,
        }
    }

    fn person(self) -> Person {
        Person {
            name: self.display_name().to_string(),
            id: Some(self.id),
        }
    }

    fn author(self) -> Author {
        Author {
            id: self.id,
            name: self.display_name().to_string(),
            is_bot: self.is_bot,
        }
    }
}

impl WireEmbed {
    fn embed(self) -> Embed {
        Embed {
            title: self.title.unwrap_or_default(),
            description: self.description.unwrap_or_default(),
            url: self.url.filter(|u| !u.is_empty()),
        }
    }
}

impl WireReference {
    /// A forward also carries a reference, but it is not an answer.
    fn reply_target(self) -> Option<Snowflake> {
        match self.kind.as_deref() {
            Some("Forward") => None,
            _ => self.message_id,
        }
    }
}

impl WireInteraction {
    fn reference(self) -> InteractionRef {
        InteractionRef {
            id: self.id,
            name: self.name,
            user: self.user.person(),
        }
    }
}

impl WireAttachment {
    fn attachment(self, media: &MediaDir) -> Attachment {
        let bytes = media.local_bytes(&self.url);
        Attachment {
            id: self.id,
            size: bytes
                .as_ref()
                .map_or(self.file_size_bytes, |b| b.len() as u64),
            file_name: self.file_name,
            bytes,
        }
    }
}

impl MediaDir<'_> {
    /// The bytes of a file DCE downloaded beside the export, when `url`
    /// names one inside the media folder and it fits under the cap.
    /// CDN addresses are never fetched here: import works offline.
    fn local_bytes(&self, url: &str) -> Option<Vec<u8>> {
        let base = self.base?;
        let path = base.join(relative_path(url)?);
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > self.max_bytes {
            return None;
        }
        // A symlink in the media folder could still point outside it.
        let real = path.canonicalize().ok()?;
        if !real.starts_with(base.canonicalize().ok()?) {
            return None;
        }
        read_capped(&real, self.max_bytes)
    }
}

fn read_capped(path: &Path, max_bytes: u64) -> Option<Vec<u8>> {
    match std::fs::read(path) {
        Ok(bytes) if bytes.len() as u64 <= max_bytes => Some(bytes),
        Ok(_) => None,
        Err(err) => {
            tracing::warn!(error = %err, "attachment beside the export could not be read");
            None
        }
    }
}

/// A DCE `--media` path: relative, with `/` or `\` separators (DCE on
/// Windows writes the latter), never leaving the export's folder.
fn relative_path(url: &str) -> Option<PathBuf> {
    let has_scheme_or_drive = url.contains(':');
    if url.is_empty() || has_scheme_or_drive || url.starts_with(['/', '\\']) {
        return None;
    }
    let mut path = PathBuf::new();
    for part in url.split(['/', '\\']) {
        match Path::new(part).components().next() {
            None | Some(Component::CurDir) => {}
            Some(Component::Normal(name)) => path.push(name),
            Some(_) => return None,
        }
    }
    Some(path).filter(|p| p.components().next().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_paths_stay_inside_the_export_folder() {
        let ok = relative_path("inc.json_Files/graph-1A2B.png").unwrap();
        assert_eq!(ok, Path::new("inc.json_Files").join("graph-1A2B.png"));
        let windows = relative_path("inc.json_Files\\app.log").unwrap();
        assert_eq!(windows, Path::new("inc.json_Files").join("app.log"));
        for bad in [
            "https://cdn.discordapp.com/attachments/1/2/a.png",
            "/etc/passwd",
            "../secrets.txt",
            "media/../../x",
            "C:\\Users\\x.png",
            "",
            "./",
        ] {
            assert_eq!(relative_path(bad), None, "{bad}");
        }
    }

    /// The smallest message DCE could write.
    const BARE: &str = r#"{"id": "1", "timestamp": "2026-06-03T04:40:00+00:00",
        "content": "", "author": {"id": "2", "name": "a"}}"#;

    #[test]
    fn named_kinds_other_than_default_and_reply_are_system_notices() {
        let of_kind = |kind: Option<&str>| {
            let mut wire: WireMessage = serde_json::from_str(BARE).unwrap();
            wire.kind = kind.map(String::from);
            wire
        };
        for kept in [None, Some("Default"), Some("Reply"), Some("20"), Some("23")] {
            assert!(!of_kind(kept).is_system(), "{kept:?}");
        }
        for system in [
            "GuildMemberJoin",
            "ChannelPinnedMessage",
            "ThreadCreated",
            "Call",
        ] {
            assert!(of_kind(Some(system)).is_system(), "{system}");
        }
    }
}
