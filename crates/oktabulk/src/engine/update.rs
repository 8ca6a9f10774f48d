//! `users update`'s row: read the user, compare what the row gives with what the org holds, and
//! send a partial update (`POST`) or a full replace (`PUT`) only when something differs or a
//! password is given.

use crate::engine::ops::{already, find_user, Lookup, RowContext};
use crate::engine::row::fill_user;
use crate::input::values::{holds_nothing, same_value};
use crate::input::UpdateRow;
use crate::journal::Entry;
use crate::outcome::{Action, CreationStatus, RowResult};
use okta_model::{CreateUserRequest, PasswordCredential, User, UserCredentials, UserProfile};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpdateJob {
    /// A full replace: attributes the row does not give are removed from the profile.
    pub replace: bool,
}

pub async fn update(
    ctx: &RowContext,
    job: &UpdateJob,
    row: UpdateRow,
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
        profile: row.profile,
        credentials: row.password.map(|p| UserCredentials {
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
pub(crate) fn same(user: &User, wanted: &UserProfile, replace: bool) -> bool {
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
