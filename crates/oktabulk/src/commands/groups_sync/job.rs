//! `groups sync`'s rows: a file row keeps its user in the group (added when the plan found it
//! missing, `Unchanged` when it was a member), and a removal row (after the file's rows, as
//! the plan decided them, see `crate::commands::groups_sync`) takes a member the file leaves out of the group.
//! A removal reads the user's groups first, so a member already gone is `Unchanged`, or
//! `Success` when an interrupted run of the same command had sent it.

use crate::engine::ops::{
    already, change_membership, fill_user, find_user, not_mine, Job, Lookup, RowContext,
};
use crate::input::{MembershipRow, RemovalRow, RowOp};
use crate::journal::Entry;
use crate::outcome::{Action, GroupStatus, RowResult};
use futures_util::future::BoxFuture;
use okta_model::{UserId, UserStatus};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct SyncJob {
    /// Each synced group's members when the plan read them, by group id: every member's id
    /// and lower-cased login, to its id.
    pub members: Arc<HashMap<String, HashMap<String, String>>>,
    /// File rows the plan refused (a user that does not exist or is DEPROVISIONED), by group
    /// id and lower-cased user key, with why: sent nothing (reached with `--skip-invalid`).
    pub refused: Arc<HashMap<(String, String), String>>,
}

impl Job for SyncJob {
    fn process<'a>(
        &'a self,
        ctx: &'a RowContext,
        op: &'a RowOp,
        earlier: Option<Entry>,
    ) -> BoxFuture<'a, RowResult> {
        Box::pin(async move {
            match op {
                RowOp::Membership(row) => keep(ctx, self, row, earlier).await,
                RowOp::Removal(row) => remove(ctx, row, earlier).await,
                op => not_mine(self, op),
            }
        })
    }
}

/// A file row: the user stays in, or is put into, the group.
async fn keep(
    ctx: &RowContext,
    job: &SyncJob,
    row: &MembershipRow,
    earlier: Option<Entry>,
) -> RowResult {
    let mut result = RowResult::new(row.seq, row.line, &row.user, Action::AddMember);
    result.group = row.group_name.clone();
    result.group_id = row.group.clone();
    let key = (row.group.clone(), row.user.to_lowercase());
    if let Some(why) = job.refused.get(&key) {
        result.error_message = why.clone();
        return result;
    }
    if let Some(id) = job.members.get(&row.group).and_then(|m| m.get(&key.1)) {
        result.id = id.clone();
        already(&mut result, &earlier);
        result.group_assignment = GroupStatus::Success;
        return result;
    }
    let user = match find_user(ctx, &row.user, &mut result).await {
        Lookup::Found(user) => user,
        Lookup::NotFound | Lookup::Failed => return result,
    };
    fill_user(&mut result, &user);
    if user.status == UserStatus::Deprovisioned {
        result.error_message =
            "the user is DEPROVISIONED: reactivate it first (users reactivate), or leave it out of the file"
                .into();
        return result;
    }
    change_membership(ctx, result, true, &row.group, &user.id).await
}

/// A removal row: the member the file leaves out leaves the group.
async fn remove(ctx: &RowContext, row: &RemovalRow, earlier: Option<Entry>) -> RowResult {
    let mut result = RowResult::new(row.seq, 0, &row.login, Action::RemoveMember);
    result.group = row.group_name.clone();
    result.group_id = row.group.clone();
    result.id = row.user.clone();
    let user = UserId::from(row.user.as_str());
    match ctx.client.users().groups(&user).await {
        Ok(groups) if !groups.iter().any(|g| g.id.0 == row.group) => {
            already(&mut result, &earlier);
            result.group_assignment = GroupStatus::Success;
            return result;
        }
        Ok(_) => {}
        Err(e) => {
            result.set_error(&e);
            return result;
        }
    }
    change_membership(ctx, result, false, &row.group, &user).await
}
