//! Checks of the bundled example incident (`examples/INC-2417/`) and of
//! the hostile test fixture (`tests/fixtures/OPS-88/`) against the
//! readers and the annotation parser: the files are hand-written, so
//! these tests are what keeps them consistent with the facts and with
//! the typed spelling.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::dce::{self, ExportInfo, MediaDir};
use super::notes::read_notes;
use crate::annotate::{Clock, Context, confirmation, parse_confirmation, parse_typed};
use crate::model::{ActionStatus, Command, Message, Phase};

fn severities() -> Vec<String> {
    ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]
        .map(String::from)
        .to_vec()
}

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn read_export(folder: &Path) -> (ExportInfo, Vec<Message>) {
    let file = File::open(folder.join("export.json")).expect("export present");
    let media = MediaDir {
        base: Some(folder),
        max_bytes: 1024 * 1024,
    };
    let mut messages = Vec::new();
    let info = dce::read(BufReader::new(file), media, |m| messages.push(m)).expect("export reads");
    (info, messages)
}

/// Every command in the channel: typed ones from people, and the
/// slash commands Scribe confirmed; and the ids of refused typed ones.
fn channel_commands(messages: &[Message], tz: Tz) -> (Vec<(DateTime<Utc>, Command)>, Vec<u64>) {
    let severities = severities();
    let (mut commands, mut refused) = (Vec::new(), Vec::new());
    for m in messages {
        let ctx = Context {
            tz,
            clock: Clock::Chat {
                now: m.posted_utc(),
            },
            severities: &severities,
            mentions: &m.mentions,
        };
        let parsed = if m.interaction.is_some() {
            parse_confirmation(&m.content, &ctx)
        } else if m.author.is_bot {
            None
        } else {
            parse_typed(&m.content, &ctx).unwrap_or_else(|_| {
                refused.push(m.id.0);
                None
            })
        };
        commands.extend(parsed.map(|c| (m.posted_utc(), c)));
    }
    (commands, refused)
}

/// The commands of an export that must have none refused.
fn applied(messages: &[Message], tz: Tz) -> Vec<(DateTime<Utc>, Command)> {
    let (commands, refused) = channel_commands(messages, tz);
    assert!(refused.is_empty(), "refused: {refused:?}");
    commands
}

/// Each slash answer is exactly the confirmation Scribe writes for the
/// command it carries.
fn assert_confirmations_match(messages: &[Message], tz: Tz) {
    for m in messages.iter().filter(|m| m.interaction.is_some()) {
        let commands = applied(std::slice::from_ref(m), tz);
        let (_, command) = commands.first().expect("a confirmation");
        assert_eq!(confirmation(command, tz), m.content);
    }
}

fn utc(text: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("test time");
    Utc.from_utc_datetime(&naive)
}

mod inc_2417 {
    use super::*;

    fn example() -> (ExportInfo, Vec<Message>) {
        read_export(&dir("examples/INC-2417"))
    }

    fn notes() -> Vec<Command> {
        let text = std::fs::read_to_string(dir("examples/INC-2417/notes.txt")).unwrap();
        let (annotations, errors) = read_notes("notes.txt", &text, chrono_tz::UTC, &severities());
        assert!(errors.is_empty(), "{errors:?}");
        annotations.into_iter().map(|a| a.command).collect()
    }

    #[test]
    fn the_export_reads_with_its_channel_and_counts() {
        let (info, messages) = example();
        let channel = info.channel.unwrap();
        assert_eq!(channel.name, "inc-2417-duplicate-invoices");
        assert_eq!(info.guild_name.as_deref(), Some("ABC Corp"));
        assert_eq!((info.messages, info.system_skipped), (76, 3));
        assert_eq!(info.declared_count, Some(79));
        assert_eq!(messages.len(), 76);
        assert!(messages.iter().all(|m| m.channel_id == Some(channel.id)));
    }

