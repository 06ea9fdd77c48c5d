//! Discord's JSON shapes, as serenity 0.12 reads them.
//!
//! Every required field of serenity's models is written out, because a
//! dispatch that fails to deserialize is dropped without a word; the tests
//! at the bottom parse each shape with serenity's own types.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::state::{Account, ChannelDef, RoleDef};

/// Milliseconds from the Unix epoch to Discord's, the first second of 2015.
const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;

/// The snowflake for `at` with a low `counter` keeping ids unique.
pub fn snowflake(at: DateTime<Utc>, counter: u64) -> u64 {
    let ms = (at.timestamp_millis() - DISCORD_EPOCH_MS).max(0) as u64;
    (ms << 22) | (counter & 0x3f_ffff)
}

/// The instant a snowflake was made.
pub fn snowflake_time(id: u64) -> DateTime<Utc> {
    let ms = (id >> 22) as i64 + DISCORD_EPOCH_MS;
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Discord's timestamp spelling: RFC 3339 with microseconds.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

/// A user object.
pub fn user(account: &Account) -> Value {
    json!({
        "id": account.id.to_string(),
        "username": account.name,
        "discriminator": "0",
        "global_name": account.name,
        "avatar": null,
        "bot": account.bot,
        "system": false,
        "public_flags": 0,
        "flags": 0,
    })
}

/// A guild member object, with the user inside.
pub fn member(account: &Account, joined: DateTime<Utc>) -> Value {
    let mut value = partial_member(account, joined);
    value["user"] = user(account);
    value["flags"] = json!(0);
    value
}

/// The member object a message or reaction carries: no user inside.
pub fn partial_member(account: &Account, joined: DateTime<Utc>) -> Value {
    let roles: Vec<String> = account.roles.iter().map(u64::to_string).collect();
    json!({
        "roles": roles,
        "nick": null,
        "avatar": null,
        "joined_at": timestamp(joined),
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "pending": false,
    })
}

/// A role, with the `colors` object serenity 0.12.5 requires.
pub fn role(def: &RoleDef, position: usize) -> Value {
    json!({
        "id": def.id.to_string(),
        "name": def.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": "0",
        "managed": false,
        "mentionable": false,
        "flags": 0,
    })
}

/// A guild text channel, or a public thread when `def.parent` is set.
pub fn channel(def: &ChannelDef, guild_id: u64, created: DateTime<Utc>) -> Value {
    let mut value = json!({
        "id": def.id.to_string(),
        "guild_id": guild_id.to_string(),
        "type": 0,
        "name": def.name,
        "position": 0,
        "permission_overwrites": [],
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
    });
    if let Some(parent) = def.parent {
        value["type"] = json!(11);
        value["parent_id"] = json!(parent.to_string());
        value["thread_metadata"] = thread_metadata(created);
    }
    value
}

/// An open thread's metadata.
fn thread_metadata(created: DateTime<Utc>) -> Value {
    json!({
        "archived": false,
        "auto_archive_duration": 1440,
        "archive_timestamp": timestamp(created),
        "locked": false,
        "create_timestamp": timestamp(created),
    })
}

/// What a new message starts as; the caller fills in content and files.
pub fn message(id: u64, channel_id: u64, author: &Account) -> Value {
    json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": user(author),
        "content": "",
        "timestamp": timestamp(snowflake_time(id)),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
        "components": [],
    })
}

/// An attachment served by the fake's CDN path.
pub fn attachment(id: u64, name: &str, size: usize, url: &str) -> Value {
    json!({
        "id": id.to_string(),
        "filename": name,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": content_type(name),
    })
}

/// The media type Discord would guess from the file name.
fn content_type(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    let table = [
        (".png", "image/png"),
        (".jpg", "image/jpeg"),
        (".jpeg", "image/jpeg"),
        (".gif", "image/gif"),
        (".html", "text/html; charset=utf-8"),
        (".zip", "application/zip"),
        (".json", "application/json; charset=utf-8"),
    ];
    let found = table.iter().find(|(ext, _)| lower.ends_with(ext));
    found.map_or("text/plain; charset=utf-8", |(_, kind)| kind)
}

/// One entry of a message's `reactions` list.
pub fn reaction_count(emoji: &str, count: usize, me: bool) -> Value {
    json!({
        "count": count,
        "count_details": {"burst": 0, "normal": count},
        "me": me,
        "me_burst": false,
        "emoji": {"id": null, "name": emoji},
        "burst_colors": [],
    })
}

