//! Messages in the fake's channels: create, edit, delete, pins, reactions
//! and history reads, each dispatching the event Discord would.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::payloads;
use super::state::{File, State};

/// A message to post as someone.
#[derive(Clone, Debug, Default)]
pub struct Draft {
    /// The text.
    pub content: String,
    /// Attached files, served back from the fake's CDN path.
    pub files: Vec<File>,
    /// When it was said; now when unset. Ids follow this time.
    pub at: Option<DateTime<Utc>>,
}

impl Draft {
    /// A plain text message said now.
    pub fn text(content: &str) -> Draft {
        Draft {
            content: content.to_string(),
            ..Draft::default()
        }
    }
}

/// A history read's window, as `GET /channels/{id}/messages` takes it.
#[derive(Clone, Copy, Debug, Default, serde::Deserialize)]
pub struct Window {
    /// Messages older than this id.
    pub before: Option<u64>,
    /// Messages newer than this id.
    pub after: Option<u64>,
    /// Messages around this id, itself included.
    pub around: Option<u64>,
    /// At most this many, 1 to 100, 50 by default.
    pub limit: Option<usize>,
}

impl State {
    /// Posts `draft` in `channel` as `author`, stores it and dispatches
    /// MESSAGE_CREATE; returns the message.
    pub fn create_message(&mut self, channel: u64, author: u64, draft: Draft) -> Value {
        let id = self.id_at(draft.at.unwrap_or_else(Utc::now));
        let mut message = payloads::message(id, channel, self.account(author));
        message["content"] = json!(draft.content);
        message["attachments"] = json!(self.store_files(channel, draft.files));
        self.insert_message(message)
    }

    /// Stores a finished message and dispatches its MESSAGE_CREATE.
    pub fn insert_message(&mut self, mut message: Value) -> Value {
        let (users, roles) = self.mentions(message["content"].as_str().unwrap_or_default());
        (message["mentions"], message["mention_roles"]) = (users, roles);
        let (channel, id) = (id_of(&message["channel_id"]), id_of(&message["id"]));
        self.channel_messages(channel).insert(id, message.clone());
        let event = self.gateway_message(&message);
        self.dispatch("MESSAGE_CREATE", &event);
        self.message_view(channel, id).unwrap_or(message)
    }

    /// The `mentions` (users, each with their member) and
    /// `mention_roles` Discord derives from `<@id>` and `<@&id>` in text.
    fn mentions(&self, content: &str) -> (Value, Value) {
        let pattern = regex::Regex::new(r"<@([!&]?)(\d+)>").expect("a valid pattern");
        let (mut users, mut roles) = (Vec::new(), Vec::new());
        let joined = payloads::snowflake_time(self.guild_id);
        for found in pattern.captures_iter(content) {
            let id: u64 = found[2].parse().unwrap_or(0);
            match (&found[1], self.accounts.get(&id)) {
                ("&", _) => roles.push(json!(id.to_string())),
                (_, Some(account)) => {
                    let mut user = payloads::user(account);
                    user["member"] = payloads::partial_member(account, joined);
                    users.push(user);
                }
                (_, None) => {}
            }
        }
        (json!(users), json!(roles))
    }

    /// Saves uploaded files under the CDN path and returns their
    /// attachment objects, with signed-looking links.
    pub fn store_files(&mut self, channel: u64, files: Vec<File>) -> Vec<Value> {
        let mut attachments = Vec::new();
        for file in files {
            let id = self.next_id();
            let path = format!("/attachments/{channel}/{id}/{}", file.name);
            // Discord signs CDN links and lets them expire; the query
            // keeps a bot from treating the URL as the file's identity.
            let url = format!(
                "{}{path}?ex={id:x}&is={id:x}&hm={:x}",
                self.base,
                id ^ 0x5eed
            );
            attachments.push(payloads::attachment(id, &file.name, file.bytes.len(), &url));
            self.files.insert(path, file.bytes);
        }
        attachments
    }

    /// A stored message as REST returns it to the bot: reactions
    /// counted, content blanked without the MESSAGE_CONTENT intent.
    pub fn bot_view(&self, channel: u64, id: u64) -> Option<Value> {
        let mut message = self.message_view(channel, id)?;
        self.blank_unless_visible(&mut message);
        Some(message)
    }

    /// Empties what the MESSAGE_CONTENT intent guards, when the bot
    /// lacks it.
    fn blank_unless_visible(&self, message: &mut Value) {
        if !self.content_visible(message) {
            for field in ["content", "embeds", "attachments", "components"] {
                message[field] = if field == "content" {
                    json!("")
                } else {
                    json!([])
                };
            }
        }
    }

