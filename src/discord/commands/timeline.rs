//! What builds the timeline: `/phase`, `/event`, `/mark`.

use super::choices::{Choice, Mark, Phase, YesNo};
use super::{Ctx, Outcome, answer, given, group, numbered};
use crate::discord::queries::item_numbers;

/// Record a phase change
#[poise::command(slash_command)]
pub(super) async fn phase(
    ctx: Ctx<'_>,
    #[description = "the phase entered"] phase: Choice<Phase>,
    #[description = "when, if not now: 04:51, -15m, 2026-06-03 04:51"] at: Option<String>,
) -> Outcome {
    answer(ctx, given!["phase" => phase, "at" => at]).await
}

/// Timeline entry commands
#[poise::command(slash_command, subcommands("event_add", "event_edit", "event_remove"))]
pub(super) async fn event(ctx: Ctx<'_>) -> Outcome {
    group(ctx).await
}

/// Add a timeline entry with an explicit time
#[poise::command(slash_command, rename = "add")]
async fn event_add(
    ctx: Ctx<'_>,
    #[description = "what happened"]
    #[max_length = 4000]
    text: String,
    #[description = "when: 04:51, -15m, 2026-06-03 04:51"] at: Option<String>,
    #[description = "its phase, if not the one in force"] phase: Option<Choice<Phase>>,
    #[description = "a key event (default yes)"] key: Option<Choice<YesNo>>,
) -> Outcome {
    let options = given!["text" => text, "at" => at, "phase" => phase, "key" => key];
    answer(ctx, options).await
}

/// Correct a timeline entry
#[poise::command(slash_command, rename = "edit")]
async fn event_edit(
    ctx: Ctx<'_>,
    #[description = "the event number"]
    #[min = 1]
    #[autocomplete = "item_numbers"]
    n: i64,
    #[description = "new text"]
    #[max_length = 4000]
    text: Option<String>,
    #[description = "new time"] at: Option<String>,
    #[description = "new phase"] phase: Option<Choice<Phase>>,
) -> Outcome {
    let options = given!["n" => n, "text" => text, "at" => at, "phase" => phase];
    answer(ctx, options).await
}

numbered!(
    event_remove,
    "remove",
    "Remove a timeline entry",
    "the event number"
);

/// Set a metric mark
#[poise::command(slash_command)]
pub(super) async fn mark(
    ctx: Ctx<'_>,
    #[description = "which mark"] mark: Choice<Mark>,
    #[description = "when, if not now"] at: Option<String>,
) -> Outcome {
    answer(ctx, given!["mark" => mark, "at" => at]).await
}
