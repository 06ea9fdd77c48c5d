//! A small INC-2417 dossier built by hand for the render tests: phases,
//! events, key and plain messages, an edit, a bot, typed commands, whys,
//! actions (one overdue), cards, controls, links, two publications, log
//! excerpts, attachments, and hostile text in every field chat can fill.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use super::{Rendered, View, view};
use crate::settings::Settings;

use crate::model::{
    ActionStatus, Annotation, Attachment, Author, Channel, Command, ControlOutcome, ControlType,
    Dossier, Embed, Incident, IncidentPatch, InteractionRef, Mark, Message, Origin, Person, Phase,
    Revision, Snowflake, Tombstone, TypedOutcome,
};

/// The view of `dossier` as of [`as_of`], with default settings.
pub fn view_of(dossier: &Dossier) -> View {
    let ledger = crate::ledger::Ledger::replay(dossier);
    view(dossier, &ledger, &Settings::default(), as_of())
}

/// The record of [`dossier`] as of [`as_of`], with default settings.
pub fn record() -> Rendered {
    crate::render::record(&dossier(), &Settings::default(), as_of()).unwrap()
}

/// The script every hostile field tries to smuggle in.
pub const XSS: &str = "<script>alert('x')</script><img src=x onerror=alert(1)>";

/// The render clock of the tests: the day version 2 went out.
pub fn as_of() -> DateTime<Utc> {
    utc("2026-06-20T12:00:00Z")
}

/// The whole incident.
pub fn dossier() -> Dossier {
    Dossier {
        incident: Incident {
            id: "INC-2417".parse().unwrap(),
            timezone: "UTC".into(),
            created_at: utc("2026-06-03T04:41:00Z"),
            channel: Some(Channel {
                id: Snowflake(1_240_000_000_000_000_001),
                name: "inc-2417-duplicate-invoices".into(),
                topic: Some(format!("duplicate drafts {XSS}")),
                guild_id: Some(Snowflake(1_240_000_000_000_000_000)),
            }),
            posts: Vec::new(),
        },
        messages: messages(),
        tombstones: vec![Tombstone {
            id: id_at("2026-06-03T04:44:00Z", 9),
            deleted_at: utc("2026-06-03T04:45:00Z"),
        }],
        annotations: annotations(),
    }
}

