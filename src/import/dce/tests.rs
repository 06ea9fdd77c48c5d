//! The reader against the documented sample, older and odder exports,
//! and broken files.

use std::io::Cursor;

use super::*;
use crate::model::Person;

/// The example of formats.md §1.4, as written there.
const SAMPLE: &str = r##"{
  "guild":   { "id": "900000000000000001", "name": "Acme Ops", "iconUrl": "https://cdn.example/icon.png" },
  "channel": { "id": "900000000000000002", "type": "GuildTextChat", "categoryId": "900000000000000003",
               "category": "incidents", "name": "inc-2026-03-db-failover", "topic": "SEV2 primary DB failover" },
  "dateRange": { "after": null, "before": null },
  "exportedAt": "2026-03-02T10:00:00.5+00:00",
  "messages": [
    {
      "id": "900000000000000010", "type": "Default",
      "timestamp": "2026-03-01T09:14:03.2+00:00", "timestampEdited": null, "callEndedTimestamp": null,
      "isPinned": true,
      "content": "Paging @oncall-db: replica lag > 30s on db-eu-1",
      "author": { "id": "900000000000000020", "name": "pat", "discriminator": "0000", "nickname": "Pat (SRE)",
                  "color": "#3498DB", "isBot": false, "roles": [ { "id": "9", "name": "SRE", "color": "#3498DB", "position": 4 } ],
                  "avatarUrl": "https://cdn.example/a.png" },
      "attachments": [ { "id": "900000000000000030", "url": "https://cdn.example/graph.png", "fileName": "graph.png", "fileSizeBytes": 48211 } ],
      "embeds": [], "stickers": [],
      "reactions": [ { "emoji": { "id": "", "name": "👀", "code": "eyes", "isAnimated": false, "imageUrl": "https://cdn.example/eyes.svg" },
                       "count": 2, "users": [] } ],
      "mentions": [],
      "inlineEmojis": []
    },
    {
      "id": "900000000000000011", "type": "Reply",
      "timestamp": "2026-03-01T09:15:40+00:00", "timestampEdited": "2026-03-01T09:16:02.75+00:00", "callEndedTimestamp": null,
      "isPinned": false, "content": "ack, failing over",
      "author": { "id": "900000000000000021", "name": "sam", "discriminator": "0000", "nickname": "sam", "color": null,
                  "isBot": false, "roles": [], "avatarUrl": "https://cdn.example/b.png" },
      "attachments": [], "embeds": [], "stickers": [], "reactions": [], "mentions": [],
      "reference": { "type": "Default", "messageId": "900000000000000010", "channelId": "900000000000000002", "guildId": "900000000000000001" },
      "inlineEmojis": []
    }
  ],
  "messageCount": 2
}"##;

fn read_all(json: &str) -> Result<(ExportInfo, Vec<Message>), ImportError> {
    let mut messages = Vec::new();
    let info = read(Cursor::new(json), MediaDir::none(), |m| messages.push(m))?;
    Ok((info, messages))
}

/// Wraps message objects in a minimal top-level object.
fn export_of(messages: &[&str]) -> String {
    format!(
        r#"{{"channel": {{"id": "42", "name": "inc"}}, "messages": [{}]}}"#,
        messages.join(",")
    )
}

fn minimal(id: u64, extra: &str) -> String {
    format!(
        r#"{{"id": "{id}", "timestamp": "2026-06-03T04:40:00+00:00",
            "author": {{"id": "7", "name": "mtanaka"}}, "content": "hi"{extra}}}"#
    )
}

#[test]
fn the_documented_sample_reads_in_full() {
    let (info, messages) = read_all(SAMPLE).unwrap();
    let channel = info.channel.unwrap();
    assert_eq!(channel.name, "inc-2026-03-db-failover");
    assert_eq!(channel.topic.as_deref(), Some("SEV2 primary DB failover"));
    assert_eq!(channel.guild_id, Some(Snowflake(900000000000000001)));
    assert_eq!(info.guild_name.as_deref(), Some("Acme Ops"));
    assert_eq!((info.messages, info.system_skipped), (2, 0));
    assert_eq!(info.declared_count, Some(2));
    assert_eq!(
        info.exported_at.unwrap().to_rfc3339(),
        "2026-03-02T10:00:00.500+00:00"
    );

    let first = &messages[0];
    assert_eq!(first.author.name, "Pat (SRE)");
    assert!(first.pinned && first.pin_reactions.is_empty());
    assert_eq!(first.channel_id, Some(channel.id));
    assert_eq!(first.attachments[0].file_name, "graph.png");
    assert_eq!(first.attachments[0].size, 48211);
    assert_eq!(first.attachments[0].bytes, None);

    let second = &messages[1];
    assert_eq!(second.reply_to, Some(first.id));
    assert_eq!(second.author.name, "sam");
    assert!(second.edited_at.is_some());
}

