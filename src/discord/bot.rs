//! The bot's shared state and the few steps every handler takes: find
//! the incident of a channel, know a member's roles, run store work off
//! the async threads, and turn an internal fault into a reference.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex as SyncMutex};

use serenity::all as dc;
use tokio::sync::Mutex;

use super::access::Access;
use crate::ingest::{Input, Recorder, Report};
use crate::model::{Incident, IncidentId, Person, Snowflake};
use crate::settings::{Secret, Settings};

/// Everything the handlers share.
pub struct Bot {
    pub(super) recorder: Arc<Mutex<Recorder>>,
    pub(super) settings: Arc<Settings>,
    pub(super) access: Access,
    /// A client that never sends loopback traffic through a proxy, for
    /// attachment bytes and the record post.
    pub(super) web: reqwest::Client,
    /// `https://discord.com`, or `discord.api_base`.
    pub(super) api_base: String,
    pub(super) token: Secret,
    self_id: AtomicU64,
    /// Cleared on SIGTERM or ctrl-c: events after that are not taken.
    accepting: AtomicBool,
    /// A channel's parent, for threads (`None`: not a thread).
    parents: SyncMutex<HashMap<u64, Option<u64>>>,
    /// Role ids by (guild, user), as last seen.
    roles: SyncMutex<HashMap<(u64, u64), Vec<u64>>>,
    /// One turn per channel, so a message's create, edit and delete are
    /// recorded in the order Discord sent them.
    turns: SyncMutex<HashMap<u64, Arc<Mutex<()>>>>,
    /// Recent messages whose create is being or has been recorded.
    created: SyncMutex<std::collections::VecDeque<u64>>,
    /// Handlers running now; shutdown waits for them.
    inflight: std::sync::atomic::AtomicUsize,
    idle: tokio::sync::Notify,
}

/// Counts a running handler until dropped.
pub struct Busy<'a>(&'a Bot);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        if self.0.inflight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

/// How many recent creates [`Bot::created`] remembers.
const CREATED_MEMORY: usize = 4096;
/// How new a message must be for its edit to wait for its create.
const CREATE_GRACE: chrono::Duration = chrono::Duration::seconds(5);

impl Bot {
    /// The state of a bot recording through `recorder`.
    pub fn new(
        recorder: Recorder,
        settings: Settings,
        access: Access,
        web: reqwest::Client,
        token: Secret,
    ) -> Bot {
        let api_base = settings
            .discord
            .api_base
            .clone()
            .unwrap_or_else(|| "https://discord.com".into());
        Bot {
            recorder: Arc::new(Mutex::new(recorder)),
            settings: Arc::new(settings),
            access,
            web,
            api_base: api_base.trim_end_matches('/').to_string(),
            token,
            self_id: AtomicU64::new(0),
            accepting: AtomicBool::new(true),
            parents: SyncMutex::new(HashMap::new()),
            roles: SyncMutex::new(HashMap::new()),
            turns: SyncMutex::new(HashMap::new()),
            created: SyncMutex::new(std::collections::VecDeque::new()),
            inflight: std::sync::atomic::AtomicUsize::new(0),
            idle: tokio::sync::Notify::new(),
        }
    }

    /// Waits for `channel`'s turn: serenity handles each event in its
    /// own task, and without this an edit read right after its message
    /// could be recorded first, losing the original text.
    pub(super) async fn turn(&self, channel: dc::ChannelId) -> tokio::sync::OwnedMutexGuard<()> {
        let turn = lock(&self.turns).entry(channel.get()).or_default().clone();
        turn.lock_owned().await
    }

