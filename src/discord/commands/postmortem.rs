//! `/postmortem preview` and `/postmortem publish`.

use super::{Ctx, Outcome, answer, given, group};

/// Post-mortem commands
#[poise::command(slash_command, subcommands("preview", "publish"))]
pub(super) async fn postmortem(ctx: Ctx<'_>) -> Outcome {
    group(ctx).await
}

/// Render the record now, for you only, with warnings
#[poise::command(slash_command)]
async fn preview(ctx: Ctx<'_>) -> Outcome {
    answer(ctx, given![]).await
}

/// Render and post the record (commander or publisher)
#[poise::command(slash_command)]
async fn publish(ctx: Ctx<'_>) -> Outcome {
    answer(ctx, given![]).await
}
