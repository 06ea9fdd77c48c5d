//! Issue 4, item 1: the timeline filter of the demo record in Chromium.
//! Each phase shows exactly its entries, counts agree, search and the
//! transcript-in-place control combine with it, the controls work from
//! the keyboard, and without script every entry is shown.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use scribe::ledger::Ledger;
use scribe::model::{Dossier, PhaseTag};
use serde_json::{Value, json};

use super::cdp::{Page, file_url};
use super::{browser, demo, write_page};

/// The filter's phases, in button order (`data-phase` is the index).
const PHASES: [&str; 5] = ["lead-up", "detect", "escalate", "mitigate", "resolve"];

/// What the reader sees of the timeline: each shown row's phase and
/// instant, the number each button shows and which one is pressed.
const TIMELINE_STATE: &str = r#"(() => {
  const shown = el => el.getClientRects().length > 0;
  const rows = [...document.querySelectorAll('#tl > li:not(.dy):not(.w)')];
  return {
    rows: rows.filter(shown).map(r => [r.querySelector('.ph').textContent,
                                         r.querySelector('time').getAttribute('datetime')]),
    counts: Object.fromEntries([...document.querySelectorAll('button[data-phase]')]
      .map(b => [b.dataset.phase, Number(b.querySelector('.n').textContent)])),
    pressed: [...document.querySelectorAll('button[aria-pressed="true"]')].map(b => b.id || b.dataset.phase),
  };
})()"#;

/// The demo record open in a fresh browser.
struct Demo {
    dossier: Dossier,
    _dir: tempfile::TempDir,
    url: String,
}

fn demo_page() -> Demo {
    let (dossier, html) = demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = file_url(&write_page(dir.path(), "INC-2417.html", &html));
    Demo {
        dossier,
        _dir: dir,
        url,
    }
}

/// The instants of the entries of each phase, as the ledger says.
fn expected(dossier: &Dossier) -> BTreeMap<&'static str, Vec<DateTime<Utc>>> {
    let mut by_phase: BTreeMap<&'static str, Vec<DateTime<Utc>>> = BTreeMap::new();
    for entry in Ledger::replay(dossier).timeline(dossier) {
        by_phase
            .entry(entry.phase.as_str())
            .or_default()
            .push(entry.at);
    }
    by_phase
}

fn instants(rows: &Value, phase: &str) -> Vec<DateTime<Utc>> {
    let rows = rows.as_array().expect("rows");
    rows.iter()
        .map(|row| {
            assert_eq!(row[0], phase, "a {} row shows under {phase}", row[0]);
            let at = row[1].as_str().expect("datetime");
            DateTime::parse_from_rfc3339(at)
                .expect("rows carry RFC 3339 times")
                .with_timezone(&Utc)
        })
        .collect()
}

fn click(page: &mut Page, selector: &str) {
    let script = format!("document.querySelector({}).click()", json!(selector));
    page.eval(&script).expect("the control is there");
}

/// The button that lifts the filter.
const ALL_BUTTON: &str = "button[data-phase=\"all\"]";

fn phase_button(n: usize) -> String {
    format!("button[data-phase=\"{n}\"]")
}

#[test]
fn each_phase_shows_exactly_its_entries_and_the_counts_agree() {
    let Some(mut browser) = browser() else { return };
    let demo = demo_page();
    let expected = expected(&demo.dossier);
    assert_eq!(expected.len(), 5, "the demo has entries in every phase");
    let mut page = browser.page().unwrap();
    page.open(&demo.url).unwrap();

    for (n, phase) in PHASES.iter().enumerate() {
        click(&mut page, &phase_button(n));
        let state = page.eval(TIMELINE_STATE).unwrap();
        let mut shown = instants(&state["rows"], phase);
        shown.sort();
        assert_eq!(shown, expected[phase], "the rows shown under {phase}");
        assert_eq!(
            state["counts"][n.to_string()],
            json!(shown.len()),
            "{phase}"
        );
        assert_eq!(state["pressed"], json!([n.to_string()]), "{phase}");
    }
    click(&mut page, ALL_BUTTON);
    let state = page.eval(TIMELINE_STATE).unwrap();
    let total: usize = expected.values().map(Vec::len).sum();
    assert_eq!(state["rows"].as_array().unwrap().len(), total);
    assert_eq!(state["counts"]["all"], json!(total));
}

