//! Typed, layered configuration: defaults, then `config/*.toml`, then
//! `SCRIBE_<SECTION>_<KEY>` environment variables.
//!
//! Secrets never live here: the bot token is read from `DISCORD_TOKEN` or
//! from the file `discord.token_file` names, and [`Secret`] hides it from
//! `Debug`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Everything Scribe can be configured with.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// IANA zone for bare times and display, unless an incident has its own.
    pub timezone: String,
    pub store: StoreSettings,
    pub archive: ArchiveSettings,
    pub record: RecordSettings,
    pub discord: DiscordSettings,
    pub redact: RedactSettings,
    pub warnings: WarningSettings,
}

/// Where the sled store lives and how much it may cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreSettings {
    pub path: PathBuf,
    pub cache_mb: u64,
}

/// The folder operators back up: every published record and export.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArchiveSettings {
    pub path: PathBuf,
}

/// What the record contains and how it reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecordSettings {
    pub severities: Vec<String>,
    pub blameless_statement: String,
    /// Images up to this size are inlined as `data:` URLs.
    pub inline_image_max_bytes: u64,
    /// Attachments up to this size are fetched and stored as bytes.
    pub attachment_max_bytes: u64,
}

/// The Discord side; read by `scribe run` and `scribe check`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordSettings {
    /// Another API base address (a local fake Discord in tests).
    pub api_base: Option<String>,
    pub token_file: Option<PathBuf>,
    /// Role ids whose members may annotate; empty lets everyone.
    pub responder_roles: Vec<String>,
    /// Role ids whose members may publish and change the commander.
    pub publisher_roles: Vec<String>,
    /// Guild ids to register commands in; empty registers globally.
    pub guilds: Vec<String>,
    pub upload_limit_mb: u64,
}

/// Extra secret patterns, as regular expressions.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct RedactSettings {
    pub patterns: Vec<String>,
}

/// Wording the preview flags as blame-laden.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WarningSettings {
    pub blame_phrases: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timezone: "UTC".into(),
            store: StoreSettings::default(),
            archive: ArchiveSettings::default(),
            record: RecordSettings::default(),
            discord: DiscordSettings::default(),
            redact: RedactSettings::default(),
            warnings: WarningSettings::default(),
        }
    }
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            path: PathBuf::from("data/scribe.sled"),
            cache_mb: 64,
        }
    }
}

impl Default for ArchiveSettings {
    fn default() -> Self {
        ArchiveSettings {
            path: PathBuf::from("data/archive"),
        }
    }
}

impl Default for RecordSettings {
    fn default() -> Self {
        RecordSettings {
            severities: ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]
                .map(String::from)
                .to_vec(),
            blameless_statement: DEFAULT_BLAMELESS.into(),
            inline_image_max_bytes: 1024 * 1024,
            attachment_max_bytes: 8 * 1024 * 1024,
        }
    }
}

impl Default for DiscordSettings {
    fn default() -> Self {
        DiscordSettings {
            api_base: None,
            token_file: None,
            responder_roles: Vec::new(),
            publisher_roles: Vec::new(),
            guilds: Vec::new(),
            upload_limit_mb: 10,
        }
    }
}

