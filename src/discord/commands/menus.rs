//! The two message context menus.

use serenity::all::Message;

use super::{Ctx, Outcome};
use crate::model::{Command, Snowflake};

/// Makes the message a key event of the timeline.
#[poise::command(context_menu_command = "Add to timeline")]
pub(super) async fn add_to_timeline(ctx: Ctx<'_>, message: Message) -> Outcome {
    let mark = |message| Command::AddToTimeline { message };
    crate::discord::interactions::menu(ctx, Snowflake(message.id.get()), mark).await;
    Ok(())
}

/// Takes the message as a log excerpt.
#[poise::command(context_menu_command = "Add as log excerpt")]
pub(super) async fn add_as_log_excerpt(ctx: Ctx<'_>, message: Message) -> Outcome {
    let mark = |message| Command::AddLogExcerpt { message };
    crate::discord::interactions::menu(ctx, Snowflake(message.id.get()), mark).await;
    Ok(())
}
