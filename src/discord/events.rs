//! Gateway events: messages, edits, deletes, pins and 📌 reactions in
//! incident channels become inputs; READY and RESUMED reconcile every
//! bound incident with its channel history; a form's answer is taken
//! here (poise runs the commands, menus and autocomplete).

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serenity::all as dc;
use serenity::async_trait;

use super::bot::{Bot, fault};
use super::{convert, history, interactions};
use crate::ingest::{Input, Report};
use crate::model::{IncidentId, Origin, Snowflake};

/// Serenity's handler: every event goes to the shared [`Bot`].
pub struct Handler(pub Arc<Bot>);

#[async_trait]
impl dc::EventHandler for Handler {
    async fn ready(&self, ctx: dc::Context, ready: dc::Ready) {
        let _busy = self.0.busy();
        tracing::info!(user = %ready.user.id, guilds = ready.guilds.len(), "connected");
        self.0.set_self(ready.user.id.get());
        let id = ready.user.id;
        self.0
            .recorder
            .lock()
            .await
            .set_self_id(Snowflake(id.get()));
        super::register(&ctx, &self.0.settings).await;
        self.0.reconcile_all(&ctx).await;
    }

    async fn resume(&self, ctx: dc::Context, _: dc::ResumedEvent) {
        let _busy = self.0.busy();
        tracing::info!("resumed");
        self.0.reconcile_all(&ctx).await;
    }

    async fn message(&self, ctx: dc::Context, message: dc::Message) {
        let _busy = self.0.busy();
        let _turn = self.0.turn(message.channel_id).await;
        self.0.note_created(message.id);
        self.0.live_message(&ctx, message).await;
    }

    async fn message_update(
        &self,
        ctx: dc::Context,
        _: Option<dc::Message>,
        _: Option<dc::Message>,
        event: dc::MessageUpdateEvent,
    ) {
        let _busy = self.0.busy();
        self.0.after_create(event.id).await;
        let _turn = self.0.turn(event.channel_id).await;
        // The update carries only what changed: read the whole message.
        match ctx.http.get_message(event.channel_id, event.id).await {
            Ok(message) => self.0.live_message(&ctx, message).await,
            Err(e) => {
                tracing::warn!(message = %event.id, error = %e, "edited message not readable")
            }
        }
    }

    async fn message_delete(
        &self,
        ctx: dc::Context,
        channel: dc::ChannelId,
        id: dc::MessageId,
        _: Option<dc::GuildId>,
    ) {
        let _busy = self.0.busy();
        let _turn = self.0.turn(channel).await;
        self.0.deleted(&ctx, channel, &[id]).await;
    }

    async fn message_delete_bulk(
        &self,
        ctx: dc::Context,
        channel: dc::ChannelId,
        ids: Vec<dc::MessageId>,
        _: Option<dc::GuildId>,
    ) {
        let _busy = self.0.busy();
        let _turn = self.0.turn(channel).await;
        self.0.deleted(&ctx, channel, &ids).await;
    }

    async fn reaction_add(&self, ctx: dc::Context, reaction: dc::Reaction) {
        let _busy = self.0.busy();
        let _turn = self.0.turn(reaction.channel_id).await;
        self.0.pin_reaction(&ctx, reaction, true).await;
    }

    async fn reaction_remove(&self, ctx: dc::Context, reaction: dc::Reaction) {
        let _busy = self.0.busy();
        let _turn = self.0.turn(reaction.channel_id).await;
        self.0.pin_reaction(&ctx, reaction, false).await;
    }

    async fn channel_pins_update(&self, ctx: dc::Context, pins: dc::ChannelPinsUpdateEvent) {
        let _busy = self.0.busy();
        let _turn = self.0.turn(pins.channel_id).await;
        self.0
            .pins_changed(&ctx, pins.channel_id, pins.guild_id)
            .await;
    }

    async fn thread_create(&self, _: dc::Context, thread: dc::GuildChannel) {
        let _busy = self.0.busy();
        self.0.note_thread(&thread);
    }

    async fn interaction_create(&self, ctx: dc::Context, interaction: dc::Interaction) {
        let _busy = self.0.busy();
        if self.0.accepting() {
            interactions::form_submitted(&self.0, &ctx, interaction).await;
        }
    }
}