impl Default for WarningSettings {
    fn default() -> Self {
        WarningSettings {
            blame_phrases: [
                "human error",
                "should have",
                "careless",
                "negligent",
                "fault",
                "blame",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

const DEFAULT_BLAMELESS: &str = "This review looks at systems and processes, not at \
individuals. Everyone involved acted in good faith on the information they had at the time; \
where something went wrong, the question we ask is what made it possible, and the actions above \
change the system so that it cannot happen the same way again.";

/// A configuration problem, with the file or variable it came from.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid TOML: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {name}: {message}")]
    Env { name: String, message: String },
    #[error("configuration is not valid: {0}")]
    Invalid(String),
    #[error("{0}")]
    Token(String),
}

impl Settings {
    /// Loads defaults, then every `*.toml` in `dir` (in name order), then
    /// `SCRIBE_*` variables from `env`.
    pub fn load(
        dir: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, SettingsError> {
        let mut table = toml::Table::try_from(Settings::default())
            .map_err(|e| SettingsError::Invalid(e.to_string()))?;
        if let Some(dir) = dir {
            for path in config_files(dir)? {
                merge(&mut table, read_table(&path)?);
            }
        }
        for (name, value) in env {
            apply_env(&mut table, &name, &value)?;
        }
        let settings: Settings = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| SettingsError::Invalid(e.message().to_string()))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks what types alone cannot: the zone exists, patterns compile.
    pub fn validate(&self) -> Result<(), SettingsError> {
        crate::annotate::zone(&self.timezone)
            .map_err(|e| SettingsError::Invalid(format!("timezone: {e}")))?;
        for pattern in &self.redact.patterns {
            regex::Regex::new(pattern).map_err(|_| {
                SettingsError::Invalid(format!(
                    "redact.patterns: \"{pattern}\" is not a valid regular expression"
                ))
            })?;
        }
        if self.record.severities.is_empty() {
            return Err(SettingsError::Invalid(
                "record.severities is empty: list at least one, like \"SEV-1\"".into(),
            ));
        }
        Ok(())
    }

    /// The bot token, from `DISCORD_TOKEN` or `discord.token_file`.
    pub fn token(&self, env_token: Option<String>) -> Result<Secret, SettingsError> {
        if let Some(token) = env_token.filter(|t| !t.trim().is_empty()) {
            return Ok(Secret(token.trim().to_string()));
        }
        let Some(path) = &self.discord.token_file else {
            return Err(SettingsError::Token(
                "no bot token: set DISCORD_TOKEN or discord.token_file".into(),
            ));
        };
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.clone(),
            source,
        })?;
        match text.trim() {
            "" => Err(SettingsError::Token(format!(
                "discord.token_file {} is empty",
                path.display()
            ))),
            token => Ok(Secret(token.to_string())),
        }
    }
}

fn config_files(dir: &Path) -> Result<Vec<PathBuf>, SettingsError> {
    let entries = std::fs::read_dir(dir).map_err(|source| SettingsError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

fn read_table(path: &Path) -> Result<toml::Table, SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    text.parse::<toml::Table>()
        .map_err(|e| SettingsError::Parse {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })
}

/// Overlays `top` on `base`, section by section.
fn merge(base: &mut toml::Table, top: toml::Table) {
    for (key, value) in top {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(t)) => merge(b, t),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Applies `SCRIBE_<SECTION>_<KEY>` (or `SCRIBE_<KEY>` for top-level
/// keys), typed by the default value it replaces.
fn apply_env(table: &mut toml::Table, name: &str, value: &str) -> Result<(), SettingsError> {
    let Some(rest) = name.strip_prefix("SCRIBE_") else {
        return Ok(());
    };
    if NOT_SETTINGS.contains(&rest) {
        return Ok(());
    }
    let rest = rest.to_ascii_lowercase();
    let env_err = |message: String| SettingsError::Env {
        name: name.to_string(),
        message,
    };
    if let Some(slot) = table.get(&rest).filter(|v| !v.is_table()) {
        let typed = typed_value(slot, value).map_err(env_err)?;
        table.insert(rest, typed);
        return Ok(());
    }
    let Some((section, key)) = rest.split_once('_') else {
        return Err(env_err("not a known setting".into()));
    };
    let Some(toml::Value::Table(section)) = table.get_mut(section) else {
        return Err(env_err(format!("no section \"{section}\"")));
    };
    let typed = match section.get(key) {
        Some(slot) => typed_value(slot, value).map_err(env_err)?,
        // Optional settings have no default to type them by: text.
        None if OPTIONAL_KEYS.contains(&key) => toml::Value::String(value.to_string()),
        None => return Err(env_err(format!("no setting \"{key}\" in that section"))),
    };
    section.insert(key.to_string(), typed);
    Ok(())
}

/// `SCRIBE_*` variables that steer the command line, not settings.
const NOT_SETTINGS: &[&str] = &["CONFIG_DIR", "LOG"];

const OPTIONAL_KEYS: &[&str] = &["api_base", "token_file"];

fn typed_value(slot: &toml::Value, value: &str) -> Result<toml::Value, String> {
    Ok(match slot {
        toml::Value::Integer(_) => toml::Value::Integer(
            value
                .trim()
                .parse()
                .map_err(|_| format!("\"{value}\" is not a whole number"))?,
        ),
        toml::Value::Boolean(_) => toml::Value::Boolean(
            value
                .trim()
                .parse()
                .map_err(|_| format!("\"{value}\" is not true or false"))?,
        ),
        toml::Value::Array(_) => toml::Value::Array(
            value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| toml::Value::String(s.to_string()))
                .collect(),
        ),
        _ => toml::Value::String(value.to_string()),
    })
}

/// A secret string that `Debug` and `Display` never show.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one call that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([hidden])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn layers_apply_in_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("scribe.toml"),
            "timezone = \"Europe/Amsterdam\"\n[store]\ncache_mb = 16\n",
        )
        .unwrap();
        let vars = env(&[
            ("SCRIBE_STORE_PATH", "/tmp/x.sled"),
            ("SCRIBE_DISCORD_RESPONDER_ROLES", "1, 2,3"),
            ("SCRIBE_DISCORD_API_BASE", "http://127.0.0.1:9"),
            ("PATH", "/bin"),
        ]);
        let s = Settings::load(Some(dir.path()), vars).unwrap();
        assert_eq!(s.timezone, "Europe/Amsterdam");
        assert_eq!(s.store.cache_mb, 16);
        assert_eq!(s.store.path, PathBuf::from("/tmp/x.sled"));
        assert_eq!(s.discord.responder_roles, ["1", "2", "3"]);
        assert_eq!(s.discord.api_base.as_deref(), Some("http://127.0.0.1:9"));
    }

    #[test]
    fn the_zone_comes_from_the_environment_too() {
        let s = Settings::load(None, env(&[("SCRIBE_TIMEZONE", "Asia/Tokyo")])).unwrap();
        assert_eq!(s.timezone, "Asia/Tokyo");
    }

    #[test]
    fn bad_settings_name_the_culprit() {
        let err = Settings::load(None, env(&[("SCRIBE_STORE_CACHE_MB", "lots")])).unwrap_err();
        assert!(err.to_string().contains("SCRIBE_STORE_CACHE_MB"), "{err}");
        let err = Settings::load(None, env(&[("SCRIBE_TIMEZONE", "Mars/Olympus")])).unwrap_err();
        assert!(err.to_string().contains("Mars/Olympus"), "{err}");
        let err = Settings::load(None, env(&[("SCRIBE_NOPE_X", "1")])).unwrap_err();
        assert!(err.to_string().contains("SCRIBE_NOPE_X"), "{err}");
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Settings::default();
        let token = s.token(Some("abc.def.ghi".into())).unwrap();
        assert_eq!(format!("{token:?}"), "Secret([hidden])");
        assert!(s.token(None).is_err());
    }
}