#[test]
fn offsets_are_kept_as_written() {
    let message = minimal(1, "").replace("+00:00", "-04:00");
    let (_, messages) = read_all(&export_of(&[&message])).unwrap();
    let posted = messages[0].posted_at;
    assert_eq!(posted.offset().local_minus_utc(), -4 * 3600);
    assert_eq!(posted.to_rfc3339(), "2026-06-03T04:40:00-04:00");
    assert_eq!(
        messages[0].posted_utc().to_rfc3339(),
        "2026-06-03T08:40:00+00:00"
    );
}

#[test]
fn an_old_export_with_only_the_required_keys_reads() {
    let json = format!(r#"{{"messages": [{}]}}"#, minimal(5, ""));
    let (info, messages) = read_all(&json).unwrap();
    assert_eq!(info.channel, None);
    assert_eq!(info.exported_at, None);
    assert_eq!(info.declared_count, None);
    let m = &messages[0];
    assert_eq!((m.id, m.channel_id, m.pinned), (Snowflake(5), None, false));
    assert!(m.attachments.is_empty() && m.pin_reactions.is_empty());
    assert!(!m.author.is_bot);
}

#[test]
fn a_missing_required_key_is_reported_where_it_is() {
    let json = r#"{"messages": [
        {"id": "5", "content": "x",
         "author": {"id": "7", "name": "a"}}
    ]}"#;
    let err = read_all(json).unwrap_err().to_string();
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("missing field `timestamp`"), "{err}");
}

#[test]
fn pushpin_reactions_name_who_pinned() {
    let pin = |name: &str, code: &str, count: u32, users: &str| {
        format!(
            r#", "reactions": [{{"emoji": {{"id": "", "name": "{name}", "code": "{code}"}},
                 "count": {count}, "users": [{users}]}}]"#
        )
    };
    let okafor = r#"{"id": "8", "name": "rokafor", "nickname": "R. Okafor"}"#;
    let plain = r#"{"id": "9", "name": "sdewit", "nickname": ""}"#;
    let messages = [
        minimal(1, &pin("📌", "pushpin", 2, &format!("{okafor},{plain}"))),
        minimal(2, &pin("", "pushpin", 3, "")),
        minimal(3, &pin("👀", "eyes", 1, okafor)),
    ];
    let refs: Vec<&str> = messages.iter().map(String::as_str).collect();
    let (_, read) = read_all(&export_of(&refs)).unwrap();
    let names = |m: &Message| {
        m.pin_reactions
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&read[0]), ["R. Okafor", "sdewit"]);
    assert_eq!(read[0].pin_reactions[0].id, Some(Snowflake(8)));
    assert_eq!(read[1].pin_reactions, [Person::named("unknown")]);
    assert!(read[2].pin_reactions.is_empty());
    assert!(read[0].is_pinned_or_flagged() && !read[2].is_pinned_or_flagged());
}

#[test]
fn a_slash_command_answer_keeps_its_interaction() {
    let answer = r#"{"id": "11", "type": "20", "timestamp": "2026-06-03T04:52:10+00:00",
        "author": {"id": "99", "name": "Scribe", "isBot": true}, "content": "Phase → mitigate",
        "interaction": {"id": "12", "name": "phase",
                        "user": {"id": "7", "name": "mtanaka", "nickname": "M. Tanaka"}}}"#;
    let (info, messages) = read_all(&export_of(&[answer])).unwrap();
    assert_eq!(info.messages, 1);
    let m = &messages[0];
    assert!(m.author.is_bot);
    let interaction = m.interaction.as_ref().unwrap();
    assert_eq!(
        (interaction.id, interaction.name.as_str()),
        (Snowflake(12), "phase")
    );
    assert_eq!(interaction.user.name, "M. Tanaka");
    assert_eq!(interaction.user.id, Some(Snowflake(7)));
}

#[test]
fn mentions_embeds_and_forwards_convert() {
    let extra = r#", "mentions": [{"id": "8", "name": "rokafor", "nickname": "R. Okafor"}],
        "embeds": [{"title": "Runbook", "url": null, "description": "Pause the queue"}],
        "reference": {"type": "Forward", "messageId": "3"}"#;
    let (_, messages) = read_all(&export_of(&[&minimal(4, extra)])).unwrap();
    let m = &messages[0];
    assert_eq!(m.mentions[0].name, "R. Okafor");
    assert_eq!(m.embeds[0].title, "Runbook");
    assert_eq!(m.embeds[0].url, None);
    assert_eq!(m.reply_to, None, "a forward is not a reply");
}

