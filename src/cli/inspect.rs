//! `scribe list`, `scribe export` and `scribe redact`.

use std::path::Path;

use anyhow::Context as _;
use chrono::Utc;

use crate::ledger::Ledger;
use crate::model::IncidentId;
use crate::settings::Settings;

pub(super) fn list(settings: &Settings) -> anyhow::Result<()> {
    let store = super::open_store(settings, "scribe list")?;
    let incidents = store.incidents()?;
    if incidents.is_empty() {
        println!("no incidents stored in {}", store.path().display());
        return Ok(());
    }
    for incident in incidents {
        let Some(dossier) = store.dossier(&incident.id)? else {
            continue;
        };
        let ledger = Ledger::replay(&dossier);
        println!(
            "{}\t{}\t{}\tv{}\t{} messages\t{}",
            ledger.id,
            ledger.severity.as_deref().unwrap_or("-"),
            ledger.status,
            ledger.version(),
            dossier.messages.len(),
            ledger.title,
        );
    }
    Ok(())
}

pub(super) fn export(
    settings: &Settings,
    id: &IncidentId,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let store = super::open_store(settings, "scribe export")?;
    let dossier = store
        .dossier(id)?
        .with_context(|| format!("{id} is not stored: `scribe list` shows what is"))?;
    let ledger = Ledger::replay(&dossier);
    let json = crate::render::archive_json(&dossier, &ledger, Utc::now());
    let text = serde_json::to_string_pretty(&json)?;
    match output {
        Some(path) => std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => println!("{text}"),
    }
    Ok(())
}

pub(super) fn redact(settings: &Settings, id: Option<&IncidentId>) -> anyhow::Result<()> {
    let mut recorder = super::open_recorder(settings, "scribe redact")?;
    let ids = match id {
        Some(id) => vec![id.clone()],
        None => recorder
            .store()
            .incidents()?
            .into_iter()
            .map(|i| i.id)
            .collect(),
    };
    for id in ids {
        let changed = recorder.redact_stored(&id)?;
        println!("{id}: {changed} entries redacted");
    }
    Ok(())
}
