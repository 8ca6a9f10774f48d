//! `oktabulk users update FILE`: each row reads its user, compares what the row gives with
//! what the org holds, and sends a partial update (`POST`) or a full replace (`PUT`) only when
//! something differs or a password is given.

use crate::bulk::Extra;
use crate::cli::{GlobalArgs, UpdateArgs};
use crate::commands::{run_with, settings, ReadOptions};
use crate::engine::ops::{already, fill_user, find_user, not_mine, Job, Lookup, RowContext};
use crate::exit::AppError;
use crate::input::values::{holds_nothing, same_value};
use crate::input::UpdateRow;
use crate::input::{FileKind, RowOp};
use crate::journal::Entry;
use crate::outcome::{Action, CreationStatus, RowResult};
use crate::outcome::{ResultsTable, USER_RESULTS};
use futures_util::future::BoxFuture;
use okta_model::{CreateUserRequest, PasswordCredential, User, UserCredentials, UserProfile};
use serde_json::Value;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpdateJob {
    /// A full replace: attributes the row does not give are removed from the profile.
    pub replace: bool,
}

/// The results: the users' columns (`crate::outcome::USER_RESULTS`).
pub const RESULTS: ResultsTable = USER_RESULTS;

pub async fn run(global: &GlobalArgs, args: &UpdateArgs) -> Result<u8, AppError> {
    let mut options = format!(
        "replace={} ignoreUnknown={} skipInvalid={}",
        args.replace, args.bulk.input.ignore_unknown_columns, args.bulk.skip_invalid
    );
    // Added only when on, so that the journals of runs without it keep their names.
    if args.set_passwords {
        options.push_str(" setPasswords=true");
    }
    let settings = settings(
        global,
        &args.bulk,
        "users update",
        options,
        "updated",
        &RESULTS,
    );
    let read = ReadOptions {
        ignore_unknown: args.bulk.input.ignore_unknown_columns,
        replace: args.replace,
        set_passwords: args.set_passwords,
    };
    let job: Arc<dyn Job> = Arc::new(UpdateJob {
        replace: args.replace,
    });
    run_with(
        global,
        settings,
        FileKind::UsersUpdate,
        read,
        |_| job,
        None,
        Extra::default(),
    )
    .await
}

impl Job for UpdateJob {
    fn process<'a>(
        &'a self,
        ctx: &'a RowContext,
        op: &'a RowOp,
        earlier: Option<Entry>,
    ) -> BoxFuture<'a, RowResult> {
        Box::pin(async move {
            match op {
                RowOp::Update(row) => update(ctx, self, row, earlier).await,
                op => not_mine(self, op),
            }
        })
    }
}

async fn update(
    ctx: &RowContext,
    job: &UpdateJob,
    row: &UpdateRow,
    earlier: Option<Entry>,
) -> RowResult {
    let mut result = RowResult::new(row.user.seq, row.user.line, &row.user.key, Action::Update);
    let users = ctx.client.users();
    let user = match find_user(ctx, &row.user.key, &mut result).await {
        Lookup::Found(user) => user,
        Lookup::NotFound | Lookup::Failed => return result,
    };
    fill_user(&mut result, &user);
    result.login = user.profile.login().unwrap_or(&row.user.key).to_owned();
    if row.password.is_none() && same(&user, &row.profile, job.replace) {
        already(&mut result, &earlier);
        return result;
    }
    result.password_set = row.password.is_some();
    let call = if job.replace {
        ("PUT", "/api/v1/users/{userId}")
    } else {
        ("POST", "/api/v1/users/{userId}")
    };
    if !ctx.mark_sent(&mut result, &[call]).await {
        return result;
    }
    let body = CreateUserRequest {
        profile: row.profile.clone(),
        credentials: row.password.clone().map(|p| UserCredentials {
            password: Some(PasswordCredential {
                value: Some(p),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let sent = if job.replace {
        users.replace(&user.id, &body).await
    } else {
        users.update(&user.id, &body).await
    };
    match sent {
        Ok(updated) => {
            fill_user(&mut result, &updated);
            result.user_creation_status = CreationStatus::Updated;
        }
        Err(e) => result.set_error(&e),
    }
    result
}

/// Whether the org's profile already is what the row asks: every attribute given equal (numbers
/// by value, see `same_value`) and, for a replace, no other attribute set (an empty string or
/// array is an empty cell's value, as none is).
pub fn same(user: &User, wanted: &UserProfile, replace: bool) -> bool {
    let current = &user.profile.0;
    let given_equal = wanted
        .0
        .iter()
        .all(|(k, v)| same_value(current.get(k).unwrap_or(&Value::Null), v));
    let nothing_else = !replace
        || current
            .iter()
            .all(|(k, v)| holds_nothing(v) || wanted.0.contains_key(k));
    given_equal && nothing_else
}
