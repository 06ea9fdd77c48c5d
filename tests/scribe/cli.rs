//! The `scribe` binary as an operator meets it: one clear line on error,
//! a non-zero exit, never a panic.

use std::process::{Command, Output};

use crate::support::example;

fn scribe(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scribe"))
        .args(args)
        .current_dir(dir)
        .env("SCRIBE_STORE_PATH", dir.join("store"))
        .env_remove("DISCORD_TOKEN")
        .output()
        .expect("scribe runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn demo_writes_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let out = scribe(dir.path(), &["demo", "-o", "record.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(dir.path().join("record.html")).unwrap();
    assert!(html.contains("INC-2417"));
}

#[test]
fn import_render_list_and_export_work_together() {
    let dir = tempfile::tempdir().unwrap();
    let export = example("export.json");
    let notes = example("notes.txt");
    let out = scribe(
        dir.path(),
        &[
            "import",
            export.to_str().unwrap(),
            "--notes",
            notes.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("imported INC-2417"),
        "{}",
        stdout(&out)
    );

    let out = scribe(dir.path(), &["list"]);
    assert!(stdout(&out).contains("INC-2417"), "{}", stdout(&out));

    let render = [
        "render",
        "INC-2417",
        "-o",
        "r.html",
        "--as-of",
        "2026-06-20 12:00",
    ];
    let out = scribe(dir.path(), &render);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = std::fs::read(dir.path().join("r.html")).unwrap();
    scribe(dir.path(), &render);
    assert_eq!(first, std::fs::read(dir.path().join("r.html")).unwrap());

    let out = scribe(dir.path(), &["export", "INC-2417"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("export is JSON");
    assert_eq!(json["schema"], "scribe.incident/1");
}

#[test]
fn bad_input_gets_one_clear_line_and_a_failing_exit() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\n  \"messages\": [\n    { \"id\": 12 ]\n}").unwrap();
    let html = dir.path().join("channel.html");
    std::fs::write(
        &html,
        "<!DOCTYPE html><html><head><title>ops - Discord</title></head></html>",
    )
    .unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["import", broken.to_str().unwrap()], "line 3"),
        (
            vec!["import", html.to_str().unwrap()],
            "re-export the channel as JSON",
        ),
        (vec!["import", "missing.json"], "cannot open missing.json"),
        (
            vec!["render", "INC-1", "-o", "x.html"],
            "INC-1 is not stored",
        ),
        (vec!["render", "inc-1", "-o", "x.html"], "is not valid"),
        (
            vec!["render", "INC-1", "-o", "x.html", "--as-of", "yesterday"],
            "\"yesterday\"",
        ),
    ];
    for (args, expected) in cases {
        let out = scribe(dir.path(), &args);
        let err = stderr(&out);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn a_failed_import_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example("export.json")).unwrap();
    let truncated = dir.path().join("truncated.json");
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let out = scribe(dir.path(), &["import", truncated.to_str().unwrap()]);
    assert!(!out.status.success());
    let out = scribe(dir.path(), &["list"]);
    assert!(
        stdout(&out).contains("no incidents stored"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn check_names_each_problem_on_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_scribe"))
        .arg("check")
        .current_dir(dir.path())
        .env("SCRIBE_STORE_PATH", dir.path().join("store"))
        .env("SCRIBE_DISCORD_RESPONDER_ROLES", "Incident Responders")
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text = stdout(&out);
    assert!(text.contains("problem: no bot token"), "{text}");
    assert!(
        text.contains("\"Incident Responders\" is not a role id"),
        "{text}"
    );
}

#[test]
fn redact_applies_todays_patterns_to_what_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let export = example("export.json");
    let out = scribe(dir.path(), &["import", export.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = stdout(&scribe(dir.path(), &["export", "INC-2417"]));
    assert!(before.contains("standby-2"));

    let out = Command::new(env!("CARGO_BIN_EXE_scribe"))
        .args(["redact", "INC-2417"])
        .current_dir(dir.path())
        .env("SCRIBE_STORE_PATH", dir.path().join("store"))
        .env("SCRIBE_REDACT_PATTERNS", r"standby-\d")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("entries redacted"),
        "{}",
        stdout(&out)
    );
    let after = stdout(&scribe(dir.path(), &["export", "INC-2417"]));
    assert!(!after.contains("standby-2"), "the pattern was not applied");
    assert!(after.contains("[redacted:custom]"));
}