#[test]
fn system_notices_are_counted_and_left_out() {
    let kinds = [
        "GuildMemberJoin",
        "Default",
        "ChannelPinnedMessage",
        "Reply",
        "23",
    ];
    let messages: Vec<String> = (1..)
        .zip(kinds)
        .map(|(id, kind)| minimal(id, &format!(r#", "type": "{kind}""#)))
        .collect();
    let refs: Vec<&str> = messages.iter().map(String::as_str).collect();
    let (info, read) = read_all(&export_of(&refs)).unwrap();
    assert_eq!((info.messages, info.system_skipped), (3, 2));
    let ids: Vec<u64> = read.iter().map(|m| m.id.0).collect();
    assert_eq!(ids, [2, 4, 5]);
}

#[test]
fn malformed_json_says_where_and_what_without_quoting_text() {
    let json =
        "{\"messages\": [\n  {\"id\": \"1\", \"content\": \"the secret plan\"\n  \"x\": 1}\n]}";
    let err = read_all(json).unwrap_err();
    let ImportError::Malformed { line, column, .. } = &err else {
        panic!("{err}");
    };
    assert_eq!((*line, *column), (3, 3));
    let text = err.to_string();
    assert!(text.contains("expected `,` or `}`"), "{text}");
    assert!(!text.contains("secret"), "{text}");
}

#[test]
fn a_wrong_type_never_quotes_the_value() {
    let json = export_of(&[&minimal(1, r#", "isPinned": "hunter2 is the password""#)]);
    let text = read_all(&json).unwrap_err().to_string();
    assert!(text.contains("expected a boolean"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

#[test]
fn blank_lines_before_the_object_keep_line_numbers_right() {
    // A small buffer makes the reader consume whole blank buffers.
    let padding = " \n".repeat(300);
    let json = format!("{padding}{{\"messages\": [}}");
    let small = std::io::BufReader::with_capacity(64, Cursor::new(json));
    let Err(ImportError::Malformed { line, .. }) = read(small, MediaDir::none(), drop) else {
        panic!("not malformed");
    };
    assert_eq!(line, 301);
}

#[test]
fn html_exports_are_refused_with_the_way_out() {
    let html = "\u{FEFF}<!DOCTYPE html>\n<html lang=\"en\"><head><title>ABC Corp - inc</title>";
    let err = read_all(html).unwrap_err();
    assert!(matches!(err, ImportError::HtmlExport));
    assert!(err.to_string().contains("--format Json"));
}

#[test]
fn files_that_are_not_exports_get_their_own_errors() {
    assert!(matches!(read_all("").unwrap_err(), ImportError::Empty));
    assert!(matches!(
        read_all(" \n\t\n").unwrap_err(),
        ImportError::Empty
    ));
    assert!(matches!(
        read_all("[{\"id\": 1}]").unwrap_err(),
        ImportError::JsonArray
    ));
    let no_messages = read_all(r#"{"guild": {"id": "1", "name": "x"}}"#).unwrap_err();
    assert!(matches!(no_messages, ImportError::NoMessages));
    assert!(matches!(
        read_all("PK\x03\x04zip").unwrap_err(),
        ImportError::NotJson(_)
    ));
    assert!(matches!(
        read_all("hello").unwrap_err(),
        ImportError::NotJson(_)
    ));
    let trailing = read_all("{\"messages\": []} {}").unwrap_err();
    assert!(
        matches!(trailing, ImportError::Malformed { .. }),
        "{trailing}"
    );
}

#[test]
fn local_media_files_are_read_under_the_cap_only() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("inc.json_Files");
    std::fs::create_dir(&media).unwrap();
    std::fs::write(
        media.join("app-1F2E.log"),
        "04:36:02 ALERT recon 1,842 drafts\n",
    )
    .unwrap();
    std::fs::write(media.join("big-9A8B.png"), vec![0u8; 4096]).unwrap();
    std::fs::write(dir.path().join("outside.txt"), "not media").unwrap();

    let attach = |id: u32, url: &str| {
        format!(r#"{{"id": "{id}", "url": "{url}", "fileName": "f", "fileSizeBytes": 10}}"#)
    };
    let list = [
        attach(1, "inc.json_Files/app-1F2E.log"),
        attach(2, "inc.json_Files\\\\big-9A8B.png"),
        attach(3, "inc.json_Files/missing.log"),
        attach(4, "inc.json_Files/../outside.txt"),
        attach(5, "https://cdn.discordapp.com/attachments/1/2/app.log"),
    ];
    let message = minimal(1, &format!(r#", "attachments": [{}]"#, list.join(",")));
    let limits = MediaDir {
        base: Some(dir.path()),
        max_bytes: 1024,
    };
    let mut read_back = Vec::new();
    read(Cursor::new(export_of(&[&message])), limits, |m| {
        read_back.push(m)
    })
    .unwrap();

    let attachments = &read_back[0].attachments;
    let log = attachments[0].bytes.as_deref().unwrap();
    assert!(log.starts_with(b"04:36:02 ALERT"));
    assert_eq!(attachments[0].size, log.len() as u64);
    for skipped in &attachments[1..] {
        assert_eq!(skipped.bytes, None, "{}", skipped.id);
        assert_eq!(skipped.size, 10);
    }
}
