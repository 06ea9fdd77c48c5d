//! The bot's benchmarks against the fake Discord of the integration
//! tests, with SPEC's targets beside each figure:
//!
//! - slash command to its confirmation at the fake, p50 and p99, while
//!   the channel carries 200 messages a second, with the store on tmpfs
//!   (`/dev/shm`) and on disk;
//! - the bot's resident memory idle, and with 10 open incidents of
//!   10,000 messages each.
//!
//! Run with `cargo bench --bench discord` (it starts the `scribe`
//! binary, so build it first with the same profile: cargo does).

#[allow(unused_imports)]
#[path = "../tests/scribe/fake_discord/mod.rs"]
mod fake_discord;

use std::time::{Duration, Instant};

use chrono::Utc;
use fake_discord::bot::{Bot, BotConfig};
use fake_discord::{Draft, FakeDiscord};

/// Slash commands timed per store.
const COMMANDS: usize = 200;
/// Background chat, messages per second.
const TRAFFIC_PER_SECOND: u64 = 200;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let shm = tempfile::tempdir_in("/dev/shm").ok();
    let disk = tempfile::tempdir().expect("temp dir");
    if let Some(shm) = &shm {
        latency("tmpfs", shm.path()).await;
    } else {
        println!("no /dev/shm here: the tmpfs figure is skipped");
    }
    latency("disk", disk.path()).await;
    memory().await;
}

async fn latency(label: &str, dir: &std::path::Path) {
    let fake = FakeDiscord::start().await;
    let channel = fake.channel("incident-bridge");
    let roles = [fake.role("responder"), fake.role("publisher")];
    let lead = fake.add_user("Bench Lead", &roles);
    let chatter = fake.add_user("Bench Chatter", &roles);
    let mut config = BotConfig::for_fake(&fake);
    let store = dir.join(format!("{label}-store"));
    config
        .env
        .push(("SCRIBE_STORE_PATH".into(), store.display().to_string()));
    let mut bot = start_bot(&fake, config).await;
    open(&fake, lead, channel, "BENCH-1").await;

    let traffic = chatter_task(&fake, channel, chatter);
    let mut times = Vec::with_capacity(COMMANDS);
    for i in 0..COMMANDS {
        let text = format!("bench link {i} of the chain");
        let id = fake
            .send_slash(lead, channel, "why add", &[("text", text.as_str())])
            .expect("the command is registered");
        let answer = fake.answer(id).await;
        let reply = answer.original.expect("answered");
        times.push(reply.at - answer.created);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    traffic.abort();
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "slash command to confirmation, store on {label}: p50 {:.1} ms, p99 {:.1} ms{}",
        ms(pct(0.50)),
        ms(pct(0.99)),
        if label == "tmpfs" {
            " (target p99 under 50 ms)"
        } else {
            ""
        }
    );
    bot.stop().await;
}

/// Posts chat into `channel` at [`TRAFFIC_PER_SECOND`] until aborted.
fn chatter_task(fake: &FakeDiscord, channel: u64, user: u64) -> tokio::task::JoinHandle<()> {
    let shared = fake.shared();
    tokio::spawn(async move {
        let period = Duration::from_micros(1_000_000 / TRAFFIC_PER_SECOND);
        let mut tick = tokio::time::interval(period);
        for n in 0u64.. {
            tick.tick().await;
            let text = format!("background chatter line {n:06} from the bridge");
            let mut state = shared.lock().expect("fake state");
            state.create_message(channel, user, Draft::text(&text));
        }
    })
}

/// Starts `scribe run` and waits until its commands are registered.
async fn start_bot(fake: &FakeDiscord, config: BotConfig) -> Bot {
    let bot = Bot::start(fake, config).await;
    let registered = |s: &fake_discord::State| {
        !s.global_commands.is_empty() || s.guild_commands.values().any(|c| !c.is_empty())
    };
    fake.wait_for(registered, Duration::from_secs(30))
        .await
        .expect("the bot registers its commands");
    bot
}

async fn open(fake: &FakeDiscord, user: u64, channel: u64, id: &str) {
    let answer = fake
        .slash(
            user,
            channel,
            "incident open",
            &[
                ("id", id),
                ("title", "Benchmark incident"),
                ("severity", "SEV-3"),
            ],
        )
        .await;
    assert!(
        answer.content().contains("/incident open"),
        "{}",
        answer.content()
    );
}

async fn memory() {
    let fake = FakeDiscord::start().await;
    let roles = [fake.role("responder"), fake.role("publisher")];
    let lead = fake.add_user("Bench Lead", &roles);
    let chatter = fake.add_user("Bench Chatter", &roles);
    let channels: Vec<u64> = (1..=10)
        .map(|n| fake.change(|s| s.add_channel(&format!("bench-{n}"), None)))
        .collect();
    let start = Utc::now() - chrono::Duration::hours(3);
    for channel in &channels {
        fake.change(|s| {
            for i in 0..10_000i64 {
                let draft = Draft {
                    content: format!("history line {i:05} said on the bridge before the bot came"),
                    files: Vec::new(),
                    at: Some(start + chrono::Duration::milliseconds(i * 900)),
                };
                s.create_message(*channel, chatter, draft);
            }
        });
    }
    let mut bot = start_bot(&fake, BotConfig::for_fake(&fake)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pid = bot.pid().expect("running");
    println!(
        "\nresident memory idle: {:.1} MB (target under 40 MB)",
        rss_mb(pid)
    );
    let begun = Instant::now();
    for (n, channel) in channels.iter().enumerate() {
        open(&fake, lead, *channel, &format!("BENCH-{}", n + 10)).await;
    }
    settle(&fake, channels.len()).await;
    println!(
        "resident memory with 10 open incidents of 10,000 messages: {:.1} MB (target under 150 MB; backfilled in {:.1} s)",
        rss_mb(pid),
        begun.elapsed().as_secs_f64()
    );
    bot.stop().await;
}

/// Waits until the bot has read every incident channel's history back
/// to the start (a page of fewer than 100 messages ends each read).
async fn settle(fake: &FakeDiscord, incidents: usize) {
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut last = 0;
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let reads = fake
            .requests()
            .iter()
            .filter(|r| r.starts_with("GET ") && r.contains("/messages"))
            .count();
        if reads >= incidents * 100 && reads == last {
            return;
        }
        last = reads;
    }
    println!("the history reads did not settle in 300 s");
}

fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
