//! `/action`: the remediation checklist.

use super::{Ctx, Outcome, answer, given, group, numbered};
use crate::discord::queries::item_numbers;

/// Remediation checklist commands
#[poise::command(
    slash_command,
    subcommands("add", "done", "wontdo", "reopen", "remove", "edit", "list")
)]
pub(super) async fn action(ctx: Ctx<'_>) -> Outcome {
    group(ctx).await
}

/// Add a remediation item
#[poise::command(slash_command)]
async fn add(
    ctx: Ctx<'_>,
    #[description = "what will be done"]
    #[max_length = 4000]
    text: String,
    #[description = "who owns it: a name or @mention"] owner: String,
    #[description = "due date, YYYY-MM-DD"] due: String,
    #[description = "ticket or PR reference"]
    #[rename = "ref"]
    reference: Option<String>,
) -> Outcome {
    let options = given![
        "text" => text, "owner" => owner, "due" => due, "ref" => reference,
    ];
    answer(ctx, options).await
}

numbered!(done, "done", "Mark an item done", "the item number");

numbered!(wontdo, "wontdo", "Mark an item won't do", "the item number");

numbered!(reopen, "reopen", "Reopen an item", "the item number");

numbered!(remove, "remove", "Remove an item", "the item number");

/// Change an item
#[poise::command(slash_command)]
async fn edit(
    ctx: Ctx<'_>,
    #[description = "the item number"]
    #[min = 1]
    #[autocomplete = "item_numbers"]
    n: i64,
    #[description = "new text"]
    #[max_length = 4000]
    text: Option<String>,
    #[description = "new owner"] owner: Option<String>,
    #[description = "new due date, YYYY-MM-DD"] due: Option<String>,
    #[description = "new reference"]
    #[rename = "ref"]
    reference: Option<String>,
) -> Outcome {
    let options = given![
        "n" => n, "text" => text, "owner" => owner, "due" => due, "ref" => reference,
    ];
    answer(ctx, options).await
}

/// List the items (only you see it)
#[poise::command(slash_command)]
async fn list(ctx: Ctx<'_>) -> Outcome {
    answer(ctx, given![]).await
}