/// The phases of the transcript's messages shown, and how many, with
/// the transcript opened so a reader could see them.
const TRANSCRIPT_STATE: &str = r#"(() => {
  document.querySelector('details.trd').open = true;
  const shown = el => el.getClientRects().length > 0;
  const messages = [...document.querySelectorAll('.tr:not(.dd) > li')].filter(shown);
  const phases = new Set(messages.map(m => [...m.parentElement.classList].find(c => /^p[0-9]$/.test(c))));
  return { count: messages.length, phases: [...phases].sort(), inTimeline: messages.filter(m => m.closest('#tl')).length };
})()"#;

#[test]
fn the_filter_applies_to_the_transcript_and_in_place() {
    let Some(mut browser) = browser() else { return };
    let demo = demo_page();
    let mut page = browser.page().unwrap();
    page.open(&demo.url).unwrap();
    let all = page.eval(TRANSCRIPT_STATE).unwrap();
    let total = all["count"].as_u64().unwrap();
    assert_eq!(total as usize, demo.dossier.messages.len(), "{all}");

    let mut seen = 0;
    for (n, phase) in PHASES.iter().enumerate() {
        click(&mut page, &phase_button(n));
        let state = page.eval(TRANSCRIPT_STATE).unwrap();
        let count = state["count"].as_u64().unwrap();
        assert!(
            state["phases"] == json!([format!("p{n}")]) || count == 0,
            "{phase}: {state}"
        );
        seen += count;
    }
    assert_eq!(seen, total, "every message belongs to one phase");

    click(&mut page, "#inplace");
    click(&mut page, &phase_button(3));
    let state = page.eval(TRANSCRIPT_STATE).unwrap();
    assert_eq!(state["phases"], json!(["p3"]), "{state}");
    assert_eq!(
        state["inTimeline"], state["count"],
        "shown in place: {state}"
    );
    let timeline = page.eval(TIMELINE_STATE).unwrap();
    let expected = expected(&demo.dossier);
    let mut shown = instants(&timeline["rows"], "mitigate");
    shown.sort();
    assert_eq!(shown, expected["mitigate"], "entries stay as filtered");
}

/// Rows of the timeline that are shown and contain `word`, and those
/// that contain it whether shown or not, per phase.
const SEARCH_STATE: &str = r#"((word) => {
  const shown = el => el.getClientRects().length > 0;
  const rows = [...document.querySelectorAll('#tl > li:not(.dy):not(.w), #tl > li.w > .tr > li:not(.dy)')];
  const hits = rows.filter(r => r.textContent.toLowerCase().includes(word));
  return { shown: rows.filter(shown).length, hits: hits.filter(shown).length,
           note: document.getElementById('qn').textContent };
})"#;

fn search(page: &mut Page, word: &str) -> Value {
    let set = format!(
        "(() => {{ const q = document.getElementById('q'); q.value = {w}; \
         q.dispatchEvent(new Event('input')); }})()",
        w = json!(word)
    );
    page.eval(&set).unwrap();
    // The search waits 120 ms after the last keystroke.
    let settled = format!(
        "new Promise(r => setTimeout(() => r({SEARCH_STATE}({w})), 400))",
        w = json!(word.to_lowercase())
    );
    page.eval(&settled).unwrap()
}

#[test]
fn search_combines_with_the_phase_and_the_transcript() {
    let Some(mut browser) = browser() else { return };
    let demo = demo_page();
    let mut page = browser.page().unwrap();
    page.open(&demo.url).unwrap();

    let everywhere = search(&mut page, "dispatch");
    assert!(everywhere["hits"].as_u64().unwrap() >= 2, "{everywhere}");
    assert_eq!(everywhere["shown"], everywhere["hits"], "only matches show");

    click(&mut page, &phase_button(3));
    let mitigate = search(&mut page, "dispatch");
    assert_eq!(mitigate["shown"], mitigate["hits"], "{mitigate}");
    let narrowed = mitigate["shown"].as_u64().unwrap();
    assert!(narrowed >= 1 && narrowed < everywhere["shown"].as_u64().unwrap());
    let visible = page.eval(TIMELINE_STATE).unwrap();
    instants(&visible["rows"], "mitigate");

    click(&mut page, "#inplace");
    let merged = search(&mut page, "dispatch");
    assert_eq!(merged["shown"], merged["hits"], "{merged}");
    assert!(
        merged["shown"].as_u64().unwrap() > narrowed,
        "messages in place match too: {merged}"
    );
    let cleared = search(&mut page, "");
    assert_eq!(cleared["note"], "", "an empty search says nothing");
}

