//! The REST routes under `/api/v10`, the attachment CDN path and the
//! gateway upgrade, behind the failure-injecting middleware.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use super::Shared;
use super::application;
use super::body::{self, ApiError, Upload, check_message};
use super::failures::{self, no_content};
use super::gateway;
use super::messages::{Window, id_of};
use super::payloads;
use super::state::State;

/// How long Discord remembers an enforced nonce.
const NONCE_MEMORY: Duration = Duration::from_secs(5 * 60);

/// What every route answers: a response or Discord's error.
pub type Reply = Result<Response, ApiError>;

/// Every route of the fake.
pub fn router(shared: Shared) -> Router {
    let api = application::routes()
        .route("/channels/{channel}", get(channel))
        .route(
            "/channels/{channel}/messages",
            get(history).post(create_message),
        )
        .route(
            "/channels/{channel}/messages/{message}",
            get(one_message).patch(edit_message).delete(delete_message),
        )
        .route(
            "/channels/{channel}/messages/{message}/reactions/{emoji}/@me",
            put(react).delete(unreact),
        )
        .route(
            "/channels/{channel}/messages/{message}/reactions/{emoji}",
            get(reactors),
        )
        .route("/channels/{channel}/pins", get(pins))
        .route("/channels/{channel}/typing", post(typing))
        .route("/channels/{channel}/pins/{message}", put(pin).delete(unpin))
        .route("/interactions/{id}/{token}/callback", post(callback))
        .route("/webhooks/{app}/{token}", post(followup))
        .route(
            "/webhooks/{app}/{token}/messages/@original",
            get(original).patch(edit_original),
        )
        .route(
            "/webhooks/{app}/{token}/messages/{message}",
            axum::routing::patch(edit_followup),
        );
    Router::new()
        .nest("/api/v10", api)
        .route("/gateway", get(gateway::upgrade))
        .route("/attachments/{channel}/{file}/{name}", get(download))
        .fallback(|| async { ApiError::unknown("404: Not Found", 0) })
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            failures::inject,
        ))
        .with_state(shared)
}

/// A 200 with a JSON body.
pub fn ok(value: Value) -> Reply {
    Ok(axum::Json(value).into_response())
}

fn read(headers: &HeaderMap, bytes: &[u8]) -> Result<Upload, ApiError> {
    body::read(headers, bytes).map_err(|_| ApiError::invalid("Invalid Form Body", 50035))
}

/// The channel's definition, or Discord's 404.
fn known_channel(state: &State, channel: u64) -> Result<(), ApiError> {
    let known = state.channels.iter().any(|c| c.id == channel);
    known
        .then_some(())
        .ok_or(ApiError::unknown("Unknown Channel", 10003))
}

async fn channel(Extract(shared): Extract<Shared>, Path(channel): Path<u64>) -> Reply {
    let state = shared.lock().unwrap();
    let def = state
        .channels
        .iter()
        .find(|c| c.id == channel)
        .ok_or(ApiError::unknown("Unknown Channel", 10003))?;
    ok(payloads::channel(
        def,
        state.guild_id,
        payloads::snowflake_time(channel),
    ))
}

async fn history(
    Extract(shared): Extract<Shared>,
    Path(channel): Path<u64>,
    Query(window): Query<Window>,
) -> Reply {
    let state = shared.lock().unwrap();
    known_channel(&state, channel)?;
    let picked = [window.before, window.after, window.around]
        .iter()
        .filter(|w| w.is_some())
        .count();
    if picked > 1 || window.limit.is_some_and(|l| !(1..=100).contains(&l)) {
        return Err(ApiError::invalid(
            "Invalid Form Body: before, after and around exclude each other; limit is 1 to 100",
            50035,
        ));
    }
    ok(json!(state.history(channel, window)))
}

async fn one_message(
    Extract(shared): Extract<Shared>,
    Path((channel, message)): Path<(u64, u64)>,
) -> Reply {
    let state = shared.lock().unwrap();
    ok(state
        .bot_view(channel, message)
        .ok_or(ApiError::unknown("Unknown Message", 10008))?)
}

