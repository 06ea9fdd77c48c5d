//! `scribe render`: the record of a stored incident.

use std::path::Path;

use anyhow::Context as _;
use chrono::Utc;

use crate::model::IncidentId;
use crate::settings::Settings;

pub(super) fn run(
    settings: &Settings,
    id: &IncidentId,
    output: &Path,
    as_of: Option<&str>,
) -> anyhow::Result<()> {
    // A mistyped --as-of is reported before anything is opened.
    if let Some(text) = as_of {
        super::parse_as_of(text, chrono_tz::Tz::UTC)?;
    }
    let store = super::open_store(settings, "scribe render")?;
    let dossier = store
        .dossier(id)?
        .with_context(|| format!("{id} is not stored: `scribe list` shows what is"))?;
    let tz = crate::annotate::zone(&dossier.incident.timezone)?;
    let as_of = match as_of {
        Some(text) => super::parse_as_of(text, tz)?,
        None => Utc::now(),
    };
    let rendered = crate::render::record(&dossier, settings, as_of)?;
    std::fs::write(output, &rendered.html)
        .with_context(|| format!("cannot write {}", output.display()))?;
    println!("wrote {id} to {}", output.display());
    for warning in &rendered.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(())
}
