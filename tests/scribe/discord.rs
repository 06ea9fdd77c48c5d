//! `scribe run` end to end: the real bot, started in-process on a
//! temporary store, against the fake Discord. Every test waits for a
//! visible answer from the bot (a reply, a reaction, a stored message),
//! so a dispatch serenity dropped fails the test instead of passing it.

use std::sync::Arc;
use std::time::Duration;

use scribe::discord::Bot;
use scribe::ingest::Recorder;
use scribe::model::{Dossier, IncidentId};
use scribe::settings::Settings;
use scribe::store::Store;
use serenity::all::ShardManager;

use crate::fake_discord::{Draft, Failure, FakeDiscord, File, Posted, Route, State};
use scribe::ingest::Input;
use scribe::ledger::Ledger;
use scribe::model::{ActionStatus, Annotation, Command, Origin, Snowflake};

const WAIT: Duration = Duration::from_secs(10);

/// A bot running against a fake, with the people of a bridge.
struct Bridge {
    fake: FakeDiscord,
    bot: Arc<Bot>,
    shards: Arc<ShardManager>,
    running: tokio::task::JoinHandle<()>,
    dir: tempfile::TempDir,
    channel: u64,
    /// A responder and the commander.
    alice: u64,
    /// A responder.
    bob: u64,
    /// In the guild, not a responder.
    mallory: u64,
    /// An alerting bot.
    alerts: u64,
}

