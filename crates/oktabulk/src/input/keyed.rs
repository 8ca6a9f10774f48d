//! The rows of the commands that name things rather than describe users: the lifecycle
//! commands (a user by `id` or `login`), the membership commands (`group` and `user`), and
//! `groups import` (`name`, `description`). Other columns are ignored, so that an export or the
//! results of another command can be read as they are. A key named twice is a problem.

use crate::input::checker::{GroupRow, MembershipRow, RowChecker, RowOp, UserRow};
use crate::input::logins::SeenLogins;
use crate::input::problem::Problem;
use crate::input::source::RawRow;
use crate::input::validate::GroupDirectory;

/// The index of the first column named one of `names` (ignoring case).
fn column(header: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| header.iter().position(|h| h.trim().eq_ignore_ascii_case(n)))
}

fn cell(raw: &RawRow, at: Option<usize>) -> &str {
    at.and_then(|i| raw.cell(i)).map_or("", |c| c.value.trim())
}

/// The keys seen in one reading of the file, to find one named twice; each reading starts
/// afresh, and after a clean preflight the sending pass keeps none.
#[derive(Debug)]
struct Keys {
    seen: Option<SeenLogins>,
    remember: bool,
}

impl Default for Keys {
    fn default() -> Self {
        Keys {
            seen: Some(SeenLogins::default()),
            remember: true,
        }
    }
}

impl Keys {
    fn restart(&mut self) {
        self.seen = self.remember.then(SeenLogins::default);
    }

    fn forget(&mut self) {
        self.remember = false;
        self.seen = None;
    }
}

/// Refuses a key with control or invisible characters, and one seen before.
fn claim(
    seen: &mut Option<SeenLogins>,
    raw: &RawRow,
    column: &str,
    key: &str,
    what: &str,
    problems: &mut Vec<Problem>,
) {
    if let Some(c) = okta_model::login::hidden_char(key) {
        problems.push(Problem::at(
            raw.line,
            Some(column),
            Some(key),
            format!(
                "has an invisible or control character (U+{:04X})",
                u32::from(c)
            ),
        ));
        return;
    }
    if !problems.is_empty() {
        return;
    }
    if let Some(seen) = seen.as_mut() {
        match seen.first_seen(key, raw.line) {
            Ok(None) => {}
            Ok(Some(first)) => problems.push(Problem::at(
                raw.line,
                Some(column),
                Some(key),
                format!("the same {what} as line {first}"),
            )),
            Err(reason) => problems.push(Problem::at(
                raw.line,
                Some(column),
                None,
                format!("cannot check for duplicates: {reason}"),
            )),
        }
    }
}

/// Rows naming one user each, by `id` or `login`.
#[derive(Debug, Default)]
pub struct UserKeys {
    id: Option<usize>,
    login: Option<usize>,
    keys: Keys,
}

impl UserKeys {
    pub fn new() -> UserKeys {
        UserKeys {
            keys: Keys::default(),
            ..UserKeys::default()
        }
    }
}

impl RowChecker for UserKeys {
    fn header(&mut self, header: &[String]) -> Result<(), Vec<Problem>> {
        self.keys.restart();
        self.id = column(header, &["id", "userId"]);
        self.login = column(header, &["login", "profile.login"]);
        if self.id.is_none() && self.login.is_none() {
            return Err(vec![Problem::at(
                1,
                None,
                None,
                "needs an id or a login column to name each user",
            )]);
        }
        Ok(())
    }

