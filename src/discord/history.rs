//! Reading what Discord holds: a channel's history (paged), and one
//! message with what needs the network (attachment bytes, who reacted
//! with 📌), decided against the roles of the people involved.

use std::collections::HashSet;

use serenity::all as dc;
use serenity::http::MessagePagination;

use super::bot::Bot;
use super::convert;
use crate::annotate::{self, Clock, Context};
use crate::ingest::Input;
use crate::model::{Message, Snowflake};

/// Discord returns at most this many messages per history page.
const PAGE: usize = 100;
/// The most pages read from one channel in one go (20,000 messages).
pub const MAX_PAGES: usize = 200;

/// A channel's messages after `after`, oldest first, and whether the
/// read is complete (it stopped at the newest message, not at the page
/// bound).
pub async fn read_channel(
    ctx: &dc::Context,
    channel: dc::ChannelId,
    after: Snowflake,
) -> serenity::Result<(Vec<dc::Message>, bool)> {
    let mut cursor = dc::MessageId::new(after.0.max(1));
    let mut all = Vec::new();
    for _ in 0..MAX_PAGES {
        let page = ctx
            .http
            .get_messages(
                channel,
                Some(MessagePagination::After(cursor)),
                Some(PAGE as u8),
            )
            .await?;
        let full = page.len() == PAGE;
        let Some(newest) = page.iter().map(|m| m.id).max() else {
            return Ok((sorted(all), true));
        };
        cursor = newest;
        all.extend(page);
        if !full {
            return Ok((sorted(all), true));
        }
    }
    Ok((sorted(all), false))
}

fn sorted(mut messages: Vec<dc::Message>) -> Vec<dc::Message> {
    messages.sort_by_key(|m| m.id);
    messages.dedup_by_key(|m| m.id);
    messages
}

/// One message read for the store.
pub struct Read {
    pub message: Message,
    /// A human who may not annotate wrote what reads as a command.
    pub denied: bool,
}

impl Read {
    /// The message as the write path takes it: chat from someone who may
    /// not annotate is overheard, never applied.
    pub fn into_input(self) -> Input {
        match self.denied {
            true => Input::Overheard(self.message),
            false => Input::Message(self.message),
        }
    }
}

/// For each message whose latest pin notice is in `notices`, who pinned
/// it (Discord's "pinned a message" notices name the pinner).
pub fn pinners(notices: &[dc::Message]) -> Vec<(u64, dc::UserId)> {
    let mut latest: std::collections::BTreeMap<u64, (dc::MessageId, dc::UserId)> =
        std::collections::BTreeMap::new();
    let pins = notices
        .iter()
        .filter(|m| m.kind == dc::MessageType::PinsAdd);
    for notice in pins {
        let Some(target) = notice.message_reference.as_ref().and_then(|r| r.message_id) else {
            continue;
        };
        let entry = latest
            .entry(target.get())
            .or_insert((notice.id, notice.author.id));
        if notice.id >= entry.0 {
            *entry = (notice.id, notice.author.id);
        }
    }
    latest
        .into_iter()
        .map(|(target, (_, by))| (target, by))
        .collect()
}

impl Bot {
    /// The messages among `notices` last pinned by someone who may not
    /// annotate: their pin does not make a key event.
    pub(super) async fn vetoed_pins(
        &self,
        ctx: &dc::Context,
        notices: &[dc::Message],
        guild: Option<dc::GuildId>,
    ) -> HashSet<u64> {
        let mut vetoed = HashSet::new();
        for (target, by) in pinners(notices) {
            let roles = self.roles_of(ctx, guild, by, None).await;
            if !self.access.may_annotate(&roles) {
                vetoed.insert(target);
            }
        }
        vetoed
    }

    /// Converts `raw`, fetching attachment bytes (unless `known` says
    /// the store has the message already) and the 📌 reactors who may
    /// annotate.
    ///
    /// A command typed by a human outside the responder roles is
    /// `denied`: [`Read::into_input`] hands it over as overheard chat.
    pub(super) async fn read_message(
        &self,
        ctx: &dc::Context,
        raw: &dc::Message,
        guild: Option<dc::GuildId>,
        known: &HashSet<u64>,
    ) -> Read {
        let mut message = convert::message(raw);
        if !known.contains(&raw.id.get()) {
            self.fetch_bytes(raw, &mut message).await;
        }
        if convert::has_pin_reaction(raw) {
            message.pin_reactions = self.pin_reactors(ctx, raw, guild).await;
        }
        let mut denied = false;
        if !message.author.is_bot && self.reads_as_command(&message) {
            let roles = convert::member_roles(raw);
            let roles = self.roles_of(ctx, guild, raw.author.id, roles).await;
            denied = !self.access.may_annotate(&roles);
        }
        Read { message, denied }
    }

    fn reads_as_command(&self, message: &Message) -> bool {
        let ctx = Context {
            tz: chrono_tz::UTC,
            clock: Clock::Chat {
                now: message.posted_utc(),
            },
            severities: &self.settings.record.severities,
            mentions: &message.mentions,
        };
        !matches!(annotate::parse_typed(&message.content, &ctx), Ok(None))
    }