impl Bridge {
    async fn start() -> Bridge {
        let filter = tracing_subscriber::EnvFilter::try_from_env("SCRIBE_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("scribe=warn"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
        let fake = FakeDiscord::start().await;
        let responder = fake.role("responder");
        let alice = fake.add_user("Alice Ng", &[responder]);
        let bob = fake.add_user("Bob Ruiz", &[responder]);
        let mallory = fake.add_user("Mallory", &[]);
        let alerts = fake.add_bot("PagerBot");
        let dir = tempfile::tempdir().expect("temp dir");
        let channel = fake.channel("incident-bridge");
        let (bot, shards, running) = launch(&fake, dir.path(), 1).await;
        Bridge {
            fake,
            bot,
            shards,
            running,
            dir,
            channel,
            alice,
            bob,
            mallory,
            alerts,
        }
    }

    /// The incident as stored now.
    async fn dossier(&self, id: &str) -> Dossier {
        let id: IncidentId = id.parse().expect("test id");
        let recorder = self.bot.recorder();
        let recorder = recorder.lock().await;
        recorder.dossier(&id).expect("incident stored")
    }

    /// Waits until the stored incident satisfies `ready`.
    async fn wait_stored(&self, id: &str, ready: impl Fn(&Dossier) -> bool) -> Dossier {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let dossier = self.dossier(id).await;
            if ready(&dossier) {
                return dossier;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the store never got there: {dossier:#?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    async fn open(&self) {
        let opened = self
            .fake
            .slash(
                self.alice,
                self.channel,
                "incident open",
                &[
                    ("id", "INC-7001"),
                    ("title", "Duplicate invoice drafts"),
                    ("severity", "SEV-2"),
                    ("commander", &format!("<@{}>", self.alice)),
                ],
            )
            .await;
        assert!(!opened.ephemeral(), "{}", opened.content());
        assert!(
            opened.content().contains("/incident open"),
            "{}",
            opened.content()
        );
    }

    /// `user` types `text`; waits for the bot's reply to it and returns
    /// the message id and the reply.
    async fn typed(&self, user: u64, text: &str) -> (u64, Posted) {
        let id = self.fake.post(self.channel, user, text);
        (id, self.reply_to(id).await)
    }

    /// The bot's reply to message `id`: its first message after it.
    /// (The fake does not keep `message_reference` on the bot's posts,
    /// so the reply is found by order.)
    async fn reply_to(&self, id: u64) -> Posted {
        self.reply_to_in(self.channel, id).await
    }

    /// The bot's reply to message `id` in `channel`.
    async fn reply_to_in(&self, channel: u64, id: u64) -> Posted {
        let bot = self.fake.bot_id().to_string();
        let replied = move |s: &State| {
            let messages = s.messages.get(&channel);
            messages.is_some_and(|m| {
                m.range(id + 1..)
                    .any(|(_, m)| m["author"]["id"].as_str() == Some(bot.as_str()))
            })
        };
        self.fake
            .wait_for(replied, WAIT)
            .await
            .expect("the bot replies");
        let all = self.fake.bot_messages(channel);
        all.into_iter()
            .find(|m| m.id > id)
            .expect("reply in the channel")
    }

    /// The emoji the bot reacted with on message `id`.
    fn bot_reactions(&self, id: u64) -> Vec<String> {
        let bot = self.fake.bot_id();
        self.fake.read(|s| {
            let all = s.reactions.get(&id).cloned().unwrap_or_default();
            all.into_iter()
                .filter(|(_, u)| *u == bot)
                .map(|(e, _)| e)
                .collect()
        })
    }

    /// Stops the bot as SIGTERM would and waits until it let go of the
    /// store.
    async fn halt(&mut self) {
        self.shards.shutdown_all().await;
        scribe::discord::flush(&self.bot).await.expect("flush");
        (&mut self.running).await.expect("the client task ends");
    }

    /// Starts the bot again on the same store (the `nth` identify), once
    /// the old one has let go of it.
    async fn restart(self, nth: usize) -> Bridge {
        self.restart_after(nth, |_| {}).await
    }

    /// Like [`Bridge::restart`], running `offline` on the store's folder
    /// while no bot holds it.
    async fn restart_after(self, nth: usize, offline: impl FnOnce(&std::path::Path)) -> Bridge {
        let Bridge {
            fake,
            bot,
            dir,
            channel,
            alice,
            bob,
            mallory,
            alerts,
            ..
        } = self;
        let deadline = tokio::time::Instant::now() + WAIT;
        while Arc::strong_count(&bot) > 1 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the old bot never let go"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        drop(bot);
        offline(dir.path());
        let (bot, shards, running) = launch(&fake, dir.path(), nth).await;
        Bridge {
            fake,
            bot,
            shards,
            running,
            dir,
            channel,
            alice,
            bob,
            mallory,
            alerts,
        }
    }

    async fn stop(mut self) {
        self.halt().await;
    }
}

/// Starts the bot on a store in `dir`, aimed at `fake`, and waits for it
/// to connect and register its commands.
async fn launch(
    fake: &FakeDiscord,
    dir: &std::path::Path,
    identifies: usize,
) -> (Arc<Bot>, Arc<ShardManager>, tokio::task::JoinHandle<()>) {
    let mut settings = Settings::default();
    settings.store.path = dir.join("store");
    settings.archive.path = dir.join("archive");
    settings.discord.api_base = Some(fake.api_base().to_string());
    settings.discord.responder_roles = vec![fake.role("responder").to_string()];
    settings.discord.publisher_roles = vec![fake.role("publisher").to_string()];
    let store = Store::open(&settings.store.path, 8, "scribe run").expect("store opens");
    let recorder = Recorder::new(store, settings.clone()).expect("recorder");
    let token = settings
        .token(Some(FakeDiscord::TOKEN.into()))
        .expect("token");
    let bot = Arc::new(scribe::discord::bot_for(recorder, &settings, &token).expect("bot"));
    let mut client = scribe::discord::client(&bot, &settings, &token)
        .await
        .expect("client");
    let shards = client.shard_manager.clone();
    let running = tokio::spawn(async move {
        client.start().await.expect("the client runs");
    });
    fake.wait_connected(identifies, WAIT)
        .await
        .expect("the bot connects");
    let registered = |s: &State| !s.global_commands.is_empty();
    fake.wait_for(registered, WAIT)
        .await
        .expect("the bot registers its commands");
    (bot, shards, running)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slash_phase_is_confirmed_in_the_channel_and_stored() {
    let bridge = Bridge::start().await;
    bridge.open().await;
    bridge
        .fake
        .post(bridge.channel, bridge.bob, "db-eu-1 replica lag at 40s");
    let phase = bridge
        .fake
        .slash(
            bridge.bob,
            bridge.channel,
            "phase",
            &[("phase", "mitigate")],
        )
        .await;
    assert!(!phase.ephemeral());
    assert!(
        phase.content().contains("/phase mitigate"),
        "{}",
        phase.content()
    );
    let dossier = bridge
        .wait_stored("INC-7001", |d| {
            d.messages.iter().any(|m| m.content.contains("replica lag"))
        })
        .await;
    assert_eq!(dossier.annotations.len(), 2, "{:#?}", dossier.annotations);
    bridge.stop().await;
}

fn ledger(dossier: &Dossier) -> Ledger {
    Ledger::replay(dossier)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_incident_through_every_spelling() {
    let b = Bridge::start().await;
    let earlier = chrono::Utc::now() - chrono::Duration::minutes(30);
    let early = b.fake.post_draft(
        b.channel,
        b.bob,
        Draft {
            at: Some(earlier),
            ..Draft::text("drafts doubled on eu-1?")
        },
    );
    b.open().await;
    let lag = b.fake.post(b.channel, b.bob, "db-eu-1 replica lag at 40s");
    b.fake.post(b.channel, b.alerts, "/phase resolve");
    let slash = |path: &'static str, options: Vec<(&'static str, String)>| {
        let fake = &b.fake;
        let (user, channel) = (b.alice, b.channel);
        async move {
            let options: Vec<(&str, &str)> =
                options.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let answer = fake.slash(user, channel, path, &options).await;
            assert!(!answer.ephemeral(), "/{path} refused: {}", answer.content());
            answer
        }
    };
    slash(
        "phase",
        vec![("phase", "detect".into()), ("at", "-20m".into())],
    )
    .await;
    slash(
        "event add",
        vec![
            ("text", "Billing batch retried twice".into()),
            ("at", "-25m".into()),
        ],
    )
    .await;
    slash(
        "mark",
        vec![("mark", "acknowledged".into()), ("at", "-15m".into())],
    )
    .await;
    slash("impact start", vec![("at", "-28m".into())]).await;
    slash(
        "impact card add",
        vec![
            ("label", "Duplicate drafts".into()),
            ("value", "1,842".into()),
        ],
    )
    .await;
    let owner = format!("<@{}>", b.bob);
    slash(
        "action add",
        vec![
            ("text", "Make invoice writes idempotent".into()),
            ("owner", owner),
            ("due", "2026-06-12".into()),
        ],
    )
    .await;
    slash("action done", vec![("n", "1".into())]).await;
    slash(
        "why add",
        vec![("text", "The retry re-ran the whole batch".into())],
    )
    .await;
    slash(
        "control add",
        vec![
            ("name", "Reconciliation check".into()),
            ("type", "detective".into()),
            ("outcome", "worked".into()),
        ],
    )
    .await;
    slash(
        "link add",
        vec![
            ("label", "Fix PR".into()),
            ("ref", "batch-billing#498".into()),
        ],
    )
    .await;

    let (typed, reply) = b.typed(b.bob, "/phase mitigate").await;
    assert!(
        reply.content.contains("/phase mitigate"),
        "{}",
        reply.content
    );
    assert_eq!(b.bot_reactions(typed), ["✅"]);

    let form = b.fake.slash(b.alice, b.channel, "rootcause", &[]).await;
    assert!(form.modal.is_some(), "rootcause without text opens a form");
    let text = "Invoice writes were not idempotent.\nNothing required them to be.";
    let filled = b.fake.submit_modal(b.alice, &form, &[("text", text)]).await;
    assert!(
        filled.content().contains("/rootcause"),
        "{}",
        filled.content()
    );

    let bad = b
        .fake
        .slash(
            b.alice,
            b.channel,
            "action add",
            &[("text", "x"), ("owner", "Bob"), ("due", "next friday")],
        )
        .await;
    assert!(bad.ephemeral(), "bad input is answered privately");
    assert!(bad.content().contains("next friday"), "{}", bad.content());

    let menu = b
        .fake
        .menu(b.alice, b.channel, "Add to timeline", lag)
        .await;
    assert!(!menu.ephemeral(), "{}", menu.content());
    let old = chrono::Utc::now() - chrono::Duration::hours(26);
    let before = b.fake.post_draft(
        b.channel,
        b.bob,
        Draft {
            at: Some(old),
            ..Draft::text("config push 88 rolled out")
        },
    );
    let excerpt = b
        .fake
        .menu(b.alice, b.channel, "Add to timeline", before)
        .await;
    assert!(!excerpt.ephemeral(), "{}", excerpt.content());
    b.fake.pin(b.channel, early, b.alice);
    // Edited at once: the edit must not overtake its own message.
    let edited = b.fake.post(b.channel, b.bob, "rollback at 04:50");
    b.fake.edit(b.channel, edited, "rollback done at 04:51");
    let gone = b.fake.post(b.channel, b.bob, "wrong channel, sorry");

    b.wait_stored("INC-7001", |d| d.messages.iter().any(|m| m.id.0 == gone))
        .await;
    b.fake.delete(b.channel, gone);
    b.fake.react(b.channel, lag, b.bob, "📌");
    b.wait_stored("INC-7001", |d| {
        let pinned = d.messages.iter().any(|m| m.id.0 == early && m.pinned);
        let flagged = d
            .messages
            .iter()
            .any(|m| m.id.0 == lag && !m.pin_reactions.is_empty());
        let edit = d
            .messages
            .iter()
            .any(|m| m.id.0 == edited && m.content.contains("done"));
        pinned && flagged && edit && d.tombstones.iter().any(|t| t.id.0 == gone)
    })
    .await;
    b.fake.unpin(b.channel, early, b.alice);
    let dossier = b
        .wait_stored("INC-7001", |d| {
            d.messages.iter().any(|m| m.id.0 == early && !m.pinned)
        })
        .await;

    let l = ledger(&dossier);
    assert_eq!(l.severity.as_deref(), Some("SEV-2"));
    assert_eq!(
        l.commander.as_ref().map(|c| c.name.as_str()),
        Some("Alice Ng")
    );
    assert_eq!(
        l.phases.len(),
        2,
        "the alert bot's /phase is chat: {:?}",
        l.phases
    );
    assert_eq!(l.events.len(), 1);
    assert_eq!(l.cards.len(), 1);
    assert_eq!(l.actions[0].owner.name, "Bob Ruiz");
    assert_eq!(l.actions[0].status, ActionStatus::Done);
    assert_eq!(l.whys.len(), 1);
    assert_eq!(l.root_cause.as_deref(), Some(text));
    assert_eq!(l.controls.len(), 1);
    assert_eq!(l.links.len(), 1);
    assert!(l.key_messages.contains(&Snowflake(lag)));
    assert!(l.key_messages.contains(&Snowflake(before)));
    assert!(
        dossier.messages.iter().any(|m| m.id.0 == before),
        "a menu's older target is recorded"
    );
    let edited_message = dossier.messages.iter().find(|m| m.id.0 == edited).unwrap();
    assert_eq!(edited_message.history.len(), 1);
    assert!(dossier.messages.iter().all(|m| m.id.0 != gone));
    assert!(
        dossier.messages.iter().any(|m| m.id.0 == early),
        "the earlier message was read at open"
    );
    let alert = dossier
        .messages
        .iter()
        .find(|m| m.content == "/phase resolve")
        .expect("bot kept");
    assert!(alert.author.is_bot);
    assert!(
        dossier
            .messages
            .iter()
            .all(|m| m.author.id.0 != b.fake.bot_id()),
        "Scribe's own not kept"
    );
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_responder_is_refused_on_every_path() {
    let b = Bridge::start().await;
    b.open().await;
    let said = b.fake.post(b.channel, b.bob, "api pods restarting");
    b.wait_stored("INC-7001", |d| d.messages.iter().any(|m| m.id.0 == said))
        .await;

    let slash = b
        .fake
        .slash(b.mallory, b.channel, "phase", &[("phase", "resolve")])
        .await;
    assert!(slash.ephemeral());
    assert!(
        slash.content().contains("responder roles"),
        "{}",
        slash.content()
    );
    let menu = b
        .fake
        .menu(b.mallory, b.channel, "Add to timeline", said)
        .await;
    assert!(menu.ephemeral(), "{}", menu.content());
    assert!(
        menu.content().contains("responder roles"),
        "{}",
        menu.content()
    );
    let form = b.fake.slash(b.mallory, b.channel, "rootcause", &[]).await;
    assert!(
        form.modal.is_none(),
        "no form for someone who may not annotate"
    );
    assert!(
        form.content().contains("responder roles"),
        "{}",
        form.content()
    );
    let publish = b
        .fake
        .slash(b.bob, b.channel, "postmortem publish", &[])
        .await;
    assert!(
        publish.ephemeral(),
        "a responder who is not commander: {}",
        publish.content()
    );
    let only = "only the incident commander or a member of a publisher role";
    assert!(publish.content().contains(only), "{}", publish.content());
    let commander = b
        .fake
        .slash(
            b.bob,
            b.channel,
            "incident set",
            &[("commander", "Bob Ruiz")],
        )
        .await;
    assert!(commander.ephemeral(), "{}", commander.content());
    assert!(
        commander.content().contains(only),
        "{}",
        commander.content()
    );

    let (typed, reply) = b.typed(b.mallory, "/phase resolve").await;
    assert_eq!(b.bot_reactions(typed), ["❌"]);
    assert!(
        reply.content.contains("responder roles"),
        "{}",
        reply.content
    );
    let other = b.fake.post(b.channel, b.bob, "queue drained");
    b.wait_stored("INC-7001", |d| d.messages.iter().any(|m| m.id.0 == other))
        .await;
    b.fake.pin(b.channel, said, b.mallory);
    // Bob's pin after Mallory's proves the pin events were handled.
    b.fake.pin(b.channel, other, b.bob);
    let pinned = b
        .wait_stored("INC-7001", |d| {
            d.messages.iter().any(|m| m.id.0 == other && m.pinned)
        })
        .await;
    let mallorys = pinned.messages.iter().find(|m| m.id.0 == said).unwrap();
    assert!(!mallorys.pinned, "a non-responder's pin makes no key event");
    b.fake.react(b.channel, said, b.mallory, "📌");
    // A responder's 📌 after Mallory's proves the reactions were handled.
    b.fake.react(b.channel, said, b.bob, "📌");
    let dossier = b
        .wait_stored("INC-7001", |d| {
            d.messages
                .iter()
                .any(|m| m.id.0 == said && !m.pin_reactions.is_empty())
        })
        .await;
    let flagged = &dossier
        .messages
        .iter()
        .find(|m| m.id.0 == said)
        .unwrap()
        .pin_reactions;
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert_eq!(flagged[0].name, "Bob Ruiz");
    let l = ledger(&dossier);
    assert!(l.phases.is_empty(), "{:?}", l.phases);
    assert!(
        dossier.messages.iter().any(|m| m.id.0 == typed),
        "the refused command is kept as chat"
    );
    assert_eq!(
        l.commander.as_ref().map(|c| c.name.as_str()),
        Some("Alice Ng")
    );
    b.stop().await;
}

/// Replaces what Discord's clients know of the commands with ones that
/// no longer match: `/phase` with its phases as indexes (poise's own
/// way), `/action done` with its number as text, and a `/retro` this
/// Scribe does not have.
fn register_an_older_scribe(state: &mut State) {
    let phase = &mut registered(state, "phase")["options"][0];
    phase["type"] = serde_json::json!(4);
    phase["choices"] = serde_json::json!([
        {"name": "detect", "value": 0}, {"name": "escalate", "value": 1},
        {"name": "mitigate", "value": 2}, {"name": "resolve", "value": 3},
    ]);
    let action = registered(state, "action");
    let subcommands = action["options"].as_array_mut().unwrap();
    let done = subcommands
        .iter_mut()
        .find(|o| o["name"] == "done")
        .unwrap();
    done["options"][0]["type"] = serde_json::json!(3);
    let retro = serde_json::json!({
        "id": state.next_id().to_string(), "name": "retro", "type": 1,
        "description": "Start a retrospective", "options": [],
    });
    state.global_commands.push(retro);
}

/// The global command `name` as the fake holds it.
fn registered<'a>(state: &'a mut State, name: &str) -> &'a mut serde_json::Value {
    let found = state.global_commands.iter_mut().find(|c| c["name"] == name);
    found.unwrap_or_else(|| panic!("/{name} is registered"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_of_an_older_registration_get_a_private_reason() {
    let b = Bridge::start().await;
    b.open().await;
    b.fake.change(register_an_older_scribe);

    let retro = b.fake.slash(b.bob, b.channel, "retro", &[]).await;
    assert!(retro.ephemeral(), "{}", retro.content());
    assert!(
        retro
            .content()
            .contains("\"/retro\" is not a Scribe command"),
        "{}",
        retro.content()
    );
    // A phase sent as its index is read as the word it stands for.
    let phase = b
        .fake
        .slash(b.bob, b.channel, "phase", &[("phase", "mitigate")])
        .await;
    assert!(!phase.ephemeral(), "{}", phase.content());
    assert!(
        phase.content().contains("/phase mitigate"),
        "{}",
        phase.content()
    );
    // A number sent as text is not what poise reads for `n`.
    let done = b
        .fake
        .slash(b.bob, b.channel, "action done", &[("n", "1")])
        .await;
    assert!(done.ephemeral(), "{}", done.content());
    assert!(
        done.content().contains("options Scribe no longer has"),
        "{}",
        done.content()
    );
    // A value that is none of the choices reaches the parser, which
    // names the marks it takes.
    let mark = serde_json::json!([{"name": "mark", "type": 3, "value": "fixed"}]);
    let odd = b.fake.raw_slash(b.bob, b.channel, "mark", mark).await;
    assert!(odd.ephemeral(), "{}", odd.content());
    assert!(odd.content().contains("acknowledged"), "{}", odd.content());

    // Payloads no client sends: a group without its subcommand, and
    // SPEC's bare `/event` with its options.
    let bare = b
        .fake
        .raw_slash(b.bob, b.channel, "action", serde_json::json!([]))
        .await;
    assert!(bare.ephemeral(), "{}", bare.content());
    assert!(
        bare.content().contains("/action needs a subcommand"),
        "{}",
        bare.content()
    );
    let options = serde_json::json!([
        {"name": "text", "type": 3, "value": "Dispatch paused by hand"},
        {"name": "at", "type": 3, "value": "-5m"},
    ]);
    let event = b.fake.raw_slash(b.bob, b.channel, "event", options).await;
    assert!(!event.ephemeral(), "{}", event.content());
    assert!(event.content().contains("/event"), "{}", event.content());

    // The same responder's next command, as registered now, applies.
    let mark = b
        .fake
        .slash(b.bob, b.channel, "mark", &[("mark", "detected")])
        .await;
    assert!(!mark.ephemeral(), "{}", mark.content());
    let dossier = b
        .wait_stored("INC-7001", |d| {
            d.annotations
                .iter()
                .any(|a| matches!(a.command, Command::Mark { .. }))
        })
        .await;
    let l = ledger(&dossier);
    assert_eq!(l.phases.len(), 1, "{:?}", l.phases);
    assert_eq!(l.events.len(), 1, "{:?}", l.events);
    assert_eq!(l.events[0].text, "Dispatch paused by hand");
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dispatch_delivered_twice_is_recorded_once() {
    let b = Bridge::start().await;
    b.open().await;
    let typed = b
        .fake
        .dispatch_twice(|f| f.post(b.channel, b.bob, "/why add Retries re-ran the batch"));
    b.reply_to(typed).await;
    let said = b
        .fake
        .dispatch_twice(|f| f.post(b.channel, b.bob, "cache warmed"));
    b.wait_stored("INC-7001", |d| d.messages.iter().any(|m| m.id.0 == said))
        .await;
    let slash = b.fake.dispatch_twice(|f| {
        let options = [("text", "Nothing made the writes idempotent")];
        f.send_slash(b.alice, b.channel, "why add", &options)
    });
    b.fake.answer(slash.expect("slash sent")).await;
    let dossier = b
        .wait_stored("INC-7001", |d| ledger(d).whys.len() == 2)
        .await;
    assert_eq!(ledger(&dossier).whys.len(), 2);
    assert_eq!(
        dossier.messages.iter().filter(|m| m.id.0 == said).count(),
        1
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let bot_said = b.fake.bot_messages(b.channel);
    for text in [
        "Retries re-ran the batch",
        "Nothing made the writes idempotent",
    ] {
        let said = bot_said.iter().filter(|m| m.content.contains(text)).count();
        assert_eq!(said, 1, "one confirmation for one command: {text}");
    }
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_resumes_and_replayed_events_change_nothing() {
    let b = Bridge::start().await;
    b.open().await;
    assert!(b.fake.drop_connection(), "a live connection to drop");
    let during = b.fake.post(b.channel, b.bob, "said during the outage");
    let typed = b.fake.post(b.channel, b.bob, "/mark detected");
    let resumed = |s: &State| s.gateway.resumes >= 1;
    b.fake
        .wait_for(resumed, WAIT)
        .await
        .expect("the bot resumes");
    b.reply_to(typed).await;
    let dossier = b
        .wait_stored("INC-7001", |d| d.messages.iter().any(|m| m.id.0 == during))
        .await;
    assert_eq!(
        dossier.messages.iter().filter(|m| m.id.0 == during).count(),
        1
    );
    assert_eq!(ledger(&dossier).marks.len(), 1);
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_what_was_said_edited_and_deleted_meanwhile() {
    let mut b = Bridge::start().await;
    b.open().await;
    let edited = b.fake.post(b.channel, b.bob, "failover in 5");
    let deleted = b.fake.post(b.channel, b.bob, "ignore this");
    b.wait_stored("INC-7001", |d| d.messages.iter().any(|m| m.id.0 == deleted))
        .await;
    b.halt().await;

    let new = b.fake.post(b.channel, b.bob, "failover done");
    let typed = b.fake.post(b.channel, b.bob, "/phase resolve");
    b.fake.edit(b.channel, edited, "failover in 2");
    b.fake.delete(b.channel, deleted);
    let b = b.restart(2).await;
    b.reply_to(typed).await;
    let dossier = b
        .wait_stored("INC-7001", |d| {
            d.tombstones.iter().any(|t| t.id.0 == deleted)
        })
        .await;
    assert!(dossier.messages.iter().any(|m| m.id.0 == new));
    let edit = dossier.messages.iter().find(|m| m.id.0 == edited).unwrap();
    assert_eq!(edit.content, "failover in 2");
    assert_eq!(edit.history.len(), 1);
    assert_eq!(ledger(&dossier).phases.len(), 1);
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_survives_429_500_and_a_lost_response_and_posts_once() {
    let b = Bridge::start().await;
    b.open().await;
    b.fake.post(b.channel, b.bob, "all green");
    b.fake
        .fail_next(Route::CreateMessage, Failure::RateLimited(0.2), 1);
    b.fake
        .fail_next(Route::CreateMessage, Failure::ServerError, 1);
    b.fake.fail_next(Route::CreateMessage, Failure::Lost, 1);
    let published = b
        .fake
        .slash(b.alice, b.channel, "postmortem publish", &[])
        .await;
    let done = |s: &State| {
        s.interactions
            .values()
            .any(|i| i.content().contains("/postmortem publish"))
    };
    b.fake
        .wait_for(done, Duration::from_secs(20))
        .await
        .expect("publish confirmed");
    let _ = published;
    let posts: Vec<Posted> = b
        .fake
        .bot_messages(b.channel)
        .into_iter()
        .filter(|m| !m.files.is_empty())
        .collect();
    assert_eq!(posts.len(), 1, "one post per version");
    assert_eq!(posts[0].files[0].name, "INC-7001-v1.html");
    assert_eq!(posts[0].nonce.as_deref(), Some("scribe-INC-7001-v1"));
    let html = String::from_utf8(posts[0].files[0].bytes.clone()).unwrap();
    assert!(html.contains("all green"));
    let archived = b.dir.path().join("archive/INC-7001");
    assert!(archived.join("INC-7001-v1.html").is_file());
    assert!(archived.join("INC-7001-v1.json").is_file());
    let dossier = b
        .wait_stored("INC-7001", |d| !d.incident.posts.is_empty())
        .await;
    assert_eq!(dossier.incident.posts[0].message_id.0, posts[0].id);

    // Room for the zip of the record, not for the record itself.
    let limit = posts[0].files[0].bytes.len() / 2;
    b.fake.change(|s| s.attachment_size_limit = limit);
    b.fake
        .slash(b.alice, b.channel, "postmortem publish", &[])
        .await;
    let v2 = |s: &State| {
        s.messages
            .values()
            .flatten()
            .any(|(_, m)| m["attachments"][0]["filename"] == "INC-7001-v2.zip")
    };
    b.fake
        .wait_for(v2, Duration::from_secs(20))
        .await
        .expect("v2 posted as a zip");
    let last = b
        .fake
        .bot_messages(b.channel)
        .into_iter()
        .rfind(|m| !m.files.is_empty())
        .unwrap();
    assert!(
        last.content.contains("INC-7001/INC-7001-v2.html"),
        "{}",
        last.content
    );
    assert!(last.files[0].bytes.starts_with(b"PK"));
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_offers_numbers_and_severities() {
    let b = Bridge::start().await;
    b.open().await;
    let owner = format!("<@{}>", b.bob);
    let opts = [
        ("text", "Alert on duplicate drafts"),
        ("owner", owner.as_str()),
        ("due", "2026-07-01"),
    ];
    b.fake.slash(b.alice, b.channel, "action add", &opts).await;
    let offered = b
        .fake
        .autocomplete(b.alice, b.channel, "action done", &[("n", "")], "n")
        .await;
    let choices = offered.choices.expect("choices");
    assert_eq!(choices[0]["value"], 1, "{choices}");
    assert!(
        choices[0]["name"]
            .as_str()
            .unwrap()
            .contains("Alert on duplicate drafts")
    );
    let severities = b
        .fake
        .autocomplete(
            b.alice,
            b.channel,
            "incident set",
            &[("severity", "sev")],
            "severity",
        )
        .await;
    assert_eq!(
        severities
            .choices
            .expect("choices")
            .as_array()
            .unwrap()
            .len(),
        4
    );
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn threads_files_and_other_channels() {
    let b = Bridge::start().await;
    let general = b.fake.channel("general");
    let thread = b.fake.channel("incident-bridge-thread");
    let old = chrono::Utc::now() - chrono::Duration::hours(30);
    let too_old = b.fake.post_draft(
        b.channel,
        b.bob,
        Draft {
            at: Some(old),
            ..Draft::text("last week's deploy")
        },
    );
    b.open().await;
    let again = b
        .fake
        .slash(
            b.alice,
            b.channel,
            "incident open",
            &[
                ("id", "INC-7002"),
                ("title", "Again"),
                ("severity", "SEV-3"),
            ],
        )
        .await;
    assert!(again.ephemeral());
    assert!(
        again.content().contains("already records INC-7001"),
        "{}",
        again.content()
    );

    let log = File {
        name: "worker.log".into(),
        bytes:
            b"04:36:01 ERROR billing retry 2 of batch 88\n04:36:02 WARN billing duplicate draft\n"
                .to_vec(),
    };
    let with_log = b.fake.post_draft(
        b.channel,
        b.bob,
        Draft {
            files: vec![log.clone()],
            ..Draft::text("see log")
        },
    );
    let elsewhere = b.fake.post(general, b.bob, "lunch?");
    let in_thread = b.fake.post(thread, b.bob, "/event Thread says hi");
    b.reply_to_in(thread, in_thread).await;
    let dossier = b
        .wait_stored("INC-7001", |d| {
            d.messages.iter().any(|m| m.id.0 == with_log)
        })
        .await;
    let stored = dossier
        .messages
        .iter()
        .find(|m| m.id.0 == with_log)
        .unwrap();
    assert_eq!(
        stored.attachments[0].bytes.as_deref(),
        Some(log.bytes.as_slice())
    );
    let threaded = dossier
        .messages
        .iter()
        .find(|m| m.id.0 == in_thread)
        .expect("thread message kept");
    assert_eq!(threaded.channel_id.map(|c| c.0), Some(thread));
    assert!(
        dossier
            .messages
            .iter()
            .all(|m| m.id.0 != elsewhere && m.id.0 != too_old)
    );
    assert_eq!(ledger(&dossier).events.len(), 1);

    let preview = b
        .fake
        .slash(b.alice, b.channel, "postmortem preview", &[])
        .await;
    assert!(preview.ephemeral());
    assert!(
        preview.content().contains("warning"),
        "{}",
        preview.content()
    );
    let files = &preview.original.as_ref().unwrap().files;
    assert_eq!(files[0].name, "INC-7001-preview.html");
    assert!(String::from_utf8_lossy(&files[0].bytes).contains("see log"));
    b.stop().await;
}

/// Records `/postmortem publish` as the bot would have before a crash,
/// and writes that version's archive file.
fn begin_publish(dir: &std::path::Path, version: u32) {
    let store = Store::open(&dir.join("store"), 8, "test").expect("store opens");
    let mut recorder = Recorder::new(store, Settings::default()).expect("recorder");
    let id: IncidentId = "INC-7001".parse().unwrap();
    let at = chrono::Utc::now();
    let annotation = Annotation {
        origin: Origin::Interaction {
            id: Snowflake::at(at),
        },
        author: None,
        given_at: at,
        seq: version,
        command: Command::PostmortemPublish,
    };
    let report = recorder
        .ingest(&id, None, vec![Input::Command(annotation)])
        .expect("ingest");
    assert_eq!(report.version, version);
    let folder = dir.join("archive/INC-7001");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(format!("INC-7001-v{version}.html")), "<html>").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_cut_short_is_finished_after_a_restart_once() {
    let mut b = Bridge::start().await;
    b.open().await;
    b.fake.post(b.channel, b.bob, "resolved");
    b.fake
        .slash(b.alice, b.channel, "postmortem publish", &[])
        .await;
    b.wait_stored("INC-7001", |d| d.incident.posts.len() == 1)
        .await;
    b.halt().await;

    // Version 2 was posted but the bot died before noting it; version 3
    // was recorded and archived, never posted.
    let v2 = File {
        name: "INC-7001-v2.html".into(),
        bytes: b"<html>v2</html>".to_vec(),
    };
    let bot_user = b.fake.bot_id();
    let posted_v2 = b.fake.post_draft(
        b.channel,
        bot_user,
        Draft {
            files: vec![v2],
            ..Draft::text("record v2")
        },
    );
    let b = b
        .restart_after(2, |dir| {
            begin_publish(dir, 2);
            begin_publish(dir, 3);
        })
        .await;
    let dossier = b
        .wait_stored("INC-7001", |d| d.incident.posts.len() == 3)
        .await;
    let v2 = dossier
        .incident
        .posts
        .iter()
        .find(|p| p.version == 2)
        .unwrap();
    assert_eq!(
        v2.message_id.0, posted_v2,
        "version 2 was found, not posted again"
    );
    let files: Vec<String> = b
        .fake
        .bot_messages(b.channel)
        .into_iter()
        .flat_map(|m| m.files.into_iter().map(|f| f.name))
        .collect();
    assert_eq!(
        files,
        ["INC-7001-v1.html", "INC-7001-v2.html", "INC-7001-v3.html"]
    );
    b.stop().await;
}
