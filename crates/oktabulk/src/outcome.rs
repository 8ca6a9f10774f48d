//! What became of one input row (`RowResult`), and how a command's results file shows it: each
//! command defines its `ResultsTable` once (column name -> cell), and the CSV, the JSONL, the
//! summary and the report all take the rows from it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Written to the journal by variant name: the names are part of its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CreationStatus {
    /// Created by this run.
    Success,
    /// Okta said the login exists; nothing was created.
    Exists,
    /// The login existed and its profile was updated (`--on-exists update`, `users update`).
    Updated,
    /// The org already was as the row asks: nothing was sent.
    Unchanged,
    Failed,
    /// The run stopped (Ctrl-C, an org that stopped answering) before this row finished: it was
    /// not sent, or its answer never came. The same command run again settles and sends it.
    Interrupted,
    /// A dry run: the row would be sent (`planned` says which calls). Never journaled.
    Planned,
    /// Left out by the mapping (its source marks the user disabled): nothing was sent.
    Skipped,
}

impl CreationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "Success",
            Self::Exists => "Exists",
            Self::Updated => "Updated",
            Self::Unchanged => "Unchanged",
            Self::Failed => "Failed",
            Self::Interrupted => "Interrupted",
            Self::Planned => "Planned",
            Self::Skipped => "Skipped",
        }
    }

    /// Every status, in the order summaries list them.
    pub const ALL: [CreationStatus; 8] = [
        Self::Success,
        Self::Planned,
        Self::Exists,
        Self::Updated,
        Self::Unchanged,
        Self::Skipped,
        Self::Failed,
        Self::Interrupted,
    ];

    /// What a summary calls rows of this status; `done` names a `Success` of the command
    /// (`created`, `deactivated`...). Two statuses may share a word (`users update`'s `Success`
    /// and `Updated`): the summary counts them as one.
    pub fn word(self, done: &'static str) -> &'static str {
        match self {
            Self::Success => done,
            Self::Planned => "to send",
            Self::Exists => "existed",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
            Self::Skipped => "left out",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }
}

/// The classic `groupAssignment` column. Written (results and journal alike) as the CSV shows
/// it: empty when the row names no group; journals of earlier versions say `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupStatus {
    /// The row names no group.
    #[serde(rename = "", alias = "None")]
    None,
    Success,
    Failed,
}

impl GroupStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "",
            Self::Success => "Success",
            Self::Failed => "Failed",
        }
    }
}

/// What a row did. Written to the results and the journal as these stable strings: renaming a
/// variant must not change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Create the user (and add its groups).
    Create,
    /// The login exists: keep it, add its groups (`--on-exists skip`).
    Skip,
    /// Update the user's (or the group's) profile.
    Update,
    /// Nothing was sent for the row (invalid, or `--on-exists fail`).
    None,
    Activate,
    Reactivate,
    Deactivate,
    Suspend,
    Unsuspend,
    Unlock,
    ExpirePassword,
    Delete,
    AddMember,
    RemoveMember,
    CreateGroup,
    AssignApp,
    UnassignApp,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Skip => "skip",
            Action::Update => "update",
            Action::None => "none",
            Action::Activate => "activate",
            Action::Reactivate => "reactivate",
            Action::Deactivate => "deactivate",
            Action::Suspend => "suspend",
            Action::Unsuspend => "unsuspend",
            Action::Unlock => "unlock",
            Action::ExpirePassword => "expire-password",
            Action::Delete => "delete",
            Action::AddMember => "add-member",
            Action::RemoveMember => "remove-member",
            Action::CreateGroup => "create-group",
            Action::AssignApp => "assign-app",
            Action::UnassignApp => "unassign-app",
        }
    }
}

/// An activation link Okta answered (`activationUrl`, `activationToken`): a secret, shown as
/// `ActivationLink(..)` by `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ActivationLink {
    pub url: String,
    pub token: String,
}

impl ActivationLink {
    /// The link in Okta's answer, if it holds one (an activation that sent its email holds none).
    pub fn from_answer(answer: okta_model::ActivationToken) -> Option<ActivationLink> {
        let url = answer.activation_url.unwrap_or_default();
        let token = answer.activation_token.unwrap_or_default();
        (!url.is_empty() || !token.is_empty()).then_some(ActivationLink { url, token })
    }
}

impl std::fmt::Debug for ActivationLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ActivationLink(..)")
    }
}

