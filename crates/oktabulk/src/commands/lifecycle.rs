//! `oktabulk users activate|reactivate|deactivate|suspend|unsuspend|unlock|expire-password|
//! delete FILE`: each row reads its user and sends the operation only when the user is not
//! already where it leads (`Unchanged` otherwise). `delete` deactivates first when the user is
//! not deactivated yet (Okta's two-step delete), and a user that is gone is already deleted.
//! Deactivating and deleting ask first.

use crate::bulk::Extra;
use crate::cli::{GlobalArgs, LifecycleArgs};
use crate::commands::{run_with, settings, ReadOptions};
use crate::engine::ops::{already, fill_user, find_user, not_mine, Call, Job, Lookup, RowContext};
use crate::exit::AppError;
use crate::input::{FileKind, RowOp, UserRow};
use crate::journal::Entry;
use crate::outcome::{Action, ActivationLink, CreationStatus, RowResult};
use crate::outcome::{ResultsTable, USER_RESULTS};
use futures_util::future::BoxFuture;
use okta_client::Error;
use okta_model::UserStatus;
use std::sync::Arc;

/// One of Okta's user lifecycle operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Activate,
    Reactivate,
    Deactivate,
    Suspend,
    Unsuspend,
    Unlock,
    ExpirePassword,
    Delete,
}

impl Lifecycle {
    pub fn action(self) -> Action {
        match self {
            Lifecycle::Activate => Action::Activate,
            Lifecycle::Reactivate => Action::Reactivate,
            Lifecycle::Deactivate => Action::Deactivate,
            Lifecycle::Suspend => Action::Suspend,
            Lifecycle::Unsuspend => Action::Unsuspend,
            Lifecycle::Unlock => Action::Unlock,
            Lifecycle::ExpirePassword => Action::ExpirePassword,
            Lifecycle::Delete => Action::Delete,
        }
    }

    /// Whether a user in `status` already is where this operation leads.
    fn done(self, status: UserStatus) -> bool {
        use UserStatus::*;
        match self {
            // A PROVISIONED user is activated and waits for its first sign-in.
            Lifecycle::Activate => matches!(status, Active | Provisioned),
            Lifecycle::Reactivate => matches!(status, Active),
            Lifecycle::Deactivate => matches!(status, Deprovisioned),
            Lifecycle::Suspend => matches!(status, Suspended),
            Lifecycle::Unsuspend => !matches!(status, Suspended),
            Lifecycle::Unlock => !matches!(status, LockedOut),
            Lifecycle::ExpirePassword => matches!(status, PasswordExpired),
            Lifecycle::Delete => false,
        }
    }

    /// The calls it sends for a user in `status` (one, but for a delete of a user not yet
    /// deactivated).
    fn calls(self, status: UserStatus) -> &'static [Call] {
        const DELETE: Call = ("DELETE", "/api/v1/users/{userId}");
        match self {
            Lifecycle::Activate => &[("POST", "/api/v1/users/{userId}/lifecycle/activate")],
            Lifecycle::Reactivate => &[("POST", "/api/v1/users/{userId}/lifecycle/reactivate")],
            Lifecycle::Deactivate => &[("POST", "/api/v1/users/{userId}/lifecycle/deactivate")],
            Lifecycle::Suspend => &[("POST", "/api/v1/users/{userId}/lifecycle/suspend")],
            Lifecycle::Unsuspend => &[("POST", "/api/v1/users/{userId}/lifecycle/unsuspend")],
            Lifecycle::Unlock => &[("POST", "/api/v1/users/{userId}/lifecycle/unlock")],
            Lifecycle::ExpirePassword => {
                &[("POST", "/api/v1/users/{userId}/lifecycle/expire_password")]
            }
            Lifecycle::Delete if status == UserStatus::Deprovisioned => &[DELETE],
            Lifecycle::Delete => &[
                ("POST", "/api/v1/users/{userId}/lifecycle/deactivate"),
                DELETE,
            ],
        }
    }

    /// The command as it is typed.
    pub fn typed(self) -> &'static str {
        match self {
            Lifecycle::Activate => "users activate",
            Lifecycle::Reactivate => "users reactivate",
            Lifecycle::Deactivate => "users deactivate",
            Lifecycle::Suspend => "users suspend",
            Lifecycle::Unsuspend => "users unsuspend",
            Lifecycle::Unlock => "users unlock",
            Lifecycle::ExpirePassword => "users expire-password",
            Lifecycle::Delete => "users delete",
        }
    }

    /// What a summary calls a row this operation did.
    pub fn done_word(self) -> &'static str {
        match self {
            Lifecycle::Activate => "activated",
            Lifecycle::Reactivate => "reactivated",
            Lifecycle::Deactivate => "deactivated",
            Lifecycle::Suspend => "suspended",
            Lifecycle::Unsuspend => "unsuspended",
            Lifecycle::Unlock => "unlocked",
            Lifecycle::ExpirePassword => "expired",
            Lifecycle::Delete => "deleted",
        }
    }

    /// Whether it loses access or data, and so is confirmed before it runs.
    pub fn destructive(self) -> bool {
        matches!(self, Lifecycle::Deactivate | Lifecycle::Delete)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LifecycleJob {
    pub operation: Lifecycle,
    /// Whether Okta sends its email (activation, deactivation notice to the admin); `None`
    /// follows Okta's default for the operation.
    pub send_email: Option<bool>,
}

impl LifecycleJob {
    /// Whether Okta sends its email: as asked, else Okta's default (only an activation's is
    /// sent by default; okta-api.md, lifecycle).
    pub fn sends_email(&self) -> bool {
        self.send_email
            .unwrap_or(self.operation == Lifecycle::Activate)
    }
}

/// The results: the users' columns (`crate::outcome::USER_RESULTS`).
pub const RESULTS: ResultsTable = USER_RESULTS;

pub async fn run(
    global: &GlobalArgs,
    operation: Lifecycle,
    args: &LifecycleArgs,
) -> Result<u8, AppError> {
    let lifecycle = LifecycleJob {
        operation,
        send_email: args.send_email,
    };
    let settings = settings(
        global,
        &args.bulk,
        operation.typed(),
        format!(
            "sendEmail={} skipInvalid={}",
            lifecycle.sends_email(),
            args.bulk.skip_invalid
        ),
        operation.done_word(),
        &RESULTS,
    );
    let confirm = operation.destructive().then_some((
        if operation == Lifecycle::Delete {
            "Delete, for good,"
        } else {
            "Deactivate"
        },
        args.yes,
    ));
    let mut extra = Extra::default();
    if matches!(
        operation,
        Lifecycle::Activate | Lifecycle::Reactivate | Lifecycle::Deactivate | Lifecycle::Delete
    ) {
        extra.notes.push(match (operation, lifecycle.sends_email()) {
            (Lifecycle::Activate | Lifecycle::Reactivate, true) => {
                "email: Okta emails each user the activation (--send-email false: activation links in the results file instead)"
            }
            (Lifecycle::Activate | Lifecycle::Reactivate, false) => {
                "email: none sent; each user's activation link goes to the results file (activationUrl, activationToken)"
            }
            (_, true) => "email: Okta emails the admins that each user was deactivated",
            (_, false) => "email: none sent",
        });
    }
    run_with(
        global,
        settings,
        FileKind::UserList,
        ReadOptions::default(),
        |_| Arc::new(lifecycle),
        confirm,
        extra,
    )
    .await
}

impl Job for LifecycleJob {
    fn process<'a>(
        &'a self,
        ctx: &'a RowContext,
        op: &'a RowOp,
        earlier: Option<Entry>,
    ) -> BoxFuture<'a, RowResult> {
        Box::pin(async move {
            match op {
                RowOp::Lifecycle(row) => apply(ctx, self, row, earlier).await,
                op => not_mine(self, op),
            }
        })
    }
}

