//! Replays of hand-built annotation logs.

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::model::{Command, Incident, Origin};

fn at(hm: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2026-06-03T{hm}:00Z"))
        .unwrap()
        .with_timezone(&Utc)
}

fn incident() -> Incident {
    Incident {
        id: "INC-2417".parse().unwrap(),
        timezone: "UTC".into(),
        created_at: at("04:41"),
        channel: None,
        posts: Vec::new(),
    }
}

fn note(seq: u32, given: &str, command: Command) -> Annotation {
    Annotation {
        origin: Origin::Interaction {
            id: Snowflake(1000 + seq as u64),
        },
        author: Some(Person::named("M. Tanaka")),
        given_at: at(given),
        seq,
        command,
    }
}

fn phase(seq: u32, given: &str, phase: Phase, when: Option<&str>) -> Annotation {
    note(
        seq,
        given,
        Command::Phase {
            phase,
            at: when.map(at),
        },
    )
}

fn replay(annotations: Vec<Annotation>) -> Ledger {
    Ledger::rebuild(&incident(), annotations.iter())
}

#[test]
fn a_late_phase_with_at_moves_entries_into_it() {
    let ledger = replay(vec![
        phase(1, "04:40", Phase::Detect, Some("04:36")),
        phase(2, "05:00", Phase::Mitigate, Some("04:52")),
    ]);
    assert_eq!(ledger.phase_at(at("04:30")), PhaseTag::LeadUp);
    assert_eq!(ledger.phase_at(at("04:36")), PhaseTag::Detect);
    assert_eq!(ledger.phase_at(at("04:55")), PhaseTag::Mitigate);
}

#[test]
fn marks_default_to_first_phases_and_explicit_marks_win() {
    let ledger = replay(vec![
        note(
            1,
            "04:41",
            Command::ImpactStart {
                at: Some(at("02:15")),
            },
        ),
        phase(2, "04:41", Phase::Detect, Some("04:36")),
        phase(3, "04:41", Phase::Escalate, None),
        phase(4, "04:52", Phase::Mitigate, None),
        note(
            5,
            "05:41",
            Command::Mark {
                mark: Mark::Mitigated,
                at: None,
            },
        ),
    ]);
    assert_eq!(ledger.mark(Mark::Started), Some(at("02:15")));
    assert_eq!(ledger.mark(Mark::Acknowledged), Some(at("04:41")));
    assert_eq!(ledger.mark(Mark::Mitigated), Some(at("05:41")));
    let metrics = ledger.metrics();
    assert_eq!(metrics[0].seconds, Some((2 * 60 + 21) * 60));
    assert_eq!(metrics[3].seconds, None);
    assert_eq!(
        metrics[3].unknown_because.as_deref(),
        Some("the resolved mark is not set")
    );
}

#[test]
fn a_mark_earlier_than_the_one_before_it_makes_the_metric_unknown() {
    let ledger = replay(vec![
        note(
            1,
            "04:00",
            Command::ImpactStart {
                at: Some(at("02:15")),
            },
        ),
        phase(2, "04:41", Phase::Escalate, Some("04:41")),
        note(
            3,
            "04:42",
            Command::Mark {
                mark: Mark::Mitigated,
                at: Some(at("04:30")),
            },
        ),
    ]);
    let mitigate = &ledger.metrics()[2];
    assert_eq!(mitigate.seconds, None);
    assert!(
        mitigate
            .unknown_because
            .as_ref()
            .unwrap()
            .contains("earlier")
    );
}

fn add_action(seq: u32, text: &str) -> Annotation {
    note(
        seq,
        "05:00",
        Command::ActionAdd {
            text: text.into(),
            owner: Person::named("R. Okafor"),
            due: NaiveDate::from_ymd_opt(2026, 6, 11).unwrap(),
            reference: None,
        },
    )
}

