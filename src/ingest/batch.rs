//! One batch of inputs against a working copy: the rules of the write
//! path, input by input.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::redact::Redactor;
use super::working::Working;
use super::{Input, Refusal, Report};
use crate::annotate::{self, Context};
use crate::model::{
    Annotation, Channel, Message, Origin, Person, Revision, Snowflake, Tombstone, TypedOutcome,
};
use crate::settings::Settings;
use crate::store::{Changes, Store};

/// Inputs applied so far and the writes they need.
pub struct Batch<'a> {
    working: &'a mut Working,
    store: &'a Store,
    redactor: &'a Redactor,
    settings: &'a Settings,
    self_id: Option<Snowflake>,
    tz: Tz,
    changes: Changes,
    report: Report,
    /// Imports store every annotation first and check them all in one
    /// replay at the end, so their order in the files does not matter.
    deferred: bool,
}

impl<'a> Batch<'a> {
    /// Starts a batch on `working`.
    pub fn new(
        working: &'a mut Working,
        store: &'a Store,
        redactor: &'a Redactor,
        settings: &'a Settings,
        self_id: Option<Snowflake>,
    ) -> Batch<'a> {
        let tz = annotate::zone(&working.incident.timezone).unwrap_or(Tz::UTC);
        let report = Report::new(working.incident.id.clone());
        Batch {
            working,
            store,
            redactor,
            settings,
            self_id,
            tz,
            changes: Changes::default(),
            report,
            deferred: false,
        }
    }

    /// Checks annotations in one replay at [`Batch::finish`] instead of
    /// one by one (for imports).
    pub fn deferred(mut self) -> Batch<'a> {
        self.deferred = true;
        // The whole state is rewritten at the end: only count the writes.
        self.changes = Changes::counting();
        self
    }

    /// Applies one input.
    pub fn apply(&mut self, input: Input) {
        match input {
            Input::Message(message) => self.message(message, true),
            Input::Overheard(message) => self.message(message, false),
            Input::Deleted { id, at } => self.delete(id, at),
            Input::Pin { id, pinned } => self.update_message(id, |m| m.pinned = pinned),
            Input::PinReaction { id, user, added } => {
                self.update_message(id, |m| set_reaction(m, user, added))
            }
            Input::Command(annotation) => self.command(annotation),
            Input::NotesFile { file, annotations } => self.notes_file(&file, annotations),
            Input::Channel(channel) => self.channel(channel),
        }
    }

    /// The writes to commit and what the batch did.
    pub fn finish(mut self) -> (Changes, Report) {
        if self.deferred {
            self.settle();
        }
        if self.working.header_dirty {
            self.changes.put_incident(&self.working.incident);
            self.working.header_dirty = false;
        }
        self.report.version = self.working.ledger.version();
        (self.changes, self.report)
    }

    /// Records a message; `may_annotate` false keeps a command in it as
    /// chat (its author is outside the responder roles).
    fn message(&mut self, mut message: Message, may_annotate: bool) {
        // The incident's own channel goes unsaid: only a thread's id is
        // kept, which keeps every stored message and the archive smaller.
        let home = self.working.incident.channel.as_ref().map(|c| c.id);
        if message.channel_id.is_some() && message.channel_id == home {
            message.channel_id = None;
        }
        let message = redact_message(self.redactor, message);
        if self.working.tombstones.contains_key(&message.id) {
            self.report.messages_ignored += 1;
            return;
        }
        if message.author.is_bot && self.is_scribes_own(&message) {
            return;
        }
        match self.stored_message(message.id) {
            None => self.add_message(message, may_annotate),
            Some(old) => self.merge_message(old, message, may_annotate),
        }
    }

    fn add_message(&mut self, mut message: Message, may_annotate: bool) {
        self.report.messages_added += 1;
        message.typed = self.typed(&message, may_annotate);
        self.store_message(message);
    }

    fn merge_message(&mut self, old: Message, mut new: Message, may_annotate: bool) {
        let (old_at, new_at) = (old.written_utc(), new.written_utc());
        if new_at < old_at {
            self.report.messages_ignored += 1;
            return;
        }
        if new_at == old_at {
            // Same write seen again: only state that changes without an
            // edit (pins, 📌 reactions, fetched bytes) may move.
            let merged = merge_state(&old, &new);
            self.count_and_store(old, merged);
            return;
        }
        new.history = old.history.clone();
        if new.content != old.content {
            new.history.push(Revision {
                content: old.content.clone(),
                written_at: old.edited_at.unwrap_or(old.posted_at),
            });
            self.withdraw(&Origin::Message { id: new.id }.key());
            new.typed = self.typed(&new, may_annotate);
        } else {
            new.typed = old.typed.clone();
        }
        self.report.messages_edited += 1;
        self.store_message(new);
    }

    fn count_and_store(&mut self, old: Message, merged: Message) {
        if merged == old {
            self.report.messages_unchanged += 1;
        } else {
            self.report.messages_updated += 1;
            self.store_message(merged);
        }
    }

    /// The message as it stands: written in this batch, else stored. A
    /// failed read is logged and the message taken as new; the write that
    /// follows is keyed by its id, so nothing is stored twice.
    fn stored_message(&self, id: Snowflake) -> Option<Message> {
        if let Some(message) = self.working.messages.get(&id) {
            return Some(message.clone());
        }
        if self.working.complete {
            return None;
        }
        let found = self.store.message(&self.working.incident.id, id);
        found.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot read a stored message; treating it as new");
            None
        })
    }

    fn store_message(&mut self, message: Message) {
        self.changes
            .put_message(&self.working.incident.id, &message);
        self.working.messages.insert(message.id, message);
    }

    fn update_message(&mut self, id: Snowflake, change: impl FnOnce(&mut Message)) {
        let Some(old) = self.stored_message(id) else {
            self.report.messages_ignored += 1;
            return;
        };
        let mut message = old.clone();
        change(&mut message);
        self.count_and_store(old, message);
    }

    fn delete(&mut self, id: Snowflake, at: DateTime<Utc>) {
        if self.working.tombstones.contains_key(&id) {
            self.report.messages_ignored += 1;
            return;
        }
        let tombstone = Tombstone { id, deleted_at: at };
        self.working.messages.remove(&id);
        self.working.tombstones.insert(id, tombstone);
        self.changes
            .put_tombstone(&self.working.incident.id, &tombstone);
        self.withdraw(&Origin::Message { id }.key());
        self.report.messages_deleted += 1;
    }

    fn channel(&mut self, channel: Channel) {
        let channel = Channel {
            name: self.redactor.redact(&channel.name).into_owned(),
            topic: channel.topic.map(|t| self.redactor.redact(&t).into_owned()),
            ..channel
        };
        if self.working.incident.channel.as_ref() == Some(&channel) {
            return;
        }
        self.changes
            .bind_channel(channel.id, &self.working.incident.id);
        self.working.incident.channel = Some(channel);
        self.working.rebuild_ledger();
        self.working.header_dirty = true;
    }

    /// Reads a human message as a typed command, applying it if it is
    /// one; `None` when it is ordinary chat.
    fn typed(&mut self, message: &Message, may_annotate: bool) -> Option<TypedOutcome> {
        if message.author.is_bot || !may_annotate {
            return None;
        }
        let ctx = self.context(message.posted_utc(), &message.mentions);
        let result = annotate::parse_typed(&message.content, &ctx);
        let command = match result {
            Ok(None) => return None,
            Ok(Some(command)) => command,
            Err(e) => return Some(self.refuse_message(message, e.0)),
        };
        if command.is_query() {
            return Some(TypedOutcome::Applied);
        }
        let annotation = Annotation {
            origin: Origin::Message { id: message.id },
            author: Some(message.author.person()),
            given_at: message.posted_utc(),
            seq: 0,
            command,
        };
        match self.apply_annotation(annotation) {
            Ok(()) => Some(TypedOutcome::Applied),
            Err(reason) => Some(self.refuse_message(message, reason)),
        }
    }

    fn refuse_message(&mut self, message: &Message, reason: String) -> TypedOutcome {
        self.report.refused.push(Refusal {
            origin: Origin::Message { id: message.id }.key(),
            author: Some(message.author.name.clone()),
            at: Some(message.posted_utc()),
            text: first_line(&message.content),
            reason: reason.clone(),
        });
        TypedOutcome::Refused { reason }
    }

    /// True when the message is Scribe's own: a confirmation (read back
    /// as the annotation it confirms) or a posted record. Those are not
    /// kept as chat.
    fn is_scribes_own(&mut self, message: &Message) -> bool {
        // Once Scribe's own id is known, only its messages can confirm:
        // another bot or a webhook writing the same words changes nothing.
        let known_self = self.self_id.is_some_and(|id| id == message.author.id);
        if self.self_id.is_some() && !known_self {
            return false;
        }
        let ctx = self.context(message.posted_utc(), &message.mentions);
        if let Some(command) = annotate::parse_confirmation(&message.content, &ctx) {
            let (origin, author) = self.confirmed_origin(message);
            let annotation = Annotation {
                origin,
                author,
                given_at: message.posted_utc(),
                seq: 0,
                command,
            };
            if !annotation.command.is_query() {
                self.command(annotation);
            }
            return true;
        }
        known_self || is_record_post(message)
    }

    /// The origin a confirmation stands for: the interaction it answers,
    /// or the typed message it replies to (whose key it then shares).
    fn confirmed_origin(&self, message: &Message) -> (Origin, Option<Person>) {
        if let Some(interaction) = &message.interaction {
            return (
                Origin::Interaction { id: interaction.id },
                Some(interaction.user.clone()),
            );
        }
        if let Some(reply_to) = message.reply_to {
            let author = self.stored_message(reply_to).map(|m| m.author.person());
            return (Origin::Message { id: reply_to }, author);
        }
        (Origin::Message { id: message.id }, None)
    }

    fn command(&mut self, annotation: Annotation) {
        let annotation = redact_annotation(self.redactor, annotation);
        let key = annotation.origin.key();
        if let Err(reason) = self.apply_annotation(annotation.clone()) {
            self.report.refused.push(Refusal {
                origin: key,
                author: annotation.author.map(|p| p.name),
                at: Some(annotation.given_at),
                text: String::new(),
                reason,
            });
        }
    }

    fn notes_file(&mut self, file: &str, annotations: Vec<Annotation>) {
        let prefix = format!("notes:{file}:");
        let new_keys: Vec<String> = annotations.iter().map(|a| a.origin.key()).collect();
        let stale: Vec<String> = self
            .working
            .annotations
            .keys()
            .filter(|k| k.starts_with(&prefix) && !new_keys.contains(k))
            .cloned()
            .collect();
        for key in stale {
            self.withdraw(&key);
        }
        let mut annotations = annotations;
        annotations.sort_by_key(Annotation::order_key);
        for annotation in annotations {
            self.command(annotation);
        }
    }

    /// Applies an annotation to the ledger and queues it for storage;
    /// the same key seen again changes nothing.
    fn apply_annotation(&mut self, annotation: Annotation) -> Result<(), String> {
        let key = annotation.origin.key();
        if self.working.annotations.contains_key(&key) {
            self.report.annotations_unchanged += 1;
            return Ok(());
        }
        if let Origin::Message { id } = annotation.origin
            && self.working.tombstones.contains_key(&id)
        {
            self.report.annotations_unchanged += 1;
            return Ok(());
        }
        if self.deferred {
            self.keep_annotation(annotation);
            return Ok(());
        }
        let in_order = self
            .working
            .latest_order()
            .is_none_or(|latest| annotation.order_key() >= latest);
        if in_order {
            self.working.ledger.apply(&annotation).map_err(|e| e.0)?;
            self.keep_annotation(annotation);
            return Ok(());
        }
        self.apply_out_of_order(annotation)
    }

    /// An annotation older than others held: replay everything with it
    /// in place, and refuse it if it does not fit there.
    fn apply_out_of_order(&mut self, annotation: Annotation) -> Result<(), String> {
        let key = annotation.origin.key();
        self.working
            .annotations
            .insert(key.clone(), annotation.clone());
        self.working.rebuild_ledger();
        let skipped = self.working.ledger.skipped.iter().find(|s| s.key == key);
        if let Some(skipped) = skipped.cloned() {
            self.working.annotations.remove(&key);
            self.working.rebuild_ledger();
            return Err(skipped.reason);
        }
        self.working.annotations.remove(&key);
        self.keep_annotation(annotation);
        Ok(())
    }

    /// Replays everything once and refuses the annotations that do not
    /// apply where they stand in time.
    fn settle(&mut self) {
        self.working.rebuild_ledger();
        let skipped = std::mem::take(&mut self.working.ledger.skipped);
        for skip in &skipped {
            let Some(annotation) = self.working.annotations.remove(&skip.key) else {
                continue;
            };
            self.changes
                .remove_annotation(&self.working.incident.id, &skip.key);
            self.report.annotations_applied -= 1;
            self.refuse_settled(annotation, skip.reason.clone());
        }
        self.working.rebuild_ledger();
    }

    fn refuse_settled(&mut self, annotation: Annotation, reason: String) {
        let mut text = String::new();
        if let Origin::Message { id } = annotation.origin
            && let Some(mut message) = self.stored_message(id)
        {
            text = first_line(&message.content);
            message.typed = Some(TypedOutcome::Refused {
                reason: reason.clone(),
            });
            self.store_message(message);
        }
        self.report.refused.push(Refusal {
            origin: annotation.origin.key(),
            author: annotation.author.map(|p| p.name),
            at: Some(annotation.given_at),
            text,
            reason,
        });
    }

    fn keep_annotation(&mut self, annotation: Annotation) {
        self.changes
            .put_annotation(&self.working.incident.id, &annotation);
        if !self.deferred {
            self.report.applied.push(annotation.clone());
        }
        self.working
            .annotations
            .insert(annotation.origin.key(), annotation);
        self.report.annotations_applied += 1;
    }

    fn withdraw(&mut self, key: &str) {
        if self.working.annotations.remove(key).is_some() {
            self.changes
                .remove_annotation(&self.working.incident.id, key);
            self.working.rebuild_ledger();
            self.report.annotations_withdrawn += 1;
        }
    }

    fn context<'m>(&self, now: DateTime<Utc>, mentions: &'m [Person]) -> Context<'m>
    where
        'a: 'm,
    {
        Context::chat(self.tz, now, &self.settings.record.severities, mentions)
    }
}