/// One row of the results file. Never holds a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowResult {
    #[serde(skip)]
    pub seq: u64,
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub login: String,
    pub user_creation_status: CreationStatus,
    pub group_assignment: GroupStatus,
    pub error_message: String,
    pub line: u64,
    pub action: Action,
    pub error_code: String,
    pub error_causes: String,
    pub request_id: String,
    /// The row's group: its name (`groups import`, the membership commands, an app assignment
    /// to a group), as the org or the file names it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group_id: String,
    /// `groups import`: the group's description as the row gives it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The row's app (`apps assign|unassign`): its label and id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub app: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub app_id: String,
    /// The failure says nothing final about the row (rate limits, server errors, the network,
    /// an interruption): the same command run again settles and retries it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unsettled: bool,
    /// When oktabulk saw this outcome (UTC, RFC 3339): kept in the journal.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub done_at: String,
    /// Set when this run did not see the outcome but an earlier, interrupted run of the same
    /// command did: when that run saw it (the results' `earlierRun` column).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub earlier_run: String,
    /// The user's status (`ACTIVE`, `DEPROVISIONED`...) as the row found or created it; empty
    /// when the row changed it with a lifecycle call (Okta's answer does not say).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user_status: String,
    /// What Okta answered an activation without email: the only way in for that user. Secrets:
    /// written to the results file (owner-only), never to the journal or the terminal.
    #[serde(skip)]
    pub activation: Option<ActivationLink>,
    /// The row sets (or, in a dry run, would set) the user's password.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub password_set: bool,
    /// A dry run: the writes the row would send, by rate-limit bucket. Never journaled.
    #[serde(skip)]
    pub planned: Vec<okta_model::rate_limit::Bucket>,
}

impl RowResult {
    /// A row's result before anything is known: Failed until something succeeds.
    pub fn new(seq: u64, line: u64, login: &str, action: Action) -> RowResult {
        RowResult {
            seq,
            id: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            login: login.to_owned(),
            user_creation_status: CreationStatus::Failed,
            group_assignment: GroupStatus::None,
            error_message: String::new(),
            line,
            action,
            error_code: String::new(),
            error_causes: String::new(),
            request_id: String::new(),
            group: String::new(),
            group_id: String::new(),
            description: String::new(),
            app: String::new(),
            app_id: String::new(),
            unsettled: false,
            done_at: String::new(),
            earlier_run: String::new(),
            user_status: String::new(),
            activation: None,
            password_set: false,
            planned: Vec::new(),
        }
    }

    /// How summaries, the plan and the report name the row: the user (its login, or the id or
    /// login the row gave), the group, or what the row joins (`login in group`, `login to app`).
    pub fn label(&self) -> String {
        let user = self.login.as_str();
        let whole = |a: &str, joint: &str, b: &str| match (a.is_empty(), b.is_empty()) {
            (false, false) => format!("{a} {joint} {b}"),
            (false, true) => a.to_owned(),
            (true, _) => b.to_owned(),
        };
        if !self.app.is_empty() || !self.app_id.is_empty() {
            let app = if self.app.is_empty() {
                &self.app_id
            } else {
                &self.app
            };
            let who = if user.is_empty() { &self.group } else { user };
            return whole(who, "to", app);
        }
        let group = if self.group.is_empty() {
            &self.group_id
        } else {
            &self.group
        };
        whole(user, "in", group)
    }

    /// Whether the row met a user who cannot sign in now, and the command that changes that.
    pub fn needs_attention(&self) -> Option<&'static str> {
        match self.user_status.as_str() {
            "DEPROVISIONED" | "STAGED" => Some("users activate"),
            "SUSPENDED" => Some("users unsuspend"),
            "LOCKED_OUT" => Some("users unlock"),
            _ => None,
        }
    }

    pub fn failed(&self) -> bool {
        self.user_creation_status == CreationStatus::Failed
            || self.group_assignment == GroupStatus::Failed
    }

    /// Whether a rerun of the same command sends this row again: it failed for a reason that
    /// may pass, or it failed at all and `retry_failed`.
    pub fn needs_another_try(&self, retry_failed: bool) -> bool {
        self.user_creation_status == CreationStatus::Interrupted
            || (self.failed() && (self.unsettled || retry_failed))
    }

    /// Okta's error, kept whole: summary, causes, code, request id; and whether it is final.
    pub fn set_error(&mut self, error: &okta_client::Error) {
        self.unsettled = error.is_transient();
        match error.okta_error() {
            Some(okta) => {
                self.error_code = okta.error_code.clone();
                let causes: Vec<&str> = okta
                    .error_causes
                    .iter()
                    .map(|c| c.error_summary.as_str())
                    .collect();
                self.error_causes = causes.join("; ");
                self.error_message = if causes.is_empty() {
                    okta.error_summary.clone()
                } else {
                    format!("{} ({})", okta.error_summary, causes.join("; "))
                };
            }
            None => self.error_message = error.to_string(),
        }
        self.request_id = error.request_id().unwrap_or_default().to_owned();
    }
}

