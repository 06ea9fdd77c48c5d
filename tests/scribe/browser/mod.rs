//! The record in a real browser: headless Chromium driven through the
//! DevTools protocol ([`cdp`]), the W3C Nu checker, axe-core and
//! `pdftotext`.
//!
//! A newcomer without these tools still gets a green `cargo test`: each
//! test prints a `skipped: …` line and returns. With `CI` set, a missing
//! tool fails the test instead, so CI cannot pass by skipping.
//! `.ci/run` installs them all; `target/browser-tools/` holds the npm
//! ones (axe-core and the Nu checker's `vnu.jar`).

pub mod cdp;

mod corpus;
mod document;
mod filter;
mod offline;
mod xss;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use scribe::model::Dossier;

use crate::support::{Setup, example};

use cdp::Browser;

/// The render clock of the demo record: the day version 2 went out.
pub const DEMO_AS_OF: &str = "2026-06-20T12:00:00Z";

/// `found`, or `None` after saying why the test is skipped; with `CI`
/// set, a missing tool fails the test.
pub fn required<T>(tool: &str, found: Option<T>, install: &str) -> Option<T> {
    if found.is_some() {
        return found;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{tool} is missing and CI is set: {install} (.ci/run does this)");
    }
    // Written past the test harness's capture, so a passing run shows it.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {tool} is not installed ({install} to run this test)"
    );
    None
}

/// A fresh headless Chromium, or `None` when there is none to start.
pub fn browser() -> Option<Browser> {
    let binary = required(
        "chromium",
        cdp::chromium(),
        "apt-get install chromium, or set SCRIBE_CHROMIUM",
    )?;
    Some(Browser::launch(&binary).expect("chromium starts"))
}

/// A file the npm tools installed under `target/browser-tools/`, or
/// `None` after saying how to install it.
pub fn npm_tool(package: &str, file: &str) -> Option<PathBuf> {
    let path = tools_dir().join("node_modules").join(package).join(file);
    let found = path.is_file().then_some(path);
    let install = format!("npm install --prefix {} {package}", tools_dir().display());
    required(package, found, &install)
}

/// Where `.ci/run` installs the npm tools the browser tests use.
pub fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-tools")
}

/// The bundled INC-2417 example, imported through `scribe import`'s
/// own path, with its stored dossier and its record as the demo shows it.
pub fn demo() -> (Dossier, String) {
    let mut setup = Setup::new();
    setup
        .import(&example("export.json"), &[example("notes.txt")], "UTC")
        .expect("the example imports");
    let html = setup.render("INC-2417", DEMO_AS_OF).html;
    (setup.dossier("INC-2417"), html)
}

/// Writes `html` as `name` into `dir` and returns its path.
pub fn write_page(dir: &Path, name: &str, html: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, html).expect("the page is written");
    path
}

/// `html` without its Content-Security-Policy, to prove escaping holds
/// on its own.
pub fn without_policy(html: &str) -> String {
    let start = html
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .expect("the record carries a policy");
    let end = start + html[start..].find('>').expect("the meta tag closes") + 1;
    format!("{}{}", &html[..start], &html[end..])
}