/// The message with every secret replaced, in text, history, embeds,
/// file names and text attachments.
pub(super) fn redact_message(r: &Redactor, mut message: Message) -> Message {
    redact_string(r, &mut message.content);
    redact_string(r, &mut message.author.name);
    for revision in &mut message.history {
        redact_string(r, &mut revision.content);
    }
    for embed in &mut message.embeds {
        redact_string(r, &mut embed.title);
        redact_string(r, &mut embed.description);
    }
    for attachment in &mut message.attachments {
        redact_string(r, &mut attachment.file_name);
        if let Some(bytes) = attachment.bytes.as_deref().and_then(|b| r.redact_bytes(b)) {
            attachment.size = bytes.len() as u64;
            attachment.bytes = Some(bytes);
        }
    }
    message
}

/// The annotation with every text value of its command redacted.
pub(super) fn redact_annotation(r: &Redactor, annotation: Annotation) -> Annotation {
    let Ok(mut value) = serde_json::to_value(&annotation.command) else {
        return annotation;
    };
    redact_json(r, &mut value);
    let author = annotation.author.clone().map(|mut p| {
        redact_string(r, &mut p.name);
        p
    });
    match serde_json::from_value(value) {
        Ok(command) => Annotation {
            command,
            author,
            ..annotation
        },
        Err(_) => annotation,
    }
}

