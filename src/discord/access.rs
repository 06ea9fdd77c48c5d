//! Who may do what, decided from role ids alone (SPEC: names are
//! refused, since anyone with Manage Roles can make a role of any name).

use crate::model::Person;
use crate::settings::DiscordSettings;

/// The configured responder and publisher roles, as numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    responders: Vec<u64>,
    publishers: Vec<u64>,
}

/// A role list entry that is not a role id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: \"{value}\" is not a role id: use the numeric id (names are refused)")]
pub struct BadRole {
    setting: &'static str,
    value: String,
}

impl Access {
    /// Reads the role lists of `settings`; a role name is an error.
    pub fn new(settings: &DiscordSettings) -> Result<Access, BadRole> {
        Ok(Access {
            responders: role_ids("discord.responder_roles", &settings.responder_roles)?,
            publishers: role_ids("discord.publisher_roles", &settings.publisher_roles)?,
        })
    }

    /// True when a member with `roles` may annotate: an empty responder
    /// list lets everyone in the channel.
    pub fn may_annotate(&self, roles: &[u64]) -> bool {
        self.responders.is_empty() || self.responders.iter().any(|r| roles.contains(r))
    }

    /// True when `who` (with `roles`) may publish or change the
    /// commander: the commander themselves, or a publisher.
    pub fn may_publish(&self, who: &Person, roles: &[u64], commander: Option<&Person>) -> bool {
        let is_commander = commander.is_some_and(|c| c.same_as(who));
        is_commander || self.publishers.iter().any(|r| roles.contains(r))
    }
}

fn role_ids(setting: &'static str, roles: &[String]) -> Result<Vec<u64>, BadRole> {
    roles
        .iter()
        .map(|role| {
            role.trim().parse::<u64>().map_err(|_| BadRole {
                setting,
                value: role.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Snowflake;

    fn access(responders: &[&str], publishers: &[&str]) -> Result<Access, BadRole> {
        let settings = DiscordSettings {
            responder_roles: responders.iter().map(|r| r.to_string()).collect(),
            publisher_roles: publishers.iter().map(|r| r.to_string()).collect(),
            ..DiscordSettings::default()
        };
        Access::new(&settings)
    }

    fn person(id: u64) -> Person {
        Person {
            name: format!("user {id}"),
            id: Some(Snowflake(id)),
        }
    }

    #[test]
    fn an_empty_responder_list_lets_everyone_annotate() {
        let open = access(&[], &[]).unwrap();
        assert!(open.may_annotate(&[]));
        assert!(open.may_annotate(&[42]));
    }

    #[test]
    fn responders_need_one_of_the_roles() {
        let roles = access(&["700", "701"], &[]).unwrap();
        assert!(roles.may_annotate(&[5, 701]));
        assert!(!roles.may_annotate(&[5, 6]));
        assert!(!roles.may_annotate(&[]));
    }

    #[test]
    fn publishing_takes_the_commander_or_a_publisher_role() {
        let roles = access(&["700"], &["800"]).unwrap();
        let commander = person(1);
        assert!(roles.may_publish(&person(1), &[], Some(&commander)));
        assert!(roles.may_publish(&person(2), &[800], Some(&commander)));
        assert!(!roles.may_publish(&person(2), &[700], Some(&commander)));
        assert!(!roles.may_publish(&person(2), &[700], None));
    }

    #[test]
    fn role_names_are_refused_with_the_setting_named() {
        let err = access(&["700", "Incident Responders"], &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "discord.responder_roles: \"Incident Responders\" is not a role id: \
             use the numeric id (names are refused)"
        );
        assert!(access(&[], &["ops"]).is_err());
    }
}
