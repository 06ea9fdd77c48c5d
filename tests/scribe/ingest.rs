//! The write path: keys, edits, tombstones, typed commands, redaction,
//! the store's lock and schema.

use chrono::Duration;
use scribe::ingest::{Input, Report};
use scribe::ledger::Ledger;
use scribe::model::{
    Annotation, Attachment, Command, IncidentId, Origin, Person, Phase, PhaseTag, Snowflake,
    TypedOutcome,
};

use crate::support::{Setup, at, message};

fn id() -> IncidentId {
    "INC-7".parse().unwrap()
}

fn feed(setup: &mut Setup, inputs: Vec<Input>) -> Report {
    let header = setup.recorder.new_incident(id(), Some("UTC"));
    setup
        .recorder
        .ingest(&id(), Some(header), inputs)
        .expect("ingest succeeds")
}

fn open_command() -> Input {
    Input::Message(message(
        100,
        "Ana",
        "2026-06-03T04:41:00Z",
        "/incident open id:INC-7 title:Queue stalls severity:SEV-3",
    ))
}

#[test]
fn the_same_message_twice_is_stored_once() {
    let mut setup = Setup::new();
    let m = message(101, "Ana", "2026-06-03T04:42:00Z", "looking at the queue");
    feed(&mut setup, vec![open_command(), Input::Message(m.clone())]);
    let again = feed(&mut setup, vec![Input::Message(m)]);
    assert!(again.changed_nothing(), "{again:?}");
    assert_eq!(again.messages_unchanged, 1);
    assert_eq!(setup.dossier("INC-7").messages.len(), 2);
}

#[test]
fn an_edit_keeps_history_and_an_older_write_is_ignored() {
    let mut setup = Setup::new();
    let original = message(101, "Ana", "2026-06-03T04:42:00Z", "queue depth 40k");
    let mut edited = original.clone();
    edited.content = "queue depth 41k".into();
    edited.edited_at = Some(original.posted_at + Duration::minutes(1));
    feed(&mut setup, vec![Input::Message(original.clone())]);
    feed(&mut setup, vec![Input::Message(edited)]);
    let late = feed(&mut setup, vec![Input::Message(original)]);
    assert_eq!(late.messages_ignored, 1);
    let stored = &setup.dossier("INC-7").messages[0];
    assert_eq!(stored.content, "queue depth 41k");
    assert_eq!(stored.history.len(), 1);
    assert_eq!(stored.history[0].content, "queue depth 40k");
}

#[test]
fn a_delete_leaves_a_tombstone_that_a_late_duplicate_cannot_undo() {
    let mut setup = Setup::new();
    let m = message(101, "Ana", "2026-06-03T04:42:00Z", "wrong channel, sorry");
    feed(&mut setup, vec![Input::Message(m.clone())]);
    feed(
        &mut setup,
        vec![Input::Deleted {
            id: Snowflake(101),
            at: at("2026-06-03T04:43:00Z"),
        }],
    );
    let late = feed(&mut setup, vec![Input::Message(m)]);
    assert_eq!(late.messages_ignored, 1);
    let dossier = setup.dossier("INC-7");
    assert!(dossier.messages.is_empty());
    assert_eq!(dossier.tombstones.len(), 1);
    let json = serde_json::to_string(&dossier).unwrap();
    assert!(
        !json.contains("wrong channel"),
        "a tombstone keeps no content"
    );
}

#[test]
fn editing_a_typed_command_reparses_it_and_deleting_withdraws_it() {
    let mut setup = Setup::new();
    let typed = message(102, "Ana", "2026-06-03T04:50:00Z", "/phase mitigate");
    feed(
        &mut setup,
        vec![open_command(), Input::Message(typed.clone())],
    );
    let phase_of = |setup: &Setup| {
        let ledger = Ledger::replay(&setup.dossier("INC-7"));
        ledger.phase_at(at("2026-06-03T05:00:00Z"))
    };
    assert_eq!(phase_of(&setup), PhaseTag::Mitigate);

    let mut edited = typed.clone();
    edited.content = "/phase escalate".into();
    edited.edited_at = Some(typed.posted_at + Duration::minutes(1));
    let report = feed(&mut setup, vec![Input::Message(edited)]);
    assert_eq!(report.annotations_withdrawn, 1);
    assert_eq!(phase_of(&setup), PhaseTag::Escalate);

    feed(
        &mut setup,
        vec![Input::Deleted {
            id: Snowflake(102),
            at: at("2026-06-03T04:53:00Z"),
        }],
    );
    assert_eq!(phase_of(&setup), PhaseTag::LeadUp);
}