    #[test]
    fn every_id_was_minted_when_its_message_was_posted() {
        let (_, messages) = example();
        for m in &messages {
            let drift = m.id.timestamp() - m.posted_utc();
            assert!(
                drift.abs() < Duration::seconds(1),
                "{} drifts {drift}",
                m.id
            );
        }
        let ascending = messages.windows(2).all(|w| w[0].id < w[1].id);
        assert!(ascending, "ids are distinct and in posting order");
    }

    #[test]
    fn the_required_message_shapes_are_there() {
        let (_, messages) = example();
        assert!(messages.iter().any(|m| m.edited_at.is_some()));
        assert!(messages.iter().any(|m| m.reply_to.is_some()));
        assert!(
            messages
                .iter()
                .any(|m| !m.mentions.is_empty() && !m.author.is_bot)
        );
        let flagged = messages.iter().filter(|m| m.is_pinned_or_flagged()).count();
        assert_eq!(flagged, 6);
        let slash = messages.iter().filter(|m| m.interaction.is_some()).count();
        assert_eq!(slash, 9);
        let excerpts = messages
            .iter()
            .filter(|m| m.content.contains("```\n# "))
            .count();
        assert_eq!(excerpts, 2);
    }

    #[test]
    fn every_command_applies_as_the_facts_say() {
        let (_, messages) = example();
        let commands = applied(&messages, chrono_tz::UTC);
        assert_eq!(commands.len(), 39);

        let whys: Vec<&str> = commands
            .iter()
            .filter_map(|(_, c)| match c {
                Command::WhyAdd { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(whys.len(), 5);
        for (why, start) in whys.iter().zip([
            "Why were",
            "Why did it",
            "Why did the",
            "Why was",
            "Why did nothing",
        ]) {
            assert!(why.starts_with(start), "{why}");
        }

        let first_action = commands.iter().find_map(|(_, c)| match c {
            Command::ActionAdd {
                owner, reference, ..
            } => Some((owner.name.clone(), reference.clone())),
            _ => None,
        });
        let batch_ref = Some("batch-billing#498".to_string());
        assert_eq!(first_action, Some(("M. Tanaka".to_string(), batch_ref)));

        let count = |f: fn(&Command) -> bool| commands.iter().filter(|(_, c)| f(c)).count();
        assert_eq!(count(|c| matches!(c, Command::ActionAdd { .. })), 5);
        assert_eq!(count(|c| matches!(c, Command::ControlAdd { .. })), 4);
        assert_eq!(count(|c| matches!(c, Command::ImpactCard { .. })), 4);
        assert_eq!(count(|c| matches!(c, Command::LinkAdd { .. })), 2);
        let done = |c: &Command| {
            matches!(
                c,
                Command::ActionSetStatus {
                    status: ActionStatus::Done,
                    ..
                }
            )
        };
        assert_eq!(count(done), 3);
    }

    #[test]
    fn slash_answers_read_exactly_as_scribe_writes_them() {
        assert_confirmations_match(&example().1, chrono_tz::UTC);
    }

    #[test]
    fn publishing_happens_on_both_days() {
        let (_, messages) = example();
        let publishes: Vec<DateTime<Utc>> = applied(&messages, chrono_tz::UTC)
            .into_iter()
            .filter(|(_, c)| matches!(c, Command::PostmortemPublish))
            .map(|(at, _)| at)
            .collect();
        assert_eq!(publishes.len(), 2);
        assert_eq!(
            publishes[0].format("%Y-%m-%d %H:%M").to_string(),
            "2026-06-03 07:20"
        );
        assert_eq!(
            publishes[1].format("%Y-%m-%d %H:%M").to_string(),
            "2026-06-20 11:50"
        );
    }

    #[test]
    fn phases_and_marks_carry_the_facts_times() {
        let (_, messages) = example();
        let commands = applied(&messages, chrono_tz::UTC);
        let phase_at = |p: Phase| {
            commands.iter().find_map(|(_, c)| match c {
                Command::Phase { phase, at } if *phase == p => *at,
                _ => None,
            })
        };
        assert_eq!(phase_at(Phase::Detect), Some(utc("2026-06-03 04:36")));
        assert_eq!(phase_at(Phase::Escalate), Some(utc("2026-06-03 04:41")));
        assert_eq!(phase_at(Phase::Mitigate), Some(utc("2026-06-03 04:52")));
        assert_eq!(phase_at(Phase::Resolve), Some(utc("2026-06-03 06:02")));
        let open = commands.iter().find_map(|(_, c)| match c {
            Command::IncidentOpen { id, severity, .. } => Some(format!("{id} {severity}")),
            _ => None,
        });
        assert_eq!(open.as_deref(), Some("INC-2417 SEV-2"));
    }

    /// The minutes the facts table lists, lead-up to close.
    const FACT_TIMES: [&str; 14] = [
        "02:14", "02:15", "02:15", "02:58", "04:30", "04:36", "04:41", "04:48", "04:52", "05:05",
        "05:20", "05:41", "06:02", "07:14",
    ];

    /// A timeline entry's minute: an event's `at`, or when a pinned or
    /// 📌-flagged message was posted.
    fn entry_minutes(messages: &[Message], notes: &[Command]) -> Vec<String> {
        let commands = applied(messages, chrono_tz::UTC);
        let events = commands.iter().map(|(_, c)| c).chain(notes);
        let mut minutes: Vec<NaiveTime> = events
            .filter_map(|c| match c {
                Command::Event { at, .. } => *at,
                _ => None,
            })
            .map(|at| at.time())
            .collect();
        let flagged = messages
            .iter()
            .filter(|m| m.is_pinned_or_flagged() && !m.author.is_bot);
        minutes.extend(flagged.map(|m| m.posted_utc().time()));
        minutes.sort();
        minutes
            .iter()
            .map(|t| t.format("%H:%M").to_string())
            .collect()
    }

    #[test]
    fn every_timeline_fact_is_an_entry_at_its_time() {
        let (_, messages) = example();
        let minutes = entry_minutes(&messages, &notes());
        assert_eq!(minutes, FACT_TIMES);
    }

    #[test]
    fn the_notes_hold_the_lead_up() {
        let notes = notes();
        assert_eq!(notes.len(), 6);
        let keys: Vec<bool> = notes
            .iter()
            .filter_map(|c| match c {
                Command::Event { key, .. } => Some(*key),
                _ => None,
            })
            .collect();
        assert_eq!(keys, [true, true, false, true, false, true]);
    }
}

mod ops_88 {
    use super::*;

    const BERLIN: Tz = chrono_tz::Europe::Berlin;

    fn fixture() -> (ExportInfo, Vec<Message>) {
        read_export(&dir("tests/fixtures/OPS-88"))
    }

    fn by_author<'a>(messages: &'a [Message], name: &str) -> Vec<&'a Message> {
        messages.iter().filter(|m| m.author.name == name).collect()
    }

    #[test]
    fn local_offsets_and_the_midnight_crossing_are_kept() {
        let (info, messages) = fixture();
        assert_eq!((info.messages, info.system_skipped), (29, 1));
        assert!(
            messages
                .iter()
                .all(|m| m.posted_at.offset().local_minus_utc() == 7200)
        );
        let first = messages.first().unwrap().posted_at;
        let last = messages.last().unwrap().posted_at;
        assert_eq!(first.date_naive().to_string(), "2026-09-14");
        assert_eq!(last.date_naive().to_string(), "2026-09-15");
        assert!(info.exported_at.unwrap().to_rfc3339().ends_with("+02:00"));
    }

    #[test]
    fn hostile_fields_arrive_verbatim_for_the_renderer_to_escape() {
        let (info, messages) = fixture();
        let topic = info.channel.unwrap().topic.unwrap();
        assert!(
            topic.contains("<script>") && topic.contains("javascript:"),
            "{topic}"
        );
        let mallory = by_author(&messages, "<b>Mallory</b>");
        assert_eq!(mallory.len(), 4);
        let alert = &messages[0];
        assert!(alert.author.is_bot);
        assert!(alert.embeds[0].title.contains("<img src=x onerror="));
        assert_eq!(
            alert.embeds[0].url.as_deref(),
            Some("javascript:alert('embed-url')")
        );
        let texts: String = messages.iter().map(|m| m.content.as_str()).collect();
        for needle in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "](javascript:",
            "</script><!--",
        ] {
            assert!(texts.contains(needle), "{needle}");
        }
        let names: Vec<&str> = messages
            .iter()
            .flat_map(|m| &m.attachments)
            .map(|a| a.file_name.as_str())
            .collect();
        assert!(names.contains(&"\"><svg onload=alert(1)>.log"), "{names:?}");
    }

