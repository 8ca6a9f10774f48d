//! `groups add-members` and `groups remove-members`: one membership per row. The user's groups
//! are read first, so that adding a member already there, or removing one who is not, is
//! `Unchanged` and sends nothing; groups whose members cannot change (BUILT_IN, APP_GROUP) are
//! sent as asked and fail with Okta's own error.

use crate::engine::ops::{already, find_user, Lookup, RowContext, MEMBERSHIP_ADD};
use crate::engine::row::fill_user;
use crate::input::MembershipRow;
use crate::journal::Entry;
use crate::outcome::{Action, CreationStatus, GroupStatus, RowResult};
use okta_model::GroupId;
use std::collections::HashSet;

#[derive(Debug, Clone)]
pub struct MembersJob {
    /// Add (`add-members`) or remove (`remove-members`).
    pub add: bool,
    /// Groups of the org whose members cannot change, by id.
    pub fixed: HashSet<String>,
}

pub async fn apply(
    ctx: &RowContext,
    job: &MembersJob,
    row: MembershipRow,
    earlier: Option<Entry>,
) -> RowResult {
    let action = if job.add {
        Action::AddMember
    } else {
        Action::RemoveMember
    };
    let mut result = RowResult::new(row.seq, row.line, &row.user, action);
    let users = ctx.client.users();
    let user = match find_user(ctx, &row.user, &mut result).await {
        Lookup::Found(user) => user,
        Lookup::NotFound | Lookup::Failed => return result,
    };
    fill_user(&mut result, &user);
    let id = user.id.clone();
    if !job.fixed.contains(&row.group) {
        match users.groups(&id).await {
            Ok(groups) => {
                let member = groups.iter().any(|g| g.id.0 == row.group);
                if member == job.add {
                    already(&mut result, &earlier);
                    result.group_assignment = GroupStatus::Success;
                    return result;
                }
            }
            Err(e) => {
                result.set_error(&e);
                return result;
            }
        }
    }
    let call = if job.add {
        MEMBERSHIP_ADD
    } else {
        ("DELETE", MEMBERSHIP_ADD.1)
    };
    if !ctx.mark_sent(&mut result, &[call]).await {
        return result;
    }
    let groups = ctx.client.groups();
    let sent = if job.add {
        groups
            .add_member(&GroupId::from(row.group.as_str()), &id)
            .await
    } else {
        groups
            .remove_member(&GroupId::from(row.group.as_str()), &id)
            .await
    };
    match sent {
        Ok(()) => {
            result.user_creation_status = CreationStatus::Success;
            result.group_assignment = GroupStatus::Success;
        }
        Err(e) => {
            result.group_assignment = GroupStatus::Failed;
            result.set_error(&e);
        }
    }
    result
}
