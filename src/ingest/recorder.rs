//! The recorder: keeps each touched incident's working copy in memory,
//! applies inputs to it, and commits the resulting writes in one flushed
//! batch. A batch that fails to commit leaves the store as it was and
//! drops the working copy, which is read again next time.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::batch::{Batch, redact_annotation, redact_message};
use super::redact::Redactor;
use super::working::Working;
use super::{IngestError, Input, Report};
use crate::model::{Dossier, Incident, IncidentId, Post, Snowflake};
use crate::settings::Settings;
use crate::store::{Changes, Store};

/// The single write path over an open store.
pub struct Recorder {
    store: Store,
    settings: Settings,
    redactor: Redactor,
    /// The bot's own user id: its messages are never kept as chat.
    self_id: Option<Snowflake>,
    open: HashMap<IncidentId, Working>,
}

impl Recorder {
    /// A recorder writing to `store` with the patterns of `settings`.
    pub fn new(store: Store, settings: Settings) -> Result<Recorder, IngestError> {
        let redactor = Redactor::new(&settings.redact.patterns)
            .map_err(|e| IngestError::Config(e.to_string()))?;
        Ok(Recorder {
            store,
            settings,
            redactor,
            self_id: None,
            open: HashMap::new(),
        })
    }

    /// Tells the recorder which user is Scribe itself.
    pub fn set_self_id(&mut self, id: Snowflake) {
        self.self_id = Some(id);
    }

    /// The store underneath, for reads.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The settings the recorder applies.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The redactor, for text that reaches a reply before the store.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Applies `inputs` to incident `id` and commits them atomically,
    /// flushed before this returns. `create` is the header to use when
    /// the incident is not stored yet; without it an unknown id is an
    /// error.
    pub fn ingest(
        &mut self,
        id: &IncidentId,
        create: Option<Incident>,
        inputs: impl IntoIterator<Item = Input>,
    ) -> Result<Report, IngestError> {
        self.run(id, create, inputs, false)
    }

    /// Like [`Recorder::ingest`], for a whole import: every annotation
    /// is checked in one replay at the end, in time order, whatever the
    /// order of the files.
    pub fn import(
        &mut self,
        id: &IncidentId,
        create: Option<Incident>,
        inputs: impl IntoIterator<Item = Input>,
    ) -> Result<Report, IngestError> {
        self.run(id, create, inputs, true)
    }

    fn run(
        &mut self,
        id: &IncidentId,
        create: Option<Incident>,
        inputs: impl IntoIterator<Item = Input>,
        deferred: bool,
    ) -> Result<Report, IngestError> {
        let mut working = self.take_working(id, create, deferred)?;
        let mut batch = Batch::new(
            &mut working,
            &self.store,
            &self.redactor,
            &self.settings,
            self.self_id,
        );
        if deferred {
            batch = batch.deferred();
        }
        for input in inputs {
            batch.apply(input);
        }
        let (changes, report) = batch.finish();
        tracing::debug!(incident = %id, writes = changes.len(), "committing");
        // On failure the working copy is dropped with the error, so the
        // next call reads the store as it really is.
        if deferred {
            self.store.rewrite(&working.incident, working.entries())?;
        } else {
            self.store.commit(changes)?;
        }
        if !working.complete {
            // Written and flushed: the store holds them now.
            working.messages.clear();
        }
        self.open.insert(id.clone(), working);
        Ok(report)
    }

    /// The working copy of `id`: the cached one, or read from the store;
    /// an import (`complete`) holds every message, so it always reads.
    fn take_working(
        &mut self,
        id: &IncidentId,
        create: Option<Incident>,
        complete: bool,
    ) -> Result<Working, IngestError> {
        if let Some(working) = self.open.remove(id).filter(|_| !complete) {
            return Ok(working);
        }
        match (self.store.dossier(id)?, create) {
            (Some(dossier), _) => Ok(Working::from_dossier(dossier, complete)),
            (None, Some(incident)) => Ok(Working::new(incident, complete)),
            (None, None) => Err(IngestError::UnknownIncident(id.clone())),
        }
    }

    /// A fresh header for an incident recorded from now on.
    pub fn new_incident(&self, id: IncidentId, timezone: Option<&str>) -> Incident {
        Incident {
            id,
            timezone: timezone.unwrap_or(&self.settings.timezone).to_string(),
            created_at: Utc::now(),
            channel: None,
            posts: Vec::new(),
        }
    }

    /// Everything stored for `id`, as the store has it now.
    pub fn dossier(&self, id: &IncidentId) -> Result<Dossier, IngestError> {
        self.store
            .dossier(id)?
            .ok_or_else(|| IngestError::UnknownIncident(id.clone()))
    }

    /// Reconciles `id` with a read of its channel history (message
    /// inputs): every message read is ingested (new ones, edits, pins and 📌 reactions), and a
    /// stored message posted at or after `complete_since` that the read
    /// did not return was deleted while nobody watched.
    pub fn reconcile(
        &mut self,
        id: &IncidentId,
        read: Vec<Input>,
        complete_since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Report, IngestError> {
        let seen: HashSet<Snowflake> = read
            .iter()
            .filter_map(Input::message)
            .map(|m| m.id)
            .collect();
        let gone: Vec<Input> = self
            .dossier(id)?
            .messages
            .iter()
            .filter(|m| m.posted_utc() >= complete_since && !seen.contains(&m.id))
            .map(|m| Input::Deleted { id: m.id, at: now })
            .collect();
        let inputs = read.into_iter().chain(gone);
        self.ingest(id, None, inputs)
    }

    /// Notes that version `post.version` of the record was posted.
    pub fn record_post(&mut self, id: &IncidentId, post: Post) -> Result<(), IngestError> {
        self.open.remove(id);
        let mut incident = self
            .store
            .incident(id)?
            .ok_or_else(|| IngestError::UnknownIncident(id.clone()))?;
        incident.posts.retain(|p| p.version != post.version);
        incident.posts.push(post);
        incident.posts.sort_by_key(|p| p.version);
        let mut changes = Changes::default();
        changes.put_incident(&incident);
        self.store.commit(changes)?;
        Ok(())
    }

    /// Re-applies today's secret patterns to everything stored for `id`;
    /// returns how many entries changed.
    pub fn redact_stored(&mut self, id: &IncidentId) -> Result<usize, IngestError> {
        self.open.remove(id);
        let dossier = self
            .store
            .dossier(id)?
            .ok_or_else(|| IngestError::UnknownIncident(id.clone()))?;
        let mut changes = Changes::default();
        for message in dossier.messages {
            let clean = redact_message(&self.redactor, message.clone());
            if clean != message {
                changes.put_message(id, &clean);
            }
        }
        for annotation in dossier.annotations {
            let clean = redact_annotation(&self.redactor, annotation.clone());
            if clean != annotation {
                changes.put_annotation(id, &clean);
            }
        }
        let count = changes.len();
        self.store.commit(changes)?;
        Ok(count)
    }

    /// Forgets cached working copies (after an outside change to the
    /// store, or to bound memory).
    pub fn forget(&mut self, id: &IncidentId) {
        self.open.remove(id);
    }
}
