//! The gateway WebSocket: HELLO, heartbeats, IDENTIFY to READY and
//! GUILD_CREATE, RESUME with replay, and the test's controls to drop a
//! connection or invalidate a session.

use axum::extract::State as Extract;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::Shared;
use super::payloads;
use super::state::{Outgoing, State};

/// How often the bot must heartbeat, in milliseconds, as Discord says it.
const HEARTBEAT_MS: u64 = 41_250;

/// Close code for "unknown error": serenity resumes after it.
pub const CLOSE_RESUMABLE: u16 = 4000;

/// Close code for a bad token: serenity gives up.
const CLOSE_AUTH_FAILED: u16 = 4004;

/// Upgrades `GET /gateway?v=10` to the gateway connection.
pub async fn upgrade(ws: WebSocketUpgrade, Extract(shared): Extract<Shared>) -> Response {
    ws.on_upgrade(move |socket| serve(socket, shared))
}

/// Runs one connection until either side closes it or the fake replaces
/// it with a newer one.
async fn serve(mut socket: WebSocket, shared: Shared) {
    let (conn, mut outgoing) = register(&shared);
    let hello = json!({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}});
    if socket.send(text(hello.to_string())).await.is_err() {
        return;
    }
    pump(&mut socket, &shared, conn, &mut outgoing).await;
    let mut state = shared.lock().unwrap();
    if state
        .gateway
        .live
        .as_ref()
        .is_some_and(|(id, _, _)| *id == conn)
    {
        state.gateway.live = None;
    }
}

/// Makes this connection the live one; its sender lives only in the
/// state, so replacing it ends the older connection's pump.
fn register(shared: &Shared) -> (u64, UnboundedReceiver<Outgoing>) {
    let (sender, receiver) = unbounded_channel();
    let mut state = shared.lock().unwrap();
    let conn = state.next_id();
    state.gateway.live = Some((conn, sender, false));
    (conn, receiver)
}

/// Moves frames both ways until the connection ends.
async fn pump(
    socket: &mut WebSocket,
    shared: &Shared,
    conn: u64,
    outgoing: &mut UnboundedReceiver<Outgoing>,
) {
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(Message::Text(frame))) = incoming else {
                    if matches!(incoming, Some(Ok(_))) { continue } else { return }
                };
                let replies = receive(&mut shared.lock().unwrap(), conn, frame.as_str());
                for reply in replies {
                    if socket.send(text(reply)).await.is_err() { return }
                }
            }
            next = outgoing.recv() => match next {
                Some(Outgoing::Frame(frame)) => {
                    if socket.send(text(frame)).await.is_err() { return }
                }
                Some(Outgoing::Close(code)) => {
                    let frame = CloseFrame { code, reason: "closed by the fake".into() };
                    let _ = socket.send(Message::Close(Some(frame))).await;
                    return;
                }
                None => return,
            }
        }
    }
}

fn text(frame: String) -> Message {
    Message::Text(frame.into())
}

/// Handles one frame from the bot; returns frames to send straight back.
fn receive(state: &mut State, conn: u64, frame: &str) -> Vec<String> {
    let Ok(payload) = serde_json::from_str::<Value>(frame) else {
        return close(state, conn, 4002);
    };
    let data = &payload["d"];
    match payload["op"].as_u64() {
        Some(1) => vec![json!({"op": 11}).to_string()],
        Some(2) if token_ok(state, data) => identify(state, conn, data),
        Some(6) if token_ok(state, data) => resume(state, conn, data),
        Some(2 | 6) => close(state, conn, CLOSE_AUTH_FAILED),
        _ => Vec::new(),
    }
}

/// The gateway takes the token with or without its `Bot ` prefix.
fn token_ok(state: &State, data: &Value) -> bool {
    let given = data["token"].as_str().unwrap_or_default();
    given.trim_start_matches("Bot ") == state.token
}

/// Asks the live connection `conn` to close with `code`.
fn close(state: &mut State, conn: u64, code: u16) -> Vec<String> {
    if let Some((id, sender, _)) = &state.gateway.live
        && *id == conn
    {
        let _ = sender.send(Outgoing::Close(code));
    }
    Vec::new()
}

/// A new session: READY, then the guild.
fn identify(state: &mut State, conn: u64, data: &Value) -> Vec<String> {
    state.gateway.identifies += 1;
    state.gateway.intents = Some(data["intents"].as_u64().unwrap_or(0));
    let session = format!("fake-session-{}", state.next_id());
    state.gateway.sessions.insert(session.clone(), Vec::new());
    state.gateway.latest = Some(session.clone());
    attach(state, conn);
    let url = ws_url(&state.base);
    let bot = state.account(state.bot_id).clone();
    let ready = payloads::ready(&bot, &session, &url, state.guild_id, state.app_id);
    state.dispatch("READY", &ready);
    let guild = state.guild_create();
    state.dispatch("GUILD_CREATE", &guild);
    Vec::new()
}