impl Bot {
    /// A message created or edited in a channel.
    async fn live_message(&self, ctx: &dc::Context, raw: dc::Message) {
        if !self.accepting() || self.is_self(raw.author.id) || !convert::is_chat(&raw) {
            return;
        }
        if let Err(e) = self.try_live_message(ctx, &raw).await {
            fault(&e, "recording a message");
        }
    }

    async fn try_live_message(&self, ctx: &dc::Context, raw: &dc::Message) -> anyhow::Result<()> {
        let Some(id) = self.incident_of(ctx, raw.channel_id).await? else {
            return Ok(());
        };
        tracing::debug!(incident = %id, message = %raw.id, "message");
        let read = self
            .read_message(ctx, raw, raw.guild_id, &HashSet::new())
            .await;
        let denied = read.denied;
        let report = self.ingest(&id, None, vec![read.into_input()]).await?;
        let stored = report.messages_added + report.messages_edited > 0;
        if denied && stored {
            let reason = "only members of the responder roles may annotate; \
                          your message is recorded as chat";
            self.answer(ctx, raw, false, reason).await;
        }
        self.answer_typed(ctx, &id, &report, std::slice::from_ref(raw))
            .await
    }

    /// Records one message by id, for a menu used on a message from
    /// before the incident was opened; one already stored is unchanged.
    pub(super) async fn record_message(
        &self,
        ctx: &dc::Context,
        id: &IncidentId,
        channel: dc::ChannelId,
        message: dc::MessageId,
        guild: Option<dc::GuildId>,
    ) -> anyhow::Result<()> {
        let raw = ctx.http.get_message(channel, message).await?;
        if !self.is_chat_of_others(&raw) {
            return Ok(());
        }
        let read = self.read_message(ctx, &raw, guild, &HashSet::new()).await;
        let inputs = vec![read.into_input()];
        self.ingest(id, None, inputs).await.map(|_| ())
    }

    /// True for chat that someone other than Scribe wrote.
    pub(super) fn is_chat_of_others(&self, raw: &dc::Message) -> bool {
        !self.is_self(raw.author.id) && convert::is_chat(raw)
    }

    /// Confirms each typed command of `raws` that `report` applied (✅
    /// and the confirmation as a reply) or refused (❌ and the reason).
    async fn answer_typed(
        &self,
        ctx: &dc::Context,
        id: &IncidentId,
        report: &Report,
        raws: &[dc::Message],
    ) -> anyhow::Result<()> {
        let tz = self.zone_of(id).await?;
        for raw in raws {
            let key = Origin::Message {
                id: Snowflake(raw.id.get()),
            }
            .key();
            if let Some(applied) = report.applied.iter().find(|a| a.origin.key() == key) {
                let text = crate::annotate::confirmation(&applied.command, tz);
                self.answer(ctx, raw, true, &text).await;
            } else if let Some(refused) = report.refused.iter().find(|r| r.origin == key) {
                self.answer(ctx, raw, false, &refused.reason).await;
            }
        }
        Ok(())
    }

    /// Reacts ✅ or ❌ to `raw` and replies with `text`, pinging nobody.
    async fn answer(&self, ctx: &dc::Context, raw: &dc::Message, ok: bool, text: &str) {
        let mark = if ok { "✅" } else { "❌" };
        let reaction = dc::ReactionType::Unicode(mark.into());
        if let Err(e) = ctx
            .http
            .create_reaction(raw.channel_id, raw.id, &reaction)
            .await
        {
            tracing::warn!(message = %raw.id, error = %e, "cannot react");
        }
        let reply = dc::CreateMessage::new()
            .content(super::reply::fit(text))
            .reference_message(raw)
            .allowed_mentions(dc::CreateAllowedMentions::new());
        if let Err(e) = raw.channel_id.send_message(&ctx.http, reply).await {
            tracing::warn!(message = %raw.id, error = %e, "cannot reply");
        }
    }

    /// The incident's zone, for confirmations.
    pub(super) async fn zone_of(&self, id: &IncidentId) -> anyhow::Result<chrono_tz::Tz> {
        let id = id.clone();
        let fallback = self.settings.timezone.clone();
        let zone = self
            .with(move |r| Ok(r.store().incident(&id)?.map(|i| i.timezone)))
            .await?
            .unwrap_or(fallback);
        Ok(crate::annotate::zone(&zone).unwrap_or(chrono_tz::UTC))
    }

