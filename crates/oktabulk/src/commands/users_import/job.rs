//! `users import`'s row: create the user with up to 20 groups at once, settle an existing login
//! as the options say, add the remaining groups, and report Okta's own error when something
//! fails.

use crate::commands::OnExists;
use crate::engine::ops::{fill_user, not_mine, Call, Job, RowContext, MEMBERSHIP_ADD};
use crate::input::{GroupTarget, ImportRow, RowOp};
use crate::journal::Entry;
use crate::outcome::{Action, CreationStatus, GroupStatus, RowResult};
use futures_util::future::BoxFuture;
use okta_client::{CreateUserOptions, Creation, Error};
use okta_model::{CreateUserRequest, GroupId, User};
use std::collections::HashMap;

use okta_model::rules::GROUP_IDS_AT_CREATION as GROUPS_AT_CREATION;

/// The create of a user.
const CREATE: Call = ("POST", "/api/v1/users");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions {
    pub activate: bool,
    pub next_login_change_password: bool,
    pub on_exists: OnExists,
}

/// The import's settings and the groups created for it, by lower-cased name.
#[derive(Debug, Clone)]
pub struct ImportJob {
    pub options: ImportOptions,
    pub created_groups: HashMap<String, String>,
}

impl ImportJob {
    fn group_ids(&self, row: &ImportRow) -> Vec<String> {
        row.groups
            .iter()
            .filter_map(|g| match g {
                GroupTarget::Id(id) => Some(id.clone()),
                GroupTarget::Create(name) => self.created_groups.get(&name.to_lowercase()).cloned(),
            })
            .collect()
    }
}

pub(crate) fn base_result(row: &ImportRow, action: Action) -> RowResult {
    let p = &row.request.profile;
    RowResult {
        first_name: p.str("firstName").unwrap_or_default().to_owned(),
        last_name: p.str("lastName").unwrap_or_default().to_owned(),
        ..RowResult::new(row.seq, row.line, row.login(), action)
    }
}

/// One row of `users import` on its way: what the finishing steps need to know of it.
struct Work<'a> {
    ctx: &'a RowContext,
    job: &'a ImportJob,
    row: &'a ImportRow,
    /// Every group the row names, by id.
    groups: Vec<String>,
}

impl Job for ImportJob {
    fn process<'a>(
        &'a self,
        ctx: &'a RowContext,
        op: &'a RowOp,
        earlier: Option<Entry>,
    ) -> BoxFuture<'a, RowResult> {
        Box::pin(async move {
            match op {
                RowOp::Create(row) => create(ctx, self, row, earlier).await,
                op => not_mine(self, op),
            }
        })
    }
}

/// Creates one row's user. `earlier` is what the journal holds for it from an interrupted run.
async fn create(
    ctx: &RowContext,
    job: &ImportJob,
    row: &ImportRow,
    earlier: Option<Entry>,
) -> RowResult {
    let work = Work {
        ctx,
        job,
        row,
        groups: job.group_ids(row),
    };
    let mut result = base_result(row, Action::Create);
    // A row sent by an interrupted run: its user may exist already.
    if let Some(Entry::Sent(sent_at)) = earlier {
        match work.settle_earlier(sent_at).await {
            Ok(Some((user, status))) => {
                return Box::pin(work.finish_existing(result, user, status)).await
            }
            Ok(None) => {}
            Err(e) => {
                result.set_error(&e);
                return result;
            }
        }
    }
    if ctx.preview {
        // The run's create finds a taken login by Okta's refusal; a dry run must look.
        match ctx.find_login(row.login()).await {
            Ok(Some(user)) => {
                ctx.plan(&mut result, &[CREATE]);
                return Box::pin(work.finish_existing(result, user, CreationStatus::Exists)).await;
            }
            Ok(None) => {}
            Err(e) => {
                result.set_error(&e);
                return result;
            }
        }
    }
    let mut calls = vec![CREATE];
    calls.resize(
        1 + work.groups.len().saturating_sub(GROUPS_AT_CREATION),
        MEMBERSHIP_ADD,
    );
    if !ctx.mark_sent(&mut result, &calls).await {
        return result;
    }
    let (request, options) = work.request();
    match ctx.client.users().create(&request, options).await {
        Ok(created) => {
            result.request_id = created.request_id.clone().unwrap_or_default();
            match created.creation {
                Creation::Created if !created.reconciled => {
                    Box::pin(work.created(result, created.user)).await
                }
                // Settled by a lookup: whether groupIds were applied is unknown, so add them all.
                Creation::Created => {
                    Box::pin(work.finish_existing(result, created.user, CreationStatus::Success))
                        .await
                }
                Creation::AlreadyExisted => {
                    Box::pin(work.finish_existing(result, created.user, CreationStatus::Exists))
                        .await
                }
            }
        }
        Err(e) if e.is_duplicate_login() && job.options.on_exists != OnExists::Fail => {
            match ctx.client.users().find_by_login(row.login()).await {
                Ok(Some(user)) => {
                    Box::pin(work.finish_existing(result, user, CreationStatus::Exists)).await
                }
                Ok(None) => {
                    result.set_error(&e);
                    result
                }
                Err(lookup) => {
                    result.set_error(&lookup);
                    result
                }
            }
        }
        Err(e) => {
            result.set_error(&e);
            result
        }
    }
}

