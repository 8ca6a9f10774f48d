//! The rows of the commands that name things rather than describe users: the lifecycle
//! commands (a user by `id` or `login`), the membership commands (`group` and `user`), and
//! `groups import` (`name`, `description`). Other columns are ignored, so that an export or the
//! results of another command can be read as they are. A key named twice is a problem.

use crate::input::checker::{
    AppRow, AppTarget, GroupRow, MembershipRow, RowChecker, RowOp, UserRow,
};
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

/// The cell at `first`, or the one at `then` when it is empty: what a row's results name it by.
fn either(raw: &RawRow, first: Option<usize>, then: Option<usize>) -> String {
    let first = cell(raw, first);
    if first.is_empty() {
        cell(raw, then)
    } else {
        first
    }
    .to_owned()
}

/// The keys seen in the reading of the file, to find one named twice; a new header starts
/// afresh.
#[derive(Debug)]
struct Keys {
    seen: Option<SeenLogins>,
}

impl Default for Keys {
    fn default() -> Self {
        Keys {
            seen: Some(SeenLogins::default()),
        }
    }
}

impl Keys {
    fn restart(&mut self) {
        self.seen = Some(SeenLogins::default());
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
    fn example_header(&self) -> &'static str {
        "login (or id)"
    }

    fn reads_only_keys(&self) -> bool {
        true
    }

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
        either(raw, self.login, self.id)
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
    fn example_header(&self) -> &'static str {
        "group,user"
    }

    fn reads_only_keys(&self) -> bool {
        true
    }

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
        let group = &crate::input::validate::group_name(cell(raw, self.group));
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
            Some(id) if problems.is_empty() => Ok(RowOp::Membership(MembershipRow {
                seq: raw.seq,
                line: raw.line,
                group_name: self.groups.name_of(&id, group).to_owned(),
                group: id,
                user: user.to_owned(),
            })),
            _ => Err(problems),
        }
    }

    fn label(&self, raw: &RawRow) -> String {
        cell(raw, self.user).to_owned()
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
    fn example_header(&self) -> &'static str {
        "name,description"
    }

    fn reads_only_keys(&self) -> bool {
        true
    }

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
        let name = &crate::input::validate::group_name(cell(raw, self.name));
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
}

/// The org's apps as an app assignment file names them: by id or by label (a label two apps
/// share names neither), with their status.
#[derive(Debug, Clone, Default)]
pub struct AppDirectory {
    /// Whether the org was read; offline (`validate` without an org) any cell is taken as an id.
    pub online: bool,
    /// Id to (label, status).
    pub apps: std::collections::HashMap<String, (String, String)>,
    /// Lower-cased label to the ids of the apps that have it.
    pub labels: std::collections::HashMap<String, Vec<String>>,
}

impl AppDirectory {
    /// The label of the app with this id as the org spells it, or `value` when the org was not
    /// read.
    pub fn label_of<'a>(&'a self, id: &str, value: &'a str) -> &'a str {
        self.apps.get(id).map_or(value, |(label, _)| label.as_str())
    }

    pub fn add(&mut self, id: &str, label: &str, status: &str) {
        self.apps
            .insert(id.to_owned(), (label.to_owned(), status.to_owned()));
        self.labels
            .entry(label.to_lowercase())
            .or_default()
            .push(id.to_owned());
    }

    /// The app's id, or why the cell names none.
    fn resolve(&self, value: &str, must_be_active: bool) -> Result<String, String> {
        if !self.online {
            return Ok(value.to_owned());
        }
        let id = if self.apps.contains_key(value) {
            value.to_owned()
        } else {
            match self.labels.get(&value.to_lowercase()).map(Vec::as_slice) {
                Some([id]) => id.clone(),
                Some(ids) if ids.len() > 1 => {
                    return Err(format!(
                        "{} apps have this label ({}); name the app by id",
                        ids.len(),
                        ids.join(", ")
                    ))
                }
                _ => return Err("no such app in the org (by id or label)".into()),
            }
        };
        if must_be_active && self.apps[&id].1 != "ACTIVE" {
            return Err(format!(
                "app {id} is {}: activate it before assigning to it",
                self.apps[&id].1
            ));
        }
        Ok(id)
    }
}

