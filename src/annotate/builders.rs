//! How each command's checked options become a [`Command`]: one small
//! function per command, named in the table in `commands`.

use chrono::{DateTime, Utc};

use super::options::Args;
use super::{AnnotateError, Context, time, values};
use crate::model::{ActionStatus, Command, IncidentPatch};

fn n(a: &Args) -> Result<u32, AnnotateError> {
    values::number(a.need("n")?)
}

fn at(a: &Args, ctx: &Context) -> Result<Option<DateTime<Utc>>, AnnotateError> {
    a.read("at", |v| time::resolve(v, ctx))
}

pub(super) fn incident_open(a: &Args, ctx: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::IncidentOpen {
        id: values::incident_id(a.need("id")?)?,
        title: a.need("title")?.to_string(),
        severity: values::severity(a.need("severity")?, ctx)?,
        commander: a.read("commander", |v| values::person(v, ctx))?,
        since: a.read("since", |v| time::resolve(v, ctx))?,
    })
}

pub(super) fn incident_set(a: &Args, ctx: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::IncidentSet(IncidentPatch {
        title: a.text("title"),
        severity: a.read("severity", |v| values::severity(v, ctx))?,
        summary: a.text("summary"),
        commander: a.read("commander", |v| values::person(v, ctx))?,
        status: a.read("status", values::word)?,
    }))
}

pub(super) fn phase(a: &Args, ctx: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::Phase {
        phase: values::word(a.need("phase")?)?,
        at: at(a, ctx)?,
    })
}

pub(super) fn event(a: &Args, ctx: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::Event {
        text: a.need("text")?.to_string(),
        at: at(a, ctx)?,
        phase: a.read("phase", values::word)?,
        key: a.read("key", values::yes_no)?.unwrap_or(true),
    })
}

pub(super) fn event_edit(a: &Args, ctx: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::EventEdit {
        n: n(a)?,
        text: a.text("text"),
        at: at(a, ctx)?,
        phase: a.read("phase", values::word)?,
    })
}

pub(super) fn event_remove(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::EventRemove { n: n(a)? })
}

pub(super) fn mark(a: &Args, ctx: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::Mark {
        mark: values::word(a.need("mark")?)?,
        at: at(a, ctx)?,
    })
}

pub(super) fn impact_start(a: &Args, ctx: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::ImpactStart { at: at(a, ctx)? })
}

pub(super) fn impact_end(a: &Args, ctx: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::ImpactEnd { at: at(a, ctx)? })
}

pub(super) fn impact_customers(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    let text = a.need("text")?.to_string();
    Ok(Command::ImpactCustomers { text })
}

pub(super) fn impact_card(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::ImpactCard {
        label: a.need("label")?.to_string(),
        value: a.need("value")?.to_string(),
    })
}

pub(super) fn impact_card_remove(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::ImpactCardRemove { n: n(a)? })
}

pub(super) fn action_add(a: &Args, ctx: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::ActionAdd {
        text: a.need("text")?.to_string(),
        owner: values::person(a.need("owner")?, ctx)?,
        due: values::date(a.need("due")?)?,
        reference: a.text("ref"),
    })
}

fn action_status(a: &Args, status: ActionStatus) -> Result<Command, AnnotateError> {
    Ok(Command::ActionSetStatus { n: n(a)?, status })
}

pub(super) fn action_done(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    action_status(a, ActionStatus::Done)
}

pub(super) fn action_wontdo(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    action_status(a, ActionStatus::WontDo)
}

pub(super) fn action_reopen(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    action_status(a, ActionStatus::Open)
}

pub(super) fn action_remove(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::ActionRemove { n: n(a)? })
}

pub(super) fn action_edit(a: &Args, ctx: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::ActionEdit {
        n: n(a)?,
        text: a.text("text"),
        owner: a.read("owner", |v| values::person(v, ctx))?,
        due: a.read("due", values::date)?,
        reference: a.text("ref"),
    })
}

pub(super) fn why_add(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    let text = a.need("text")?.to_string();
    Ok(Command::WhyAdd { text })
}

pub(super) fn why_edit(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::WhyEdit {
        n: n(a)?,
        text: a.need("text")?.to_string(),
    })
}

