//! How the record writes times, dates and durations: `04:36` in the
//! incident's zone, `3 Jun 2026`, `2 h 21 min`.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Formats instants in one zone, the incident's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    tz: Tz,
}

impl Clock {
    /// A clock for `tz`.
    pub fn new(tz: Tz) -> Clock {
        Clock { tz }
    }

    /// The zone's IANA name, as the header names it.
    pub fn zone_name(&self) -> &'static str {
        self.tz.name()
    }

    /// The local calendar day of `at`.
    pub fn day(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// `04:36`.
    pub fn time(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz).format("%H:%M").to_string()
    }

    /// `04:36:02`, for places where seconds tell events apart.
    pub fn time_seconds(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz).format("%H:%M:%S").to_string()
    }

    /// `3 Jun 2026`.
    pub fn date(&self, at: DateTime<Utc>) -> String {
        date(self.day(at))
    }

    /// `3 Jun 2026 04:36`.
    pub fn date_time(&self, at: DateTime<Utc>) -> String {
        format!("{} {}", self.date(at), self.time(at))
    }

    /// `20 Jun 2026 12:00 UTC`: a moment read on its own, away from the
    /// header that names the zone, carries the zone's abbreviation.
    pub fn stamp(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&self.tz);
        format!("{} {}", self.date(at), local.format("%H:%M %Z"))
    }

    /// Machine-readable form for `<time datetime=…>`.
    pub fn iso(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz).to_rfc3339()
    }
}

/// `3 Jun 2026`.
pub fn date(day: NaiveDate) -> String {
    day.format("%-d %b %Y").to_string()
}

/// A span in words a reader takes in at a glance: `41 s`, `12 min`,
/// `2 h 21 min`, `3 d 4 h`. Below the largest unit shown, the remainder
/// is dropped rather than rounded, so a span never reads longer than it
/// was.
pub fn duration(seconds: i64) -> String {
    let sign = if seconds < 0 { "−" } else { "" };
    let s = seconds.unsigned_abs();
    let (days, hours, minutes) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    let words = match (days, hours, minutes) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    };
    format!("{sign}{words}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn times_are_written_in_the_incident_zone() {
        let berlin = Clock::new(chrono_tz::Europe::Berlin);
        let moment = at("2026-06-03T22:36:09Z");
        assert_eq!(berlin.time(moment), "00:36");
        assert_eq!(berlin.date(moment), "4 Jun 2026");
        assert_eq!(berlin.time_seconds(moment), "00:36:09");
        assert_eq!(berlin.stamp(moment), "4 Jun 2026 00:36 CEST");
        assert_eq!(berlin.iso(moment), "2026-06-04T00:36:09+02:00");
    }

    #[test]
    fn utc_stamps_name_utc() {
        let utc = Clock::new(chrono_tz::UTC);
        assert_eq!(
            utc.stamp(at("2026-06-20T12:00:00Z")),
            "20 Jun 2026 12:00 UTC"
        );
        assert_eq!(
            utc.date_time(at("2026-06-03T04:36:00Z")),
            "3 Jun 2026 04:36"
        );
        assert_eq!(utc.zone_name(), "UTC");
    }

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(duration(41), "41 s");
        assert_eq!(duration(0), "0 s");
        assert_eq!(duration(60), "1 min");
        assert_eq!(duration(2 * 3600 + 21 * 60 + 59), "2 h 21 min");
        assert_eq!(duration(3 * 3600), "3 h");
        assert_eq!(duration(86_400 + 4 * 3600 + 5), "1 d 4 h");
        assert_eq!(duration(2 * 86_400 + 59), "2 d");
        assert_eq!(duration(-300), "−5 min");
    }
}
