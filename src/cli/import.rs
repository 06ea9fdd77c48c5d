//! `scribe import`: a channel export, a Scribe export or record, and
//! timeline notes, into the store in one atomic batch.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use chrono_tz::Tz;
use indicatif::{ProgressBar, ProgressStyle};

use crate::annotate::{self, Context, NotesError};
use crate::import::archive::{self, Kind};
use crate::import::{dce, notes};
use crate::ingest::{Input, Recorder, Report};
use crate::model::{Annotation, Channel, Command, Dossier, IncidentId, Message};
use crate::settings::Settings;

/// Arguments of `scribe import`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// A DiscordChatExporter JSON export, a Scribe JSON export or a
    /// Scribe record HTML.
    pub file: PathBuf,
    /// Timeline notes to import with it (may be repeated).
    #[arg(long)]
    pub notes: Vec<PathBuf>,
    /// IANA zone for bare times and display (default: config `timezone`).
    #[arg(long)]
    pub tz: Option<String>,
    /// The incident id when the export has no `/incident open`.
    #[arg(long)]
    pub id: Option<IncidentId>,
    /// Import into an existing incident; entries with the same keys are
    /// replaced, so importing the same files again changes nothing.
    #[arg(long)]
    pub replace: bool,
}

impl ImportArgs {
    /// Importing `file` alone, its bare times read in `tz`: no notes, the
    /// id from the file, no existing incident replaced.
    pub fn new(file: PathBuf, tz: &str) -> ImportArgs {
        ImportArgs {
            file,
            notes: Vec::new(),
            tz: Some(tz.to_string()),
            id: None,
            replace: false,
        }
    }
}

/// What an import did.
#[derive(Debug)]
pub struct Outcome {
    pub report: Report,
    pub messages_read: usize,
    pub notes_errors: Vec<(String, NotesError)>,
    /// What the reader noticed and what the record still lacks.
    pub warnings: Vec<String>,
}

pub(super) fn run(settings: &Settings, args: ImportArgs) -> anyhow::Result<()> {
    let mut recorder = super::open_recorder(settings, "scribe import")?;
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let outcome = import_files(&mut recorder, &args, progress)?;
    print_outcome(&args, &outcome);
    Ok(())
}

/// Reads the files of `args` and imports them through `recorder`.
pub fn import_files(
    recorder: &mut Recorder,
    args: &ImportArgs,
    progress: bool,
) -> anyhow::Result<Outcome> {
    let source = read_source(&args.file, recorder.settings(), progress)?;
    let tz = pick_zone(args, &source, recorder.settings())?;
    let severities = recorder.settings().record.severities.clone();
    if let Some(scribe) = scribe_author(&source.messages, tz, &severities) {
        recorder.set_self_id(scribe);
    }
    let mut notes_inputs = Vec::new();
    let mut notes_errors = Vec::new();
    for path in &args.notes {
        let (input, errors) = read_notes_file(recorder, path, tz, &severities)?;
        notes_inputs.push(input);
        notes_errors.extend(errors);
    }
    let id = pick_id(args, &source, &notes_inputs, tz, &severities)?;
    let exists = recorder.store().incident(&id)?.is_some();
    if exists && !args.replace {
        bail!(
            "{id} is already stored: add --replace to import into it (same entries are not duplicated)"
        );
    }
    let header = match &source.dossier {
        Some(d) => crate::model::Incident {
            id: id.clone(),
            ..d.incident.clone()
        },
        None => recorder.new_incident(id.clone(), Some(tz.name())),
    };
    let messages_read = source.messages.len();
    let mut warnings = source.warnings.clone();
    let inputs = source_inputs(source).chain(notes_inputs);
    let report = recorder.import(&id, Some(header), inputs)?;
    tracing::info!(incident = %id, messages = messages_read, "imported");
    let dossier = recorder.dossier(&id)?;
    let ledger = crate::ledger::Ledger::replay(&dossier);
    let review = &recorder.settings().warnings;
    warnings.extend(crate::ledger::review(&ledger, &dossier, review));
    Ok(Outcome {
        report,
        messages_read,
        notes_errors,
        warnings,
    })
}