/// A user to delete that the org does not know: deleted already only if this command sent its
/// delete (an answer lost), or the finished run of this file before this one deleted it; else
/// the row fails, as a mistyped login must.
fn gone(ctx: &RowContext, result: &mut RowResult, earlier: &Option<Entry>) {
    if matches!(earlier, Some(Entry::Sent(_))) {
        already(result, earlier);
        result.error_message.clear();
        result.error_code.clear();
        return;
    }
    let deleted_before = ctx.previous.as_ref().and_then(|p| {
        p.result(result.seq)
            .filter(|r| r.action == Action::Delete && !r.failed())
            .map(|r| (p.finished.clone(), r))
    });
    if let Some((finished, earlier_row)) = deleted_before {
        result.user_creation_status = CreationStatus::Unchanged;
        result.id = earlier_row.id;
        result.error_code.clear();
        result.request_id.clear();
        result.error_message =
            format!("deleted by the run of this file that finished at {finished}");
        return;
    }
    result.error_message = format!(
        "{}; nothing was deleted: check the login or id",
        result.error_message
    );
}

async fn apply(
    ctx: &RowContext,
    job: &LifecycleJob,
    row: &UserRow,
    earlier: Option<Entry>,
) -> RowResult {
    let mut result = RowResult::new(row.seq, row.line, &row.key, job.operation.action());
    let users = ctx.client.users();
    let user = match find_user(ctx, &row.key, &mut result).await {
        Lookup::Found(user) => user,
        Lookup::NotFound if job.operation == Lifecycle::Delete => {
            gone(ctx, &mut result, &earlier);
            return result;
        }
        Lookup::NotFound | Lookup::Failed => return result,
    };
    fill_user(&mut result, &user);
    result.login = user.profile.login().unwrap_or(&row.key).to_owned();
    if job.operation.done(user.status) {
        already(&mut result, &earlier);
        return result;
    }
    if !ctx
        .mark_sent(&mut result, job.operation.calls(user.status))
        .await
    {
        return result;
    }
    let id = &user.id;
    let send_email = job.sends_email();
    let sent: Result<(), Error> = match job.operation {
        Lifecycle::Activate | Lifecycle::Reactivate => {
            let answer = if job.operation == Lifecycle::Activate {
                users.activate(id, send_email).await
            } else {
                users.reactivate(id, send_email).await
            };
            answer.map(|token| result.activation = ActivationLink::from_answer(token))
        }
        Lifecycle::Deactivate => users.deactivate(id, send_email).await,
        Lifecycle::Suspend => users.suspend(id).await,
        Lifecycle::Unsuspend => users.unsuspend(id).await,
        Lifecycle::Unlock => users.unlock(id).await,
        Lifecycle::ExpirePassword => users.expire_password(id).await.map(drop),
        Lifecycle::Delete => {
            let deactivated = if user.status == UserStatus::Deprovisioned {
                Ok(())
            } else {
                users.deactivate(id, send_email).await
            };
            match deactivated {
                Ok(()) => users.delete(id).await,
                Err(e) => Err(e),
            }
        }
    };
    match sent {
        Ok(()) => {
            result.user_creation_status = CreationStatus::Success;
            // Moved by this call; Okta's answer does not say where to.
            result.user_status.clear();
        }
        Err(e) => result.set_error(&e),
    }
    result
}
