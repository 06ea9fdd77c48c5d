//! Everything the fake Discord knows: the guild, its people, channels and
//! messages, registered commands, interactions and the gateway's sessions.
//!
//! One `State` sits behind a mutex shared by the REST routes, the gateway
//! and the test; nothing holds the lock across an await.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedSender;

use super::failures::Armed;
use super::payloads;

/// A person or bot in the guild.
#[derive(Clone, Debug)]
pub struct Account {
    /// The user id.
    pub id: u64,
    /// The username.
    pub name: String,
    /// Whether Discord marks the account as a bot.
    pub bot: bool,
    /// The guild role ids the member holds.
    pub roles: Vec<u64>,
}

/// A guild role.
#[derive(Clone, Debug)]
pub struct RoleDef {
    /// The role id.
    pub id: u64,
    /// Its display name, which a bot must not trust.
    pub name: String,
}

/// A text channel, or a thread when `parent` is set.
#[derive(Clone, Debug)]
pub struct ChannelDef {
    /// The channel id.
    pub id: u64,
    /// The channel name without `#`.
    pub name: String,
    /// The channel a thread hangs off.
    pub parent: Option<u64>,
}

/// A file uploaded to or attached in the fake.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// The file name Discord shows.
    pub name: String,
    /// The bytes, as uploaded.
    pub bytes: Vec<u8>,
}

/// One answer the bot gave to an interaction: the initial response, the
/// edited original or a follow-up.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The id of the message the answer is.
    pub id: u64,
    /// The text of the reply.
    pub content: String,
    /// Whether only the caller sees it (flag 64).
    pub ephemeral: bool,
    /// Files sent with it.
    pub files: Vec<File>,
    /// The message as Discord returns it; public answers are also in the
    /// channel.
    pub message: Value,
    /// When the fake received it, for latency measurements.
    pub at: Instant,
}

/// An interaction the fake delivered and what the bot did with it.
#[derive(Clone, Debug)]
pub struct Interaction {
    /// The interaction id.
    pub id: u64,
    /// The token the bot answers with.
    pub token: String,
    /// Who used it.
    pub user: u64,
    /// The channel it was used in.
    pub channel: u64,
    /// When it was delivered: the first callback must come within 3 s.
    pub created: Instant,
    /// The callback types the bot sent (4 reply, 5 defer, 8 choices,
    /// 9 modal).
    pub callbacks: Vec<u64>,
    /// Whether a defer (type 5) asked for a private answer.
    pub deferred_ephemeral: Option<bool>,
    /// The first answer, once the bot has given it.
    pub original: Option<Reply>,
    /// Follow-up messages.
    pub followups: Vec<Reply>,
    /// The modal the bot opened (callback type 9 data).
    pub modal: Option<Value>,
    /// The autocomplete choices the bot offered (callback type 8 data).
    pub choices: Option<Value>,
}

impl Interaction {
    /// The first answer's text; empty before the bot answered.
    pub fn content(&self) -> &str {
        self.original.as_ref().map_or("", |r| r.content.as_str())
    }

    /// Whether the first answer was private to the caller.
    pub fn ephemeral(&self) -> bool {
        self.original.as_ref().is_some_and(|r| r.ephemeral)
    }

    /// Whether the bot has done what an interaction needs: answered,
    /// opened a modal or offered choices.
    pub fn handled(&self) -> bool {
        self.original.is_some() || self.modal.is_some() || self.choices.is_some()
    }
}

/// What the fake asks a gateway connection to do next.
#[derive(Debug)]
pub enum Outgoing {
    /// Send this frame.
    Frame(String),
    /// Close the connection with this close code.
    Close(u16),
}

