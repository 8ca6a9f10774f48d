//! What every row's work shares: the context (the client, the journal, the stop signal, the
//! command's job) and the dispatch from a row's operation to the module that does it. Each
//! operation ends as one `RowResult`: `Success`, `Unchanged` when the org already was as the row
//! asks (nothing is sent), or `Failed` with Okta's error.

use crate::engine::row::{create, ImportJob};
use crate::engine::stop::{Stop, StopReason};
use crate::engine::{groups, lifecycle, members, update};
use crate::input::RowOp;
use crate::journal::{Entry, Journal};
use crate::outcome::{CreationStatus, RowResult};
use okta_client::Client;
use std::sync::Arc;

/// The command a run does, with its settings.
#[derive(Debug, Clone)]
pub enum Job {
    Import(ImportJob),
    Update(update::UpdateJob),
    Lifecycle(lifecycle::LifecycleJob),
    Members(members::MembersJob),
    Groups(groups::GroupsJob),
}

#[derive(Debug)]
pub struct RowContext {
    pub client: Client,
    pub job: Job,
    pub journal: Option<Arc<Journal>>,
    /// Stops the run (a journal that cannot be written stops it here).
    pub stop: Arc<Stop>,
    /// Send again rows an earlier run finished as `Failed` for a final reason too.
    pub retry_failed: bool,
}

impl RowContext {
    /// Records, durably, that `result`'s row is about to send its first write. A journal that
    /// cannot be written stops the run, and the row ends unsettled with the reason: answers
    /// whether the row may go on.
    pub async fn mark_sent(&self, result: &mut RowResult) -> bool {
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

/// Does one row's work. `earlier` is what the journal holds for it from an earlier run.
pub async fn process(ctx: &RowContext, op: RowOp, earlier: Option<Entry>) -> RowResult {
    match (&ctx.job, op) {
        (Job::Import(job), RowOp::Create(row)) => create(ctx, job, *row, earlier).await,
        (Job::Update(job), RowOp::Update(row)) => update::update(ctx, job, *row, earlier).await,
        (Job::Lifecycle(job), RowOp::Lifecycle(row)) => {
            lifecycle::apply(ctx, job, row, earlier).await
        }
        (Job::Members(job), RowOp::Membership(row)) => members::apply(ctx, job, row, earlier).await,
        (Job::Groups(job), RowOp::Group(row)) => groups::import(ctx, job, row).await,
        (job, op) => {
            let mut result = RowResult::new(
                op.seq(),
                op.line(),
                &op.label(),
                crate::outcome::Action::None,
            );
            result.error_message = format!("this row's operation does not belong to {job:?}");
            result
        }
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
