//! Interactions the fake delivers: slash commands built from what the
//! bot registered, autocomplete, message menus and modal submits, each as
//! INTERACTION_CREATE with the member and resolved data Discord adds.

use std::time::Instant;

use serde_json::{Map, Value, json};

use super::payloads;
use super::state::{Interaction, State};

/// Permission bits of a member using a command: view, send, read history.
const MEMBER_PERMISSIONS: &str = "68608";

/// The bot's permissions in the channel: view, send, embed, attach, read
/// history, add reactions, manage messages.
const APP_PERMISSIONS: &str = "125056";

/// The option types Discord numbers.
const SUB_COMMAND: u64 = 1;
const SUB_COMMAND_GROUP: u64 = 2;

impl State {
    /// Delivers a slash command: `path` names the command and its
    /// subcommands (`"incident open"`), `options` give each option's
    /// value as typed; choices are given by their name.
    pub fn slash(
        &mut self,
        user: u64,
        channel: u64,
        path: &str,
        options: &[(&str, &str)],
    ) -> Result<u64, String> {
        self.command_interaction(user, channel, path, options, None)
    }

    /// Delivers an autocomplete request while `focused` is being typed.
    pub fn autocomplete(
        &mut self,
        user: u64,
        channel: u64,
        path: &str,
        options: &[(&str, &str)],
        focused: &str,
    ) -> Result<u64, String> {
        self.command_interaction(user, channel, path, options, Some(focused))
    }

    fn command_interaction(
        &mut self,
        user: u64,
        channel: u64,
        path: &str,
        options: &[(&str, &str)],
        focused: Option<&str>,
    ) -> Result<u64, String> {
        let words: Vec<&str> = path.trim_start_matches('/').split_whitespace().collect();
        let (name, subs) = words.split_first().ok_or("an empty command path")?;
        let command = self.find_command(name, 1)?;
        let mut resolved = Map::new();
        let built = self.build_options(&command, subs, options, focused, &mut resolved)?;
        let mut data = command_data(&command);
        data["options"] = json!(built);
        data["resolved"] = Value::Object(resolved);
        let kind = if focused.is_some() { 4 } else { 2 };
        Ok(self.deliver(user, channel, kind, data))
    }

    /// Delivers a message context-menu command on `message`.
    pub fn menu(
        &mut self,
        user: u64,
        channel: u64,
        name: &str,
        message: u64,
    ) -> Result<u64, String> {
        let command = self.find_command(name, 3)?;
        let view = self
            .message_view(channel, message)
            .ok_or(format!("no message {message} in channel {channel}"))?;
        let mut data = command_data(&command);
        data["target_id"] = json!(message.to_string());
        data["resolved"] = json!({"messages": {message.to_string(): view}});
        Ok(self.deliver(user, channel, 2, data))
    }

    /// Delivers a slash command whose `options` are sent exactly as
    /// given (Discord's wire form), skipping the checks Discord's client
    /// makes: what a hand-built or replayed payload can carry. The
    /// command `name` must be registered, for its id.
    pub fn raw_slash(
        &mut self,
        user: u64,
        channel: u64,
        name: &str,
        options: Value,
    ) -> Result<u64, String> {
        let command = self.find_command(name, 1)?;
        let mut data = command_data(&command);
        data["options"] = options;
        Ok(self.deliver(user, channel, 2, data))
    }

    /// Submits the modal the bot opened on `opened`, filling the text
    /// inputs named in `values`.
    pub fn submit_modal(
        &mut self,
        user: u64,
        opened: u64,
        values: &[(&str, &str)],
    ) -> Result<u64, String> {
        let record = self
            .interactions
            .get(&opened)
            .ok_or(format!("no interaction {opened}"))?;
        let modal = record
            .modal
            .clone()
            .ok_or(format!("interaction {opened} opened no modal"))?;
        let inputs = modal_inputs(&modal);
        let mut rows = Vec::new();
        for (name, value) in values {
            if !inputs.iter().any(|i| i == name) {
                return Err(format!(
                    "the modal has no input {name:?}; it has {inputs:?}"
                ));
            }
            let input = json!({"type": 4, "custom_id": name, "value": value});
            rows.push(json!({"type": 1, "components": [input]}));
        }
        let data = json!({"custom_id": modal["custom_id"], "components": rows});
        let channel = record.channel;
        Ok(self.deliver(user, channel, 5, data))
    }

