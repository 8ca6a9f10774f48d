//! `oktabulk export users|groups|members`: every page of a list, streamed to CSV on standard
//! output or a file (written under a temporary name and renamed into place), so memory stays
//! flat whatever the org's size. `export users` writes every user, DEPROVISIONED ones too
//! (which Okta's plain list leaves out), unless options select, and the columns `users import`
//! and `users update` read back: `id`, `status`, the profile attributes (as
//! `input::values::cell_text` writes them: arrays joined with `;`, typed values as JSON writes
//! them), and with `--with-groups` a `groups` column of group names. Cells go through `csv_cell`, so a
//! spreadsheet never runs one and every command reads them back as the org holds them. A count
//! goes to stderr. An app's users and groups are exported by `apps`.

mod apps;

use crate::cli::{ExportArgs, ExportCommand, GlobalArgs};
use crate::connect::connect;
use crate::csv_cell::CsvWriter;
use crate::exit::{code, AppError};
use crate::input::values::cell_text;
use crate::report::results::temporary_beside;
use futures_util::stream::{self, StreamExt};
use okta_client::{Client, ListQuery};
use okta_model::{User, UserStatus};
use std::io::Write;
use std::path::{Path, PathBuf};

pub async fn run(global: &GlobalArgs, what: &ExportCommand) -> Result<u8, AppError> {
    let conn = connect(global, None).await?;
    let client = &conn.client;
    let (args, one, many) = match what {
        ExportCommand::Users(a) => (a, "user", "users"),
        ExportCommand::Groups(a) => (a, "group", "groups"),
        ExportCommand::Members(a) => (a, "member", "members"),
        ExportCommand::AppUsers(a) => (a, "app user", "app users"),
        ExportCommand::AppGroups(a) => (a, "app group", "app groups"),
    };
    let mut out = Output::open(args.output.as_deref())?;
    let (written, selected) = match what {
        ExportCommand::Users(args) => users(client, args, &mut out).await?,
        ExportCommand::Groups(args) => groups(client, args, &mut out).await?,
        ExportCommand::Members(args) => members(client, args, &mut out).await?,
        ExportCommand::AppUsers(args) => apps::users(client, args, &mut out).await?,
        ExportCommand::AppGroups(args) => apps::groups(client, args, &mut out).await?,
    };
    out.finish()?;
    if !global.quiet {
        crate::errln!(
            "exported {} ({selected}) to {}",
            crate::report::words::count(written, one, many),
            args.output
                .as_ref()
                .map_or("standard output".into(), |p| p.display().to_string())
        );
    }
    Ok(code::OK)
}

/// The CSV being written, and the temporary file behind it when it goes to a path.
struct Output {
    csv: CsvWriter<Box<dyn Write>>,
    target: Option<(PathBuf, tempfile::TempPath)>,
}

impl Output {
    fn open(path: Option<&Path>) -> Result<Output, AppError> {
        let (out, target): (Box<dyn Write>, _) = match path {
            None => (Box::new(std::io::stdout().lock()), None),
            Some(p) if p.as_os_str() == "-" => (Box::new(std::io::stdout().lock()), None),
            Some(p) => {
                let (file, temp) = temporary_beside(p)?;
                (
                    Box::new(std::io::BufWriter::new(file)),
                    Some((p.to_owned(), temp)),
                )
            }
        };
        Ok(Output {
            csv: CsvWriter::new(out),
            target,
        })
    }

    fn row<I, S>(&mut self, cells: I) -> Result<(), AppError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.csv.row(cells).map_err(|e| self.error(e))
    }

    fn error(&self, e: csv::Error) -> AppError {
        if let (None, csv::ErrorKind::Io(io)) = (&self.target, e.kind()) {
            crate::report::console::end_if_reader_gone(io);
        }
        AppError::Write {
            path: self
                .target
                .as_ref()
                .map_or_else(|| PathBuf::from("<stdout>"), |(p, _)| p.clone()),
            source: std::io::Error::other(e.to_string()),
        }
    }

    fn finish(mut self) -> Result<(), AppError> {
        self.csv.flush().map_err(|source| {
            if self.target.is_none() {
                crate::report::console::end_if_reader_gone(&source);
            }
            AppError::Write {
                path: self
                    .target
                    .as_ref()
                    .map_or_else(|| PathBuf::from("<stdout>"), |(p, _)| p.clone()),
                source,
            }
        })?;
        drop(self.csv);
        if let Some((path, temp)) = self.target {
            temp.persist(&path).map_err(|e| AppError::Write {
                path,
                source: e.error,
            })?;
        }
        Ok(())
    }
}

/// A group name as a `groups` cell holds it (`;` inside a name written `\;`).
fn group_cell(name: &str) -> String {
    name.replace(';', "\\;")
}

