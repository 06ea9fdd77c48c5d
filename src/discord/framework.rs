//! poise's side of the bot: the commands it dispatches and what a
//! caller is told when poise itself cannot run one. Scribe's commands
//! answer their own faults (only they know whether they deferred), so
//! what reaches [`on_error`] went wrong before or around them.

use std::sync::Arc;

use poise::{CommandInteractionType, FrameworkError};

use super::bot::{Bot, fault, fault_text};
use super::commands::{self, Ctx};
use super::interactions::Reply;

/// The framework serenity hands every event to; it answers the slash
/// commands, menus and autocomplete, with `bot` as their shared data.
pub fn framework(bot: Arc<Bot>) -> poise::Framework<Arc<Bot>, anyhow::Error> {
    let options = poise::FrameworkOptions {
        commands: commands::all(),
        on_error: |error| Box::pin(on_error(error)),
        // Chat is recorded, never read as commands by poise: typed
        // commands go through the annotation parser. With a mention as
        // prefix, every "@Scribe …" message would be an unknown command.
        prefix_options: poise::PrefixFrameworkOptions {
            mention_as_prefix: false,
            ..Default::default()
        },
        // Scribe has no owner commands; asking Discord who owns the
        // application would only add a request at every start.
        initialize_owners: false,
        ..Default::default()
    };
    poise::Framework::builder()
        .options(options)
        .setup(move |_, _, _| Box::pin(async move { Ok(bot) }))
        .build()
}

type Failure<'a> = FrameworkError<'a, Arc<Bot>, anyhow::Error>;

/// Tells the caller why their command did not run, in a sentence that
/// says what would; faults get a reference instead. Nothing here logs a
/// poise error's text: it can carry a message or an option as typed.
async fn on_error(error: Failure<'_>) {
    let (ctx, text) = match error {
        FrameworkError::Command { error, ctx, .. } => {
            (ctx, fault_text(&fault(&error, "running a command")))
        }
        FrameworkError::CommandPanic { ctx, .. } => {
            let error = anyhow::anyhow!("a command panicked; its message is in the log above");
            (ctx, fault_text(&fault(&error, "running a command")))
        }
        FrameworkError::CommandStructureMismatch {
            description, ctx, ..
        } => {
            tracing::warn!(command = %ctx.command().qualified_name, description, "stale command");
            (ctx.into(), stale(&ctx))
        }
        FrameworkError::UnknownInteraction { interaction, .. } => {
            // Suggestions for a command Scribe lacks: nothing to offer.
            if interaction.data.autocomplete().is_some() {
                return;
            }
            let name = &interaction.data.name;
            tracing::warn!(command = %name, "unknown command");
            let (ctx, reply) = (error.serenity_context(), Reply::Command(interaction));
            let text =
                format!("\"/{name}\" is not a Scribe command; type / to see the ones it has");
            return reply.private_in_any_case(ctx, &text).await;
        }
        // Messages: poise reads none as commands (no prefix is set).
        FrameworkError::UnknownCommand { .. }
        | FrameworkError::NonCommandMessage { .. }
        | FrameworkError::DynamicPrefix { .. } => return,
        // Checks Scribe does not set (owners, cooldowns, permissions
        // poise would test): reaching one is a fault of Scribe's.
        other => {
            let error = anyhow::anyhow!("poise refused a command for a check Scribe does not set");
            let reference = fault(&error, "running a command");
            match other.ctx() {
                Some(ctx) => (ctx, fault_text(&reference)),
                None => return,
            }
        }
    };
    if let poise::Context::Application(app) = ctx
        && app.interaction_type == CommandInteractionType::Command
    {
        let reply = Reply::Command(app.interaction);
        reply
            .private_in_any_case(app.serenity_context(), &text)
            .await;
    }
}

/// A command whose options are not those Scribe registered: a client
/// that still holds an older registration, or a hand-built payload.
fn stale(ctx: &Ctx<'_>) -> String {
    format!(
        "\"/{}\" was sent with options Scribe no longer has; pick it again from \
         the / menu, and if this keeps happening ask the operator to restart Scribe",
        ctx.command().qualified_name
    )
}
