//! `/impact`: when impact began and ended, the statement and the cards.

use super::Field::{Line, Paragraph, Time};
use super::{N, Slash, opt, req};

const AT: &[super::Param] = &[opt("at", Time, "when, if not now")];

pub(super) const SLASH: &[Slash] = &[
    Slash {
        path: &["impact", "start"],
        core: &["impact", "start"],
        about: "Customer impact began (sets the started mark)",
        params: AT,
        form: None,
    },
    Slash {
        path: &["impact", "end"],
        core: &["impact", "end"],
        about: "Customer impact ended",
        params: AT,
        form: None,
    },
    Slash {
        path: &["impact", "customers"],
        core: &["impact", "customers"],
        about: "The customer-impact statement; without text, opens a form",
        params: &[req("text", Paragraph, "what customers saw")],
        form: Some("text"),
    },
    Slash {
        path: &["impact", "card", "add"],
        core: &["impact", "card"],
        about: "Add an impact card",
        params: &[
            req("label", Line, "what is counted, like Duplicate drafts"),
            req("value", Line, "the figure, like 1,842"),
        ],
        form: None,
    },
    Slash {
        path: &["impact", "card", "remove"],
        core: &["impact", "card", "remove"],
        about: "Remove an impact card",
        params: N,
        form: None,
    },
];
