//! Which command a file is for, and that command's row checker, built in one place for the
//! command itself and for `oktabulk validate`. `validate` without `--for` tells the kind from
//! the file's header and says which it assumed.

use crate::input::keyed::{AppAssignments, AppDirectory, Groups, Memberships, UserKeys};
use crate::input::{GroupDirectory, Mode, RowChecker, UserChecker};
use okta_model::schema::UserSchema;

/// The kinds of file oktabulk's bulk commands read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `users import`: a user's profile (login, email, firstName, lastName...), credentials
    /// and groups per row.
    UsersImport,
    /// `users update`: rows keyed by id or login, with the attributes to change.
    UsersUpdate,
    /// The lifecycle commands (`users activate` ... `users delete`): rows naming users by id or
    /// login; other columns are ignored.
    UserList,
    /// `groups import`: a group's name and description per row.
    GroupsImport,
    /// `groups add-members` and `groups remove-members`: a group and a user per row.
    Memberships,
    /// `apps assign`: an app and a user (with its app username, password, profile) or a group
    /// (with its priority) per row.
    AppAssign,
    /// `apps unassign`: an app and a user or a group per row.
    AppUnassign,
}

/// What a command's checker needs besides the kind: the org's schema and groups, and options.
#[derive(Debug, Clone)]
pub struct CheckerInputs {
    pub schema: UserSchema,
    pub groups: GroupDirectory,
    pub ignore_unknown: bool,
    /// `users import --create-missing-groups`: group names the org lacks are not problems.
    pub create_missing_groups: bool,
    /// `users update --replace` and `--set-passwords`.
    pub replace: bool,
    pub set_passwords: bool,
    /// The org's apps, for the app assignment commands.
    pub apps: AppDirectory,
}

