//! Issue 4, item 2: no script from chat ever runs. Every payload of the
//! corpus, in every field, opened in Chromium: no dialog, no change to
//! the DOM or the title after load, no element or attribute the record
//! does not write itself, and each field reads back as text. The suite
//! runs as rendered and with the Content-Security-Policy removed, so the
//! escaping is proven on its own and not only by the policy.

use std::time::Duration;

use serde_json::{Value, json};

use super::cdp::{Page, file_url};
use super::corpus::{PAYLOADS, incident_id, placements, record};
use super::{browser, without_policy, write_page};
use crate::support::Setup;

const AS_OF: &str = "2026-06-20T12:00:00Z";

/// The page as it stands: its markup, title and address.
const SNAPSHOT: &str =
    "({ html: document.documentElement.outerHTML, title: document.title, href: location.href })";

/// Everything in the page the record's template does not write: foreign
/// elements, handler or style attributes, links that are not `#`,
/// `http(s)` or `mailto`, images that are not inlined (or inlined and
/// not shown), extra scripts, styles or meta tags, and a record script
/// that did not run.
const FOREIGN: &str = r#"((metas) => {
  const tags = new Set(('html head meta title style body a header p span h1 dl div dt dd nav ol li ' +
    'main section h2 h3 button label input time b i details summary figure figcaption img ul ' +
    'table thead tbody tr th td blockquote strong em s u code pre br footer script').split(' '));
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    if (!tags.has(el.localName) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') bad.push('<' + el.localName + '>');
    for (const a of el.attributes) {
      const v = a.value.trim().toLowerCase();
      if (a.name.startsWith('on') || ['style', 'srcdoc', 'formaction', 'action'].includes(a.name)) bad.push(a.name);
      if (a.name === 'href' && !/^(#|https?:\/\/|mailto:)/.test(v)) bad.push('href=' + a.value);
      if (a.name === 'src' && !v.startsWith('data:image/')) bad.push('src=' + a.value);
    }
  }
  const count = (sel, n) => { const k = document.querySelectorAll(sel).length; if (k !== n) bad.push(sel + ' x' + k); };
  for (const img of document.images) if (!(img.complete && img.naturalWidth > 0)) bad.push('an inlined image is not shown');
  count('script', 2); count('style', 1); count('meta', metas); count('title', 1);
  if (performance.getEntriesByName('scribe-ready').length !== 1) bad.push('the record script did not run');
  return bad;
})"#;

/// For each placed payload, whether its field reads back as the text.
const READ_BACK: &str = r#"((placed) => {
  const all = sel => [...document.querySelectorAll(sel)].map(e => e.textContent);
  const title = () => [document.querySelector('h1').textContent, document.title];
  const fields = {
    'title': title,
    'topic-title': title,
    'archive-topic': () => [JSON.parse(document.getElementById('scribe-archive').textContent).incident.channel.topic],
    'author': () => all('#tr li > b'),
    'responder': () => all('.facts dd'),
    'annotator': () => all('#tl .by'),
    'owner': () => all('#remediation tbody td:nth-child(3)'),
    'card-label': () => all('#impact .cl'),
    'card-value': () => all('#impact .cv'),
    'control-name': () => all('#controls tbody td:nth-child(1)'),
    'control-note': () => all('#controls tbody td:nth-child(4)'),
    'link-label': () => all('#references li > b'),
    'image-alt': () => [...document.querySelectorAll('#tr figure img')].map(i => i.alt),
    'image-caption': () => all('#tr figcaption'),
    'file-name': () => all('#tr .files li'),
    'embed-title': () => all('#tr .em > b'),
    'message': () => all('#tr li'),
    'key-message': () => all('#tl li.msg .tx'),
    'event': () => all('#tl li.event .tx'),
    'summary': () => all('#summary .prose').slice(0, 1),
    'customers': () => all('#summary .prose').slice(1, 2),
    'root-cause': () => all('#cause .rc'),
    'why': () => all('#cause .wt'),
    'action': () => all('#remediation tbody td:nth-child(2)'),
    'action-ref': () => all('#remediation tbody td:nth-child(6)'),
    'link-ref': () => [...document.querySelectorAll('#references li')]
        .map(li => li.textContent.slice(li.querySelector('b').textContent.length)),
    'embed-description': () => all('#tr .em'),
    'log-title': () => all('#logs figcaption b'),
    'log-line': () => all('#logs td.lm'),
  };
  const bare = t => t.replace(/\s+/g, '');
  return placed.filter(p => !fields[p.field]().some(t => bare(t).includes(p.text))).map(p => p.field);
})"#;

