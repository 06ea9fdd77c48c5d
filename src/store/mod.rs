//! sled behind a typed API. Nothing else opens the database.
//!
//! Everything lives in sled's default tree under prefixed keys:
//!
//! | key | value |
//! |---|---|
//! | `meta:schema` | the store's schema version |
//! | `inc:{id}` | [`Incident`] as JSON |
//! | `gen:{id}` | the incident's current entry generation |
//! | `chan:{snowflake}` | the id of the incident bound to that channel |
//! | `ent:{id}\0{gen}\0m{u64 be}` | a [`Message`] |
//! | `ent:{id}\0{gen}\0t{u64 be}` | a [`Tombstone`] |
//! | `ent:{id}\0{gen}\0a{origin key}` | an [`Annotation`] |
//!
//! Live changes are small and land in one atomic `apply_batch`. An import
//! can be 100,000 messages, and sled holds a batch that size in memory
//! several times over, so [`Store::rewrite`] writes the incident's whole
//! new state under a fresh generation in chunks, then flips `gen:{id}`
//! and the header in one small batch. Until the flip nothing is visible;
//! after it, the old generation is removed. Entries of any other
//! generation are leftovers of an interrupted rewrite and are swept by
//! the next one.

mod lock;

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::model::{Annotation, Dossier, Incident, IncidentId, Message, Snowflake, Tombstone};

pub use lock::Holder;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

const SCHEMA_KEY: &[u8] = b"meta:schema";

/// What went wrong with the store, and where.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the store at {path} is in use by `{command}` (pid {pid}): stop it, or point SCRIBE_STORE_PATH elsewhere"
    )]
    InUse {
        path: PathBuf,
        pid: u32,
        command: String,
    },
    #[error(
        "the store at {path} was written by a newer Scribe (schema {found}); this build reads schema {SCHEMA_VERSION}"
    )]
    NewerSchema { path: PathBuf, found: u32 },
    #[error("cannot open the store at {path}: {source}")]
    Open { path: PathBuf, source: sled::Error },
    #[error("store read or write failed: {0}")]
    Sled(#[from] sled::Error),
    #[error("stored record under key \"{key}\" is damaged: {message}")]
    Corrupt { key: String, message: String },
}

/// The open store.
pub struct Store {
    db: sled::Db,
    path: PathBuf,
    _holder: Holder,
}

impl Store {
    /// Opens (or creates) the store at `path` with a cache of `cache_mb`,
    /// recording `command` as its holder so others can say who has it.
    pub fn open(path: &Path, cache_mb: u64, command: &str) -> Result<Store, StoreError> {
        let config = sled::Config::new()
            .path(path)
            .cache_capacity(cache_mb.max(1) * 1024 * 1024);
        let db = config.open().map_err(|source| open_error(path, source))?;
        let holder = Holder::claim(path, command);
        let store = Store {
            db,
            path: path.to_path_buf(),
            _holder: holder,
        };
        store.check_schema()?;
        Ok(store)
    }