    /// Stores the bytes of `.log`/`.txt` files and images under the cap:
    /// Discord's links expire, the record must not.
    async fn fetch_bytes(&self, raw: &dc::Message, message: &mut Message) {
        let cap = self.settings.record.attachment_max_bytes;
        for (a, kept) in raw.attachments.iter().zip(&mut message.attachments) {
            if !convert::worth_fetching(a, cap) {
                continue;
            }
            match self.download(&a.url, cap).await {
                Ok(bytes) => kept.bytes = Some(bytes),
                Err(e) => {
                    tracing::warn!(message = %raw.id, attachment = %a.id, error = %e, "attachment not fetched")
                }
            }
        }
    }

    async fn download(&self, url: &str, cap: u64) -> anyhow::Result<Vec<u8>> {
        let response = self.web.get(url).send().await?.error_for_status()?;
        let bytes = response.bytes().await?;
        anyhow::ensure!(
            bytes.len() as u64 <= cap,
            "attachment larger than announced"
        );
        Ok(bytes.to_vec())
    }

    /// The people who reacted 📌 and may annotate.
    async fn pin_reactors(
        &self,
        ctx: &dc::Context,
        raw: &dc::Message,
        guild: Option<dc::GuildId>,
    ) -> Vec<crate::model::Person> {
        let pin = dc::ReactionType::Unicode(convert::PIN_EMOJI.into());
        let users = ctx
            .http
            .get_reaction_users(raw.channel_id, raw.id, &pin, 100, None)
            .await;
        let users = users.unwrap_or_else(|e| {
            tracing::warn!(message = %raw.id, error = %e, "cannot read 📌 reactions");
            Vec::new()
        });
        let mut people = Vec::new();
        for user in users.iter().filter(|u| !u.bot) {
            let roles = self.roles_of(ctx, guild, user.id, None).await;
            if self.access.may_annotate(&roles) {
                people.push(convert::person(user));
            }
        }
        people
    }
}

/// Where a reconcile starts reading: the incident's first message, else
/// 24 hours before the incident was opened.
pub fn reconcile_from(dossier: &crate::model::Dossier) -> chrono::DateTime<chrono::Utc> {
    let opened = dossier.incident.created_at - chrono::Duration::hours(24);
    let first = dossier.messages.iter().map(Message::posted_utc).min();
    // One millisecond earlier, so `after=` includes the first message.
    first.map_or(opened, |at| at - chrono::Duration::milliseconds(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Author, Dossier, Incident};
    use chrono::{DateTime, Utc};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("test time")
    }

    fn dossier(first_message: Option<&str>) -> Dossier {
        let messages = first_message.map(|t| {
            let author = Author {
                id: Snowflake(42),
                name: "Mika".into(),
                is_bot: false,
            };
            Message::new(
                Snowflake::at(at(t)),
                author,
                at(t).fixed_offset(),
                "replica lag",
            )
        });
        Dossier {
            incident: Incident {
                id: "INC-2417".parse().unwrap(),
                timezone: "UTC".into(),
                created_at: at("2026-06-03T05:00:00Z"),
                channel: None,
                posts: Vec::new(),
            },
            messages: messages.into_iter().collect(),
            tombstones: Vec::new(),
            annotations: Vec::new(),
        }
    }

    #[test]
    fn a_reconcile_reads_from_just_before_the_first_message() {
        let from = reconcile_from(&dossier(Some("2026-06-03T04:12:00Z")));
        assert_eq!(from, at("2026-06-03T04:11:59.999Z"));
        assert!(Snowflake::at(from) < Snowflake::at(at("2026-06-03T04:12:00Z")));
    }

    fn notice(id: u64, by: u64, target: u64) -> dc::Message {
        let mut json = crate::discord::convert::tests::payload(id, "");
        json["type"] = 6.into();
        json["author"]["id"] = by.to_string().into();
        json["message_reference"] =
            serde_json::json!({"message_id": target.to_string(), "channel_id": "500"});
        crate::discord::convert::tests::parse(json)
    }

    #[test]
    fn the_latest_pin_notice_names_the_pinner() {
        let notices = [notice(10, 1, 500), notice(12, 2, 500), notice(11, 3, 600)];
        let mut chat = crate::discord::convert::tests::parse(
            crate::discord::convert::tests::payload(13, "hi"),
        );
        chat.message_reference = None;
        let mut all = notices.to_vec();
        all.push(chat);
        let found: Vec<(u64, u64)> = pinners(&all)
            .into_iter()
            .map(|(t, by)| (t, by.get()))
            .collect();
        assert_eq!(found, [(500, 2), (600, 3)]);
    }

    #[test]
    fn without_messages_it_reads_the_day_before_the_open() {
        assert_eq!(reconcile_from(&dossier(None)), at("2026-06-02T05:00:00Z"));
    }
}