    /// A registered command by name and type, guild commands first.
    fn find_command(&self, name: &str, kind: u64) -> Result<Value, String> {
        let guild = self
            .guild_commands
            .get(&self.guild_id)
            .into_iter()
            .flatten();
        let mut all = guild.chain(&self.global_commands);
        let found = all.find(|c| c["name"] == name && c["type"].as_u64().unwrap_or(1) == kind);
        found
            .cloned()
            .ok_or_else(|| format!("no command {name:?} of type {kind} is registered"))
    }

    /// The options list for `subs` under `parent`, checking names, types
    /// and required options the way Discord's client does.
    fn build_options(
        &self,
        parent: &Value,
        subs: &[&str],
        given: &[(&str, &str)],
        focused: Option<&str>,
        resolved: &mut Map<String, Value>,
    ) -> Result<Vec<Value>, String> {
        let defs = parent["options"].as_array().cloned().unwrap_or_default();
        if let Some((sub, rest)) = subs.split_first() {
            let def = defs
                .iter()
                .find(|d| d["name"] == *sub && is_group(d))
                .ok_or(format!("{:?} has no subcommand {sub:?}", parent["name"]))?;
            let inner = self.build_options(def, rest, given, focused, resolved)?;
            return Ok(vec![
                json!({"type": def["type"], "name": sub, "options": inner}),
            ]);
        }
        if let Some(group) = defs.iter().find(|d| is_group(d)) {
            return Err(format!(
                "{:?} needs a subcommand such as {:?}",
                parent["name"], group["name"]
            ));
        }
        for def in defs.iter().filter(|d| d["required"] == true) {
            if !given.iter().any(|(name, _)| def["name"] == *name) {
                return Err(format!("the required option {:?} is missing", def["name"]));
            }
        }
        given
            .iter()
            .map(|(name, value)| self.option(&defs, name, value, focused == Some(name), resolved))
            .collect()
    }

    /// One option with its value typed from its definition.
    fn option(
        &self,
        defs: &[Value],
        name: &str,
        given: &str,
        focused: bool,
        resolved: &mut Map<String, Value>,
    ) -> Result<Value, String> {
        let def = defs
            .iter()
            .find(|d| d["name"] == name)
            .ok_or_else(|| format!("no option {name:?}; the options are {}", names(defs)))?;
        let kind = def["type"].as_u64().unwrap_or(3);
        if focused {
            return Ok(json!({"type": kind, "name": name, "value": given, "focused": true}));
        }
        let value = match def["choices"].as_array().filter(|c| !c.is_empty()) {
            Some(choices) => choice(choices, name, given)?,
            None => self.typed(kind, name, given, resolved)?,
        };
        Ok(json!({"type": kind, "name": name, "value": value}))
    }

    /// A value typed for an option of `kind`, resolving mentions.
    fn typed(
        &self,
        kind: u64,
        name: &str,
        given: &str,
        resolved: &mut Map<String, Value>,
    ) -> Result<Value, String> {
        let bad = |what: &str| format!("option {name:?} wants {what}, not {given:?}");
        match kind {
            3 => Ok(json!(given)),
            4 => given
                .parse::<i64>()
                .map(|n| json!(n))
                .map_err(|_| bad("an integer")),
            10 => given
                .parse::<f64>()
                .map(|n| json!(n))
                .map_err(|_| bad("a number")),
            5 => given
                .parse::<bool>()
                .map(|b| json!(b))
                .map_err(|_| bad("true or false")),
            6 | 9 => self
                .resolve_user(given, resolved)
                .ok_or_else(|| bad("a user id of the guild")),
            7 => self
                .resolve_channel(given, resolved)
                .ok_or_else(|| bad("a channel id")),
            8 => self
                .resolve_role(given, resolved)
                .ok_or_else(|| bad("a role id")),
            _ => Err(format!(
                "option {name:?} has type {kind}, which the fake cannot fill"
            )),
        }
    }

    fn resolve_user(&self, given: &str, resolved: &mut Map<String, Value>) -> Option<Value> {
        let account = self.accounts.get(&given.parse().ok()?)?;
        let joined = payloads::snowflake_time(self.guild_id);
        let mut member = payloads::partial_member(account, joined);
        member["permissions"] = json!(MEMBER_PERMISSIONS);
        insert(resolved, "users", given, payloads::user(account));
        insert(resolved, "members", given, member);
        Some(json!(given))
    }

