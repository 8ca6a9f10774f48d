//! `export app-users` and `export app-groups`: an app's assignments in the columns `apps assign`
//! reads, so the file read back is `Unchanged` throughout and sends no write. Users assigned
//! directly carry their `userName` and app profile; users who have the app through a group
//! (`scope` GROUP) carry neither, because a row that asks for its own username or profile is
//! assigned directly on top of the group. Passwords are never read back, so never written.

use super::Output;
use crate::cli::ExportArgs;
use crate::exit::AppError;
use crate::input::values::cell_text;
use futures_util::TryStreamExt;
use okta_client::Client;
use okta_model::{AppId, AppUser};
use std::collections::BTreeSet;

/// Okta's largest page of app users.
const PAGE: u32 = 500;

/// The app `--app` names: an id the org has, or else a label no other app has.
async fn app_id(client: &Client, args: &ExportArgs, kind: &str) -> Result<AppId, AppError> {
    let Some(app) = args.app.as_deref() else {
        return Err(AppError::Config(format!(
            "export {kind} needs --app (an app's id or label)"
        )));
    };
    match client.apps().get(&AppId::from(app)).await {
        Ok(found) => return Ok(found.id),
        Err(e) if e.status() == Some(404) => {}
        Err(e) => return Err(e.into()),
    }
    let mut ids = Vec::new();
    let mut list = client.apps().list(Some(app));
    while let Some(found) = list.try_next().await? {
        if found.label.eq_ignore_ascii_case(app) {
            ids.push(found.id);
        }
    }
    match ids.as_slice() {
        [id] => Ok(id.clone()),
        [] => Err(AppError::Config(format!(
            "no app in the org has the id or label {app:?}"
        ))),
        _ => Err(AppError::Config(format!(
            "{} apps have the label {app:?} ({}); name the app by id",
            ids.len(),
            ids.iter().map(AppId::as_str).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Whether the row carries the user's own username and profile (a direct assignment).
fn direct(user: &AppUser) -> bool {
    user.scope != "GROUP"
}

/// Writes the app's users; answers how many, and what was selected. The list is read twice:
/// once for the app profile's attribute names (the header), once for the rows, so memory stays
/// flat; an attribute that appears between the two ends the export rather than being dropped.
pub(super) async fn users(
    client: &Client,
    args: &ExportArgs,
    out: &mut Output,
) -> Result<(u64, String), AppError> {
    let app = app_id(client, args, "app-users").await?;
    let attributes: Vec<String> = if args.columns.is_empty() {
        let mut names = BTreeSet::new();
        let mut list = client.apps().users(&app, PAGE);
        while let Some(user) = list.try_next().await? {
            if direct(&user) {
                names.extend(user.profile.keys().cloned());
            }
        }
        names.into_iter().collect()
    } else {
        args.columns.iter().map(|c| c.trim().to_owned()).collect()
    };
    let mut header: Vec<String> = ["app", "user", "scope", "userName"]
        .map(str::to_owned)
        .into();
    header.extend(attributes.iter().map(|a| format!("profile.{a}")));
    out.row(&header)?;
    let (mut written, mut through_groups) = (0u64, 0u64);
    let mut list = client.apps().users(&app, PAGE);
    while let Some(user) = list.try_next().await? {
        let mut cells = vec![
            app.as_str().to_owned(),
            user.id.as_str().to_owned(),
            user.scope.clone(),
        ];
        if direct(&user) {
            if args.columns.is_empty() {
                if let Some(new) = user.profile.keys().find(|k| !attributes.contains(k)) {
                    return Err(AppError::Config(format!(
                        "the app profile attribute {new:?} appeared while the export read the \
                         app's users; run it again"
                    )));
                }
            }
            let name = user.credentials.as_ref().and_then(|c| c.user_name.clone());
            cells.push(name.unwrap_or_default());
            cells.extend(attributes.iter().map(|a| cell_text(user.profile.get(a))));
        } else {
            through_groups += 1;
            cells.extend(std::iter::repeat_n(String::new(), attributes.len() + 1));
        }
        out.row(&cells)?;
        written += 1;
    }
    Ok((
        written,
        format!("users of app {app}; {through_groups} of them through a group"),
    ))
}

/// Writes the groups assigned to the app, in priority order.
pub(super) async fn groups(
    client: &Client,
    args: &ExportArgs,
    out: &mut Output,
) -> Result<(u64, String), AppError> {
    let app = app_id(client, args, "app-groups").await?;
    out.row(["app", "group", "priority"])?;
    let mut written = 0u64;
    let mut list = client.apps().groups(&app);
    while let Some(group) = list.try_next().await? {
        out.row([
            app.as_str(),
            group.id.as_str(),
            group.priority.to_string().as_str(),
        ])?;
        written += 1;
    }
    Ok((written, format!("groups of app {app}")))
}
