//! An incident's working copy: its entries in memory and the ledger
//! they replay into.

use std::collections::BTreeMap;

use crate::ledger::Ledger;
use crate::model::{Annotation, Dossier, Incident, Message, Snowflake, Tombstone};
use crate::store::Entry;

/// What the recorder holds of one incident between inputs.
pub struct Working {
    pub incident: Incident,
    /// Every message when `complete` (an import, which rewrites the
    /// whole incident); otherwise only those this batch wrote, the rest
    /// being read from the store on demand, so a long bridge does not
    /// live in memory.
    pub messages: BTreeMap<Snowflake, Message>,
    pub complete: bool,
    pub tombstones: BTreeMap<Snowflake, Tombstone>,
    pub annotations: BTreeMap<String, Annotation>,
    pub ledger: Ledger,
    /// True when the header must be written: a new incident, or a new
    /// channel binding.
    pub header_dirty: bool,
}

impl Working {
    /// A new incident with nothing recorded; `complete` as in
    /// [`Working::from_dossier`].
    pub fn new(incident: Incident, complete: bool) -> Working {
        let ledger = Ledger::rebuild(&incident, std::iter::empty());
        Working {
            incident,
            messages: BTreeMap::new(),
            complete,
            tombstones: BTreeMap::new(),
            annotations: BTreeMap::new(),
            ledger,
            header_dirty: true,
        }
    }

    /// The working copy of a stored incident; with `complete` false its
    /// messages stay in the store.
    pub fn from_dossier(dossier: Dossier, complete: bool) -> Working {
        let ledger = Ledger::replay(&dossier);
        let messages = match complete {
            true => dossier.messages.into_iter().map(|m| (m.id, m)).collect(),
            false => BTreeMap::new(),
        };
        Working {
            incident: dossier.incident,
            messages,
            complete,
            tombstones: dossier.tombstones.into_iter().map(|t| (t.id, t)).collect(),
            annotations: dossier
                .annotations
                .into_iter()
                .map(|a| (a.origin.key(), a))
                .collect(),
            ledger,
            header_dirty: false,
        }
    }

    /// Replays the ledger from the annotations held.
    pub fn rebuild_ledger(&mut self) {
        self.ledger = Ledger::rebuild(&self.incident, self.annotations.values());
    }

    /// Every entry, for a rewrite of the whole incident (a `complete`
    /// working copy).
    pub fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        debug_assert!(self.complete, "a rewrite needs every message");
        let messages = self.messages.values().map(Entry::Message);
        let tombstones = self.tombstones.values().map(Entry::Tombstone);
        let annotations = self.annotations.values().map(Entry::Annotation);
        messages.chain(tombstones).chain(annotations)
    }

    /// The order key of the latest annotation held.
    pub fn latest_order(&self) -> Option<(chrono::DateTime<chrono::Utc>, u32, String)> {
        self.annotations.values().map(Annotation::order_key).max()
    }
}
