//! `oktabulk apps assign|unassign FILE`: one user's or group's assignment to an app per row
//! (`job`). The org's apps are read once, so that rows may name an app by label.

mod job;

pub use job::AppsJob;

use crate::bulk::Extra;
use crate::cli::{BulkArgs, GlobalArgs};
use crate::commands::{run_with, settings, ReadOptions};
use crate::exit::AppError;
use crate::input::{AppDirectory, FileKind};
use crate::outcome::ResultsTable;
use std::sync::Arc;

/// The results: one assignment per row, of a user or a group.
pub const RESULTS: ResultsTable = ResultsTable {
    columns: &{
        use crate::outcome::columns::*;
        [
            APP,
            APP_ID,
            USER,
            USER_ID,
            GROUP,
            GROUP_ID,
            STATUS,
            TAIL[0],
            TAIL[1],
            TAIL[2],
            TAIL[3],
            TAIL[4],
            TAIL[5],
            TAIL[6],
            USER_STATUS,
        ]
    },
};

/// `apps assign` (`assign`) and `apps unassign`.
pub async fn run(global: &GlobalArgs, assign: bool, args: &BulkArgs) -> Result<u8, AppError> {
    let command = if assign {
        "apps assign"
    } else {
        "apps unassign"
    };
    let settings = settings(
        global,
        args,
        command,
        format!(
            "skipInvalid={} ignoreUnknown={}",
            args.skip_invalid, args.input.ignore_unknown_columns
        ),
        if assign { "assigned" } else { "unassigned" },
        &RESULTS,
    );
    let read = ReadOptions {
        ignore_unknown: args.input.ignore_unknown_columns,
        ..ReadOptions::default()
    };
    run_with(
        global,
        settings,
        if assign {
            FileKind::AppAssign
        } else {
            FileKind::AppUnassign
        },
        read,
        |_| Arc::new(AppsJob { assign }),
        None,
        Extra::default(),
    )
    .await
}

/// The org's apps by id and label, read once (a page of 200 per call).
pub(crate) async fn app_directory(client: &okta_client::Client) -> Result<AppDirectory, AppError> {
    use futures_util::TryStreamExt;
    let mut apps = AppDirectory {
        online: true,
        ..AppDirectory::default()
    };
    let mut list = client.apps().list(None);
    while let Some(app) = list.try_next().await? {
        apps.add(app.id.as_str(), &app.label, &app.status);
    }
    Ok(apps)
}
