//! The slash commands and message menus Scribe registers, one file per
//! command group. Each entry maps a Discord command path to the core
//! command it spells, so every option still goes through
//! [`crate::annotate::parse_options`]; nothing here validates values.
//!
//! Discord cannot give a command both options and subcommands, so
//! `/event` is registered as `/event add` and `/impact card` as
//! `/impact card add`; the confirmation still shows the typed spelling.

mod action;
mod analysis;
mod impact;
mod incident;
mod menus;
mod postmortem;
mod timeline;

use serenity::all::{CommandOptionType, CommandType, CreateCommand, CreateCommandOption};

pub use menus::{LOG_EXCERPT, TIMELINE};

/// How an option is offered in Discord.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// One line of text.
    Line,
    /// Text that may run to paragraphs.
    Paragraph,
    /// A time, as the annotation language reads it.
    Time,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A person: a name or a mention.
    Person,
    /// An item number, with autocomplete from the incident.
    Number,
    /// A severity from config, by autocomplete.
    Severity,
    /// One word of a closed list, offered as string choices (so the
    /// value arrives as the word, never as an index).
    Choice(&'static [&'static str]),
}

/// One option of a slash command.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// The option's name, as the typed spelling writes it.
    pub name: &'static str,
    /// Discord's one-line description.
    pub about: &'static str,
    /// How Discord offers it.
    pub field: Field,
    /// Whether the core command requires it.
    pub required: bool,
}

/// One slash command (a leaf: command, subcommand or grouped one).
#[derive(Debug)]
pub struct Slash {
    /// The words as registered in Discord.
    pub path: &'static [&'static str],
    /// The words of the annotation language.
    pub core: &'static [&'static str],
    /// Discord's one-line description.
    pub about: &'static str,
    /// Its options, in the core command's order.
    pub params: &'static [Param],
    /// A paragraph option that opens a form when given without a value.
    pub form: Option<&'static str>,
}

/// A required option.
pub(crate) const fn req(name: &'static str, field: Field, about: &'static str) -> Param {
    Param {
        name,
        about,
        field,
        required: true,
    }
}

/// An optional option.
pub(crate) const fn opt(name: &'static str, field: Field, about: &'static str) -> Param {
    Param {
        required: false,
        ..req(name, field, about)
    }
}

/// The options of a command that takes only an item number.
pub(crate) const N: &[Param] = &[req("n", Field::Number, "the item number")];

/// Every slash command, group by group.
pub fn all() -> impl Iterator<Item = &'static Slash> {
    [
        incident::SLASH,
        timeline::SLASH,
        impact::SLASH,
        action::SLASH,
        analysis::SLASH,
        postmortem::SLASH,
    ]
    .into_iter()
    .flatten()
}

/// The command registered under `path`, if Scribe has one.
pub fn find(path: &[String]) -> Option<&'static Slash> {
    all().find(|s| s.path.iter().copied().eq(path.iter().map(String::as_str)))
}

/// The definitions to register: one per top-level word, with its
/// subcommands and groups nested, then the two message menus.
pub fn definitions() -> Vec<CreateCommand> {
    let mut tops: Vec<&'static str> = Vec::new();
    for slash in all() {
        if !tops.contains(&slash.path[0]) {
            tops.push(slash.path[0]);
        }
    }
    let mut defs: Vec<CreateCommand> = tops.into_iter().map(top_level).collect();
    defs.extend(menus::definitions());
    defs
}

/// A top-level command; no `default_member_permissions`, so a server
/// admin can narrow it in Discord's own settings.
fn top_level(word: &'static str) -> CreateCommand {
    let leaves: Vec<&Slash> = all().filter(|s| s.path[0] == word).collect();
    let about = group_about(word, &leaves);
    let command = CreateCommand::new(word)
        .kind(CommandType::ChatInput)
        .description(about);
    match leaves.as_slice() {
        [only] if only.path.len() == 1 => command.set_options(params(only)),
        _ => command.set_options(nested(&leaves, 1)),
    }
}

fn group_about(word: &str, leaves: &[&Slash]) -> String {
    match leaves {
        [only] if only.path.len() == 1 => only.about.to_string(),
        _ => format!("Incident {word} commands"),
    }
}

/// The subcommands and subcommand groups of `leaves` below `depth`.
fn nested(leaves: &[&Slash], depth: usize) -> Vec<CreateCommandOption> {
    let mut words: Vec<&'static str> = Vec::new();
    for slash in leaves {
        if !words.contains(&slash.path[depth]) {
            words.push(slash.path[depth]);
        }
    }
    words
        .into_iter()
        .map(|word| {
            let under: Vec<&Slash> = leaves
                .iter()
                .copied()
                .filter(|s| s.path[depth] == word)
                .collect();
            sub_option(word, &under, depth)
        })
        .collect()
}

