//! `oktabulk groups add-members|remove-members FILE`: one membership per row. The user's groups
//! are read first, so that adding a member already there, or removing one who is not, is
//! `Unchanged` and sends nothing; groups whose members cannot change (BUILT_IN, APP_GROUP) are
//! sent as asked and fail with Okta's own error.

use crate::bulk::Extra;
use crate::cli::{BulkArgs, GlobalArgs};
use crate::commands::{run_with, settings, ReadOptions};
use crate::engine::ops::{
    already, change_membership, fill_user, find_user, not_mine, Job, Lookup, RowContext,
};
use crate::exit::AppError;
use crate::input::{FileKind, MembershipRow, RowOp};
use crate::journal::Entry;
use crate::outcome::{Action, GroupStatus, RowResult};
use crate::outcome::{ResultsTable, MEMBERSHIP_RESULTS};
use futures_util::future::BoxFuture;
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct MembersJob {
    /// Add (`add-members`) or remove (`remove-members`).
    pub add: bool,
    /// Groups of the org whose members cannot change, by id.
    pub fixed: HashSet<String>,
}

/// The results: one membership per row (`crate::outcome::MEMBERSHIP_RESULTS`).
pub const RESULTS: ResultsTable = MEMBERSHIP_RESULTS;

pub async fn run(global: &GlobalArgs, add: bool, args: &BulkArgs) -> Result<u8, AppError> {
    let command = if add {
        "groups add-members"
    } else {
        "groups remove-members"
    };
    let settings = settings(
        global,
        args,
        command,
        format!("skipInvalid={}", args.skip_invalid),
        if add { "added" } else { "removed" },
        &RESULTS,
    );
    run_with(
        global,
        settings,
        FileKind::Memberships,
        ReadOptions::default(),
        |groups| {
            Arc::new(MembersJob {
                add,
                fixed: groups.fixed.keys().cloned().collect(),
            })
        },
        None,
        Extra::default(),
    )
    .await
}

impl Job for MembersJob {
    fn process<'a>(
        &'a self,
        ctx: &'a RowContext,
        op: &'a RowOp,
        earlier: Option<Entry>,
    ) -> BoxFuture<'a, RowResult> {
        Box::pin(async move {
            match op {
                RowOp::Membership(row) => apply(ctx, self, row, earlier).await,
                op => not_mine(self, op),
            }
        })
    }
}

async fn apply(
    ctx: &RowContext,
    job: &MembersJob,
    row: &MembershipRow,
    earlier: Option<Entry>,
) -> RowResult {
    let action = if job.add {
        Action::AddMember
    } else {
        Action::RemoveMember
    };
    let mut result = RowResult::new(row.seq, row.line, &row.user, action);
    result.group = row.group_name.clone();
    result.group_id = row.group.clone();
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
    change_membership(ctx, result, job.add, &row.group, &id).await
}