#[test]
fn no_payload_runs_with_the_policy() {
    corpus_in_chromium(false);
}

#[test]
fn no_payload_runs_without_the_policy() {
    corpus_in_chromium(true);
}

/// Records, renders and opens every payload's incident; fails with the
/// list of what went wrong, payload by payload.
fn corpus_in_chromium(strip_policy: bool) {
    let Some(mut browser) = browser() else { return };
    let mut setup = Setup::new();
    for (n, payload) in PAYLOADS.iter().enumerate() {
        record(&mut setup, n, payload, n % 2 == 1);
    }
    let mut page = browser.page().expect("a tab opens");
    let mut failures = Vec::new();
    for (n, payload) in PAYLOADS.iter().enumerate() {
        let mut html = setup.render(&incident_id(n), AS_OF).html;
        if strip_policy {
            html = without_policy(&html);
        }
        let problems = open_and_check(&mut page, setup.dir.path(), n, &html, strip_policy);
        if !problems.is_empty() {
            failures.push(format!("payload {n} {payload:?}: {}", problems.join("; ")));
        }
    }
    failures.extend(
        browser
            .dialogs
            .iter()
            .map(|d| format!("a dialog opened: {d}")),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn open_and_check(
    page: &mut Page,
    dir: &std::path::Path,
    n: usize,
    html: &str,
    bare: bool,
) -> Vec<String> {
    let path = write_page(dir, &format!("{}.html", incident_id(n)), html);
    page.open(&file_url(&path)).expect("the record opens");
    let before = page.eval(SNAPSHOT).expect("snapshot");
    // Handlers on broken images and timers would fire by now.
    page.pump(Duration::from_millis(150)).expect("events");
    let after = page.eval(SNAPSHOT).expect("snapshot");
    let mut problems = Vec::new();
    if before != after {
        problems.push(changed(&before, &after));
    }
    let metas = if bare { 4 } else { 5 };
    let foreign = page
        .eval(&format!("{FOREIGN}({metas})"))
        .expect("inspected");
    if foreign != json!([]) {
        problems.push(format!("not the record's markup: {foreign}"));
    }
    let placed = placements(PAYLOADS[n], n % 2 == 1);
    let unread = page
        .eval(&format!("{READ_BACK}({})", json!(placed)))
        .expect("read back");
    if unread != json!([]) {
        problems.push(format!("fields that do not read back as text: {unread}"));
    }
    problems.extend(title_problem(&after, n));
    problems
}

fn changed(before: &Value, after: &Value) -> String {
    if before["title"] != after["title"] {
        return format!("the title changed to {}", after["title"]);
    }
    if before["href"] != after["href"] {
        return format!("the page navigated to {}", after["href"]);
    }
    "the DOM changed after load".into()
}

/// The title is the incident id and the payload, as text.
fn title_problem(snapshot: &Value, n: usize) -> Option<String> {
    let bare = |t: &str| t.split_whitespace().collect::<String>();
    let expected = bare(&format!("{}: {}", incident_id(n), PAYLOADS[n]));
    let title = snapshot["title"].as_str().unwrap_or_default();
    (bare(title) != expected).then(|| format!("the title reads {title:?}"))
}