/// `POST /channels/{id}/messages` as the bot; an enforced nonce seen in
/// the last few minutes returns the earlier message instead.
async fn create_message(
    Extract(shared): Extract<Shared>,
    Path(channel): Path<u64>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply {
    let upload = read(&headers, &bytes)?;
    let mut state = shared.lock().unwrap();
    known_channel(&state, channel)?;
    let nonce = nonce_of(&upload.payload);
    if let Some(earlier) = nonce.as_ref().and_then(|n| remembered(&state, channel, n)) {
        return ok(earlier);
    }
    check_message(&upload.payload, &upload.files, state.attachment_size_limit)?;
    let message = post_as_bot(&mut state, channel, upload);
    if let Some(nonce) = nonce {
        state
            .nonces
            .insert((channel, nonce), (id_of(&message["id"]), Instant::now()));
    }
    ok(message)
}

/// The nonce of a payload that asks Discord to enforce it.
fn nonce_of(payload: &Value) -> Option<String> {
    let nonce = payload.get("nonce").filter(|n| !n.is_null())?;
    let text = nonce
        .as_str()
        .map(String::from)
        .unwrap_or_else(|| nonce.to_string());
    (payload["enforce_nonce"] == true).then_some(text)
}

fn remembered(state: &State, channel: u64, nonce: &str) -> Option<Value> {
    let (id, at) = state.nonces.get(&(channel, nonce.to_string()))?;
    if at.elapsed() > NONCE_MEMORY {
        return None;
    }
    state.message_view(channel, *id)
}

fn post_as_bot(state: &mut State, channel: u64, upload: Upload) -> Value {
    let id = state.next_id();
    let mut message = payloads::message(id, channel, state.account(state.bot_id));
    for field in ["content", "embeds", "nonce", "components"] {
        if let Some(value) = upload.payload.get(field).filter(|v| !v.is_null()) {
            message[field] = value.clone();
        }
    }
    message["attachments"] = json!(state.store_files(channel, upload.files));
    state.insert_message(message)
}

async fn edit_message(
    Extract(shared): Extract<Shared>,
    Path((channel, message)): Path<(u64, u64)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply {
    let upload = read(&headers, &bytes)?;
    let mut state = shared.lock().unwrap();
    let author = state
        .message_view(channel, message)
        .map(|m| id_of(&m["author"]["id"]));
    match author {
        None => return Err(ApiError::unknown("Unknown Message", 10008)),
        Some(author) if author != state.bot_id => {
            let forbidden = axum::http::StatusCode::FORBIDDEN;
            return Err(ApiError(
                forbidden,
                "Cannot edit a message authored by another user",
                50005,
            ));
        }
        Some(_) => {}
    }
    state.attach_files(channel, message, upload.files);
    ok(state
        .edit_message(channel, message, &upload.payload)
        .unwrap_or_default())
}

async fn delete_message(
    Extract(shared): Extract<Shared>,
    Path((channel, message)): Path<(u64, u64)>,
) -> Reply {
    let deleted = shared.lock().unwrap().delete_message(channel, message);
    deleted
        .then(no_content)
        .ok_or(ApiError::unknown("Unknown Message", 10008))
}

async fn react(
    Extract(shared): Extract<Shared>,
    Path((channel, message, emoji)): Path<(u64, u64, String)>,
) -> Reply {
    let mut state = shared.lock().unwrap();
    state
        .message_view(channel, message)
        .ok_or(ApiError::unknown("Unknown Message", 10008))?;
    let bot = state.bot_id;
    state.add_reaction(channel, message, &emoji, bot);
    Ok(no_content())
}

async fn unreact(
    Extract(shared): Extract<Shared>,
    Path((channel, message, emoji)): Path<(u64, u64, String)>,
) -> Reply {
    let mut state = shared.lock().unwrap();
    let bot = state.bot_id;
    state.remove_reaction(channel, message, &emoji, bot);
    Ok(no_content())
}

async fn reactors(
    Extract(shared): Extract<Shared>,
    Path((channel, message, emoji)): Path<(u64, u64, String)>,
) -> Reply {
    let state = shared.lock().unwrap();
    state
        .message_view(channel, message)
        .ok_or(ApiError::unknown("Unknown Message", 10008))?;
    let list = state.reactions.get(&message).cloned().unwrap_or_default();
    let users: Vec<Value> = list
        .iter()
        .filter(|(e, _)| *e == emoji)
        .map(|(_, u)| payloads::user(state.account(*u)))
        .collect();
    ok(json!(users))
}

async fn pins(Extract(shared): Extract<Shared>, Path(channel): Path<u64>) -> Reply {
    let state = shared.lock().unwrap();
    known_channel(&state, channel)?;
    let all = state
        .messages
        .get(&channel)
        .map(|m| m.keys().rev().copied().collect::<Vec<_>>())
        .unwrap_or_default();
    let pinned: Vec<Value> = all
        .iter()
        .filter_map(|id| state.bot_view(channel, *id))
        .filter(|m| m["pinned"] == true)
        .collect();
    ok(json!(pinned))
}

async fn pin(
    Extract(shared): Extract<Shared>,
    Path((channel, message)): Path<(u64, u64)>,
) -> Reply {
    let mut state = shared.lock().unwrap();
    let bot = state.bot_id;
    let done = state.set_pinned(channel, message, true, bot);
    done.then(no_content)
        .ok_or(ApiError::unknown("Unknown Message", 10008))
}

async fn unpin(
    Extract(shared): Extract<Shared>,
    Path((channel, message)): Path<(u64, u64)>,
) -> Reply {
    let mut state = shared.lock().unwrap();
    let bot = state.bot_id;
    let done = state.set_pinned(channel, message, false, bot);
    done.then(no_content)
        .ok_or(ApiError::unknown("Unknown Message", 10008))
}

async fn typing(Extract(shared): Extract<Shared>, Path(channel): Path<u64>) -> Reply {
    known_channel(&shared.lock().unwrap(), channel)?;
    Ok(no_content())
}

async fn download(
    Extract(shared): Extract<Shared>,
    Path((channel, file, name)): Path<(u64, u64, String)>,
) -> Reply {
    let state = shared.lock().unwrap();
    let bytes = state
        .files
        .get(&format!("/attachments/{channel}/{file}/{name}"));
    let bytes = bytes
        .cloned()
        .ok_or(ApiError::unknown("404: Not Found", 0))?;
    Ok(bytes.into_response())
}

async fn callback(
    Extract(shared): Extract<Shared>,
    Path((id, token)): Path<(u64, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply {
    let upload = read(&headers, &bytes)?;
    shared.lock().unwrap().callback(id, &token, upload)?;
    Ok(no_content())
}

async fn followup(
    Extract(shared): Extract<Shared>,
    Path((_, token)): Path<(u64, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply {
    let upload = read(&headers, &bytes)?;
    ok(shared.lock().unwrap().followup(&token, upload)?)
}

async fn original(
    Extract(shared): Extract<Shared>,
    Path((_, token)): Path<(u64, String)>,
) -> Reply {
    ok(shared.lock().unwrap().original(&token)?)
}

async fn edit_original(
    Extract(shared): Extract<Shared>,
    Path((_, token)): Path<(u64, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply {
    let upload = read(&headers, &bytes)?;
    ok(shared.lock().unwrap().edit_reply(&token, None, upload)?)
}

async fn edit_followup(
    Extract(shared): Extract<Shared>,
    Path((_, token, message)): Path<(u64, String, u64)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply {
    let upload = read(&headers, &bytes)?;
    ok(shared
        .lock()
        .unwrap()
        .edit_reply(&token, Some(message), upload)?)
}
