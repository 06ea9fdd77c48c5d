//! `/action`: the remediation checklist.

use super::Field::{Date, Line, Number, Paragraph, Person};
use super::{N, Slash, opt, req};

pub(super) const SLASH: &[Slash] = &[
    Slash {
        path: &["action", "add"],
        core: &["action", "add"],
        about: "Add a remediation item",
        params: &[
            req("text", Paragraph, "what will be done"),
            req("owner", Person, "who owns it: a name or @mention"),
            req("due", Date, "due date, YYYY-MM-DD"),
            opt("ref", Line, "ticket or PR reference"),
        ],
        form: None,
    },
    Slash {
        path: &["action", "done"],
        core: &["action", "done"],
        about: "Mark an item done",
        params: N,
        form: None,
    },
    Slash {
        path: &["action", "wontdo"],
        core: &["action", "wontdo"],
        about: "Mark an item won't do",
        params: N,
        form: None,
    },
    Slash {
        path: &["action", "reopen"],
        core: &["action", "reopen"],
        about: "Reopen an item",
        params: N,
        form: None,
    },
    Slash {
        path: &["action", "remove"],
        core: &["action", "remove"],
        about: "Remove an item",
        params: N,
        form: None,
    },
    Slash {
        path: &["action", "edit"],
        core: &["action", "edit"],
        about: "Change an item",
        params: &[
            req("n", Number, "the item number"),
            opt("text", Paragraph, "new text"),
            opt("owner", Person, "new owner"),
            opt("due", Date, "new due date, YYYY-MM-DD"),
            opt("ref", Line, "new reference"),
        ],
        form: None,
    },
    Slash {
        path: &["action", "list"],
        core: &["action", "list"],
        about: "List the items (only you see it)",
        params: &[],
        form: None,
    },
];
