//! What a slash command, message menu or form does once poise (or, for
//! a form's answer, the event handler) hands it over. Each becomes a
//! core command through [`crate::annotate::parse_options`] with the
//! interaction as its origin; user mistakes and refusals are answered
//! only to the caller, applied annotations in the channel.

use serenity::all as dc;

use super::bot::{Bot, fault, fault_text};
use super::commands::{self, Ctx};
use super::convert;
use crate::annotate::{self, Clock, Context};
use crate::ingest::Input;
use crate::model::{Annotation, Command, IncidentId, Origin, Person, Snowflake};

/// Where a form's answer goes: `scribe-form:<path>:<option>`.
const FORM_PREFIX: &str = "scribe-form";

/// Who acted, where, through which interaction.
pub(super) struct Caller {
    pub id: Snowflake,
    pub channel: dc::ChannelId,
    pub guild: Option<dc::GuildId>,
    pub person: Person,
    pub roles: Vec<u64>,
    /// What Discord lets this interaction upload, in bytes (0: unknown).
    pub upload_bytes: u64,
}

/// The interaction to answer.
#[derive(Clone, Copy)]
pub(super) enum Reply<'a> {
    Command(&'a dc::CommandInteraction),
    Modal(&'a dc::ModalInteraction),
}

impl Reply<'_> {
    async fn respond(self, ctx: &dc::Context, response: dc::CreateInteractionResponse) {
        let result = match self {
            Reply::Command(i) => i.create_response(&ctx.http, response).await,
            Reply::Modal(i) => i.create_response(&ctx.http, response).await,
        };
        if let Err(e) = result {
            // A replayed interaction was answered already: nothing to do.
            tracing::warn!(error = %e, "interaction response not accepted");
        }
    }

    pub(super) async fn edit(self, ctx: &dc::Context, edit: dc::EditInteractionResponse) {
        let result = match self {
            Reply::Command(i) => i.edit_response(&ctx.http, edit).await,
            Reply::Modal(i) => i.edit_response(&ctx.http, edit).await,
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "interaction response not edited");
        }
    }

    /// Says "thinking…" (work that may outlast Discord's 3 s), then does
    /// `work`, which finishes the answer by editing it. If `work` fails,
    /// the fault is logged with its chain and the caller sees a sentence
    /// with its reference instead.
    pub(super) async fn deferred(
        self,
        ctx: &dc::Context,
        private: bool,
        doing: &str,
        work: impl std::future::Future<Output = anyhow::Result<()>>,
    ) {
        self.defer(ctx, private).await;
        if let Err(e) = work.await {
            let text = fault_text(&fault(&e, doing));
            self.edit(ctx, dc::EditInteractionResponse::new().content(text))
                .await;
        }
    }

    /// A reply only the caller sees.
    pub(super) async fn private(self, ctx: &dc::Context, text: &str) {
        let message = dc::CreateInteractionResponseMessage::new()
            .content(super::reply::fit(text))
            .ephemeral(true);
        self.respond(ctx, dc::CreateInteractionResponse::Message(message))
            .await;
    }

    /// A reply only the caller sees, whether or not the interaction was
    /// answered already: a fault after a confirmation or a "thinking…"
    /// comes as a follow-up, so a public confirmation is never replaced.
    pub(super) async fn private_in_any_case(self, ctx: &dc::Context, text: &str) {
        let message = dc::CreateInteractionResponseMessage::new()
            .content(super::reply::fit(text))
            .ephemeral(true);
        let response = dc::CreateInteractionResponse::Message(message);
        let answered = match self {
            Reply::Command(i) => i.create_response(&ctx.http, response).await,
            Reply::Modal(i) => i.create_response(&ctx.http, response).await,
        };
        if answered.is_ok() {
            return;
        }
        let followup = dc::CreateInteractionResponseFollowup::new()
            .content(super::reply::fit(text))
            .ephemeral(true);
        let sent = match self {
            Reply::Command(i) => i.create_followup(&ctx.http, followup).await,
            Reply::Modal(i) => i.create_followup(&ctx.http, followup).await,
        };
        if let Err(e) = sent {
            tracing::warn!(error = %e, "private answer not delivered");
        }
    }

    /// A reply in the channel, pinging nobody.
    pub(super) async fn public(self, ctx: &dc::Context, text: &str) {
        let message = dc::CreateInteractionResponseMessage::new()
            .content(super::reply::fit(text))
            .allowed_mentions(dc::CreateAllowedMentions::new());
        self.respond(ctx, dc::CreateInteractionResponse::Message(message))
            .await;
    }

    /// "Thinking…", for work that may take longer than Discord's 3 s.
    async fn defer(self, ctx: &dc::Context, private: bool) {
        let message = dc::CreateInteractionResponseMessage::new().ephemeral(private);
        self.respond(ctx, dc::CreateInteractionResponse::Defer(message))
            .await;
    }
}

