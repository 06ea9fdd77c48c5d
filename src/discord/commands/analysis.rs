//! The analysis: `/why`, `/rootcause`, `/control` and `/link`.

use super::choices::{Choice, ControlOutcome, ControlType};
use super::{Ctx, Outcome, answer, given, group, numbered};
use crate::discord::queries::item_numbers;

/// Five-whys commands
#[poise::command(slash_command, subcommands("why_add", "why_edit", "why_remove"))]
pub(super) async fn why(ctx: Ctx<'_>) -> Outcome {
    group(ctx).await
}

/// Add the next why of the chain
#[poise::command(slash_command, rename = "add")]
async fn why_add(
    ctx: Ctx<'_>,
    #[description = "the answer to why"]
    #[max_length = 4000]
    text: String,
) -> Outcome {
    answer(ctx, given!["text" => text]).await
}

/// Change a why
#[poise::command(slash_command, rename = "edit")]
async fn why_edit(
    ctx: Ctx<'_>,
    #[description = "the why number"]
    #[min = 1]
    #[autocomplete = "item_numbers"]
    n: i64,
    #[description = "new text"]
    #[max_length = 4000]
    text: String,
) -> Outcome {
    answer(ctx, given!["n" => n, "text" => text]).await
}

numbered!(why_remove, "remove", "Remove a why", "the why number");

/// The root-cause statement; without text, opens a form
#[poise::command(slash_command)]
pub(super) async fn rootcause(
    ctx: Ctx<'_>,
    #[description = "the root cause"]
    #[max_length = 4000]
    text: Option<String>,
) -> Outcome {
    answer(ctx, given!["text" => text]).await
}

/// Controls table commands
#[poise::command(
    slash_command,
    subcommands("control_add", "control_edit", "control_remove")
)]
pub(super) async fn control(ctx: Ctx<'_>) -> Outcome {
    group(ctx).await
}

/// Add a row to the controls table
#[poise::command(slash_command, rename = "add")]
async fn control_add(
    ctx: Ctx<'_>,
    #[description = "the control"] name: String,
    #[description = "what it is for"]
    #[rename = "type"]
    kind: Choice<ControlType>,
    #[description = "how it did"] outcome: Choice<ControlOutcome>,
    #[description = "a note"]
    #[max_length = 4000]
    note: Option<String>,
) -> Outcome {
    let options = given![
        "name" => name, "type" => kind, "outcome" => outcome, "note" => note,
    ];
    answer(ctx, options).await
}

/// Change a control
#[poise::command(slash_command, rename = "edit")]
async fn control_edit(
    ctx: Ctx<'_>,
    #[description = "the control number"]
    #[min = 1]
    #[autocomplete = "item_numbers"]
    n: i64,
    #[description = "new name"] name: Option<String>,
    #[description = "new type"]
    #[rename = "type"]
    kind: Option<Choice<ControlType>>,
    #[description = "new outcome"] outcome: Option<Choice<ControlOutcome>>,
    #[description = "new note"]
    #[max_length = 4000]
    note: Option<String>,
) -> Outcome {
    let options = given![
        "n" => n, "name" => name, "type" => kind, "outcome" => outcome, "note" => note,
    ];
    answer(ctx, options).await
}

numbered!(
    control_remove,
    "remove",
    "Remove a control",
    "the control number"
);

/// Related ticket, PR and incident commands
#[poise::command(slash_command, subcommands("link_add", "link_remove"))]
pub(super) async fn link(ctx: Ctx<'_>) -> Outcome {
    group(ctx).await
}

/// Add a related ticket, PR or incident
#[poise::command(slash_command, rename = "add")]
async fn link_add(
    ctx: Ctx<'_>,
    #[description = "what it is"] label: String,
    #[description = "the reference or URL"]
    #[rename = "ref"]
    reference: String,
) -> Outcome {
    answer(ctx, given!["label" => label, "ref" => reference]).await
}

numbered!(
    link_remove,
    "remove",
    "Remove a related reference",
    "the link number"
);
