//! Replays annotations into the incident's current state.
