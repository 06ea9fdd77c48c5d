//! The fake proven against a real serenity 0.12 client: it connects,
//! registers a command, sees messages, answers interactions, resumes
//! with replay, re-identifies after a refused resume, and meets every
//! injected failure on the publish path.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use serenity::all::{
    ChannelId, CommandOptionType, Context, CreateAttachment, CreateCommand, CreateCommandOption,
    CreateInteractionResponse, CreateInteractionResponseMessage, EventHandler, GatewayIntents,
    Http, HttpBuilder, Interaction as Incoming, Message, MessagePagination, Ready, ResumedEvent,
    ShardManager,
};

use super::bot::{Bot, BotConfig};
use super::{Draft, Failure, FakeDiscord, File, Route};

const WAIT: Duration = Duration::from_secs(10);

/// A bot in a few lines: reacts 👀 to people's messages, registers
/// `/phase set` with integer choices and answers it privately with the
/// value it received.
struct Echo;

#[serenity::async_trait]
impl EventHandler for Echo {
    async fn ready(&self, ctx: Context, _: Ready) {
        let phase = CreateCommandOption::new(CommandOptionType::Integer, "phase", "the phase")
            .add_int_choice("detect", 0)
            .add_int_choice("mitigate", 1)
            .required(true);
        let set = CreateCommandOption::new(CommandOptionType::SubCommand, "set", "set it")
            .add_sub_option(phase);
        let command = CreateCommand::new("phase")
            .description("phases")
            .add_option(set);
        serenity::all::Command::set_global_commands(&ctx.http, vec![command])
            .await
            .expect("commands register");
    }

    async fn message(&self, ctx: Context, message: Message) {
        if !message.author.bot {
            message
                .react(&ctx.http, '👀')
                .await
                .expect("reaction is accepted");
        }
    }

    async fn interaction_create(&self, ctx: Context, incoming: Incoming) {
        let Some(command) = incoming.as_command() else {
            return;
        };
        let set = &command.data.options[0];
        let value = match &set.value {
            serenity::all::CommandDataOptionValue::SubCommand(options) => {
                format!("{:?}", options[0].value)
            }
            other => format!("unexpected {other:?}"),
        };
        let answer = CreateInteractionResponseMessage::new()
            .content(format!("phase {value}"))
            .ephemeral(true);
        command
            .create_response(&ctx.http, CreateInteractionResponse::Message(answer))
            .await
            .expect("answer is accepted");
    }

    async fn resume(&self, _: Context, _: ResumedEvent) {}
}

/// serenity's HTTP client aimed at the fake, as `scribe run` aims it.
fn http(fake: &FakeDiscord) -> Http {
    HttpBuilder::new(FakeDiscord::TOKEN)
        .proxy(fake.api_base())
        .ratelimiter_disabled(true)
        .build()
}

/// Starts [`Echo`] against `fake` and waits until it is connected.
async fn echo_bot(fake: &FakeDiscord) -> Arc<ShardManager> {
    let intents = GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::MESSAGE_CONTENT
        | GatewayIntents::GUILD_MESSAGE_REACTIONS;
    let mut client = serenity::all::ClientBuilder::new_with_http(http(fake), intents)
        .event_handler(Echo)
        .await
        .expect("client builds");
    let shards = client.shard_manager.clone();
    tokio::spawn(async move { client.start().await });
    fake.wait_connected(1, WAIT)
        .await
        .expect("the client identifies");
    let registered = |s: &super::State| !s.global_commands.is_empty();
    fake.wait_for(registered, WAIT)
        .await
        .expect("the client registers its command");
    shards
}