/// A form's answer; poise runs the commands and autocomplete, and
/// every other interaction is none of Scribe's.
pub async fn form_submitted(bot: &Bot, ctx: &dc::Context, interaction: dc::Interaction) {
    if let dc::Interaction::Modal(i) = interaction {
        form_answer(bot, ctx, &i).await;
    }
}

fn caller_of_command(i: &dc::CommandInteraction) -> Caller {
    let member = i.member.as_deref();
    Caller::new(
        i.id,
        i.channel_id,
        i.guild_id,
        member,
        &i.user,
        i.attachment_size_limit,
    )
}

fn caller_of_modal(i: &dc::ModalInteraction) -> Caller {
    let member = i.member.as_ref();
    Caller::new(
        i.id,
        i.channel_id,
        i.guild_id,
        member,
        &i.user,
        i.attachment_size_limit,
    )
}

impl Caller {
    /// The caller of interaction `id`, whichever kind it is.
    fn new(
        id: dc::InteractionId,
        channel: dc::ChannelId,
        guild: Option<dc::GuildId>,
        member: Option<&dc::Member>,
        user: &dc::User,
        upload_bytes: u32,
    ) -> Caller {
        Caller {
            id: Snowflake(id.get()),
            channel,
            guild,
            person: person_of(member, user),
            roles: member.map(role_ids).unwrap_or_default(),
            upload_bytes: u64::from(upload_bytes),
        }
    }
}

fn person_of(member: Option<&dc::Member>, user: &dc::User) -> Person {
    Person {
        name: member.map_or_else(|| convert::display_name(user), super::bot::member_name),
        id: Some(Snowflake(user.id.get())),
    }
}

fn role_ids(member: &dc::Member) -> Vec<u64> {
    member.roles.iter().map(|r| r.get()).collect()
}

/// A slash command poise matched, with the options it was given as
/// text: opens the command's form, runs the few commands that are not
/// annotations, or reads and applies the annotation.
pub(super) async fn answer(ctx: Ctx<'_>, options: Vec<(String, String)>) {
    let bot: &Bot = ctx.data();
    let _busy = bot.busy();
    let i = ctx.interaction;
    let (caller, reply, dctx) = (
        caller_of_command(i),
        Reply::Command(i),
        ctx.serenity_context(),
    );
    if !bot.accepting() {
        return reply.private(dctx, STOPPING).await;
    }
    let path = ctx.command().qualified_name.as_ref();
    tracing::debug!(command = path, interaction = %i.id, "command");
    let result = match commands::form_of(path).filter(|_| options.is_empty()) {
        Some(field) => form(bot, dctx, &caller, i, path, field).await,
        None => run(bot, dctx, &caller, reply, path, &options).await,
    };
    if let Err(e) = result {
        let reference = fault(&e, "answering a command");
        reply.private(dctx, &fault_text(&reference)).await;
    }
}

/// What a command answers while Scribe shuts down.
const STOPPING: &str = "Scribe is restarting and recorded nothing of this; \
                        give the command again in a minute";

/// Runs the command at `path`: the few that are not annotations by
/// name, every other one through the parser.
async fn run(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
    path: &str,
    options: &[(String, String)],
) -> anyhow::Result<()> {
    let words: Vec<&str> = path.split(' ').collect();
    match commands::core_of(&words).as_slice() {
        ["incident", "open"] => super::open::open(bot, ctx, caller, reply, options).await,
        ["postmortem", "preview"] => super::publishing::preview(bot, ctx, caller, reply).await,
        ["postmortem", "publish"] => super::publishing::publish(bot, ctx, caller, reply).await,
        ["action", "list"] => super::queries::list_actions(bot, ctx, caller, reply).await,
        core => annotate_options(bot, ctx, caller, reply, core, options).await,
    }
}

