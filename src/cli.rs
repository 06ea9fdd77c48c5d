//! The operator commands behind `scribe`.
