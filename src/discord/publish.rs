//! The publishing protocol's decisions: file names, the nonce, the
//! upload limit and the `.zip` fallback, the archive folder, and how
//! long to wait before trying a post again.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::model::IncidentId;

/// Discord refuses a nonce longer than this.
const NONCE_MAX: usize = 25;
/// How many times one post is tried before giving up.
pub const MAX_TRIES: u32 = 6;
/// The longest wait between two tries, whatever Discord asks for.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// The file name of version `version` of the record: `INC-2417-v2.html`.
pub fn file_name(id: &IncidentId, version: u32, extension: &str) -> String {
    format!("{id}-v{version}.{extension}")
}

/// The nonce of a version's post, `scribe-INC-2417-v2`, so a retried
/// post is the same message to Discord. An id too long for Discord's
/// 25 characters gets a nonce made from its hash instead.
pub fn nonce(id: &IncidentId, version: u32) -> String {
    let plain = format!("scribe-{id}-v{version}");
    if plain.len() <= NONCE_MAX {
        return plain;
    }
    let digest = Sha256::digest(plain.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("scribe-{}", &hex[..NONCE_MAX - 7])
}

/// The upload limit: the smaller of config and what the interaction
/// allows (0 when Discord did not say).
pub fn upload_limit(config_mb: u64, interaction_bytes: u64) -> u64 {
    let configured = config_mb.saturating_mul(1024 * 1024);
    match interaction_bytes {
        0 => configured,
        allowed => configured.min(allowed),
    }
}

/// What is attached to the post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// `INC-2417-v2.html`, or `.zip`.
    pub file_name: String,
    /// What is sent.
    pub bytes: Vec<u8>,
    /// True when the record was too large and this is its `.zip`.
    pub zipped: bool,
}

/// The record as posted: the HTML when it fits under `limit`, else a
/// `.zip` of it; `None` when even the zip is too large.
pub fn upload(
    id: &IncidentId,
    version: u32,
    html: &str,
    limit: u64,
) -> std::io::Result<Option<Upload>> {
    let name = file_name(id, version, "html");
    if html.len() as u64 <= limit {
        return Ok(Some(Upload {
            file_name: name,
            bytes: html.as_bytes().to_vec(),
            zipped: false,
        }));
    }
    let bytes = zipped(&name, html.as_bytes())?;
    let fits = bytes.len() as u64 <= limit;
    Ok(fits.then(|| Upload {
        file_name: file_name(id, version, "zip"),
        bytes,
        zipped: true,
    }))
}

fn zipped(name: &str, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer
        .start_file(name, options)
        .map_err(std::io::Error::other)?;
    writer.write_all(bytes)?;
    let cursor = writer.finish().map_err(std::io::Error::other)?;
    Ok(cursor.into_inner())
}

/// Writes `<archive>/<ID>/<ID>-v<N>.html` and `.json`; returns the
/// HTML's path, which a too-large post points to.
pub fn write_archive(
    archive: &Path,
    id: &IncidentId,
    version: u32,
    html: &str,
    json: &str,
) -> std::io::Result<PathBuf> {
    let folder = archive.join(id.as_str());
    std::fs::create_dir_all(&folder)?;
    let html_path = folder.join(file_name(id, version, "html"));
    write_whole(&html_path, html.as_bytes())?;
    write_whole(
        &folder.join(file_name(id, version, "json")),
        json.as_bytes(),
    )?;
    Ok(html_path)
}

/// Writes through a temporary file and a rename, so a crash never
/// leaves half a record in the folder operators back up.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(folder)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// What one try of a post came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Posted: the message id.
    Posted(u64),
    /// Rate limited: Discord's `retry_after`, in seconds.
    Limited(f64),
    /// A 5xx answer, or no answer at all.
    Transient,
    /// Any other answer: trying again would not help.
    Refused(u16),
}

/// How long to wait before try number `attempt` (1 for the second
/// try) after `outcome`; `None` to stop.
pub fn next_wait(outcome: &Outcome, attempt: u32) -> Option<Duration> {
    if attempt >= MAX_TRIES {
        return None;
    }
    match outcome {
        Outcome::Limited(seconds) => {
            let asked = Duration::from_secs_f64(seconds.clamp(0.0, 3600.0));
            Some(asked.min(MAX_WAIT))
        }
        Outcome::Transient => {
            let backoff = Duration::from_millis(250 << attempt.min(7));
            Some(backoff.min(MAX_WAIT))
        }
        Outcome::Posted(_) | Outcome::Refused(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> IncidentId {
        text.parse().unwrap()
    }

    #[test]
    fn nonces_name_the_version_within_discords_limit() {
        assert_eq!(nonce(&id("INC-2417"), 2), "scribe-INC-2417-v2");
        let long = nonce(&id("PLATFORMOUTAGE-20260603"), 12);
        assert_eq!(long.len(), NONCE_MAX);
        assert!(long.starts_with("scribe-"));
        assert_ne!(long, nonce(&id("PLATFORMOUTAGE-20260603"), 13));
    }

    #[test]
    fn the_upload_limit_is_the_smaller_one() {
        assert_eq!(upload_limit(10, 0), 10 * 1024 * 1024);
        assert_eq!(upload_limit(10, 8 * 1024 * 1024), 8 * 1024 * 1024);
        assert_eq!(upload_limit(1, 25 * 1024 * 1024), 1024 * 1024);
    }

    #[test]
    fn a_record_over_the_limit_goes_as_a_zip() {
        let html = format!("<!doctype html>{}", "<p>row</p>".repeat(5000));
        let fits = upload(&id("INC-2417"), 1, &html, 1 << 20).unwrap().unwrap();
        assert_eq!(fits.file_name, "INC-2417-v1.html");
        assert!(!fits.zipped);
        let zipped = upload(&id("INC-2417"), 1, &html, 10_000).unwrap().unwrap();
        assert_eq!(zipped.file_name, "INC-2417-v1.zip");
        assert!(zipped.bytes.starts_with(b"PK"));
        assert!(upload(&id("INC-2417"), 1, &html, 50).unwrap().is_none());
    }

    #[test]
    fn retries_honour_retry_after_and_back_off_on_5xx() {
        let limited = Outcome::Limited(1.5);
        assert_eq!(next_wait(&limited, 1), Some(Duration::from_millis(1500)));
        assert_eq!(next_wait(&Outcome::Limited(9e9), 1), Some(MAX_WAIT));
        let first = next_wait(&Outcome::Transient, 1).unwrap();
        let later = next_wait(&Outcome::Transient, 3).unwrap();
        assert!(later > first);
        assert_eq!(next_wait(&Outcome::Transient, MAX_TRIES), None);
        assert_eq!(next_wait(&Outcome::Refused(403), 1), None);
        assert_eq!(next_wait(&Outcome::Posted(5), 1), None);
    }

    #[test]
    fn the_archive_folder_gets_both_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_archive(dir.path(), &id("INC-2417"), 3, "<html>", "{}").unwrap();
        assert_eq!(path, dir.path().join("INC-2417/INC-2417-v3.html"));
        let json = std::fs::read_to_string(dir.path().join("INC-2417/INC-2417-v3.json"));
        assert_eq!(json.unwrap(), "{}");
    }
}