/// Waits for the client's 👀 on `message`, the proof its handler ran.
async fn seen(fake: &FakeDiscord, message: u64) -> bool {
    let bot = fake.bot_id();
    let reacted = move |s: &super::State| {
        s.reactions
            .get(&message)
            .is_some_and(|r| r.iter().any(|(_, u)| *u == bot))
    };
    fake.wait_for(reacted, Duration::from_secs(3)).await.is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serenity_client_sees_messages_and_answers_a_choice_by_index() {
    let fake = FakeDiscord::start().await;
    let alice = fake.add_user("alice", &[fake.role("responder")]);
    let shards = echo_bot(&fake).await;
    let channel = fake.channel("incident-bridge");

    let said = fake.post(channel, alice, "db primary is down");
    assert!(seen(&fake, said).await, "the client never saw the message");

    let answer = fake
        .slash(alice, channel, "phase set", &[("phase", "Mitigate")])
        .await;
    assert_eq!(answer.content(), "phase Integer(1)");
    assert!(answer.ephemeral());
    assert!(
        fake.bot_messages(channel).is_empty(),
        "a private answer is not in the channel"
    );
    assert_eq!(
        fake.read(|s| s.gateway.intents).unwrap_or_default(),
        1 | 1 << 9 | 1 << 10 | 1 << 15
    );
    shards.shutdown_all().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_resumes_with_replay_and_a_refused_one_loses_the_gap() {
    let fake = FakeDiscord::start().await;
    let alice = fake.add_user("alice", &[]);
    let shards = echo_bot(&fake).await;
    let channel = fake.channel("incident-bridge");

    assert!(fake.drop_connection());
    let during = fake.post(channel, alice, "said while the bot was away");
    let resumed = |s: &super::State| s.gateway.resumes == 1;
    fake.wait_for(resumed, WAIT)
        .await
        .expect("the client resumes");
    assert!(
        seen(&fake, during).await,
        "the missed message was not replayed"
    );

    fake.refuse_next_resume();
    assert!(fake.drop_connection());
    let lost = fake.post(channel, alice, "said in a gap nobody replays");
    fake.wait_connected(2, WAIT)
        .await
        .expect("the client identifies again");
    let after = fake.post(channel, alice, "back to normal");
    assert!(seen(&fake, after).await);
    let reacted = fake.read(|s| s.reactions.get(&lost).is_some_and(|r| !r.is_empty()));
    assert!(!reacted, "a refused resume must not replay the gap");

    assert!(fake.invalidate_session(false));
    fake.wait_connected(3, WAIT)
        .await
        .expect("an invalid session makes the client identify");
    shards.shutdown_all().await;
}

/// The HTTP status of a refused request. serenity 0.12.5 keeps only the
/// status of a 429: Discord's body has no `code`, so serenity cannot
/// decode it and `retry_after` is lost (the fake sends it faithfully).
fn status(error: &serenity::Error) -> Option<u16> {
    match error {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(response)) => {
            Some(response.status_code.as_u16())
        }
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_through_429_500_and_a_lost_response_lands_once() {
    let fake = FakeDiscord::start().await;
    let http = http(&fake);
    let channel = ChannelId::new(fake.channel("incident-bridge"));
    let body = json!({"content": "record v2", "nonce": "scribe-INC-1-v2", "enforce_nonce": true});
    let file = || {
        vec![CreateAttachment::bytes(
            b"<html>v2</html>".to_vec(),
            "INC-1-v2.html",
        )]
    };
    fake.fail_next(Route::CreateMessage, Failure::RateLimited(0.25), 1);
    fake.fail_next(Route::CreateMessage, Failure::ServerError, 1);
    fake.fail_next(Route::CreateMessage, Failure::Lost, 1);

    let limited = http.send_message(channel, file(), &body).await.unwrap_err();
    assert_eq!(status(&limited), Some(429), "{limited}");
    let failed = http.send_message(channel, file(), &body).await.unwrap_err();
    assert_eq!(status(&failed), Some(500), "{failed}");
    assert!(
        http.send_message(channel, file(), &body).await.is_err(),
        "the lost response reached the client"
    );
    let posted = http
        .send_message(channel, file(), &body)
        .await
        .expect("the fourth try answers");

    let messages = fake.bot_messages(channel.get());
    assert_eq!(
        messages.len(),
        1,
        "the nonce must keep one post per version"
    );
    assert_eq!(messages[0].id, posted.id.get());
    assert_eq!(
        messages[0].files,
        vec![File {
            name: "INC-1-v2.html".into(),
            bytes: b"<html>v2</html>".to_vec()
        }]
    );
    let statuses: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| r.rsplit(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(statuses, ["429", "500", "200", "200"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_pins_and_attachments_read_back_through_serenity() {
    let fake = FakeDiscord::start().await;
    let http = http(&fake);
    let alice = fake.add_user("alice", &[]);
    let channel = fake.channel("incident-bridge");
    let log = File {
        name: "api.log".into(),
        bytes: b"ERROR pool exhausted\n".to_vec(),
    };
    let first = fake.post_draft(
        channel,
        alice,
        Draft {
            files: vec![log.clone()],
            ..Draft::text("see log")
        },
    );
    let second = fake.post(channel, alice, "restarting api");
    fake.pin(channel, first, alice);

    let after = Some(MessagePagination::After(first.into()));
    let newer = http
        .get_messages(channel.into(), after, Some(10))
        .await
        .expect("history reads");
    assert_eq!(newer.len(), 2, "the second message and the pin notice");
    assert_eq!(newer[1].id.get(), second, "newest first");
    let pins = http.get_pins(channel.into()).await.expect("pins read");
    assert_eq!(pins[0].id.get(), first);
    let url = &pins[0].attachments[0].url;
    assert!(url.starts_with(fake.api_base()), "{url}");
    let bytes = pins[0].attachments[0]
        .download()
        .await
        .expect("the file downloads");
    assert_eq!(bytes, log.bytes);

    let guild = serenity::all::GuildId::new(fake.read(|s| s.guild_id));
    let threads = http
        .get_guild_active_threads(guild)
        .await
        .expect("threads read");
    let thread = fake.channel("incident-bridge-thread");
    assert_eq!(threads.threads[0].id.get(), thread);
    assert_eq!(threads.threads[0].parent_id.map(|p| p.get()), Some(channel));
    http.broadcast_typing(channel.into())
        .await
        .expect("typing is accepted");
}

#[tokio::test]
async fn a_wrong_channel_or_an_empty_message_gets_discords_error() {
    let fake = FakeDiscord::start().await;
    let http = http(&fake);
    let missing = http
        .send_message(ChannelId::new(1), vec![], &json!({"content": "hi"}))
        .await;
    assert!(missing.unwrap_err().to_string().contains("Unknown Channel"));
    let channel = ChannelId::new(fake.channel("general"));
    let empty = http
        .send_message(channel, vec![], &json!({"content": ""}))
        .await;
    assert!(empty.unwrap_err().to_string().contains("empty message"));
}

/// `scribe run` against `fake` with a responder-publisher and a
/// bystander, once it has registered its commands.
async fn scribe_run(fake: &FakeDiscord) -> (Bot, u64, u64) {
    let both = [fake.role("responder"), fake.role("publisher")];
    let alice = fake.add_user("alice", &both);
    let mallory = fake.add_user("mallory", &[]);
    let bot = Bot::start(fake, BotConfig::for_fake(fake)).await;
    let registered =
        |s: &super::State| !s.global_commands.is_empty() || !s.guild_commands.is_empty();
    fake.wait_for(registered, WAIT)
        .await
        .expect("scribe registers its commands");
    (bot, alice, mallory)
}

/// Opens incident `id` as `commander`; the bot confirms it publicly.
async fn open_incident(fake: &FakeDiscord, commander: u64, id: &str) -> super::Interaction {
    let mention = format!("<@{commander}>");
    let options = [
        ("id", id),
        ("title", "Cache stampede"),
        ("severity", "SEV-2"),
        ("commander", mention.as_str()),
    ];
    let channel = fake.channel("incident-bridge");
    let opened = fake
        .slash(commander, channel, "incident open", &options)
        .await;
    assert!(!opened.ephemeral(), "{}", opened.content());
    opened
}

/// The stored text of message `id`, if the record has it.
fn stored_text(dossier: &scribe::model::Dossier, id: u64) -> Option<String> {
    let found = dossier.messages.iter().find(|m| m.id.0 == id);
    found.map(|m| m.content.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scribe_run_keeps_what_was_said_and_edited_while_it_was_stopped() {
    let fake = FakeDiscord::start().await;
    let (mut bot, alice, mallory) = scribe_run(&fake).await;
    let channel = fake.channel("incident-bridge");
    let opened = open_incident(&fake, alice, "INC-7100").await;
    let phase = [("phase", "mitigate")];
    let refused = fake.slash(mallory, channel, "phase", &phase).await;
    assert!(
        refused.ephemeral(),
        "refusals are private: {}",
        refused.content()
    );
    let before = fake.post(channel, alice, "cache hit rate fell to 3%");
    let doomed = fake.post(channel, alice, "wrong channel, sorry");
    // Addressed to the bot, but chat: recorded, never read as a command,
    // and its secret never reaches the log.
    let aside = format!("<@{}> the db password=hunter2 is rotated", fake.bot_id());
    let addressed = fake.post(channel, alice, &aside);

    let mut during = 0;
    bot.restart(&fake, |fake| {
        during = fake.post(channel, alice, "warming the cache from the replica");
        fake.edit(channel, before, "cache hit rate fell to 2%");
        fake.delete(channel, doomed);
    })
    .await;
    let after = fake.slash(alice, channel, "phase", &phase).await;
    assert!(!after.ephemeral(), "{}", after.content());
    let status = bot.stop().await;
    assert!(status.success(), "{status}\n{}", bot.log());

    let dossier = bot.stored("INC-7100").expect("the incident is stored");
    let expected = "warming the cache from the replica";
    assert_eq!(stored_text(&dossier, during).as_deref(), Some(expected));
    let edited = stored_text(&dossier, before);
    assert_eq!(edited.as_deref(), Some("cache hit rate fell to 2%"));
    let own = dossier
        .messages
        .iter()
        .any(|m| m.content == opened.content());
    assert!(!own, "scribe's own answers are not kept");
    let aside = stored_text(&dossier, addressed).expect("the aside is kept");
    assert!(!aside.contains("hunter2"), "{aside}");
    let log = bot.log();
    assert!(!log.contains("hunter2"), "{log}");
    assert!(!log.contains("ERROR"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scribe_run_killed_outright_loses_nothing_said_meanwhile() {
    let fake = FakeDiscord::start().await;
    let (mut bot, alice, _) = scribe_run(&fake).await;
    let channel = fake.channel("incident-bridge");
    open_incident(&fake, alice, "INC-7101").await;
    let doomed = fake.post(channel, alice, "about to be deleted");

    let mut during = 0;
    bot.crash_and_restart(&fake, |fake| {
        during = fake.post(channel, alice, "said while scribe was dead");
        fake.delete(channel, doomed);
    })
    .await;
    let phase = [("phase", "mitigate")];
    let confirmed = fake.slash(alice, channel, "phase", &phase).await;
    assert!(!confirmed.ephemeral(), "{}", confirmed.content());
    bot.stop().await;

    let dossier = bot.stored("INC-7101").expect("the incident is stored");
    let expected = "said while scribe was dead";
    assert_eq!(stored_text(&dossier, during).as_deref(), Some(expected));
    let gone = stored_text(&dossier, doomed).is_none();
    assert!(gone, "a message deleted while scribe was dead is not live");
}

/// The slash commands of the scripted incident, as a responder gives
/// them from the / menu: `(path, options)`, choices by their name.
fn script(owner: &str) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let o = |pairs: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        pairs.iter().map(|(n, v)| (*n, v.to_string())).collect()
    };
    vec![
        ("impact start", o(&[("at", "-12m")])),
        ("mark", o(&[("mark", "detected"), ("at", "-10m")])),
        ("phase", o(&[("phase", "escalate")])),
        (
            "event add",
            o(&[
                ("text", "Pager fired for cache-eu"),
                ("at", "-10m"),
                ("phase", "detect"),
            ]),
        ),
        (
            "impact card add",
            o(&[("label", "Slow checkouts"), ("value", "3,120")]),
        ),
        ("phase", o(&[("phase", "mitigate")])),
        (
            "action add",
            o(&[
                ("text", "Cap cache refill concurrency"),
                ("owner", owner),
                ("due", "2026-12-20"),
                ("ref", "cache#42"),
            ]),
        ),
        (
            "why add",
            o(&[("text", "Every node refilled its cache at once")]),
        ),
        (
            "control add",
            o(&[
                ("name", "Refill limiter"),
                ("type", "preventive"),
                ("outcome", "missed"),
            ]),
        ),
        ("link add", o(&[("label", "Ticket"), ("ref", "OPS-311")])),
        ("phase", o(&[("phase", "resolve")])),
        ("impact end", o(&[])),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scribe_run_publishes_a_scripted_incident_as_the_channel_saw_it() {
    let fake = FakeDiscord::start().await;
    let (mut bot, alice, mallory) = scribe_run(&fake).await;
    let bob = fake.add_user("bob", &[fake.role("responder")]);
    let channel = fake.channel("incident-bridge");
    open_incident(&fake, alice, "INC-7102").await;
    let alert = fake.post(channel, bob, "p95 latency on cache-eu at 4.2s");
    let typo = fake.post(channel, bob, "restarting cache-eu-2");
    fake.edit(channel, typo, "restarting cache-eu-3");
    let gone = fake.post(channel, bob, "ignore that, wrong window");
    fake.delete(channel, gone);

    let owner = format!("<@{bob}>");
    for (path, options) in script(&owner) {
        let options: Vec<(&str, &str)> = options.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let answer = fake.slash(bob, channel, path, &options).await;
        assert!(!answer.ephemeral(), "/{path}: {}", answer.content());
    }
    let form = fake.slash(bob, channel, "rootcause", &[]).await;
    let root = [("text", "Refills had no concurrency limit.")];
    let rooted = fake.submit_modal(bob, &form, &root).await;
    assert!(!rooted.ephemeral(), "{}", rooted.content());
    let menu = fake.menu(bob, channel, "Add to timeline", alert).await;
    assert!(!menu.ephemeral(), "{}", menu.content());
    let refused = fake
        .slash(mallory, channel, "phase", &[("phase", "detect")])
        .await;
    assert!(
        refused.content().contains("responder roles"),
        "{}",
        refused.content()
    );
    let typed = fake.post(channel, bob, "/action done 1");
    let ticked = |s: &super::State| {
        let reactions = s.reactions.get(&typed);
        reactions.is_some_and(|r| r.iter().any(|(emoji, _)| emoji == "✅"))
    };
    fake.wait_for(ticked, WAIT)
        .await
        .expect("the typed command is applied");

    let published = fake.slash(alice, channel, "postmortem publish", &[]).await;
    assert!(!published.ephemeral(), "{}", published.content());
    let posted = |s: &super::State| {
        let bot = s.bot_id.to_string();
        s.messages.get(&channel).is_some_and(|all| {
            all.values().any(|m| {
                m["author"]["id"].as_str() == Some(bot.as_str())
                    && m["attachments"].as_array().is_some_and(|a| !a.is_empty())
            })
        })
    };
    fake.wait_for(posted, WAIT)
        .await
        .expect("the record is posted");
    let status = bot.stop().await;
    assert!(status.success(), "{status}\n{}", bot.log());

    let record = fake
        .bot_messages(channel)
        .into_iter()
        .find_map(|m| m.files.into_iter().next())
        .expect("the record file");
    assert_eq!(record.name, "INC-7102-v1.html");
    let html = String::from_utf8(record.bytes).expect("utf-8");
    for fact in [
        "Cache stampede",
        "p95 latency on cache-eu at 4.2s",
        "restarting cache-eu-3",
        "Pager fired for cache-eu",
        "Slow checkouts",
        "3,120",
        "Cap cache refill concurrency",
        "Every node refilled its cache at once",
        "Refills had no concurrency limit.",
        "Refill limiter",
        "OPS-311",
    ] {
        assert!(html.contains(fact), "the record lacks {fact:?}");
    }
    assert!(
        !html.contains("wrong window"),
        "a deleted message is not shown"
    );
    let archived = bot.archive_path().join("INC-7102").join("INC-7102-v1.html");
    assert!(archived.is_file(), "{}", archived.display());

    let dossier = bot.stored("INC-7102").expect("stored");
    let ledger = scribe::ledger::Ledger::replay(&dossier);
    assert_eq!(ledger.phases.len(), 3, "{:?}", ledger.phases);
    assert_eq!(ledger.actions[0].status, scribe::model::ActionStatus::Done);
    assert_eq!(ledger.actions[0].owner.name, "bob");
    assert_eq!(ledger.whys.len(), 1);
    assert_eq!(ledger.events.len(), 1, "{:?}", ledger.events);
}
