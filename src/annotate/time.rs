//! Times as responders write them, read in the incident's zone and
//! resolved to UTC: `HH:MM`, `HH:MM:SS`, `YYYY-MM-DD HH:MM[:SS]` and,
//! in chat only, relative times like `-15m` or `-1h30m`.

use std::sync::LazyLock;

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, TimeDelta,
    TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;
use regex::{Captures, Regex};

use super::{AnnotateError, Clock, Context, quote_input};

/// How far ahead of the clock a bare time may be and still mean the
/// coming occurrence: covers clocks that run a little fast.
const AHEAD: TimeDelta = TimeDelta::minutes(5);

static CLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$").expect("valid pattern"));

/// A date and time, with an offset only the canonical spelling needs:
/// it tells apart the two instants of a daylight-saving overlap.
static DATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4}-\d{2}-\d{2})(?:\s+|T)(\d{1,2}:\d{2}(?::\d{2})?)\s*(Z|[+-]\d{2}:\d{2})?$")
        .expect("valid pattern")
});

static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^-(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,8})s)?$").expect("valid pattern")
});

/// Reads `value` as a moment, against the zone and clock in `ctx`.
pub(super) fn resolve(value: &str, ctx: &Context) -> Result<DateTime<Utc>, AnnotateError> {
    if let Some(caps) = CLOCK.captures(value) {
        let time = clock_time(&caps, value)?;
        return bare(time, value, ctx);
    }
    if let Some(caps) = DATED.captures(value) {
        return dated(&caps, value, ctx.tz);
    }
    if let Some(caps) = RELATIVE.captures(value) {
        return relative(&caps, value, ctx.clock);
    }
    Err(not_a_time(value))
}

fn not_a_time(value: &str) -> AnnotateError {
    AnnotateError(format!(
        "{} is not a time: use HH:MM, HH:MM:SS, YYYY-MM-DD HH:MM or a relative time like -15m",
        quote_input(value)
    ))
}

/// Hours, minutes and optional seconds, each in range.
fn clock_time(caps: &Captures, value: &str) -> Result<NaiveTime, AnnotateError> {
    let field = |i: usize| {
        caps.get(i)
            .map_or(Some(0), |m| m.as_str().parse::<u32>().ok())
    };
    let (h, m, s) = (field(1), field(2), field(3));
    h.zip(m)
        .zip(s)
        .and_then(|((h, m), s)| NaiveTime::from_hms_opt(h, m, s))
        .ok_or_else(|| not_a_time(value))
}

/// A time without a date: in chat, the latest such time at or before
/// the command (up to five minutes ahead still counts); in notes, on
/// the date of the last `date:` line.
fn bare(time: NaiveTime, value: &str, ctx: &Context) -> Result<DateTime<Utc>, AnnotateError> {
    match ctx.clock {
        Clock::Chat { now } => latest_until(time, now + AHEAD, value, ctx.tz),
        Clock::Notes { date: Some(day) } => local(day.and_time(time), value, ctx.tz),
        Clock::Notes { date: None } => Err(AnnotateError(format!(
            "bare time {} before any `date:` line: add a line like date: 2026-06-03 above it, or write YYYY-MM-DD HH:MM",
            quote_input(value)
        ))),
    }
}

/// The latest instant showing `time` on the local clock that is not
/// after `limit`. Looks at the limit's own day, then the day before.
fn latest_until(
    time: NaiveTime,
    limit: DateTime<Utc>,
    value: &str,
    tz: Tz,
) -> Result<DateTime<Utc>, AnnotateError> {
    let limit_local = limit.with_timezone(&tz).naive_local();
    for back in 0..2 {
        let Some(day) = limit_local.date().checked_sub_days(Days::new(back)) else {
            break;
        };
        let naive = day.and_time(time);
        match tz.from_local_datetime(&naive).earliest() {
            Some(at) if at.to_utc() <= limit => return Ok(at.to_utc()),
            Some(_) => continue,
            // A skipped hour has no instant; compare on the wall clock.
            None if naive <= limit_local => return local(naive, value, tz),
            None => continue,
        }
    }
    Err(not_a_time(value))
}

/// A local date and time in `tz`: an error in a daylight-saving gap, the
/// earlier instant in an overlap.
fn local(naive: NaiveDateTime, value: &str, tz: Tz) -> Result<DateTime<Utc>, AnnotateError> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Ok(at.to_utc()),
        LocalResult::None => Err(AnnotateError(format!(
            "{} does not exist in {tz}: on {} the clocks jump forward for daylight saving; use a time outside the gap",
            quote_input(value),
            naive.format("%Y-%m-%d")
        ))),
    }
}

