//! `/postmortem preview` and `/postmortem publish`: render, write the
//! archive folder, and post each version exactly once.

use chrono::Utc;
use serenity::all as dc;

use super::bot::Bot;
use super::interactions::{Caller, Reply, annotation, may_publish};
use super::publish::{self, Outcome, Upload};
use crate::annotate;
use crate::ingest::Input;
use crate::ledger::Ledger;
use crate::model::{Command, IncidentId, Post, Snowflake};

/// The record rendered now, for the caller only, with its warnings.
pub(super) async fn preview(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
) -> anyhow::Result<()> {
    let Some(id) = allowed(bot, ctx, caller, reply, false).await? else {
        return Ok(());
    };
    let work = preview_deferred(bot, ctx, caller, reply, &id);
    reply.deferred(ctx, true, "previewing", work).await;
    Ok(())
}

async fn preview_deferred(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
    id: &IncidentId,
) -> anyhow::Result<()> {
    let id = id.clone();
    let settings = bot.settings.clone();
    let key = id.clone();
    let rendered = bot
        .with(move |r| {
            Ok(crate::render::record(
                &r.dossier(&key)?,
                &settings,
                Utc::now(),
            )?)
        })
        .await?;
    let limit = publish::upload_limit(bot.settings.discord.upload_limit_mb, caller.upload_bytes);
    let mut text = warnings_text(&id, &rendered.warnings);
    let mut edit = dc::EditInteractionResponse::new();
    if rendered.html.len() as u64 <= limit {
        let name = format!("{id}-preview.html");
        edit = edit.new_attachment(dc::CreateAttachment::bytes(
            rendered.html.into_bytes(),
            name,
        ));
    } else {
        text.push_str("\nThe record is larger than the upload limit: `scribe render` writes it.");
    }
    reply
        .edit(ctx, edit.content(super::reply::fit(&text)))
        .await;
    Ok(())
}

fn warnings_text(id: &IncidentId, warnings: &[String]) -> String {
    if warnings.is_empty() {
        return format!("Preview of {id}: no warnings.");
    }
    let mut text = format!("Preview of {id}: {} warning(s)", warnings.len());
    for warning in warnings {
        text.push_str("\n- ");
        text.push_str(warning);
    }
    text
}

/// The caller's incident, when they may preview (or `publishing`,
/// publish) it; otherwise they have been told why.
async fn allowed(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
    publishing: bool,
) -> anyhow::Result<Option<IncidentId>> {
    let Some(id) = bot.incident_of(ctx, caller.channel).await? else {
        reply
            .private(
                ctx,
                "this channel records no incident: start one here with /incident open",
            )
            .await;
        return Ok(None);
    };
    if !bot.access.may_annotate(&caller.roles) {
        reply
            .private(
                ctx,
                "only members of the responder roles may preview or publish",
            )
            .await;
        return Ok(None);
    }
    if publishing && !may_publish(bot, caller, &id).await? {
        let text = "only the incident commander or a member of a publisher role may publish; \
                    /postmortem preview shows the record to you";
        reply.private(ctx, text).await;
        return Ok(None);
    }
    Ok(Some(id))
}

/// Records the version, renders, writes the archive folder, posts the
/// record once, and confirms in the channel.
pub(super) async fn publish(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
) -> anyhow::Result<()> {
    let Some(id) = allowed(bot, ctx, caller, reply, true).await? else {
        return Ok(());
    };
    let work = publish_deferred(bot, ctx, caller, reply, &id);
    reply.deferred(ctx, false, "publishing", work).await;
    Ok(())
}

