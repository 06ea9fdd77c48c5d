//! Answers that change nothing: `/action list` and autocomplete.

use serenity::all as dc;

use super::bot::{Bot, fault};
use super::interactions::{Caller, Reply, incident_or_say};
use super::options::Invocation;
use super::suggest;

/// `/action list`, only for the caller.
pub(super) async fn list_actions(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
) -> anyhow::Result<()> {
    let Some(id) = incident_or_say(bot, ctx, caller, reply).await? else {
        return Ok(());
    };
    let key = id.clone();
    let ledger = bot
        .with(move |r| Ok(crate::ledger::Ledger::replay(&r.dossier(&key)?)))
        .await?;
    let lines: Vec<String> = ledger
        .actions
        .iter()
        .map(|a| {
            format!(
                "{}. {} · {} · due {} · {}",
                a.n,
                a.text,
                a.owner.name,
                a.due,
                a.status.as_str()
            )
        })
        .collect();
    let text = match lines.is_empty() {
        true => format!("{id} has no actions yet: add one with /action add"),
        false => lines.join("\n"),
    };
    reply.private(ctx, &text).await;
    Ok(())
}

/// Suggestions for numbers and severities.
pub(super) async fn autocomplete(bot: &Bot, ctx: &dc::Context, i: &dc::CommandInteraction) {
    let invocation = Invocation::read(&i.data);
    let Some((name, typed)) = invocation.focused.clone() else {
        return;
    };
    let choices = match name.as_str() {
        "severity" => suggest::severities(&bot.settings.record.severities, &typed),
        _ => numbers(bot, ctx, i, &invocation.path, &typed).await,
    };
    let is_number = name == "n";
    let choices = choices
        .into_iter()
        .map(|c| match (is_number, c.value.parse::<i64>()) {
            (true, Ok(n)) => dc::AutocompleteChoice::new(c.name, n),
            _ => dc::AutocompleteChoice::new(c.name, c.value),
        })
        .collect();
    let response = dc::CreateAutocompleteResponse::new().set_choices(choices);
    if let Err(e) = i
        .create_response(
            &ctx.http,
            dc::CreateInteractionResponse::Autocomplete(response),
        )
        .await
    {
        tracing::debug!(error = %e, "autocomplete not accepted");
    }
}

async fn numbers(
    bot: &Bot,
    ctx: &dc::Context,
    i: &dc::CommandInteraction,
    path: &[String],
    typed: &str,
) -> Vec<suggest::Choice> {
    let Ok(Some(id)) = bot.incident_of(ctx, i.channel_id).await else {
        return Vec::new();
    };
    let ledger = bot
        .with(move |r| Ok(crate::ledger::Ledger::replay(&r.dossier(&id)?)))
        .await;
    match ledger {
        Ok(ledger) => suggest::numbers(&ledger, path, typed),
        Err(e) => {
            fault(&e, "autocomplete");
            Vec::new()
        }
    }
}
