//! The core's benchmarks, against SPEC's targets, on a generated
//! incident of fixed message sizes (`scribe::synth`):
//!
//! - render a 10,000-message incident (1,000 timeline entries): time and
//!   file size;
//! - import a 100,000-message DiscordChatExporter export (~80 MB) into a
//!   fresh store, flush included, beside a bare `serde_json` parse of the
//!   same file in the same run, and the import's peak memory (measured
//!   in a child process of its own, so the generator's memory does not
//!   count).
//!
//! Run with `cargo bench --bench pipeline`. Timings are medians of
//! several runs; the figures print with their targets.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use scribe::cli::import::{ImportArgs, import_files};
use scribe::ingest::Recorder;
use scribe::settings::Settings;
use scribe::store::Store;
use scribe::synth::{self, Shape};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--import-child") {
        return import_child(Path::new(&args[i + 1]), Path::new(&args[i + 2]));
    }
    // `--write-export N FILE` writes a generated export to measure by hand.
    if let Some(i) = args.iter().position(|a| a == "--write-export") {
        let shape = Shape::new(args[i + 1].parse()?);
        std::fs::write(&args[i + 2], synth::export(shape))?;
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    render_bench(dir.path())?;
    import_bench(dir.path())?;
    Ok(())
}

fn render_bench(dir: &Path) -> anyhow::Result<()> {
    let export = dir.join("render-10k.json");
    std::fs::write(&export, synth::export(Shape::new(10_000)))?;
    let mut recorder = recorder(&dir.join("render-store"))?;
    let outcome = import_files(&mut recorder, &ImportArgs::new(export, "UTC"), false)?;
    let id = outcome
        .report
        .incident
        .expect("the export opens an incident");
    let dossier = recorder.store().dossier(&id)?.expect("stored");
    let settings = Settings::default();
    let as_of = Shape::new(0).start + chrono::Duration::days(2);
    let mut size = 0;
    let times = repeat(15, || {
        let rendered = scribe::render::record(&dossier, &settings, as_of).expect("renders");
        size = rendered.html.len();
    });
    report("render 10,000 messages", median(&times), "150 ms");
    println!(
        "  file size: {:.2} MB (target under 4 MB)",
        size as f64 / 1e6
    );
    let entries = scribe::ledger::Ledger::replay(&dossier)
        .timeline(&dossier)
        .len();
    println!("  timeline entries: {entries}");
    Ok(())
}

fn import_bench(dir: &Path) -> anyhow::Result<()> {
    let export = dir.join("import-100k.json");
    std::fs::write(&export, synth::export(Shape::new(100_000)))?;
    let bytes = std::fs::read(&export)?;
    println!(
        "\nexport of 100,000 messages: {:.1} MB",
        bytes.len() as f64 / 1e6
    );
    let parse = median(&repeat(3, || {
        let value: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
        std::hint::black_box(value);
    }));
    drop(bytes);
    println!(
        "bare serde_json parse (to Value): {:.1} ms",
        parse.as_secs_f64() * 1e3
    );
    let mut runs = Vec::new();
    for run in 0..3 {
        let store = dir.join(format!("import-store-{run}"));
        runs.push(child_import(&export, &store)?);
    }
    let time = median(&runs.iter().map(|r| r.0).collect::<Vec<_>>());
    let peak = runs.iter().map(|r| r.1).max().unwrap_or(0);
    report("import 100,000 messages (flush included)", time, "2 s");
    println!(
        "  within {:.1}x of the bare parse (target 8x); peak memory {} MB (target under 400 MB)",
        time.as_secs_f64() / parse.as_secs_f64(),
        peak / 1024
    );
    Ok(())
}

/// Runs one import in a fresh process; returns its time and peak RSS (KiB).
fn child_import(export: &Path, store: &Path) -> anyhow::Result<(Duration, u64)> {
    let out = Command::new(std::env::current_exe()?)
        .arg("--import-child")
        .arg(export)
        .arg(store)
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "import child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout)?;
    let mut fields = text.split_whitespace();
    let micros: u64 = fields.next().unwrap_or("0").parse()?;
    let peak: u64 = fields.next().unwrap_or("0").parse()?;
    Ok((Duration::from_micros(micros), peak))
}

fn import_child(export: &Path, store: &Path) -> anyhow::Result<()> {
    let start = Instant::now();
    let mut recorder = recorder(store)?;
    import_files(
        &mut recorder,
        &ImportArgs::new(export.to_path_buf(), "UTC"),
        false,
    )?;
    let elapsed = start.elapsed();
    println!("{} {}", elapsed.as_micros(), peak_rss_kib());
    Ok(())
}

fn recorder(store: &Path) -> anyhow::Result<Recorder> {
    let settings = Settings::default();
    let store = Store::open(store, settings.store.cache_mb, "bench")?;
    Ok(Recorder::new(store, settings)?)
}

/// The process's peak resident memory, from /proc (Linux).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn repeat(n: usize, mut f: impl FnMut()) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect()
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn report(what: &str, time: Duration, target: &str) {
    println!(
        "{what}: {:.1} ms (target under {target})",
        time.as_secs_f64() * 1e3
    );
}
