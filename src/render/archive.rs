//! The archive JSON, `scribe.incident/1`: the dossier as stored, plus
//! what the record derives from it under `derived` (which import
//! ignores). The same document is `scribe export`'s output and the data
//! block inside the record.

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::ledger::{Action, EntryKind, Ledger, Metric, review};
use crate::model::{ActionStatus, Dossier, Mark, PhaseTag};
use crate::settings::WarningSettings;

/// The schema name every archive document carries.
pub const SCHEMA: &str = "scribe.incident/1";

/// The JSON Schema of the archive document, as shipped in the repo.
pub const JSON_SCHEMA: &str = include_str!("../../schema/scribe.incident-1.schema.json");

/// One archive document, ready to serialize.
#[derive(Debug, Serialize)]
pub struct Archive<'a> {
    pub schema: &'static str,
    #[serde(flatten)]
    pub dossier: &'a Dossier,
    pub derived: Derived,
}

/// What the record computes from the dossier. Import ignores it; it is
/// there so that a reader of the JSON sees what the HTML showed.
#[derive(Debug, Serialize)]
pub struct Derived {
    /// Published versions so far; 0 for a draft.
    pub version: u32,
    pub as_of: DateTime<Utc>,
    /// Each timeline entry with the phase it was shown under.
    pub timeline: Vec<DerivedEntry>,
    pub metrics: Vec<Metric>,
    /// Every mark, set or not.
    pub marks: BTreeMap<Mark, Option<DateTime<Utc>>>,
    /// Numbers of open actions whose due date is before the as-of date.
    pub overdue_actions: Vec<u32>,
    pub warnings: Vec<String>,
}

/// A timeline entry as the archive records its derivation.
#[derive(Debug, Serialize)]
pub struct DerivedEntry {
    pub at: DateTime<Utc>,
    pub phase: PhaseTag,
    pub source: EntryKind,
}

/// The archive document for `dossier`, with warnings reviewed against
/// `warnings` (the configured blame phrases).
pub fn archive_document<'a>(
    dossier: &'a Dossier,
    ledger: &Ledger,
    warnings: &WarningSettings,
    as_of: DateTime<Utc>,
) -> Archive<'a> {
    let derived = Derived {
        version: ledger.version(),
        as_of,
        timeline: derived_timeline(ledger, dossier),
        metrics: ledger.metrics(),
        marks: Mark::ALL.iter().map(|m| (*m, ledger.mark(*m))).collect(),
        overdue_actions: overdue_numbers(&ledger.actions, today(dossier, as_of)),
        warnings: review(ledger, dossier, warnings),
    };
    Archive {
        schema: SCHEMA,
        dossier,
        derived,
    }
}

/// The archive document as JSON, its warnings reviewed with the default
/// blame phrases. [`crate::render::record`] embeds the same document
/// reviewed with the configured ones.
pub fn archive_json(dossier: &Dossier, ledger: &Ledger, as_of: DateTime<Utc>) -> serde_json::Value {
    let document = archive_document(dossier, ledger, &WarningSettings::default(), as_of);
    serde_json::to_value(document).unwrap_or_default()
}

/// Serializes `document` for a `<script type="application/json">` block:
/// `<`, `>`, `&`, U+2028 and U+2029 become `\u` escapes, so no sequence
/// in chat text can close the element or open a comment inside it, and
/// the text stays valid JSON.
pub fn script_json<T: Serialize>(document: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
    document.serialize(&mut serializer)?;
    // The formatter writes only whole UTF-8 sequences and ASCII escapes.
    String::from_utf8(out).map_err(|e| serde_json::Error::io(std::io::Error::other(e)))
}

/// Compact JSON whose strings escape what a script element must not
/// hold. Those characters only occur inside strings (keys included),
/// where a `\u` escape means the same, so one pass while writing does it.
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(['<', '>', '&', '\u{2028}', '\u{2029}']) {
            w.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            w.write_all(match c {
                '<' => b"\\u003c",
                '>' => b"\\u003e",
                '&' => b"\\u0026",
                '\u{2028}' => b"\\u2028",
                _ => b"\\u2029",
            })?;
            rest = &rest[at + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }
}

/// The as-of date in the incident's zone, the day overdue is judged by.
pub fn today(dossier: &Dossier, as_of: DateTime<Utc>) -> NaiveDate {
    let tz = crate::annotate::zone(&dossier.incident.timezone).unwrap_or(chrono_tz::UTC);
    as_of.with_timezone(&tz).date_naive()
}