/// Resumes the latest session: replays what came after `seq`, then
/// RESUMED; a stale or refused session gets INVALID_SESSION.
fn resume(state: &mut State, conn: u64, data: &Value) -> Vec<String> {
    let session = data["session_id"].as_str().unwrap_or_default();
    let current = state.gateway.latest.as_deref() == Some(session);
    if !current || std::mem::take(&mut state.gateway.refuse_resume) {
        return vec![json!({"op": 9, "d": false}).to_string()];
    }
    let seq = data["seq"].as_u64().unwrap_or(0) as usize;
    let missed: Vec<String> = state.gateway.sessions[session]
        .iter()
        .skip(seq)
        .cloned()
        .collect();
    if let Some((_, sender, _)) = &state.gateway.live {
        missed
            .into_iter()
            .for_each(|frame| drop(sender.send(Outgoing::Frame(frame))));
    }
    state.gateway.resumes += 1;
    attach(state, conn);
    state.dispatch("RESUMED", &json!({}));
    Vec::new()
}

/// From now on the live connection `conn` receives dispatches.
fn attach(state: &mut State, conn: u64) {
    if let Some((id, _, attached)) = &mut state.gateway.live {
        *attached = *id == conn;
    }
}

/// The gateway address for an HTTP base address.
pub fn ws_url(base: &str) -> String {
    format!("{}/gateway", base.replacen("http://", "ws://", 1))
}

/// Closes the live connection with a resumable code; the bot reconnects
/// and resumes. False when no connection was live.
pub fn drop_connection(state: &mut State) -> bool {
    match state.gateway.live.take() {
        Some((_, sender, _)) => sender.send(Outgoing::Close(CLOSE_RESUMABLE)).is_ok(),
        None => false,
    }
}

/// Sends INVALID_SESSION (op 9) on the live connection.
pub fn invalidate_session(state: &mut State, resumable: bool) -> bool {
    let frame = json!({"op": 9, "d": resumable}).to_string();
    match &state.gateway.live {
        Some((_, sender, _)) => sender.send(Outgoing::Frame(frame)).is_ok(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connected() -> (State, UnboundedReceiver<Outgoing>) {
        let mut state = State::new("secret");
        let (sender, receiver) = unbounded_channel();
        state.gateway.live = Some((1, sender, false));
        (state, receiver)
    }

    fn drain(receiver: &mut UnboundedReceiver<Outgoing>) -> Vec<String> {
        let mut frames = Vec::new();
        while let Ok(Outgoing::Frame(frame)) = receiver.try_recv() {
            frames.push(frame);
        }
        frames
    }

    #[test]
    fn identify_sends_ready_then_the_guild() {
        let (mut state, mut receiver) = connected();
        receive(
            &mut state,
            1,
            r#"{"op":2,"d":{"token":"Bot secret","intents":33281}}"#,
        );
        let frames = drain(&mut receiver);
        assert!(frames[0].contains("\"READY\"") && frames[1].contains("\"GUILD_CREATE\""));
        assert_eq!(state.gateway.intents, Some(33281));
    }

    #[test]
    fn a_wrong_token_closes_with_4004() {
        let (mut state, mut receiver) = connected();
        receive(&mut state, 1, r#"{"op":2,"d":{"token":"Bot nope"}}"#);
        assert!(matches!(receiver.try_recv(), Ok(Outgoing::Close(4004))));
    }

    #[test]
    fn resume_replays_after_seq_then_says_resumed() {
        let (mut state, mut receiver) = connected();
        receive(
            &mut state,
            1,
            r#"{"op":2,"d":{"token":"secret","intents":512}}"#,
        );
        state.dispatch("MESSAGE_DELETE", &json!({"id": "1", "channel_id": "2"}));
        let session = state.gateway.latest.clone().unwrap();
        let (sender, mut second) = unbounded_channel();
        state.gateway.live = Some((2, sender, false));
        let resume = json!({"op": 6, "d": {"token": "secret", "session_id": session, "seq": 2}});
        receive(&mut state, 2, &resume.to_string());
        let frames = drain(&mut second);
        assert_eq!(frames.len(), 2, "{frames:?}");
        assert!(frames[0].contains("MESSAGE_DELETE") && frames[1].contains("\"s\":4"));
        drain(&mut receiver);
    }

    #[test]
    fn a_refused_or_unknown_resume_gets_invalid_session() {
        let (mut state, _receiver) = connected();
        let unknown = r#"{"op":6,"d":{"token":"secret","session_id":"gone","seq":3}}"#;
        let replies = receive(&mut state, 1, unknown);
        let reply: Value = serde_json::from_str(&replies[0]).unwrap();
        assert_eq!(reply, json!({"op": 9, "d": false}));
    }
}
