//! `scribe run`: the Discord bot, until SIGTERM or ctrl-c.

use anyhow::Context as _;

use crate::settings::Settings;

/// The holder name other commands show while the bot has the store.
const HOLDER: &str = "scribe run";

pub(super) fn run(settings: &Settings) -> anyhow::Result<()> {
    // The token is checked first: without it nothing else matters.
    let token = settings.token(std::env::var("DISCORD_TOKEN").ok())?;
    // Before sled or tokio start a thread.
    crate::discord::memory::one_arena();
    let recorder = super::open_recorder(settings, HOLDER)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    tracing::info!(store = %settings.store.path.display(), "scribe run starting");
    runtime.block_on(crate::discord::run(recorder, settings.clone(), token))
}