impl FileKind {
    /// The command that reads it, as `validate` names it.
    pub fn command(self) -> &'static str {
        match self {
            FileKind::UsersImport => "users import",
            FileKind::UsersUpdate => "users update",
            FileKind::UserList => "users activate|deactivate|suspend|...|delete",
            FileKind::GroupsImport => "groups import",
            FileKind::Memberships => "groups add-members|remove-members",
            FileKind::AppAssign => "apps assign",
            FileKind::AppUnassign => "apps unassign",
        }
    }

    /// The kind a header most likely belongs to, and why, as `validate` says it: columns of a
    /// new user's profile or credentials (email, firstName, lastName, a password) and no id are
    /// an import, even when one a create requires is missing (the import's checker then names
    /// it), never an update that would pass; a group and a user column are memberships; a name
    /// column without a login is groups; a login or id with other columns an update; a login
    /// or id alone, a list of users.
    pub fn detect(header: &[String]) -> (FileKind, String) {
        let named = |names: &[&str]| {
            header.iter().find_map(|h| {
                let h = h.trim().trim_start_matches('\u{feff}');
                names.iter().any(|n| h.eq_ignore_ascii_case(n)).then_some(h)
            })
        };
        let has = |names: &[&str]| named(names).is_some();
        let keys = ["id", "userId", "login", "profile.login"];
        let required = [
            ["login", "profile.login"],
            ["email", "profile.email"],
            ["firstName", "profile.firstName"],
            ["lastName", "profile.lastName"],
        ];
        let credentials = ["password", "hashValue", "passwordHook", "recoveryQuestion"];
        let has_id = has(&["id", "userId"]);
        let present: Vec<&str> = required[1..].iter().filter_map(|n| named(n)).collect();
        let missing: Vec<&str> = required
            .iter()
            .filter(|names| !has(&names[..]))
            .map(|names| names[0])
            .collect();
        if !has_id && missing.is_empty() {
            return (
                FileKind::UsersImport,
                "it has login, email, firstName and lastName and no id".to_owned(),
            );
        }
        let credential = named(&credentials);
        if !has_id && (present.len() >= 2 || credential.is_some()) {
            let mut seen: Vec<&str> = present;
            seen.extend(credential);
            return (
                FileKind::UsersImport,
                format!(
                    "it has {} and no id, as a file of new users has; users import requires {} too",
                    and_list(&seen),
                    and_list(&missing)
                ),
            );
        }
        if let Some(app) = named(&["app", "appId", "appLabel"]) {
            return (FileKind::AppAssign, format!("it has an {app} column"));
        }
        let user = named(&["user", "userId", "login", "id"]);
        if let (Some(group), Some(user)) = (named(&["group", "groupId", "groupName"]), user) {
            return (
                FileKind::Memberships,
                format!("it has a {group} and a {user} column"),
            );
        }
        if has(&["name", "profile.name"]) && !has(&keys) {
            return (
                FileKind::GroupsImport,
                "it has a name column and no user column".to_owned(),
            );
        }
        let others: Vec<&str> = header
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}'))
            .filter(|h| !h.is_empty() && !keys.iter().any(|k| h.eq_ignore_ascii_case(k)))
            .collect();
        let key = named(&keys).map_or("no column (it lacks login and id)".to_owned(), |k| {
            format!("its {k} column")
        });
        if others.is_empty() {
            (
                FileKind::UserList,
                format!("it names users by {key} and nothing else"),
            )
        } else {
            (
                FileKind::UsersUpdate,
                format!("it names users by {key} and has other columns to change"),
            )
        }
    }

    /// The command's row checker, as the preflight and `validate --for` run it.
    pub fn checker(self, inputs: CheckerInputs) -> Box<dyn RowChecker> {
        let user = |mode| {
            Box::new(UserChecker::new(
                mode,
                inputs.schema.clone(),
                inputs.groups.clone(),
                inputs.ignore_unknown,
                inputs.create_missing_groups,
            ))
        };
        match self {
            FileKind::UsersImport => user(Mode::Create),
            FileKind::UsersUpdate => user(Mode::Update {
                replace: inputs.replace,
                set_passwords: inputs.set_passwords,
            }),
            FileKind::UserList => Box::new(UserKeys::new()),
            FileKind::GroupsImport => Box::new(Groups::new()),
            FileKind::Memberships => Box::new(Memberships::new(inputs.groups)),
            FileKind::AppAssign | FileKind::AppUnassign => Box::new(AppAssignments::new(
                inputs.apps,
                inputs.groups,
                self == FileKind::AppAssign,
                inputs.ignore_unknown,
            )),
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::FileKind;

    fn kind(header: &str) -> FileKind {
        let names: Vec<String> = header.split(',').map(str::to_owned).collect();
        FileKind::detect(&names).0
    }

    #[test]
    fn a_header_tells_the_command_it_is_for() {
        assert_eq!(
            kind("login,email,firstName,lastName,password,groupId"),
            FileKind::UsersImport
        );
        assert_eq!(
            kind("\u{feff}Login,Email,FirstName,LastName"),
            FileKind::UsersImport
        );
        assert_eq!(kind("login,department,manager"), FileKind::UsersUpdate);
        assert_eq!(
            kind("id,status,login,email,firstName,lastName"),
            FileKind::UsersUpdate,
            "an export names users by id: an update"
        );
        assert_eq!(kind("login"), FileKind::UserList);
        assert_eq!(kind(" id , login "), FileKind::UserList);
        assert_eq!(kind("name,description"), FileKind::GroupsImport);
        assert_eq!(kind("group,user"), FileKind::Memberships);
        assert_eq!(kind("groupName,login"), FileKind::Memberships);
        assert_eq!(
            kind("app,user,group,userName,priority"),
            FileKind::AppAssign
        );
    }

    /// A file of new users that lacks a column a create requires is an import (whose checker
    /// names the column), not an update that would pass.
    #[test]
    fn a_new_users_file_missing_a_required_column_is_an_import() {
        let (found, why) = FileKind::detect(&[
            "login".into(),
            "email".into(),
            "firstName".into(),
            "password".into(),
        ]);
        assert_eq!(found, FileKind::UsersImport);
        assert_eq!(
            why,
            "it has email, firstName and password and no id, as a file of new users has; users import requires lastName too"
        );
        assert_eq!(kind("email,firstName,lastName"), FileKind::UsersImport);
        assert_eq!(kind("login,password"), FileKind::UsersImport);
        // One profile column by login is an update of it.
        assert_eq!(kind("login,email"), FileKind::UsersUpdate);
        assert_eq!(kind("id,email,firstName"), FileKind::UsersUpdate);
    }
}
