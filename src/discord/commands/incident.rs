//! `/incident open` and `/incident set`.

use super::Field::{Choice, Line, Paragraph, Person, Severity, Time};
use super::{Slash, opt, req};

pub(super) const SLASH: &[Slash] = &[
    Slash {
        path: &["incident", "open"],
        core: &["incident", "open"],
        about: "Bind this channel to a new incident and record it",
        params: &[
            req("id", Line, "incident id, like INC-2417"),
            req("title", Line, "a short title"),
            req("severity", Severity, "severity from the configured list"),
            opt(
                "commander",
                Person,
                "incident commander: a name or @mention",
            ),
            opt(
                "since",
                Time,
                "read earlier messages from this time (default: 24 h)",
            ),
        ],
        form: None,
    },
    Slash {
        path: &["incident", "set"],
        core: &["incident", "set"],
        about: "Change incident fields; without options, opens the summary form",
        params: &[
            opt("title", Line, "a short title"),
            opt("severity", Severity, "severity from the configured list"),
            opt("summary", Paragraph, "the summary paragraph"),
            opt(
                "commander",
                Person,
                "incident commander: a name or @mention",
            ),
            opt("status", Choice(&["active", "published"]), "active reopens"),
        ],
        form: Some("summary"),
    },
];
