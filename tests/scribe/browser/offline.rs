//! Issue 4, item 3: the record is self-contained. Opening it requests
//! nothing but the file itself, and its Content-Security-Policy blocks a
//! request injected from outside; the same injection without the policy
//! does get out, which shows the test can tell the two apart.

use std::io::ErrorKind;
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use super::cdp::{Browser, file_url};
use super::{browser, demo, without_policy, write_page};
use crate::support::{Setup, fixture};

/// The hostile OPS-88 record: images, links and markup in chat.
fn ops88() -> String {
    let mut setup = Setup::new();
    setup
        .import(
            &fixture("OPS-88/export.json"),
            &[fixture("OPS-88/notes.txt")],
            "Europe/Berlin",
        )
        .expect("OPS-88 imports");
    setup.render("OPS-88", "2026-09-16T10:00:00Z").html
}

/// Every address `html` asks for when opened, the file's own included.
fn requests(browser: &mut Browser, dir: &Path, html: &str) -> (String, Vec<String>) {
    let url = file_url(&write_page(dir, "record.html", html));
    let mut page = browser.page().expect("a tab opens");
    page.call("Network.enable", json!({}))
        .expect("network events");
    page.open(&url).expect("the record opens");
    page.pump(Duration::from_millis(300)).expect("events");
    let sent = page.take_events("Network.requestWillBeSent");
    let urls = sent
        .iter()
        .map(|e| e["request"]["url"].as_str().unwrap_or_default().to_string())
        .collect();
    (url, urls)
}

#[test]
fn opening_the_record_requests_nothing_but_itself() {
    let Some(mut browser) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    for html in [demo().1, ops88()] {
        let (url, urls) = requests(&mut browser, dir.path(), &html);
        let outside: Vec<&String> = urls
            .iter()
            .filter(|u| **u != url && !u.starts_with("data:"))
            .collect();
        assert!(outside.is_empty(), "requests beyond the file: {outside:?}");
        assert_eq!(urls.iter().filter(|u| **u == url).count(), 1, "{urls:?}");
    }
}

/// Tries every way out: fetch, an image, a script, a stylesheet and a
/// CSS background, each to the loopback `port`. Resolves with the
/// directives the policy reported.
fn inject(port: u16) -> String {
    let base = format!("http://127.0.0.1:{port}");
    format!(
        r#"new Promise(done => {{
  const seen = [];
  document.addEventListener('securitypolicyviolation', e => seen.push(e.effectiveDirective));
  fetch('{base}/fetch').catch(() => {{}});
  const img = document.createElement('img'); img.src = '{base}/img'; document.body.append(img);
  const s = document.createElement('script'); s.src = '{base}/script'; document.body.append(s);
  const l = document.createElement('link'); l.rel = 'stylesheet'; l.href = '{base}/css'; document.head.append(l);
  document.body.style.backgroundImage = 'url({base}/bg)';
  setTimeout(() => done([...new Set(seen)].sort()), 500);
}})"#
    )
}

/// How many connections reach `listener` within `within`.
fn connections(listener: &TcpListener, within: Duration) -> usize {
    let deadline = Instant::now() + within;
    let mut count = 0;
    while Instant::now() < deadline {
        match listener.accept() {
            Ok(_) => count += 1,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Err(e) => panic!("the listener failed: {e}"),
        }
    }
    count
}

#[test]
fn the_policy_blocks_an_injected_outside_request() {
    let Some(mut browser) = browser() else { return };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let html = demo().1;

    let url = file_url(&write_page(dir.path(), "record.html", &html));
    let mut page = browser.page().unwrap();
    page.open(&url).unwrap();
    let reported = page.eval(&inject(port)).unwrap();
    assert_eq!(connections(&listener, Duration::from_millis(300)), 0);
    for directive in [
        "connect-src",
        "img-src",
        "script-src-elem",
        "style-src-elem",
    ] {
        assert!(
            reported.as_array().unwrap().contains(&json!(directive)),
            "{directive} not reported: {reported}"
        );
    }

    let bare = file_url(&write_page(dir.path(), "bare.html", &without_policy(&html)));
    page.open(&bare).unwrap();
    page.eval(&inject(port)).unwrap();
    assert!(
        connections(&listener, Duration::from_millis(500)) > 0,
        "without the policy the injected requests get out"
    );
}
