//! What each family of oktabulk's commands needs from the org, kept once: the standard admin
//! roles that may run it (an API token acts as its owner) and the OAuth 2.0 scopes a service
//! app must be granted. `doctor` reads it to say which commands the configured credentials can
//! run before any of them writes.
//!
//! The roles follow Okta's "Standard administrator roles and permissions" table
//! (help.okta.com, `administrators-admin-comparison`): super and org admins manage users, groups
//! and apps; a group admin (`USER_ADMIN`) creates, edits and runs the lifecycle of users but
//! does not manage group membership; a help desk admin only resets passwords and unlocks; a
//! group membership admin only adds and removes members; an app admin manages app
//! assignments; a read-only admin views. Okta also checks the targets of a group-narrowed role,
//! which only the run itself finds out.

/// A family of commands that need the same access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// The commands, as the admin types them.
    pub commands: &'static str,
    /// What the family does to the org.
    pub does: &'static str,
    /// The standard roles that may run it.
    pub roles: &'static [&'static str],
    /// The scopes a service app needs for it.
    pub scopes: &'static [&'static str],
    /// It writes to the org (a dry run of it only reads).
    pub writes: bool,
}

/// Every role that may at least read users, groups and the schema.
const READERS: &[&str] = &[
    "SUPER_ADMIN",
    "ORG_ADMIN",
    "USER_ADMIN",
    "HELP_DESK_ADMIN",
    "GROUP_MEMBERSHIP_ADMIN",
    "READ_ONLY_ADMIN",
];

/// oktabulk's commands by what they need, reads first.
pub const FAMILIES: &[Family] = &[
    Family {
        commands: "export, validate, --dry-run",
        does: "read users, groups and the schema",
        roles: READERS,
        scopes: &["okta.users.read", "okta.groups.read", "okta.schemas.read"],
        writes: false,
    },
    Family {
        commands: "users import, users update",
        does: "create and edit users",
        roles: &["SUPER_ADMIN", "ORG_ADMIN", "USER_ADMIN"],
        scopes: &["okta.users.manage", "okta.groups.read", "okta.schemas.read"],
        writes: true,
    },
    Family {
        commands: "users activate|reactivate|deactivate|suspend|unsuspend|delete",
        does: "change users' status",
        roles: &["SUPER_ADMIN", "ORG_ADMIN", "USER_ADMIN"],
        scopes: &["okta.users.manage"],
        writes: true,
    },
    Family {
        commands: "users unlock|expire-password",
        does: "unlock users and expire passwords",
        roles: &["SUPER_ADMIN", "ORG_ADMIN", "USER_ADMIN", "HELP_DESK_ADMIN"],
        scopes: &["okta.users.manage"],
        writes: true,
    },
    Family {
        commands: "groups add-members|remove-members, group columns of users import",
        does: "add users to groups and remove them",
        roles: &["SUPER_ADMIN", "ORG_ADMIN", "GROUP_MEMBERSHIP_ADMIN"],
        scopes: &["okta.groups.manage", "okta.users.read"],
        writes: true,
    },
    Family {
        commands: "groups import|sync, --create-missing-groups",
        does: "create groups and set their members",
        roles: &["SUPER_ADMIN", "ORG_ADMIN"],
        scopes: &["okta.groups.manage", "okta.users.read"],
        writes: true,
    },
    Family {
        commands: "apps assign|unassign",
        does: "assign users and groups to apps",
        roles: &["SUPER_ADMIN", "ORG_ADMIN", "APP_ADMIN"],
        scopes: &["okta.apps.manage", "okta.users.read", "okta.groups.read"],
        writes: true,
    },
];

impl Family {
    /// Whether any of `held` (role types) may run the family.
    pub fn allowed_by_roles<S: AsRef<str>>(&self, held: &[S]) -> bool {
        held.iter().any(|r| self.roles.contains(&r.as_ref()))
    }

    /// The scopes the family needs that `granted` lacks (an `okta.X.manage` scope covers
    /// `okta.X.read`, as Okta grants it).
    pub fn missing_scopes<S: AsRef<str>>(&self, granted: &[S]) -> Vec<&'static str> {
        let has = |scope: &str| {
            granted.iter().any(|g| {
                let g = g.as_ref();
                g == scope
                    || scope
                        .strip_suffix(".read")
                        .is_some_and(|stem| g == format!("{stem}.manage"))
            })
        };
        self.scopes.iter().copied().filter(|s| !has(s)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family(commands: &str) -> &'static Family {
        FAMILIES
            .iter()
            .find(|f| f.commands.starts_with(commands))
            .expect("a family")
    }

    /// The commands a family names, each spelled out (`users activate|reactivate` is two).
    fn named(family: &Family) -> Vec<String> {
        let mut out = Vec::new();
        for part in family.commands.split(", ") {
            let mut words: Vec<&str> = part.split(' ').collect();
            let Some(last) = words.pop() else { continue };
            for alternative in last.split('|') {
                let mut command = words.join(" ");
                if !command.is_empty() {
                    command.push(' ');
                }
                command.push_str(alternative);
                out.push(command);
            }
        }
        out
    }

    /// `doctor` checks what every bulk command needs: each is in exactly one family.
    #[test]
    fn every_bulk_command_has_its_family() {
        for (typed, _) in crate::commands::NAMES {
            let families = FAMILIES
                .iter()
                .filter(|f| named(f).iter().any(|c| c == typed))
                .count();
            assert_eq!(families, 1, "{typed}");
        }
    }

    #[test]
    fn a_read_only_admin_reads_and_writes_nothing() {
        let held = ["READ_ONLY_ADMIN"];
        let allowed: Vec<bool> = FAMILIES.iter().map(|f| f.allowed_by_roles(&held)).collect();
        assert_eq!(
            allowed,
            [true, false, false, false, false, false, false],
            "{FAMILIES:?}"
        );
    }

    #[test]
    fn narrow_roles_allow_their_own_family_only() {
        assert!(family("groups add-members").allowed_by_roles(&["GROUP_MEMBERSHIP_ADMIN"]));
        assert!(!family("users import").allowed_by_roles(&["GROUP_MEMBERSHIP_ADMIN"]));
        assert!(family("users unlock").allowed_by_roles(&["HELP_DESK_ADMIN"]));
        assert!(!family("users activate").allowed_by_roles(&["HELP_DESK_ADMIN"]));
        assert!(family("apps assign").allowed_by_roles(&["APP_ADMIN"]));
        assert!(!family("groups import").allowed_by_roles(&["USER_ADMIN"]));
        assert!(FAMILIES
            .iter()
            .all(|f| f.allowed_by_roles(&["SUPER_ADMIN"])));
    }

    #[test]
    fn a_manage_scope_covers_its_read_scope() {
        let import = family("users import");
        assert_eq!(
            import.missing_scopes(&["okta.users.manage", "okta.groups.manage"]),
            ["okta.schemas.read"]
        );
        assert_eq!(
            import.missing_scopes(&["okta.users.read", "okta.groups.read", "okta.schemas.read"]),
            ["okta.users.manage"],
            "a read scope does not cover manage"
        );
    }
}
