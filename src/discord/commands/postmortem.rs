//! `/postmortem preview` and `/postmortem publish`.

use super::Slash;

pub(super) const SLASH: &[Slash] = &[
    Slash {
        path: &["postmortem", "preview"],
        core: &["postmortem", "preview"],
        about: "Render the record now, for you only, with warnings",
        params: &[],
        form: None,
    },
    Slash {
        path: &["postmortem", "publish"],
        core: &["postmortem", "publish"],
        about: "Render and post the record (commander or publisher)",
        params: &[],
        form: None,
    },
];
