//! The application's own routes: the gateway address, who the bot is,
//! command registration (kept so tests can inspect and use it) and guild
//! lookups.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as Extract};
use axum::routing::{get, put};
use serde_json::{Value, json};

use super::Shared;
use super::body::ApiError;
use super::gateway;
use super::payloads;
use super::rest::{Reply, ok};
use super::state::State;

/// The routes under `/api/v10` that are about the application itself.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/gateway", get(gateway_url))
        .route("/gateway/bot", get(gateway_bot))
        .route("/users/@me", get(current_user))
        .route("/oauth2/applications/@me", get(current_application))
        .route(
            "/applications/{app}/commands",
            put(overwrite_global).post(create_global).get(list_global),
        )
        .route(
            "/applications/{app}/guilds/{guild}/commands",
            put(overwrite_guild).post(create_guild).get(list_guild),
        )
        .route("/guilds/{guild}/members/{user}", get(guild_member))
        .route("/guilds/{guild}/roles", get(guild_roles))
        .route("/guilds/{guild}/threads/active", get(active_threads))
}

async fn gateway_url(Extract(shared): Extract<Shared>) -> Reply {
    ok(json!({"url": gateway::ws_url(&shared.lock().unwrap().base)}))
}

async fn gateway_bot(Extract(shared): Extract<Shared>) -> Reply {
    let url = gateway::ws_url(&shared.lock().unwrap().base);
    let limit =
        json!({"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1});
    ok(json!({"url": url, "shards": 1, "session_start_limit": limit}))
}

async fn current_user(Extract(shared): Extract<Shared>) -> Reply {
    let state = shared.lock().unwrap();
    let mut user = payloads::user(state.account(state.bot_id));
    user["verified"] = json!(true);
    user["mfa_enabled"] = json!(false);
    ok(user)
}

async fn current_application(Extract(shared): Extract<Shared>) -> Reply {
    let state = shared.lock().unwrap();
    let owner = state
        .accounts
        .values()
        .find(|a| !a.bot)
        .unwrap_or(state.account(state.bot_id));
    ok(payloads::application(state.app_id, owner))
}

/// Registers `commands`, replacing (`overwrite`) or upserting by name.
fn register(
    state: &mut State,
    guild: Option<u64>,
    commands: Vec<Value>,
    overwrite: bool,
) -> Vec<Value> {
    let mut registered = Vec::new();
    for command in commands {
        let id = state.next_id();
        registered.push(payloads::registered(command, id, state.app_id, guild));
    }
    let list = match guild {
        Some(guild) => state.guild_commands.entry(guild).or_default(),
        None => &mut state.global_commands,
    };
    if overwrite {
        list.clear();
    }
    for command in &registered {
        list.retain(|c| c["name"] != command["name"] || c["type"] != command["type"]);
        list.push(command.clone());
    }
    registered
}

fn commands_of(payload: Value) -> Result<Vec<Value>, ApiError> {
    match payload {
        Value::Array(list) => Ok(list),
        _ => Err(ApiError::invalid(
            "Invalid Form Body: expected a list of commands",
            50035,
        )),
    }
}

async fn overwrite_global(Extract(shared): Extract<Shared>, bytes: Bytes) -> Reply {
    let commands = commands_of(serde_json::from_slice(&bytes).unwrap_or_default())?;
    ok(json!(register(
        &mut shared.lock().unwrap(),
        None,
        commands,
        true
    )))
}

async fn create_global(Extract(shared): Extract<Shared>, bytes: Bytes) -> Reply {
    let command = serde_json::from_slice(&bytes)
        .map_err(|_| ApiError::invalid("Invalid Form Body", 50035))?;
    ok(register(&mut shared.lock().unwrap(), None, vec![command], false).remove(0))
}

async fn list_global(Extract(shared): Extract<Shared>) -> Reply {
    ok(json!(shared.lock().unwrap().global_commands))
}

async fn overwrite_guild(
    Extract(shared): Extract<Shared>,
    Path((_, guild)): Path<(u64, u64)>,
    bytes: Bytes,
) -> Reply {
    let commands = commands_of(serde_json::from_slice(&bytes).unwrap_or_default())?;
    ok(json!(register(
        &mut shared.lock().unwrap(),
        Some(guild),
        commands,
        true
    )))
}

async fn create_guild(
    Extract(shared): Extract<Shared>,
    Path((_, guild)): Path<(u64, u64)>,
    bytes: Bytes,
) -> Reply {
    let command = serde_json::from_slice(&bytes)
        .map_err(|_| ApiError::invalid("Invalid Form Body", 50035))?;
    ok(register(
        &mut shared.lock().unwrap(),
        Some(guild),
        vec![command],
        false,
    )
    .remove(0))
}

async fn list_guild(Extract(shared): Extract<Shared>, Path((_, guild)): Path<(u64, u64)>) -> Reply {
    let state = shared.lock().unwrap();
    ok(json!(
        state
            .guild_commands
            .get(&guild)
            .cloned()
            .unwrap_or_default()
    ))
}

async fn guild_member(
    Extract(shared): Extract<Shared>,
    Path((_, user)): Path<(u64, u64)>,
) -> Reply {
    let state = shared.lock().unwrap();
    let account = state
        .accounts
        .get(&user)
        .ok_or(ApiError::unknown("Unknown Member", 10007))?;
    ok(payloads::member(
        account,
        payloads::snowflake_time(state.guild_id),
    ))
}

async fn guild_roles(Extract(shared): Extract<Shared>) -> Reply {
    let state = shared.lock().unwrap();
    let roles: Vec<Value> = state
        .roles
        .iter()
        .enumerate()
        .map(|(i, r)| payloads::role(r, i))
        .collect();
    ok(json!(roles))
}

/// The guild's open threads, as a bot finds an incident channel's
/// threads after a restart.
async fn active_threads(Extract(shared): Extract<Shared>) -> Reply {
    let state = shared.lock().unwrap();
    let created = payloads::snowflake_time(state.guild_id);
    let threads: Vec<Value> = state
        .channels
        .iter()
        .filter(|c| c.parent.is_some())
        .map(|c| payloads::channel(c, state.guild_id, created))
        .collect();
    ok(json!({"threads": threads, "members": []}))
}
