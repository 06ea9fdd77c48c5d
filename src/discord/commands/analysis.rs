//! The analysis: `/why`, `/rootcause`, `/control` and `/link`.

use super::Field::{Choice, Line, Number, Paragraph};
use super::{N, Slash, opt, req};

const TYPES: &[&str] = &["preventive", "detective", "containment"];
const OUTCOMES: &[&str] = &["worked", "missed", "failed"];

pub(super) const SLASH: &[Slash] = &[
    Slash {
        path: &["why", "add"],
        core: &["why", "add"],
        about: "Add the next why of the chain",
        params: &[req("text", Paragraph, "the answer to why")],
        form: None,
    },
    Slash {
        path: &["why", "edit"],
        core: &["why", "edit"],
        about: "Change a why",
        params: &[
            req("n", Number, "the why number"),
            req("text", Paragraph, "new text"),
        ],
        form: None,
    },
    Slash {
        path: &["why", "remove"],
        core: &["why", "remove"],
        about: "Remove a why",
        params: N,
        form: None,
    },
    Slash {
        path: &["rootcause"],
        core: &["rootcause"],
        about: "The root-cause statement; without text, opens a form",
        params: &[req("text", Paragraph, "the root cause")],
        form: Some("text"),
    },
    Slash {
        path: &["control", "add"],
        core: &["control", "add"],
        about: "Add a row to the controls table",
        params: &[
            req("name", Line, "the control"),
            req("type", Choice(TYPES), "what it is for"),
            req("outcome", Choice(OUTCOMES), "how it did"),
            opt("note", Paragraph, "a note"),
        ],
        form: None,
    },
    Slash {
        path: &["control", "edit"],
        core: &["control", "edit"],
        about: "Change a control",
        params: &[
            req("n", Number, "the control number"),
            opt("name", Line, "new name"),
            opt("type", Choice(TYPES), "new type"),
            opt("outcome", Choice(OUTCOMES), "new outcome"),
            opt("note", Paragraph, "new note"),
        ],
        form: None,
    },
    Slash {
        path: &["control", "remove"],
        core: &["control", "remove"],
        about: "Remove a control",
        params: N,
        form: None,
    },
    Slash {
        path: &["link", "add"],
        core: &["link", "add"],
        about: "Add a related ticket, PR or incident",
        params: &[
            req("label", Line, "what it is"),
            req("ref", Line, "the reference or URL"),
        ],
        form: None,
    },
    Slash {
        path: &["link", "remove"],
        core: &["link", "remove"],
        about: "Remove a related reference",
        params: N,
        form: None,
    },
];