/// The gateway's memory: sessions with their event logs and the live
/// connection, if any.
#[derive(Default)]
pub struct Gateway {
    /// Every session's dispatched frames; a frame's seq is its index + 1.
    pub sessions: HashMap<String, Vec<String>>,
    /// The session of the last IDENTIFY: new events are logged there.
    pub latest: Option<String>,
    /// The live connection and whether it receives the latest session's
    /// events yet (after READY or RESUMED).
    pub live: Option<(u64, UnboundedSender<Outgoing>, bool)>,
    /// How many IDENTIFY and RESUME the fake accepted.
    pub identifies: usize,
    /// How many RESUME were accepted.
    pub resumes: usize,
    /// Answer the next RESUME with INVALID_SESSION.
    pub refuse_resume: bool,
    /// The intents of the last IDENTIFY; until one, nothing is filtered.
    pub intents: Option<u64>,
}

/// The whole fake Discord.
pub struct State {
    /// The guild everything happens in.
    pub guild_id: u64,
    /// The bot's application id.
    pub app_id: u64,
    /// The bot's own user id.
    pub bot_id: u64,
    /// The token the bot must present.
    pub token: String,
    /// The address the fake listens on, `http://127.0.0.1:PORT`.
    pub base: String,
    /// People and bots by id.
    pub accounts: BTreeMap<u64, Account>,
    /// Roles, `@everyone` first.
    pub roles: Vec<RoleDef>,
    /// Channels and threads.
    pub channels: Vec<ChannelDef>,
    /// Messages per channel, by id (ids sort by time).
    pub messages: BTreeMap<u64, BTreeMap<u64, Value>>,
    /// Reactions per message: emoji and user, in the order given.
    pub reactions: BTreeMap<u64, Vec<(String, u64)>>,
    /// Attachment bytes by their CDN path.
    pub files: HashMap<String, Vec<u8>>,
    /// Global commands as registered, with ids.
    pub global_commands: Vec<Value>,
    /// Guild commands per guild, with ids.
    pub guild_commands: BTreeMap<u64, Vec<Value>>,
    /// Interactions by id.
    pub interactions: BTreeMap<u64, Interaction>,
    /// Nonces seen per channel, with the message they made and when.
    pub nonces: HashMap<(u64, String), (u64, Instant)>,
    /// Every REST request: method, path and status.
    pub requests: Vec<String>,
    /// Failures waiting for their route.
    pub failures: Vec<Armed>,
    /// The gateway's sessions and connection.
    pub gateway: Gateway,
    /// The upload limit per file, as interactions announce it.
    pub attachment_size_limit: usize,
    counter: u64,
}

impl State {
    /// A guild with a bot, the `responder` and `publisher` roles, an
    /// incident channel with a thread, and a quiet channel.
    pub fn new(token: &str) -> State {
        let mut state = State::empty(token);
        state.seed_guild();
        state
    }

    fn empty(token: &str) -> State {
        State {
            guild_id: 0,
            app_id: 0,
            bot_id: 0,
            token: token.to_string(),
            base: String::new(),
            accounts: BTreeMap::new(),
            roles: Vec::new(),
            channels: Vec::new(),
            messages: BTreeMap::new(),
            reactions: BTreeMap::new(),
            files: HashMap::new(),
            global_commands: Vec::new(),
            guild_commands: BTreeMap::new(),
            interactions: BTreeMap::new(),
            nonces: HashMap::new(),
            requests: Vec::new(),
            failures: Vec::new(),
            gateway: Gateway::default(),
            attachment_size_limit: 10 * 1024 * 1024,
            counter: 0,
        }
    }

    fn seed_guild(&mut self) {
        self.guild_id = self.next_id();
        self.app_id = self.next_id();
        self.bot_id = self.app_id;
        let everyone = RoleDef {
            id: self.guild_id,
            name: "@everyone".into(),
        };
        self.roles.push(everyone);
        self.add_role("responder");
        self.add_role("publisher");
        let bot = Account {
            id: self.bot_id,
            name: "Scribe".into(),
            bot: true,
            roles: vec![],
        };
        self.accounts.insert(bot.id, bot);
        let incident = self.add_channel("incident-bridge", None);
        self.add_channel("incident-bridge-thread", Some(incident));
        self.add_channel("general", None);
    }