/// Now, as results and the journal write it: UTC, RFC 3339, whole seconds.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// One column of a results table: its name (the CSV header's cell, the JSONL key) and how a
/// row fills it.
#[derive(Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub cell: fn(&RowResult) -> Cell,
}

/// A results cell: text, or a number (JSONL writes it as one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Number(u64),
}

impl Cell {
    pub fn into_text(self) -> String {
        match self {
            Cell::Text(t) => t,
            Cell::Number(n) => n.to_string(),
        }
    }
}

impl std::fmt::Debug for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// A command's results file: its columns, in order. Defined once per command (`RESULTS` in
/// each module of `crate::commands`); the CSV writes `header` then `cells`, the JSONL one
/// object of the same names per row.
#[derive(Debug, Clone, Copy)]
pub struct ResultsTable {
    pub columns: &'static [Column],
}

impl ResultsTable {
    pub fn header(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }

    pub fn cells(&self, row: &RowResult) -> Vec<String> {
        self.columns
            .iter()
            .map(|c| (c.cell)(row).into_text())
            .collect()
    }

    /// The row as one line of JSON: an object of the table's columns, in the table's order.
    pub fn json_line(&self, row: &RowResult) -> String {
        let fields: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let value = match (c.cell)(row) {
                    Cell::Text(t) => serde_json::Value::from(t),
                    Cell::Number(n) => serde_json::Value::from(n),
                };
                format!("{}:{value}", serde_json::Value::from(c.name))
            })
            .collect();
        format!("{{{}}}", fields.join(","))
    }
}

/// The columns every table shares, by name.
pub mod columns {
    use super::{Cell, Column, RowResult};

    const fn text(name: &'static str, cell: fn(&RowResult) -> Cell) -> Column {
        Column { name, cell }
    }

    pub const ID: Column = text("id", |r| Cell::Text(r.id.clone()));
    pub const FIRST_NAME: Column = text("firstName", |r| Cell::Text(r.first_name.clone()));
    pub const LAST_NAME: Column = text("lastName", |r| Cell::Text(r.last_name.clone()));
    pub const LOGIN: Column = text("login", |r| Cell::Text(r.login.clone()));
    /// The row's status word (`Success`, `Exists`, ...): `status` in every table but the
    /// classic one, which names it `userCreationStatus`.
    pub const STATUS: Column = text("status", |r| {
        Cell::Text(r.user_creation_status.as_str().to_owned())
    });
    pub const GROUP_ASSIGNMENT: Column = text("groupAssignment", |r| {
        Cell::Text(r.group_assignment.as_str().to_owned())
    });
    /// Named as the classic script named it, in every table.
    pub const ERROR_MESSAGE: Column = text("ErrorMessage", |r| Cell::Text(r.error_message.clone()));
    pub const LINE: Column = text("line", |r| Cell::Number(r.line));
    pub const ACTION: Column = text("action", |r| Cell::Text(r.action.as_str().to_owned()));
    pub const ERROR_CODE: Column = text("errorCode", |r| Cell::Text(r.error_code.clone()));
    pub const ERROR_CAUSES: Column = text("errorCauses", |r| Cell::Text(r.error_causes.clone()));
    pub const REQUEST_ID: Column = text("requestId", |r| Cell::Text(r.request_id.clone()));
    pub const EARLIER_RUN: Column = text("earlierRun", |r| Cell::Text(r.earlier_run.clone()));
    pub const USER_STATUS: Column = text("userStatus", |r| Cell::Text(r.user_status.clone()));
    pub const ACTIVATION_URL: Column = text("activationUrl", |r| {
        Cell::Text(
            r.activation
                .as_ref()
                .map(|a| a.url.clone())
                .unwrap_or_default(),
        )
    });
    pub const ACTIVATION_TOKEN: Column = text("activationToken", |r| {
        Cell::Text(
            r.activation
                .as_ref()
                .map(|a| a.token.clone())
                .unwrap_or_default(),
        )
    });
    /// The user as the row names it (its login, or the id or login the row gave).
    pub const USER: Column = text("user", |r| Cell::Text(r.login.clone()));
    pub const USER_ID: Column = text("userId", |r| Cell::Text(r.id.clone()));
    pub const GROUP: Column = text("group", |r| Cell::Text(r.group.clone()));
    pub const GROUP_ID: Column = text("groupId", |r| Cell::Text(r.group_id.clone()));
    pub const APP: Column = text("app", |r| Cell::Text(r.app.clone()));
    pub const APP_ID: Column = text("appId", |r| Cell::Text(r.app_id.clone()));