    fn check_schema(&self) -> Result<(), StoreError> {
        match self.db.get(SCHEMA_KEY)? {
            None => {
                self.db
                    .insert(SCHEMA_KEY, SCHEMA_VERSION.to_string().as_bytes())?;
                self.db.flush()?;
                Ok(())
            }
            Some(raw) => {
                let found: u32 = std::str::from_utf8(&raw)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| corrupt(SCHEMA_KEY, "not a number"))?;
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema {
                        path: self.path.clone(),
                        found,
                    });
                }
                Ok(())
            }
        }
    }

    /// Where the store lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// One incident's header.
    pub fn incident(&self, id: &IncidentId) -> Result<Option<Incident>, StoreError> {
        self.get(&incident_key(id))
    }

    /// Every stored incident, by id.
    pub fn incidents(&self) -> Result<Vec<Incident>, StoreError> {
        self.db
            .scan_prefix(b"inc:")
            .map(|item| {
                let (key, value) = item?;
                decode(&key, &value)
            })
            .collect()
    }

    /// The incident bound to a channel, if any.
    pub fn incident_for_channel(
        &self,
        channel: Snowflake,
    ) -> Result<Option<IncidentId>, StoreError> {
        let Some(raw) = self.db.get(channel_key(channel))? else {
            return Ok(None);
        };
        let text = String::from_utf8_lossy(&raw);
        text.parse()
            .map(Some)
            .map_err(|_| corrupt(&channel_key(channel), "not an incident id"))
    }

    /// Everything stored about one incident.
    pub fn dossier(&self, id: &IncidentId) -> Result<Option<Dossier>, StoreError> {
        let Some(incident) = self.incident(id)? else {
            return Ok(None);
        };
        let mut dossier = Dossier {
            incident,
            messages: Vec::new(),
            tombstones: Vec::new(),
            annotations: Vec::new(),
        };
        let prefix = entries_prefix(id, self.generation(id)?);
        for item in self.db.scan_prefix(&prefix) {
            let (key, value) = item?;
            match key.get(prefix.len()) {
                Some(b'm') => dossier.messages.push(decode(&key, &value)?),
                Some(b't') => dossier.tombstones.push(decode(&key, &value)?),
                Some(b'a') => dossier.annotations.push(decode(&key, &value)?),
                _ => return Err(corrupt(&key, "unknown entry kind")),
            }
        }
        dossier.messages.sort_by_key(|m| (m.posted_utc(), m.id));
        dossier.annotations.sort_by_key(Annotation::order_key);
        Ok(Some(dossier))
    }

    /// One stored message of an incident.
    pub fn message(
        &self,
        id: &IncidentId,
        message: Snowflake,
    ) -> Result<Option<Message>, StoreError> {
        let key = [
            entries_prefix(id, self.generation(id)?),
            message_rest(message),
        ]
        .concat();
        self.get(&key)
    }

    /// Applies `changes` atomically and flushes them to disk.
    pub fn commit(&self, changes: Changes) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        let mut generations = std::collections::BTreeMap::new();
        for (slot, value) in changes.ops {
            let key = match slot {
                Slot::Raw(key) => key,
                Slot::Entry(id, rest) => {
                    let generation = match generations.get(&id) {
                        Some(g) => *g,
                        None => *generations
                            .entry(id.clone())
                            .or_insert(self.generation(&id)?),
                    };
                    [entries_prefix(&id, generation), rest].concat()
                }
            };
            match value {
                Some(value) => batch.insert(key, value),
                None => batch.remove(key),
            }
        }
        self.db.apply_batch(batch)?;
        self.db.flush()?;
        Ok(())
    }

    /// Replaces everything stored for `incident` with `entries`, written
    /// in chunks under a new generation that becomes visible in one
    /// atomic flip. An interruption before the flip leaves the store as
    /// it was.
    pub fn rewrite<'a>(
        &self,
        incident: &Incident,
        entries: impl Iterator<Item = Entry<'a>>,
    ) -> Result<(), StoreError> {
        let id = &incident.id;
        let next = self.generation(id)? + 1;
        self.sweep(id, |g| g == next)?;
        // Entries of the new generation are invisible until the flip, so
        // they need no batch of their own: plain inserts are cheaper.
        let prefix = entries_prefix(id, next);
        for entry in entries {
            let (rest, value) = entry.encode();
            self.db.insert([prefix.as_slice(), &rest].concat(), value)?;
        }
        self.flip(incident, next)?;
        self.sweep(id, |g| g != next)?;
        self.db.flush()?;
        Ok(())
    }

    /// Makes generation `next` the incident's, with its header and
    /// channel binding, in one flushed batch.
    fn flip(&self, incident: &Incident, next: u64) -> Result<(), StoreError> {
        let mut flip = Changes::default();
        flip.put_incident(incident);
        if let Some(channel) = &incident.channel {
            flip.bind_channel(channel.id, &incident.id);
        }
        flip.ops.push((
            Slot::Raw(generation_key(&incident.id)),
            Some(next.to_string().into_bytes()),
        ));
        self.commit(flip)
    }

    /// Removes, in chunks, the incident's entries of every generation
    /// that `doomed` picks.
    fn sweep(&self, id: &IncidentId, doomed: impl Fn(u64) -> bool) -> Result<(), StoreError> {
        let prefix = incident_prefix(id);
        let mut batch = sled::Batch::default();
        let mut pending = 0;
        for item in self.db.scan_prefix(&prefix) {
            let (key, _) = item?;
            let generation = key
                .get(prefix.len()..prefix.len() + 16)
                .and_then(|hex| u64::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
            if generation.is_some_and(&doomed) {
                batch.remove(key);
                pending += 1;
            }
            if pending == REWRITE_CHUNK {
                self.db.apply_batch(std::mem::take(&mut batch))?;
                pending = 0;
            }
        }
        self.db.apply_batch(batch)?;
        Ok(())
    }

    /// The incident's current entry generation (0 before any rewrite).
    fn generation(&self, id: &IncidentId) -> Result<u64, StoreError> {
        let key = generation_key(id);
        match self.db.get(&key)? {
            None => Ok(0),
            Some(raw) => std::str::from_utf8(&raw)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| corrupt(&key, "not a generation number")),
        }
    }

    /// Flushes whatever sled still holds in memory.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    fn get<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.db.get(key)? {
            Some(raw) => decode(key, &raw).map(Some),
            None => Ok(None),
        }
    }
}