    #[test]
    fn secrets_are_present_for_redaction_to_find() {
        let (_, messages) = fixture();
        let texts: String = messages.iter().map(|m| m.content.as_str()).collect();
        for secret in [
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_",
            "password=",
            "eyJhbGciOiJIUzI1NiIs",
            "BEGIN OPENSSH PRIVATE KEY",
        ] {
            assert!(texts.contains(secret), "{secret}");
        }
    }

    #[test]
    fn only_the_local_log_file_brings_its_bytes() {
        let (_, messages) = fixture();
        let attachments: Vec<_> = messages.iter().flat_map(|m| &m.attachments).collect();
        assert_eq!(attachments.len(), 3);
        let log = attachments
            .iter()
            .find(|a| a.file_name == "cache-node-3.log")
            .unwrap();
        let bytes = log.bytes.as_deref().expect("bytes from export_files");
        assert!(bytes.starts_with(b"2026-09-14T22:55:41.203+02:00 INFO"));
        assert!(String::from_utf8_lossy(bytes).contains("token="));
        let without: Vec<_> = attachments.iter().filter(|a| a.bytes.is_none()).collect();
        assert_eq!(without.len(), 2, "the CDN attachments keep no bytes");
    }

    #[test]
    fn the_bot_command_is_ignored_and_the_bad_phase_refused() {
        let (_, messages) = fixture();
        let (commands, refused) = channel_commands(&messages, BERLIN);
        assert_eq!(commands.len(), 11);
        let italo = by_author(&messages, "Ítalo");
        let bad = italo
            .iter()
            .find(|m| m.content == "/phase mitigating")
            .unwrap();
        assert_eq!(refused, [bad.id.0]);
        let bot_said = messages
            .iter()
            .find(|m| m.author.is_bot && m.content.starts_with("/phase"));
        let bot_time = bot_said.unwrap().posted_utc();
        assert!(
            commands.iter().all(|(at, _)| *at != bot_time),
            "a bot never annotates"
        );
        assert_confirmations_match(&messages, BERLIN);
    }

