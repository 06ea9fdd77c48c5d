//! Generators of commands for property tests: every typed command,
//! with text that stresses the spelling (quotes, colons, backslashes,
//! option-like words, several lines) and times in awkward zones.

use chrono::{DateTime, Utc};
use proptest::prelude::*;

use crate::model::{
    ActionStatus, Command, ControlOutcome, ControlType, IncidentId, IncidentPatch, Mark, Person,
    Phase, Status,
};

/// The severities generated commands use; a reader must allow them.
pub(super) const SEVERITIES: [&str; 4] = ["SEV-1", "SEV-2", "SEV-3", "SEV-4"];

/// Responder text on one line: quotes, colons, backslashes, the
/// confirmation separator and option-like words included.
fn line() -> impl Strategy<Value = String> {
    let words = prop_oneof![
        r#"[A-Za-z0-9.,;#@'()/é·\\"-]{1,12}"#,
        Just("at:".to_string()),
        Just("ref:x".to_string()),
        Just("https://x.example".to_string()),
        Just("\"q\"".to_string()),
    ];
    prop::collection::vec(words, 1..6).prop_map(|w| w.join(" "))
}

/// Text that may run over several lines.
fn paragraph() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 1..3).prop_map(|l| l.join("\n"))
}

fn person() -> impl Strategy<Value = Person> {
    "[A-Za-z][A-Za-z .'-]{0,16}[A-Za-z]".prop_map(Person::named)
}

/// Whole seconds from 2020 to 2035, often on the minute.
pub(super) fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (1_577_836_800i64..2_082_758_400, any::<bool>()).prop_map(|(s, minute)| {
        let s = if minute { s - s % 60 } else { s };
        DateTime::from_timestamp(s, 0).unwrap_or_default()
    })
}

/// Zones with daylight saving, half-hour and odd offsets.
pub(super) fn zone() -> impl Strategy<Value = chrono_tz::Tz> {
    prop::sample::select(vec![
        chrono_tz::UTC,
        chrono_tz::Europe::Amsterdam,
        chrono_tz::America::New_York,
        chrono_tz::Asia::Kolkata,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Pacific::Chatham,
    ])
}

fn severity() -> impl Strategy<Value = String> {
    prop::sample::select(SEVERITIES.to_vec()).prop_map(String::from)
}

fn id() -> impl Strategy<Value = IncidentId> {
    "[A-Z][A-Z0-9]{0,4}-[0-9]{1,5}".prop_filter_map("a valid id", |s| s.parse().ok())
}

fn n() -> impl Strategy<Value = u32> {
    1u32..5000
}

fn word<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    prop::sample::select(all)
}

fn incident() -> impl Strategy<Value = Command> {
    let open = (
        id(),
        line(),
        severity(),
        prop::option::of(person()),
        prop::option::of(instant()),
    )
        .prop_map(
            |(id, title, severity, commander, since)| Command::IncidentOpen {
                id,
                title,
                severity,
                commander,
                since,
            },
        );
    let patch = (
        prop::option::of(line()),
        prop::option::of(severity()),
        prop::option::of(paragraph()),
        prop::option::of(person()),
        prop::option::of(word(Status::ALL)),
    )
        .prop_map(
            |(title, severity, summary, commander, status)| IncidentPatch {
                title,
                severity,
                summary,
                commander,
                status,
            },
        )
        .prop_filter("something to change", |p| *p != IncidentPatch::default())
        .prop_map(Command::IncidentSet);
    prop_oneof![open, patch]
}

fn timeline() -> impl Strategy<Value = Command> {
    let at = || prop::option::of(instant());
    prop_oneof![
        (word(Phase::ALL), at()).prop_map(|(phase, at)| Command::Phase { phase, at }),
        (
            paragraph(),
            at(),
            prop::option::of(word(Phase::ALL)),
            any::<bool>()
        )
            .prop_map(|(text, at, phase, key)| Command::Event {
                text,
                at,
                phase,
                key
            }),
        (
            n(),
            prop::option::of(paragraph()),
            at(),
            prop::option::of(word(Phase::ALL))
        )
            .prop_filter("something to change", |(_, t, a, p)| t.is_some()
                || a.is_some()
                || p.is_some())
            .prop_map(|(n, text, at, phase)| Command::EventEdit { n, text, at, phase }),
        n().prop_map(|n| Command::EventRemove { n }),
        (word(Mark::ALL), at()).prop_map(|(mark, at)| Command::Mark { mark, at }),
        at().prop_map(|at| Command::ImpactStart { at }),
        at().prop_map(|at| Command::ImpactEnd { at }),
        paragraph().prop_map(|text| Command::ImpactCustomers { text }),
        (line(), line()).prop_map(|(label, value)| Command::ImpactCard { label, value }),
        n().prop_map(|n| Command::ImpactCardRemove { n }),
    ]
}

fn actions() -> impl Strategy<Value = Command> {
    let due = || {
        (2020i32..2040, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default())
    };
    prop_oneof![
        (paragraph(), person(), due(), prop::option::of(line())).prop_map(
            |(text, owner, due, reference)| Command::ActionAdd {
                text,
                owner,
                due,
                reference
            }
        ),
        (n(), word(ActionStatus::ALL))
            .prop_map(|(n, status)| Command::ActionSetStatus { n, status }),
        n().prop_map(|n| Command::ActionRemove { n }),
        (
            n(),
            prop::option::of(paragraph()),
            prop::option::of(person()),
            prop::option::of(due()),
            prop::option::of(line())
        )
            .prop_filter("something to change", |(_, t, o, d, r)| {
                t.is_some() || o.is_some() || d.is_some() || r.is_some()
            })
            .prop_map(|(n, text, owner, due, reference)| Command::ActionEdit {
                n,
                text,
                owner,
                due,
                reference,
            }),
        Just(Command::ActionList),
    ]
}

fn review() -> impl Strategy<Value = Command> {
    prop_oneof![
        paragraph().prop_map(|text| Command::WhyAdd { text }),
        (n(), paragraph()).prop_map(|(n, text)| Command::WhyEdit { n, text }),
        n().prop_map(|n| Command::WhyRemove { n }),
        paragraph().prop_map(|text| Command::RootCause { text }),
        (
            line(),
            word(ControlType::ALL),
            word(ControlOutcome::ALL),
            prop::option::of(paragraph())
        )
            .prop_map(|(name, kind, outcome, note)| Command::ControlAdd {
                name,
                kind,
                outcome,
                note
            }),
        (
            n(),
            prop::option::of(line()),
            prop::option::of(word(ControlType::ALL)),
            prop::option::of(word(ControlOutcome::ALL)),
            prop::option::of(paragraph()),
        )
            .prop_filter("something to change", |(_, a, b, c, d)| {
                a.is_some() || b.is_some() || c.is_some() || d.is_some()
            })
            .prop_map(|(n, name, kind, outcome, note)| Command::ControlEdit {
                n,
                name,
                kind,
                outcome,
                note,
            }),
        n().prop_map(|n| Command::ControlRemove { n }),
        (line(), line()).prop_map(|(label, reference)| Command::LinkAdd { label, reference }),
        n().prop_map(|n| Command::LinkRemove { n }),
        Just(Command::PostmortemPreview),
        Just(Command::PostmortemPublish),
    ]
}

/// Any typed command, with values a parser could have produced.
pub(super) fn command() -> impl Strategy<Value = Command> {
    prop_oneof![incident(), timeline(), actions(), review()]
}
