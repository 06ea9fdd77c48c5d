//! Slash command payloads as the annotation language reads them: the
//! command path and every option as `(name, text)`, so the three
//! spellings share one parser.

use serenity::all::{CommandData, CommandDataOption, CommandDataOptionValue};

/// A slash command as text: its path and options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The words as registered (`["impact", "card", "add"]`).
    pub path: Vec<String>,
    /// Every option given, as text.
    pub options: Vec<(String, String)>,
    /// The option being typed, for an autocomplete request.
    pub focused: Option<(String, String)>,
}

impl Invocation {
    /// Reads a command's data, descending through subcommands.
    pub fn read(data: &CommandData) -> Invocation {
        let mut invocation = Invocation {
            path: vec![data.name.clone()],
            options: Vec::new(),
            focused: None,
        };
        invocation.take(&data.options);
        invocation
    }

    fn take(&mut self, options: &[CommandDataOption]) {
        for option in options {
            match &option.value {
                CommandDataOptionValue::SubCommand(inner)
                | CommandDataOptionValue::SubCommandGroup(inner) => {
                    self.path.push(option.name.clone());
                    self.take(inner);
                }
                CommandDataOptionValue::Autocomplete { value, .. } => {
                    self.focused = Some((option.name.clone(), value.clone()));
                }
                value => {
                    if let Some(text) = as_text(value) {
                        self.options.push((option.name.clone(), text));
                    }
                }
            }
        }
    }

    /// The value of option `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An option value as the typed spelling would write it.
fn as_text(value: &CommandDataOptionValue) -> Option<String> {
    Some(match value {
        CommandDataOptionValue::String(s) => s.clone(),
        CommandDataOptionValue::Integer(n) => n.to_string(),
        CommandDataOptionValue::Number(n) => n.to_string(),
        CommandDataOptionValue::Boolean(b) => if *b { "yes" } else { "no" }.to_string(),
        CommandDataOptionValue::User(id) => format!("<@{id}>"),
        _ => return None,
    })
}

/// The user ids mentioned as `<@123>` or `<@!123>` in `text`.
pub fn mentioned_ids(text: &str) -> Vec<u64> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<@") {
        rest = &rest[start + 2..];
        let digits = rest.strip_prefix('!').unwrap_or(rest);
        let end = digits.find('>').unwrap_or(0);
        if let Ok(id) = digits[..end].parse::<u64>()
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(json: serde_json::Value) -> CommandData {
        serde_json::from_value(json).expect("command data")
    }

    #[test]
    fn subcommand_groups_give_the_whole_path() {
        let data = data(serde_json::json!({
            "id": "100", "name": "impact", "type": 1,
            "options": [{"name": "card", "type": 2, "options": [
                {"name": "add", "type": 1, "options": [
                    {"name": "label", "type": 3, "value": "Duplicate drafts"},
                    {"name": "value", "type": 3, "value": "1,842"}
                ]}
            ]}]
        }));
        let invocation = Invocation::read(&data);
        assert_eq!(invocation.path, ["impact", "card", "add"]);
        assert_eq!(invocation.get("value"), Some("1,842"));
        assert_eq!(invocation.focused, None);
    }

    #[test]
    fn numbers_and_choices_arrive_as_text() {
        let data = data(serde_json::json!({
            "id": "100", "name": "action", "type": 1,
            "options": [{"name": "done", "type": 1, "options": [
                {"name": "n", "type": 4, "value": 3}
            ]}]
        }));
        assert_eq!(
            Invocation::read(&data).options,
            [("n".to_string(), "3".to_string())]
        );
        let phase = data_phase("mitigate");
        assert_eq!(Invocation::read(&phase).get("phase"), Some("mitigate"));
    }

    fn data_phase(word: &str) -> CommandData {
        data(serde_json::json!({
            "id": "101", "name": "phase", "type": 1,
            "options": [{"name": "phase", "type": 3, "value": word}]
        }))
    }

    #[test]
    fn the_focused_option_is_kept_apart() {
        let data = data(serde_json::json!({
            "id": "100", "name": "action", "type": 1,
            "options": [{"name": "done", "type": 1, "options": [
                {"name": "n", "type": 4, "value": "1", "focused": true}
            ]}]
        }));
        let invocation = Invocation::read(&data);
        assert_eq!(invocation.focused, Some(("n".into(), "1".into())));
        assert!(invocation.options.is_empty());
    }

    #[test]
    fn mentions_are_found_in_any_spelling() {
        assert_eq!(mentioned_ids("<@123> and <@!456>, <@123>"), [123, 456]);
        assert!(mentioned_ids("M. Tanaka <@nobody> <@").is_empty());
    }
}