    #[test]
    fn a_bare_time_just_after_midnight_means_the_evening_before() {
        let (_, messages) = fixture();
        let commands = applied_without(&messages);
        let start = commands.iter().find_map(|(_, c)| match c {
            Command::ImpactStart { at } => *at,
            _ => None,
        });
        assert_eq!(start, Some(utc("2026-09-14 21:02")));
        let open = commands.iter().find_map(|(_, c)| match c {
            Command::IncidentOpen { id, commander, .. } => {
                Some((id.to_string(), commander.clone()))
            }
            _ => None,
        });
        let (id, commander) = open.unwrap();
        assert_eq!(id, "OPS-88");
        assert_eq!(commander.unwrap().name, "Zoë Ångström");
    }

    /// The fixture's commands, leaving out the one it refuses on purpose.
    fn applied_without(messages: &[Message]) -> Vec<(DateTime<Utc>, Command)> {
        channel_commands(messages, BERLIN).0
    }

    #[test]
    fn the_notes_read_in_berlin_time_with_one_refusal() {
        let text = std::fs::read_to_string(dir("tests/fixtures/OPS-88/notes.txt")).unwrap();
        let (annotations, errors) = read_notes("notes.txt", &text, BERLIN, &severities());
        assert_eq!(annotations.len(), 5);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 9);
        assert_eq!(annotations[0].given_at, utc("2026-09-14 20:50"));
        assert_eq!(annotations[4].given_at, utc("2026-09-14 22:04"));
    }
}