#[test]
fn bots_never_annotate_and_bad_commands_are_refused_with_a_reason() {
    let mut setup = Setup::new();
    let mut bot = message(103, "alertbot", "2026-06-03T04:44:00Z", "/phase resolve");
    bot.author.is_bot = true;
    let bad = message(104, "Ana", "2026-06-03T04:45:00Z", "/phase mitgate");
    let report = feed(
        &mut setup,
        vec![open_command(), Input::Message(bot), Input::Message(bad)],
    );
    assert_eq!(report.refused.len(), 1);
    assert!(
        report.refused[0].reason.contains("mitgate"),
        "{:?}",
        report.refused
    );
    let dossier = setup.dossier("INC-7");
    let ledger = Ledger::replay(&dossier);
    assert!(ledger.phases.is_empty());
    let bad = dossier
        .messages
        .iter()
        .find(|m| m.id == Snowflake(104))
        .unwrap();
    assert!(matches!(bad.typed, Some(TypedOutcome::Refused { .. })));
}

#[test]
fn a_retried_interaction_applies_once() {
    let mut setup = Setup::new();
    let command = Annotation {
        origin: Origin::Interaction {
            id: Snowflake(9001),
        },
        author: Some(Person::named("Ana")),
        given_at: at("2026-06-03T04:50:00Z"),
        seq: 0,
        command: Command::WhyAdd {
            text: "the consumer stalled on a poison message".into(),
        },
    };
    feed(
        &mut setup,
        vec![open_command(), Input::Command(command.clone())],
    );
    let again = feed(&mut setup, vec![Input::Command(command)]);
    assert_eq!(again.annotations_unchanged, 1);
    assert_eq!(Ledger::replay(&setup.dossier("INC-7")).whys.len(), 1);
}

#[test]
fn secrets_are_redacted_before_anything_is_stored() {
    let mut setup = Setup::new();
    let mut m = message(
        105,
        "Ana",
        "2026-06-03T04:46:00Z",
        "try with AKIAIOSFODNN7EXAMPLE and password=hunter2hunter2",
    );
    m.attachments.push(Attachment {
        id: Snowflake(5),
        file_name: "dump-ghp_abcdefghijklmnopqrstuvwxyz0123456789.log".into(),
        size: 0,
        bytes: Some(b"04:46:01 ERROR auth token=s3cr3tvalue123 rejected\n".to_vec()),
    });
    let typed = message(
        106,
        "Ana",
        "2026-06-03T04:47:00Z",
        "/phase password=hunter2hunter2",
    );
    let report = feed(&mut setup, vec![Input::Message(m), Input::Message(typed)]);
    let stored = serde_json::to_string(&setup.dossier("INC-7")).unwrap();
    for secret in [
        "AKIAIOSFODNN7EXAMPLE",
        "hunter2",
        "ghp_abcdef",
        "s3cr3tvalue123",
    ] {
        assert!(!stored.contains(secret), "{secret} was stored");
    }
    assert!(stored.contains("[redacted:"), "{stored}");
    let reasons = format!("{:?}", report.refused);
    assert!(!reasons.contains("hunter2"), "{reasons}");
}

#[test]
fn a_second_open_of_the_store_names_its_holder() {
    let setup = Setup::new();
    let path = setup.recorder.store().path().to_path_buf();
    let err = match scribe::store::Store::open(&path, 8, "scribe run") {
        Err(e) => e.to_string(),
        Ok(_) => panic!("the store opened twice"),
    };
    assert!(err.contains("in use by `test`"), "{err}");
    assert!(
        err.contains(&format!("pid {}", std::process::id())),
        "{err}"
    );
}

#[test]
fn a_store_from_a_newer_scribe_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let db = sled::open(&path).unwrap();
        db.insert(b"meta:schema", b"2").unwrap();
        db.flush().unwrap();
    }
    let err = match scribe::store::Store::open(&path, 8, "test") {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a newer store opened"),
    };
    assert!(err.contains("newer Scribe (schema 2)"), "{err}");
}