/// `YYYY-MM-DD HH:MM[:SS]`, in `tz` unless an offset is written.
fn dated(caps: &Captures, value: &str, tz: Tz) -> Result<DateTime<Utc>, AnnotateError> {
    let day = NaiveDate::parse_from_str(&caps[1], "%Y-%m-%d").map_err(|_| not_a_time(value))?;
    let clock = CLOCK.captures(&caps[2]).ok_or_else(|| not_a_time(value))?;
    let naive = day.and_time(clock_time(&clock, value)?);
    match caps.get(3).map(|m| m.as_str()) {
        None => local(naive, value, tz),
        Some(offset) => with_offset(naive, offset).ok_or_else(|| not_a_time(value)),
    }
}

/// A local time at a written offset (`Z`, `+01:00`).
fn with_offset(naive: NaiveDateTime, offset: &str) -> Option<DateTime<Utc>> {
    let seconds = if offset == "Z" {
        0
    } else {
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let hours: i32 = offset.get(1..3)?.parse().ok()?;
        let minutes: i32 = offset.get(4..6)?.parse().ok()?;
        sign * (hours * 3600 + minutes * 60)
    };
    let fixed = FixedOffset::east_opt(seconds)?;
    fixed
        .from_local_datetime(&naive)
        .single()
        .map(|at| at.to_utc())
}

/// `-15m`, `-2h`, `-90s`, `-1h30m`: before the command, to the second.
fn relative(caps: &Captures, value: &str, clock: Clock) -> Result<DateTime<Utc>, AnnotateError> {
    let Clock::Chat { now } = clock else {
        return Err(AnnotateError(format!(
            "relative time {} is for chat: in a notes file write HH:MM or YYYY-MM-DD HH:MM",
            quote_input(value)
        )));
    };
    if (1..=3).all(|i| caps.get(i).is_none()) {
        return Err(not_a_time(value));
    }
    // The pattern caps each part at a few digits, so these parse.
    let part = |i: usize| {
        caps.get(i)
            .map_or(0, |m| m.as_str().parse::<i64>().unwrap_or(0))
    };
    let seconds = part(1) * 3600 + part(2) * 60 + part(3);
    let back = TimeDelta::try_seconds(seconds).ok_or_else(|| not_a_time(value))?;
    let at = now
        .checked_sub_signed(back)
        .ok_or_else(|| not_a_time(value))?;
    Ok(at.trunc_subsecs(0))
}

/// The canonical spelling of a moment in `tz`: `YYYY-MM-DD HH:MM`, with
/// `:SS` when the seconds are not zero, and the offset when the local
/// time occurs twice and this is the second one.
pub(super) fn spell(at: DateTime<Utc>, tz: Tz) -> String {
    let shown = at.with_timezone(&tz);
    let mut out = shown.format("%Y-%m-%d %H:%M").to_string();
    if shown.second() != 0 {
        out.push_str(&format!(":{:02}", shown.second()));
    }
    let first = tz.from_local_datetime(&shown.naive_local()).earliest();
    if first.is_some_and(|f| f != shown) {
        out.push_str(&shown.format("%:z").to_string());
    }
    out
}

/// A moment for people: `04:51 UTC`, in `tz` with its abbreviation.
pub(super) fn human(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%H:%M %Z").to_string()
}

