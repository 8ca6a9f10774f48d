//! What every row's work shares: the context (the client, the journal, the stop signal, the
//! command's `Job`), the one way to find a row's user (`find_user`), and the one gate before a
//! row's first write (`RowContext::mark_sent`). Each row ends as one `RowResult`: `Success`,
//! `Unchanged` when the org already was as the row asks (nothing is sent), or `Failed` with
//! Okta's error.

use crate::engine::stop::{Stop, StopReason};
use crate::input::RowOp;
use crate::journal::{Entry, Journal, Previous};
use crate::outcome::{CreationStatus, RowResult};
use futures_util::future::BoxFuture;
use okta_client::{Client, LoginLookup};
use okta_model::rate_limit::Bucket;
use okta_model::User;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What a command does with each of its rows: the one thing a command gives the engine. The
/// engine calls `process` once per valid row (again for a row whose answer was lost), many rows
/// at once; each call ends as one `RowResult`. A command's job lives in its own module under
/// `crate::commands`; the engine knows none of them.
pub trait Job: Send + Sync + std::fmt::Debug {
    /// Does one row's work. `earlier` is what the journal holds for the row from an earlier
    /// run of the same command over the same file. A row of another command's kind ends
    /// `Failed` (`not_mine`).
    fn process<'a>(
        &'a self,
        ctx: &'a RowContext,
        op: &'a RowOp,
        earlier: Option<Entry>,
    ) -> BoxFuture<'a, RowResult>;

    /// Whether the rows look users up: a dry run then reads the file's logins in batches
    /// first. Only `groups import` does not.
    fn looks_users_up(&self) -> bool {
        true
    }
}

/// The result of a row that does not belong to `job` (a bug, not an input problem).
pub fn not_mine(job: &dyn Job, op: &RowOp) -> RowResult {
    let mut result = RowResult::new(
        op.seq(),
        op.line(),
        &op.label(),
        crate::outcome::Action::None,
    );
    result.error_message = format!("this row's operation does not belong to {job:?}");
    result
}

#[derive(Debug)]
pub struct RowContext {
    pub client: Client,
    pub job: Arc<dyn Job>,
    pub journal: Option<Arc<Journal>>,
    /// Stops the run (a journal that cannot be written stops it here).
    pub stop: Arc<Stop>,
    /// Send again rows an earlier run finished as `Failed` for a final reason too.
    pub retry_failed: bool,
    /// A dry run: rows read what they need and stop before their first write (`mark_sent`).
    pub preview: bool,
    /// The results of the finished run of the same command over the same file that this run
    /// follows, if any: what that run did, for rows whose target is gone since.
    pub previous: Option<Arc<Previous>>,
    /// A dry run's batched reading of the org (`None` in a run).
    pub reads: Option<Arc<PreviewReads>>,
}

/// How a dry run reads the org: the logins its rows look up are gathered and resolved in
/// batches (or from the listed org) by `LoginLookup`, where the run reads each row's user with
/// one GET. The run's reads are still counted for its plan: one GET per user a batch found.
///
/// The run itself keeps its one GET per row: every read there is followed by the row's write,
/// and the get-user bucket is larger than any write bucket (2,000 a minute on Workforce, where
/// writes have 600), so batching would save no time while moving the reads into the bucket
/// that lifecycle writes use.
#[derive(Debug)]
pub struct PreviewReads {
    pub lookup: Arc<LoginLookup>,
    /// `GET /api/v1/users/{idOrLogin}` calls the run makes that a batch answered here.
    pub run_gets: AtomicU64,
}

impl PreviewReads {
    pub fn new(lookup: Arc<LoginLookup>) -> PreviewReads {
        PreviewReads {
            lookup,
            run_gets: AtomicU64::new(0),
        }
    }
}

/// A write as Okta's rate limits count it: the method and the path (ids as `{id}`).
pub type Call = (&'static str, &'static str);

/// The calls of a membership change, one per group.
pub const MEMBERSHIP_ADD: Call = ("PUT", "/api/v1/groups/{groupId}/users/{userId}");
pub const MEMBERSHIP_REMOVE: Call = ("DELETE", MEMBERSHIP_ADD.1);

/// Adds `user` to `group` (or removes it), after `mark_sent`: the row's status and group
/// status are `Success`, or `Failed` with Okta's error. The one way every command that
/// changes a membership row sends it.
pub async fn change_membership(
    ctx: &RowContext,
    mut result: RowResult,
    add: bool,
    group: &str,
    user: &okta_model::UserId,
) -> RowResult {
    let call = if add {
        MEMBERSHIP_ADD
    } else {
        MEMBERSHIP_REMOVE
    };
    if !ctx.mark_sent(&mut result, &[call]).await {
        return result;
    }
    let groups = ctx.client.groups();
    let group = okta_model::GroupId::from(group);
    let sent = if add {
        groups.add_member(&group, user).await
    } else {
        groups.remove_member(&group, user).await
    };
    match sent {
        Ok(()) => {
            result.user_creation_status = CreationStatus::Success;
            result.group_assignment = crate::outcome::GroupStatus::Success;
        }
        Err(e) => {
            result.group_assignment = crate::outcome::GroupStatus::Failed;
            result.set_error(&e);
        }
    }
    result
}

