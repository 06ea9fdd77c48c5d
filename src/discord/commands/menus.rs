//! The two message context menus.

use serenity::all::{CommandType, CreateCommand};

/// The menu that makes a message a key event.
pub const TIMELINE: &str = "Add to timeline";
/// The menu that takes a message as a log excerpt.
pub const LOG_EXCERPT: &str = "Add as log excerpt";

pub(super) fn definitions() -> Vec<CreateCommand> {
    [TIMELINE, LOG_EXCERPT]
        .into_iter()
        .map(|name| CreateCommand::new(name).kind(CommandType::Message))
        .collect()
}