    /// A fresh snowflake for now.
    pub fn next_id(&mut self) -> u64 {
        self.id_at(Utc::now())
    }

    /// A fresh snowflake for `at`; ids made later for the same instant
    /// still sort after earlier ones.
    pub fn id_at(&mut self, at: DateTime<Utc>) -> u64 {
        self.counter += 1;
        payloads::snowflake(at, self.counter)
    }

    /// Adds a role and returns its id.
    pub fn add_role(&mut self, name: &str) -> u64 {
        let id = self.next_id();
        self.roles.push(RoleDef {
            id,
            name: name.to_string(),
        });
        id
    }

    /// Adds a channel, or a thread under `parent`, and returns its id.
    pub fn add_channel(&mut self, name: &str, parent: Option<u64>) -> u64 {
        let id = self.next_id();
        let def = ChannelDef {
            id,
            name: name.to_string(),
            parent,
        };
        self.channels.push(def);
        self.messages.insert(id, BTreeMap::new());
        id
    }

    /// Adds a member holding `roles` and returns the user id.
    pub fn add_account(&mut self, name: &str, bot: bool, roles: Vec<u64>) -> u64 {
        let id = self.next_id();
        let account = Account {
            id,
            name: name.to_string(),
            bot,
            roles,
        };
        self.accounts.insert(id, account);
        id
    }

    /// The role called `name`.
    pub fn role_id(&self, name: &str) -> u64 {
        let found = self.roles.iter().find(|role| role.name == name);
        found
            .unwrap_or_else(|| panic!("no role {name:?} in the fake guild"))
            .id
    }

    /// The channel called `name`.
    pub fn channel_id(&self, name: &str) -> u64 {
        let found = self.channels.iter().find(|c| c.name == name);
        found
            .unwrap_or_else(|| panic!("no channel {name:?} in the fake guild"))
            .id
    }

    /// The account with `id`; the fake only knows its own people.
    pub fn account(&self, id: u64) -> &Account {
        let found = self.accounts.get(&id);
        found.unwrap_or_else(|| panic!("no user {id} in the fake guild"))
    }

    /// The full GUILD_CREATE data: roles with colours, channels, the
    /// thread, and every member with their roles.
    pub fn guild_create(&self) -> Value {
        let created = payloads::snowflake_time(self.guild_id);
        let roles: Vec<Value> = self
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| payloads::role(r, i))
            .collect();
        let (threads, channels): (Vec<&ChannelDef>, Vec<&ChannelDef>) =
            self.channels.iter().partition(|c| c.parent.is_some());
        let shape = |defs: Vec<&ChannelDef>| -> Vec<Value> {
            defs.iter()
                .map(|c| payloads::channel(c, self.guild_id, created))
                .collect()
        };
        let members: Vec<Value> = self
            .accounts
            .values()
            .map(|a| payloads::member(a, created))
            .collect();
        let mut guild = guild_skeleton(self.guild_id, self.bot_id, created);
        guild["roles"] = json!(roles);
        guild["member_count"] = json!(members.len());
        guild["members"] = json!(members);
        guild["channels"] = json!(shape(channels));
        guild["threads"] = json!(shape(threads));
        guild
    }

    /// Logs a dispatch in the latest session and sends it to the live
    /// connection once that connection is past READY or RESUMED.
    pub fn dispatch(&mut self, name: &str, data: &Value) {
        let Some(session) = self.gateway.latest.clone() else {
            return;
        };
        if !self.wants(name) {
            return;
        }
        let log = self.gateway.sessions.entry(session).or_default();
        let frame = payloads::dispatch(log.len() as u64 + 1, name, data).to_string();
        log.push(frame.clone());
        if let Some((_, sender, true)) = &self.gateway.live {
            let _ = sender.send(Outgoing::Frame(frame));
        }
    }
}