async fn publish_deferred(
    bot: &Bot,
    ctx: &dc::Context,
    caller: &Caller,
    reply: Reply<'_>,
    id: &IncidentId,
) -> anyhow::Result<()> {
    let id = id.clone();
    let command = Command::PostmortemPublish;
    let report = bot
        .ingest(
            &id,
            None,
            vec![Input::Command(annotation(caller, command.clone()))],
        )
        .await?;
    let key = annotation(caller, command.clone()).origin.key();
    if let Some(refused) = report.refused.iter().find(|r| r.origin == key) {
        let text = super::reply::fit(&refused.reason);
        reply
            .edit(ctx, dc::EditInteractionResponse::new().content(text))
            .await;
        return Ok(());
    }
    let version = report.version;
    tracing::info!(incident = %id, version, "publishing");
    let files = write_files(bot, &id, version).await?;
    if !files.posted {
        let target = Target {
            channel: caller.channel,
            upload_bytes: caller.upload_bytes,
        };
        post_version(bot, ctx, &target, &id, version, &files).await?;
    }
    let tz = bot.zone_of(&id).await?;
    let text = super::reply::fit(&annotate::confirmation(&command, tz));
    reply
        .edit(ctx, dc::EditInteractionResponse::new().content(text))
        .await;
    Ok(())
}

/// What a publish wrote, and whether this version is posted already.
struct Files {
    html: String,
    archived: std::path::PathBuf,
    posted: bool,
}

async fn write_files(bot: &Bot, id: &IncidentId, version: u32) -> anyhow::Result<Files> {
    let settings = bot.settings.clone();
    let key = id.clone();
    bot.with(move |r| {
        let dossier = r.dossier(&key)?;
        let now = Utc::now();
        let rendered = crate::render::record(&dossier, &settings, now)?;
        let json = crate::render::archive_json(&dossier, &Ledger::replay(&dossier), now);
        let json = serde_json::to_string_pretty(&json)?;
        let archived =
            publish::write_archive(&settings.archive.path, &key, version, &rendered.html, &json)?;
        let posted = dossier.incident.posts.iter().any(|p| p.version == version);
        Ok(Files {
            html: rendered.html,
            archived,
            posted,
        })
    })
    .await
}

/// Where a version goes and how large it may be.
struct Target {
    channel: dc::ChannelId,
    /// What the interaction allows, in bytes (0: unknown).
    upload_bytes: u64,
}

/// Posts version `version` unless an earlier run already did (found in
/// the channel), and notes the post.
async fn post_version(
    bot: &Bot,
    ctx: &dc::Context,
    target: &Target,
    id: &IncidentId,
    version: u32,
    files: &Files,
) -> anyhow::Result<()> {
    let limit = publish::upload_limit(bot.settings.discord.upload_limit_mb, target.upload_bytes);
    let upload = publish::upload(id, version, &files.html, limit)?;
    let message = match find_posted(bot, ctx, target.channel, id, version).await {
        Some(found) => found,
        None => post(bot, target.channel, id, version, upload, &files.archived).await?,
    };
    let post = Post {
        version,
        message_id: Snowflake(message),
        posted_at: Utc::now(),
    };
    let key = id.clone();
    bot.with(move |r| Ok(r.record_post(&key, post)?)).await
}

/// After a restart: every version this bot began to publish (its file
/// is in the archive folder) but never noted as posted is posted now,
/// unless the channel shows it was. Versions that came with an import
/// have no archive file here and are left alone, so an imported
/// incident's history is never posted again; a crash between recording
/// a version and writing its file leaves that version unposted, and the
/// next publish posts the one after it.
pub(super) async fn finish_publications(
    bot: &Bot,
    ctx: &dc::Context,
    dossier: &crate::model::Dossier,
) -> anyhow::Result<()> {
    let Some(channel) = &dossier.incident.channel else {
        return Ok(());
    };
    let target = Target {
        channel: dc::ChannelId::new(channel.id.0),
        upload_bytes: 0,
    };
    let id = &dossier.incident.id;
    let published = Ledger::replay(dossier).version();
    for version in 1..=published {
        let posted = dossier.incident.posts.iter().any(|p| p.version == version);
        let html = publish::file_name(id, version, "html");
        let begun = bot.settings.archive.path.join(id.as_str()).join(html);
        if posted || !begun.is_file() {
            continue;
        }
        tracing::info!(incident = %id, version, "finishing an interrupted publish");
        let files = write_files(bot, id, version).await?;
        post_version(bot, ctx, &target, id, version, &files).await?;
    }
    Ok(())
}

