//! The hostile corpus: script smuggled through chat, and one incident per
//! payload that carries it in every field chat or a command can fill,
//! recorded through the recorder's single write path as the bot would.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use scribe::ingest::Input;
use scribe::model::{
    Annotation, Attachment, Author, Channel, Command, ControlOutcome, ControlType, Embed, Incident,
    IncidentId, IncidentPatch, Message, Origin, Person, Phase, Snowflake,
};
use scribe::render::markdown::{Names, to_plain};

use crate::support::Setup;

/// Payloads by family: script tags, event handlers, `javascript:` and
/// `data:` URLs, SVG and MathML, CSS, broken and nested markup, unicode
/// look-alikes, markdown tricks, and breakouts aimed at the archive's
/// JSON block. Each one, if it ran, would open a dialog, change the
/// title or the DOM, or reach for a loopback address nobody serves.
pub const PAYLOADS: [&str; 72] = [
    // Script tags.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://127.0.0.1:9/x.js></SCRIPT>",
    "<script>document.title='pwned'</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "\"><script>alert(1)</script>",
    "'><script>alert(1)</script>",
    "<script type=\"module\">alert(1)</script>",
    "<script>document.body.innerHTML='gone'</script>",
    // Event handlers.
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"alert(document.domain)\">",
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<div onmouseover=\"alert(1)\">hover me</div>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=\"alert(1)\">",
    "\" onmouseover=\"alert(1)",
    "' onfocus='alert(1)' autofocus '",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    // URLs that run script or carry a document.
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "<a href=\"javascript:alert(1)\">runbook</a>",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "<object data=\"data:text/html,<script>alert(1)</script>\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    // SVG and MathML.
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"9\" y=\"9\">x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=\"javascript:alert(1)\">click</math>",
    "<svg><foreignObject><iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe></foreignObject></svg>",
    // CSS.
    "<style>body{display:none}</style>",
    "<style>@import 'http://127.0.0.1:9/x.css';</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<link rel=stylesheet href=http://127.0.0.1:9/x.css>",
    "</style><script>alert(1)</script>",
    "<p style=\"width:expression(alert(1))\">x</p>",
    // Broken and nested markup.
    "<<script>alert(1)//<</script>",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<a href=\"x\" <img src=x onerror=alert(1)>>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<textarea></textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<table><td><img src=x onerror=alert(1)></table>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    // Unicode look-alikes and encodings.
    "＜script＞alert(1)＜/script＞",
    "‹img src=x onerror=alert(1)›",
    "jav&#x61;script:alert(1)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\u{202E}<script>alert(1)</script>",
    "<scrİpt>alert(1)</scrİpt>",
    "java\u{200B}script:alert(1)",
    // Markdown tricks.
    "[click me](javascript:alert(1))",
    "[https://safe.example](javascript:alert(1))",
    "**<img src=x onerror=alert(1)>**",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "> <img src=x onerror=alert(1)>",
    "<https://example.com/\"><script>alert(1)</script>>",
    "[x](https://example.com/\" onmouseover=\"alert(1))",
    "<@123456789012345678><script>alert(1)</script>",
    "||<img src=x onerror=alert(1)>||",
    // Aimed at the archive's JSON block.
    "</script><script>alert(1)</script>",
    "<!--<script>",
    "</ScRiPt ><img src=x onerror=alert(1)>",
    "<!-- </script><script>alert(1)</script> -->",
    "\u{2028}\u{2029}</script><script>alert(1)</script>",
];

/// Where a payload sits and the text a reader must find there.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Placed {
    pub field: &'static str,
    /// The text the field shows, without whitespace.
    pub text: String,
}

/// Every field a payload is placed in, with what each must read as.
/// Fields given as chat markup read as the markup's plain text; the
/// others read as the payload itself.
pub fn placements(payload: &str, title_from_topic: bool) -> Vec<Placed> {
    let markup = plain_markup(payload);
    let one_line = payload.replace('\n', " ");
    let mut placed = Vec::new();
    let mut put = |field, text: &str| {
        placed.push(Placed {
            field,
            text: text.split_whitespace().collect(),
        })
    };
    for field in PLAIN_FIELDS {
        put(field, payload);
    }
    for field in MARKUP_FIELDS {
        put(field, &markup);
    }
    put("log-title", one_line.trim());
    put("log-line", one_line.trim());
    put(
        if title_from_topic {
            "topic-title"
        } else {
            "title"
        },
        payload,
    );
    placed
}

/// Fields shown as plain text.
const PLAIN_FIELDS: [&str; 14] = [
    "author",
    "responder",
    "annotator",
    "owner",
    "card-label",
    "card-value",
    "control-name",
    "control-note",
    "link-label",
    "image-alt",
    "image-caption",
    "file-name",
    "embed-title",
    "archive-topic",
];

/// Fields given as chat markup.
const MARKUP_FIELDS: [&str; 11] = [
    "message",
    "key-message",
    "event",
    "summary",
    "customers",
    "root-cause",
    "why",
    "action",
    "action-ref",
    "link-ref",
    "embed-description",
];

/// `payload` as the record shows chat markup: its plain text, with an
/// unknown mention read as Scribe reads one.
fn plain_markup(payload: &str) -> String {
    let users = |_: &str| None;
    let time = |at: DateTime<Utc>| at.to_rfc3339();
    to_plain(
        payload,
        &Names {
            users: &users,
            time: &time,
        },
    )
}

/// A 1×1 PNG, so the image is inlined and its name is the `alt` text.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

const START: &str = "2026-06-03T04:00:00Z";

fn start() -> DateTime<Utc> {
    START.parse().expect("a fixed instant")
}

/// The id of incident `n` of the corpus.
pub fn incident_id(n: usize) -> String {
    format!("XSS-{}", n + 1)
}