    /// What every table ends with: where the row is, what it did, and Okta's error.
    pub const TAIL: [Column; 7] = [
        LINE,
        ACTION,
        ERROR_MESSAGE,
        ERROR_CODE,
        ERROR_CAUSES,
        REQUEST_ID,
        EARLIER_RUN,
    ];
}

/// The results of the commands that change users (`users update` and the lifecycle
/// commands): the classic script's columns (the status named `status`), then oktabulk's own.
pub const USER_RESULTS: ResultsTable = ResultsTable {
    columns: &user_columns(columns::STATUS),
};

/// The users' columns, in the classic script's order, with `status` for the row's status
/// column (`users import` names it `userCreationStatus`, as the script did).
pub const fn user_columns(status: Column) -> [Column; 16] {
    use columns::*;
    [
        ID,
        FIRST_NAME,
        LAST_NAME,
        LOGIN,
        status,
        GROUP_ASSIGNMENT,
        ERROR_MESSAGE,
        LINE,
        ACTION,
        ERROR_CODE,
        ERROR_CAUSES,
        REQUEST_ID,
        EARLIER_RUN,
        USER_STATUS,
        ACTIVATION_URL,
        ACTIVATION_TOKEN,
    ]
}

/// The results of the commands that change memberships (`groups add-members`,
/// `groups remove-members`, `groups sync`): one membership per row. `groups add-members` and
/// `groups remove-members` read such a file back as it is (`group`, `user`).
pub const MEMBERSHIP_RESULTS: ResultsTable = ResultsTable {
    columns: &{
        use columns::*;
        [
            GROUP,
            GROUP_ID,
            USER,
            USER_ID,
            STATUS,
            TAIL[0],
            TAIL[1],
            TAIL[2],
            TAIL[3],
            TAIL[4],
            TAIL[5],
            TAIL[6],
            USER_STATUS,
        ]
    },
};

/// Failures of one Okta error code.
#[derive(Debug, Default)]
pub struct FailureGroup {
    pub count: u64,
    /// Line, row label, message: the first few.
    pub examples: Vec<(u64, String, String)>,
}

const EXAMPLES: usize = 3;

/// The rows' outcome by status, the failures by Okta error code, and what the admin does next
/// about them: the summary and the run report count the same rows the same way.
#[derive(Debug, Default)]
pub struct RowTally {
    pub outcomes: BTreeMap<&'static str, u64>,
    pub failures: BTreeMap<String, FailureGroup>,
    /// Rows that failed, the user's part or the group's.
    pub failed: u64,
    /// Failed rows a rerun of the same command sends again (not the interrupted ones, which a
    /// resume sends anyway).
    pub unsettled: u64,
    /// Rows that met an existing user who cannot sign in: by the command that fixes it and the
    /// status found.
    pub unusable: BTreeMap<(&'static str, String), u64>,
}

/// What to do after a run, from its rows (`RowTally::next_steps`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// Rows failed for reasons that may pass (rate limits, server errors, the network): the
    /// same command again settles and sends them.
    Rerun { rows: u64 },
    /// Rows Okta refused or that were invalid: fix their lines, then the same command again.
    FixAndRerun { rows: u64 },
    /// Rows met existing users who cannot sign in: `oktabulk COMMAND RESULTS` fixes them.
    /// `found`: how many of each status.
    FixUsers {
        command: &'static str,
        found: Vec<(u64, String)>,
    },
}

impl RowTally {
    /// Rows of this status so far.
    pub fn count(&self, status: CreationStatus) -> u64 {
        self.outcomes.get(status.as_str()).copied().unwrap_or(0)
    }

