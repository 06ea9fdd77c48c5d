//! sled behind a typed API. Nothing else opens the database.
//!
//! Everything lives in sled's default tree under prefixed keys, so one
//! `apply_batch` writes an incident's changes atomically:
//!
//! | key | value |
//! |---|---|
//! | `meta:schema` | the store's schema version |
//! | `inc:{id}` | [`Incident`] as JSON |
//! | `chan:{snowflake}` | the id of the incident bound to that channel |
//! | `ent:{id}\0m{u64 be}` | a [`Message`] |
//! | `ent:{id}\0t{u64 be}` | a [`Tombstone`] |
//! | `ent:{id}\0a{origin key}` | an [`Annotation`] |

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
    #[error("the store at {path} is in use by `{command}` (pid {pid}): stop it, or point SCRIBE_STORE_PATH elsewhere")]
    InUse {
        path: PathBuf,
        pid: u32,
        command: String,
    },
    #[error("the store at {path} was written by a newer Scribe (schema {found}); this build reads schema {SCHEMA_VERSION}")]
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
                self.db.insert(SCHEMA_KEY, SCHEMA_VERSION.to_string().as_bytes())?;
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
    pub fn incident_for_channel(&self, channel: Snowflake) -> Result<Option<IncidentId>, StoreError> {
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
        for item in self.db.scan_prefix(entries_prefix(id)) {
            let (key, value) = item?;
            match key.get(entries_prefix(id).len()) {
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

    /// Applies `changes` atomically and flushes them to disk.
    pub fn commit(&self, changes: Changes) -> Result<(), StoreError> {
        self.db.apply_batch(changes.batch)?;
        self.db.flush()?;
        Ok(())
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

/// A set of writes that land together or not at all.
#[derive(Default)]
pub struct Changes {
    batch: sled::Batch,
    count: usize,
}

impl Changes {
    /// Writes an incident header.
    pub fn put_incident(&mut self, incident: &Incident) {
        self.put(incident_key(&incident.id), incident);
    }

    /// Binds a channel to an incident.
    pub fn bind_channel(&mut self, channel: Snowflake, id: &IncidentId) {
        self.batch.insert(channel_key(channel), id.as_str().as_bytes());
        self.count += 1;
    }

    /// Writes a message.
    pub fn put_message(&mut self, id: &IncidentId, message: &Message) {
        self.put(message_key(id, message.id), message);
    }

    /// Replaces a message with its tombstone.
    pub fn put_tombstone(&mut self, id: &IncidentId, tombstone: &Tombstone) {
        self.batch.remove(message_key(id, tombstone.id));
        self.put(entry_key(id, b't', &tombstone.id.0.to_be_bytes()), tombstone);
    }

    /// Writes an annotation under its origin key.
    pub fn put_annotation(&mut self, id: &IncidentId, annotation: &Annotation) {
        let key = annotation_key(id, &annotation.origin.key());
        self.put(key, annotation);
    }

    /// Withdraws an annotation.
    pub fn remove_annotation(&mut self, id: &IncidentId, origin_key: &str) {
        self.batch.remove(annotation_key(id, origin_key));
        self.count += 1;
    }

    /// How many writes are queued.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn put(&mut self, key: Vec<u8>, value: &impl Serialize) {
        // Model types serialize to JSON without fail: no maps with
        // non-string keys, no custom serializers that can error.
        let bytes = serde_json::to_vec(value).expect("model types serialize to JSON");
        self.batch.insert(key, bytes);
        self.count += 1;
    }
}

fn incident_key(id: &IncidentId) -> Vec<u8> {
    format!("inc:{id}").into_bytes()
}

fn channel_key(channel: Snowflake) -> Vec<u8> {
    format!("chan:{channel}").into_bytes()
}

fn entries_prefix(id: &IncidentId) -> Vec<u8> {
    format!("ent:{id}\0").into_bytes()
}

fn entry_key(id: &IncidentId, kind: u8, rest: &[u8]) -> Vec<u8> {
    let mut key = entries_prefix(id);
    key.push(kind);
    key.extend_from_slice(rest);
    key
}

fn message_key(id: &IncidentId, message: Snowflake) -> Vec<u8> {
    entry_key(id, b'm', &message.0.to_be_bytes())
}

fn annotation_key(id: &IncidentId, origin_key: &str) -> Vec<u8> {
    entry_key(id, b'a', origin_key.as_bytes())
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
