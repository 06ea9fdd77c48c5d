//! OPS-88: another incident, other people, Europe/Berlin offsets, and
//! hostile text and secrets in every chat-fed field.

use scribe::ledger::Ledger;
use scribe::model::{Phase, PhaseTag};

use crate::support::{Setup, fixture, visible_text};

fn ops88() -> (Setup, scribe::cli::import::Outcome) {
    let mut setup = Setup::new();
    let outcome = setup
        .import(
            &fixture("OPS-88/export.json"),
            &[fixture("OPS-88/notes.txt")],
            "Europe/Berlin",
        )
        .expect("OPS-88 imports");
    (setup, outcome)
}

const SECRETS: [&str; 6] = [
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_R8fK2mQ7vX1pL4nT9cW3yB6hJ0sD5gA2eZ7u",
    "hunter2",
    "b3BlbnNzaC1rZXktdjE",
    "eyJhbGciOi",
    "BEGIN OPENSSH PRIVATE KEY-----\nb3",
];

#[test]
fn refusals_say_why_and_bots_never_annotate() {
    let (setup, outcome) = ops88();
    let mut lines: Vec<String> = outcome
        .report
        .refused
        .iter()
        .map(|r| {
            format!(
                "{} ({}): {}",
                r.origin,
                r.author.as_deref().unwrap_or("notes"),
                r.reason
            )
        })
        .collect();
    lines.extend(
        outcome
            .notes_errors
            .iter()
            .map(|(f, e)| format!("{f}: {e}")),
    );
    insta::assert_snapshot!("ops88_refusals", lines.join("\n"));
    let warnings = outcome.warnings.join("\n");
    assert!(warnings.contains("1 system notices"), "{warnings}");
    assert!(warnings.contains("no root cause yet"), "{warnings}");
    let ledger = Ledger::replay(&setup.dossier("OPS-88"));
    let resolves: Vec<_> = ledger
        .phases
        .iter()
        .filter(|p| p.phase == Phase::Resolve)
        .collect();
    assert_eq!(
        resolves.len(),
        1,
        "only Scribe's confirmed resolve, not the alert bot's"
    );
    assert!(
        ledger
            .phases
            .iter()
            .all(|p| p.by.as_ref().is_some_and(|b| b.name != "grafana-alerts"))
    );
}

#[test]
fn offsets_are_kept_and_times_show_in_the_incident_zone() {
    let (setup, _) = ops88();
    let dossier = setup.dossier("OPS-88");
    assert!(
        dossier
            .messages
            .iter()
            .all(|m| m.posted_at.offset().local_minus_utc() == 7200)
    );
    let ledger = Ledger::replay(&dossier);
    assert_eq!(
        ledger.impact_start.unwrap().to_rfc3339(),
        "2026-09-14T21:02:00+00:00"
    );
    let detect = ledger
        .phases
        .iter()
        .find(|p| p.phase == Phase::Detect)
        .unwrap();
    assert_eq!(detect.at.to_rfc3339(), "2026-09-14T21:02:00+00:00");
    assert_eq!(ledger.phase_at(detect.at), PhaseTag::Detect);

    let html = setup.render("OPS-88", "2026-09-16T10:00:00Z").html;
    let text = visible_text(&html);
    assert!(
        text.contains("Europe/Berlin") || text.contains("CEST"),
        "zone not named"
    );
    assert!(text.contains("15 Sep 2026"), "the day change is not shown");
    assert!(text.contains("23:02"), "local times are not shown");
    let json = scribe::render::archive_json(
        &dossier,
        &ledger,
        crate::support::at("2026-09-16T10:00:00Z"),
    );
    assert!(
        json.to_string().contains("+02:00"),
        "offsets lost in the archive JSON"
    );
}

#[test]
fn no_secret_reaches_the_store_or_the_record() {
    let (setup, outcome) = ops88();
    let stored = serde_json::to_string(&setup.dossier("OPS-88")).unwrap();
    let html = setup.render("OPS-88", "2026-09-16T10:00:00Z").html;
    let said = format!("{:?} {:?}", outcome.report.refused, outcome.notes_errors);
    for secret in SECRETS {
        let secret = secret.replace("\n", "\\n");
        assert!(!stored.contains(&secret), "{secret} stored");
        assert!(!html.contains(&secret), "{secret} rendered");
        assert!(!said.contains(&secret), "{secret} in an error");
    }
    assert!(
        stored.contains("[redacted:private-key]"),
        "the key block was not redacted"
    );
}

#[test]
fn hostile_text_stays_text() {
    let (setup, _) = ops88();
    let html = setup.render("OPS-88", "2026-09-16T10:00:00Z").html;
    let tag = regex::Regex::new(r"(?i)<([a-z][a-z0-9]*)\b([^>]*)>").unwrap();
    let handler = regex::Regex::new(r"\son[a-z]+\s*=").unwrap();
    let mut scripts = 0;
    for cap in tag.captures_iter(&html) {
        let (name, attrs) = (cap[1].to_lowercase(), cap[2].to_lowercase());
        assert!(
            !["img", "svg", "iframe", "object", "embed", "math"].contains(&name.as_str())
                || attrs.contains("src=\"data:image/"),
            "<{name}{attrs}>"
        );
        assert!(!handler.is_match(&attrs), "<{name}{attrs}>");
        assert!(!attrs.contains("style="), "<{name}{attrs}>");
        if let Some(href) = attrs.split("href=\"").nth(1) {
            assert!(
                ["http://", "https://", "mailto:", "#"]
                    .iter()
                    .any(|p| href.starts_with(p)),
                "<{name}{attrs}>"
            );
        }
        scripts += usize::from(name == "script");
    }
    assert_eq!(
        scripts, 2,
        "only the record's own script and its JSON block"
    );
    let text = visible_text(&html);
    assert!(
        text.contains("<b>Mallory</b>"),
        "the author name is not shown as text"
    );
    assert!(
        text.contains("<img src=x onerror=alert(1)>"),
        "the card label is not shown as text"
    );
    assert!(
        text.contains("<script>alert(1)</script> cache warm-up"),
        "the event is not text"
    );
}