/// Midnight starting `day` in `tz` (or the first minute that exists).
pub(super) fn midnight(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    (0..3)
        .find_map(|h| {
            let naive = day.and_hms_opt(h, 0, 0)?;
            tz.from_local_datetime(&naive).earliest()
        })
        .map_or_else(|| day.and_time(NaiveTime::MIN).and_utc(), |at| at.to_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("test time")
    }

    fn chat(now: &str, tz: Tz) -> Context<'static> {
        Context {
            tz,
            clock: Clock::Chat { now: utc(now) },
            severities: &[],
            mentions: &[],
        }
    }

    fn notes(date: Option<&str>, tz: Tz) -> Context<'static> {
        let date = date.map(|d| d.parse().expect("test date"));
        Context {
            tz,
            clock: Clock::Notes { date },
            severities: &[],
            mentions: &[],
        }
    }

    #[test]
    fn bare_time_after_midnight_means_the_evening_before() {
        let ctx = chat("2026-06-03T00:10:00Z", chrono_tz::UTC);
        assert_eq!(resolve("23:50", &ctx), Ok(utc("2026-06-02T23:50:00Z")));
        assert_eq!(resolve("00:05", &ctx), Ok(utc("2026-06-03T00:05:00Z")));
    }

    #[test]
    fn bare_time_up_to_five_minutes_ahead_means_the_coming_one() {
        let ctx = chat("2026-06-03T10:00:00Z", chrono_tz::UTC);
        assert_eq!(resolve("10:03", &ctx), Ok(utc("2026-06-03T10:03:00Z")));
        assert_eq!(resolve("10:05", &ctx), Ok(utc("2026-06-03T10:05:00Z")));
        assert_eq!(resolve("10:06", &ctx), Ok(utc("2026-06-02T10:06:00Z")));
        let late = chat("2026-06-03T23:58:00Z", chrono_tz::UTC);
        assert_eq!(resolve("00:01", &late), Ok(utc("2026-06-04T00:01:00Z")));
    }

    #[test]
    fn bare_time_is_read_in_the_incident_zone() {
        let ctx = chat("2026-06-03T05:00:00Z", chrono_tz::America::New_York);
        assert_eq!(resolve("00:51:30", &ctx), Ok(utc("2026-06-03T04:51:30Z")));
    }

    #[test]
    fn daylight_saving_gap_is_an_error_and_overlap_the_earlier() {
        let ams = chrono_tz::Europe::Amsterdam;
        let err = resolve("2026-03-29 02:30", &chat("2026-03-29T12:00:00Z", ams)).unwrap_err();
        assert!(
            err.0.contains("does not exist in Europe/Amsterdam"),
            "{err}"
        );
        let err = resolve("02:30", &notes(Some("2026-03-29"), ams)).unwrap_err();
        assert!(err.0.contains("daylight saving"), "{err}");
        let overlap = resolve("2026-10-25 02:30", &chat("2026-10-26T00:00:00Z", ams));
        assert_eq!(overlap, Ok(utc("2026-10-25T00:30:00Z")));
        let bare = resolve("02:30", &chat("2026-10-25T03:00:00Z", ams));
        assert_eq!(bare, Ok(utc("2026-10-25T00:30:00Z")));
    }

    #[test]
    fn relative_times_count_back_from_the_command_in_chat_only() {
        let ctx = chat("2026-06-03T05:00:00.250Z", chrono_tz::UTC);
        assert_eq!(resolve("-15m", &ctx), Ok(utc("2026-06-03T04:45:00Z")));
        assert_eq!(resolve("-1h30m", &ctx), Ok(utc("2026-06-03T03:30:00Z")));
        assert_eq!(resolve("-90s", &ctx), Ok(utc("2026-06-03T04:58:30Z")));
        assert!(resolve("-", &ctx).is_err());
        let err = resolve("-15m", &notes(Some("2026-06-03"), chrono_tz::UTC)).unwrap_err();
        assert!(err.0.contains("is for chat"), "{err}");
    }

    #[test]
    fn notes_need_a_date_for_bare_times() {
        let err = resolve("04:36", &notes(None, chrono_tz::UTC)).unwrap_err();
        assert!(err.0.contains("before any `date:` line"), "{err}");
        let ctx = notes(Some("2026-06-03"), chrono_tz::UTC);
        assert_eq!(resolve("4:36", &ctx), Ok(utc("2026-06-03T04:36:00Z")));
    }

    #[test]
    fn out_of_range_values_say_what_is_accepted() {
        let ctx = chat("2026-06-03T05:00:00Z", chrono_tz::UTC);
        for bad in [
            "25:99",
            "12:60",
            "2026-02-30 10:00",
            "10:00:60",
            "noon",
            "-5d",
        ] {
            let err = resolve(bad, &ctx).unwrap_err().0;
            assert!(
                err.contains("use HH:MM, HH:MM:SS, YYYY-MM-DD HH:MM"),
                "{err}"
            );
        }
    }

    #[test]
    fn spelling_reads_back_even_in_an_overlap() {
        let ams = chrono_tz::Europe::Amsterdam;
        let later = utc("2026-10-25T01:30:00Z");
        assert_eq!(spell(later, ams), "2026-10-25 02:30+01:00");
        assert_eq!(
            spell(utc("2026-06-03T04:51:07Z"), ams),
            "2026-06-03 06:51:07"
        );
        let ctx = chat("2026-10-26T00:00:00Z", ams);
        assert_eq!(resolve(&spell(later, ams), &ctx), Ok(later));
        assert_eq!(human(later, ams), "02:30 CET");
    }
}