/// Rows of `apps assign` and `apps unassign`: an app (id or label) and either a user (id or
/// login) or a group (id or name); for users an app `userName`, a `password` and `profile.*`
/// app profile attributes, for groups a `priority`.
#[derive(Debug)]
pub struct AppAssignments {
    apps: AppDirectory,
    groups: GroupDirectory,
    assign: bool,
    ignore_unknown: bool,
    app: Option<usize>,
    user: Option<usize>,
    group: Option<usize>,
    user_name: Option<usize>,
    password: Option<usize>,
    priority: Option<usize>,
    profile: Vec<(usize, String)>,
    keys: Keys,
}

impl AppAssignments {
    pub fn new(
        apps: AppDirectory,
        groups: GroupDirectory,
        assign: bool,
        ignore_unknown: bool,
    ) -> AppAssignments {
        AppAssignments {
            apps,
            groups,
            assign,
            ignore_unknown,
            app: None,
            user: None,
            group: None,
            user_name: None,
            password: None,
            priority: None,
            profile: Vec::new(),
            keys: Keys::default(),
        }
    }
}

/// The column `export app-users` writes for how the user has the app (`USER` or `GROUP`): read
/// past, since a row assigns the user as its other cells say whatever this one holds.
const EXPORT_ONLY: &str = "scope";

/// A column every results file has (`status`, `line`, `ErrorMessage`...): a results file is
/// read back as its command's input, these left unread.
fn results_column(name: &str) -> bool {
    use crate::outcome::columns::{STATUS, TAIL, USER_STATUS};
    TAIL.iter()
        .chain([&STATUS, &USER_STATUS])
        .any(|c| c.name.eq_ignore_ascii_case(name))
}

const APP_COLUMNS: [&[&str]; 6] = [
    &["app", "appId", "appLabel"],
    &["user", "userId", "login"],
    &["group", "groupId", "groupName"],
    &["userName", "appUserName"],
    &["password", "appPassword"],
    &["priority"],
];