/// The id of a message Scribe already posted with this version's file.
async fn find_posted(
    bot: &Bot,
    ctx: &dc::Context,
    channel: dc::ChannelId,
    id: &IncidentId,
    version: u32,
) -> Option<u64> {
    let names = [
        publish::file_name(id, version, "html"),
        publish::file_name(id, version, "zip"),
    ];
    let recent = match ctx.http.get_messages(channel, None, Some(100)).await {
        Ok(recent) => recent,
        Err(e) => {
            tracing::warn!(incident = %id, error = %e, "cannot look for an earlier post");
            return None;
        }
    };
    recent
        .iter()
        .filter(|m| bot.is_self(m.author.id))
        .find(|m| m.attachments.iter().any(|a| names.contains(&a.filename)))
        .map(|m| m.id.get())
}

/// Posts the record through Create Message with the version's nonce,
/// retrying rate limits and server errors.
async fn post(
    bot: &Bot,
    channel: dc::ChannelId,
    id: &IncidentId,
    version: u32,
    upload: Option<Upload>,
    archived: &std::path::Path,
) -> anyhow::Result<u64> {
    let relative = format!("{id}/{}", publish::file_name(id, version, "html"));
    let Some(upload) = upload else {
        anyhow::bail!(
            "the record of {id} v{version} is too large to post even zipped; it is at {}",
            archived.display()
        );
    };
    let content = match upload.zipped {
        false => format!("Post-mortem record of {id}, version {version}."),
        true => format!(
            "Post-mortem record of {id}, version {version}, zipped: the HTML is larger than \
             the upload limit. The full file is {relative} in Scribe's archive folder."
        ),
    };
    let nonce = publish::nonce(id, version);
    for attempt in 1.. {
        let outcome = post_once(bot, channel, &upload, &content, &nonce).await;
        if let Outcome::Posted(message) = outcome {
            return Ok(message);
        }
        let Some(wait) = publish::next_wait(&outcome, attempt) else {
            anyhow::bail!("posting {id} v{version} failed after {attempt} tries: {outcome:?}");
        };
        tracing::warn!(incident = %id, version, attempt, ?outcome, "record post will be retried");
        tokio::time::sleep(wait).await;
    }
    unreachable!("the retry loop returns or bails")
}

async fn post_once(
    bot: &Bot,
    channel: dc::ChannelId,
    upload: &Upload,
    content: &str,
    nonce: &str,
) -> Outcome {
    let payload = serde_json::json!({
        "content": content,
        "nonce": nonce,
        "enforce_nonce": true,
        "allowed_mentions": {"parse": []},
        "attachments": [{"id": 0, "filename": upload.file_name}],
    });
    let part =
        reqwest::multipart::Part::bytes(upload.bytes.clone()).file_name(upload.file_name.clone());
    let form = reqwest::multipart::Form::new()
        .text("payload_json", payload.to_string())
        .part("files[0]", part);
    let url = format!("{}/api/v10/channels/{channel}/messages", bot.api_base);
    let token = bot.token.expose();
    let auth = match token.starts_with("Bot ") {
        true => token.to_string(),
        false => format!("Bot {token}"),
    };
    match bot
        .web
        .post(url)
        .header("Authorization", auth)
        .multipart(form)
        .send()
        .await
    {
        Ok(response) => outcome_of(response).await,
        Err(e) => {
            // No answer: the post may have been made; the nonce makes the
            // retry return that same message.
            tracing::warn!(error = %e, "record post got no answer");
            Outcome::Transient
        }
    }
}

async fn outcome_of(response: reqwest::Response) -> Outcome {
    let status = response.status().as_u16();
    let header_wait = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<f64>().ok());
    let bytes = response.bytes().await.unwrap_or_default();
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    match status {
        200..=299 => body["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .map_or(Outcome::Transient, Outcome::Posted),
        429 => Outcome::Limited(body["retry_after"].as_f64().or(header_wait).unwrap_or(1.0)),
        500..=599 => Outcome::Transient,
        other => Outcome::Refused(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_listed_one_per_line() {
        let id: IncidentId = "INC-2417".parse().unwrap();
        assert_eq!(warnings_text(&id, &[]), "Preview of INC-2417: no warnings.");
        let text = warnings_text(
            &id,
            &["no root cause".into(), "fewer than five whys".into()],
        );
        assert_eq!(
            text,
            "Preview of INC-2417: 2 warning(s)\n- no root cause\n- fewer than five whys"
        );
    }
}
