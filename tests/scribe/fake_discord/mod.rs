//! A fake Discord for end-to-end tests: REST under `/api/v10`, an
//! attachment CDN path and a gateway WebSocket on 127.0.0.1, port 0, one
//! per test with its own state.
//!
//! The test drives people (post, edit, react, pin, slash commands, menus)
//! and the network (failures per route, dropped connections, refused
//! resumes, duplicate dispatches); the bot under test sees only Discord's
//! wire format. serenity drops a dispatch it cannot parse without a word,
//! so every shape is checked against serenity's own types in the unit
//! tests here, and every helper that dispatches lets the test wait for the
//! bot's visible reaction.
//!
//! - [`state`]: the guild, messages, commands, interactions, sessions;
//!   [`payloads`]: their JSON shapes as serenity 0.12 reads them.
//! - [`messages`]: what people do in channels; [`interactions`]: the
//!   commands, menus and modals they use; [`answers`]: how the bot replies.
//! - [`gateway`], [`rest`], [`application`], [`body`]: the wire;
//!   [`failures`]: injected faults, including a response lost after the
//!   request took effect.
//! - [`bot`]: runs the real `scribe run` binary against a fake.
//!
//! Shortcuts, each harmless for Scribe: one guild and one shard; a
//! public defer posts no "thinking…" placeholder; a PATCH adds files
//! rather than replacing the attachment list; no rate limits unless a
//! test injects them.

#![allow(dead_code)]

mod answers;
mod application;
mod body;
pub mod bot;
mod failures;
mod gateway;
mod interactions;
mod messages;
mod payloads;
mod rest;
mod state;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;

pub use failures::{Failure, Route};
pub use messages::Draft;
pub use state::{File, Interaction, State};

use failures::{Conn, DoomListener};
use messages::id_of;

/// The state every route, the gateway and the test share.
pub type Shared = Arc<Mutex<State>>;

/// How long a helper waits for the bot to answer an interaction: long
/// enough for a deferred publish that retries through failures.
const ANSWER_WAIT: Duration = Duration::from_secs(10);

/// A running fake Discord; it stops when dropped.
pub struct FakeDiscord {
    shared: Shared,
    base: String,
    server: JoinHandle<()>,
}

/// A message as the fake holds it, with its files' bytes.
#[derive(Clone, Debug)]
pub struct Posted {
    /// The message id.
    pub id: u64,
    /// Who wrote it.
    pub author: u64,
    /// Its text.
    pub content: String,
    /// The nonce it was posted with, if any.
    pub nonce: Option<String>,
    /// Its attachments, downloaded.
    pub files: Vec<File>,
    /// The whole message as REST returns it.
    pub json: Value,
}

