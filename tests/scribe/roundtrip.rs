//! Import twice, export and import back, render byte-identically.

use crate::support::{Setup, example};

fn demo_setup() -> Setup {
    let mut setup = Setup::new();
    setup
        .import(&example("export.json"), &[example("notes.txt")], "UTC")
        .expect("the example imports");
    setup
}

#[test]
fn importing_the_same_files_twice_changes_nothing() {
    let mut setup = demo_setup();
    let before = setup.render("INC-2417", "2026-06-20T12:00:00Z").html;
    let again = setup
        .import_with(
            &example("export.json"),
            &[example("notes.txt")],
            "UTC",
            None,
            true,
        )
        .expect("re-import with --replace");
    assert!(again.report.changed_nothing(), "{:?}", again.report);
    let after = setup.render("INC-2417", "2026-06-20T12:00:00Z").html;
    assert!(before == after, "the record changed on re-import");
}

#[test]
fn an_existing_incident_is_refused_without_replace() {
    let mut setup = demo_setup();
    let err = setup
        .import(&example("export.json"), &[], "UTC")
        .unwrap_err()
        .to_string();
    assert!(err.contains("INC-2417 is already stored"), "{err}");
    assert!(err.contains("--replace"), "{err}");
}

#[test]
fn the_same_clock_gives_a_byte_identical_record() {
    let setup = demo_setup();
    let a = setup.render("INC-2417", "2026-06-20T12:00:00Z").html;
    let b = setup.render("INC-2417", "2026-06-20T12:00:00Z").html;
    assert!(a == b);
}

#[test]
fn the_export_json_and_the_record_import_back_losslessly() {
    let setup = demo_setup();
    let original = setup.dossier("INC-2417");
    let record = setup.render("INC-2417", "2026-06-20T12:00:00Z").html;
    let json = {
        let ledger = scribe::ledger::Ledger::replay(&original);
        let value = scribe::render::archive_json(
            &original,
            &ledger,
            crate::support::at("2026-06-20T12:00:00Z"),
        );
        serde_json::to_string_pretty(&value).unwrap()
    };
    for (name, text) in [("export.json", json), ("record.html", record)] {
        let mut fresh = Setup::new();
        let path = fresh.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        fresh.import(&path, &[], "UTC").expect("imports back");
        let back = fresh.dossier("INC-2417");
        assert_eq!(back.messages, original.messages, "{name}: messages");
        assert_eq!(back.tombstones, original.tombstones, "{name}: tombstones");
        assert_eq!(
            back.annotations, original.annotations,
            "{name}: annotations"
        );
        assert_eq!(
            back.incident.channel, original.incident.channel,
            "{name}: channel"
        );
    }
}

#[test]
fn the_archive_json_validates_against_the_schema() {
    let setup = demo_setup();
    let dossier = setup.dossier("INC-2417");
    let ledger = scribe::ledger::Ledger::replay(&dossier);
    let value = scribe::render::archive_json(
        &dossier,
        &ledger,
        crate::support::at("2026-06-20T12:00:00Z"),
    );
    let schema_text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schema/scribe.incident-1.schema.json"),
    )
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