    async fn deleted(&self, ctx: &dc::Context, channel: dc::ChannelId, ids: &[dc::MessageId]) {
        if !self.accepting() {
            return;
        }
        let result = async {
            let Some(id) = self.incident_of(ctx, channel).await? else {
                return Ok(());
            };
            let at = Utc::now();
            let inputs = ids
                .iter()
                .map(|m| Input::Deleted {
                    id: Snowflake(m.get()),
                    at,
                })
                .collect();
            self.ingest(&id, None, inputs).await.map(|_| ())
        };
        if let Err(e) = result.await {
            fault(&e, "recording a delete");
        }
    }

    async fn pin_reaction(&self, ctx: &dc::Context, reaction: dc::Reaction, added: bool) {
        let Some(user) = reaction.user_id else { return };
        if !self.accepting() || !convert::is_pin(&reaction.emoji) || self.is_self(user) {
            return;
        }
        if let Err(e) = self.try_pin_reaction(ctx, &reaction, user, added).await {
            fault(&e, "recording a reaction");
        }
    }

    async fn try_pin_reaction(
        &self,
        ctx: &dc::Context,
        reaction: &dc::Reaction,
        user: dc::UserId,
        added: bool,
    ) -> anyhow::Result<()> {
        let Some(id) = self.incident_of(ctx, reaction.channel_id).await? else {
            return Ok(());
        };
        let roles = reaction
            .member
            .as_ref()
            .map(|m| m.roles.iter().map(|r| r.get()).collect());
        let roles = self.roles_of(ctx, reaction.guild_id, user, roles).await;
        if !self.access.may_annotate(&roles) {
            tracing::debug!(incident = %id, user = %user, "📌 from a non-responder ignored");
            return Ok(());
        }
        let person = match &reaction.member {
            Some(member) => super::bot::member_name(member),
            None => self.person(ctx, reaction.guild_id, user).await.name,
        };
        let input = Input::PinReaction {
            id: Snowflake(reaction.message_id.get()),
            user: crate::model::Person {
                name: person,
                id: Some(Snowflake(user.get())),
            },
            added,
        };
        let report = self.ingest(&id, None, vec![input]).await?;
        if added && report.messages_ignored > 0 {
            // A message from before the incident was flagged: record it.
            let raw = ctx
                .http
                .get_message(reaction.channel_id, reaction.message_id)
                .await?;
            self.try_live_message(ctx, &raw).await?;
        }
        Ok(())
    }

    /// Pins changed: read the channel's pins and record the differences.
    async fn pins_changed(
        &self,
        ctx: &dc::Context,
        channel: dc::ChannelId,
        guild: Option<dc::GuildId>,
    ) {
        if !self.accepting() {
            return;
        }
        if let Err(e) = self.try_pins_changed(ctx, channel, guild).await {
            fault(&e, "recording pins");
        }
    }

    async fn try_pins_changed(
        &self,
        ctx: &dc::Context,
        channel: dc::ChannelId,
        guild: Option<dc::GuildId>,
    ) -> anyhow::Result<()> {
        let Some(id) = self.incident_of(ctx, channel).await? else {
            return Ok(());
        };
        let pins = ctx.http.get_pins(channel).await?;
        let recent = ctx.http.get_messages(channel, None, Some(100)).await?;
        let vetoed = self.vetoed_pins(ctx, &recent, guild).await;
        let pinned: HashSet<u64> = pins
            .iter()
            .map(|m| m.id.get())
            .filter(|id| !vetoed.contains(id))
            .collect();
        let key = id.clone();
        let dossier = self.with(move |r| Ok(r.dossier(&key)?)).await?;
        let home = dossier.incident.channel.as_ref().map(|c| c.id);
        let stored = dossier.messages;
        // The store leaves the incident's own channel unsaid.
        let here = Some(Snowflake(channel.get()));
        let in_channel = stored.iter().filter(|m| m.channel_id.or(home) == here);
        let mut inputs: Vec<Input> = in_channel
            .filter(|m| m.pinned != pinned.contains(&m.id.0))
            .map(|m| Input::Pin {
                id: m.id,
                pinned: !m.pinned,
            })
            .collect();
        let known: HashSet<u64> = stored.iter().map(|m| m.id.0).collect();
        for raw in pins
            .iter()
            .filter(|m| !known.contains(&m.id.get()) && !self.is_self(m.author.id))
        {
            let mut read = self.read_message(ctx, raw, guild, &known).await;
            read.message.pinned = !vetoed.contains(&raw.id.get());
            inputs.push(read.into_input());
        }
        tracing::debug!(incident = %id, changes = inputs.len(), "pins read");
        self.ingest(&id, None, inputs).await.map(|_| ())
    }

