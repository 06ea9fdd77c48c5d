//! poise's side of the bot: the commands it dispatches and what a
//! caller is told when poise itself cannot run one. Faults inside a
//! command are answered where they happen (they know whether the answer
//! was deferred); what reaches [`on_error`] failed before or around it.

use std::sync::Arc;

use poise::{CommandInteractionType, FrameworkError};
use serenity::all as dc;

use super::bot::{Bot, fault};
use super::commands::{self, Ctx};

/// The framework serenity hands every event to; it answers the slash
/// commands, menus and autocomplete, with `bot` as their shared data.
pub fn framework(bot: Arc<Bot>) -> poise::Framework<Arc<Bot>, anyhow::Error> {
    let options = poise::FrameworkOptions {
        commands: commands::all(),
        on_error: |error| Box::pin(on_error(error)),
        // Scribe has no owner commands; asking Discord who owns the
        // application would only add a request at every start.
        initialize_owners: false,
        allowed_mentions: Some(dc::CreateAllowedMentions::new()),
        ..Default::default()
    };
    poise::Framework::builder()
        .options(options)
        .setup(move |_, _, _| Box::pin(async move { Ok(bot) }))
        .build()
}

type Failure<'a> = FrameworkError<'a, Arc<Bot>, anyhow::Error>;

/// Tells the caller why their command did not run, in a sentence that
/// says what would; internal faults get a reference instead.
async fn on_error(error: Failure<'_>) {
    let (ctx, text) = match error {
        FrameworkError::Command { error, ctx, .. } => {
            (ctx, super::bot::fault_text(&fault(&error, "a command")))
        }
        FrameworkError::CommandPanic { payload, ctx, .. } => {
            let error = anyhow::anyhow!(payload.unwrap_or_default()).context("a command panicked");
            (ctx, super::bot::fault_text(&fault(&error, "a command")))
        }
        FrameworkError::ArgumentParse { input, ctx, .. } => (ctx, unreadable(input.as_deref())),
        FrameworkError::CommandStructureMismatch {
            description, ctx, ..
        } => {
            tracing::warn!(command = %ctx.command().qualified_name, description, "stale command");
            (ctx.into(), stale(&ctx))
        }
        FrameworkError::UnknownInteraction {
            framework,
            interaction,
            ..
        } => {
            // Suggestions for a command Scribe lacks: nothing to offer.
            if interaction.data.autocomplete().is_some() {
                return;
            }
            let text = format!(
                "\"/{}\" is not a Scribe command; type / to see the ones it has",
                interaction.data.name
            );
            return private(framework.serenity_context, interaction, &text).await;
        }
        // Checks Scribe does not set (owners, cooldowns, permissions
        // poise would test): reaching one is a fault of Scribe's.
        other => {
            let error = anyhow::anyhow!(other.to_string());
            let reference = fault(&error, "poise refused a command");
            match other.ctx() {
                Some(ctx) => (ctx, super::bot::fault_text(&reference)),
                None => return,
            }
        }
    };
    if let poise::Context::Application(app) = ctx
        && app.interaction_type == CommandInteractionType::Command
    {
        private(app.serenity_context(), app.interaction, &text).await;
    }
}

/// An option value poise could not read: Discord's client only sends
/// such a value for a command registered differently than now.
fn unreadable(input: Option<&str>) -> String {
    let value = input.map_or(String::new(), |v| format!(" {v:?}"));
    format!(
        "Scribe could not read the value{value} of one of the options; \
         pick the command again from the / menu and fill in each option"
    )
}

fn stale(ctx: &Ctx<'_>) -> String {
    format!(
        "\"/{}\" was sent with options Scribe no longer has; pick it again from \
         the / menu, and if this keeps happening ask the operator to restart Scribe",
        ctx.command().qualified_name
    )
}

/// Answers only the caller; when the command was already answered (a
/// fault after "thinking…"), the answer is replaced instead.
async fn private(ctx: &dc::Context, i: &dc::CommandInteraction, text: &str) {
    let message = dc::CreateInteractionResponseMessage::new()
        .content(super::reply::fit(text))
        .ephemeral(true);
    let response = dc::CreateInteractionResponse::Message(message);
    if i.create_response(&ctx.http, response).await.is_ok() {
        return;
    }
    let edit = dc::EditInteractionResponse::new().content(super::reply::fit(text));
    if let Err(e) = i.edit_response(&ctx.http, edit).await {
        tracing::warn!(interaction = %i.id, error = %e, "error answer not delivered");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_value_is_quoted_and_the_fix_given() {
        let text = unreadable(Some("tomorrow"));
        assert!(text.contains("\"tomorrow\""), "{text}");
        assert!(text.contains("/ menu"));
        assert!(!unreadable(None).contains("\"\""));
    }
}