/// An action is overdue when it is still open and its due date has
/// passed: due the day before the as-of date or earlier.
pub fn is_overdue(action: &Action, today: NaiveDate) -> bool {
    action.status == ActionStatus::Open && action.due < today
}

fn overdue_numbers(actions: &[Action], today: NaiveDate) -> Vec<u32> {
    actions
        .iter()
        .filter(|a| is_overdue(a, today))
        .map(|a| a.n)
        .collect()
}

fn derived_timeline(ledger: &Ledger, dossier: &Dossier) -> Vec<DerivedEntry> {
    let entries = ledger.timeline(dossier).into_iter();
    entries
        .map(|e| DerivedEntry {
            at: e.at,
            phase: e.phase,
            source: e.kind,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    #[test]
    fn script_escaping_leaves_no_angle_brackets_and_parses_back() {
        let hostile = "</script><!-- <script>alert(1)</script> & \u{2028}\u{2029}";
        let json = script_json(&serde_json::json!({ "content": hostile })).unwrap();
        assert!(
            !json.contains(['<', '>', '&', '\u{2028}', '\u{2029}']),
            "{json}"
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["content"], hostile);
    }

    #[test]
    fn escaping_leaves_clean_json_as_serde_json_writes_it() {
        let value = serde_json::json!({ "a": "plain \"quoted\" text\n", "n": [1, 2.5, null] });
        assert_eq!(
            script_json(&value).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
    }

    #[test]
    fn keys_are_escaped_too() {
        let value = serde_json::json!({ "</script>": 1 });
        assert_eq!(script_json(&value).unwrap(), r#"{"\u003c/script\u003e":1}"#);
    }

    #[test]
    fn document_carries_schema_dossier_and_derived() {
        let dossier = fixture::dossier();
        let ledger = Ledger::replay(&dossier);
        let json = archive_json(&dossier, &ledger, fixture::as_of());
        assert_eq!(json["schema"], SCHEMA);
        assert_eq!(json["incident"]["id"], "INC-2417");
        assert_eq!(
            json["messages"].as_array().unwrap().len(),
            dossier.messages.len()
        );
        assert!(json["messages"][0]["id"].is_string());
        assert_eq!(json["derived"]["version"], 2);
        assert_eq!(json["derived"]["overdue_actions"], serde_json::json!([2]));
        assert_eq!(json["derived"]["marks"]["resolved"], "2026-06-03T07:14:00Z");
        assert_eq!(json["derived"]["timeline"][0]["phase"], "lead-up");
    }

    #[test]
    fn overdue_means_open_and_due_before_the_as_of_date() {
        let dossier = fixture::dossier();
        let ledger = Ledger::replay(&dossier);
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let open = ledger.actions.iter().find(|a| a.n == 2).unwrap();
        assert!(is_overdue(open, day("2026-06-11")));
        assert!(
            !is_overdue(open, day("2026-06-10")),
            "due today is not overdue"
        );
        let done = ledger.actions.iter().find(|a| a.n == 1).unwrap();
        assert!(!is_overdue(done, day("2027-01-01")));
    }

    fn validator() -> jsonschema::Validator {
        let schema: serde_json::Value = serde_json::from_str(JSON_SCHEMA).unwrap();
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap()
    }

    #[test]
    fn schema_accepts_the_archive_of_a_realistic_dossier() {
        let dossier = fixture::dossier();
        let json = archive_json(&dossier, &Ledger::replay(&dossier), fixture::as_of());
        let validator = validator();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn schema_rejects_broken_documents() {
        let dossier = fixture::dossier();
        let good = archive_json(&dossier, &Ledger::replay(&dossier), fixture::as_of());
        let validator = validator();
        type Breakage = (&'static str, fn(&mut serde_json::Value));
        let breakages: [Breakage; 7] = [
            ("numeric snowflake", |j| j["messages"][0]["id"] = 12.into()),
            ("bad time", |j| {
                j["messages"][0]["posted_at"] = "3 Jun 2026".into()
            }),
            ("unknown phase", |j| {
                j["derived"]["timeline"][0]["phase"] = "panic".into()
            }),
            ("wrong schema", |j| j["schema"] = "scribe.incident/2".into()),
            ("missing incident", |j| {
                j.as_object_mut().unwrap().remove("incident");
            }),
            ("stray field", |j| j["incident"]["colour"] = "red".into()),
            ("unknown command", |j| {
                j["annotations"][0]["command"]["command"] = "launch".into()
            }),
        ];
        for (what, breakage) in breakages {
            let mut broken = good.clone();
            breakage(&mut broken);
            assert!(!validator.is_valid(&broken), "schema accepted a {what}");
        }
    }
}