    fn resolve_channel(&self, given: &str, resolved: &mut Map<String, Value>) -> Option<Value> {
        let id: u64 = given.parse().ok()?;
        self.channels.iter().any(|c| c.id == id).then_some(())?;
        insert(resolved, "channels", given, self.partial_channel(id));
        Some(json!(given))
    }

    fn resolve_role(&self, given: &str, resolved: &mut Map<String, Value>) -> Option<Value> {
        let (index, role) = self
            .roles
            .iter()
            .enumerate()
            .find(|(_, r)| r.id.to_string() == given)?;
        insert(resolved, "roles", given, payloads::role(role, index));
        Some(json!(given))
    }

    /// A channel as an interaction carries it.
    fn partial_channel(&self, id: u64) -> Value {
        let def = self.channels.iter().find(|c| c.id == id);
        let name = def.map_or("unknown", |c| c.name.as_str());
        let kind = if def.is_some_and(|c| c.parent.is_some()) {
            11
        } else {
            0
        };
        json!({"id": id.to_string(), "name": name, "type": kind, "permissions": APP_PERMISSIONS})
    }

    /// Records an interaction and dispatches INTERACTION_CREATE.
    fn deliver(&mut self, user: u64, channel: u64, kind: u64, data: Value) -> u64 {
        let id = self.next_id();
        let token = format!("fake-interaction-token-{id}");
        let mut member =
            payloads::member(self.account(user), payloads::snowflake_time(self.guild_id));
        member["permissions"] = json!(MEMBER_PERMISSIONS);
        let payload = json!({
            "id": id.to_string(), "application_id": self.app_id.to_string(), "type": kind,
            "data": data, "guild_id": self.guild_id.to_string(),
            "channel_id": channel.to_string(), "channel": self.partial_channel(channel),
            "member": member, "token": token, "version": 1,
            "app_permissions": APP_PERMISSIONS, "locale": "en-US", "guild_locale": "en-US",
            "entitlements": [], "authorizing_integration_owners": {"0": self.guild_id.to_string()},
            "context": 0, "attachment_size_limit": self.attachment_size_limit,
        });
        let record = Interaction {
            id,
            token,
            user,
            channel,
            created: Instant::now(),
            callbacks: Vec::new(),
            deferred_ephemeral: None,
            original: None,
            followups: Vec::new(),
            modal: None,
            choices: None,
        };
        self.interactions.insert(id, record);
        self.dispatch("INTERACTION_CREATE", &payload);
        id
    }
}

/// The `data` of a command interaction, before its options.
fn command_data(command: &Value) -> Value {
    json!({"id": command["id"], "name": command["name"], "type": command["type"].as_u64().unwrap_or(1)})
}

fn is_group(def: &Value) -> bool {
    matches!(def["type"].as_u64(), Some(SUB_COMMAND | SUB_COMMAND_GROUP))
}

fn names(defs: &[Value]) -> String {
    let names: Vec<String> = defs.iter().map(|d| d["name"].to_string()).collect();
    names.join(", ")
}

/// The registered choice a user picked by name (or by value), as the
/// value Discord sends: poise registers enum choices as integer indexes.
fn choice(choices: &[Value], name: &str, given: &str) -> Result<Value, String> {
    let matches = |c: &&Value| {
        let by_name = c["name"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(given));
        let by_value = c["value"].as_str() == Some(given)
            || c["value"].as_i64().is_some_and(|n| n.to_string() == given);
        by_name || by_value
    };
    let found = choices.iter().find(matches).map(|c| c["value"].clone());
    found.ok_or_else(|| {
        format!(
            "{given:?} is not a choice of option {name:?}; the choices are {}",
            names_of(choices)
        )
    })
}

fn names_of(choices: &[Value]) -> String {
    let names: Vec<&str> = choices.iter().filter_map(|c| c["name"].as_str()).collect();
    names.join(", ")
}

fn insert(resolved: &mut Map<String, Value>, kind: &str, id: &str, value: Value) {
    let entry = resolved.entry(kind).or_insert_with(|| json!({}));
    entry[id] = value;
}

