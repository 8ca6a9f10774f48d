//! `apps assign` and `apps unassign`: one user's or group's assignment to an app per row. The
//! assignment is read first, so a row the org already matches is `Unchanged` and sends nothing;
//! a user who has the app only through a group is not assigned again on top (`Unchanged` when
//! the row asks nothing of its own), and unassigning one is sent and fails with Okta's E0000046.

use crate::engine::ops::{already, fill_user, find_user, not_mine, Job, Lookup, RowContext};
use crate::input::values::cell_text;
use crate::input::{AppRow, AppTarget, RowOp};
use crate::journal::Entry;
use crate::outcome::{Action, CreationStatus, RowResult};
use futures_util::future::BoxFuture;
use okta_model::{
    AppGroupRequest, AppId, AppUser, AppUserCredentials, AppUserRequest, GroupId, UserId,
};

#[derive(Debug, Clone)]
pub struct AppsJob {
    /// Assign (`apps assign`) or unassign (`apps unassign`).
    pub assign: bool,
}

/// The calls of an assignment, as Okta's rate limits count them.
const USER_ASSIGN: crate::engine::ops::Call = ("POST", "/api/v1/apps/{appId}/users");
const USER_UNASSIGN: crate::engine::ops::Call = ("DELETE", "/api/v1/apps/{appId}/users/{userId}");
const GROUP_ASSIGN: crate::engine::ops::Call = ("PUT", "/api/v1/apps/{appId}/groups/{groupId}");
const GROUP_UNASSIGN: crate::engine::ops::Call =
    ("DELETE", "/api/v1/apps/{appId}/groups/{groupId}");

impl Job for AppsJob {
    fn process<'a>(
        &'a self,
        ctx: &'a RowContext,
        op: &'a RowOp,
        earlier: Option<Entry>,
    ) -> BoxFuture<'a, RowResult> {
        Box::pin(async move {
            match op {
                RowOp::AppAssignment(row) => apply(ctx, self, row, earlier).await,
                op => not_mine(self, op),
            }
        })
    }
}

async fn apply(ctx: &RowContext, job: &AppsJob, row: &AppRow, earlier: Option<Entry>) -> RowResult {
    let action = if job.assign {
        Action::AssignApp
    } else {
        Action::UnassignApp
    };
    let user = match &row.target {
        AppTarget::User(u) => u.as_str(),
        AppTarget::Group(_) => "",
    };
    let mut result = RowResult::new(row.seq, row.line, user, action);
    result.app = row.app_label.clone();
    result.app_id = row.app.clone();
    let app = AppId::from(row.app.as_str());
    match &row.target {
        AppTarget::User(key) => {
            let user = match find_user(ctx, key, &mut result).await {
                Lookup::Found(user) => user,
                Lookup::NotFound | Lookup::Failed => return result,
            };
            fill_user(&mut result, &user);
            user_row(ctx, job, row, &app, &user.id, earlier, result).await
        }
        AppTarget::Group(group) => {
            result.group = row.group_name.clone();
            result.group_id = group.clone();
            group_row(
                ctx,
                job,
                row,
                &app,
                &GroupId::from(group.as_str()),
                earlier,
                result,
            )
            .await
        }
    }
}

/// Whether the app user already is as the row asks (a password is never read back, so a row
/// with one is always sent). A cell matches a value the org holds as an export writes it, so a
/// number or a list read back from an export is no difference.
fn matches(found: &AppUser, row: &AppRow) -> bool {
    let name = found
        .credentials
        .as_ref()
        .and_then(|c| c.user_name.as_deref());
    row.password.is_none()
        && row.user_name.as_deref().is_none_or(|n| Some(n) == name)
        && row.profile.iter().all(|(k, v)| {
            found
                .profile
                .get(k)
                .is_some_and(|f| f == v || v.as_str() == Some(cell_text(Some(f)).as_str()))
        })
}

async fn user_row(
    ctx: &RowContext,
    job: &AppsJob,
    row: &AppRow,
    app: &AppId,
    user: &UserId,
    earlier: Option<Entry>,
    mut result: RowResult,
) -> RowResult {
    let apps = ctx.client.apps();
    let found = match apps.user(app, user).await {
        Ok(found) => found,
        Err(e) => {
            result.set_error(&e);
            return result;
        }
    };
    let asks_own = row.user_name.is_some() || row.password.is_some() || !row.profile.is_empty();
    let unchanged = match (&found, job.assign) {
        (None, assign) => !assign,
        (Some(f), true) => matches(f, row) && (f.scope == "USER" || !asks_own),
        (Some(_), false) => false,
    };
    if unchanged {
        already(&mut result, &earlier);
        return result;
    }
    let call = if job.assign {
        USER_ASSIGN
    } else {
        USER_UNASSIGN
    };
    if !ctx.mark_sent(&mut result, &[call]).await {
        return result;
    }
    let sent = if job.assign {
        let credentials =
            (row.user_name.is_some() || row.password.is_some()).then(|| AppUserCredentials {
                user_name: row.user_name.clone(),
                password: row
                    .password
                    .clone()
                    .map(|value| okta_model::app::AppUserPassword { value: Some(value) }),
            });
        let body = AppUserRequest {
            id: Some(user.clone()),
            scope: Some("USER".into()),
            credentials,
            profile: (!row.profile.is_empty()).then(|| row.profile.clone()),
        };
        apps.assign_user(app, &body).await.map(drop)
    } else {
        apps.unassign_user(app, user).await
    };
    match sent {
        Ok(()) => result.user_creation_status = CreationStatus::Success,
        Err(e) => result.set_error(&e),
    }
    result
}

async fn group_row(
    ctx: &RowContext,
    job: &AppsJob,
    row: &AppRow,
    app: &AppId,
    group: &GroupId,
    earlier: Option<Entry>,
    mut result: RowResult,
) -> RowResult {
    let apps = ctx.client.apps();
    let found = match apps.group(app, group).await {
        Ok(found) => found,
        Err(e) => {
            result.set_error(&e);
            return result;
        }
    };
    let unchanged = match (&found, job.assign) {
        (None, assign) => !assign,
        (Some(f), true) => row.priority.is_none_or(|p| p == f.priority),
        (Some(_), false) => false,
    };
    if unchanged {
        already(&mut result, &earlier);
        return result;
    }
    let call = if job.assign {
        GROUP_ASSIGN
    } else {
        GROUP_UNASSIGN
    };
    if !ctx.mark_sent(&mut result, &[call]).await {
        return result;
    }
    let sent = if job.assign {
        let body = AppGroupRequest {
            priority: row.priority,
            profile: None,
        };
        apps.assign_group(app, group, &body).await.map(drop)
    } else {
        apps.remove_group(app, group).await
    };
    match sent {
        Ok(()) => result.user_creation_status = CreationStatus::Success,
        Err(e) => result.set_error(&e),
    }
    result
}
