//! Runs the real `scribe run` binary against a fake Discord, the way an
//! operator would: settings through the environment, stopped with
//! SIGTERM, or killed outright for a crash.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use scribe::model::{Dossier, IncidentId};
use scribe::store::Store;

use super::FakeDiscord;

/// How long the bot gets to connect, or to exit after SIGTERM.
const PATIENCE: Duration = Duration::from_secs(20);

/// A proxy address nothing listens on (the discard port).
const DEAD_PROXY: &str = "http://127.0.0.1:9";

/// Role ids and extra variables for a bot run.
#[derive(Clone, Debug, Default)]
pub struct BotConfig {
    /// `SCRIBE_DISCORD_RESPONDER_ROLES`, empty for everyone.
    pub responder_roles: Vec<u64>,
    /// `SCRIBE_DISCORD_PUBLISHER_ROLES`.
    pub publisher_roles: Vec<u64>,
    /// Any other `SCRIBE_*` variable a test needs.
    pub env: Vec<(String, String)>,
}

impl BotConfig {
    /// The fake's `responder` and `publisher` roles.
    pub fn for_fake(fake: &FakeDiscord) -> BotConfig {
        BotConfig {
            responder_roles: vec![fake.role("responder")],
            publisher_roles: vec![fake.role("publisher")],
            env: Vec::new(),
        }
    }
}

/// A `scribe run` process with its own store and archive folder.
pub struct Bot {
    child: Option<Child>,
    dir: tempfile::TempDir,
    config: BotConfig,
    api_base: String,
    runs: usize,
}

impl Bot {
    /// Starts `scribe run` against `fake` and waits until it has
    /// identified and receives events.
    pub async fn start(fake: &FakeDiscord, config: BotConfig) -> Bot {
        let dir = tempfile::tempdir().expect("temp dir for the bot");
        let api_base = fake.api_base().to_string();
        let mut bot = Bot {
            child: None,
            dir,
            config,
            api_base,
            runs: 0,
        };
        bot.launch(fake).await;
        bot
    }

    /// The process id of the running bot, for memory readings.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(std::process::Child::id)
    }

    /// The store folder, `SCRIBE_STORE_PATH`.
    pub fn store_path(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    /// The archive folder, `SCRIBE_ARCHIVE_PATH`.
    pub fn archive_path(&self) -> PathBuf {
        self.dir.path().join("archive")
    }

    /// Everything the process wrote to stdout and stderr, every run.
    pub fn log(&self) -> String {
        fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("scribe.log")
    }

    async fn launch(&mut self, fake: &FakeDiscord) {
        let identified = fake.read(|s| s.gateway.identifies);
        self.runs += 1;
        let child = self.command().spawn().expect("the scribe binary starts");
        self.child = Some(child);
        if let Err(timeout) = fake.wait_connected(identified + 1, PATIENCE).await {
            let log = self.log();
            self.kill();
            panic!("scribe run never connected: {timeout}\n--- scribe log ---\n{log}");
        }
    }

    /// The command line and environment of one run. A proxy variable
    /// must not capture loopback traffic: every run gets a dead
    /// `HTTP_PROXY` with `NO_PROXY` naming loopback, so a bot that sends
    /// its REST calls through the proxy fails to connect.
    fn command(&self) -> Command {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .expect("log file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_scribe"));
        command
            .arg("run")
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        command
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log);
        let roles = |ids: &[u64]| ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        command
            .env("SCRIBE_DISCORD_API_BASE", &self.api_base)
            .env("SCRIBE_STORE_PATH", self.store_path())
            .env("SCRIBE_ARCHIVE_PATH", self.archive_path())
            .env(
                "SCRIBE_DISCORD_RESPONDER_ROLES",
                roles(&self.config.responder_roles),
            )
            .env(
                "SCRIBE_DISCORD_PUBLISHER_ROLES",
                roles(&self.config.publisher_roles),
            )
            .env("DISCORD_TOKEN", FakeDiscord::TOKEN)
            .env("HTTP_PROXY", DEAD_PROXY)
            .env("HTTPS_PROXY", DEAD_PROXY)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("no_proxy", "127.0.0.1,localhost");
        command.envs(self.config.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// Sends SIGTERM and waits for the exit; panics if the bot hangs.
    pub async fn stop(&mut self) -> ExitStatus {
        let Some(child) = self.child.as_mut() else {
            panic!("the bot is not running")
        };
        let pid = child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM could not be sent to {pid}");
        let status = self.wait_exit().await;
        self.child = None;
        status
    }

    /// Kills the bot with SIGKILL, as a crash or an OOM kill would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the bot with SIGTERM and starts it again on the same store;
    /// `between` runs while it is down (post, edit, delete...).
    pub async fn restart(&mut self, fake: &FakeDiscord, between: impl FnOnce(&FakeDiscord)) {
        let status = self.stop().await;
        assert!(
            status.success(),
            "scribe run exited with {status} on SIGTERM\n{}",
            self.log()
        );
        between(fake);
        self.launch(fake).await;
    }

    /// Kills the bot and starts it again on the same store.
    pub async fn crash_and_restart(
        &mut self,
        fake: &FakeDiscord,
        between: impl FnOnce(&FakeDiscord),
    ) {
        self.kill();
        between(fake);
        self.launch(fake).await;
    }

    async fn wait_exit(&mut self) -> ExitStatus {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let child = self.child.as_mut().expect("a running bot");
        loop {
            if let Some(status) = child.try_wait().expect("the bot's status") {
                return status;
            }
            if tokio::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!(
                    "scribe run did not exit within {PATIENCE:?} of SIGTERM\n{}",
                    self.log()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The incident `id` as the stopped bot left it in its store; sled
    /// allows one process at a time, so stop or kill the bot first.
    pub fn stored(&self, id: &str) -> Option<Dossier> {
        assert!(
            self.child.is_none(),
            "stop the bot before reading its store"
        );
        let id: IncidentId = id.parse().expect("a valid incident id");
        let store = Store::open(&self.store_path(), 8, "test").expect("the bot's store opens");
        store.dossier(&id).expect("the store reads")
    }

    /// The folder the bot runs in, for files a test wants to leave there.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.kill();
    }
}
