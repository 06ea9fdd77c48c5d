//! Discord payloads as model values. Pure: what needs the network
//! (attachment bytes, who reacted) is added by the caller.

use serenity::all as dc;

use crate::model::{Attachment, Author, Embed, InteractionRef, Message, Person, Snowflake};

/// The 📌 reaction that makes a message a key event.
pub const PIN_EMOJI: &str = "📌";

/// A message as Scribe keeps it, without attachment bytes or the people
/// who reacted with 📌.
pub fn message(m: &dc::Message) -> Message {
    Message {
        id: Snowflake(m.id.get()),
        channel_id: Some(Snowflake(m.channel_id.get())),
        author: author(m),
        posted_at: m.timestamp.fixed_offset(),
        edited_at: m.edited_timestamp.map(|t| t.fixed_offset()),
        content: m.content.clone(),
        history: Vec::new(),
        attachments: m.attachments.iter().map(attachment).collect(),
        embeds: m.embeds.iter().map(embed).collect(),
        mentions: m.mentions.iter().map(person).collect(),
        pinned: m.pinned,
        pin_reactions: Vec::new(),
        reply_to: reply_to(m),
        interaction: interaction(m),
        typed: None,
    }
}

/// Bots and webhooks are kept as authors but never annotate.
fn author(m: &dc::Message) -> Author {
    let nick = m.member.as_ref().and_then(|member| member.nick.clone());
    Author {
        id: Snowflake(m.author.id.get()),
        name: nick.unwrap_or_else(|| display_name(&m.author)),
        is_bot: m.author.bot || m.webhook_id.is_some(),
    }
}

/// A user's display name: the global name, else the user name.
pub fn display_name(user: &dc::User) -> String {
    user.global_name
        .clone()
        .unwrap_or_else(|| user.name.clone())
}

/// A user as a person reference.
pub fn person(user: &dc::User) -> Person {
    Person {
        name: display_name(user),
        id: Some(Snowflake(user.id.get())),
    }
}

fn attachment(a: &dc::Attachment) -> Attachment {
    Attachment {
        id: Snowflake(a.id.get()),
        file_name: a.filename.clone(),
        size: u64::from(a.size),
        bytes: None,
    }
}

fn embed(e: &dc::Embed) -> Embed {
    Embed {
        title: e.title.clone().unwrap_or_default(),
        description: e.description.clone().unwrap_or_default(),
        url: e.url.clone(),
    }
}

fn reply_to(m: &dc::Message) -> Option<Snowflake> {
    let reference = m.message_reference.as_ref()?;
    reference.message_id.map(|id| Snowflake(id.get()))
}

#[allow(deprecated)]
fn interaction(m: &dc::Message) -> Option<InteractionRef> {
    // `interaction` is what an export keeps; `interaction_metadata` is
    // its newer twin, which this serenity version reads too.
    let i = m.interaction.as_ref()?;
    Some(InteractionRef {
        id: Snowflake(i.id.get()),
        name: i.name.clone(),
        user: person(&i.user),
    })
}

/// True when the message carries at least one 📌 reaction.
pub fn has_pin_reaction(m: &dc::Message) -> bool {
    m.reactions
        .iter()
        .any(|r| r.count > 0 && is_pin(&r.reaction_type))
}

/// True for the 📌 emoji.
pub fn is_pin(emoji: &dc::ReactionType) -> bool {
    matches!(emoji, dc::ReactionType::Unicode(s) if s == PIN_EMOJI)
}

/// True when an attachment's bytes are worth keeping: a `.log` or
/// `.txt` file or an image, no larger than `cap`.
pub fn worth_fetching(a: &dc::Attachment, cap: u64) -> bool {
    let name = a.filename.to_ascii_lowercase();
    let text = name.ends_with(".log") || name.ends_with(".txt");
    let image = a
        .content_type
        .as_deref()
        .is_some_and(|t| t.starts_with("image/"))
        || [".png", ".jpg", ".jpeg", ".gif", ".webp"]
            .iter()
            .any(|ext| name.ends_with(ext));
    (text || image) && u64::from(a.size) <= cap
}

/// True for what people and bots say; false for Discord's own notices
/// (a pin, a thread created, someone joining), which are not chat.
pub fn is_chat(m: &dc::Message) -> bool {
    matches!(
        m.kind,
        dc::MessageType::Regular
            | dc::MessageType::InlineReply
            | dc::MessageType::ChatInputCommand
            | dc::MessageType::ContextMenuCommand
    )
}

/// The role ids of a message's author, when the payload carries them
/// (gateway messages in a guild do; history reads do not).
pub fn member_roles(m: &dc::Message) -> Option<Vec<u64>> {
    let member = m.member.as_ref()?;
    Some(member.roles.iter().map(|r| r.get()).collect())
}