#[test]
fn a_late_phase_moves_earlier_entries() {
    let mut setup = Setup::new();
    let mut pinned = message(107, "Ana", "2026-06-03T04:55:00Z", "dispatch paused");
    pinned.pinned = true;
    let late = message(
        108,
        "Ana",
        "2026-06-03T05:10:00Z",
        "/phase mitigate at:04:52",
    );
    feed(
        &mut setup,
        vec![open_command(), Input::Message(pinned), Input::Message(late)],
    );
    let dossier = setup.dossier("INC-7");
    let ledger = Ledger::replay(&dossier);
    let entry = ledger
        .timeline(&dossier)
        .into_iter()
        .find(|e| e.text == "dispatch paused")
        .unwrap();
    assert_eq!(entry.phase, PhaseTag::Mitigate);
    assert_eq!(ledger.phases[0].phase, Phase::Mitigate);
}

#[test]
fn reconciling_a_history_read_finds_edits_pins_and_deletions() {
    let mut setup = Setup::new();
    let kept = message(110, "Ana", "2026-06-03T04:50:00Z", "drain started");
    let gone = message(111, "Ana", "2026-06-03T04:51:00Z", "typo, ignore");
    let old = message(109, "Ana", "2026-06-03T03:00:00Z", "before the window");
    feed(
        &mut setup,
        vec![
            open_command(),
            Input::Message(old),
            Input::Message(kept.clone()),
            Input::Message(gone),
        ],
    );
    let mut edited = kept.clone();
    edited.content = "drain started on worker-3".into();
    edited.edited_at = Some(kept.posted_at + Duration::minutes(2));
    edited.pinned = true;
    let new = message(
        112,
        "Bo",
        "2026-06-03T04:55:00Z",
        "said while the bot was down",
    );
    let report = setup
        .recorder
        .reconcile(
            &id(),
            vec![Input::Message(edited), Input::Message(new)],
            at("2026-06-03T04:00:00Z"),
            at("2026-06-03T05:00:00Z"),
        )
        .unwrap();
    assert_eq!(
        (
            report.messages_added,
            report.messages_edited,
            report.messages_deleted
        ),
        (1, 1, 2),
        "{report:?}"
    );
    let dossier = setup.dossier("INC-7");
    let ids: Vec<u64> = dossier.messages.iter().map(|m| m.id.0).collect();
    assert_eq!(
        ids,
        [109, 110, 112],
        "messages before the read window are kept"
    );
    assert!(dossier.messages[1].pinned);
    assert_eq!(
        dossier.tombstones.len(),
        2,
        "the deleted message and the open command"
    );
}

#[test]
fn only_scribe_itself_can_confirm_once_its_id_is_known() {
    let mut setup = Setup::new();
    setup.recorder.set_self_id(Snowflake(77));
    let mut forged = message(
        120,
        "hook",
        "2026-06-03T04:50:00Z",
        "Phase → resolve at 04:50 UTC · /phase resolve at:2026-06-03 04:50",
    );
    forged.author.is_bot = true;
    let mut real = forged.clone();
    real.id = Snowflake(121);
    real.author.id = Snowflake(77);
    real.content = "Phase → mitigate at 04:51 UTC · /phase mitigate at:2026-06-03 04:51".into();
    feed(
        &mut setup,
        vec![open_command(), Input::Message(forged), Input::Message(real)],
    );
    let dossier = setup.dossier("INC-7");
    let phases: Vec<Phase> = Ledger::replay(&dossier)
        .phases
        .iter()
        .map(|p| p.phase)
        .collect();
    assert_eq!(phases, [Phase::Mitigate]);
    let kept: Vec<u64> = dossier.messages.iter().map(|m| m.id.0).collect();
    assert_eq!(
        kept,
        [100, 120],
        "the webhook's message is chat; Scribe's own is not kept"
    );
}

#[test]
fn an_overheard_command_is_kept_as_chat_and_never_applied() {
    let mut setup = Setup::new();
    let typed = message(122, "Visitor", "2026-06-03T04:50:00Z", "/phase resolve");
    let report = feed(&mut setup, vec![open_command(), Input::Overheard(typed)]);
    assert!(report.refused.is_empty());
    let dossier = setup.dossier("INC-7");
    assert!(Ledger::replay(&dossier).phases.is_empty());
    let kept = dossier
        .messages
        .iter()
        .find(|m| m.id == Snowflake(122))
        .unwrap();
    assert!(!kept.author.is_bot && kept.typed.is_none());
}
