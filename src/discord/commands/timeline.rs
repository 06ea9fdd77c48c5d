//! What builds the timeline: `/phase`, `/event`, `/mark`.

use super::Field::{Choice, Paragraph, Time};
use super::{N, Slash, opt, req};

const PHASES: &[&str] = &["detect", "escalate", "mitigate", "resolve"];
const MARKS: &[&str] = &[
    "started",
    "detected",
    "acknowledged",
    "mitigated",
    "resolved",
];

pub(super) const SLASH: &[Slash] = &[
    Slash {
        path: &["phase"],
        core: &["phase"],
        about: "Record a phase change",
        params: &[
            req("phase", Choice(PHASES), "the phase entered"),
            opt(
                "at",
                Time,
                "when, if not now: 04:51, -15m, 2026-06-03 04:51",
            ),
        ],
        form: None,
    },
    Slash {
        path: &["event", "add"],
        core: &["event"],
        about: "Add a timeline entry with an explicit time",
        params: &[
            req("text", Paragraph, "what happened"),
            opt("at", Time, "when: 04:51, -15m, 2026-06-03 04:51"),
            opt(
                "phase",
                Choice(PHASES),
                "its phase, if not the one in force",
            ),
            opt("key", Choice(&["yes", "no"]), "a key event (default yes)"),
        ],
        form: None,
    },
    Slash {
        path: &["event", "edit"],
        core: &["event", "edit"],
        about: "Correct a timeline entry",
        params: &[
            req("n", super::Field::Number, "the event number"),
            opt("text", Paragraph, "new text"),
            opt("at", Time, "new time"),
            opt("phase", Choice(PHASES), "new phase"),
        ],
        form: None,
    },
    Slash {
        path: &["event", "remove"],
        core: &["event", "remove"],
        about: "Remove a timeline entry",
        params: N,
        form: None,
    },
    Slash {
        path: &["mark"],
        core: &["mark"],
        about: "Set a metric mark",
        params: &[
            req("mark", Choice(MARKS), "which mark"),
            opt("at", Time, "when, if not now"),
        ],
        form: None,
    },
];