impl State {
    /// Whether the session's intents ask for events called `name`;
    /// Discord sends nothing a bot did not ask for.
    fn wants(&self, name: &str) -> bool {
        let Some(intents) = self.gateway.intents else {
            return true;
        };
        let needed = match name {
            "CHANNEL_PINS_UPDATE" => GUILDS,
            _ if name.starts_with("MESSAGE_REACTION") => GUILD_MESSAGE_REACTIONS,
            _ if name.starts_with("MESSAGE_") => GUILD_MESSAGES,
            _ => 0,
        };
        intents & needed == needed
    }

    /// Whether the bot may read `message`'s content: with the
    /// MESSAGE_CONTENT intent, or its own, or one mentioning it.
    pub fn content_visible(&self, message: &Value) -> bool {
        let intents = self.gateway.intents.unwrap_or(MESSAGE_CONTENT);
        let own = messages_author(message) == self.bot_id;
        let mentioned = message["content"]
            .as_str()
            .is_some_and(|c| c.contains(&format!("<@{}>", self.bot_id)));
        intents & MESSAGE_CONTENT != 0 || own || mentioned
    }
}

/// Gateway intent bits the fake checks.
const GUILDS: u64 = 1;
const GUILD_MESSAGES: u64 = 1 << 9;
const GUILD_MESSAGE_REACTIONS: u64 = 1 << 10;
const MESSAGE_CONTENT: u64 = 1 << 15;

fn messages_author(message: &Value) -> u64 {
    super::messages::id_of(&message["author"]["id"])
}

/// The fields of a guild that never change in the fake.
fn guild_skeleton(id: u64, owner: u64, created: DateTime<Utc>) -> Value {
    json!({
        "id": id.to_string(),
        "name": "Bridge",
        "icon": null, "icon_hash": null, "splash": null, "discovery_splash": null,
        "owner_id": owner.to_string(),
        "afk_channel_id": null, "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "emojis": [], "stickers": [], "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null, "system_channel_flags": 0,
        "rules_channel_id": null, "public_updates_channel_id": null,
        "safety_alerts_channel_id": null,
        "vanity_url_code": null, "description": null, "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "premium_progress_bar_enabled": false,
        "joined_at": payloads::timestamp(created),
        "large": false,
        "unavailable": false,
        "voice_states": [], "presences": [],
        "stage_instances": [], "guild_scheduled_events": [],
    })
}

#[cfg(test)]
mod tests {
    use serenity::model::prelude::*;

    use super::*;

    #[test]
    fn serenity_reads_the_whole_guild() {
        let mut state = State::new("t");
        let responder = state.role_id("responder");
        state.add_account("alice", false, vec![responder]);
        let frame = payloads::dispatch(2, "GUILD_CREATE", &state.guild_create());
        let event: GatewayEvent = serde_json::from_value(frame).expect("guild parses");
        let GatewayEvent::Dispatch(_, Event::GuildCreate(create)) = event else {
            panic!("not a guild create");
        };
        assert_eq!(create.guild.threads.len(), 1);
        assert_eq!(create.guild.roles.len(), 3);
        let alice = create
            .guild
            .members
            .values()
            .find(|m| m.user.name == "alice");
        assert_eq!(
            alice.expect("alice is a member").roles,
            vec![RoleId::new(responder)]
        );
    }

    #[test]
    fn dispatches_wait_for_a_session_and_number_from_one() {
        let mut state = State::new("t");
        state.dispatch("RESUMED", &json!({}));
        assert!(state.gateway.sessions.is_empty());
        state.gateway.latest = Some("s1".into());
        state.dispatch("RESUMED", &json!({}));
        state.dispatch("RESUMED", &json!({}));
        let log = &state.gateway.sessions["s1"];
        assert!(log[1].contains("\"s\":2"), "{}", log[1]);
    }
}
