//! `scribe demo`: the bundled INC-2417 example, imported into a
//! temporary store and rendered as of the example's own date.

use std::path::Path;

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::import::{ImportArgs, import_files};
use crate::ingest::Recorder;
use crate::settings::Settings;
use crate::store::Store;

/// The example's channel export, written for the demo.
pub const EXPORT: &str = include_str!("../../examples/INC-2417/export.json");
/// The responders' timeline notes of the example.
pub const NOTES: &str = include_str!("../../examples/INC-2417/notes.txt");

/// The record is shown as it stood on 20 June 2026 at noon UTC, after
/// version 2 was published.
pub fn as_of() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-20T12:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

pub(super) fn run(settings: &Settings, output: &Path) -> anyhow::Result<()> {
    let rendered = render_example(settings)?;
    std::fs::write(output, &rendered.html)
        .with_context(|| format!("cannot write {}", output.display()))?;
    println!("wrote the INC-2417 record to {}", output.display());
    for warning in &rendered.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

/// Imports the example into a temporary store and renders it.
pub fn render_example(settings: &Settings) -> anyhow::Result<crate::render::Rendered> {
    let temp = tempfile::tempdir().context("cannot create a temporary folder")?;
    let export = temp.path().join("export.json");
    let notes = temp.path().join("notes.txt");
    std::fs::write(&export, EXPORT)?;
    std::fs::write(&notes, NOTES)?;
    let mut settings = settings.clone();
    settings.timezone = "UTC".into();
    let store = Store::open(&temp.path().join("store"), 16, "scribe demo")?;
    let mut recorder = Recorder::new(store, settings.clone())?;
    let args = ImportArgs {
        notes: vec![notes],
        ..ImportArgs::new(export, "UTC")
    };
    let outcome = import_files(&mut recorder, &args, false)?;
    let id = outcome
        .report
        .incident
        .context("the example names no incident")?;
    let dossier = recorder
        .store()
        .dossier(&id)?
        .context("the example was not stored")?;
    Ok(crate::render::record(&dossier, &settings, as_of())?)
}