/// A wait that ran out, with what the fake saw meanwhile.
#[derive(Debug)]
pub struct Timeout(pub String);

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FakeDiscord {
    /// The bot token the fake accepts.
    pub const TOKEN: &'static str = "fake.discord.token";

    /// Starts a fake on a free loopback port.
    pub async fn start() -> FakeDiscord {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("loopback port");
        let base = format!("http://{}", listener.local_addr().expect("bound address"));
        let mut state = State::new(Self::TOKEN);
        state.base = base.clone();
        let shared: Shared = Arc::new(Mutex::new(state));
        let app = rest::router(shared.clone()).into_make_service_with_connect_info::<Conn>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(DoomListener(listener), app).await;
        });
        FakeDiscord {
            shared,
            base,
            server,
        }
    }

    /// `http://127.0.0.1:PORT`, what `SCRIBE_DISCORD_API_BASE` takes.
    pub fn api_base(&self) -> &str {
        &self.base
    }

    /// Reads the state.
    pub fn read<R>(&self, look: impl FnOnce(&State) -> R) -> R {
        look(&self.shared.lock().unwrap())
    }

    /// Changes the state directly, e.g. to lower the upload limit.
    pub fn change<R>(&self, act: impl FnOnce(&mut State) -> R) -> R {
        act(&mut self.shared.lock().unwrap())
    }

    /// The id of the channel called `name`: `incident-bridge`, its
    /// thread `incident-bridge-thread`, or `general`.
    pub fn channel(&self, name: &str) -> u64 {
        self.read(|s| s.channel_id(name))
    }

    /// The id of the role called `name`: `responder` or `publisher`.
    pub fn role(&self, name: &str) -> u64 {
        self.read(|s| s.role_id(name))
    }

    /// The bot's own user id.
    pub fn bot_id(&self) -> u64 {
        self.read(|s| s.bot_id)
    }

    /// Adds a guild member holding `roles`; returns the user id.
    pub fn add_user(&self, name: &str, roles: &[u64]) -> u64 {
        self.change(|s| s.add_account(name, false, roles.to_vec()))
    }

    /// Adds another bot to the guild; returns its user id.
    pub fn add_bot(&self, name: &str) -> u64 {
        self.change(|s| s.add_account(name, true, Vec::new()))
    }

    /// `user` says `content` in `channel`: stored and dispatched.
    pub fn post(&self, channel: u64, user: u64, content: &str) -> u64 {
        self.post_draft(channel, user, Draft::text(content))
    }

    /// `user` posts `draft` (files, a past time) in `channel`.
    pub fn post_draft(&self, channel: u64, user: u64, draft: Draft) -> u64 {
        self.change(|s| id_of(&s.create_message(channel, user, draft)["id"]))
    }

    /// The author edits a message to `content` (MESSAGE_UPDATE).
    pub fn edit(&self, channel: u64, message: u64, content: &str) {
        let patch = serde_json::json!({"content": content});
        let edited = self.change(|s| s.edit_message(channel, message, &patch));
        edited.unwrap_or_else(|| panic!("no message {message} in channel {channel} to edit"));
    }

    /// Deletes a message (MESSAGE_DELETE).
    pub fn delete(&self, channel: u64, message: u64) {
        let gone = self.change(|s| s.delete_message(channel, message));
        assert!(gone, "no message {message} in channel {channel} to delete");
    }

    /// `user` pins a message: CHANNEL_PINS_UPDATE and the system notice.
    pub fn pin(&self, channel: u64, message: u64, user: u64) {
        assert!(
            self.change(|s| s.set_pinned(channel, message, true, user)),
            "no message {message} to pin"
        );
    }

    /// `user` unpins a message: CHANNEL_PINS_UPDATE.
    pub fn unpin(&self, channel: u64, message: u64, user: u64) {
        assert!(
            self.change(|s| s.set_pinned(channel, message, false, user)),
            "no message {message} to unpin"
        );
    }

    /// The state behind the fake, for a task that acts on it
    /// concurrently (a benchmark's background chatter).
    pub fn shared(&self) -> Shared {
        self.shared.clone()
    }

    /// `user` reacts with `emoji` (MESSAGE_REACTION_ADD).
    pub fn react(&self, channel: u64, message: u64, user: u64, emoji: &str) {
        self.change(|s| s.add_reaction(channel, message, emoji, user));
    }

    /// `user` takes the reaction back (MESSAGE_REACTION_REMOVE).
    pub fn unreact(&self, channel: u64, message: u64, user: u64, emoji: &str) {
        self.change(|s| s.remove_reaction(channel, message, emoji, user));
    }

    /// `user` runs the slash command `path` (`"incident open"`) with
    /// `options`, choices given by name; waits for the bot's answer.
    pub async fn slash(
        &self,
        user: u64,
        channel: u64,
        path: &str,
        options: &[(&str, &str)],
    ) -> Interaction {
        let id = self
            .change(|s| s.slash(user, channel, path, options))
            .unwrap_or_else(|e| panic!("{e}"));
        self.answer(id).await
    }

    /// Delivers a slash command without waiting; returns the interaction
    /// id, or why Discord's client would not send it.
    pub fn send_slash(
        &self,
        user: u64,
        channel: u64,
        path: &str,
        options: &[(&str, &str)],
    ) -> Result<u64, String> {
        self.change(|s| s.slash(user, channel, path, options))
    }

    /// `user` sends `/name` with `options` in Discord's wire form, as
    /// no honest client would; waits for the bot's answer.
    pub async fn raw_slash(
        &self,
        user: u64,
        channel: u64,
        name: &str,
        options: Value,
    ) -> Interaction {
        let id = self
            .change(|s| s.raw_slash(user, channel, name, options))
            .unwrap_or_else(|e| panic!("{e}"));
        self.answer(id).await
    }

    /// `user` types into `focused`; waits for the offered choices.
    pub async fn autocomplete(
        &self,
        user: u64,
        channel: u64,
        path: &str,
        options: &[(&str, &str)],
        focused: &str,
    ) -> Interaction {
        let sent = self.change(|s| s.autocomplete(user, channel, path, options, focused));
        self.answer(sent.unwrap_or_else(|e| panic!("{e}"))).await
    }

    /// `user` runs the message menu `name` on `message`; waits for the
    /// answer.
    pub async fn menu(&self, user: u64, channel: u64, name: &str, message: u64) -> Interaction {
        let id = self
            .change(|s| s.menu(user, channel, name, message))
            .unwrap_or_else(|e| panic!("{e}"));
        self.answer(id).await
    }

    /// `user` fills in and submits the modal `opened` showed; waits for
    /// the answer.
    pub async fn submit_modal(
        &self,
        user: u64,
        opened: &Interaction,
        values: &[(&str, &str)],
    ) -> Interaction {
        let id = self
            .change(|s| s.submit_modal(user, opened.id, values))
            .unwrap_or_else(|e| panic!("{e}"));
        self.answer(id).await
    }

    /// The interaction `id` once the bot answered it (a reply, a
    /// completed defer, a modal or choices); panics after
    /// [`ANSWER_WAIT`] with what the fake saw.
    pub async fn answer(&self, id: u64) -> Interaction {
        self.answer_within(id, ANSWER_WAIT).await
    }

    /// [`FakeDiscord::answer`] with a wait of the test's choosing.
    pub async fn answer_within(&self, id: u64, wait: Duration) -> Interaction {
        let handled = |s: &State| s.interactions.get(&id).is_some_and(Interaction::handled);
        if let Err(timeout) = self.wait_for(handled, wait).await {
            panic!("the bot did not answer interaction {id}: {timeout}");
        }
        self.read(|s| s.interactions[&id].clone())
    }

    /// Every message in `channel`, oldest first, files downloaded.
    pub fn messages(&self, channel: u64) -> Vec<Posted> {
        self.read(|s| {
            let ids: Vec<u64> = s
                .messages
                .get(&channel)
                .map(|m| m.keys().copied().collect())
                .unwrap_or_default();
            ids.iter()
                .filter_map(|id| s.message_view(channel, *id))
                .map(|m| posted(s, m))
                .collect()
        })
    }

    /// What the bot posted in `channel`, oldest first.
    pub fn bot_messages(&self, channel: u64) -> Vec<Posted> {
        let bot = self.bot_id();
        self.messages(channel)
            .into_iter()
            .filter(|m| m.author == bot)
            .collect()
    }

    /// Global and guild commands as the bot registered them.
    pub fn registered_commands(&self) -> Vec<Value> {
        self.read(|s| {
            let guild = s.guild_commands.values().flatten();
            s.global_commands.iter().chain(guild).cloned().collect()
        })
    }

    /// The next `times` requests on `route` fail with `failure`.
    pub fn fail_next(&self, route: Route, failure: Failure, times: usize) {
        let armed = failures::Armed {
            route,
            failure,
            remaining: times,
        };
        self.change(|s| s.failures.push(armed));
    }

    /// REST requests so far: `METHOD /path STATUS`.
    pub fn requests(&self) -> Vec<String> {
        self.read(|s| s.requests.clone())
    }

    /// Closes the bot's gateway connection with a resumable code; events
    /// until it resumes are replayed then. False when none was live.
    pub fn drop_connection(&self) -> bool {
        self.change(gateway::drop_connection)
    }

    /// Sends INVALID_SESSION on the live connection.
    pub fn invalidate_session(&self, resumable: bool) -> bool {
        self.change(|s| gateway::invalidate_session(s, resumable))
    }

    /// Refuses the next RESUME with INVALID_SESSION, so the bot must
    /// identify again and the gap is not replayed.
    pub fn refuse_next_resume(&self) {
        self.change(|s| s.gateway.refuse_resume = true);
    }

    /// Runs `act` and delivers every dispatch it made a second time, as
    /// Discord may.
    pub fn dispatch_twice<R>(&self, act: impl FnOnce(&FakeDiscord) -> R) -> R {
        let before = self.read(|s| session_log(s).len());
        let result = act(self);
        self.change(|s| {
            let frames: Vec<String> = session_log(s).iter().skip(before).cloned().collect();
            for frame in frames {
                let parsed: Value = serde_json::from_str(&frame).expect("the fake's own frame");
                s.dispatch(parsed["t"].as_str().unwrap_or_default(), &parsed["d"]);
            }
        });
        result
    }

    /// Waits until `ready` holds, checking every 20 ms, for at most
    /// `timeout`.
    pub async fn wait_for(
        &self,
        ready: impl Fn(&State) -> bool,
        timeout: Duration,
    ) -> Result<(), Timeout> {
        let deadline = tokio::time::Instant::now() + timeout;
        while tokio::time::Instant::now() < deadline {
            if self.read(&ready) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err(Timeout(self.read(summary)))
    }

    /// Waits until a bot has identified (or resumed) and receives events.
    pub async fn wait_connected(
        &self,
        identifies: usize,
        timeout: Duration,
    ) -> Result<(), Timeout> {
        let live = move |s: &State| {
            let attached = s
                .gateway
                .live
                .as_ref()
                .is_some_and(|(_, _, attached)| *attached);
            attached && s.gateway.identifies >= identifies
        };
        self.wait_for(live, timeout).await
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The latest session's log, empty before any IDENTIFY.
fn session_log(state: &State) -> &[String] {
    let latest = state.gateway.latest.as_ref();
    latest
        .and_then(|s| state.gateway.sessions.get(s))
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// A stored message with its files' bytes.
fn posted(state: &State, json: Value) -> Posted {
    let files = json["attachments"].as_array().cloned().unwrap_or_default();
    let files = files.iter().map(|a| {
        let url = a["url"].as_str().unwrap_or_default();
        let bytes = state
            .files
            .get(cdn_path(url, &state.base))
            .cloned()
            .unwrap_or_default();
        File {
            name: a["filename"].as_str().unwrap_or_default().to_string(),
            bytes,
        }
    });
    Posted {
        id: id_of(&json["id"]),
        author: id_of(&json["author"]["id"]),
        content: json["content"].as_str().unwrap_or_default().to_string(),
        nonce: json["nonce"].as_str().map(String::from),
        files: files.collect(),
        json,
    }
}

/// The stored path of a CDN link: no address, no signature.
fn cdn_path<'a>(url: &'a str, base: &str) -> &'a str {
    let path = url.strip_prefix(base).unwrap_or(url);
    path.split('?').next().unwrap_or(path)
}

/// What the fake saw, for a timeout's message.
fn summary(state: &State) -> String {
    let recent: Vec<&String> = state.requests.iter().rev().take(12).collect();
    let live = state
        .gateway
        .live
        .as_ref()
        .map(|(_, _, attached)| *attached);
    format!(
        "timed out; identifies {}, resumes {}, live connection {live:?}, last requests (newest first) {recent:?}",
        state.gateway.identifies, state.gateway.resumes
    )
}
