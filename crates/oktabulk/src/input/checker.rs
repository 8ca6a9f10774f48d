//! What every bulk command reads from its file: a header, then rows that each become one
//! operation (`RowOp`) or a list of problems. The preflight judges each row once; what it
//! decided is kept sealed (`preflight::check`) and is what the run sends. Only the checker
//! differs between commands.

use crate::input::problem::Problem;
use crate::input::source::RawRow;
use crate::input::validate::ImportRow;
use okta_model::UserProfile;

/// One row's work, whatever the command.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum RowOp {
    /// `users import`: create the user with its groups.
    Create(Box<ImportRow>),
    /// `users update`: change the user's profile (and password).
    Update(Box<UpdateRow>),
    /// `users activate|deactivate|...`: one lifecycle operation on a user.
    Lifecycle(UserRow),
    /// `groups add-members|remove-members`: one membership.
    Membership(MembershipRow),
    /// `groups import`: one group.
    Group(GroupRow),
    /// `apps assign|unassign`: one user's or group's assignment to an app.
    AppAssignment(Box<AppRow>),
    /// `groups sync`: a member the file leaves out, taken out of the group. No line of the
    /// file names it: its row follows the file's rows, with line 0.
    Removal(RemovalRow),
}

impl RowOp {
    pub fn seq(&self) -> u64 {
        self.position().0
    }

    pub fn line(&self) -> u64 {
        self.position().1
    }

    fn position(&self) -> (u64, u64) {
        match self {
            RowOp::Create(r) => (r.seq, r.line),
            RowOp::Update(r) => (r.user.seq, r.user.line),
            RowOp::Lifecycle(r) => (r.seq, r.line),
            RowOp::Membership(r) => (r.seq, r.line),
            RowOp::Group(r) => (r.seq, r.line),
            RowOp::AppAssignment(r) => (r.seq, r.line),
            RowOp::Removal(r) => (r.seq, 0),
        }
    }

    /// The user the row names (an id or a login), and what it is named within (the group, for
    /// a membership): two rows with the same scope and user are the same work.
    pub fn user_key(&self) -> Option<(&str, &str)> {
        match self {
            RowOp::Update(r) => Some(("", &r.user.key)),
            RowOp::Lifecycle(r) => Some(("", &r.key)),
            RowOp::Membership(r) => Some((&r.group, &r.user)),
            RowOp::AppAssignment(r) => match &r.target {
                AppTarget::User(user) => Some((&r.app, user)),
                AppTarget::Group(_) => None,
            },
            RowOp::Create(_) | RowOp::Group(_) | RowOp::Removal(_) => None,
        }
    }

    /// What the results' `login` column shows for the row.
    pub fn label(&self) -> String {
        match self {
            RowOp::Create(r) => r.login().to_owned(),
            RowOp::Update(r) => r.user.key.clone(),
            RowOp::Lifecycle(r) => r.key.clone(),
            RowOp::Membership(r) => r.user.clone(),
            RowOp::Group(r) => r.name.clone(),
            RowOp::AppAssignment(r) => match &r.target {
                AppTarget::User(u) => u.clone(),
                AppTarget::Group(g) => g.clone(),
            },
            RowOp::Removal(r) => r.login.clone(),
        }
    }
}

/// A user named by id or login.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserRow {
    pub seq: u64,
    pub line: u64,
    /// The user's id, or its login.
    pub key: String,
}

/// A profile change for one user.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct UpdateRow {
    pub user: UserRow,
    /// The attributes the row gives (all of the new profile with `--replace`).
    pub profile: UserProfile,
    /// A new password, set by the admin.
    pub password: Option<okta_model::Secret>,
}

/// A membership to add or remove.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MembershipRow {
    pub seq: u64,
    pub line: u64,
    /// The group's id (names are resolved in the preflight).
    pub group: String,
    /// The group's name as the org spells it (the cell, when the org was not read).
    pub group_name: String,
    /// The user's id or login.
    pub user: String,
}

/// Who an app assignment is for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AppTarget {
    /// A user's id or login.
    User(String),
    /// A group's id (names are resolved in the preflight).
    Group(String),
}

/// One assignment to an app (or its removal).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AppRow {
    pub seq: u64,
    pub line: u64,
    /// The app's id (labels are resolved in the preflight).
    pub app: String,
    /// The app's label as the org spells it (the cell, when the org was not read).
    pub app_label: String,
    pub target: AppTarget,
    /// A group target's name as the org spells it; empty for a user.
    pub group_name: String,
    /// The user's username in the app.
    pub user_name: Option<String>,
    /// The user's password in the app (an app whose scheme lets the admin set it).
    pub password: Option<okta_model::Secret>,
    /// App profile attributes (`profile.NAME` columns).
    pub profile: serde_json::Map<String, serde_json::Value>,
    /// A group's priority (0 first).
    pub priority: Option<u32>,
}

/// A member of a group that `groups sync` takes out: the file synced the group and does not
/// name the user. Decided once, by the run that first planned it (and kept in its journal).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RemovalRow {
    pub seq: u64,
    /// The group's id.
    pub group: String,
    /// The group's name then, for the results.
    #[serde(default)]
    pub group_name: String,
    /// The user's id, as the group's member list gave it.
    pub user: String,
    /// The user's login then, for the results.
    pub login: String,
}

/// A group to create.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GroupRow {
    pub seq: u64,
    pub line: u64,
    pub name: String,
    pub description: Option<String>,
}

/// One row as the preflight judged it, and as the engine gets it: kept sealed between the two
/// (`preflight::check`).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub enum RowInput {
    Valid(Box<RowOp>),
    /// Reported as Failed without a request (`--skip-invalid`).
    Invalid {
        seq: u64,
        line: u64,
        login: String,
        problems: Vec<Problem>,
    },
    /// Left out by the mapping (a user the source marks disabled): `Skipped`, nothing sent.
    LeftOut {
        seq: u64,
        line: u64,
        login: String,
        why: String,
    },
}

/// Reads a command's rows.
pub trait RowChecker: Send {
    /// Before `header`, with a mapping: for each column of the header, the place (1 the first)
    /// of the file's column it comes from, or `None` when the file has it under that name. A
    /// column the mapping makes must be one the command reads.
    fn mapped(&mut self, _places: &[Option<u64>]) {}
    /// Maps the header; every problem with it is reported at once.
    fn header(&mut self, header: &[String]) -> Result<(), Vec<Problem>>;
    /// After a header with problems: whether the rows can still be checked, so that the
    /// preflight reports the rows' problems in the same pass (an unknown column is left out).
    fn rows_readable(&self) -> bool {
        false
    }
    /// Checks one row; all its problems at once.
    fn check(&mut self, raw: &RawRow) -> Result<RowOp, Vec<Problem>>;
    /// What the results show for an invalid row (its login, group or name cell).
    fn label(&self, raw: &RawRow) -> String;
    /// A header this checker reads, for a file that has none (`login,email,firstName,...`).
    fn example_header(&self) -> &'static str {
        "login,email,firstName,lastName,..."
    }
    /// Whether it reads only keys (a user, a group, an app: the columns of `example_header`)
    /// and leaves any other column unread.
    fn reads_only_keys(&self) -> bool {
        false
    }
    /// Warnings about valid rows since the last call.
    fn warnings(&mut self) -> Vec<Problem> {
        Vec::new()
    }
}
