//! The record of a generated 10,000-message incident in headless
//! Chromium, against SPEC's targets:
//!
//! - `performance.mark('scribe-ready')`, the moment the record's script
//!   has set up the page, counted from navigation start (under 1 s);
//! - a phase-filter click to the next painted frame (under 50 ms): the
//!   click, then the frame after it has been produced, measured in the
//!   page as `requestAnimationFrame` followed by a task;
//! - the file size (the render target says under 4 MB).
//!
//! The incident comes from `scribe::synth` through `scribe import`'s own
//! path, so the figures compare across runs. Run with
//! `cargo bench --bench browser`; without Chromium it says so and stops.

#[allow(dead_code)]
#[path = "../tests/scribe/browser/cdp.rs"]
mod cdp;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use scribe::cli::import::{ImportArgs, import_files};
use scribe::ingest::Recorder;
use scribe::settings::Settings;
use scribe::store::Store;
use scribe::synth::{self, Shape};

use cdp::{Browser, Page, file_url};

/// Page loads measured for `scribe-ready`.
const LOADS: usize = 7;
/// Rounds over the five phase buttons and "all".
const ROUNDS: usize = 5;

fn main() -> anyhow::Result<()> {
    let Some(chromium) = cdp::chromium() else {
        println!("skipped: chromium is not installed (apt-get install chromium)");
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    let record = write_record(dir.path())?;
    let size = std::fs::metadata(&record)?.len();
    println!("record of 10,000 messages in Chromium");
    println!(
        "  file size: {:.2} MB (target under 4 MB)",
        size as f64 / 1e6
    );

    let mut browser = Browser::launch(&chromium)?;
    let mut page = browser.page()?;
    let ready = ready_times(&mut page, &file_url(&record))?;
    report("scribe-ready after navigation start", &ready, 1000.0);
    let clicks = click_times(&mut page)?;
    report("phase-filter click to next painted frame", &clicks, 50.0);
    Ok(())
}

/// Imports a generated 10,000-message export into a fresh store and
/// writes its record.
fn write_record(dir: &Path) -> anyhow::Result<PathBuf> {
    let export = dir.join("export.json");
    std::fs::write(&export, synth::export(Shape::new(10_000)))?;
    let store = Store::open(&dir.join("store"), 64, "browser bench")?;
    let mut recorder = Recorder::new(store, Settings::default())?;
    let args = ImportArgs::new(export, "UTC");
    let outcome = import_files(&mut recorder, &args, false)?;
    let id = outcome
        .report
        .incident
        .context("the export opens no incident")?;
    let dossier = recorder.store().dossier(&id)?.context("not stored")?;
    let as_of = Shape::new(0).start + chrono::Duration::days(2);
    let html = scribe::render::record(&dossier, &Settings::default(), as_of)?.html;
    let path = dir.join(format!("{id}.html"));
    std::fs::write(&path, html)?;
    Ok(path)
}

/// Milliseconds from navigation start to `scribe-ready`, per load.
fn ready_times(page: &mut Page, url: &str) -> anyhow::Result<Vec<f64>> {
    let mut times = Vec::with_capacity(LOADS);
    for _ in 0..LOADS {
        page.open(url)?;
        let mark = page.eval("performance.getEntriesByName('scribe-ready')[0].startTime")?;
        times.push(
            mark.as_f64()
                .context("the record set no scribe-ready mark")?,
        );
    }
    Ok(times)
}

/// Clicks `selector`'s button and resolves once the frame after the
/// click has been produced: `requestAnimationFrame` runs just before
/// that frame's style, layout and paint, and a task queued from it runs
/// after them.
const CLICK_TO_PAINT: &str = r#"((selector) => new Promise(done => {
  const button = document.querySelector(selector);
  const start = performance.now();
  button.click();
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0));
}))"#;

/// Milliseconds from each phase-filter click to the next painted frame.
fn click_times(page: &mut Page) -> anyhow::Result<Vec<f64>> {
    let phases = ["0", "1", "2", "3", "4", "all"];
    let mut times = Vec::with_capacity(ROUNDS * phases.len());
    for _ in 0..ROUNDS {
        for phase in phases {
            let selector = serde_json::json!(format!("button[data-phase=\"{phase}\"]"));
            let took = page.eval(&format!("{CLICK_TO_PAINT}({selector})"))?;
            times.push(took.as_f64().context("the click was not timed")?);
        }
    }
    Ok(times)
}

/// Prints the median, the 90th percentile and the worst of `times`
/// beside the target, which the median is held to.
fn report(what: &str, times: &[f64], target_ms: f64) {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    let (median, p90, worst) = (at(0.5), at(0.9), at(1.0));
    let verdict = if median < target_ms {
        "meets"
    } else {
        "misses"
    };
    println!(
        "  {what}: median {median:.1} ms, p90 {p90:.1} ms, worst {worst:.1} ms \
         over {} runs (target under {target_ms:.0} ms: {verdict})",
        times.len()
    );
}