impl RowChecker for AppAssignments {
    fn example_header(&self) -> &'static str {
        "app,user (or app,group,priority)"
    }

    fn reads_only_keys(&self) -> bool {
        true
    }

    fn header(&mut self, header: &[String]) -> Result<(), Vec<Problem>> {
        self.keys.restart();
        let [app, user, group, user_name, password, priority] =
            APP_COLUMNS.map(|names| column(header, names));
        (self.app, self.user, self.group) = (app, user, group);
        (self.user_name, self.password, self.priority) = (user_name, password, priority);
        let mut problems = Vec::new();
        if app.is_none() {
            problems.push(Problem::at(
                1,
                Some("app"),
                None,
                "needs an app column (an app's id or label)",
            ));
        }
        if user.is_none() && group.is_none() {
            problems.push(Problem::at(
                1,
                Some("user"),
                None,
                "needs a user column (id or login) or a group column (id or name)",
            ));
        }
        self.profile.clear();
        for (i, h) in header.iter().enumerate() {
            let h = h.trim();
            if APP_COLUMNS
                .iter()
                .any(|names| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
                || h.is_empty()
                || h.eq_ignore_ascii_case(EXPORT_ONLY)
                || results_column(h)
            {
                continue;
            }
            match h.strip_prefix("profile.") {
                Some(attr) if !attr.is_empty() => self.profile.push((i, attr.to_owned())),
                _ if self.ignore_unknown => {}
                _ => problems.push(Problem::at(
                    1,
                    Some(h),
                    None,
                    "unknown column (app profile attributes are written profile.NAME; \
                     --ignore-unknown-columns to ignore it)",
                )),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn check(&mut self, raw: &RawRow) -> Result<RowOp, Vec<Problem>> {
        let mut problems = Vec::new();
        let app_cell = cell(raw, self.app);
        let app = if app_cell.is_empty() {
            problems.push(Problem::at(
                raw.line,
                Some("app"),
                None,
                "required, but empty",
            ));
            None
        } else {
            match self.apps.resolve(app_cell, self.assign) {
                Ok(id) => Some(id),
                Err(reason) => {
                    problems.push(Problem::at(raw.line, Some("app"), Some(app_cell), reason));
                    None
                }
            }
        };
        let (user, group) = (
            cell(raw, self.user),
            &crate::input::validate::group_name(cell(raw, self.group)),
        );
        let target = match (user.is_empty(), group.is_empty()) {
            (false, true) => Some(AppTarget::User(user.to_owned())),
            (true, false) => match self.groups.lookup(group) {
                Some(id) => Some(AppTarget::Group(id)),
                None => {
                    problems.push(Problem::at(
                        raw.line,
                        Some("group"),
                        Some(group),
                        "no such group in the org (by id or name)",
                    ));
                    None
                }
            },
            (true, true) => {
                problems.push(Problem::at(
                    raw.line,
                    Some("user"),
                    None,
                    "names neither a user nor a group",
                ));
                None
            }
            (false, false) => {
                problems.push(Problem::at(
                    raw.line,
                    Some("group"),
                    Some(group),
                    "names both a user and a group: one assignment per row",
                ));
                None
            }
        };
        let user_name = Some(cell(raw, self.user_name)).filter(|v| !v.is_empty());
        // A secret is read exactly as it is.
        let password = self
            .password
            .and_then(|i| raw.cells.get(i))
            .filter(|v| !v.is_empty());
        let priority = match Some(cell(raw, self.priority)).filter(|v| !v.is_empty()) {
            None => None,
            Some(p) => match p.parse::<u32>() {
                Ok(p) => Some(p),
                Err(_) => {
                    problems.push(Problem::at(
                        raw.line,
                        Some("priority"),
                        Some(p),
                        "a whole number from 0 (first)",
                    ));
                    None
                }
            },
        };
        let mut profile = serde_json::Map::new();
        for (i, name) in &self.profile {
            let value = cell(raw, Some(*i));
            if !value.is_empty() {
                profile.insert(name.clone(), value.into());
            }
        }
        let is_group = matches!(target, Some(AppTarget::Group(_)));
        let user_only = user_name.is_some() || password.is_some() || !profile.is_empty();
        if is_group && user_only {
            problems.push(Problem::at(
                raw.line,
                Some("group"),
                Some(group),
                "userName, password and profile columns are for users; a group row takes a priority",
            ));
        }
        if !self.assign && (user_only || priority.is_some()) {
            problems.push(Problem::at(
                raw.line,
                None,
                None,
                "an unassign row names only the app and the user or group",
            ));
        }
        let key = match &target {
            Some(AppTarget::User(u)) => format!("user {u}"),
            Some(AppTarget::Group(g)) => format!("group {g}"),
            None => String::new(),
        };
        let pair = format!("{} {key}", app.as_deref().unwrap_or(app_cell));
        claim(
            &mut self.keys.seen,
            raw,
            if is_group { "group" } else { "user" },
            &pair,
            "assignment",
            &mut problems,
        );
        match (app, target) {
            (Some(app), Some(target)) if problems.is_empty() => {
                let group_name = match &target {
                    AppTarget::Group(id) => self.groups.name_of(id, group).to_owned(),
                    AppTarget::User(_) => String::new(),
                };
                Ok(RowOp::AppAssignment(Box::new(AppRow {
                    seq: raw.seq,
                    line: raw.line,
                    app_label: self.apps.label_of(&app, app_cell).to_owned(),
                    app,
                    target,
                    group_name,
                    user_name: user_name.map(str::to_owned),
                    password: password.map(|p| okta_model::Secret::from(p.as_str())),
                    profile,
                    priority,
                })))
            }
            _ => Err(problems),
        }
    }

    fn label(&self, raw: &RawRow) -> String {
        either(raw, self.user, self.group)
    }
}
