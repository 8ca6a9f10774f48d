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

    /// The kind a header most likely belongs to: the columns a create requires (and no id) are
    /// an import; a group and a user column are memberships; a name column without a login is
    /// groups; a login or id with other columns an update; a login or id alone, a list of users.
    pub fn detect(header: &[String]) -> FileKind {
        let has = |names: &[&str]| {
            header.iter().any(|h| {
                let h = h.trim().trim_start_matches('\u{feff}');
                names.iter().any(|n| h.eq_ignore_ascii_case(n))
            })
        };
        let keys = ["id", "userId", "login", "profile.login"];
        let required = [
            ["login", "profile.login"],
            ["email", "profile.email"],
            ["firstName", "profile.firstName"],
            ["lastName", "profile.lastName"],
        ];
        if required.iter().all(|names| has(names)) && !has(&["id", "userId"]) {
            return FileKind::UsersImport;
        }
        if has(&["app", "appId", "appLabel"]) {
            return FileKind::AppAssign;
        }
        if has(&["group", "groupId", "groupName"]) && has(&["user", "userId", "login", "id"]) {
            return FileKind::Memberships;
        }
        if has(&["name", "profile.name"]) && !has(&keys) {
            return FileKind::GroupsImport;
        }
        let others = header.iter().any(|h| {
            let h = h.trim().trim_start_matches('\u{feff}');
            !h.is_empty() && !keys.iter().any(|k| h.eq_ignore_ascii_case(k))
        });
        if others {
            FileKind::UsersUpdate
        } else {
            FileKind::UserList
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

#[cfg(test)]
mod tests {
    use super::FileKind;

    fn kind(header: &str) -> FileKind {
        let names: Vec<String> = header.split(',').map(str::to_owned).collect();
        FileKind::detect(&names)
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
}
