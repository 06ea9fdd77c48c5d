//! A small client of the Chrome DevTools protocol over one WebSocket:
//! enough to start headless Chromium, open pages, evaluate script in
//! them and watch their events. The benchmark `benches/browser.rs`
//! includes this file too, so the tests and the figures share one
//! client.
//!
//! Every wait has a deadline: a browser that hangs fails the caller
//! with the method it was waiting for, it never stalls a test run.

use std::collections::VecDeque;
use std::io::ErrorKind;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// How long any one command or load may take before it is an error.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// The flags every Chromium started here gets: no sandbox (tests run as
/// root in CI), no GPU, and nothing that reaches the network by itself.
pub const FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--no-default-browser-check",
    "--hide-scrollbars",
];

/// Where Chromium is: `SCRIBE_CHROMIUM` when set, else the first of
/// Debian's `chromium` or `chromium-browser` on the `PATH`.
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SCRIBE_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    ["chromium", "chromium-browser"]
        .iter()
        .find_map(|name| on_path(name))
}

/// The first executable called `name` in a folder of the `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// A headless Chromium of its own, with a temporary profile, and the
/// connection to it. Dropping it ends the browser.
pub struct Browser {
    child: Child,
    socket: WebSocket<TcpStream>,
    next_id: u64,
    /// Events read while waiting for something else, oldest first.
    events: VecDeque<Value>,
    /// Every script dialog (alert, confirm, prompt) any page opened.
    pub dialogs: Vec<Value>,
    // Dropped after the child is killed, so its files are no longer in use.
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts `binary` headless and connects to it.
    pub fn launch(binary: &Path) -> anyhow::Result<Browser> {
        let profile = tempfile::tempdir().context("cannot create a browser profile folder")?;
        let mut child = spawn(binary, profile.path())?;
        let socket = match endpoint(&mut child, profile.path()).and_then(|e| connect(&e)) {
            Ok(socket) => socket,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        };
        Ok(Browser {
            child,
            socket,
            next_id: 0,
            events: VecDeque::new(),
            dialogs: Vec::new(),
            _profile: profile,
        })
    }

