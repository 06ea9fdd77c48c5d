//! `/impact`: when impact began and ended, the statement and the cards.

use super::{Ctx, Outcome, answer, given, group, numbered};

/// Customer impact commands
#[poise::command(slash_command, subcommands("start", "end", "customers", "card"))]
pub(super) async fn impact(ctx: Ctx<'_>) -> Outcome {
    group(ctx).await
}

/// Customer impact began (sets the started mark)
#[poise::command(slash_command)]
async fn start(ctx: Ctx<'_>, #[description = "when, if not now"] at: Option<String>) -> Outcome {
    answer(ctx, given!["at" => at]).await
}

/// Customer impact ended
#[poise::command(slash_command)]
async fn end(ctx: Ctx<'_>, #[description = "when, if not now"] at: Option<String>) -> Outcome {
    answer(ctx, given!["at" => at]).await
}

/// The customer-impact statement; without text, opens a form
#[poise::command(slash_command)]
async fn customers(
    ctx: Ctx<'_>,
    #[description = "what customers saw"]
    #[max_length = 4000]
    text: Option<String>,
) -> Outcome {
    answer(ctx, given!["text" => text]).await
}

/// Impact card commands
#[poise::command(slash_command, subcommands("card_add", "card_remove"))]
async fn card(ctx: Ctx<'_>) -> Outcome {
    group(ctx).await
}

/// Add an impact card
#[poise::command(slash_command, rename = "add")]
async fn card_add(
    ctx: Ctx<'_>,
    #[description = "what is counted, like Duplicate drafts"] label: String,
    #[description = "the figure, like 1,842"] value: String,
) -> Outcome {
    answer(ctx, given!["label" => label, "value" => value]).await
}

numbered!(
    card_remove,
    "remove",
    "Remove an impact card",
    "the card number"
);
