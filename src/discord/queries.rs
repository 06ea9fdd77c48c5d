//! Answers that change nothing: `/action list` and autocomplete.

use serenity::all as dc;

use super::bot::{Bot, fault};
use super::commands::Ctx;
use super::interactions::{Caller, Reply, incident_or_say};
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

/// Suggests item numbers for the command being typed, with their text,
/// from the incident of its channel.
pub(super) async fn item_numbers(ctx: Ctx<'_>, typed: &str) -> dc::CreateAutocompleteResponse {
    let bot: &Bot = ctx.data();
    let _busy = bot.busy();
    let path: Vec<String> = ctx
        .command()
        .qualified_name
        .split(' ')
        .map(String::from)
        .collect();
    let choices = numbers(bot, ctx.serenity_context(), ctx.interaction, &path, typed)
        .await
        .into_iter()
        .map(|c| dc::AutocompleteChoice::new(c.name, c.value))
        .collect();
    dc::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Suggests the configured severities that start with what was typed.
pub(super) async fn severities(ctx: Ctx<'_>, typed: &str) -> dc::CreateAutocompleteResponse {
    let choices = suggest::severities(&ctx.data().settings.record.severities, typed)
        .into_iter()
        .map(|c| dc::AutocompleteChoice::new(c.name, c.value))
        .collect();
    dc::CreateAutocompleteResponse::new().set_choices(choices)
}

/// The items `typed` may pick under `path`; none when the channel has
/// no incident or its ledger cannot be read (logged).
async fn numbers(
    bot: &Bot,
    ctx: &dc::Context,
    i: &dc::CommandInteraction,
    path: &[String],
    typed: &str,
) -> Vec<suggest::Choice<u32>> {
    let read = async {
        let Some(id) = bot.incident_of(ctx, i.channel_id).await? else {
            return Ok(None);
        };
        let ledger = bot
            .with(move |r| Ok(crate::ledger::Ledger::replay(&r.dossier(&id)?)))
            .await?;
        anyhow::Ok(Some(ledger))
    };
    match read.await {
        Ok(Some(ledger)) => suggest::numbers(&ledger, path, typed),
        Ok(None) => Vec::new(),
        Err(e) => {
            fault(&e, "autocomplete");
            Vec::new()
        }
    }
}
