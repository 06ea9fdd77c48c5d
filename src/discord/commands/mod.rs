//! The slash commands and message menus Scribe registers, declared with
//! poise, one file per command group. A command only names its options:
//! it hands them, as the text the typed spelling would write, to
//! `interactions::answer`, which reads them with
//! [`crate::annotate::parse_options`]. Nothing here checks a value, so a
//! slash command, a typed one and a notes line share one validator.
//!
//! Discord cannot give a command both options and subcommands, so
//! `/event` is registered as `/event add` and `/impact card` as
//! `/impact card add`; [`core_of`] maps them back, and the confirmation
//! shows the typed spelling. A group sent without its subcommand is
//! answered too (see `group`).

mod action;
mod analysis;
mod choices;
mod impact;
mod incident;
mod menus;
mod postmortem;
mod timeline;

use std::sync::Arc;

use serenity::all::{CreateCommand, ResolvedValue};

use super::bot::Bot;

/// What poise hands a slash command or menu of Scribe's.
pub type Ctx<'a> = poise::ApplicationContext<'a, Arc<Bot>, anyhow::Error>;

/// One registered command, as poise holds it.
pub type Command = poise::Command<Arc<Bot>, anyhow::Error>;

/// What a command returns to poise. Scribe's commands answer their own
/// faults (only they know whether they deferred) and return `Ok`.
type Outcome = Result<(), anyhow::Error>;

/// Every command Scribe registers: the slash commands, then the two
/// message menus.
pub fn all() -> Vec<Command> {
    vec![
        incident::incident(),
        timeline::phase(),
        timeline::event(),
        timeline::mark(),
        impact::impact(),
        action::action(),
        analysis::why(),
        analysis::rootcause(),
        analysis::control(),
        analysis::link(),
        postmortem::postmortem(),
        menus::add_to_timeline(),
        menus::add_as_log_excerpt(),
    ]
}

/// What Discord is sent to register [`all`]. No command sets
/// `default_member_permissions`, so a server admin can narrow any of
/// them in Discord's own settings.
pub fn definitions() -> Vec<CreateCommand> {
    poise::builtins::create_application_commands(&all())
}

/// The words of the annotation language for a registered command path.
pub fn core_of<'a>(path: &[&'a str]) -> Vec<&'a str> {
    match path {
        ["event", "add"] => vec!["event"],
        ["impact", "card", "add"] => vec!["impact", "card"],
        _ => path.to_vec(),
    }
}

/// Paragraph options that open a form when their command is given with
/// no option at all: the command path and the option.
pub const FORMS: &[(&str, &str)] = &[
    ("impact customers", "text"),
    ("rootcause", "text"),
    ("incident set", "summary"),
];

/// The option a command's form asks for, if it has one.
pub fn form_of(path: &str) -> Option<&'static str> {
    FORMS.iter().find(|(p, _)| *p == path).map(|(_, f)| *f)
}

/// An option's value as the typed spelling would write it; `None` when
/// the option was left out.
pub trait Text {
    /// The text, if given.
    fn text(self) -> Option<String>;
}

impl Text for String {
    fn text(self) -> Option<String> {
        Some(self)
    }
}

impl Text for i64 {
    fn text(self) -> Option<String> {
        Some(self.to_string())
    }
}

impl<T: Text> Text for Option<T> {
    fn text(self) -> Option<String> {
        self.and_then(Text::text)
    }
}

/// The options a command was given, by name, as text.
macro_rules! given {
    ($($name:literal => $value:expr),* $(,)?) => {
        vec![$(($name, $crate::discord::commands::Text::text($value))),*]
    };
}
use given;

/// Declares a subcommand whose only option is an item number, offered
/// with autocomplete from the incident: `numbered!(fn_name, "word",
/// "what it does", "what the number names")`.
macro_rules! numbered {
    ($function:ident, $word:tt, $about:tt, $number:tt) => {
        #[doc = $about]
        #[poise::command(slash_command, rename = $word)]
        async fn $function(
            ctx: $crate::discord::commands::Ctx<'_>,
            #[description = $number]
            #[min = 1]
            #[autocomplete = "crate::discord::queries::item_numbers"]
            n: i64,
        ) -> $crate::discord::commands::Outcome {
            $crate::discord::commands::answer(ctx, given!["n" => n]).await
        }
    };
}
use numbered;

/// Hands the options given to the command being run to the one path
/// every slash command takes.
async fn answer(ctx: Ctx<'_>, options: Vec<(&str, Option<String>)>) -> Outcome {
    let given = options
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_string(), value?)))
        .collect();
    super::interactions::answer(ctx, given).await;
    Ok(())
}

/// A command group sent without its subcommand, which Discord's client
/// never does but a hand-built payload may: its options, if any, go to
/// the parser as they came, so SPEC's `/event text:…` is read as
/// `/event add` and a bare `/action` is told its subcommands.
async fn group(ctx: Ctx<'_>) -> Outcome {
    let given = ctx
        .args
        .iter()
        .filter_map(|o| Some((o.name.to_string(), text_of(&o.value)?)))
        .collect();
    super::interactions::answer(ctx, given).await;
    Ok(())
}

