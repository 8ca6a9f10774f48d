//! `groups import`'s row: a group name that exists is `Exists` (or, with `--on-exists update`,
//! its description is updated, `Unchanged` when it already matches); a new name is created.

use crate::engine::ops::RowContext;
use crate::engine::row::OnExists;
use crate::input::GroupRow;
use crate::outcome::{Action, CreationStatus, RowResult};
use okta_model::GroupProfile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupsJob {
    pub on_exists: OnExists,
}

pub async fn import(ctx: &RowContext, job: &GroupsJob, row: GroupRow) -> RowResult {
    let mut result = RowResult::new(row.seq, row.line, &row.name, Action::CreateGroup);
    let groups = ctx.client.groups();
    let profile = GroupProfile {
        name: row.name.clone(),
        description: row.description.clone(),
        custom: Default::default(),
    };
    match groups.find_by_name(&row.name).await {
        Ok(Some(existing)) => {
            result.id = existing.id.0.clone();
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
                    result.id = group.id.0;
                    result.user_creation_status = CreationStatus::Success;
                }
                Err(e) => result.set_error(&e),
            }
        }
        Err(e) => result.set_error(&e),
    }
    result
}
