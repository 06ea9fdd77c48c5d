//! Synthetic incidents of fixed message sizes, for benchmarks and load
//! tests: a DiscordChatExporter export whose shape matches a real one,
//! so figures measured on it compare across runs.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};

use crate::model::Snowflake;

/// Every chat message's text is exactly this many characters.
pub const MESSAGE_CHARS: usize = 60;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub messages: usize,
    /// Every n-th message is pinned (a timeline entry).
    pub pin_every: usize,
    pub start: DateTime<Utc>,
}

impl Shape {
    /// `messages` messages with one in ten pinned, from 3 June 2026 02:00 UTC.
    pub fn new(messages: usize) -> Shape {
        Shape {
            messages,
            pin_every: 10,
            start: DateTime::parse_from_rfc3339("2026-06-03T02:00:00Z")
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default(),
        }
    }
}

const PEOPLE: [(&str, &str); 8] = [
    ("700000000000000001", "Avery Stone"),
    ("700000000000000002", "Bo Lindqvist"),
    ("700000000000000003", "Chidi Okafor"),
    ("700000000000000004", "Dana de Wit"),
    ("700000000000000005", "Eli Kowalczyk"),
    ("700000000000000006", "Farah Haddad"),
    ("700000000000000007", "Gus Moreau"),
    ("700000000000000008", "Hana Sato"),
];

const WORDS: [&str; 16] = [
    "replica",
    "lag",
    "is",
    "back",
    "under",
    "the",
    "threshold",
    "after",
    "draining",
    "queue",
    "on",
    "worker",
    "node",
    "checking",
    "metrics",
    "now",
];

/// A DiscordChatExporter JSON export of `shape`, with `/incident open`
/// first and a phase change every quarter of the way.
pub fn export(shape: Shape) -> String {
    let mut out = String::with_capacity(shape.messages * 900);
    out.push_str(HEAD);
    for i in 0..shape.messages {
        if i > 0 {
            out.push(',');
        }
        write_message(&mut out, shape, i);
    }
    let _ = write!(out, "\n  ],\n  \"messageCount\": {}\n}}\n", shape.messages);
    out
}

const HEAD: &str = r#"{
  "guild": { "id": "800000000000000001", "name": "Synthetic Org", "iconUrl": "" },
  "channel": { "id": "800000000000000002", "type": "GuildTextChat", "categoryId": null,
    "category": null, "name": "inc-9000-synthetic", "topic": "Synthetic load incident" },
  "dateRange": { "after": null, "before": null },
  "exportedAt": "2026-06-04T00:00:00+00:00",
  "messages": ["#;

fn write_message(out: &mut String, shape: Shape, i: usize) {
    let at = shape.start + Duration::seconds(2 * i as i64);
    let id = Snowflake(Snowflake::at(at).0 + (i as u64 % 4096));
    let (user_id, name) = PEOPLE[i % PEOPLE.len()];
    let pinned = shape.pin_every > 0 && i % shape.pin_every == shape.pin_every - 1;
    let content = content(shape, i);
    let _ = write!(
        out,
        r##"
    {{
      "id": "{id}",
      "type": "Default",
      "timestamp": "{ts}",
      "timestampEdited": null,
      "callEndedTimestamp": null,
      "isPinned": {pinned},
      "content": "{content}",
      "author": {{
        "id": "{user_id}", "name": "{login}", "discriminator": "0000", "nickname": "{name}",
        "color": "#3498DB", "isBot": false,
        "roles": [ {{ "id": "600000000000000001", "name": "Responder", "color": "#3498DB", "position": 1 }} ],
        "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png"
      }},
      "attachments": [],
      "embeds": [],
      "stickers": [],
      "reactions": [],
      "mentions": [],
      "inlineEmojis": []
    }}"##,
        ts = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
        login = name.to_lowercase().replace(' ', "."),
    );
}

/// The text of message `i`: a command at fixed points, else words,
/// padded or cut to [`MESSAGE_CHARS`].
fn content(shape: Shape, i: usize) -> String {
    let quarter = (shape.messages / 4).max(1);
    let text = match i {
        0 => "/incident open id:INC-9000 title:Synthetic load severity:SEV-3".to_string(),
        i if i % quarter == 0 => {
            let phase = ["detect", "escalate", "mitigate", "resolve"][(i / quarter).min(4) - 1];
            format!("/phase {phase}")
        }
        _ => words(i),
    };
    fit(text)
}

fn words(i: usize) -> String {
    let mut text = String::new();
    let mut n = i;
    while text.len() < MESSAGE_CHARS {
        text.push_str(WORDS[n % WORDS.len()]);
        text.push(' ');
        n = n / 3 + 7;
    }
    text
}

/// Pads with dots or cuts to exactly [`MESSAGE_CHARS`] characters;
/// the few commands keep their own length.
fn fit(mut text: String) -> String {
    if text.starts_with('/') {
        return text;
    }
    text.truncate(MESSAGE_CHARS);
    while text.len() < MESSAGE_CHARS {
        text.push('.');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_is_valid_json_of_the_stated_shape() {
        let text = export(Shape::new(200));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let messages = value["messages"].as_array().unwrap();
        assert_eq!(messages.len(), 200);
        let pinned = messages.iter().filter(|m| m["isPinned"] == true).count();
        assert_eq!(pinned, 20);
        assert!(messages[7]["content"].as_str().unwrap().chars().count() == MESSAGE_CHARS);
        assert_eq!(messages[50]["content"], "/phase detect");
    }
}
