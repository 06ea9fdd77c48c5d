//! Issue 4, item 4: a sound document. The W3C Nu checker finds no error,
//! axe-core (injected for the test alone) finds no serious or critical
//! accessibility violation in light or dark, wide or narrow, and the
//! printed PDF keeps every section, the transcript included.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scribe::model::Dossier;
use serde_json::{Value, json};

use super::cdp::{self, file_url, on_path};
use super::corpus::{PAYLOADS, incident_id, record};
use super::{DEMO_AS_OF, browser, demo, npm_tool, required, write_page};
use crate::support::{Setup, visible_text};

/// Runs `command`, killing it if it outlives `limit`. Its output is
/// read while it runs, so a full pipe cannot stall it.
fn run_bounded(command: &mut Command, limit: Duration) -> std::process::Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tool starts");
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("the tool runs") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} took longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    std::process::Output {
        status,
        stdout: stdout.join().expect("stdout read"),
        stderr: stderr.join().expect("stderr read"),
    }
}

/// Reads `pipe` to its end on a thread of its own.
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// The demo, the hostile OPS-88 record and the first `corpus` records
/// of the hostile corpus, as files.
fn records(dir: &Path, corpus: usize) -> Vec<PathBuf> {
    let mut setup = Setup::new();
    setup
        .import(
            &crate::support::fixture("OPS-88/export.json"),
            &[crate::support::fixture("OPS-88/notes.txt")],
            "Europe/Berlin",
        )
        .expect("OPS-88 imports");
    let ops88 = setup.render("OPS-88", "2026-09-16T10:00:00Z").html;
    let mut files = vec![
        write_page(dir, "INC-2417.html", &demo().1),
        write_page(dir, "OPS-88.html", &ops88),
    ];
    for (n, payload) in PAYLOADS.iter().enumerate().take(corpus) {
        record(&mut setup, n, payload, n % 2 == 1);
        let html = setup.render(&incident_id(n), DEMO_AS_OF).html;
        files.push(write_page(dir, &format!("{}.html", incident_id(n)), &html));
    }
    files
}

#[test]
fn the_nu_checker_finds_no_error() {
    let Some(jar) = npm_tool("vnu-jar", "build/dist/vnu.jar") else {
        return;
    };
    let Some(java) = required(
        "java",
        on_path("java"),
        "apt-get install default-jre-headless",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Every corpus record: escaping must keep each one a valid document.
    let files = records(dir.path(), PAYLOADS.len());
    let output = run_bounded(
        Command::new(java)
            .arg("-jar")
            .arg(jar)
            .args(["--format", "json", "--stdout", "--exit-zero-always"])
            .args(&files),
        Duration::from_secs(120),
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the checker said: {e} {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let messages = report["messages"].as_array().expect("messages");
    let errors: Vec<&Value> = messages.iter().filter(|m| m["type"] != "info").collect();
    assert!(
        errors.is_empty(),
        "{}",
        serde_json::to_string_pretty(&errors).unwrap()
    );
    // The checker cannot verify the policy's hashes, so it warns that
    // inline style and script are blocked, and it reads `img-src data:`
    // as blocking inlined images; the corpus run in Chromium shows the
    // script running and the images shown under the policy.
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    for m in messages {
        *kinds
            .entry(m["message"].as_str().unwrap_or_default())
            .or_default() += 1;
    }
    eprintln!(
        "nu checker: {} files, no errors; warnings: {kinds:#?}",
        files.len()
    );
}

/// Serious and critical axe violations in the page as it stands.
const AXE_RUN: &str = r#"axe.run(document, { resultTypes: ['violations'] }).then(r =>
  r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))"#;

#[test]
fn axe_finds_no_serious_or_critical_violation() {
    let Some(axe) = npm_tool("axe-core", "axe.min.js") else {
        return;
    };
    let Some(mut browser) = browser() else { return };
    let axe = std::fs::read_to_string(axe).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut found = Vec::new();
    for file in records(dir.path(), 1) {
        for (scheme, width) in [
            ("light", 1280),
            ("dark", 1280),
            ("light", 390),
            ("dark", 390),
        ] {
            let mut page = browser.page().unwrap();
            let media = json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]});
            page.call("Emulation.setEmulatedMedia", media).unwrap();
            let metrics = json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600});
            page.call("Emulation.setDeviceMetricsOverride", metrics)
                .unwrap();
            page.open(&file_url(&file)).unwrap();
            page.eval("document.querySelectorAll('details').forEach(d => d.open = true)")
                .unwrap();
            page.eval(&axe).expect("axe-core loads");
            let violations = page.eval(AXE_RUN).expect("axe runs");
            for v in violations.as_array().unwrap() {
                found.push(format!("{} {scheme} {width}px: {v}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Prints `file` with Chromium's own `--print-to-pdf` and returns the
/// PDF's text as `pdftotext` reads it.
fn printed_text(chromium: &Path, pdftotext: &Path, file: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("record.pdf");
    let output = run_bounded(
        Command::new(chromium)
            .args(cdp::FLAGS)
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join("profile").display()
            ))
            .arg("--no-pdf-header-footer")
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(file_url(file)),
        Duration::from_secs(120),
    );
    assert!(
        pdf.is_file(),
        "no PDF: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = run_bounded(
        Command::new(pdftotext).arg(&pdf).arg("-"),
        Duration::from_secs(60),
    );
    String::from_utf8_lossy(&text.stdout).into_owned()
}

/// A few words of the last message that only the transcript shows.
fn transcript_only(dossier: &Dossier) -> String {
    let message = dossier
        .messages
        .iter()
        .rev()
        .find(|m| !m.is_pinned_or_flagged() && m.content.len() > 30 && is_prose(&m.content))
        .expect("the demo has plain chat");
    let words: Vec<&str> = message.content.split_whitespace().take(4).collect();
    words.join(" ")
}

/// Text with no chat markup in it, so it prints as written.
fn is_prose(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_alphanumeric() || " .,;'-".contains(c))
}

#[test]
fn printing_keeps_every_section_and_the_transcript() {
    let Some(chromium) = required("chromium", cdp::chromium(), "apt-get install chromium") else {
        return;
    };
    let Some(pdftotext) = required(
        "pdftotext",
        on_path("pdftotext"),
        "apt-get install poppler-utils",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (dossier, html) = demo();
    let file = write_page(dir.path(), "INC-2417.html", &html);
    let printed = printed_text(&chromium, &pdftotext, &file);
    // The stylesheet sets some headings in capitals, which the PDF keeps.
    let printed = printed
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let sections = [
        "Incident record",
        "Impact",
        "Response",
        "Summary",
        "Customer impact",
        "Timeline",
        "Log excerpts",
        "Root cause",
        "Five whys",
        "Remediation",
        "Controls",
        "Related references",
        "Blameless review",
        "Transcript",
    ];
    for heading in sections {
        let heading = heading.to_lowercase();
        assert!(printed.contains(&heading), "{heading} is not printed");
    }
    let words = transcript_only(&dossier).to_lowercase();
    assert!(
        printed.contains(&words),
        "the transcript's \"{words}\" is not printed"
    );
    let text = visible_text(&html).to_lowercase();
    let last_words: String = text
        .split(' ')
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        printed.contains(&last_words),
        "the record's end \"{last_words}\" is not printed"
    );
}