#[test]
fn action_numbers_are_never_reused() {
    let mut ledger = replay(vec![
        add_action(1, "first"),
        add_action(2, "second"),
        note(3, "05:01", Command::ActionRemove { n: 2 }),
        add_action(4, "third"),
    ]);
    let numbers: Vec<u32> = ledger.actions.iter().map(|a| a.n).collect();
    assert_eq!(numbers, [1, 3]);
    let err = ledger
        .apply(&note(
            5,
            "05:02",
            Command::ActionSetStatus {
                n: 2,
                status: ActionStatus::Done,
            },
        ))
        .unwrap_err();
    assert_eq!(err.0, "there is no action 2: the actions are 1, 3");
}

#[test]
fn whys_are_a_chain_by_position() {
    let why = |seq, text: &str| note(seq, "05:00", Command::WhyAdd { text: text.into() });
    let mut ledger = replay(vec![why(1, "a"), why(2, "b"), why(3, "c")]);
    let err = ledger
        .apply(&note(
            4,
            "05:01",
            Command::WhyEdit {
                n: 9,
                text: "x".into(),
            },
        ))
        .unwrap_err();
    assert_eq!(err.0, "there is no why 9: the chain has 3 (1–3)");
    ledger
        .apply(&note(5, "05:01", Command::WhyRemove { n: 1 }))
        .unwrap();
    assert_eq!(ledger.whys[0].text, "b");
}

#[test]
fn a_failed_command_changes_nothing_and_replay_skips_it() {
    let ledger = replay(vec![
        note(1, "05:00", Command::EventRemove { n: 4 }),
        note(
            2,
            "05:01",
            Command::RootCause {
                text: "no idempotency standard".into(),
            },
        ),
    ]);
    assert_eq!(ledger.skipped.len(), 1);
    assert!(ledger.skipped[0].reason.contains("no event 4"));
    assert_eq!(
        ledger.root_cause.as_deref(),
        Some("no idempotency standard")
    );
}

#[test]
fn publishing_counts_versions_and_never_sets_a_mark() {
    let ledger = replay(vec![
        note(1, "07:20", Command::PostmortemPublish),
        note(2, "08:00", Command::PostmortemPublish),
    ]);
    assert_eq!(ledger.version(), 2);
    assert_eq!(ledger.status, Status::Published);
    assert!(Mark::ALL.iter().all(|m| ledger.mark(*m).is_none()));
}

#[test]
fn an_open_for_another_incident_is_refused() {
    let mut ledger = replay(vec![]);
    let err = ledger
        .apply(&note(
            1,
            "04:41",
            Command::IncidentOpen {
                id: "INC-1".parse().unwrap(),
                title: "x".into(),
                severity: "SEV-2".into(),
                commander: None,
                since: None,
            },
        ))
        .unwrap_err();
    assert!(err.0.contains("\"INC-1\""), "{}", err.0);
}

#[test]
fn review_flags_missing_parts_and_blame() {
    let mut annotations = vec![
        note(
            1,
            "05:00",
            Command::WhyAdd {
                text: "M. Tanaka should have checked the retry".into(),
            },
        ),
        note(
            2,
            "05:00",
            Command::IncidentSet(crate::model::IncidentPatch {
                summary: Some("It was human error.".into()),
                ..Default::default()
            }),
        ),
    ];
    annotations.push(add_action(3, "Add an idempotency key"));
    let ledger = replay(annotations.clone());
    let dossier = Dossier {
        incident: incident(),
        messages: Vec::new(),
        tombstones: Vec::new(),
        annotations,
    };
    let warnings = review(&ledger, &dossier, &Default::default());
    let all = warnings.join("\n");
    assert!(all.contains("no root cause yet"), "{all}");
    assert!(all.contains("1 of 5"), "{all}");
    assert!(all.contains("why 1 says \"should have\""), "{all}");
    assert!(all.contains("why 1 names M. Tanaka"), "{all}");
    assert!(all.contains("the summary says \"human error\""), "{all}");
    assert!(all.contains("time to detect is unknown"), "{all}");
    assert!(all.contains("timeline has 0 entries"), "{all}");
    assert!(!all.contains("action 1"), "{all}");
}