    /// Opens a new tab and attaches to it.
    pub fn page(&mut self) -> anyhow::Result<Page<'_>> {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}))?;
        let target = target["targetId"].clone();
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        )?;
        let session = text_of(&attached, "sessionId")?;
        let mut page = Page {
            browser: self,
            session,
        };
        page.call("Page.enable", json!({}))?;
        page.call("Runtime.enable", json!({}))?;
        Ok(page)
    }

    /// Sends `method` (to `session`, or to the browser) and waits for
    /// its answer, keeping the events that arrive meanwhile.
    pub fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> anyhow::Result<Value> {
        let id = self.send(session, method, params)?;
        let deadline = Instant::now() + PATIENCE;
        loop {
            let Some(message) = self.read_until(deadline)? else {
                bail!("no answer to {method} within {PATIENCE:?}");
            };
            if message["id"] != json!(id) {
                self.keep(message);
            } else if let Some(error) = message.get("error") {
                bail!("{method} failed: {error}");
            } else {
                return Ok(message["result"].clone());
            }
        }
    }

    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> anyhow::Result<u64> {
        self.next_id += 1;
        let mut request = json!({"id": self.next_id, "method": method, "params": params});
        if let Some(session) = session {
            request["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::text(request.to_string()))
            .with_context(|| format!("cannot send {method} to chromium"))?;
        Ok(self.next_id)
    }

    /// Keeps an event for a later wait. A script dialog is dismissed at
    /// once (it would block the page) and remembered.
    fn keep(&mut self, message: Value) {
        if message.get("method").is_none() {
            return;
        }
        if message["method"] == "Page.javascriptDialogOpening" {
            let session = message["sessionId"].as_str().map(str::to_string);
            let dismiss = json!({"accept": false});
            // The answer to this is read and dropped like any other.
            let _ = self.send(session.as_deref(), "Page.handleJavaScriptDialog", dismiss);
            self.dialogs.push(message["params"].clone());
        }
        self.events.push_back(message);
    }

    /// The next message, or `None` once `deadline` passes.
    fn read_until(&mut self, deadline: Instant) -> anyhow::Result<Option<Value>> {
        loop {
            match self.socket.read() {
                Ok(Message::Text(text)) => return Ok(Some(serde_json::from_str(&text)?)),
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => return Err(e).context("the connection to chromium broke"),
            }
            if Instant::now() > deadline {
                return Ok(None);
            }
        }
    }

    /// Reads for `period`, keeping every event that arrives.
    pub fn pump(&mut self, period: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + period;
        while let Some(message) = self.read_until(deadline)? {
            self.keep(message);
        }
        Ok(())
    }

    /// Takes every kept event `method` of `session`, oldest first.
    pub fn take_events(&mut self, session: &str, method: &str) -> Vec<Value> {
        let (taken, kept) = std::mem::take(&mut self.events)
            .into_iter()
            .partition(|e| e["method"] == method && e["sessionId"] == session);
        self.events = kept;
        taken.into_iter().map(|e| e["params"].clone()).collect()
    }

    /// Waits for event `method` of `session` and returns its parameters.
    pub fn wait_event(
        &mut self,
        session: &str,
        method: &str,
        within: Duration,
    ) -> anyhow::Result<Value> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(first) = self.take_events(session, method).into_iter().next() {
                return Ok(first);
            }
            let Some(message) = self.read_until(deadline)? else {
                bail!("no {method} within {within:?}");
            };
            self.keep(message);
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One tab of a [`Browser`], addressed through its session.
pub struct Page<'b> {
    pub browser: &'b mut Browser,
    pub session: String,
}

impl Page<'_> {
    /// Sends `method` to this tab and returns its result.
    pub fn call(&mut self, method: &str, params: Value) -> anyhow::Result<Value> {
        self.browser.call(Some(&self.session), method, params)
    }

    /// Loads `url` and waits for its load event.
    pub fn open(&mut self, url: &str) -> anyhow::Result<()> {
        self.take_events("Page.loadEventFired");
        let navigated = self.call("Page.navigate", json!({"url": url}))?;
        if let Some(error) = navigated.get("errorText") {
            bail!("chromium could not open {url}: {error}");
        }
        self.browser
            .wait_event(&self.session, "Page.loadEventFired", PATIENCE)?;
        Ok(())
    }

    /// Evaluates `expression` (awaiting a promise) and returns its value
    /// as JSON; a thrown exception is an error with its text.
    pub fn eval(&mut self, expression: &str) -> anyhow::Result<Value> {
        let params = json!({
            "expression": expression,
            "returnByValue": true,
            "awaitPromise": true,
        });
        let answer = self.call("Runtime.evaluate", params)?;
        if let Some(details) = answer.get("exceptionDetails") {
            let text = &details["exception"]["description"];
            bail!("script failed: {text} ({})", details["text"]);
        }
        Ok(answer["result"]["value"].clone())
    }

    /// Takes the kept events `method` of this tab.
    pub fn take_events(&mut self, method: &str) -> Vec<Value> {
        self.browser.take_events(&self.session, method)
    }

    /// Keeps reading events for `period`.
    pub fn pump(&mut self, period: Duration) -> anyhow::Result<()> {
        self.browser.pump(period)
    }
}

/// The `file://` address of a local file.
pub fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Starts Chromium with its debugging port on a free port of its choice.
fn spawn(binary: &Path, profile: &Path) -> anyhow::Result<Child> {
    Command::new(binary)
        .args(FLAGS)
        .arg("--remote-debugging-port=0")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start \"{}\"", binary.display()))
}

/// Waits for Chromium to write `DevToolsActivePort` (its port, then
/// the browser's WebSocket path) into its profile folder.
fn endpoint(child: &mut Child, profile: &Path) -> anyhow::Result<String> {
    let file = profile.join("DevToolsActivePort");
    let deadline = Instant::now() + PATIENCE;
    loop {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        if let [port, path] = text.lines().collect::<Vec<_>>()[..] {
            return Ok(format!("127.0.0.1:{port}{path}"));
        }
        if let Some(status) = child.try_wait()? {
            bail!("chromium exited with {status} before it opened its debugging port");
        }
        if Instant::now() > deadline {
            bail!("chromium wrote no DevToolsActivePort within {PATIENCE:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn text_of(value: &Value, field: &str) -> anyhow::Result<String> {
    value[field]
        .as_str()
        .map(str::to_string)
        .with_context(|| format!("chromium answered without {field}: {value}"))
}

/// Connects to the browser's WebSocket at `endpoint` (`host:port/path`).
/// Reads time out every 100 ms so that waits can check their deadline.
fn connect(endpoint: &str) -> anyhow::Result<WebSocket<TcpStream>> {
    let (address, path) = endpoint.split_at(endpoint.find('/').unwrap_or(endpoint.len()));
    let stream = TcpStream::connect(address)
        .with_context(|| format!("cannot connect to chromium at {address}"))?;
    let url = format!("ws://{address}{path}");
    let (socket, _) = tungstenite::client(url.as_str(), stream)
        .map_err(|e| anyhow::anyhow!("the websocket handshake with chromium failed: {e}"))?;
    socket
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(100)))?;
    Ok(socket)
}