/// The gateway frame of a dispatch.
pub fn dispatch(seq: u64, name: &str, data: &Value) -> Value {
    json!({"op": 0, "s": seq, "t": name, "d": data})
}

/// The READY dispatch's data.
pub fn ready(bot: &Account, session: &str, resume_url: &str, guild_id: u64, app_id: u64) -> Value {
    json!({
        "v": 10,
        "user": user(bot),
        "guilds": [{"id": guild_id.to_string(), "unavailable": true}],
        "session_id": session,
        "resume_gateway_url": resume_url,
        "shard": [0, 1],
        "application": {"id": app_id.to_string(), "flags": 0},
    })
}

/// The current application, as `GET /oauth2/applications/@me` answers.
pub fn application(app_id: u64, owner: &Account) -> Value {
    json!({
        "id": app_id.to_string(),
        "name": "Scribe",
        "icon": null,
        "description": "",
        "bot_public": false,
        "bot_require_code_grant": false,
        "owner": user(owner),
        "verify_key": "00",
        "team": null,
        "flags": 0,
    })
}

/// A registered command as Discord echoes it: the builder's fields plus
/// ids and a version.
pub fn registered(mut command: Value, id: u64, app_id: u64, guild: Option<u64>) -> Value {
    let fields = [
        ("id", json!(id.to_string())),
        ("application_id", json!(app_id.to_string())),
        ("version", json!(id.to_string())),
        ("guild_id", json!(guild.map(|g| g.to_string()))),
    ];
    for (name, value) in fields {
        command[name] = value;
    }
    if command.get("type").is_none() {
        command["type"] = json!(1);
    }
    if command.get("description").is_none() {
        command["description"] = json!("");
    }
    command
}

#[cfg(test)]
mod tests {
    use serenity::model::prelude::*;

    use super::*;

    fn alice() -> Account {
        Account {
            id: 4242,
            name: "alice".into(),
            bot: false,
            roles: vec![7],
        }
    }

    fn parse<T: serde::de::DeserializeOwned>(value: Value) -> T {
        match serde_json::from_value(value.clone()) {
            Ok(parsed) => parsed,
            Err(err) => panic!("serenity refuses {value}: {err}"),
        }
    }

    #[test]
    fn snowflakes_carry_their_time() {
        let at = DateTime::parse_from_rfc3339("2026-03-14T09:30:00Z")
            .unwrap()
            .to_utc();
        let id = snowflake(at, 5);
        assert_eq!(snowflake_time(id), at);
        assert!(snowflake(at, 6) > id);
    }

    #[test]
    fn serenity_reads_users_members_roles_and_channels() {
        let _: User = parse(user(&alice()));
        let member: Member = parse(member(&alice(), Utc::now()));
        assert_eq!(member.roles, vec![RoleId::new(7)]);
        let role_def = RoleDef {
            id: 7,
            name: "responder".into(),
        };
        let _: Role = parse(role(&role_def, 1));
        let thread = ChannelDef {
            id: 9,
            name: "t".into(),
            parent: Some(8),
        };
        let parsed: GuildChannel = parse(channel(&thread, 1, Utc::now()));
        assert_eq!(parsed.kind, ChannelType::PublicThread);
    }

    #[test]
    fn serenity_reads_messages_with_files_and_reactions() {
        let mut value = message(snowflake(Utc::now(), 1), 8, &alice());
        value["attachments"] = json!([attachment(3, "a.log", 10, "http://x/a.log")]);
        value["reactions"] = json!([reaction_count("📌", 1, false)]);
        let parsed: Message = parse(value);
        assert_eq!(parsed.attachments[0].filename, "a.log");
    }

    #[test]
    fn a_role_without_colors_is_refused_by_serenity() {
        let mut value = role(
            &RoleDef {
                id: 7,
                name: "r".into(),
            },
            1,
        );
        value.as_object_mut().unwrap().remove("colors");
        assert!(serde_json::from_value::<Role>(value).is_err());
    }

    #[test]
    fn serenity_reads_ready_and_application() {
        let frame = dispatch(1, "READY", &ready(&alice(), "s", "ws://x", 1, 2));
        let event: GatewayEvent = parse(frame);
        assert!(matches!(event, GatewayEvent::Dispatch(1, Event::Ready(_))));
        let _: CurrentApplicationInfo = parse(application(2, &alice()));
    }
}
