//! `/incident open` and `/incident set`.

use super::choices::{Choice, Status};
use super::{Ctx, Outcome, answer, given, group};
use crate::discord::queries::severities;

/// Incident commands
#[poise::command(slash_command, subcommands("open", "set"))]
pub(super) async fn incident(ctx: Ctx<'_>) -> Outcome {
    group(ctx).await
}

/// Bind this channel to a new incident and record it
#[poise::command(slash_command)]
async fn open(
    ctx: Ctx<'_>,
    #[description = "incident id, like INC-2417"] id: String,
    #[description = "a short title"] title: String,
    #[description = "severity from the configured list"]
    #[autocomplete = "severities"]
    severity: String,
    #[description = "incident commander: a name or @mention"] commander: Option<String>,
    #[description = "read earlier messages from this time (default: 24 h)"] since: Option<String>,
) -> Outcome {
    let options = given![
        "id" => id, "title" => title, "severity" => severity,
        "commander" => commander, "since" => since,
    ];
    answer(ctx, options).await
}

/// Change incident fields; without options, opens the summary form
#[poise::command(slash_command)]
async fn set(
    ctx: Ctx<'_>,
    #[description = "a short title"] title: Option<String>,
    #[description = "severity from the configured list"]
    #[autocomplete = "severities"]
    severity: Option<String>,
    #[description = "the summary paragraph"]
    #[max_length = 4000]
    summary: Option<String>,
    #[description = "incident commander: a name or @mention"] commander: Option<String>,
    #[description = "active reopens"] status: Option<Choice<Status>>,
) -> Outcome {
    let options = given![
        "title" => title, "severity" => severity, "summary" => summary,
        "commander" => commander, "status" => status,
    ];
    answer(ctx, options).await
}