/// Opens the form for `field`, once the caller is known to be able to
/// use it: nobody types a paragraph only to learn it cannot be taken.
async fn form(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    i: &dc::CommandInteraction,
    path: &str,
    field: &str,
) -> anyhow::Result<()> {
    let reply = Reply::Command(i);
    if incident_or_say(bot, ctx, caller, reply).await?.is_none() {
        return Ok(());
    }
    if !bot.access.may_annotate(&caller.roles) {
        reply.private(ctx, NOT_A_RESPONDER).await;
        return Ok(());
    }
    open_form(ctx, i, path, field).await;
    Ok(())
}

async fn open_form(ctx: &dc::Context, i: &dc::CommandInteraction, path: &str, field: &str) {
    let custom_id = format!("{FORM_PREFIX}:{path}:{field}");
    let input = dc::CreateInputText::new(dc::InputTextStyle::Paragraph, field, field)
        .required(true)
        .max_length(4000);
    let words: Vec<&str> = path.split(' ').collect();
    let title = format!("/{}", commands::core_of(&words).join(" "));
    let modal = dc::CreateModal::new(custom_id, title)
        .components(vec![dc::CreateActionRow::InputText(input)]);
    Reply::Command(i)
        .respond(ctx, dc::CreateInteractionResponse::Modal(modal))
        .await;
}

/// A form's answer: the command it was opened for, with the text.
async fn form_answer(bot: &Bot, ctx: &dc::Context, i: &dc::ModalInteraction) {
    let caller = caller_of_modal(i);
    let reply = Reply::Modal(i);
    let Some((path, field)) = form_target(&i.data.custom_id) else {
        return;
    };
    if commands::form_of(&path) != Some(field.as_str()) {
        return;
    }
    let words: Vec<&str> = path.split(' ').collect();
    let options = vec![(field, form_text(&i.data.components))];
    let core = commands::core_of(&words);
    if let Err(e) = annotate_options(bot, ctx, &caller, reply, &core, &options).await {
        let reference = fault(&e, "answering a form");
        reply.private(ctx, &fault_text(&reference)).await;
    }
}

/// The command path and option a form's custom id names.
fn form_target(custom_id: &str) -> Option<(String, String)> {
    let rest = custom_id.strip_prefix(FORM_PREFIX)?.strip_prefix(':')?;
    let (path, field) = rest.rsplit_once(':')?;
    Some((path.to_string(), field.to_string()))
}

fn form_text(rows: &[dc::ActionRow]) -> String {
    rows.iter()
        .flat_map(|row| &row.components)
        .find_map(|c| match c {
            dc::ActionRowComponent::InputText(input) => input.value.clone(),
            _ => None,
        })
        .unwrap_or_default()
}

/// "Add to timeline" and "Add as log excerpt" on `message`: the
/// message is recorded first (it may predate the bot), then `mark`ed.
pub(super) async fn menu(ctx: Ctx<'_>, message: Snowflake, mark: fn(Snowflake) -> Command) {
    let bot: &Bot = ctx.data();
    let _busy = bot.busy();
    let (caller, reply, dctx) = (
        caller_of_command(ctx.interaction),
        Reply::Command(ctx.interaction),
        ctx.serenity_context(),
    );
    if !bot.accepting() {
        return reply.private(dctx, STOPPING).await;
    }
    let result = async {
        let incident = bot.incident_of(dctx, caller.channel).await?;
        if let Some(incident) = incident.filter(|_| bot.access.may_annotate(&caller.roles)) {
            let target = dc::MessageId::new(message.0);
            bot.record_message(dctx, &incident, caller.channel, target, caller.guild)
                .await?;
        }
        annotate_command(bot, dctx, &caller, reply, Ok(mark(message))).await
    };
    if let Err(e) = result.await {
        let reference = fault(&e, "answering a menu");
        reply.private(dctx, &fault_text(&reference)).await;
    }
}

/// A command given as options: checked by the one parser, then applied.
async fn annotate_options(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
    core: &[&str],
    options: &[(String, String)],
) -> anyhow::Result<()> {
    let Some(id) = incident_or_say(bot, ctx, caller, reply).await? else {
        return Ok(());
    };
    let tz = bot.zone_of(&id).await?;
    let mentions = bot.mentioned(ctx, caller.guild, options).await;
    let parsed = annotate::parse_options(core, options, &context(bot, caller, tz, &mentions));
    annotate_in(bot, ctx, caller, reply, &id, tz, parsed.map_err(|e| e.0)).await
}

