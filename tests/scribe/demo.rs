//! The bundled INC-2417 example carries every fact of the reference:
//! checked on the ledger (phases, marks, metrics) and on the text a
//! reader sees in the record.

use chrono::Timelike;
use scribe::ledger::Ledger;
use scribe::model::{ActionStatus, Mark, PhaseTag};

use crate::support::{Setup, at, example, visible_text};

fn demo() -> (Setup, String) {
    let mut setup = Setup::new();
    let outcome = setup
        .import(&example("export.json"), &[example("notes.txt")], "UTC")
        .expect("the example imports");
    assert!(
        outcome.report.refused.is_empty(),
        "{:?}",
        outcome.report.refused
    );
    assert!(
        outcome.notes_errors.is_empty(),
        "{:?}",
        outcome.notes_errors
    );
    let html = setup.render("INC-2417", "2026-06-20T12:00:00Z").html;
    (setup, html)
}

#[test]
fn every_timeline_fact_is_in_its_phase() {
    let (setup, _) = demo();
    let dossier = setup.dossier("INC-2417");
    let ledger = Ledger::replay(&dossier);
    let timeline = ledger.timeline(&dossier);
    let facts = [
        ("02:14", PhaseTag::LeadUp),
        ("02:15", PhaseTag::LeadUp),
        ("02:58", PhaseTag::LeadUp),
        ("04:30", PhaseTag::Detect),
        ("04:36", PhaseTag::Detect),
        ("04:41", PhaseTag::Escalate),
        ("04:48", PhaseTag::Escalate),
        ("04:52", PhaseTag::Mitigate),
        ("05:05", PhaseTag::Mitigate),
        ("05:20", PhaseTag::Mitigate),
        ("05:41", PhaseTag::Mitigate),
        ("06:02", PhaseTag::Resolve),
        ("07:14", PhaseTag::Resolve),
    ];
    for (time, phase) in facts {
        let found = timeline.iter().any(|e| {
            e.at.format("%H:%M").to_string() == time
                && e.phase == phase
                && e.at.date_naive().to_string() == "2026-06-03"
        });
        assert!(found, "no {phase} entry at {time}");
    }
    let plain = timeline.iter().filter(|e| !e.key).count();
    assert!(
        plain >= 3,
        "the non-key facts (02:15 run, 04:30, 04:48, 05:20) are not key"
    );
    assert!(ledger.skipped.is_empty(), "{:?}", ledger.skipped);
}

#[test]
fn marks_and_metrics_match_the_facts() {
    let (setup, html) = demo();
    let ledger = Ledger::replay(&setup.dossier("INC-2417"));
    let hm = |m| {
        let t = ledger.mark(m).expect("mark set");
        (t.hour(), t.minute())
    };
    assert_eq!(hm(Mark::Started), (2, 15));
    assert_eq!(hm(Mark::Detected), (4, 36));
    assert_eq!(hm(Mark::Acknowledged), (4, 41));
    assert_eq!(hm(Mark::Mitigated), (5, 41));
    assert_eq!(hm(Mark::Resolved), (7, 14));
    assert_eq!(ledger.impact_end, Some(at("2026-06-03T05:41:00Z")));
    let minutes: Vec<Option<i64>> = ledger
        .metrics()
        .iter()
        .map(|m| m.seconds.map(|s| s / 60))
        .collect();
    assert_eq!(
        minutes,
        [
            Some(141),
            Some(146),
            Some(206),
            Some(299),
            Some(299),
            Some(206)
        ]
    );
    let text = visible_text(&html);
    for shown in ["2 h 21 min", "2 h 26 min", "3 h 26 min", "4 h 59 min"] {
        assert!(text.contains(shown), "{shown} not shown");
    }
}

#[test]
fn the_record_carries_every_section_and_fact() {
    let (_, html) = demo();
    let text = visible_text(&html);
    let facts = [
        "INC-2417",
        "Duplicate draft invoices after orders-database failover",
        "SEV-2",
        "M. Tanaka",
        "J. Lindqvist",
        "R. Okafor",
        "S. de Wit",
        "A. Kowalczyk",
        "Version 2",
        "Duplicate drafts",
        "1,842",
        "Segments affected",
        "7–12",
        "Invoices sent in error",
        // Both log excerpts, line by line.
        "batch-billing · application log",
        "connection reset by peer (orders-primary); 38 conns dropped",
        "stage=invoice-generation attempt=1 failed: ConnectionError",
        "reconnected to orders-primary (now: standby-2, post-failover)",
        "stage=invoice-generation attempt=2 starting (segments 7-12)",
        "no idempotency key configured for stage; re-running whole stage",
        "run 2026-06-03T02:00 finished status=SUCCESS rows=46,217 (+4.1%)",
        "reconciliation-check · alert log",
        "1,842 draft invoices share order_ref with another draft",
        "affected segments: 7,8,9,10,11,12 · run_id=2026-06-03T02:00",
        "dispatch queue state: HELD until 07:00 window · no drafts sent",
        "paging billing on-call · policy=sev-undetermined",
        // References.
        "batch-billing#498",
        "LH-731",
    ];
    for fact in facts {
        assert!(text.contains(fact), "the record lacks {fact:?}");
    }
    let sections = [
        "Impact",
        "Summary",
        "Timeline",
        "Log excerpts",
        "Root cause",
        "Remediation",
        "Controls",
        "References",
        "Transcript",
    ];
    let mut last = 0;
    for section in sections {
        let found = text[last..]
            .find(section)
            .unwrap_or_else(|| panic!("section {section} missing or out of order"));
        last += found;
    }
    assert!(html.contains("<script type=\"application/json\" id=\"scribe-archive\">"));
}

#[test]
fn whys_actions_and_controls_are_complete() {
    let (setup, _) = demo();
    let ledger = Ledger::replay(&setup.dossier("INC-2417"));
    assert_eq!(ledger.whys.len(), 5);
    assert!(
        ledger.whys[2]
            .text
            .to_lowercase()
            .contains("idempotency key")
    );
    assert!(ledger.whys[3].text.contains("LH-731"));
    assert!(ledger.root_cause.is_some());
    let actions: Vec<(&str, String, ActionStatus)> = ledger
        .actions
        .iter()
        .map(|a| (a.owner.name.as_str(), a.due.to_string(), a.status))
        .collect();
    assert_eq!(
        actions,
        [
            ("M. Tanaka", "2026-06-12".to_string(), ActionStatus::Done),
            ("J. Lindqvist", "2026-06-10".to_string(), ActionStatus::Done),
            ("R. Okafor", "2026-06-11".to_string(), ActionStatus::Done),
            ("S. de Wit", "2026-07-03".to_string(), ActionStatus::Open),
            ("A. Kowalczyk", "2026-07-10".to_string(), ActionStatus::Open),
        ]
    );
    assert_eq!(
        ledger.actions[0].reference.as_deref(),
        Some("batch-billing#498")
    );
    assert_eq!(ledger.controls.len(), 4);
    assert_eq!(ledger.cards.len(), 4);
    assert_eq!(ledger.version(), 2);
    assert!(ledger.customers.is_some() && ledger.summary.is_some());
}

#[test]
fn the_view_of_the_demo_record_is_stable() {
    let (setup, _) = demo();
    let dossier = setup.dossier("INC-2417");
    let ledger = Ledger::replay(&dossier);
    let settings = setup.recorder.settings().clone();
    let view = scribe::render::view(&dossier, &ledger, &settings, at("2026-06-20T12:00:00Z"));
    insta::assert_json_snapshot!("demo_view", view);
}