/// The user ids mentioned as `<@123>` or `<@!123>` in `text`.
pub fn mentioned_ids(text: &str) -> Vec<u64> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<@") {
        rest = &rest[start + 2..];
        let digits = rest.strip_prefix('!').unwrap_or(rest);
        let end = digits.find('>').unwrap_or(0);
        if let Ok(id) = digits[..end].parse::<u64>()
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A guild message as the gateway sends it.
    pub(crate) fn payload(id: u64, content: &str) -> serde_json::Value {
        serde_json::json!({
            "id": id.to_string(),
            "channel_id": "500",
            "guild_id": "400",
            "author": {"id": "42", "username": "mtanaka", "global_name": "M. Tanaka",
                       "discriminator": "0", "avatar": null},
            "member": {"nick": "Mika (SRE)", "roles": ["700"], "joined_at": "2025-01-01T00:00:00Z",
                       "deaf": false, "mute": false, "flags": 0},
            "content": content,
            "timestamp": "2026-06-03T04:36:12.500000+00:00",
            "edited_timestamp": null,
            "tts": false, "mention_everyone": false,
            "mentions": [{"id": "43", "username": "jl", "global_name": "J. Lindqvist",
                          "discriminator": "0", "avatar": null}],
            "mention_roles": [], "attachments": [], "embeds": [],
            "pinned": false, "type": 0
        })
    }

    pub(crate) fn parse(json: serde_json::Value) -> dc::Message {
        serde_json::from_value(json).expect("message payload")
    }

    #[test]
    fn a_gateway_message_becomes_a_model_message() {
        let m = message(&parse(payload(900, "rolling back <@43>")));
        assert_eq!(m.id, Snowflake(900));
        assert_eq!(m.channel_id, Some(Snowflake(500)));
        assert_eq!(m.author.name, "Mika (SRE)");
        assert!(!m.author.is_bot);
        assert_eq!(m.posted_at.to_rfc3339(), "2026-06-03T04:36:12.500+00:00");
        assert_eq!(m.mentions[0].name, "J. Lindqvist");
        assert_eq!(m.mentions[0].id, Some(Snowflake(43)));
        assert_eq!(m.reply_to, None);
    }

    #[test]
    fn webhooks_and_bots_are_marked() {
        let mut json = payload(901, "ALERT db-eu-1 lag");
        json["webhook_id"] = "77".into();
        json.as_object_mut().unwrap().remove("member");
        let m = message(&parse(json));
        assert!(m.author.is_bot);
        assert_eq!(m.author.name, "M. Tanaka");
        let mut json = payload(902, "hi");
        json["author"]["bot"] = true.into();
        assert!(message(&parse(json)).author.is_bot);
    }

    #[test]
    fn edits_replies_and_slash_answers_are_kept() {
        let mut json = payload(903, "Phase → mitigate");
        json["edited_timestamp"] = "2026-06-03T04:40:00+00:00".into();
        json["message_reference"] = serde_json::json!({"message_id": "880", "channel_id": "500"});
        json["interaction"] = serde_json::json!({"id": "990", "type": 2, "name": "phase",
            "user": {"id": "42", "username": "mtanaka", "discriminator": "0", "avatar": null}});
        let m = message(&parse(json));
        assert!(m.edited_at.is_some());
        assert_eq!(m.reply_to, Some(Snowflake(880)));
        let i = m.interaction.expect("interaction");
        assert_eq!((i.id, i.name.as_str()), (Snowflake(990), "phase"));
    }

    #[test]
    fn pins_roles_and_attachments_are_read() {
        let mut json = payload(904, "see log");
        json["reactions"] = serde_json::json!([{"count": 1, "me": false,
            "emoji": {"id": null, "name": "📌"}, "count_details": {"burst": 0, "normal": 1},
            "me_burst": false, "burst_colors": []}]);
        json["attachments"] = serde_json::json!([
            {"id": "1", "filename": "worker.LOG", "size": 2048, "url": "http://x/1", "proxy_url": "http://x/1"},
            {"id": "2", "filename": "core.bin", "size": 10, "url": "http://x/2", "proxy_url": "http://x/2"},
            {"id": "3", "filename": "graph", "size": 900, "url": "http://x/3", "proxy_url": "http://x/3",
             "content_type": "image/png"},
            {"id": "4", "filename": "huge.txt", "size": 9000, "url": "http://x/4", "proxy_url": "http://x/4"}
        ]);
        let raw = parse(json);
        assert!(has_pin_reaction(&raw));
        assert_eq!(member_roles(&raw), Some(vec![700]));
        let fetched: Vec<bool> = raw
            .attachments
            .iter()
            .map(|a| worth_fetching(a, 4096))
            .collect();
        assert_eq!(fetched, [true, false, true, false]);
        assert_eq!(message(&raw).attachments[0].file_name, "worker.LOG");
    }

    #[test]
    fn pin_notices_are_not_chat() {
        assert!(is_chat(&parse(payload(905, "hello"))));
        let mut notice = payload(906, "");
        notice["type"] = 6.into();
        assert!(!is_chat(&parse(notice)));
    }

    #[test]
    fn mentions_are_found_in_any_spelling() {
        assert_eq!(mentioned_ids("<@123> and <@!456>, <@123>"), [123, 456]);
        assert!(mentioned_ids("M. Tanaka <@nobody> <@").is_empty());
    }
}