/// The chat context a slash command is read in.
pub(super) fn context<'a>(
    bot: &'a Bot,
    caller: &Caller,
    tz: chrono_tz::Tz,
    mentions: &'a [Person],
) -> Context<'a> {
    Context {
        tz,
        clock: Clock::Chat {
            now: caller.id.timestamp(),
        },
        severities: &bot.settings.record.severities,
        mentions,
    }
}

async fn annotate_command(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
    command: Result<Command, String>,
) -> anyhow::Result<()> {
    let Some(id) = incident_or_say(bot, ctx, caller, reply).await? else {
        return Ok(());
    };
    let tz = bot.zone_of(&id).await?;
    annotate_in(bot, ctx, caller, reply, &id, tz, command).await
}

/// The incident of the caller's channel; when there is none the caller
/// is told how to start one.
pub(super) async fn incident_or_say(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
) -> anyhow::Result<Option<IncidentId>> {
    let id = bot.incident_of(ctx, caller.channel).await?;
    if id.is_none() {
        let text = "this channel records no incident: start one here with /incident open";
        reply.private(ctx, text).await;
    }
    Ok(id)
}

/// Checks permission, applies the command and answers: the confirmation
/// in the channel, or the reason only to the caller.
async fn annotate_in(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
    id: &IncidentId,
    tz: chrono_tz::Tz,
    command: Result<Command, String>,
) -> anyhow::Result<()> {
    let command = match command {
        Ok(command) => command,
        Err(reason) => {
            reply.private(ctx, &reason).await;
            return Ok(());
        }
    };
    if let Some(refusal) = refusal(bot, caller, id, &command).await? {
        reply.private(ctx, &refusal).await;
        return Ok(());
    }
    let annotation = annotation(caller, command.clone());
    let key = annotation.origin.key();
    let report = bot
        .ingest(id, None, vec![Input::Command(annotation)])
        .await?;
    if let Some(refused) = report.refused.iter().find(|r| r.origin == key) {
        reply.private(ctx, &refused.reason).await;
        return Ok(());
    }
    tracing::debug!(incident = %id, origin = %key, "annotation applied");
    reply
        .public(ctx, &annotate::confirmation(&command, tz))
        .await;
    Ok(())
}

/// The caller's command as an annotation keyed by the interaction.
pub(super) fn annotation(caller: &Caller, command: Command) -> Annotation {
    Annotation {
        origin: Origin::Interaction { id: caller.id },
        author: Some(caller.person.clone()),
        given_at: caller.id.timestamp(),
        seq: 0,
        command,
    }
}

/// Why someone outside the responder roles is refused.
const NOT_A_RESPONDER: &str = "only members of the responder roles may annotate this \
                               incident; ask the incident commander to add you";

/// Why the caller may not give `command`, if they may not.
async fn refusal(
    bot: &Bot,
    caller: &Caller,
    id: &IncidentId,
    command: &Command,
) -> anyhow::Result<Option<String>> {
    if !bot.access.may_annotate(&caller.roles) {
        return Ok(Some(NOT_A_RESPONDER.into()));
    }
    let changes_commander = matches!(command, Command::IncidentSet(p) if p.commander.is_some());
    if changes_commander && !may_publish(bot, caller, id).await? {
        return Ok(Some(
            "only the incident commander or a member of a publisher role may change the commander"
                .into(),
        ));
    }
    Ok(None)
}

/// True when the caller is the commander or has a publisher role.
pub(super) async fn may_publish(
    bot: &Bot,
    caller: &Caller,
    id: &IncidentId,
) -> anyhow::Result<bool> {
    let key = id.clone();
    let commander = bot
        .with(move |r| Ok(crate::ledger::Ledger::replay(&r.dossier(&key)?).commander))
        .await?;
    Ok(bot
        .access
        .may_publish(&caller.person, &caller.roles, commander.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_ids_name_the_command_and_option() {
        let (path, field) = form_target("scribe-form:impact customers:text").unwrap();
        assert_eq!(path, "impact customers");
        assert_eq!(field, "text");
        assert!(form_target("other:impact customers:text").is_none());
        assert!(form_target("scribe-form:rootcause").is_none());
    }

    #[test]
    fn a_form_answer_reads_its_text() {
        let rows: Vec<dc::ActionRow> = serde_json::from_value(serde_json::json!([
            {"type": 1, "components": [{"type": 4, "custom_id": "text", "value": "Retries were\nnot idempotent."}]}
        ]))
        .unwrap();
        assert_eq!(form_text(&rows), "Retries were\nnot idempotent.");
        assert_eq!(form_text(&[]), "");
    }
}
