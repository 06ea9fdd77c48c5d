//! The closed lists offered as choices. poise registers each choice
//! with its index as the value; the word it names is what the
//! annotation language reads.

use poise::ChoiceParameter;

use super::Text;

/// A phase of the incident.
#[derive(Debug, Clone, Copy, ChoiceParameter)]
pub enum Phase {
    #[name = "detect"]
    Detect,
    #[name = "escalate"]
    Escalate,
    #[name = "mitigate"]
    Mitigate,
    #[name = "resolve"]
    Resolve,
}

/// A metric mark.
#[derive(Debug, Clone, Copy, ChoiceParameter)]
pub enum Mark {
    #[name = "started"]
    Started,
    #[name = "detected"]
    Detected,
    #[name = "acknowledged"]
    Acknowledged,
    #[name = "mitigated"]
    Mitigated,
    #[name = "resolved"]
    Resolved,
}

/// What a control is for.
#[derive(Debug, Clone, Copy, ChoiceParameter)]
pub enum ControlType {
    #[name = "preventive"]
    Preventive,
    #[name = "detective"]
    Detective,
    #[name = "containment"]
    Containment,
}

/// How a control did.
#[derive(Debug, Clone, Copy, ChoiceParameter)]
pub enum ControlOutcome {
    #[name = "worked"]
    Worked,
    #[name = "missed"]
    Missed,
    #[name = "failed"]
    Failed,
}

/// Whether an event is a key event.
#[derive(Debug, Clone, Copy, ChoiceParameter)]
pub enum YesNo {
    #[name = "yes"]
    Yes,
    #[name = "no"]
    No,
}

/// An incident's status; `active` reopens a published one.
#[derive(Debug, Clone, Copy, ChoiceParameter)]
pub enum Status {
    #[name = "active"]
    Active,
    #[name = "published"]
    Published,
}

/// A choice is given as the word it names.
macro_rules! words {
    ($($choice:ty),*) => {$(
        impl Text for $choice {
            fn text(self) -> Option<String> {
                Some(self.name().to_string())
            }
        }
    )*};
}
words!(Phase, Mark, ControlType, ControlOutcome, YesNo, Status);
