//! How the bot answers interactions: the callback, the original
//! response and follow-ups, with Discord's rules (3 s to acknowledge, one
//! acknowledgement, tokens for 15 minutes, public answers posted in the
//! channel, private ones only to the caller).
//!
//! One shortcut: a public defer (type 5) does not post Discord's
//! "thinking…" placeholder in the channel; the answer appears when the
//! bot edits the original.

use std::time::Duration;

use serde_json::{Value, json};

use super::body::{ApiError, Upload, check_message};
use super::payloads;
use super::state::{File, Interaction, Reply, State};

/// Discord drops an interaction not acknowledged within this.
const ACK_DEADLINE: Duration = Duration::from_secs(3);

/// Interaction tokens stop working after this.
const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

impl State {
    /// `POST /interactions/{id}/{token}/callback`.
    pub fn callback(&mut self, id: u64, token: &str, upload: Upload) -> Result<(), ApiError> {
        let record = self.interactions.get(&id).filter(|i| i.token == token);
        let record = record.ok_or(ApiError::unknown("Unknown interaction", 10062))?;
        if record.created.elapsed() > ACK_DEADLINE {
            return Err(ApiError::unknown("Unknown interaction", 10062));
        }
        if !record.callbacks.is_empty() {
            return Err(ApiError::invalid(
                "Interaction has already been acknowledged.",
                40060,
            ));
        }
        let kind = upload.payload["type"].as_u64().unwrap_or(0);
        let data = upload.payload["data"].clone();
        let ephemeral = flags(&data) & 64 != 0;
        match kind {
            4 | 7 => {
                check_message(&data, &upload.files, self.attachment_size_limit)?;
                let reply = self.new_reply(id, &data, upload.files, ephemeral);
                self.record(id).original = Some(reply);
            }
            5 | 6 => self.record(id).deferred_ephemeral = Some(ephemeral),
            8 => self.record(id).choices = Some(data["choices"].clone()),
            9 => self.record(id).modal = Some(data),
            _ => {
                return Err(ApiError::invalid(
                    "Invalid Form Body: unknown callback type",
                    50035,
                ));
            }
        }
        self.record(id).callbacks.push(kind);
        Ok(())
    }

    /// `PATCH /webhooks/{app}/{token}/messages/@original` (`which` None)
    /// or `.../messages/{id}`: fills a deferred answer or edits one.
    pub fn edit_reply(
        &mut self,
        token: &str,
        which: Option<u64>,
        upload: Upload,
    ) -> Result<Value, ApiError> {
        let id = self.live_token(token)?;
        let record = &self.interactions[&id];
        if which.is_none() && record.original.is_none() {
            let Some(ephemeral) = record.deferred_ephemeral else {
                return Err(ApiError::unknown("Unknown Message", 10008));
            };
            check_message(&upload.payload, &upload.files, self.attachment_size_limit)?;
            let reply = self.new_reply(id, &upload.payload, upload.files, ephemeral);
            self.record(id).original = Some(reply.clone());
            return Ok(reply.message);
        }
        self.change_reply(id, which, upload)
    }

    /// `POST /webhooks/{app}/{token}`: a follow-up. The first one after
    /// a defer completes the deferred answer, as Discord still does.
    pub fn followup(&mut self, token: &str, upload: Upload) -> Result<Value, ApiError> {
        let id = self.live_token(token)?;
        let record = &self.interactions[&id];
        if record.original.is_none() && record.deferred_ephemeral.is_some() {
            return self.edit_reply(token, None, upload);
        }
        if record.callbacks.is_empty() {
            return Err(ApiError::unknown("Unknown Webhook", 10015));
        }
        check_message(&upload.payload, &upload.files, self.attachment_size_limit)?;
        let ephemeral = flags(&upload.payload) & 64 != 0;
        let reply = self.new_reply(id, &upload.payload, upload.files, ephemeral);
        self.record(id).followups.push(reply.clone());
        Ok(reply.message)
    }

    /// `GET /webhooks/{app}/{token}/messages/@original`.
    pub fn original(&self, token: &str) -> Result<Value, ApiError> {
        let record = self.interactions.values().find(|i| i.token == token);
        let reply = record.and_then(|i| i.original.as_ref());
        reply
            .map(|r| r.message.clone())
            .ok_or(ApiError::unknown("Unknown Message", 10008))
    }

    /// The interaction a token belongs to, while the token still works.
    fn live_token(&self, token: &str) -> Result<u64, ApiError> {
        let record = self.interactions.values().find(|i| i.token == token);
        let record = record.ok_or(ApiError::unknown("Unknown Webhook", 10015))?;
        if record.created.elapsed() > TOKEN_LIFETIME {
            return Err(ApiError(
                axum::http::StatusCode::UNAUTHORIZED,
                "Invalid Webhook Token",
                50027,
            ));
        }
        Ok(record.id)
    }