fn redact_string(redactor: &Redactor, text: &mut String) {
    if let std::borrow::Cow::Owned(clean) = redactor.redact(text) {
        *text = clean;
    }
}

fn redact_json(redactor: &Redactor, value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => redact_string(redactor, s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| redact_json(redactor, v)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| redact_json(redactor, v)),
        _ => {}
    }
}

/// The old message with the new one's edit-free state.
fn merge_state(old: &Message, new: &Message) -> Message {
    let mut merged = old.clone();
    merged.pinned = new.pinned;
    merged.pin_reactions = new.pin_reactions.clone();
    for (kept, fresh) in merged.attachments.iter_mut().zip(&new.attachments) {
        if kept.bytes.is_none() && kept.id == fresh.id {
            kept.bytes = fresh.bytes.clone();
        }
    }
    merged
}

fn set_reaction(message: &mut Message, user: Person, added: bool) {
    message.pin_reactions.retain(|p| !p.same_as(&user));
    if added {
        message.pin_reactions.push(user);
    }
}

/// A bot message carrying a record file (`INC-2417-v2.html` or `.zip`).
fn is_record_post(message: &Message) -> bool {
    message.attachments.iter().any(|a| {
        let name = a.file_name.as_str();
        let stem = name
            .strip_suffix(".html")
            .or_else(|| name.strip_suffix(".zip"));
        stem.and_then(|s| s.rsplit_once("-v"))
            .is_some_and(|(id, v)| {
                id.parse::<crate::model::IncidentId>().is_ok()
                    && !v.is_empty()
                    && v.bytes().all(|b| b.is_ascii_digit())
            })
    })
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut short: String = line.chars().take(120).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    short
}