/// Records incident `n` carrying `payload` everywhere. With
/// `title_from_topic`, no `/incident open` names a title, so the
/// channel topic is the title the reader sees.
pub fn record(setup: &mut Setup, n: usize, payload: &str, title_from_topic: bool) {
    let id: IncidentId = incident_id(n).parse().expect("corpus ids are valid");
    let header = Incident {
        id: id.clone(),
        timezone: "UTC".into(),
        created_at: start(),
        channel: Some(Channel {
            id: Snowflake(900_000_000_000_000_000 + n as u64),
            name: format!("xss-{n}"),
            topic: Some(payload.to_string()),
            guild_id: None,
        }),
        posts: Vec::new(),
    };
    let ids = Ids { n };
    let mut inputs = vec![Input::Channel(header.channel.clone().expect("set above"))];
    inputs.extend(commands(&ids, payload, title_from_topic).map(Input::Command));
    inputs.extend(messages(&ids, payload).map(Input::Message));
    let report = setup
        .recorder
        .ingest(&id, Some(header), inputs)
        .expect("the corpus incident is recorded");
    assert!(
        report.refused.is_empty(),
        "payload {n} was refused: {:?}",
        report.refused
    );
}

/// Snowflakes unique across the corpus: the incident's number and a
/// serial in the low bits.
struct Ids {
    n: usize,
}

impl Ids {
    fn at(&self, minutes: i64, serial: u64) -> (Snowflake, DateTime<Utc>) {
        let at = start() + Duration::minutes(minutes);
        (
            Snowflake(Snowflake::at(at).0 + (self.n as u64) * 64 + serial),
            at,
        )
    }
}

/// The responder who types every command, named by the payload.
fn annotator(ids: &Ids, payload: &str) -> Person {
    Person {
        name: payload.to_string(),
        id: Some(ids.at(0, 63).0),
    }
}

fn commands<'a>(
    ids: &'a Ids,
    payload: &'a str,
    title_from_topic: bool,
) -> impl Iterator<Item = Annotation> + 'a {
    let p = || payload.to_string();
    let due = NaiveDate::from_ymd_opt(2026, 7, 1).expect("a real date");
    let mut list = vec![
        Command::IncidentSet(IncidentPatch {
            severity: Some("SEV-2".into()),
            summary: Some(p()),
            commander: Some(Person::named(payload)),
            ..IncidentPatch::default()
        }),
        Command::ImpactStart { at: None },
        Command::Event {
            text: p(),
            at: None,
            phase: None,
            key: true,
        },
        Command::Phase {
            phase: Phase::Detect,
            at: None,
        },
        Command::ImpactCustomers { text: p() },
        Command::ImpactCard {
            label: p(),
            value: p(),
        },
        Command::RootCause { text: p() },
        Command::WhyAdd { text: p() },
        Command::ActionAdd {
            text: p(),
            owner: Person::named(payload),
            due,
            reference: Some(p()),
        },
        Command::ControlAdd {
            name: p(),
            kind: ControlType::Detective,
            outcome: ControlOutcome::Missed,
            note: Some(p()),
        },
        Command::LinkAdd {
            label: p(),
            reference: p(),
        },
        Command::Phase {
            phase: Phase::Resolve,
            at: None,
        },
    ];
    if !title_from_topic {
        list.insert(
            0,
            Command::IncidentSet(IncidentPatch {
                title: Some(p()),
                ..IncidentPatch::default()
            }),
        );
    }
    list.into_iter().enumerate().map(move |(i, command)| {
        let (id, at) = ids.at(i as i64 + 1, i as u64);
        Annotation {
            origin: Origin::Interaction { id },
            author: Some(annotator(ids, payload)),
            given_at: at,
            seq: 0,
            command,
        }
    })
}

fn messages<'a>(ids: &'a Ids, payload: &'a str) -> impl Iterator<Item = Message> + 'a {
    let (chat_id, chat_at) = ids.at(20, 40);
    let (key_id, key_at) = ids.at(21, 41);
    let mut chat = message(chat_id, chat_at, ids, payload);
    chat.embeds = vec![Embed {
        title: payload.to_string(),
        description: payload.to_string(),
        url: Some(payload.to_string()),
    }];
    chat.attachments = attachments(ids, payload);
    let mut key = message(key_id, key_at, ids, payload);
    key.pinned = true;
    [chat, key].into_iter()
}

fn message(id: Snowflake, at: DateTime<Utc>, ids: &Ids, payload: &str) -> Message {
    let author = Author {
        id: ids.at(0, 62).0,
        name: payload.to_string(),
        is_bot: false,
    };
    let mut message = Message::new(id, author, at.fixed_offset(), payload);
    message.channel_id = Some(Snowflake(900_000_000_000_000_000 + ids.n as u64));
    message
}

/// An inlined image, a file kept by name only, and a log file whose
/// title and lines carry the payload.
fn attachments(ids: &Ids, payload: &str) -> Vec<Attachment> {
    let line = payload.replace('\n', " ");
    let log = format!(
        "# {line}\n2026-06-03 04:19:58 ERROR [api.gw] {line}\n2026-06-03 04:19:59 WARN [api.gw] {line}\n"
    );
    let file = |serial, name: String, bytes: Option<Vec<u8>>| Attachment {
        id: ids.at(20, serial).0,
        size: bytes.as_ref().map_or(2048, |b| b.len() as u64),
        file_name: name,
        bytes,
    };
    vec![
        file(
            50,
            format!("{payload}.png"),
            Some(STANDARD.decode(PNG).expect("valid base64")),
        ),
        file(51, format!("{payload}.pdf"), None),
        file(52, format!("{payload}.log"), Some(log.into_bytes())),
    ]
}
