//! `/incident open`: binds the channel to a new incident, then reads the
//! channel's earlier messages (24 hours, or from `since`) into it.

use std::collections::HashSet;

use chrono::Utc;
use serenity::all as dc;

use super::bot::Bot;
use super::history;
use super::interactions::{Caller, Reply, annotation, context};
use crate::annotate;
use crate::ingest::Input;
use crate::model::{Channel, Command, Snowflake};

/// How far back the history is read when `since` is not given.
const DEFAULT_LOOKBACK_HOURS: i64 = 24;

/// Opens the incident the options describe in the caller's channel.
pub(super) async fn open(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
    options: &[(String, String)],
) -> anyhow::Result<()> {
    let Some(command) = checked(bot, ctx, caller, reply, options).await? else {
        return Ok(());
    };
    if !matches!(command, Command::IncidentOpen { .. }) {
        anyhow::bail!("/incident open built {command:?}");
    }
    // Reading the history may take longer than Discord's 3 s.
    let work = open_deferred(bot, ctx, caller, reply, command);
    reply
        .deferred(ctx, false, "opening an incident", work)
        .await;
    Ok(())
}

async fn open_deferred(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
    command: Command,
) -> anyhow::Result<()> {
    let Command::IncidentOpen { id, since, .. } = command.clone() else {
        anyhow::bail!("/incident open built {command:?}");
    };
    let channel = channel_of(ctx, caller).await;
    let header = {
        let key = id.clone();
        bot.with(move |r| Ok(r.new_incident(key, None))).await?
    };
    let inputs = vec![
        Input::Channel(channel),
        Input::Command(annotation(caller, command.clone())),
    ];
    bot.ingest(&id, Some(header), inputs).await?;
    tracing::info!(incident = %id, channel = %caller.channel, "incident opened");
    let from =
        since.unwrap_or_else(|| Utc::now() - chrono::Duration::hours(DEFAULT_LOOKBACK_HOURS));
    let (raws, _) = history::read_channel(ctx, caller.channel, Snowflake::at(from)).await?;
    let mut read = Vec::new();
    for raw in raws.iter().filter(|m| bot.is_chat_of_others(m)) {
        let message = bot
            .read_message(ctx, raw, caller.guild, &HashSet::new())
            .await;
        read.push(message.into_input());
    }
    let report = bot.ingest(&id, None, read).await?;
    tracing::info!(incident = %id, messages = report.messages_added, "history read");
    super::memory::release();
    let tz = bot.zone_of(&id).await?;
    let text = super::reply::fit(&annotate::confirmation(&command, tz));
    reply
        .edit(ctx, dc::EditInteractionResponse::new().content(text))
        .await;
    Ok(())
}

/// The parsed command, once every check passed; otherwise the caller has
/// been told why and this gives `None`.
async fn checked(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
    options: &[(String, String)],
) -> anyhow::Result<Option<Command>> {
    if !bot.access.may_annotate(&caller.roles) {
        let text = "only members of the responder roles may open an incident";
        reply.private(ctx, text).await;
        return Ok(None);
    }
    if let Some(existing) = bot.incident_of(ctx, caller.channel).await? {
        let text = format!(
            "this channel already records {existing}: open a new incident in another channel"
        );
        reply.private(ctx, &text).await;
        return Ok(None);
    }
    let tz = annotate::zone(&bot.settings.timezone).unwrap_or(chrono_tz::UTC);
    let mentions = bot.mentioned(ctx, caller.guild, options).await;
    let parsed = annotate::parse_options(
        &["incident", "open"],
        options,
        &context(bot, caller, tz, &mentions),
    );
    let command = match parsed {
        Ok(command) => command,
        Err(e) => {
            reply.private(ctx, &e.0).await;
            return Ok(None);
        }
    };
    let Command::IncidentOpen { id, .. } = &command else {
        return Ok(None);
    };
    let key = id.clone();
    if bot
        .with(move |r| Ok(r.store().incident(&key)?))
        .await?
        .is_some()
    {
        let text = format!(
            "incident {id} already exists: choose another id, like {}",
            next_id(id)
        );
        reply.private(ctx, &text).await;
        return Ok(None);
    }
    Ok(Some(command))
}

/// The id with its number one higher, as a suggestion.
fn next_id(id: &crate::model::IncidentId) -> String {
    let (prefix, number) = id.as_str().rsplit_once('-').unwrap_or((id.as_str(), "0"));
    let next = number.parse::<u64>().map_or(1, |n| n.saturating_add(1));
    format!("{prefix}-{next}")
}

/// The channel as the record names it.
async fn channel_of(ctx: &dc::Context, caller: &Caller) -> Channel {
    let (name, topic) = match ctx.http.get_channel(caller.channel).await {
        Ok(dc::Channel::Guild(c)) => (c.name.clone(), c.topic.clone()),
        _ => (String::new(), None),
    };
    Channel {
        id: Snowflake(caller.channel.get()),
        name,
        topic,
        guild_id: caller.guild.map(|g| Snowflake(g.get())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suggested_id_is_the_next_number() {
        assert_eq!(next_id(&"INC-2417".parse().unwrap()), "INC-2418");
        assert_eq!(next_id(&"OPS2-0042".parse().unwrap()), "OPS2-43");
    }
}