impl Work<'_> {
    /// The row's user if an interrupted run's send made it (`Success`: created after the send,
    /// by the server's clock) or it was there before (`Exists`).
    async fn settle_earlier(
        &self,
        sent_at: std::time::SystemTime,
    ) -> Result<Option<(User, CreationStatus)>, Error> {
        let found = self
            .ctx
            .client
            .users()
            .find_by_login(self.row.login())
            .await?;
        Ok(found.map(|user| {
            let ours = std::time::SystemTime::from(user.created)
                >= self.ctx.client.server_time_of(sent_at);
            let status = if ours {
                CreationStatus::Success
            } else {
                CreationStatus::Exists
            };
            (user, status)
        }))
    }

    /// The create: the row's profile and credentials, its first groups, the import's options.
    fn request(&self) -> (CreateUserRequest, CreateUserOptions) {
        let mut request: CreateUserRequest = self.row.request.clone();
        request.group_ids = self
            .groups
            .iter()
            .take(GROUPS_AT_CREATION)
            .map(|g| GroupId(g.clone()))
            .collect();
        // A row the source marks disabled is created STAGED (its mapping says so).
        let activate = self.job.options.activate && !self.row.staged;
        let mut options = CreateUserOptions::default();
        options.activate = activate;
        options.provider = request
            .credentials
            .as_ref()
            .is_some_and(|c| c.provider.is_some());
        options.next_login_change_password =
            self.job.options.next_login_change_password && activate;
        (request, options)
    }

    /// Created with its first groups: the rest go by membership calls.
    async fn created(&self, mut result: RowResult, user: User) -> RowResult {
        result.user_creation_status = CreationStatus::Success;
        fill_user(&mut result, &user);
        if !self.groups.is_empty() {
            result.group_assignment = GroupStatus::Success;
        }
        let rest = &self.groups[self.groups.len().min(GROUPS_AT_CREATION)..];
        assign_groups(self.ctx, &mut result, &user, rest).await;
        result
    }

    /// The login exists (`Exists`) or was settled as created (`Success`): apply `--on-exists`
    /// and add every group by membership calls, which are idempotent.
    async fn finish_existing(
        &self,
        mut result: RowResult,
        user: User,
        status: CreationStatus,
    ) -> RowResult {
        fill_user(&mut result, &user);
        result.user_creation_status = status;
        if status == CreationStatus::Exists {
            match self.job.options.on_exists {
                OnExists::Skip => result.action = Action::Skip,
                OnExists::Fail => {
                    result.user_creation_status = CreationStatus::Failed;
                    result.action = Action::None;
                    result.error_message = "the login already exists (--on-exists fail)".into();
                    return result;
                }
                OnExists::Update
                    if crate::commands::users_update::same(
                        &user,
                        &self.row.request.profile,
                        false,
                    ) =>
                {
                    result.action = Action::Update;
                    result.user_creation_status = CreationStatus::Unchanged;
                }
                OnExists::Update => {
                    result.action = Action::Update;
                    if !self
                        .ctx
                        .mark_sent(&mut result, &[("POST", "/api/v1/users/{userId}")])
                        .await
                    {
                        if self.ctx.preview {
                            let adds = vec![MEMBERSHIP_ADD; self.groups.len()];
                            self.ctx.plan(&mut result, &adds);
                        }
                        return result;
                    }
                    let update = CreateUserRequest {
                        profile: self.row.request.profile.clone(),
                        ..Default::default()
                    };
                    match self.ctx.client.users().update(&user.id, &update).await {
                        Ok(updated) => {
                            result.user_creation_status = CreationStatus::Updated;
                            fill_user(&mut result, &updated);
                        }
                        Err(e) => {
                            result.user_creation_status = CreationStatus::Failed;
                            result.set_error(&e);
                            return result;
                        }
                    }
                }
            }
        }
        assign_groups(self.ctx, &mut result, &user, &self.groups).await;
        result
    }
}

/// Adds `groups` by membership calls. The row's group status covers every group it names, so
/// it is `Success` only if none of these fails (and is left as is when there are none).
async fn assign_groups(ctx: &RowContext, result: &mut RowResult, user: &User, groups: &[String]) {
    if groups.is_empty() {
        return;
    }
    if ctx.preview {
        ctx.plan(result, &vec![MEMBERSHIP_ADD; groups.len()]);
        return;
    }
    let mut failures: Vec<(String, Error)> = Vec::new();
    for group in groups {
        if let Err(e) = ctx
            .client
            .groups()
            .add_member(&GroupId::from(group.as_str()), &user.id)
            .await
        {
            failures.push((group.clone(), e));
        }
    }
    match failures.first() {
        None => result.group_assignment = GroupStatus::Success,
        Some((group, e)) => {
            result.group_assignment = GroupStatus::Failed;
            let message = format!("group {group}: {e}");
            result.set_error(e);
            result.unsettled = failures.iter().any(|(_, e)| e.is_transient());
            result.error_message = if failures.len() > 1 {
                format!("{message} (and {} more groups)", failures.len() - 1)
            } else {
                message
            };
        }
    }
}
