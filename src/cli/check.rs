//! `scribe check`: one line per problem with configuration, token and
//! store; silent success is "ok" lines.

use crate::settings::Settings;

pub(super) fn run(settings: &Settings) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    if let Err(e) = settings.validate() {
        problems.push(e.to_string());
    }
    if let Err(e) = settings.token(std::env::var("DISCORD_TOKEN").ok()) {
        problems.push(e.to_string());
    }
    if let Some(base) = &settings.discord.api_base
        && !(base.starts_with("http://") || base.starts_with("https://"))
    {
        problems.push(format!(
            "discord.api_base \"{base}\" is not an http:// or https:// address"
        ));
    }
    for (name, roles) in [
        ("discord.responder_roles", &settings.discord.responder_roles),
        ("discord.publisher_roles", &settings.discord.publisher_roles),
    ] {
        for role in roles.iter().filter(|r| r.parse::<u64>().is_err()) {
            problems.push(format!(
                "{name}: \"{role}\" is not a role id: use the numeric id (names are refused)"
            ));
        }
    }
    match super::open_store(settings, "scribe check") {
        Ok(store) => println!("ok: store {}", store.path().display()),
        Err(e) => problems.push(format!("store: {e:#}")),
    }
    for problem in &problems {
        println!("problem: {problem}");
    }
    match problems.len() {
        0 => Ok(()),
        n => anyhow::bail!("{n} problem(s) found"),
    }
}