/// What the options select, as the summary line says it.
fn selection(args: &ExportArgs) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(s) = &args.status {
        parts.push(format!("status {}", s.to_uppercase()));
    }
    if let Some(f) = &args.filter {
        parts.push(format!("filter {f}"));
    }
    if let Some(s) = &args.search {
        parts.push(format!("search {s}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The lists `export users` reads, one after the other. Okta's list without a filter or search
/// leaves DEPROVISIONED users out (listUsers), so every user is that list and then the filter
/// `status eq "DEPROVISIONED"`, which Okta documents as including them; options that select
/// (`--status`, `--filter`, `--search`) make one list of what they select.
fn user_lists(args: &ExportArgs) -> Vec<ListQuery> {
    if selection(args).is_some() {
        return vec![query(args)];
    }
    let mut deprovisioned = query(args);
    deprovisioned.filter = Some(format!(
        "status eq \"{}\"",
        UserStatus::Deprovisioned.as_str()
    ));
    vec![query(args), deprovisioned]
}

fn query(args: &ExportArgs) -> ListQuery {
    let status = args
        .status
        .as_ref()
        .map(|s| format!("status eq \"{}\"", s.to_uppercase()));
    let filter = match (&args.filter, status) {
        (Some(f), Some(s)) => Some(format!("({f}) and {s}")),
        (f, s) => f.clone().or(s),
    };
    let mut query = ListQuery::default();
    query.filter = filter;
    query.search = args.search.clone();
    query.limit = Some(200);
    query
}

/// The id of the group `--group` names (an id, or a name looked up).
async fn group_id(client: &Client, group: &str) -> Result<okta_model::GroupId, AppError> {
    if group.len() == 20 && group.starts_with("00g") {
        return Ok(group.into());
    }
    match client.groups().find_by_name(group).await? {
        Some(g) => Ok(g.id),
        None => Err(AppError::Config(format!(
            "no group named {group:?} in the org"
        ))),
    }
}

/// Writes the users the options select; answers how many, and what was selected.
async fn users(
    client: &Client,
    args: &ExportArgs,
    out: &mut Output,
) -> Result<(u64, String), AppError> {
    let attributes = if args.columns.is_empty() {
        let schema = client.users().schema().await?;
        let base = &schema.definitions.base.properties;
        let first = ["login", "email", "firstName", "lastName"];
        let mut names: Vec<String> = first.iter().map(|s| (*s).to_owned()).collect();
        names.extend(
            base.keys()
                .filter(|k| !first.contains(&k.as_str()))
                .cloned(),
        );
        names.extend(schema.definitions.custom.properties.keys().cloned());
        names
    } else {
        // `id` and `status` come first in every export, and `groups` last: named again in
        // --columns, they are not written twice (`groups` there asks for the groups).
        args.columns
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !["id", "status", "groups"].contains(&c.as_str()))
            .collect()
    };
    let with_groups = args.with_groups || args.columns.iter().any(|c| c.trim() == "groups");
    let mut header = vec!["id".to_owned(), "status".to_owned()];
    header.extend(attributes.iter().cloned());
    if with_groups {
        header.push("groups".into());
    }
    out.row(&header)?;
    let (mut stream, selected) = match &args.group {
        Some(group) => {
            let id = group_id(client, group).await?;
            let members = client.groups().members(&id, Some(200));
            (members, format!("members of group {group}"))
        }
        None => {
            let lists: Vec<_> = user_lists(args)
                .iter()
                .map(|q| client.users().list(q))
                .collect();
            let selected = selection(args).unwrap_or_else(|| "every status".into());
            (stream::iter(lists).flatten().boxed(), selected)
        }
    };
    let mut written = 0u64;
    let mut deprovisioned = 0u64;
    while let Some(user) = stream.next().await {
        let user: User = user?;
        if user.status == UserStatus::Deprovisioned {
            deprovisioned += 1;
        }
        let mut cells = vec![user.id.0.clone(), user.status.as_str().to_owned()];
        cells.extend(attributes.iter().map(|a| cell_text(user.profile.0.get(a))));
        if with_groups {
            let groups = client.users().groups(&user.id).await?;
            let names: Vec<String> = groups
                .iter()
                .filter(|g| g.group_type == okta_model::GroupType::OktaGroup)
                .map(|g| group_cell(&g.profile.name))
                .collect();
            cells.push(names.join(";"));
        }
        out.row(&cells)?;
        written += 1;
    }
    Ok((
        written,
        format!("{selected}; {deprovisioned} of them DEPROVISIONED"),
    ))
}

async fn groups(
    client: &Client,
    args: &ExportArgs,
    out: &mut Output,
) -> Result<(u64, String), AppError> {
    out.row(["id", "name", "description", "type"])?;
    let mut query = query(args);
    query.q = None;
    let mut stream = client.groups().list(&query);
    let mut written = 0u64;
    while let Some(group) = stream.next().await {
        let group = group?;
        out.row([
            group.id.0.as_str(),
            group.profile.name.as_str(),
            group.profile.description.as_deref().unwrap_or_default(),
            group.group_type.as_str(),
        ])?;
        written += 1;
    }
    Ok((
        written,
        selection(args).unwrap_or_else(|| "every group".into()),
    ))
}

async fn members(
    client: &Client,
    args: &ExportArgs,
    out: &mut Output,
) -> Result<(u64, String), AppError> {
    let Some(group) = &args.group else {
        return Err(AppError::Config(
            "export members needs --group (a group's id or name)".into(),
        ));
    };
    let id = group_id(client, group).await?;
    out.row(["group", "user", "login", "status"])?;
    let mut stream = client.groups().members(&id, Some(200));
    let mut written = 0u64;
    while let Some(user) = stream.next().await {
        let user = user?;
        out.row([
            id.as_str(),
            user.id.as_str(),
            user.profile.login().unwrap_or_default(),
            user.status.as_str(),
        ])?;
        written += 1;
    }
    Ok((written, format!("members of group {group}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::validate::group_parts;

    #[test]
    fn values_read_back_as_import_reads_them() {
        assert_eq!(cell_text(None), "");
        assert_eq!(cell_text(Some(&serde_json::json!(["a", "b;c"]))), "a;b\\;c");
        assert_eq!(cell_text(Some(&serde_json::json!(true))), "true");
        assert_eq!(cell_text(Some(&serde_json::json!(42))), "42");
        assert_eq!(group_parts(&group_cell("R&D; Europe")), ["R&D; Europe"]);
    }
}
