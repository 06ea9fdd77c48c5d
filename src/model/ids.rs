//! Identifiers that arrive as text and are checked once, at the boundary.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ModelError;

/// An incident id such as `INC-2417`: `^[A-Z][A-Z0-9]*-[0-9]+$`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IncidentId(String);

impl IncidentId {
    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for IncidentId {
    type Err = ModelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (prefix, number) = s.rsplit_once('-').ok_or_else(|| bad_id(s))?;
        let mut chars = prefix.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_uppercase());
        let rest_ok = chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        let number_ok = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
        if first_ok && rest_ok && number_ok {
            Ok(IncidentId(s.to_string()))
        } else {
            Err(bad_id(s))
        }
    }
}

fn bad_id(s: &str) -> ModelError {
    ModelError::IncidentId(s.to_string())
}

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for IncidentId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IncidentId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A Discord snowflake. Always written as a string, as Discord does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Snowflake(pub u64);

/// Milliseconds from the Unix epoch to the Discord epoch (2015-01-01).
const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;

impl Snowflake {
    /// The moment Discord minted this id.
    pub fn timestamp(self) -> chrono::DateTime<chrono::Utc> {
        let ms = (self.0 >> 22) as i64 + DISCORD_EPOCH_MS;
        chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }

    /// The smallest snowflake minted at `at`, for `after=` paging.
    pub fn at(at: chrono::DateTime<chrono::Utc>) -> Snowflake {
        let ms = (at.timestamp_millis() - DISCORD_EPOCH_MS).max(0) as u64;
        Snowflake(ms << 22)
    }
}

impl FromStr for Snowflake {
    type Err = ModelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse::<u64>()
            .map(Snowflake)
            .map_err(|_| ModelError::Snowflake(s.chars().take(40).collect()))
    }
}

impl fmt::Display for Snowflake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Snowflake {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Snowflake {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incident_ids_follow_the_pattern() {
        for good in ["INC-2417", "A-1", "OPS2-0042"] {
            assert!(good.parse::<IncidentId>().is_ok(), "{good}");
        }
        for bad in [
            "inc-2417", "INC2417", "INC-", "-12", "2INC-1", "INC-12a", "IN C-1", "",
        ] {
            assert!(bad.parse::<IncidentId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn snowflakes_round_trip_as_strings() {
        let id: Snowflake = serde_json::from_str("\"900000000000000010\"").unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"900000000000000010\""
        );
        let at = Snowflake::at(id.timestamp());
        assert_eq!(at.timestamp(), id.timestamp());
    }
}