/// How many entries a rewrite writes per sled batch: small enough that
/// sled's memory stays flat, large enough to amortise each batch.
const REWRITE_CHUNK: usize = 2_000;

/// One entry of an incident, for [`Store::rewrite`].
#[derive(Debug, Clone, Copy)]
pub enum Entry<'a> {
    Message(&'a Message),
    Tombstone(&'a Tombstone),
    Annotation(&'a Annotation),
}

impl Entry<'_> {
    /// The key after the generation prefix, and the encoded value.
    fn encode(self) -> (Vec<u8>, Vec<u8>) {
        match self {
            Entry::Message(m) => (message_rest(m.id), encode(m)),
            Entry::Tombstone(t) => (tombstone_rest(t.id), encode(t)),
            Entry::Annotation(a) => (annotation_rest(&a.origin.key()), encode(a)),
        }
    }
}

/// Where a write goes: a plain key, or an incident entry whose key gets
/// the incident's generation when the write is committed.
#[derive(Debug)]
enum Slot {
    Raw(Vec<u8>),
    Entry(IncidentId, Vec<u8>),
}

/// A set of writes that land together or not at all.
#[derive(Debug, Default)]
pub struct Changes {
    ops: Vec<(Slot, Option<Vec<u8>>)>,
    /// Count writes without keeping them (a batch whose state is written
    /// whole by [`Store::rewrite`]).
    count_only: bool,
    count: usize,
}

impl Changes {
    /// Changes that are only counted, never kept.
    pub fn counting() -> Changes {
        Changes {
            count_only: true,
            ..Changes::default()
        }
    }

    /// Writes an incident header.
    pub fn put_incident(&mut self, incident: &Incident) {
        self.push(
            Slot::Raw(incident_key(&incident.id)),
            Some(encode(incident)),
        );
    }

    /// Binds a channel to an incident.
    pub fn bind_channel(&mut self, channel: Snowflake, id: &IncidentId) {
        let value = id.as_str().as_bytes().to_vec();
        self.push(Slot::Raw(channel_key(channel)), Some(value));
    }

    /// Writes a message.
    pub fn put_message(&mut self, id: &IncidentId, message: &Message) {
        if self.note() {
            self.push_entry(id, message_rest(message.id), Some(encode(message)));
        }
    }

    /// Replaces a message with its tombstone.
    pub fn put_tombstone(&mut self, id: &IncidentId, tombstone: &Tombstone) {
        if self.note() {
            self.push_entry(id, message_rest(tombstone.id), None);
            self.push_entry(id, tombstone_rest(tombstone.id), Some(encode(tombstone)));
        }
    }

    /// Writes an annotation under its origin key.
    pub fn put_annotation(&mut self, id: &IncidentId, annotation: &Annotation) {
        if self.note() {
            let rest = annotation_rest(&annotation.origin.key());
            self.push_entry(id, rest, Some(encode(annotation)));
        }
    }

    /// Withdraws an annotation.
    pub fn remove_annotation(&mut self, id: &IncidentId, origin_key: &str) {
        if self.note() {
            self.push_entry(id, annotation_rest(origin_key), None);
        }
    }

    /// How many writes are queued (or were counted).
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Counts a write; true when it should also be kept.
    fn note(&mut self) -> bool {
        self.count += 1;
        !self.count_only
    }

    fn push_entry(&mut self, id: &IncidentId, rest: Vec<u8>, value: Option<Vec<u8>>) {
        self.ops.push((Slot::Entry(id.clone(), rest), value));
    }

    fn push(&mut self, slot: Slot, value: Option<Vec<u8>>) {
        self.count += 1;
        self.ops.push((slot, value));
    }
}

/// Model types serialize to JSON without fail: no maps with non-string
/// keys, no serializer that can error.
fn encode(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).expect("model types serialize to JSON")
}

fn incident_key(id: &IncidentId) -> Vec<u8> {
    format!("inc:{id}").into_bytes()
}

fn generation_key(id: &IncidentId) -> Vec<u8> {
    format!("gen:{id}").into_bytes()
}