pub(super) fn why_remove(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::WhyRemove { n: n(a)? })
}

pub(super) fn root_cause(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    let text = a.need("text")?.to_string();
    Ok(Command::RootCause { text })
}

pub(super) fn control_add(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::ControlAdd {
        name: a.need("name")?.to_string(),
        kind: values::word(a.need("type")?)?,
        outcome: values::word(a.need("outcome")?)?,
        note: a.text("note"),
    })
}

pub(super) fn control_edit(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::ControlEdit {
        n: n(a)?,
        name: a.text("name"),
        kind: a.read("type", values::word)?,
        outcome: a.read("outcome", values::word)?,
        note: a.text("note"),
    })
}

pub(super) fn control_remove(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::ControlRemove { n: n(a)? })
}

pub(super) fn link_add(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::LinkAdd {
        label: a.need("label")?.to_string(),
        reference: a.need("ref")?.to_string(),
    })
}

pub(super) fn link_remove(a: &Args, _: &Context) -> Result<Command, AnnotateError> {
    Ok(Command::LinkRemove { n: n(a)? })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::annotate::{Clock, parse_typed};
    use crate::model::{ControlOutcome, ControlType, Mark, Person, Phase, Snowflake, Status};

    fn tanaka() -> Person {
        Person {
            name: "M. Tanaka".into(),
            id: Some(Snowflake(123)),
        }
    }

    fn typed(text: &str) -> Command {
        let severities = ["SEV-1", "SEV-2", "SEV-3", "SEV-4"].map(String::from);
        let mentions = [tanaka()];
        let ctx = Context {
            tz: chrono_tz::UTC,
            clock: Clock::Chat {
                now: utc("2026-06-03T05:00:00Z"),
            },
            severities: &severities,
            mentions: &mentions,
        };
        match parse_typed(text, &ctx) {
            Ok(Some(cmd)) => cmd,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("test time")
    }

    fn at(text: &str) -> Option<DateTime<Utc>> {
        Some(utc(text))
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("test date")
    }

    #[test]
    fn incident_commands() {
        let open = typed(
            "/incident open INC-2417 title:Duplicate draft invoices after failover severity:sev-2 commander:<@123> since:02:00",
        );
        let opened = Command::IncidentOpen {
            id: "INC-2417".parse().expect("id"),
            title: "Duplicate draft invoices after failover".into(),
            severity: "SEV-2".into(),
            commander: Some(tanaka()),
            since: at("2026-06-03T02:00:00Z"),
        };
        assert_eq!(open, opened);
        let set = typed(
            "/incident set status:published summary:Retried writes made duplicates.\nNone was sent.",
        );
        let patch = IncidentPatch {
            status: Some(Status::Published),
            summary: Some("Retried writes made duplicates.\nNone was sent.".into()),
            ..IncidentPatch::default()
        };
        assert_eq!(set, Command::IncidentSet(patch));
        let set =
            typed("/incident set severity:SEV-1 title:Duplicate drafts commander:@J. Lindqvist");
        let patch = IncidentPatch {
            title: Some("Duplicate drafts".into()),
            severity: Some("SEV-1".into()),
            commander: Some(Person::named("J. Lindqvist")),
            ..IncidentPatch::default()
        };
        assert_eq!(set, Command::IncidentSet(patch));
    }

    #[test]
    fn timeline_commands() {
        let phase = Command::Phase {
            phase: Phase::Mitigate,
            at: at("2026-06-03T04:51:00Z"),
        };
        assert_eq!(typed("/phase mitigate at:04:51"), phase);
        let event = Command::Event {
            text: "Dispatch queue paused".into(),
            at: at("2026-06-03T04:52:00Z"),
            phase: Some(Phase::Mitigate),
            key: false,
        };
        assert_eq!(
            typed("/event Dispatch queue paused at:04:52 phase:mitigate key:no"),
            event
        );
        let edit = Command::EventEdit {
            n: 3,
            text: Some("Queue paused by billing-ops".into()),
            at: at("2026-06-03T04:50:00Z"),
            phase: None,
        };
        assert_eq!(
            typed("/event edit 3 text:Queue paused by billing-ops at:-10m"),
            edit
        );
        assert_eq!(typed("/event remove 2"), Command::EventRemove { n: 2 });
        let mark = Command::Mark {
            mark: Mark::Detected,
            at: at("2026-06-03T04:36:00Z"),
        };
        assert_eq!(typed("/mark detected at:2026-06-03 04:36"), mark);
    }

    #[test]
    fn impact_commands() {
        let start = Command::ImpactStart {
            at: at("2026-06-03T02:15:00Z"),
        };
        assert_eq!(typed("/impact start at:02:15"), start);
        assert_eq!(typed("/impact end"), Command::ImpactEnd { at: None });
        let customers = Command::ImpactCustomers {
            text: "None: no duplicate invoice was dispatched.".into(),
        };
        assert_eq!(
            typed("/impact customers None: no duplicate invoice was dispatched."),
            customers
        );
        let card = Command::ImpactCard {
            label: "Duplicate drafts".into(),
            value: "1,842".into(),
        };
        assert_eq!(
            typed("/impact card label:Duplicate drafts value:1,842"),
            card
        );
        assert_eq!(
            typed("/impact card remove 1"),
            Command::ImpactCardRemove { n: 1 }
        );
    }

    #[test]
    fn action_commands() {
        let add = Command::ActionAdd {
            text: "Add idempotency key to invoice writes".into(),
            owner: Person::named("mtanaka"),
            due: day(2026, 6, 12),
            reference: Some("batch-billing#498".into()),
        };
        let text = "/action add text:Add idempotency key to invoice writes owner:@mtanaka due:2026-06-12 ref:batch-billing#498";
        assert_eq!(typed(text), add);
        let status = |n, status| Command::ActionSetStatus { n, status };
        assert_eq!(typed("/action done 3"), status(3, ActionStatus::Done));
        assert_eq!(typed("/action wontdo n:4"), status(4, ActionStatus::WontDo));
        assert_eq!(typed("/action reopen 3"), status(3, ActionStatus::Open));
        assert_eq!(typed("/action remove 5"), Command::ActionRemove { n: 5 });
        let edit = Command::ActionEdit {
            n: 2,
            text: None,
            owner: Some(tanaka()),
            due: Some(day(2026, 7, 3)),
            reference: None,
        };
        assert_eq!(typed("/action edit 2 owner:<@!123> due:2026-07-03"), edit);
        assert_eq!(typed("/action list"), Command::ActionList);
    }

    #[test]
    fn review_commands() {
        let why = "the retry re-ran the stage".to_string();
        assert_eq!(
            typed("/why add the retry re-ran the stage"),
            Command::WhyAdd { text: why.clone() }
        );
        let edit = Command::WhyEdit { n: 2, text: why };
        assert_eq!(typed("/why edit 2 text:the retry re-ran the stage"), edit);
        assert_eq!(typed("/why remove 5"), Command::WhyRemove { n: 5 });
        let root = "Retried writes were not required to be idempotent.";
        assert_eq!(
            typed(&format!("/rootcause {root}")),
            Command::RootCause { text: root.into() }
        );
        assert_eq!(typed("/postmortem preview"), Command::PostmortemPreview);
        assert_eq!(typed("/postmortem publish"), Command::PostmortemPublish);
    }

    #[test]
    fn control_and_link_commands() {
        let add = Command::ControlAdd {
            name: "Reconciliation check".into(),
            kind: ControlType::Detective,
            outcome: ControlOutcome::Worked,
            note: Some("Flagged the duplicates before dispatch".into()),
        };
        let text = "/control add name:Reconciliation check type:detective outcome:worked note:Flagged the duplicates before dispatch";
        assert_eq!(typed(text), add);
        let edit = Command::ControlEdit {
            n: 1,
            name: None,
            kind: None,
            outcome: Some(ControlOutcome::Missed),
            note: None,
        };
        assert_eq!(typed("/control edit 1 outcome:missed"), edit);
        assert_eq!(typed("/control remove 4"), Command::ControlRemove { n: 4 });
        let link = Command::LinkAdd {
            label: "Backlog item".into(),
            reference: "LH-731".into(),
        };
        assert_eq!(typed("/link add label:Backlog item ref:LH-731"), link);
        assert_eq!(typed("/link remove 1"), Command::LinkRemove { n: 1 });
    }
}