/// An option's value as the typed spelling would write it.
fn text_of(value: &ResolvedValue<'_>) -> Option<String> {
    Some(match value {
        ResolvedValue::String(s) => s.to_string(),
        ResolvedValue::Integer(n) => n.to_string(),
        ResolvedValue::Number(n) => n.to_string(),
        ResolvedValue::Boolean(b) => if *b { "yes" } else { "no" }.to_string(),
        ResolvedValue::User(user, _) => format!("<@{}>", user.id),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every leaf command: its registered path and option names.
    fn leaves(commands: &[Command], parents: &[&str]) -> Vec<(Vec<String>, Vec<String>)> {
        let mut found = Vec::new();
        for command in commands.iter().filter(|c| c.slash_action.is_some()) {
            let mut path: Vec<String> = parents.iter().map(|p| p.to_string()).collect();
            path.push(command.name.to_string());
            if command.subcommands.is_empty() {
                let names = command.parameters.iter().map(|p| p.name.to_string());
                found.push((path, names.collect()));
                continue;
            }
            let words: Vec<&str> = path.iter().map(String::as_str).collect();
            found.extend(leaves(&command.subcommands, &words));
        }
        found
    }

    fn registered() -> Vec<Vec<String>> {
        leaves(&all(), &[]).into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn every_slash_command_and_option_is_one_of_the_core() {
        let severities = ["SEV-1".to_string()];
        let ctx = crate::annotate::Context {
            tz: chrono_tz::UTC,
            clock: crate::annotate::Clock::Chat {
                now: chrono::Utc::now(),
            },
            severities: &severities,
            mentions: &[],
        };
        let found = leaves(&all(), &[]);
        assert_eq!(found.len(), 30, "{found:?}");
        for (path, names) in found {
            let words: Vec<&str> = path.iter().map(String::as_str).collect();
            let core = core_of(&words);
            let err = crate::annotate::parse_options(&core, &[], &ctx).err();
            let unknown = err.is_some_and(|e| e.0.contains("is not a Scribe command"));
            assert!(!unknown, "{core:?} names no core command");
            for name in names {
                let given = [(name.clone(), "x".to_string())];
                let err = crate::annotate::parse_options(&core, &given, &ctx).err();
                let foreign = err.is_some_and(|e| e.0.contains("has no option"));
                assert!(!foreign, "{core:?} has no option {name:?}");
            }
        }
    }

    #[test]
    fn forms_belong_to_registered_commands() {
        let paths: Vec<String> = registered().iter().map(|p| p.join(" ")).collect();
        for (path, _) in FORMS {
            assert!(paths.iter().any(|p| p == path), "{path}");
        }
        assert_eq!(form_of("rootcause"), Some("text"));
        assert_eq!(form_of("phase"), None);
    }

    #[test]
    fn discord_limits_hold() {
        let name_ok = |n: &str| {
            (1..=32).contains(&n.len())
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        };
        let defs = serde_json::to_value(definitions()).unwrap();
        // A slash command leaves its type out (1); the menus say 3.
        let mut pending: Vec<&serde_json::Value> = defs
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["type"].as_u64().unwrap_or(1) == 1)
            .collect();
        let mut walked = 0;
        while let Some(def) = pending.pop() {
            walked += 1;
            let name = def["name"].as_str().unwrap();
            assert!(name_ok(name), "{name}");
            let about = def["description"].as_str().unwrap_or_default();
            assert!((1..=100).contains(&about.len()), "{name}: {about:?}");
            let inner = def["options"].as_array().cloned().unwrap_or_default();
            assert!(inner.len() <= 25, "{name}");
            let required: Vec<bool> = inner.iter().map(|o| o["required"] == true).collect();
            assert!(
                required.is_sorted_by(|a, b| a >= b),
                "{name}: required first"
            );
            pending.extend(def["options"].as_array().into_iter().flatten());
        }
        assert!(walked >= 90, "only {walked} commands and options walked");
    }

    #[test]
    fn definitions_group_subcommands_under_one_word() {
        let json = serde_json::to_value(definitions()).unwrap();
        let defs = json.as_array().unwrap();
        let names: Vec<&str> = defs.iter().map(|d| d["name"].as_str().unwrap()).collect();
        assert_eq!(names.iter().filter(|n| **n == "action").count(), 1);
        assert!(names.contains(&"Add to timeline"));
        let impact = defs.iter().find(|d| d["name"] == "impact").unwrap();
        let options = impact["options"].as_array().unwrap();
        let card = options.iter().find(|o| o["name"] == "card").unwrap();
        assert_eq!(card["type"], 2, "card is a subcommand group");
        let permissions = |d: &&serde_json::Value| {
            d.get("default_member_permissions")
                .is_none_or(|p| p.is_null())
        };
        assert!(defs.iter().all(|d| permissions(&d)));
    }

    #[test]
    fn choices_name_words_and_forms_are_optional() {
        let json = serde_json::to_value(definitions()).unwrap();
        let defs = json.as_array().unwrap();
        let phase = defs.iter().find(|d| d["name"] == "phase").unwrap();
        let choice = &phase["options"][0]["choices"][2];
        assert_eq!(choice["name"], "mitigate");
        assert_eq!(choice["value"], "mitigate", "the word, never an index");
        let root = defs.iter().find(|d| d["name"] == "rootcause").unwrap();
        assert_eq!(root["options"][0]["required"], false);
        assert_eq!(root["options"][0]["max_length"], 4000);
    }

    #[test]
    fn numbers_are_integers_with_suggestions() {
        let json = serde_json::to_value(definitions()).unwrap();
        let action = json
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "action")
            .unwrap();
        let done = &action["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "done")
            .unwrap()["options"][0];
        assert_eq!(done["type"], 4);
        assert_eq!(done["autocomplete"], true);
        assert_eq!(done["min_value"], 1.0);
    }

    #[test]
    fn the_core_words_of_renamed_commands() {
        assert_eq!(core_of(&["event", "add"]), ["event"]);
        assert_eq!(core_of(&["impact", "card", "add"]), ["impact", "card"]);
        assert_eq!(
            core_of(&["impact", "card", "remove"]),
            ["impact", "card", "remove"]
        );
        assert_eq!(core_of(&["phase"]), ["phase"]);
    }
}