fn sub_option(word: &'static str, under: &[&Slash], depth: usize) -> CreateCommandOption {
    match under {
        [leaf] if leaf.path.len() == depth + 1 => {
            let option = CreateCommandOption::new(CommandOptionType::SubCommand, word, leaf.about);
            params(leaf)
                .into_iter()
                .fold(option, |o, p| o.add_sub_option(p))
        }
        _ => {
            let about = format!("{word} commands");
            let group = CreateCommandOption::new(CommandOptionType::SubCommandGroup, word, about);
            nested(under, depth + 1)
                .into_iter()
                .fold(group, |g, o| g.add_sub_option(o))
        }
    }
}

/// The options of one leaf, required ones first as Discord demands.
fn params(slash: &Slash) -> Vec<CreateCommandOption> {
    let mut list: Vec<&Param> = slash.params.iter().collect();
    list.sort_by_key(|p| !p.required);
    list.into_iter()
        .map(|p| param(p, slash.form == Some(p.name)))
        .collect()
}

/// One option. A paragraph that has a form is never required in
/// Discord: leaving it out opens the form.
fn param(p: &Param, has_form: bool) -> CreateCommandOption {
    let kind = match p.field {
        Field::Number => CommandOptionType::Integer,
        _ => CommandOptionType::String,
    };
    let option = CreateCommandOption::new(kind, p.name, p.about).required(p.required && !has_form);
    match p.field {
        Field::Number => option.min_int_value(1).set_autocomplete(true),
        Field::Severity => option.set_autocomplete(true),
        Field::Choice(words) => words
            .iter()
            .fold(option, |o, w| o.add_string_choice(*w, *w)),
        Field::Paragraph => option.max_length(4000),
        _ => option,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn every_slash_command_spells_a_core_command() {
        let ctx_severities = ["SEV-1".to_string()];
        let ctx = crate::annotate::Context {
            tz: chrono_tz::UTC,
            clock: crate::annotate::Clock::Chat {
                now: chrono::Utc::now(),
            },
            severities: &ctx_severities,
            mentions: &[],
        };
        for slash in all() {
            let err = crate::annotate::parse_options(slash.core, &[], &ctx).err();
            let unknown = err.is_some_and(|e| e.0.contains("is not a Scribe command"));
            assert!(!unknown, "{:?} names no core command", slash.core);
        }
    }

    #[test]
    fn paths_are_unique_and_found() {
        let mut seen = Vec::new();
        for slash in all() {
            assert!(!seen.contains(&slash.path), "{:?} twice", slash.path);
            seen.push(slash.path);
        }
        let found = find(&path(&["impact", "card", "add"])).expect("card add");
        assert_eq!(found.core, ["impact", "card"]);
        assert!(find(&path(&["impact", "card"])).is_none());
        assert!(find(&path(&["phase", "mitigate"])).is_none());
    }

    #[test]
    fn discord_limits_hold() {
        let name_ok = |n: &str| {
            (1..=32).contains(&n.len())
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        };
        for slash in all() {
            assert!(slash.path.iter().all(|w| name_ok(w)), "{:?}", slash.path);
            assert!((1..=100).contains(&slash.about.len()), "{:?}", slash.path);
            assert!(slash.params.len() <= 25);
            for p in slash.params {
                assert!(name_ok(p.name), "{}", p.name);
                assert!((1..=100).contains(&p.about.len()), "{}", p.name);
            }
        }
    }

    #[test]
    fn definitions_group_subcommands_under_one_word() {
        let defs = definitions();
        let json = serde_json::to_value(&defs).unwrap();
        let names: Vec<&str> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.iter().filter(|n| **n == "action").count(), 1);
        assert!(names.contains(&"Add to timeline"));
        let impact = json
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "impact")
            .unwrap();
        let card = impact["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "card")
            .unwrap();
        assert_eq!(card["type"], 2, "card is a subcommand group");
        assert!(json.as_array().unwrap().iter().all(|d| {
            d.get("default_member_permissions")
                .is_none_or(|p| p.is_null())
        }));
    }

    #[test]
    fn choices_are_words_and_forms_are_optional() {
        let defs = serde_json::to_value(definitions()).unwrap();
        let phase = defs
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "phase")
            .unwrap();
        let choices = &phase["options"][0]["choices"];
        assert_eq!(choices[2]["value"], "mitigate");
        let root = defs
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "rootcause")
            .unwrap();
        assert_eq!(root["options"][0]["required"], false);
    }
}
