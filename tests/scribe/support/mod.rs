//! The setup every test shares: a temporary store behind the recorder,
//! fixed settings (UTC unless a test says otherwise), and builders for
//! realistic inputs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use scribe::cli::import::{ImportArgs, Outcome, import_files};
use scribe::ingest::Recorder;
use scribe::model::{Author, Dossier, IncidentId, Message, Snowflake};
use scribe::render::Rendered;
use scribe::settings::Settings;
use scribe::store::Store;

/// A temporary store and the recorder over it.
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub recorder: Recorder,
}

impl Setup {
    /// A fresh store with default settings in UTC.
    pub fn new() -> Setup {
        Setup::with_settings(Settings::default())
    }

    /// A fresh store with `settings`.
    pub fn with_settings(settings: Settings) -> Setup {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("store"), 8, "test").expect("store opens");
        let recorder = Recorder::new(store, settings).expect("recorder");
        Setup { dir, recorder }
    }

    /// Imports `file` with `notes`, read in `tz`.
    pub fn import(&mut self, file: &Path, notes: &[PathBuf], tz: &str) -> anyhow::Result<Outcome> {
        self.import_with(file, notes, tz, None, false)
    }

    /// Imports with every option of `scribe import`.
    pub fn import_with(
        &mut self,
        file: &Path,
        notes: &[PathBuf],
        tz: &str,
        id: Option<&str>,
        replace: bool,
    ) -> anyhow::Result<Outcome> {
        let args = ImportArgs {
            file: file.to_path_buf(),
            notes: notes.to_vec(),
            tz: Some(tz.to_string()),
            id: id.map(|i| i.parse().expect("test ids are valid")),
            replace,
        };
        import_files(&mut self.recorder, &args, false)
    }

    /// The stored dossier of `id`.
    pub fn dossier(&self, id: &str) -> Dossier {
        let id: IncidentId = id.parse().expect("valid id");
        self.recorder
            .store()
            .dossier(&id)
            .expect("store reads")
            .expect("incident stored")
    }

    /// The record of `id` as of `as_of`.
    pub fn render(&self, id: &str, as_of: &str) -> Rendered {
        let settings = self.recorder.settings().clone();
        scribe::render::record(&self.dossier(id), &settings, at(as_of)).expect("renders")
    }
}

/// A file of the bundled example.
pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/INC-2417")
        .join(name)
}

/// A test fixture file.
pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// An RFC 3339 instant.
pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("test times are RFC 3339")
        .with_timezone(&Utc)
}

/// A human's message posted at `when` (RFC 3339).
pub fn message(id: u64, who: &str, when: &str, content: &str) -> Message {
    let author = Author {
        id: Snowflake(person_id(who)),
        name: who.to_string(),
        is_bot: false,
    };
    let posted_at = DateTime::parse_from_rfc3339(when).expect("RFC 3339");
    let mut message = Message::new(Snowflake(id), author, posted_at, content);
    message.channel_id = Some(Snowflake(42));
    message
}

/// A stable id per name.
pub fn person_id(name: &str) -> u64 {
    name.bytes().fold(1_000_000u64, |h, b| {
        h.wrapping_mul(31).wrapping_add(b as u64)
    })
}

/// What a reader sees: the record's text without tags, scripts or styles,
/// with the common entities decoded and whitespace collapsed.
pub fn visible_text(html: &str) -> String {
    let no_blocks = regex::Regex::new(r"(?s)<(script|style)\b.*?</(script|style)>")
        .unwrap()
        .replace_all(html, " ");
    let no_tags = regex::Regex::new(r"<[^>]*>")
        .unwrap()
        .replace_all(&no_blocks, " ");
    let decoded = no_tags
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}