    /// A stored message with its reactions counted, as people see it.
    pub fn message_view(&self, channel: u64, id: u64) -> Option<Value> {
        let mut message = self.messages.get(&channel)?.get(&id)?.clone();
        let reactions = self
            .reactions
            .get(&id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut counted: Vec<(String, usize, bool)> = Vec::new();
        for (emoji, user) in reactions {
            let me = *user == self.bot_id;
            match counted.iter_mut().find(|(e, _, _)| e == emoji) {
                Some(entry) => (entry.1, entry.2) = (entry.1 + 1, entry.2 || me),
                None => counted.push((emoji.clone(), 1, me)),
            }
        }
        if !counted.is_empty() {
            let shaped = counted
                .iter()
                .map(|(e, n, me)| payloads::reaction_count(e, *n, *me));
            message["reactions"] = json!(shaped.collect::<Vec<_>>());
        }
        Some(message)
    }

    /// A message as the gateway sends it: with `guild_id`, and `member`
    /// unless a webhook or interaction wrote it.
    fn gateway_message(&self, message: &Value) -> Value {
        let mut event = message.clone();
        self.blank_unless_visible(&mut event);
        event["guild_id"] = json!(self.guild_id.to_string());
        let author = id_of(&message["author"]["id"]);
        if message["webhook_id"].is_null() {
            let joined = payloads::snowflake_time(self.guild_id);
            event["member"] = payloads::partial_member(self.account(author), joined);
        }
        event
    }

    /// Applies `patch` (content, attachments kept, embeds, flags) to a
    /// message, marks it edited and dispatches MESSAGE_UPDATE.
    pub fn edit_message(&mut self, channel: u64, id: u64, patch: &Value) -> Option<Value> {
        let mentioned = patch["content"].as_str().map(|c| self.mentions(c));
        let message = self.messages.get_mut(&channel)?.get_mut(&id)?;
        for field in ["content", "embeds", "flags", "components"] {
            if let Some(value) = patch.get(field).filter(|v| !v.is_null()) {
                message[field] = value.clone();
            }
        }
        if let Some((users, roles)) = mentioned {
            (message["mentions"], message["mention_roles"]) = (users, roles);
        }
        message["edited_timestamp"] = json!(payloads::timestamp(Utc::now()));
        let message = message.clone();
        let event = self.gateway_message(&message);
        self.dispatch("MESSAGE_UPDATE", &event);
        self.message_view(channel, id)
    }

    /// Puts an edited message in place of the stored one and dispatches
    /// MESSAGE_UPDATE; false when there was none.
    pub fn replace_message(&mut self, channel: u64, id: u64, message: Value) -> bool {
        let Some(slot) = self.channel_messages(channel).get_mut(&id) else {
            return false;
        };
        *slot = message.clone();
        let event = self.gateway_message(&message);
        self.dispatch("MESSAGE_UPDATE", &event);
        true
    }

    /// Adds files to a message, as a multipart PATCH does.
    pub fn attach_files(&mut self, channel: u64, id: u64, files: Vec<File>) {
        let attachments = self.store_files(channel, files);
        if let Some(message) = self.messages.get_mut(&channel).and_then(|m| m.get_mut(&id)) {
            let list = message["attachments"]
                .as_array_mut()
                .expect("attachments is a list");
            list.extend(attachments);
        }
    }

    /// Deletes a message and dispatches MESSAGE_DELETE; false when it was
    /// not there.
    pub fn delete_message(&mut self, channel: u64, id: u64) -> bool {
        if self.channel_messages(channel).remove(&id).is_none() {
            return false;
        }
        self.reactions.remove(&id);
        let data = json!({
            "id": id.to_string(),
            "channel_id": channel.to_string(),
            "guild_id": self.guild_id.to_string(),
        });
        self.dispatch("MESSAGE_DELETE", &data);
        true
    }

    /// Pins or unpins a message as `by`: CHANNEL_PINS_UPDATE, and on a pin
    /// the system message Discord posts. False when the message is absent.
    pub fn set_pinned(&mut self, channel: u64, id: u64, pinned: bool, by: u64) -> bool {
        let Some(message) = self.channel_messages(channel).get_mut(&id) else {
            return false;
        };
        message["pinned"] = json!(pinned);
        let data = json!({
            "guild_id": self.guild_id.to_string(),
            "channel_id": channel.to_string(),
            "last_pin_timestamp": pinned.then(|| payloads::timestamp(Utc::now())),
        });
        self.dispatch("CHANNEL_PINS_UPDATE", &data);
        if pinned {
            self.pin_notice(channel, id, by);
        }
        true
    }

    /// The "pinned a message" system message (type 6) pointing at `id`.
    fn pin_notice(&mut self, channel: u64, id: u64, by: u64) {
        let notice_id = self.next_id();
        let mut notice = payloads::message(notice_id, channel, self.account(by));
        notice["type"] = json!(6);
        notice["message_reference"] = json!({
            "type": 0,
            "message_id": id.to_string(),
            "channel_id": channel.to_string(),
            "guild_id": self.guild_id.to_string(),
        });
        self.insert_message(notice);
    }

    /// Adds `user`'s `emoji` to a message and dispatches
    /// MESSAGE_REACTION_ADD; false when it was already there or the
    /// message is absent.
    pub fn add_reaction(&mut self, channel: u64, id: u64, emoji: &str, user: u64) -> bool {
        let exists = self
            .messages
            .get(&channel)
            .is_some_and(|m| m.contains_key(&id));
        let list = self.reactions.entry(id).or_default();
        if !exists || list.iter().any(|(e, u)| e == emoji && *u == user) {
            return false;
        }
        list.push((emoji.to_string(), user));
        let mut data = self.reaction_event(channel, id, emoji, user);
        let joined = payloads::snowflake_time(self.guild_id);
        data["member"] = payloads::member(self.account(user), joined);
        self.dispatch("MESSAGE_REACTION_ADD", &data);
        true
    }

    /// Removes `user`'s `emoji` and dispatches MESSAGE_REACTION_REMOVE.
    pub fn remove_reaction(&mut self, channel: u64, id: u64, emoji: &str, user: u64) -> bool {
        let list = self.reactions.entry(id).or_default();
        let before = list.len();
        list.retain(|(e, u)| !(e == emoji && *u == user));
        if list.len() == before {
            return false;
        }
        let data = self.reaction_event(channel, id, emoji, user);
        self.dispatch("MESSAGE_REACTION_REMOVE", &data);
        true
    }

    fn reaction_event(&self, channel: u64, id: u64, emoji: &str, user: u64) -> Value {
        let author = self.messages[&channel][&id]["author"]["id"].clone();
        json!({
            "user_id": user.to_string(),
            "channel_id": channel.to_string(),
            "message_id": id.to_string(),
            "guild_id": self.guild_id.to_string(),
            "emoji": {"id": null, "name": emoji},
            "message_author_id": author,
            "burst": false,
            "burst_colors": [],
            "type": 0,
        })
    }

    /// A history read, newest first, as Discord pages it.
    pub fn history(&self, channel: u64, window: Window) -> Vec<Value> {
        let limit = window.limit.unwrap_or(50).clamp(1, 100);
        let Some(stored) = self.messages.get(&channel) else {
            return Vec::new();
        };
        let ids: Vec<u64> = match (window.before, window.after, window.around) {
            (_, Some(after), _) => stored
                .range(after + 1..)
                .map(|(id, _)| *id)
                .take(limit)
                .collect(),
            (_, _, Some(around)) => around_ids(stored.keys().copied().collect(), around, limit),
            (Some(before), _, _) => stored
                .range(..before)
                .rev()
                .map(|(id, _)| *id)
                .take(limit)
                .collect(),
            _ => stored.keys().rev().copied().take(limit).collect(),
        };
        let mut views: Vec<Value> = ids
            .iter()
            .filter_map(|id| self.bot_view(channel, *id))
            .collect();
        views.sort_by_key(|m| std::cmp::Reverse(id_of(&m["id"])));
        views
    }

    fn channel_messages(&mut self, channel: u64) -> &mut std::collections::BTreeMap<u64, Value> {
        self.messages.entry(channel).or_default()
    }
}

/// The ids of a window of `limit` centred on `around`.
fn around_ids(ids: Vec<u64>, around: u64, limit: usize) -> Vec<u64> {
    let centre = ids.partition_point(|id| *id < around);
    let start = centre.saturating_sub(limit / 2);
    ids.into_iter().skip(start).take(limit).collect()
}

/// A snowflake written as a JSON string (or number) as a `u64`; 0 when
/// absent.
pub fn id_of(value: &Value) -> u64 {
    match value {
        Value::String(text) => text.parse().unwrap_or(0),
        other => other.as_u64().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use serenity::model::prelude::*;

    use super::*;

    fn state_with_alice() -> (State, u64, u64) {
        let mut state = State::new("t");
        state.gateway.latest = Some("s".into());
        let alice = state.add_account("alice", false, vec![]);
        let channel = state.channel_id("incident-bridge");
        (state, channel, alice)
    }

    fn events(state: &State) -> Vec<Event> {
        let parse = |frame: &String| match serde_json::from_str::<GatewayEvent>(frame) {
            Ok(GatewayEvent::Dispatch(_, event)) => event,
            other => panic!("serenity refuses {frame}: {other:?}"),
        };
        state.gateway.sessions["s"].iter().map(parse).collect()
    }

    #[test]
    fn every_message_event_parses_in_serenity() {
        let (mut state, channel, alice) = state_with_alice();
        let id = id_of(&state.create_message(channel, alice, Draft::text("db is down"))["id"]);
        state.edit_message(channel, id, &json!({"content": "db is down again"}));
        state.add_reaction(channel, id, "📌", alice);
        state.remove_reaction(channel, id, "📌", alice);
        state.set_pinned(channel, id, true, alice);
        assert!(state.delete_message(channel, id));
        let names: Vec<Option<String>> = events(&state).iter().map(Event::name).collect();
        assert!(names.iter().all(Option::is_some), "{names:?}");
        assert_eq!(names.len(), 7, "{names:?}");
    }

    #[test]
    fn history_pages_newest_first_in_every_direction() {
        let (mut state, channel, alice) = state_with_alice();
        let ids: Vec<u64> = (0..5)
            .map(|i| {
                id_of(&state.create_message(channel, alice, Draft::text(&i.to_string()))["id"])
            })
            .collect();
        let read = |w: Window| -> Vec<u64> {
            state
                .history(channel, w)
                .iter()
                .map(|m| id_of(&m["id"]))
                .collect()
        };
        assert_eq!(
            read(Window {
                limit: Some(2),
                ..Window::default()
            }),
            vec![ids[4], ids[3]]
        );
        assert_eq!(
            read(Window {
                after: Some(ids[2]),
                ..Window::default()
            }),
            vec![ids[4], ids[3]]
        );
        assert_eq!(
            read(Window {
                before: Some(ids[1]),
                ..Window::default()
            }),
            vec![ids[0]]
        );
        let around = read(Window {
            around: Some(ids[2]),
            limit: Some(3),
            ..Window::default()
        });
        assert_eq!(around, vec![ids[3], ids[2], ids[1]]);
    }

    #[test]
    fn a_second_identical_reaction_and_a_missing_message_change_nothing() {
        let (mut state, channel, alice) = state_with_alice();
        let id = id_of(&state.create_message(channel, alice, Draft::text("x"))["id"]);
        assert!(state.add_reaction(channel, id, "👍", alice));
        assert!(!state.add_reaction(channel, id, "👍", alice));
        assert!(!state.add_reaction(channel, 1, "👍", alice));
        assert!(!state.delete_message(channel, 1));
        assert_eq!(
            state.message_view(channel, id).unwrap()["reactions"][0]["count"],
            1
        );
    }

    #[test]
    fn without_the_intents_content_is_blank_and_reactions_are_not_sent() {
        let (mut state, channel, alice) = state_with_alice();
        state.gateway.intents = Some(1 | 1 << 9);
        let id = id_of(&state.create_message(channel, alice, Draft::text("secret plan"))["id"]);
        state.add_reaction(channel, id, "📌", alice);
        let mention = format!("<@{}> help", state.bot_id);
        state.create_message(channel, alice, Draft::text(&mention));
        let log = &state.gateway.sessions["s"];
        assert_eq!(
            log.len(),
            2,
            "no reaction event without its intent: {log:?}"
        );
        assert!(!log[0].contains("secret plan") && log[1].contains("help"));
        assert_eq!(state.history(channel, Window::default())[1]["content"], "");
        assert_eq!(
            state.message_view(channel, id).unwrap()["content"],
            "secret plan"
        );
    }

    #[test]
    fn mentions_are_derived_from_the_text_as_discord_does() {
        let (mut state, channel, alice) = state_with_alice();
        let text = format!("owner <@{alice}>, paging <@&77> and <@1>");
        let id = id_of(&state.create_message(channel, alice, Draft::text(&text))["id"]);
        let frame = state.gateway.sessions["s"].last().unwrap();
        let Ok(GatewayEvent::Dispatch(_, Event::MessageCreate(event))) =
            serde_json::from_str(frame)
        else {
            panic!("serenity refuses {frame}");
        };
        assert_eq!(
            event.message.mentions.len(),
            1,
            "unknown users are not mentioned"
        );
        assert_eq!(event.message.mentions[0].id.get(), alice);
        assert_eq!(event.message.mention_roles, vec![RoleId::new(77)]);
        state.edit_message(channel, id, &json!({"content": "no owner yet"}));
        assert_eq!(
            state.message_view(channel, id).unwrap()["mentions"],
            json!([])
        );
    }
}