/// What the main file held.
struct Source {
    channel: Option<Channel>,
    messages: Vec<Message>,
    dossier: Option<Dossier>,
    warnings: Vec<String>,
}

fn read_source(path: &Path, settings: &Settings, progress: bool) -> anyhow::Result<Source> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let head = std::io::BufRead::fill_buf(&mut reader)?.to_vec();
    match archive::sniff(&head) {
        Kind::DceJson => read_dce(path, reader, size, settings, progress),
        Kind::ScribeJson | Kind::ScribeHtml => {
            let mut text = String::new();
            reader
                .read_to_string(&mut text)
                .with_context(|| format!("{} is not UTF-8 text", path.display()))?;
            let dossier = archive::read_archive(&text)
                .with_context(|| format!("cannot import {}", path.display()))?;
            Ok(Source {
                channel: dossier.incident.channel.clone(),
                messages: Vec::new(),
                dossier: Some(dossier),
                warnings: Vec::new(),
            })
        }
        Kind::DceHtml => Err(crate::import::ImportError::HtmlExport.into()),
        Kind::Unknown => read_dce(path, reader, size, settings, progress),
    }
}

fn read_dce(
    path: &Path,
    reader: BufReader<File>,
    size: u64,
    settings: &Settings,
    progress: bool,
) -> anyhow::Result<Source> {
    let bar = progress_bar(size, progress);
    let media = dce::MediaDir {
        base: path.parent(),
        max_bytes: settings.record.attachment_max_bytes,
    };
    let mut messages = Vec::new();
    let wrapped = BufReader::with_capacity(1 << 16, bar.wrap_read(reader));
    let info = dce::read(wrapped, media, |m| messages.push(m))
        .with_context(|| format!("cannot import {}", path.display()))?;
    bar.finish_and_clear();
    messages.sort_by_key(|m| (m.posted_utc(), m.id));
    Ok(Source {
        warnings: export_warnings(&info),
        channel: info.channel,
        messages,
        dossier: None,
    })
}

/// What reading the export noticed that the operator should know.
fn export_warnings(info: &dce::ExportInfo) -> Vec<String> {
    let mut warnings = Vec::new();
    if info.system_skipped > 0 {
        warnings.push(format!(
            "{} system notices (joins, pin notices, renames) were left out",
            info.system_skipped
        ));
    }
    if let Some(declared) = info.declared_count
        && declared != info.messages + info.system_skipped
    {
        warnings.push(format!(
            "the export says it holds {declared} messages but {} were read: it may be cut short",
            info.messages + info.system_skipped
        ));
    }
    if info.channel.is_none() {
        warnings.push("the export names no channel".into());
    }
    warnings
}

fn progress_bar(size: u64, visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(size);
    let style = ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn pick_zone(args: &ImportArgs, source: &Source, settings: &Settings) -> anyhow::Result<Tz> {
    let name = args
        .tz
        .clone()
        .or_else(|| source.dossier.as_ref().map(|d| d.incident.timezone.clone()))
        .unwrap_or_else(|| settings.timezone.clone());
    Ok(annotate::zone(&name)?)
}

/// Reads a notes file, redacted before it is parsed so that no error
/// quotes a secret.
fn read_notes_file(
    recorder: &Recorder,
    path: &Path,
    tz: Tz,
    severities: &[String],
) -> anyhow::Result<(Input, Vec<(String, NotesError)>)> {
    let raw = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read notes {}", path.display()))?;
    let text = recorder.redactor().redact(&raw);
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "notes".into());
    let (annotations, errors) = notes::read_notes(&file, &text, tz, severities);
    let errors = errors.into_iter().map(|e| (file.clone(), e)).collect();
    Ok((Input::NotesFile { file, annotations }, errors))
}