fn channel_key(channel: Snowflake) -> Vec<u8> {
    format!("chan:{channel}").into_bytes()
}

fn incident_prefix(id: &IncidentId) -> Vec<u8> {
    format!("ent:{id}\0").into_bytes()
}

fn entries_prefix(id: &IncidentId, generation: u64) -> Vec<u8> {
    format!("ent:{id}\0{generation:016x}\0").into_bytes()
}

fn message_rest(message: Snowflake) -> Vec<u8> {
    [b"m".as_slice(), &message.0.to_be_bytes()].concat()
}

fn tombstone_rest(message: Snowflake) -> Vec<u8> {
    [b"t".as_slice(), &message.0.to_be_bytes()].concat()
}

fn annotation_rest(origin_key: &str) -> Vec<u8> {
    [b"a".as_slice(), origin_key.as_bytes()].concat()
}

fn decode<T: DeserializeOwned>(key: &[u8], raw: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(raw).map_err(|e| corrupt(key, &e.to_string()))
}

fn corrupt(key: &[u8], message: &str) -> StoreError {
    StoreError::Corrupt {
        key: String::from_utf8_lossy(key).replace('\0', "/"),
        message: message.to_string(),
    }
}

fn open_error(path: &Path, source: sled::Error) -> StoreError {
    let locked = matches!(&source, sled::Error::Io(e)
        if e.kind() == std::io::ErrorKind::WouldBlock || e.to_string().contains("lock"));
    match (locked, lock::Holder::read(path)) {
        (true, Some((pid, command))) => StoreError::InUse {
            path: path.to_path_buf(),
            pid,
            command,
        },
        _ => StoreError::Open {
            path: path.to_path_buf(),
            source,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Author, Origin};
    use chrono::DateTime;

    fn incident() -> Incident {
        Incident {
            id: "INC-5".parse().unwrap(),
            timezone: "UTC".into(),
            created_at: DateTime::default(),
            channel: None,
            posts: Vec::new(),
        }
    }

    fn message(id: u64, text: &str) -> Message {
        let author = Author {
            id: Snowflake(7),
            name: "Ana".into(),
            is_bot: false,
        };
        let at = DateTime::parse_from_rfc3339("2026-06-03T04:00:00Z").unwrap();
        Message::new(Snowflake(id), author, at, text)
    }

    fn open(dir: &Path) -> Store {
        Store::open(&dir.join("s"), 8, "test").unwrap()
    }

    #[test]
    fn a_rewrite_interrupted_before_its_flip_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        let first: Vec<Message> = (1..=3).map(|i| message(i, "first")).collect();
        store
            .rewrite(&incident(), first.iter().map(Entry::Message))
            .unwrap();
        let before = store.dossier(&incident().id).unwrap().unwrap();

        let second: Vec<Message> = (1..=5000).map(|i| message(i, "second")).collect();
        let interrupted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let entries = second.iter().enumerate().map(|(i, m)| {
                assert!(i < 4500, "interrupted mid-import");
                Entry::Message(m)
            });
            store.rewrite(&incident(), entries)
        }));
        assert!(interrupted.is_err());
        assert_eq!(store.dossier(&incident().id).unwrap().unwrap(), before);

        let third = [message(9, "third")];
        store
            .rewrite(&incident(), third.iter().map(Entry::Message))
            .unwrap();
        let after = store.dossier(&incident().id).unwrap().unwrap();
        assert_eq!(after.messages, third);
        let leftovers = store
            .db
            .scan_prefix(incident_prefix(&incident().id))
            .count();
        assert_eq!(
            leftovers, 1,
            "orphans of the interrupted rewrite were swept"
        );
    }

    #[test]
    fn live_commits_land_in_the_current_generation() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path());
        store
            .rewrite(&incident(), [Entry::Message(&message(1, "a"))].into_iter())
            .unwrap();
        let mut changes = Changes::default();
        changes.put_message(&incident().id, &message(2, "b"));
        let annotation = Annotation {
            origin: Origin::Message { id: Snowflake(2) },
            author: None,
            given_at: DateTime::default(),
            seq: 0,
            command: crate::model::Command::PostmortemPublish,
        };
        changes.put_annotation(&incident().id, &annotation);
        store.commit(changes).unwrap();
        let dossier = store.dossier(&incident().id).unwrap().unwrap();
        assert_eq!(dossier.messages.len(), 2);
        assert_eq!(dossier.annotations, [annotation]);
    }
}
