//! The Discord adapter behind `scribe run`: the only module that names
//! serenity. Handlers turn gateway payloads into [`crate::ingest::Input`]s
//! with their origin, call the recorder, and reply; the incident logic
//! stays in the core.
//!
//! - [`commands`]: the slash commands and menus, declared with poise, one
//!   file per group; `framework` runs them and answers what poise refuses.
//! - `events`: messages, edits, deletes, pins, 📌, forms and reconnects.
//! - `interactions`, `open`, `publishing`, `queries`: what a slash
//!   command, menu, form or autocomplete does.
//! - [`convert`]: payloads as model values.
//! - [`access`], [`publish`], [`suggest`]: the pure decisions.

pub mod access;
mod bot;
pub mod commands;
pub mod convert;
mod events;
mod framework;
mod history;
mod interactions;
pub mod memory;
mod open;
pub mod publish;
mod publishing;
mod queries;
mod reply;
pub mod suggest;

use std::sync::Arc;

use anyhow::Context as _;
use serenity::all as dc;

pub use bot::Bot;

use crate::ingest::Recorder;
use crate::settings::{Secret, Settings};

/// What the bot asks Discord to send it.
pub fn intents() -> dc::GatewayIntents {
    dc::GatewayIntents::GUILDS
        | dc::GatewayIntents::GUILD_MESSAGES
        | dc::GatewayIntents::MESSAGE_CONTENT
        | dc::GatewayIntents::GUILD_MESSAGE_REACTIONS
}

/// Runs the bot until SIGTERM or ctrl-c, then lets in-flight writes
/// finish and flushes the store.
pub async fn run(recorder: Recorder, settings: Settings, token: Secret) -> anyhow::Result<()> {
    let bot = Arc::new(bot_for(recorder, &settings, &token)?);
    let mut client = client(&bot, &settings, &token).await?;
    let shards = client.shard_manager.clone();
    let stopping = bot.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("stopping: no new events, finishing writes");
        stopping.stop_accepting();
        shards.shutdown_all().await;
    });
    client
        .start()
        .await
        .context("the Discord connection failed")?;
    flush(&bot).await
}

/// The shared state, with a web client that never proxies.
pub fn bot_for(recorder: Recorder, settings: &Settings, token: &Secret) -> anyhow::Result<Bot> {
    let access = access::Access::new(&settings.discord)?;
    Ok(Bot::new(
        recorder,
        settings.clone(),
        access,
        web_client()?,
        token.clone(),
    ))
}

/// A client that ignores `HTTP_PROXY` and friends: a proxy variable must
/// not capture traffic to a local fake Discord (or anything else).
fn web_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .context("cannot build the HTTP client")
}

/// The serenity client. With `discord.api_base` set, REST goes there
/// (serenity honours its proxy only with its rate limiter disabled) and
/// the gateway address is whatever that base's `/gateway` says.
pub async fn client(
    bot: &Arc<Bot>,
    settings: &Settings,
    token: &Secret,
) -> anyhow::Result<dc::Client> {
    let mut http = dc::HttpBuilder::new(token.expose()).client(web_client()?);
    if let Some(base) = &settings.discord.api_base {
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let handler = Arc::new(events::Handler(bot.clone()));
    dc::ClientBuilder::new_with_http(http.build(), intents())
        .event_handler_arc(handler)
        .framework(framework::framework(bot.clone()))
        .await
        .context("cannot start the Discord client")
}

/// How long shutdown waits for running handlers.
const SETTLE_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Waits for the running handlers and the store work they queued, then
/// flushes.
pub async fn flush(bot: &Bot) -> anyhow::Result<()> {
    bot.stop_accepting();
    bot.settle(SETTLE_LIMIT).await;
    let recorder = bot.recorder().lock_owned().await;
    tokio::task::spawn_blocking(move || recorder.store().flush())
        .await?
        .context("cannot flush the store")?;
    tracing::info!("store flushed");
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
                return;
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for SIGTERM"),
        }
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %e, "cannot listen for ctrl-c");
    }
}

/// Registers the commands in each configured guild, else globally.
async fn register(ctx: &dc::Context, settings: &Settings) {
    let definitions = commands::definitions();
    if settings.discord.guilds.is_empty() {
        if let Err(e) = dc::Command::set_global_commands(&ctx.http, definitions).await {
            tracing::error!(error = %e, "cannot register global commands");
        }
        return;
    }
    for guild in &settings.discord.guilds {
        let Ok(id) = guild.trim().parse::<u64>() else {
            tracing::error!(guild = %guild, "discord.guilds holds a value that is not a guild id");
            continue;
        };
        let result = dc::GuildId::new(id)
            .set_commands(&ctx.http, definitions.clone())
            .await;
        if let Err(e) = result {
            tracing::error!(guild = id, error = %e, "cannot register guild commands");
        }
    }
}