/// Presses and releases one key, as a keyboard would.
fn key(page: &mut Page, key: &str, code: u32) {
    let text = match key {
        "Enter" => "\r",
        " " => " ",
        _ => "",
    };
    for kind in ["keyDown", "keyUp"] {
        let params = json!({
            "type": kind, "key": key, "code": if key == " " { "Space" } else { key },
            "windowsVirtualKeyCode": code, "text": if kind == "keyDown" { text } else { "" },
        });
        page.call("Input.dispatchKeyEvent", params).unwrap();
    }
}

const FOCUSED: &str = "(() => { const a = document.activeElement; \
    return a.dataset.phase !== undefined ? 'phase:' + a.dataset.phase : (a.id || a.tagName); })()";

#[test]
fn the_controls_are_buttons_reached_and_pressed_by_keyboard() {
    let Some(mut browser) = browser() else { return };
    let demo = demo_page();
    let mut page = browser.page().unwrap();
    page.open(&demo.url).unwrap();
    let kinds = page
        .eval("[...document.querySelectorAll('.ctl [data-phase], #inplace')].map(b => b.tagName + ':' + b.type + ':' + b.getAttribute('aria-pressed'))")
        .unwrap();
    let kinds: Vec<String> = serde_json::from_value(kinds).unwrap();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    assert!(
        kinds.iter().all(|k| k.starts_with("BUTTON:button:")),
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| k.ends_with(":true")).count(),
        1,
        "only all"
    );

    let mut reached = Vec::new();
    for _ in 0..60 {
        key(&mut page, "Tab", 9);
        let focused: String = serde_json::from_value(page.eval(FOCUSED).unwrap()).unwrap();
        if focused == "phase:2" {
            key(&mut page, " ", 32);
        }
        if focused == "inplace" {
            key(&mut page, "Enter", 13);
        }
        reached.push(focused);
        if reached.last().is_some_and(|f| f == "inplace") {
            break;
        }
    }
    for control in [
        "phase:0",
        "phase:1",
        "phase:2",
        "phase:3",
        "phase:4",
        "phase:all",
        "q",
        "inplace",
    ] {
        assert!(
            reached.iter().any(|r| r == control),
            "{control} not reached: {reached:?}"
        );
    }
    let state = page.eval(TIMELINE_STATE).unwrap();
    assert_eq!(
        state["pressed"],
        json!(["2", "inplace"]),
        "space and enter pressed them"
    );
    instants(&state["rows"], "escalate");
}

#[test]
fn without_script_every_entry_and_message_is_shown() {
    let Some(mut browser) = browser() else { return };
    let demo = demo_page();
    let mut page = browser.page().unwrap();
    page.call(
        "Emulation.setScriptExecutionDisabled",
        json!({"value": true}),
    )
    .unwrap();
    page.open(&demo.url).unwrap();
    let state = page
        .eval(
            "({ ready: performance.getEntriesByName('scribe-ready').length, \
               controls: document.querySelector('.ctl').getClientRects().length, \
               all: document.querySelectorAll('#tl > li:not(.dy)').length })",
        )
        .unwrap();
    assert_eq!(
        state["ready"], 0,
        "the record's script did not run: {state}"
    );
    assert_eq!(
        state["controls"], 0,
        "controls that cannot work stay hidden"
    );
    let timeline = page.eval(TIMELINE_STATE).unwrap();
    let entries = Ledger::replay(&demo.dossier).timeline(&demo.dossier);
    let shown = timeline["rows"].as_array().unwrap();
    assert_eq!(shown.len(), entries.len(), "every entry shows");
    let phases: Vec<&str> = entries.iter().map(|e| e.phase.as_str()).collect();
    let read: Vec<&str> = shown.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(read, phases);
    assert!(PhaseTag::ALL.iter().all(|p| phases.contains(&p.as_str())));
    let transcript = page.eval(TRANSCRIPT_STATE).unwrap();
    assert_eq!(
        transcript["count"],
        json!(demo.dossier.messages.len()),
        "every recorded message shows in the transcript: {transcript}"
    );
}