    fn check(&mut self, raw: &RawRow) -> Result<RowOp, Vec<Problem>> {
        let id = cell(raw, self.id);
        let (column, key) = if id.is_empty() {
            ("login", cell(raw, self.login))
        } else {
            ("id", id)
        };
        let mut problems = Vec::new();
        if key.is_empty() {
            problems.push(Problem::at(
                raw.line,
                Some(column),
                None,
                "names no user: give its id or its login",
            ));
        } else {
            claim(&mut self.keys.seen, raw, column, key, "user", &mut problems);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(RowOp::Lifecycle(UserRow {
            seq: raw.seq,
            line: raw.line,
            key: key.to_owned(),
        }))
    }

    fn label(&self, raw: &RawRow) -> String {
        let login = cell(raw, self.login);
        if login.is_empty() {
            cell(raw, self.id).to_owned()
        } else {
            login.to_owned()
        }
    }

    fn forget_seen(&mut self) {
        self.keys.forget();
    }
}

/// Rows of a group (id or name) and a user (id or login).
#[derive(Debug)]
pub struct Memberships {
    groups: GroupDirectory,
    group: Option<usize>,
    user: Option<usize>,
    keys: Keys,
}

impl Memberships {
    pub fn new(groups: GroupDirectory) -> Memberships {
        Memberships {
            groups,
            group: None,
            user: None,
            keys: Keys::default(),
        }
    }
}

impl RowChecker for Memberships {
    fn header(&mut self, header: &[String]) -> Result<(), Vec<Problem>> {
        self.keys.restart();
        self.group = column(header, &["group", "groupId", "groupName"]);
        self.user = column(header, &["user", "userId", "login", "id"]);
        let mut problems = Vec::new();
        if self.group.is_none() {
            problems.push(Problem::at(
                1,
                Some("group"),
                None,
                "needs a group column (a group's id or name)",
            ));
        }
        if self.user.is_none() {
            problems.push(Problem::at(
                1,
                Some("user"),
                None,
                "needs a user column (a user's id or login)",
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn check(&mut self, raw: &RawRow) -> Result<RowOp, Vec<Problem>> {
        let group = cell(raw, self.group);
        let user = cell(raw, self.user);
        let mut problems = Vec::new();
        let group_id = if group.is_empty() {
            problems.push(Problem::at(
                raw.line,
                Some("group"),
                None,
                "required, but empty",
            ));
            None
        } else {
            match self.groups.lookup(group) {
                Some(id) => Some(id),
                None => {
                    problems.push(Problem::at(
                        raw.line,
                        Some("group"),
                        Some(group),
                        "no such group in the org (by id or name)",
                    ));
                    None
                }
            }
        };
        if user.is_empty() {
            problems.push(Problem::at(
                raw.line,
                Some("user"),
                None,
                "required, but empty",
            ));
        }
        let pair = format!("{} {user}", group_id.as_deref().unwrap_or(group));
        claim(
            &mut self.keys.seen,
            raw,
            "user",
            &pair,
            "membership",
            &mut problems,
        );
        match group_id {
            Some(group) if problems.is_empty() => Ok(RowOp::Membership(MembershipRow {
                seq: raw.seq,
                line: raw.line,
                group,
                user: user.to_owned(),
            })),
            _ => Err(problems),
        }
    }

    fn label(&self, raw: &RawRow) -> String {
        cell(raw, self.user).to_owned()
    }

    fn forget_seen(&mut self) {
        self.keys.forget();
    }
}

/// Rows of a group to create: `name` and an optional `description`.
#[derive(Debug, Default)]
pub struct Groups {
    name: Option<usize>,
    description: Option<usize>,
    keys: Keys,
}

/// Okta's longest group name.
const GROUP_NAME_MAX: usize = 255;

impl Groups {
    pub fn new() -> Groups {
        Groups {
            keys: Keys::default(),
            ..Groups::default()
        }
    }
}

impl RowChecker for Groups {
    fn header(&mut self, header: &[String]) -> Result<(), Vec<Problem>> {
        self.keys.restart();
        self.name = column(header, &["name", "profile.name"]);
        self.description = column(header, &["description", "profile.description"]);
        match self.name {
            Some(_) => Ok(()),
            None => Err(vec![Problem::at(
                1,
                Some("name"),
                None,
                "needs a name column",
            )]),
        }
    }

    fn check(&mut self, raw: &RawRow) -> Result<RowOp, Vec<Problem>> {
        let name = cell(raw, self.name);
        let description = cell(raw, self.description);
        let mut problems = Vec::new();
        if name.is_empty() {
            problems.push(Problem::at(
                raw.line,
                Some("name"),
                None,
                "required, but empty",
            ));
        } else if name.chars().count() > GROUP_NAME_MAX {
            problems.push(Problem::at(
                raw.line,
                Some("name"),
                Some(name),
                format!("too long: at most {GROUP_NAME_MAX} characters"),
            ));
        } else {
            claim(
                &mut self.keys.seen,
                raw,
                "name",
                name,
                "group name",
                &mut problems,
            );
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(RowOp::Group(GroupRow {
            seq: raw.seq,
            line: raw.line,
            name: name.to_owned(),
            description: (!description.is_empty()).then(|| description.to_owned()),
        }))
    }

    fn label(&self, raw: &RawRow) -> String {
        cell(raw, self.name).to_owned()
    }

    fn forget_seen(&mut self) {
        self.keys.forget();
    }
}
