//! How each command changes the ledger, and when it cannot.

use chrono::{DateTime, Utc};

use super::{
    Action, ApplyError, Card, Control, Event, Ledger, Link, PhaseChange, Publication, Why,
};
use crate::model::{ActionStatus, Annotation, Command, IncidentPatch, Person, Status};

impl Ledger {
    /// Applies one annotation, or says why it cannot apply. Nothing is
    /// changed when it fails.
    pub fn apply(&mut self, annotation: &Annotation) -> Result<(), ApplyError> {
        let by = annotation.author.clone();
        let given = annotation.given_at;
        match &annotation.command {
            Command::IncidentOpen {
                id,
                title,
                severity,
                commander,
                since,
            } => {
                if *id != self.id {
                    return Err(ApplyError(format!(
                        "this channel records {}; \"{id}\" cannot be opened here",
                        self.id
                    )));
                }
                self.title = title.clone();
                self.severity = Some(severity.clone());
                self.commander = commander.clone().or(by);
                self.since = *since;
            }
            Command::IncidentSet(patch) => self.patch(patch),
            Command::Phase { phase, at } => {
                self.phases.push(PhaseChange {
                    phase: *phase,
                    at: at.unwrap_or(given),
                    by,
                });
                self.phases.sort_by_key(|p| p.at);
            }
            Command::Event {
                text,
                at,
                phase,
                key,
            } => {
                self.counters.event += 1;
                self.events.push(Event {
                    n: self.counters.event,
                    text: text.clone(),
                    at: at.unwrap_or(given),
                    phase: *phase,
                    key: *key,
                    by,
                });
            }
            Command::EventEdit { n, text, at, phase } => {
                let event = find(&mut self.events, *n, |e| e.n, "event")?;
                if let Some(text) = text {
                    event.text = text.clone();
                }
                event.at = at.unwrap_or(event.at);
                event.phase = phase.or(event.phase);
            }
            Command::EventRemove { n } => remove(&mut self.events, *n, |e| e.n, "event")?,
            Command::Mark { mark, at } => {
                self.marks.insert(*mark, at.unwrap_or(given));
            }
            Command::ImpactStart { at } => self.impact_start = Some(at.unwrap_or(given)),
            Command::ImpactEnd { at } => self.impact_end = Some(at.unwrap_or(given)),
            Command::ImpactCustomers { text } => self.customers = Some(text.clone()),
            Command::ImpactCard { label, value } => {
                self.counters.card += 1;
                self.cards.push(Card {
                    n: self.counters.card,
                    label: label.clone(),
                    value: value.clone(),
                });
            }
            Command::ImpactCardRemove { n } => remove(&mut self.cards, *n, |c| c.n, "card")?,
            Command::ActionAdd {
                text,
                owner,
                due,
                reference,
            } => {
                self.counters.action += 1;
                self.actions.push(Action {
                    n: self.counters.action,
                    text: text.clone(),
                    owner: owner.clone(),
                    due: *due,
                    reference: reference.clone(),
                    status: ActionStatus::Open,
                    added_by: by,
                    closed_at: None,
                });
            }
            Command::ActionSetStatus { n, status } => {
                let action = find(&mut self.actions, *n, |a| a.n, "action")?;
                action.status = *status;
                action.closed_at = (*status != ActionStatus::Open).then_some(given);
            }
            Command::ActionRemove { n } => remove(&mut self.actions, *n, |a| a.n, "action")?,
            Command::ActionEdit {
                n,
                text,
                owner,
                due,
                reference,
            } => {
                let action = find(&mut self.actions, *n, |a| a.n, "action")?;
                set(&mut action.text, text);
                set(&mut action.owner, owner);
                set(&mut action.due, due);
                if reference.is_some() {
                    action.reference = reference.clone();
                }
            }
            Command::WhyAdd { text } => self.whys.push(Why {
                text: text.clone(),
                by,
            }),
            Command::WhyEdit { n, text } => {
                let index = self.why_index(*n)?;
                self.whys[index].text = text.clone();
            }
            Command::WhyRemove { n } => {
                let index = self.why_index(*n)?;
                self.whys.remove(index);
            }
            Command::RootCause { text } => self.root_cause = Some(text.clone()),
            Command::ControlAdd {
                name,
                kind,
                outcome,
                note,
            } => {
                self.counters.control += 1;
                self.controls.push(Control {
                    n: self.counters.control,
                    name: name.clone(),
                    kind: *kind,
                    outcome: *outcome,
                    note: note.clone(),
                });
            }
            Command::ControlEdit {
                n,
                name,
                kind,
                outcome,
                note,
            } => {
                let control = find(&mut self.controls, *n, |c| c.n, "control")?;
                set(&mut control.name, name);
                set(&mut control.kind, kind);
                set(&mut control.outcome, outcome);
                if note.is_some() {
                    control.note = note.clone();
                }
            }
            Command::ControlRemove { n } => remove(&mut self.controls, *n, |c| c.n, "control")?,
            Command::LinkAdd { label, reference } => {
                self.counters.link += 1;
                self.links.push(Link {
                    n: self.counters.link,
                    label: label.clone(),
                    reference: reference.clone(),
                });
            }
            Command::LinkRemove { n } => remove(&mut self.links, *n, |l| l.n, "link")?,
            Command::PostmortemPublish => self.publish(given, by),
            Command::AddToTimeline { message } => {
                self.key_messages.insert(*message);
            }
            Command::AddLogExcerpt { message } => {
                self.log_messages.insert(*message);
            }
            Command::ActionList | Command::PostmortemPreview => {}
        }
        Ok(())
    }

