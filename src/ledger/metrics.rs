//! The incident's metrics, each from two marks, as SPEC defines them.
//! A missing mark, or one earlier than the mark before it, leaves the
//! metric unknown: nothing is guessed.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Ledger;
use crate::model::Mark;

/// Which metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetricKind {
    TimeToDetect,
    TimeToAcknowledge,
    TimeToMitigate,
    TimeToResolve,
    Duration,
    CustomerImpact,
}

/// One metric with its definition, its value in seconds when known, and
/// why it is unknown otherwise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    pub kind: MetricKind,
    pub name: &'static str,
    pub definition: &'static str,
    pub seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_because: Option<String>,
}

impl Ledger {
    /// Every metric, in the order the record shows them.
    pub fn metrics(&self) -> Vec<Metric> {
        let marked = |kind, name, definition, mark| {
            let span = self.mark_span(mark);
            metric(kind, name, definition, span)
        };
        vec![
            marked(
                MetricKind::TimeToDetect,
                "Time to detect",
                "From the start of impact (started) to detection (detected).",
                Mark::Detected,
            ),
            marked(
                MetricKind::TimeToAcknowledge,
                "Time to acknowledge",
                "From the start of impact (started) to a responder acknowledging (acknowledged).",
                Mark::Acknowledged,
            ),
            marked(
                MetricKind::TimeToMitigate,
                "Time to mitigate",
                "From the start of impact (started) to mitigation (mitigated).",
                Mark::Mitigated,
            ),
            marked(
                MetricKind::TimeToResolve,
                "Time to resolve",
                "From the start of impact (started) to resolution (resolved).",
                Mark::Resolved,
            ),
            marked(
                MetricKind::Duration,
                "Duration",
                "The incident's length: from started to resolved.",
                Mark::Resolved,
            ),
            metric(
                MetricKind::CustomerImpact,
                "Customer impact",
                "From the start of customer impact to its end (/impact start to /impact end).",
                self.impact_span(),
            ),
        ]
    }

    /// From started to `mark`, checked against the mark before it.
    fn mark_span(&self, mark: Mark) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
        let started = self
            .mark(Mark::Started)
            .ok_or("the started mark is not set")?;
        let end = self
            .mark(mark)
            .ok_or_else(|| format!("the {mark} mark is not set"))?;
        let index = Mark::ALL.iter().position(|m| *m == mark).unwrap_or(0);
        let earlier = Mark::ALL[..index]
            .iter()
            .rev()
            .find_map(|m| self.mark(*m).map(|at| (*m, at)));
        match earlier {
            Some((before, at)) if end < at => {
                Err(format!("the {mark} mark is earlier than the {before} mark"))
            }
            _ => Ok((started, end)),
        }
    }

    fn impact_span(&self) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
        let start = self.impact_start.ok_or("impact start is not set")?;
        let end = self.impact_end.ok_or("impact end is not set")?;
        if end < start {
            return Err("impact end is earlier than impact start".into());
        }
        Ok((start, end))
    }
}

fn metric(
    kind: MetricKind,
    name: &'static str,
    definition: &'static str,
    span: Result<(DateTime<Utc>, DateTime<Utc>), String>,
) -> Metric {
    let (seconds, unknown_because) = match span {
        Ok((from, to)) => (Some((to - from).num_seconds()), None),
        Err(reason) => (None, Some(reason)),
    };
    Metric {
        kind,
        name,
        definition,
        seconds,
        unknown_because,
    }
}