    fn record(&mut self, id: u64) -> &mut Interaction {
        self.interactions
            .get_mut(&id)
            .expect("the interaction was just found")
    }

    /// Edits the original (`which` None) or the follow-up `which`.
    fn change_reply(
        &mut self,
        id: u64,
        which: Option<u64>,
        upload: Upload,
    ) -> Result<Value, ApiError> {
        let channel = self.interactions[&id].channel;
        let stored = self.store_files(channel, upload.files.clone());
        let record = self.record(id);
        let reply = match which {
            None => record.original.as_mut(),
            Some(mid) => record
                .followups
                .iter_mut()
                .chain(record.original.as_mut())
                .find(|r| r.id == mid),
        };
        let reply = reply.ok_or(ApiError::unknown("Unknown Message", 10008))?;
        apply_edit(reply, &upload, stored);
        let (public, message_id, message) = (!reply.ephemeral, reply.id, reply.message.clone());
        if public {
            self.replace_message(channel, message_id, message.clone());
        }
        Ok(message)
    }

    /// A new answer message; public ones are posted in the channel.
    fn new_reply(&mut self, id: u64, data: &Value, files: Vec<File>, ephemeral: bool) -> Reply {
        let (channel, user) = (self.interactions[&id].channel, self.interactions[&id].user);
        let message_id = self.next_id();
        let mut message = payloads::message(message_id, channel, self.account(self.bot_id));
        message["content"] = json!(data["content"].as_str().unwrap_or_default());
        message["embeds"] = data
            .get("embeds")
            .filter(|e| e.is_array())
            .cloned()
            .unwrap_or(json!([]));
        message["attachments"] = json!(self.store_files(channel, files.clone()));
        message["flags"] = json!(if ephemeral { 64 } else { 0 });
        self.mark_as_answer(&mut message, id, user);
        if !ephemeral {
            message = self.insert_message(message);
        }
        let content = message["content"].as_str().unwrap_or_default().to_string();
        Reply {
            id: message_id,
            content,
            ephemeral,
            files,
            message,
            at: std::time::Instant::now(),
        }
    }

    /// The fields that make a message an interaction's answer.
    fn mark_as_answer(&self, message: &mut Value, id: u64, user: u64) {
        message["type"] = json!(20);
        message["webhook_id"] = json!(self.app_id.to_string());
        message["application_id"] = json!(self.app_id.to_string());
        message["interaction_metadata"] = json!({
            "id": id.to_string(), "type": 2, "user": payloads::user(self.account(user)),
            "authorizing_integration_owners": {"0": self.guild_id.to_string()},
        });
    }
}

/// Applies an edit to an answer: new content, added files.
fn apply_edit(reply: &mut Reply, upload: &Upload, stored: Vec<Value>) {
    if let Some(content) = upload.payload["content"].as_str() {
        reply.content = content.to_string();
        reply.message["content"] = json!(content);
    }
    if let Some(embeds) = upload.payload.get("embeds").filter(|e| e.is_array()) {
        reply.message["embeds"] = embeds.clone();
    }
    reply.files.extend(upload.files.iter().cloned());
    if let Some(list) = reply.message["attachments"].as_array_mut() {
        list.extend(stored);
    }
    reply.message["edited_timestamp"] = json!(payloads::timestamp(chrono::Utc::now()));
}