    /// Checks an annotation against the current state without keeping
    /// the change.
    pub fn check(&self, annotation: &Annotation) -> Result<(), ApplyError> {
        self.clone().apply(annotation)
    }

    fn patch(&mut self, patch: &IncidentPatch) {
        set(&mut self.title, &patch.title);
        if patch.severity.is_some() {
            self.severity = patch.severity.clone();
        }
        if patch.summary.is_some() {
            self.summary = patch.summary.clone();
        }
        if patch.commander.is_some() {
            self.commander = patch.commander.clone();
        }
        set(&mut self.status, &patch.status);
    }

    fn publish(&mut self, at: DateTime<Utc>, by: Option<Person>) {
        let version = self.version() + 1;
        self.publications.push(Publication { version, at, by });
        self.status = Status::Published;
    }

    fn why_index(&self, n: u32) -> Result<usize, ApplyError> {
        let count = self.whys.len();
        match n as usize {
            i if (1..=count).contains(&i) => Ok(i - 1),
            _ if count == 0 => Err(ApplyError(format!(
                "there is no why {n}: the chain is empty; add one with /why add"
            ))),
            _ => Err(ApplyError(format!(
                "there is no why {n}: the chain has {count} (1–{count})"
            ))),
        }
    }
}

fn set<T: Clone>(slot: &mut T, value: &Option<T>) {
    if let Some(value) = value {
        *slot = value.clone();
    }
}

fn find<'a, T>(
    items: &'a mut [T],
    n: u32,
    number: impl Fn(&T) -> u32,
    what: &str,
) -> Result<&'a mut T, ApplyError> {
    let known = numbers(items.iter().map(&number));
    items
        .iter_mut()
        .find(|item| number(item) == n)
        .ok_or_else(|| missing(what, n, &known))
}

fn remove<T>(
    items: &mut Vec<T>,
    n: u32,
    number: impl Fn(&T) -> u32,
    what: &str,
) -> Result<(), ApplyError> {
    let index = items.iter().position(|item| number(item) == n);
    let index = index.ok_or_else(|| missing(what, n, &numbers(items.iter().map(&number))))?;
    items.remove(index);
    Ok(())
}

fn numbers(ns: impl Iterator<Item = u32>) -> String {
    ns.map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
}

fn missing(what: &str, n: u32, known: &str) -> ApplyError {
    if known.is_empty() {
        ApplyError(format!("there is no {what} {n}: none has been added yet"))
    } else {
        ApplyError(format!("there is no {what} {n}: the {what}s are {known}"))
    }
}