    /// The counts a summary prints: one word per status that has rows, in
    /// `CreationStatus::ALL`'s order, statuses that share a word counted together.
    pub fn by_word(&self, done: &'static str) -> Vec<(u64, &'static str)> {
        let mut counts: Vec<(u64, &'static str)> = Vec::new();
        for status in CreationStatus::ALL {
            let n = self.count(status);
            if n == 0 {
                continue;
            }
            let word = status.word(done);
            match counts.iter_mut().find(|(_, w)| *w == word) {
                Some((total, _)) => *total += n,
                None => counts.push((n, word)),
            }
        }
        counts
    }

    /// What the admin does next, most pressing first; empty when every row is done.
    pub fn next_steps(&self) -> Vec<NextStep> {
        let mut steps = Vec::new();
        if self.unsettled > 0 {
            steps.push(NextStep::Rerun {
                rows: self.unsettled,
            });
        }
        let refused = self.failed.saturating_sub(self.unsettled);
        if refused > 0 {
            steps.push(NextStep::FixAndRerun { rows: refused });
        }
        for ((command, status), n) in &self.unusable {
            match steps.last_mut() {
                Some(NextStep::FixUsers { command: c, found }) if c == command => {
                    found.push((*n, status.clone()));
                }
                _ => steps.push(NextStep::FixUsers {
                    command,
                    found: vec![(*n, status.clone())],
                }),
            }
        }
        steps
    }

    pub fn add(&mut self, result: &RowResult) {
        let status = result.user_creation_status;
        *self.outcomes.entry(status.as_str()).or_default() += 1;
        if let (Some(fix), CreationStatus::Exists) = (result.needs_attention(), status) {
            *self
                .unusable
                .entry((fix, result.user_status.clone()))
                .or_default() += 1;
        }
        if result.failed() {
            self.failed += 1;
            if result.unsettled && status != CreationStatus::Interrupted {
                self.unsettled += 1;
            }
        }
        if status != CreationStatus::Failed {
            return;
        }
        // Failures Okta did not answer for are grouped by why: they read differently.
        let code = match (
            result.error_code.is_empty(),
            result.unsettled,
            result.action,
        ) {
            (false, _, _) => result.error_code.clone(),
            (true, true, _) => "(no answer yet: the same command sends it again)".to_owned(),
            (true, false, Action::None) => "(not sent: the row is invalid)".to_owned(),
            (true, false, _) => "(no Okta error code)".to_owned(),
        };
        let group = self.failures.entry(code).or_default();
        group.count += 1;
        if group.examples.len() < EXAMPLES {
            group
                .examples
                .push((result.line, result.label(), result.error_message.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Action, CreationStatus, GroupStatus, RowResult, RowTally};

    #[test]
    fn a_summary_names_each_word_once_and_no_zero_counts() {
        let mut tally = RowTally::default();
        for status in [
            CreationStatus::Success,
            CreationStatus::Updated,
            CreationStatus::Updated,
            CreationStatus::Unchanged,
            CreationStatus::Failed,
        ] {
            let mut row = RowResult::new(0, 2, "a@example.com", Action::Update);
            row.user_creation_status = status;
            tally.add(&row);
        }
        assert_eq!(
            tally.by_word("updated"),
            vec![(3, "updated"), (1, "unchanged"), (1, "failed")]
        );
        assert_eq!(RowTally::default().by_word("created"), vec![]);
    }

    #[test]
    fn next_steps_come_from_the_rows() {
        let mut tally = RowTally::default();
        assert_eq!(tally.next_steps(), [], "nothing to do after a clean run");
        let row = |status, unsettled: bool, user_status: &str| {
            let mut row = RowResult::new(0, 2, "a@example.com", Action::Create);
            row.user_creation_status = status;
            row.unsettled = unsettled;
            row.user_status = user_status.to_owned();
            row
        };
        for r in [
            row(CreationStatus::Failed, false, ""),
            row(CreationStatus::Failed, false, ""),
            row(CreationStatus::Failed, true, ""),
            row(CreationStatus::Interrupted, true, ""),
            row(CreationStatus::Exists, false, "DEPROVISIONED"),
            row(CreationStatus::Exists, false, "STAGED"),
            row(CreationStatus::Exists, false, "SUSPENDED"),
            row(CreationStatus::Exists, false, "ACTIVE"),
            row(CreationStatus::Success, false, "SUSPENDED"),
        ] {
            tally.add(&r);
        }
        use super::NextStep::*;
        assert_eq!(
            tally.next_steps(),
            [
                Rerun { rows: 1 },
                FixAndRerun { rows: 2 },
                FixUsers {
                    command: "users activate",
                    found: vec![(1, "DEPROVISIONED".into()), (1, "STAGED".into())]
                },
                FixUsers {
                    command: "users unsuspend",
                    found: vec![(1, "SUSPENDED".into())]
                },
            ]
        );
    }

    #[test]
    fn no_group_is_written_empty_and_read_in_either_form() {
        let written = serde_json::to_string(&GroupStatus::None).expect("serializes");
        assert_eq!(written, "\"\"", "as the CSV shows it");
        for stored in ["\"\"", "\"None\""] {
            let read: GroupStatus = serde_json::from_str(stored).expect("reads");
            assert_eq!(read, GroupStatus::None, "{stored}");
        }
    }
}
