//! The small closed vocabularies of the annotation language.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::ModelError;

/// Declares a closed word list: parsing is case-insensitive and a bad
/// word is reported with the list of accepted ones.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word for this value, as typed and as stored.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl FromStr for $name {
            type Err = ModelError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let lower = s.trim().to_ascii_lowercase();
                $(if lower == $word { return Ok($name::$variant); })+
                Err(ModelError::Word {
                    what: $what,
                    value: s.chars().take(60).collect(),
                    accepted: vec![$($word),+].join(", "),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// A phase a responder can declare with `/phase`.
    Phase, "phase", {
        Detect => "detect",
        Escalate => "escalate",
        Mitigate => "mitigate",
        Resolve => "resolve",
    }
);

vocabulary!(
    /// The phase an entry is shown under: a declared phase, or the
    /// lead-up before the first `/phase`.
    PhaseTag, "phase", {
        LeadUp => "lead-up",
        Detect => "detect",
        Escalate => "escalate",
        Mitigate => "mitigate",
        Resolve => "resolve",
    }
);

impl From<Phase> for PhaseTag {
    fn from(p: Phase) -> Self {
        match p {
            Phase::Detect => PhaseTag::Detect,
            Phase::Escalate => PhaseTag::Escalate,
            Phase::Mitigate => PhaseTag::Mitigate,
            Phase::Resolve => PhaseTag::Resolve,
        }
    }
}

vocabulary!(
    /// A metric mark.
    Mark, "mark", {
        Started => "started",
        Detected => "detected",
        Acknowledged => "acknowledged",
        Mitigated => "mitigated",
        Resolved => "resolved",
    }
);

impl Mark {
    /// The phase whose first declaration sets this mark by default.
    pub fn default_phase(self) -> Option<Phase> {
        match self {
            Mark::Started => None,
            Mark::Detected => Some(Phase::Detect),
            Mark::Acknowledged => Some(Phase::Escalate),
            Mark::Mitigated => Some(Phase::Mitigate),
            Mark::Resolved => Some(Phase::Resolve),
        }
    }
}

vocabulary!(
    /// Where an incident is in its life.
    Status, "status", {
        Active => "active",
        Published => "published",
    }
);

vocabulary!(
    /// Where a remediation item stands.
    ActionStatus, "action status", {
        Open => "open",
        Done => "done",
        WontDo => "won't do",
    }
);

vocabulary!(
    /// What a control is for.
    ControlType, "control type", {
        Preventive => "preventive",
        Detective => "detective",
        Containment => "containment",
    }
);

vocabulary!(
    /// How a control did in this incident.
    ControlOutcome, "outcome", {
        Worked => "worked",
        Missed => "missed",
        Failed => "failed",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_parse_in_any_case_and_say_what_is_accepted() {
        assert_eq!("MITIGATE".parse::<Phase>().unwrap(), Phase::Mitigate);
        let err = "mitgate".parse::<Phase>().unwrap_err().to_string();
        assert!(err.contains("\"mitgate\""), "{err}");
        assert!(err.contains("detect, escalate, mitigate, resolve"), "{err}");
    }

    #[test]
    fn stored_words_match_typed_words() {
        let json = serde_json::to_string(&PhaseTag::LeadUp).unwrap();
        assert_eq!(json, "\"lead-up\"");
        assert_eq!(
            serde_json::to_string(&ActionStatus::WontDo).unwrap(),
            "\"wont-do\""
        );
    }
}