/// The message flags of a payload (64: only the caller sees it).
fn flags(data: &Value) -> u64 {
    data["flags"].as_u64().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serenity::model::prelude::*;

    use super::*;
    use crate::fake_discord::interactions::tests::{delivered, registered};

    fn answer(content: &str, flags: u64) -> Upload {
        let payload = json!({"type": 4, "data": {"content": content, "flags": flags}});
        Upload {
            payload,
            files: Vec::new(),
        }
    }

    #[test]
    fn a_public_answer_is_posted_and_a_private_one_is_not() {
        let (mut state, channel, alice) = registered();
        let public = state
            .slash(alice, channel, "phase set", &[("phase", "detect")])
            .unwrap();
        let token = state.interactions[&public].token.clone();
        state
            .callback(public, &token, answer("`/phase detect`", 0))
            .unwrap();
        let private = state
            .slash(alice, channel, "phase set", &[("phase", "detect")])
            .unwrap();
        let token = state.interactions[&private].token.clone();
        state
            .callback(private, &token, answer("not allowed", 64))
            .unwrap();
        let posted: Vec<&Value> = state.messages[&channel].values().collect();
        assert_eq!(posted.len(), 1);
        assert_eq!(posted[0]["content"], "`/phase detect`");
        let _: Message =
            serde_json::from_value(posted[0].clone()).expect("serenity reads the answer");
        assert!(state.interactions[&private].ephemeral());
    }

    #[test]
    fn a_late_or_second_acknowledgement_is_refused() {
        let (mut state, channel, alice) = registered();
        let id = state
            .slash(alice, channel, "phase set", &[("phase", "detect")])
            .unwrap();
        let token = state.interactions[&id].token.clone();
        state.callback(id, &token, answer("ok", 0)).unwrap();
        assert_eq!(
            state
                .callback(id, &token, answer("again", 0))
                .unwrap_err()
                .2,
            40060
        );
        let late = state
            .slash(alice, channel, "phase set", &[("phase", "detect")])
            .unwrap();
        let token = state.interactions[&late].token.clone();
        state.interactions.get_mut(&late).unwrap().created -= Duration::from_secs(4);
        assert_eq!(
            state
                .callback(late, &token, answer("too late", 0))
                .unwrap_err()
                .2,
            10062
        );
    }

    #[test]
    fn a_deferred_answer_is_completed_by_editing_the_original_or_a_followup() {
        let (mut state, channel, alice) = registered();
        for finish in ["edit", "followup"] {
            let id = state
                .slash(alice, channel, "phase set", &[("phase", "detect")])
                .unwrap();
            let token = state.interactions[&id].token.clone();
            let defer = Upload {
                payload: json!({"type": 5, "data": {"flags": 64}}),
                files: Vec::new(),
            };
            state.callback(id, &token, defer).unwrap();
            assert!(
                !state.interactions[&id].handled(),
                "a defer is not an answer"
            );
            let body = Upload {
                payload: json!({"content": "rendered"}),
                files: Vec::new(),
            };
            let message = match finish {
                "edit" => state.edit_reply(&token, None, body).unwrap(),
                _ => state.followup(&token, body).unwrap(),
            };
            let _: Message = serde_json::from_value(message).expect("serenity reads the reply");
            let record = &state.interactions[&id];
            assert!(
                record.ephemeral() && record.content() == "rendered",
                "{finish}: {record:?}"
            );
        }
    }

    #[test]
    fn a_modal_is_submitted_with_its_own_inputs_only() {
        let (mut state, channel, alice) = registered();
        let id = state
            .slash(alice, channel, "phase set", &[("phase", "detect")])
            .unwrap();
        let token = state.interactions[&id].token.clone();
        let input = json!({"type": 4, "custom_id": "summary", "label": "Summary", "style": 2});
        let modal = json!({"custom_id": "m1", "title": "Summary", "components": [{"type": 1, "components": [input]}]});
        let opened = Upload {
            payload: json!({"type": 9, "data": modal}),
            files: Vec::new(),
        };
        state.callback(id, &token, opened).unwrap();
        assert!(
            state
                .submit_modal(alice, id, &[("title", "x")])
                .unwrap_err()
                .contains("no input")
        );
        state
            .submit_modal(alice, id, &[("summary", "line one\nline two")])
            .unwrap();
        let serenity::all::Interaction::Modal(submitted) = delivered(&state) else {
            panic!("not a modal submit")
        };
        assert_eq!(submitted.data.custom_id, "m1");
    }

    #[test]
    fn editing_a_public_answer_updates_the_channel_copy_with_its_files() {
        let (mut state, channel, alice) = registered();
        let id = state
            .slash(alice, channel, "phase set", &[("phase", "detect")])
            .unwrap();
        let token = state.interactions[&id].token.clone();
        let defer = Upload {
            payload: json!({"type": 5, "data": {}}),
            files: Vec::new(),
        };
        state.callback(id, &token, defer).unwrap();
        let first = Upload {
            payload: json!({"content": "rendering"}),
            files: Vec::new(),
        };
        state.edit_reply(&token, None, first).unwrap();
        let file = File {
            name: "INC-1-v1.html".into(),
            bytes: b"<html>".to_vec(),
        };
        let done = Upload {
            payload: json!({"content": "published"}),
            files: vec![file],
        };
        state.edit_reply(&token, None, done).unwrap();

        let posted: Vec<&Value> = state.messages[&channel].values().collect();
        assert_eq!(posted.len(), 1, "one answer, edited in place");
        assert_eq!(posted[0]["content"], "published");
        assert_eq!(posted[0]["attachments"][0]["filename"], "INC-1-v1.html");
        let frame = state.gateway.sessions["s"].last().unwrap();
        let event: GatewayEvent = serde_json::from_str(frame).unwrap();
        assert!(matches!(
            event,
            GatewayEvent::Dispatch(_, Event::MessageUpdate(_))
        ));
    }
}