/// The id: the first `/incident open` in the files, else `--id`.
fn pick_id(
    args: &ImportArgs,
    source: &Source,
    notes: &[Input],
    tz: Tz,
    severities: &[String],
) -> anyhow::Result<IncidentId> {
    if let Some(dossier) = &source.dossier {
        return Ok(dossier.incident.id.clone());
    }
    let from_chat = source
        .messages
        .iter()
        .find_map(|m| opened_in_message(m, tz, severities));
    let from_notes = notes.iter().find_map(|input| match input {
        Input::NotesFile { annotations, .. } => annotations.iter().find_map(opened_id),
        _ => None,
    });
    from_chat.or(from_notes).or_else(|| args.id.clone()).context(
        "no /incident open found in the files: give the incident id with --id, like --id INC-2417",
    )
}

fn opened_in_message(message: &Message, tz: Tz, severities: &[String]) -> Option<IncidentId> {
    if !message.content.contains("/incident open") {
        return None;
    }
    let ctx = Context::chat(tz, message.posted_utc(), severities, &message.mentions);
    let command = if message.author.is_bot {
        annotate::parse_confirmation(&message.content, &ctx)
    } else {
        annotate::parse_typed(&message.content, &ctx).ok().flatten()
    };
    match command {
        Some(Command::IncidentOpen { id, .. }) => Some(id),
        _ => None,
    }
}

fn opened_id(annotation: &Annotation) -> Option<IncidentId> {
    match &annotation.command {
        Command::IncidentOpen { id, .. } => Some(id.clone()),
        _ => None,
    }
}

/// The bot that wrote Scribe's confirmations in an export: all its
/// messages (refusal replies too) are Scribe's own, not chat.
fn scribe_author(
    messages: &[Message],
    tz: Tz,
    severities: &[String],
) -> Option<crate::model::Snowflake> {
    messages
        .iter()
        .filter(|m| m.author.is_bot && m.content.contains(" · /"))
        .find(|m| {
            let ctx = Context::chat(tz, m.posted_utc(), severities, &m.mentions);
            annotate::parse_confirmation(&m.content, &ctx).is_some()
        })
        .map(|m| m.author.id)
}

/// The inputs of the main file, channel first, in time order.
fn source_inputs(source: Source) -> impl Iterator<Item = Input> {
    let channel = source.channel.map(Input::Channel);
    let (messages, tombstones, annotations) = match source.dossier {
        Some(d) => (d.messages, d.tombstones, d.annotations),
        None => (source.messages, Vec::new(), Vec::new()),
    };
    let deleted = tombstones.into_iter().map(|t| Input::Deleted {
        id: t.id,
        at: t.deleted_at,
    });
    channel
        .into_iter()
        .chain(messages.into_iter().map(Input::Message))
        .chain(deleted)
        .chain(annotations.into_iter().map(Input::Command))
}

fn print_outcome(args: &ImportArgs, outcome: &Outcome) {
    let r = &outcome.report;
    let id = r
        .incident
        .as_ref()
        .map(|i| i.to_string())
        .unwrap_or_default();
    println!(
        "imported {id} from {}: {} messages read ({} new, {} edited, {} unchanged, {} ignored as older)",
        args.file.display(),
        outcome.messages_read,
        r.messages_added,
        r.messages_edited,
        r.messages_unchanged + r.messages_updated,
        r.messages_ignored,
    );
    println!(
        "annotations: {} applied, {} already stored, {} refused",
        r.annotations_applied,
        r.annotations_unchanged,
        r.refused.len() + outcome.notes_errors.len()
    );
    for refusal in &r.refused {
        let who = refusal.author.as_deref().unwrap_or("notes");
        println!("  refused {} ({who}): {}", refusal.origin, refusal.reason);
        if !refusal.text.is_empty() {
            println!("    {}", refusal.text);
        }
    }
    for (file, error) in &outcome.notes_errors {
        println!("  refused {file} {error}");
    }
    for warning in &outcome.warnings {
        println!("warning: {warning}");
    }
}
