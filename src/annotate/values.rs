//! Readers for option values that are not times: item numbers, yes/no,
//! dates, people, severities and the model's closed vocabularies.

use std::str::FromStr;

use chrono::NaiveDate;

use super::{AnnotateError, Context, quote_input};
use crate::model::{IncidentId, ModelError, Person, Snowflake};

/// An item number: a whole number from 1, digits only.
pub(super) fn number(value: &str) -> Result<u32, AnnotateError> {
    let digits_only = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    match value.parse::<u32>() {
        Ok(n) if digits_only && n > 0 => Ok(n),
        _ => Err(AnnotateError(format!(
            "{} is not an item number: use a whole number from 1, like 3",
            quote_input(value)
        ))),
    }
}

/// `yes` or `no`; `true` and `false` too, as Discord sends booleans.
pub(super) fn yes_no(value: &str) -> Result<bool, AnnotateError> {
    match value.to_ascii_lowercase().as_str() {
        "yes" | "true" => Ok(true),
        "no" | "false" => Ok(false),
        _ => Err(AnnotateError(format!(
            "{} is not yes or no: use key:yes or key:no",
            quote_input(value)
        ))),
    }
}

/// A calendar date written `YYYY-MM-DD`.
pub(super) fn date(value: &str) -> Result<NaiveDate, AnnotateError> {
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
    parsed.filter(|_| shaped).ok_or_else(|| {
        AnnotateError(format!(
            "{} is not a date: use YYYY-MM-DD, like 2026-06-12",
            quote_input(value)
        ))
    })
}

/// A word of one of the model's vocabularies (phase, mark, status...).
pub(super) fn word<T: FromStr<Err = ModelError>>(value: &str) -> Result<T, AnnotateError> {
    value
        .parse()
        .map_err(|e: ModelError| AnnotateError(e.to_string()))
}

/// An incident id such as `INC-2417`.
pub(super) fn incident_id(value: &str) -> Result<IncidentId, AnnotateError> {
    value.parse().map_err(|_| {
        let shown: String = value.chars().take(80).collect();
        AnnotateError(ModelError::IncidentId(shown).to_string())
    })
}

/// A severity from config, matched in any case and kept as config
/// spells it.
pub(super) fn severity(value: &str, ctx: &Context) -> Result<String, AnnotateError> {
    let found = ctx
        .severities
        .iter()
        .find(|s| s.eq_ignore_ascii_case(value));
    found.cloned().ok_or_else(|| {
        let accepted = if ctx.severities.is_empty() {
            "none are configured; list them under record.severities".to_string()
        } else {
            format!("use one of {}", ctx.severities.join(", "))
        };
        AnnotateError(format!(
            "severity {} is not known: {accepted}",
            quote_input(value)
        ))
    })
}

/// An owner or commander. A mention `<@id>` becomes the person it names;
/// `@name` is that name, and keeps the id when the message mentions
/// someone of that name (exports write mentions as `@name`).
pub(super) fn person(value: &str, ctx: &Context) -> Result<Person, AnnotateError> {
    if let Some(id) = mention_id(value) {
        return mentioned(id, value, ctx);
    }
    let Some(name) = value.strip_prefix('@') else {
        return Ok(Person::named(value));
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(AnnotateError(
            "\"@\" names nobody: write a name after it, like @mtanaka".to_string(),
        ));
    }
    let known = ctx
        .mentions
        .iter()
        .find(|p| p.id.is_some() && p.name.eq_ignore_ascii_case(name));
    Ok(known.cloned().unwrap_or_else(|| Person::named(name)))
}

/// The id in `<@123>` or `<@!123>`, when the whole value is a mention.
fn mention_id(value: &str) -> Option<Snowflake> {
    let inner = value.strip_prefix("<@")?.strip_suffix('>')?;
    let digits = inner.strip_prefix('!').unwrap_or(inner);
    let all_digits = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    all_digits.then(|| digits.parse().ok()).flatten()
}

/// The person a mention names, from the people the message mentions.
fn mentioned(id: Snowflake, value: &str, ctx: &Context) -> Result<Person, AnnotateError> {
    let found = ctx.mentions.iter().find(|p| p.id == Some(id));
    found.cloned().ok_or_else(|| {
        AnnotateError(format!(
            "mention {} is not someone this message mentions: write the name instead, like M. Tanaka",
            quote_input(value)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::Clock;

    fn ctx<'a>(severities: &'a [String], mentions: &'a [Person]) -> Context<'a> {
        Context {
            tz: chrono_tz::UTC,
            clock: Clock::Notes { date: None },
            severities,
            mentions,
        }
    }

    #[test]
    fn numbers_are_positive_digits_only() {
        assert_eq!(number("3"), Ok(3));
        assert_eq!(number("012"), Ok(12));
        for bad in ["0", "-1", "+3", "3.0", "three", "", "99999999999"] {
            assert!(number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_need_the_full_iso_shape() {
        assert_eq!(
            date("2026-06-12"),
            NaiveDate::from_ymd_opt(2026, 6, 12).ok_or(AnnotateError(String::new()))
        );
        for bad in [
            "2026-6-12",
            "2026-02-30",
            "12/06/2026",
            "next friday",
            "2026-06-12 10:00",
        ] {
            let err = date(bad).unwrap_err().to_string();
            assert!(err.contains("use YYYY-MM-DD"), "{err}");
        }
    }

    #[test]
    fn severities_match_config_in_any_case() {
        let sevs = vec!["SEV-1".to_string(), "SEV-2".to_string()];
        assert_eq!(severity("sev-2", &ctx(&sevs, &[])).unwrap(), "SEV-2");
        let err = severity("P1", &ctx(&sevs, &[])).unwrap_err().to_string();
        assert_eq!(err, "severity \"P1\" is not known: use one of SEV-1, SEV-2");
    }

    #[test]
    fn mentions_resolve_to_the_mentioned_person() {
        let tanaka = Person {
            name: "M. Tanaka".into(),
            id: Some(Snowflake(123)),
        };
        let people = [tanaka.clone()];
        let c = ctx(&[], &people);
        assert_eq!(person("<@123>", &c).unwrap(), tanaka);
        assert_eq!(person("<@!123>", &c).unwrap(), tanaka);
        assert_eq!(person("@m. tanaka", &c).unwrap(), tanaka);
        assert_eq!(person("@rokafor", &c).unwrap(), Person::named("rokafor"));
        assert_eq!(
            person("J. Lindqvist", &c).unwrap(),
            Person::named("J. Lindqvist")
        );
        assert!(
            person("<@999>", &c)
                .unwrap_err()
                .to_string()
                .contains("\"<@999>\"")
        );
        assert!(person("@", &c).is_err());
    }
}