pub fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn local(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn id_at(text: &str, n: u64) -> Snowflake {
    Snowflake(Snowflake::at(utc(text)).0 + n)
}

pub fn tanaka() -> Person {
    person("M. Tanaka", 1_100_000_000_000_000_001)
}

pub fn lindqvist() -> Person {
    person("J. Lindqvist", 1_100_000_000_000_000_002)
}

fn okafor() -> Person {
    person("R. Okafor", 1_100_000_000_000_000_003)
}

fn person(name: &str, id: u64) -> Person {
    Person {
        name: name.into(),
        id: Some(Snowflake(id)),
    }
}

fn author(p: &Person) -> Author {
    Author {
        id: p.id.unwrap(),
        name: p.name.clone(),
        is_bot: false,
    }
}

fn message(at: &str, who: &Person, content: &str) -> Message {
    let mut message = Message::new(id_at(at, 1), author(who), local(at), content);
    message.channel_id = Some(Snowflake(1_240_000_000_000_000_001));
    message
}

/// A 1×1 transparent PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

const RECON_LOG: &str = "```\n# reconciliation-check · alert log\n\
04:36:02 ALERT recon.invoice 1,842 draft invoices share order_ref with another draft\n\
04:36:02 ALERT recon.invoice affected segments: 7,8,9,10,11,12 · run_id=2026-06-03T02:00\n\
04:36:03 INFO recon.invoice dispatch queue state: HELD until 07:00 window\n\
04:36:04 INFO pager paging billing on-call <script>alert('log')</script>\n```";

const APP_LOG: &str = "02:14:52 ERROR db.pool connection reset by peer (orders-primary); 38 conns dropped\n\
02:14:55 WARN retry.wrapper stage=invoice-generation attempt=1 failed: ConnectionError\n\
02:15:09 INFO db.pool reconnected to orders-primary (now: standby-2, post-failover)\n\
02:15:10 WARN retry.wrapper no idempotency key configured for stage; re-running whole stage\n";

fn messages() -> Vec<Message> {
    let mut all = bridge_messages();
    all.extend(evidence_messages());
    all.push(message(
        "2026-06-04T09:15:00+00:00",
        &tanaka(),
        "Morning after: 07:00 dispatch ran clean, closing the bridge.",
    ));
    all.push(message(
        "2026-06-20T10:30:00+00:00",
        &okafor(),
        "Closed action 1 after the deploy.",
    ));
    all
}

/// The alert, the opening, a key message and an edited one, and two
/// typed commands, one refused.
fn bridge_messages() -> Vec<Message> {
    let bot = person("PagerBot", 1_100_000_000_000_000_009);
    let mut pager = message("2026-06-03T04:36:05+00:00", &bot, RECON_LOG);
    pager.author.is_bot = true;

    let scribe = person("Scribe", 1_100_000_000_000_000_008);
    let text = "Phase → detect at 04:36 UTC · /phase detect at:2026-06-03 04:36";
    let mut confirm = message("2026-06-03T04:36:31+00:00", &scribe, text);
    confirm.author.is_bot = true;
    confirm.interaction = Some(InteractionRef {
        id: id_at("2026-06-03T04:36:30+00:00", 5),
        name: "phase".into(),
        user: tanaka(),
    });

    let opening = "/incident open id:INC-2417 title:Duplicate draft invoices severity:SEV-2";
    let mut open = message("2026-06-03T04:41:10+00:00", &tanaka(), opening);
    open.typed = Some(TypedOutcome::Applied);

    let text = format!(
        "Pattern is run-wide, declaring **SEV-2**. <@1100000000000000002> please join {XSS}"
    );
    let mut declare = message("2026-06-03T04:42:00+00:00", &tanaka(), &text);
    declare.pinned = true;
    declare.mentions = vec![lindqvist()];

    let text =
        "joined, looking at order-gateway [runbook](javascript:alert(1)) \"><svg onload=alert(2)>";
    let mut joined = message("2026-06-03T04:48:30+00:00", &lindqvist(), text);
    joined.edited_at = Some(local("2026-06-03T04:49:00+00:00"));
    joined.history = vec![Revision {
        content: format!("joind {XSS}"),
        written_at: local("2026-06-03T04:48:30+00:00"),
    }];

    let mut mitigate = message("2026-06-03T04:52:00+00:00", &tanaka(), "/phase mitigate");
    mitigate.typed = Some(TypedOutcome::Applied);

    let mut refused = message("2026-06-03T04:53:00+00:00", &okafor(), "/phase sideways");
    let reason = format!("phase \"sideways\" is not known {XSS}");
    refused.typed = Some(TypedOutcome::Refused { reason });
    vec![pager, confirm, open, declare, joined, mitigate, refused]
}

/// A 📌-flagged message with attachments, and a Discord timestamp.
fn evidence_messages() -> Vec<Message> {
    let text = "Duplicates trace to the 02:15 retry, see <https://git.example/batch-billing/pull/498?a=1&b=2>";
    let mut evidence = message("2026-06-03T05:05:00+00:00", &okafor(), text);
    evidence.attachments = vec![
        attachment(1, "dupes-by-segment.png", Some(PNG.to_vec())),
        attachment(2, "evil.svg", Some(b"<svg onload=alert(1)></svg>".to_vec())),
        attachment(3, "batch-billing.log", Some(APP_LOG.as_bytes().to_vec())),
        attachment(4, "full-run-output.csv", None),
    ];
    evidence.pin_reactions = vec![tanaka()];
    evidence.embeds = vec![Embed {
        title: format!("batch-billing#498 {XSS}"),
        description: "Add an **idempotency key** to invoice writes".into(),
        url: Some("javascript:alert('embed')".into()),
    }];
    let text = "dispatch window opens <t:1780470000:R>, plenty of time `</script><!--`";
    let stamp = message("2026-06-03T05:06:00+00:00", &lindqvist(), text);
    vec![evidence, stamp]
}

fn attachment(n: u64, name: &str, bytes: Option<Vec<u8>>) -> Attachment {
    Attachment {
        id: Snowflake(1_300_000_000_000_000_000 + n),
        file_name: name.into(),
        size: bytes.as_ref().map_or(48_211, |b| b.len() as u64),
        bytes,
    }
}

fn note(at: &str, seq: u32, command: Command) -> Annotation {
    Annotation {
        origin: Origin::Notes {
            file: "inc-2417-notes.txt".into(),
            hash: format!("{:016x}", seq as u64 * 7919),
            occurrence: 0,
        },
        author: None,
        given_at: utc(at),
        seq,
        command,
    }
}

fn said(at: &str, who: Person, command: Command) -> Annotation {
    Annotation {
        origin: Origin::Interaction { id: id_at(at, 5) },
        author: Some(who),
        given_at: utc(at),
        seq: 0,
        command,
    }
}

fn event(at: &str, text: &str, key: bool) -> Command {
    Command::Event {
        text: text.into(),
        at: Some(utc(at)),
        phase: None,
        key,
    }
}

fn phase(phase: Phase, at: Option<&str>) -> Command {
    Command::Phase {
        phase,
        at: at.map(utc),
    }
}

fn action(text: &str, owner: Person, due: &str) -> Command {
    Command::ActionAdd {
        text: text.into(),
        owner,
        due: due.parse::<NaiveDate>().unwrap(),
        reference: Some("batch-billing#498".into()),
    }
}

fn why(text: &str) -> Command {
    Command::WhyAdd { text: text.into() }
}

fn card(label: &str, value: &str) -> Command {
    Command::ImpactCard {
        label: label.into(),
        value: value.into(),
    }
}

fn control(
    name: &str,
    kind: ControlType,
    outcome: ControlOutcome,
    note: Option<String>,
) -> Command {
    Command::ControlAdd {
        name: name.into(),
        kind,
        outcome,
        note,
    }
}

fn link(label: &str, reference: &str) -> Command {
    Command::LinkAdd {
        label: label.into(),
        reference: reference.into(),
    }
}

/// The same annotation, typed as a chat message rather than a slash
/// command.
fn typed(message_at: &str, annotation: Annotation) -> Annotation {
    Annotation {
        origin: Origin::Message {
            id: id_at(message_at, 1),
        },
        ..annotation
    }
}

fn annotations() -> Vec<Annotation> {
    let mut all = vec![
        note(
            T0214,
            1,
            event(
                T0214,
                "Storage fault on the primary orders database; failover to standby-2",
                true,
            ),
        ),
        note(
            T0215,
            2,
            event(
                T0215,
                "Retry wrapper re-runs invoice generation for segments 7–12, no idempotency key",
                true,
            ),
        ),
        note(
            T0258,
            3,
            event(
                T0258,
                &format!("Batch run reports SUCCESS, rows +4.1% {XSS}"),
                false,
            ),
        ),
        note(
            T0215,
            4,
            Command::ImpactStart {
                at: Some(utc(T0215)),
            },
        ),
    ];
    all.extend(bridge());
    all.extend(summary_and_impact());
    all.extend(actions_and_whys());
    all.extend(controls_and_links());
    all.extend(after_first_publish());
    all
}

const T0214: &str = "2026-06-03T02:14:00Z";
const T0215: &str = "2026-06-03T02:15:00Z";
const T0258: &str = "2026-06-03T02:58:00Z";

fn bridge() -> Vec<Annotation> {
    let t = tanaka;
    let open = Command::IncidentOpen {
        id: "INC-2417".parse().unwrap(),
        title: format!("Duplicate draft invoices after orders-database failover {XSS}"),
        severity: "SEV-2".into(),
        commander: Some(t()),
        since: None,
    };
    let joined = id_at("2026-06-03T04:48:30+00:00", 1);
    let evidence = id_at("2026-06-03T05:05:00+00:00", 1);
    vec![
        said(
            "2026-06-03T04:36:30Z",
            t(),
            phase(Phase::Detect, Some("2026-06-03T04:36:00Z")),
        ),
        typed(
            "2026-06-03T04:41:10+00:00",
            said("2026-06-03T04:41:10Z", t(), open),
        ),
        said("2026-06-03T04:41:30Z", t(), phase(Phase::Escalate, None)),
        typed(
            "2026-06-03T04:52:00+00:00",
            said("2026-06-03T04:52:00Z", t(), phase(Phase::Mitigate, None)),
        ),
        said(
            "2026-06-03T04:55:00Z",
            lindqvist(),
            Command::AddToTimeline { message: joined },
        ),
        said(
            "2026-06-03T05:42:00Z",
            t(),
            Command::ImpactEnd {
                at: Some(utc("2026-06-03T05:41:00Z")),
            },
        ),
        said("2026-06-03T06:02:00Z", t(), phase(Phase::Resolve, None)),
        said(
            "2026-06-03T07:14:00Z",
            t(),
            Command::Mark {
                mark: Mark::Resolved,
                at: None,
            },
        ),
        said(
            "2026-06-03T06:10:00Z",
            okafor(),
            Command::AddLogExcerpt { message: evidence },
        ),
    ]
}

fn summary_and_impact() -> Vec<Annotation> {
    let t = tanaka;
    let summary = format!(
        "A retried batch stage wrote 1,842 duplicate drafts.\nCaught before dispatch. {XSS}"
    );
    let patch = IncidentPatch {
        summary: Some(summary),
        ..IncidentPatch::default()
    };
    let customers = format!("No customer impact: zero duplicate invoices were sent. {XSS}");
    vec![
        said("2026-06-03T07:00:00Z", t(), Command::IncidentSet(patch)),
        said(
            "2026-06-03T07:01:00Z",
            t(),
            Command::ImpactCustomers { text: customers },
        ),
        said(
            "2026-06-03T07:02:00Z",
            t(),
            card("Duplicate drafts", "1,842"),
        ),
        said(
            "2026-06-03T07:02:10Z",
            t(),
            card(&format!("Segments {XSS}"), "7–12"),
        ),
    ]
}

fn actions_and_whys() -> Vec<Annotation> {
    let t = tanaka;
    let de_wit = person("S. de Wit", 1_100_000_000_000_000_004);
    let refuse = format!("Make the retry wrapper refuse non-idempotent stages {XSS}");
    let root =
        format!("A stage-level retry without an idempotency key ran across a failover. {XSS}");
    vec![
        said(
            "2026-06-03T07:03:00Z",
            t(),
            action(
                "Add an idempotency key (run_id, order_ref) to invoice writes",
                t(),
                "2026-06-12",
            ),
        ),
        said(
            "2026-06-03T07:03:10Z",
            t(),
            action(&refuse, lindqvist(), "2026-06-10"),
        ),
        said(
            "2026-06-03T07:03:20Z",
            t(),
            action(
                "Run a failover drill during a full staging batch",
                de_wit,
                "2026-07-03",
            ),
        ),
        said(
            "2026-06-03T07:04:00Z",
            t(),
            why("The invoice-generation stage for segments 7–12 ran twice in one run."),
        ),
        said(
            "2026-06-03T07:04:10Z",
            t(),
            why(&format!(
                "The retry wrapper re-ran the whole stage after the failover. {XSS}"
            )),
        ),
        said(
            "2026-06-03T07:04:20Z",
            t(),
            why("Invoice writes carried no idempotency key."),
        ),
        said(
            "2026-06-03T07:05:00Z",
            t(),
            Command::RootCause { text: root },
        ),
    ]
}

fn controls_and_links() -> Vec<Annotation> {
    use ControlOutcome::{Missed, Worked};
    use ControlType::Detective;
    let t = tanaka;
    let note = Some(format!("+4.1% sat inside the threshold {XSS}"));
    vec![
        said(
            "2026-06-03T07:06:00Z",
            t(),
            control("Row-count delta alerting", Detective, Missed, note),
        ),
        said(
            "2026-06-03T07:06:10Z",
            t(),
            control("Scheduled reconciliation check", Detective, Worked, None),
        ),
        said(
            "2026-06-03T07:07:00Z",
            t(),
            link("Fix", "https://git.example/batch-billing/pull/498"),
        ),
        said(
            "2026-06-03T07:07:10Z",
            t(),
            link(
                &format!("Sneaky {XSS}"),
                "javascript:alert(document.cookie)",
            ),
        ),
        said("2026-06-03T07:20:00Z", t(), Command::PostmortemPublish),
    ]
}

/// What happened between version 1 and version 2.
fn after_first_publish() -> Vec<Annotation> {
    let t = tanaka;
    let done = Command::ActionSetStatus {
        n: 1,
        status: ActionStatus::Done,
    };
    let hold = control(
        "Dispatch-window hold",
        ControlType::Containment,
        ControlOutcome::Worked,
        None,
    );
    let cleanup = "Cleanup dry run on staging: 1,842 matched, 0 false positives";
    vec![
        said("2026-06-12T15:00:00Z", t(), done),
        said(
            "2026-06-15T09:00:00Z",
            t(),
            why("Nothing required retried writes to be idempotent; LH-731 had no owner."),
        ),
        said(
            "2026-06-15T09:01:00Z",
            t(),
            why("Idempotency was not in the standards or the design-review checklist."),
        ),
        said("2026-06-15T09:05:00Z", t(), hold),
        note(
            "2026-06-15T09:10:00Z",
            9,
            event("2026-06-03T05:20:00Z", cleanup, false),
        ),
        said("2026-06-15T09:12:00Z", t(), link("Backlog item", "LH-731")),
        said("2026-06-20T11:00:00Z", t(), Command::PostmortemPublish),
    ]
}

/// A long incident for size and speed, shaped like the benchmark's: chat
/// lines of about 60 characters two seconds apart, every tenth pinned,
/// and events until the timeline holds `entries` rows.
pub fn large(messages: usize, entries: usize) -> Dossier {
    let mut dossier = dossier();
    dossier.messages = (0..messages).map(chat_line).collect();
    let bridge =
        |a: &Annotation| matches!(a.command, Command::Phase { .. } | Command::Event { .. });
    dossier.annotations.retain(|a| !bridge(a));
    let start = utc(LARGE_START);
    let phases = [
        Phase::Detect,
        Phase::Escalate,
        Phase::Mitigate,
        Phase::Resolve,
    ];
    for (declared, hour) in phases.into_iter().zip(1..) {
        let at = (start + chrono::Duration::hours(hour)).to_rfc3339();
        let change = said(&at, tanaka(), phase(declared, None));
        dossier.annotations.push(change);
    }

    let events = entries.saturating_sub(messages / 10 + 4);
    let span = 2 * messages.max(1) as i64;
    for i in 0..events {
        let offset = span * i as i64 / events.max(1) as i64 + 1;
        let at = (start + chrono::Duration::seconds(offset)).to_rfc3339();
        let text = format!(
            "Replica lag on segment {} back under threshold after step {i}",
            i % 12
        );
        dossier
            .annotations
            .push(note(&at, i as u32 + 100, event(&at, &text, true)));
    }
    dossier
}

const LARGE_START: &str = "2026-06-03T02:00:00Z";

/// Chat line `i` of [`large`].
fn chat_line(i: usize) -> Message {
    let people = ["Avery Stone", "Bo Lindqvist", "Chidi Okafor", "Dana de Wit"];
    let who = person(people[i % 4], 700_000_000_000_000_001 + (i % 4) as u64);
    let at = utc(LARGE_START) + chrono::Duration::seconds(2 * i as i64);
    let text = format!(
        "checking replica lag on segment {:02}, retry count {:03} is stable",
        i % 12,
        i % 997
    );
    let mut m = message(&at.to_rfc3339(), &who, &text);
    m.id = Snowflake(Snowflake::at(at).0 + i as u64);
    m.pinned = i % 10 == 9;
    m
}