impl RowContext {
    /// Records, durably, that `result`'s row is about to send `calls` (its first write). A
    /// journal that cannot be written stops the run, and the row ends unsettled with the
    /// reason: answers whether the row may go on. In a dry run the row ends here: `Planned`,
    /// with the calls it would send.
    pub async fn mark_sent(&self, result: &mut RowResult, calls: &[Call]) -> bool {
        if self.preview {
            self.plan(result, calls);
            result.user_creation_status = CreationStatus::Planned;
            return false;
        }
        let Some(journal) = &self.journal else {
            return true;
        };
        match journal.sent(result.seq).await {
            Ok(()) => true,
            Err(e) => {
                self.stop.set(StopReason::Unwritable(e.to_string()));
                result.error_message = e.to_string();
                result.unsettled = true;
                false
            }
        }
    }
}

impl RowContext {
    /// Adds `calls` to what a dry run's row would send, by rate-limit bucket (Okta's mapping,
    /// `Bucket::for_request`).
    pub fn plan(&self, result: &mut RowResult, calls: &[Call]) {
        result.planned.extend(
            calls
                .iter()
                .map(|(method, path)| Bucket::for_request(method, path)),
        );
    }
}

/// What looking a row's user up found.
#[derive(Debug)]
pub enum Lookup {
    Found(Box<User>),
    /// No user has this id or login; the row's result says so.
    NotFound,
    /// The lookup failed; the row's result holds Okta's error.
    Failed,
}

impl RowContext {
    /// The user with this login, if any (`find_by_login`); in a dry run through its batches.
    /// A user found here is one the run reads with a GET.
    pub async fn find_login(&self, login: &str) -> Result<Option<User>, okta_client::Error> {
        match &self.reads {
            Some(reads) => {
                let found = reads.lookup.find(login).await;
                // A login not batched was read here as the run reads it, and counted so.
                if let (Ok(Some(_)), true) = (&found, okta_client::batchable(login)) {
                    reads.run_gets.fetch_add(1, Ordering::Relaxed);
                }
                found
            }
            None => self.client.users().find_by_login(login).await,
        }
    }
}

/// The row's user, by id or login: every command that names users finds them this one way. Okta
/// reads a user by id or login with one GET, except a login that holds `/`, which its spec says
/// cannot be read that way: that one is found through a `filter` on `profile.login`. A dry run
/// finds the keys a filter finds as the GET does (`okta_client::batchable`) in its batches; a
/// key they do not find is read as the run reads it, so the row gets Okta's own answer.
pub async fn find_user(ctx: &RowContext, key: &str, result: &mut RowResult) -> Lookup {
    if let (Some(reads), true) = (&ctx.reads, okta_client::batchable(key)) {
        if let Ok(Some(user)) = reads.lookup.find(key).await {
            reads.run_gets.fetch_add(1, Ordering::Relaxed);
            return Lookup::Found(Box::new(user));
        }
    }
    let users = ctx.client.users();
    if key.contains('/') {
        return match users.find_by_login(key).await {
            Ok(Some(user)) => Lookup::Found(Box::new(user)),
            Ok(None) => {
                result.error_message = format!(
                    "no user has the login {key} (looked up with a filter on profile.login)"
                );
                Lookup::NotFound
            }
            Err(e) => {
                result.set_error(&e);
                Lookup::Failed
            }
        };
    }
    match users.get(key).await {
        Ok(user) => Lookup::Found(Box::new(user)),
        Err(e) => {
            result.set_error(&e);
            if e.status() == Some(404) {
                Lookup::NotFound
            } else {
                Lookup::Failed
            }
        }
    }
}

/// Fills the result's user columns (id, status, names) from the user Okta answered.
pub fn fill_user(result: &mut RowResult, user: &User) {
    result.id = user.id.0.clone();
    result.user_status = user.status.as_str().to_owned();
    if let Some(first) = user.profile.str("firstName") {
        result.first_name = first.to_owned();
    }
    if let Some(last) = user.profile.str("lastName") {
        result.last_name = last.to_owned();
    }
}

/// A row found already as it asks: `Unchanged`, or `Success` when an earlier run of the same
/// command sent it (the change was most likely that run's, its answer lost).
pub fn already(result: &mut RowResult, earlier: &Option<Entry>) {
    result.user_creation_status = if matches!(earlier, Some(Entry::Sent(_))) {
        CreationStatus::Success
    } else {
        CreationStatus::Unchanged
    };
}