    /// On every connect and reconnect: each bound incident against its
    /// channel history, so nothing said while Scribe was away is lost.
    async fn reconcile_all(&self, ctx: &dc::Context) {
        let incidents = self.with(|r| Ok(r.store().incidents()?)).await;
        let incidents = match incidents {
            Ok(incidents) => incidents,
            Err(e) => {
                fault(&e, "listing incidents to reconcile");
                return;
            }
        };
        for incident in incidents.into_iter().filter(|i| i.channel.is_some()) {
            if let Err(e) = self.reconcile(ctx, &incident.id).await {
                fault(
                    &e.context(format!("reconciling {}", incident.id)),
                    "reconcile",
                );
            }
        }
    }

    /// One incident against what its channel and threads hold now; then
    /// any publish a restart cut short is finished.
    async fn reconcile(&self, ctx: &dc::Context, id: &IncidentId) -> anyhow::Result<()> {
        let key = id.clone();
        let dossier = self.with(move |r| Ok(r.dossier(&key)?)).await?;
        let Some(channel) = dossier.incident.channel.clone() else {
            return Ok(());
        };
        let from = history::reconcile_from(&dossier);
        let (all, complete) = self.read_all(ctx, &dossier, channel.id, from).await?;
        let guild = channel.guild_id.map(|g| dc::GuildId::new(g.0));
        let vetoed = self.vetoed_pins(ctx, &all, guild).await;
        let raws: Vec<dc::Message> = all
            .into_iter()
            .filter(|m| self.is_chat_of_others(m))
            .collect();

        let known: HashSet<u64> = dossier.messages.iter().map(|m| m.id.0).collect();
        let mut read = Vec::with_capacity(raws.len());
        for raw in &raws {
            let mut message = self.read_message(ctx, raw, guild, &known).await;
            message.message.pinned &= !vetoed.contains(&raw.id.get());
            read.push(message.into_input());
        }

        // A read cut short by the page bound proves no deletion.
        let complete_since = if complete {
            from
        } else {
            DateTime::<Utc>::MAX_UTC
        };
        let key = id.clone();
        let report = self
            .with(move |r| Ok(r.reconcile(&key, read, complete_since, Utc::now())?))
            .await?;
        tracing::info!(
            incident = %id,
            added = report.messages_added,
            edited = report.messages_edited,
            deleted = report.messages_deleted,
            "reconciled"
        );
        self.answer_typed(ctx, id, &report, &raws).await?;

        let key = id.clone();
        let dossier = self.with(move |r| Ok(r.dossier(&key)?)).await?;
        let finished = super::publishing::finish_publications(self, ctx, &dossier).await;
        super::memory::release();
        finished
    }

    /// Everything in the incident's channel and in every thread it has
    /// messages from, since `from`; false when a read hit the page bound.
    async fn read_all(
        &self,
        ctx: &dc::Context,
        dossier: &crate::model::Dossier,
        home: Snowflake,
        from: DateTime<Utc>,
    ) -> anyhow::Result<(Vec<dc::Message>, bool)> {
        let threads = dossier.messages.iter().filter_map(|m| m.channel_id);
        let mut channels: Vec<Snowflake> = std::iter::once(home).chain(threads).collect();
        channels.sort_unstable();
        channels.dedup();
        let (mut raws, mut complete) = (Vec::new(), true);
        for channel in channels {
            let channel = dc::ChannelId::new(channel.0);
            let (read, whole) = history::read_channel(ctx, channel, Snowflake::at(from)).await?;
            complete &= whole;
            raws.extend(read);
        }
        Ok((raws, complete))
    }
}
