//! `oktabulk groups import FILE`: a group name that exists is `Exists` (or, with
//! `--on-exists update`, its description is updated, `Unchanged` when it already matches); a
//! new name is created.

use crate::bulk::Extra;
use crate::cli::{GlobalArgs, GroupsImportArgs};
use crate::commands::{run_with, settings, OnExists, ReadOptions};
use crate::engine::ops::{not_mine, Job, RowContext};
use crate::exit::AppError;
use crate::input::{FileKind, GroupRow, RowOp};
use crate::journal::Entry;
use crate::outcome::{Action, CreationStatus, RowResult};
use crate::outcome::{Cell, Column, ResultsTable};
use futures_util::future::BoxFuture;
use okta_model::GroupProfile;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupsJob {
    pub on_exists: OnExists,
}

/// The results: one group per row. `groups import` reads such a file back as it is (`name`,
/// `description`).
pub const RESULTS: ResultsTable = ResultsTable {
    columns: &{
        use crate::outcome::columns::*;
        [
            Column {
                name: "name",
                cell: |r| Cell::Text(r.group.clone()),
            },
            Column {
                name: "id",
                cell: |r| Cell::Text(r.group_id.clone()),
            },
            Column {
                name: "description",
                cell: |r| Cell::Text(r.description.clone()),
            },
            STATUS,
            TAIL[0],
            TAIL[1],
            TAIL[2],
            TAIL[3],
            TAIL[4],
            TAIL[5],
            TAIL[6],
        ]
    },
};

pub async fn run(global: &GlobalArgs, args: &GroupsImportArgs) -> Result<u8, AppError> {
    let on_exists = OnExists::from_cli(args.on_exists);
    let settings = settings(
        global,
        &args.bulk,
        "groups import",
        format!(
            "onExists={} skipInvalid={}",
            on_exists.journal_word(),
            args.bulk.skip_invalid
        ),
        "created",
        &RESULTS,
    );
    run_with(
        global,
        settings,
        FileKind::GroupsImport,
        ReadOptions::default(),
        |_| Arc::new(GroupsJob { on_exists }),
        None,
        Extra::default(),
    )
    .await
}

impl Job for GroupsJob {
    fn process<'a>(
        &'a self,
        ctx: &'a RowContext,
        op: &'a RowOp,
        _earlier: Option<Entry>,
    ) -> BoxFuture<'a, RowResult> {
        Box::pin(async move {
            match op {
                RowOp::Group(row) => import(ctx, self, row).await,
                op => not_mine(self, op),
            }
        })
    }

    fn looks_users_up(&self) -> bool {
        false
    }
}

async fn import(ctx: &RowContext, job: &GroupsJob, row: &GroupRow) -> RowResult {
    let mut result = RowResult::new(row.seq, row.line, "", Action::CreateGroup);
    result.group = row.name.clone();
    result.description = row.description.clone().unwrap_or_default();
    let groups = ctx.client.groups();
    let profile = GroupProfile {
        name: row.name.clone(),
        description: row.description.clone(),
        custom: Default::default(),
    };
    match groups.find_by_name(&row.name).await {
        Ok(Some(existing)) => {
            result.group_id = existing.id.0.clone();
            // The group as it is, unless this row updates it.
            if job.on_exists != OnExists::Update {
                result.group.clone_from(&existing.profile.name);
                result.description = existing.profile.description.clone().unwrap_or_default();
            }
            match job.on_exists {
                OnExists::Skip => {
                    result.action = Action::Skip;
                    result.user_creation_status = CreationStatus::Exists;
                }
                OnExists::Fail => {
                    result.action = Action::None;
                    result.error_message = "the group already exists (--on-exists fail)".into();
                }
                OnExists::Update => {
                    result.action = Action::Update;
                    if existing.profile.description == profile.description {
                        result.user_creation_status = CreationStatus::Unchanged;
                    } else if ctx
                        .mark_sent(&mut result, &[("PUT", "/api/v1/groups/{groupId}")])
                        .await
                    {
                        match groups.replace(&existing.id, &profile).await {
                            Ok(_) => result.user_creation_status = CreationStatus::Updated,
                            Err(e) => result.set_error(&e),
                        }
                    }
                }
            }
        }
        Ok(None) => {
            if !ctx
                .mark_sent(&mut result, &[("POST", "/api/v1/groups")])
                .await
            {
                return result;
            }
            match groups.create(&profile).await {
                Ok(group) => {
                    result.group_id = group.id.0;
                    result.user_creation_status = CreationStatus::Success;
                }
                Err(e) => result.set_error(&e),
            }
        }
        Err(e) => result.set_error(&e),
    }
    result
}