    /// Marks a handler as running until the guard is dropped.
    pub(super) fn busy(&self) -> Busy<'_> {
        self.inflight.fetch_add(1, Ordering::SeqCst);
        Busy(self)
    }

    /// Waits until no handler runs, or `limit` passed: what was started
    /// before shutdown (a reconcile, a publish) is finished first.
    pub async fn settle(&self, limit: std::time::Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while self.inflight.load(Ordering::SeqCst) > 0 {
            let idle = self.idle.notified();
            if self.inflight.load(Ordering::SeqCst) == 0 {
                return;
            }
            if tokio::time::timeout_at(deadline, idle).await.is_err() {
                tracing::warn!("stopping with handlers still running");
                return;
            }
        }
    }

    /// Notes that message `id`'s create holds its channel's turn.
    pub(super) fn note_created(&self, id: dc::MessageId) {
        let mut created = lock(&self.created);
        if created.len() == CREATED_MEMORY {
            created.pop_front();
        }
        created.push_back(id.get());
    }

    /// Waits (at most a second) for the create of a message posted in the
    /// last seconds to take its turn, so its edit is recorded after it.
    pub(super) async fn after_create(&self, id: dc::MessageId) {
        let posted = Snowflake(id.get()).timestamp();
        if posted < chrono::Utc::now() - CREATE_GRACE {
            return;
        }
        for _ in 0..100 {
            if lock(&self.created).contains(&id.get()) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// The recorder, for the shutdown path to flush.
    pub fn recorder(&self) -> Arc<Mutex<Recorder>> {
        self.recorder.clone()
    }

    /// Stops taking events (shutdown has begun).
    pub fn stop_accepting(&self) {
        self.accepting.store(false, Ordering::SeqCst);
    }

    pub(super) fn accepting(&self) -> bool {
        self.accepting.load(Ordering::SeqCst)
    }

    pub(super) fn set_self(&self, id: u64) {
        self.self_id.store(id, Ordering::SeqCst);
    }

    /// True for Scribe's own user.
    pub(super) fn is_self(&self, id: dc::UserId) -> bool {
        self.self_id.load(Ordering::SeqCst) == id.get()
    }

    /// Runs `work` on the recorder on a blocking thread, after the
    /// writes queued before it.
    pub(super) async fn with<T, F>(&self, work: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Recorder) -> anyhow::Result<T> + Send + 'static,
    {
        let mut recorder = self.recorder.clone().lock_owned().await;
        tokio::task::spawn_blocking(move || work(&mut recorder)).await?
    }

    /// Ingests `inputs` into incident `id`, flushed when this returns.
    pub(super) async fn ingest(
        &self,
        id: &IncidentId,
        create: Option<Incident>,
        inputs: Vec<Input>,
    ) -> anyhow::Result<Report> {
        let id = id.clone();
        self.with(move |r| Ok(r.ingest(&id, create, inputs)?)).await
    }

    /// The incident recording `channel`, directly or as its thread.
    pub(super) async fn incident_of(
        &self,
        ctx: &dc::Context,
        channel: dc::ChannelId,
    ) -> anyhow::Result<Option<IncidentId>> {
        if let Some(id) = self.bound(channel.get()).await? {
            return Ok(Some(id));
        }
        match self.parent_of(ctx, channel).await {
            Some(parent) => self.bound(parent).await,
            None => Ok(None),
        }
    }

    async fn bound(&self, channel: u64) -> anyhow::Result<Option<IncidentId>> {
        self.with(move |r| Ok(r.store().incident_for_channel(Snowflake(channel))?))
            .await
    }

    /// A thread's parent channel, asked of Discord once per channel.
    async fn parent_of(&self, ctx: &dc::Context, channel: dc::ChannelId) -> Option<u64> {
        if let Some(known) = lock(&self.parents).get(&channel.get()) {
            return *known;
        }
        let parent = match ctx.http.get_channel(channel).await {
            Ok(dc::Channel::Guild(c)) if c.thread_metadata.is_some() => {
                c.parent_id.map(|p| p.get())
            }
            Ok(_) => None,
            Err(e) => {
                // Not cached: the next message asks again.
                tracing::warn!(channel = %channel, error = %e, "cannot read channel");
                return None;
            }
        };
        lock(&self.parents).insert(channel.get(), parent);
        parent
    }

    /// Notes a thread's parent as the gateway announced it.
    pub(super) fn note_thread(&self, thread: &dc::GuildChannel) {
        let parent = thread.parent_id.map(|p| p.get());
        lock(&self.parents).insert(thread.id.get(), parent);
    }

    /// The role ids of `user`: from the payload when it has them
    /// (remembered for later), else as last seen, else asked of Discord.
    pub(super) async fn roles_of(
        &self,
        ctx: &dc::Context,
        guild: Option<dc::GuildId>,
        user: dc::UserId,
        from_payload: Option<Vec<u64>>,
    ) -> Vec<u64> {
        let Some(guild) = guild else {
            return from_payload.unwrap_or_default();
        };
        let key = (guild.get(), user.get());
        if let Some(roles) = from_payload {
            lock(&self.roles).insert(key, roles.clone());
            return roles;
        }
        if let Some(roles) = lock(&self.roles).get(&key) {
            return roles.clone();
        }
        let roles = match ctx.http.get_member(guild, user).await {
            Ok(member) => member.roles.iter().map(|r| r.get()).collect(),
            Err(e) => {
                tracing::warn!(user = %user, error = %e, "cannot read member roles");
                return Vec::new();
            }
        };
        lock(&self.roles).insert(key, roles);
        lock(&self.roles)[&key].clone()
    }

    /// People mentioned as `<@id>` in `texts`, with their names in the
    /// guild, so owner and commander options keep the person's id.
    pub(super) async fn mentioned(
        &self,
        ctx: &dc::Context,
        guild: Option<dc::GuildId>,
        texts: &[(String, String)],
    ) -> Vec<Person> {
        let mut people = Vec::new();
        for (_, text) in texts {
            for id in super::convert::mentioned_ids(text) {
                people.push(self.person(ctx, guild, dc::UserId::new(id)).await);
            }
        }
        people
    }

    /// A user as the guild names them; the bare id when Discord will
    /// not say.
    pub(super) async fn person(
        &self,
        ctx: &dc::Context,
        guild: Option<dc::GuildId>,
        user: dc::UserId,
    ) -> Person {
        let name = match guild {
            Some(g) => ctx
                .http
                .get_member(g, user)
                .await
                .ok()
                .map(|m| member_name(&m)),
            None => None,
        };
        let name = match name {
            Some(name) => Some(name),
            None => ctx
                .http
                .get_user(user)
                .await
                .ok()
                .map(|u| super::convert::display_name(&u)),
        };
        Person {
            name: name.unwrap_or_else(|| user.to_string()),
            id: Some(Snowflake(user.get())),
        }
    }
}

/// A member's name in the guild: nickname, else display name.
pub(super) fn member_name(member: &dc::Member) -> String {
    member
        .nick
        .clone()
        .unwrap_or_else(|| super::convert::display_name(&member.user))
}

/// Locks a std mutex; a panic elsewhere while holding it left only a
/// cache behind, which stays usable.
fn lock<T>(mutex: &SyncMutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Logs an internal fault with its whole cause chain and returns the
/// short reference the user is shown.
pub(super) fn fault(error: &anyhow::Error, during: &str) -> String {
    let reference = reference_id();
    tracing::error!(reference = %reference, during, error = format!("{error:#}"), "internal error");
    reference
}

/// The sentence a user sees for an internal fault.
pub(super) fn fault_text(reference: &str) -> String {
    format!(
        "Scribe could not finish that because of an internal error \
         (reference {reference}). Try again in a moment; if it keeps \
         happening, give the operator this reference."
    )
}

/// Eight hex characters, different for every fault in a run.
fn reference_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mixed =
        (nanos ^ count.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    format!("{:08x}", (mixed >> 32) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_eight_hex_characters_and_differ() {
        let a = reference_id();
        let b = reference_id();
        assert_eq!(a.len(), 8);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn the_fault_text_shows_the_reference_but_no_error() {
        let text = fault_text("1a2b3c4d");
        assert!(text.contains("1a2b3c4d"));
        assert!(!text.contains("sled"));
    }
}