/// The custom ids of a modal's text inputs.
fn modal_inputs(modal: &Value) -> Vec<String> {
    let rows = modal["components"].as_array().cloned().unwrap_or_default();
    let inputs = rows
        .iter()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default());
    inputs
        .filter_map(|input| input["custom_id"].as_str().map(String::from))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use serenity::model::prelude::*;

    use super::*;
    use crate::fake_discord::body::Upload;
    use crate::fake_discord::messages::id_of;

    /// A state with `/phase set` (integer choices, as poise registers an
    /// enum), `/note` (a required string and a user) and a message menu.
    pub(crate) fn registered() -> (State, u64, u64) {
        let mut state = State::new("t");
        state.gateway.latest = Some("s".into());
        let alice = state.add_account("alice", false, vec![]);
        let choices = json!([{"name": "detect", "value": 0}, {"name": "mitigate", "value": 1}]);
        let phase = json!({"type": 4, "name": "phase", "description": "p", "required": true, "choices": choices});
        let set = json!({"type": 1, "name": "set", "description": "s", "options": [phase]});
        let text = json!({"type": 3, "name": "text", "description": "t", "required": true});
        let who = json!({"type": 6, "name": "who", "description": "w"});
        let commands = [
            json!({"name": "phase", "description": "x", "options": [set]}),
            json!({"name": "note", "description": "x", "options": [text, who]}),
            json!({"name": "Add to timeline", "type": 3}),
        ];
        for (i, command) in commands.into_iter().enumerate() {
            let app = state.app_id;
            state
                .global_commands
                .push(payloads::registered(command, 100 + i as u64, app, None));
        }
        let channel = state.channel_id("incident-bridge");
        (state, channel, alice)
    }

    /// The last dispatch, parsed by serenity as an interaction.
    pub(crate) fn delivered(state: &State) -> serenity::all::Interaction {
        let frame = state.gateway.sessions["s"].last().expect("a dispatch");
        match serde_json::from_str::<GatewayEvent>(frame) {
            Ok(GatewayEvent::Dispatch(_, Event::InteractionCreate(event))) => event.interaction,
            other => panic!("serenity refuses {frame}: {other:?}"),
        }
    }

    fn answer(content: &str, flags: u64) -> Upload {
        let payload = json!({"type": 4, "data": {"content": content, "flags": flags}});
        Upload {
            payload,
            files: Vec::new(),
        }
    }

    #[test]
    fn a_choice_is_sent_as_its_registered_index_under_its_subcommand() {
        let (mut state, channel, alice) = registered();
        state
            .slash(alice, channel, "/phase set", &[("phase", "Mitigate")])
            .unwrap();
        let command = delivered(&state).command().expect("a command interaction");
        let CommandDataOptionValue::SubCommand(options) = &command.data.options[0].value else {
            panic!("no subcommand in {:?}", command.data.options);
        };
        assert_eq!(options[0].value, CommandDataOptionValue::Integer(1));
        assert_eq!(command.member.expect("a guild member").user.id.get(), alice);
    }

    #[test]
    fn what_discords_client_would_not_send_is_refused_with_a_reason() {
        let (mut state, channel, alice) = registered();
        let cases = [
            ("phase set", vec![("phase", "resolve")], "not a choice"),
            ("phase", vec![], "needs a subcommand"),
            ("note", vec![("who", "1")], "required option"),
            ("note", vec![("text", "x"), ("who", "1")], "user id"),
            ("note", vec![("text", "x"), ("colour", "red")], "no option"),
            ("incident open", vec![], "no command"),
        ];
        for (path, options, expected) in cases {
            let err = state.slash(alice, channel, path, &options).unwrap_err();
            assert!(err.contains(expected), "{path}: {err}");
        }
    }

    #[test]
    fn a_user_option_is_resolved_and_a_menu_carries_its_message() {
        let (mut state, channel, alice) = registered();
        let given = alice.to_string();
        state
            .slash(
                alice,
                channel,
                "note",
                &[("text", "db up"), ("who", &given)],
            )
            .unwrap();
        let command = delivered(&state).command().unwrap();
        assert_eq!(
            command.data.resolved.users[&UserId::new(alice)].name,
            "alice"
        );
        let said = id_of(
            &state.create_message(
                channel,
                alice,
                crate::fake_discord::Draft::text("failover done"),
            )["id"],
        );
        state.menu(alice, channel, "Add to timeline", said).unwrap();
        let menu = delivered(&state).command().unwrap();
        assert_eq!(
            menu.data.resolved.messages[&MessageId::new(said)].content,
            "failover done"
        );
    }
}
