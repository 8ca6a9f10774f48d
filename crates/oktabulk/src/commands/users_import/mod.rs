//! `oktabulk users import FILE`: the classic job. Rows are checked against the org's schema
//! and groups; `--dry-run` prints the plan; otherwise the groups to create are created and the
//! rows go through the shared bulk run, each created by `job`.

mod job;

pub use job::{ImportJob, ImportOptions};

use crate::bulk::{self, Channels, Extra};
use crate::cli::{GlobalArgs, ImportArgs, NextLogin};
use crate::commands::OnExists;
use crate::connect::{connect, org_facts, Connection};
use crate::exit::AppError;
use crate::input::{Mode, UserChecker};
use crate::outcome::{columns, user_columns, Column, ResultsTable};
use okta_model::rate_limit::Bucket;
use okta_model::GroupProfile;
use std::collections::HashMap;
use std::sync::Arc;

/// The results: the classic script's columns first (its status column named
/// `userCreationStatus`, as the script named it), then oktabulk's own.
pub const RESULTS: ResultsTable = ResultsTable {
    columns: &user_columns(Column {
        name: "userCreationStatus",
        ..columns::STATUS
    }),
};

pub async fn run(global: &GlobalArgs, args: &ImportArgs) -> Result<u8, AppError> {
    let settings = settings(global, args);
    let (input, output) = bulk::open(&settings)?;
    let channels = Channels::new();
    let conn = connect(global, Some(channels.observer())).await?;
    let (schema, groups) = org_facts(&conn.client).await?;
    let mut checker = UserChecker::new(
        Mode::Create,
        schema,
        groups,
        args.bulk.input.ignore_unknown_columns,
        args.create_missing_groups,
    );
    let report = bulk::check(&settings, &input, &mut checker)?;
    let to_create = std::mem::take(&mut checker.groups_to_create);
    if !to_create.is_empty() && !global.quiet {
        let names: Vec<_> = to_create
            .iter()
            .map(|n| format!("{:?}", crate::report::printable(n)))
            .collect();
        crate::errln!(
            "--create-missing-groups will create {}: {}",
            crate::report::words::count(names.len() as u64, "group", "groups"),
            names.join(", ")
        );
    }
    let options = ImportOptions {
        activate: !args.staged,
        next_login_change_password: args.next_login == Some(NextLogin::ChangePassword),
        on_exists: OnExists::from_cli(args.on_exists),
    };
    if settings.dry_run {
        // Groups to create count as the rows' groups, under a stand-in id.
        let created_groups = to_create
            .iter()
            .map(|name| (name.to_lowercase(), format!("(new group {name})")))
            .collect();
        let job = Arc::new(ImportJob {
            options,
            created_groups,
        });
        let extra = Extra {
            calls: vec![(Bucket::for_request("POST", "/api/v1/groups"), to_create.len() as u64)],
            bound: Some("a login this preview read one by one counts as a read of the run, which reads only those Okta says are taken"),
            notes: Vec::new(),
        };
        return bulk::preview(&settings, &conn, &report, job, channels, extra).await;
    }
    let created_groups = create_groups(&conn, &to_create).await?;
    let job = Arc::new(ImportJob {
        options,
        created_groups,
    });
    bulk::send(&settings, &conn, &input, output, &report, job, channels).await
}

fn settings(global: &GlobalArgs, args: &ImportArgs) -> bulk::Settings {
    crate::commands::settings(
        global,
        &args.bulk,
        "users import",
        journal_options(args),
        "created",
        &RESULTS,
    )
}

/// Creates the groups the file names that the org lacks (`--create-missing-groups`); answers
/// their ids by lower-cased name.
async fn create_groups(
    conn: &Connection,
    names: &std::collections::BTreeSet<String>,
) -> Result<HashMap<String, String>, AppError> {
    let mut created = HashMap::new();
    for name in names {
        let profile = GroupProfile {
            name: name.clone(),
            description: None,
            custom: Default::default(),
        };
        let group = conn.client.groups().create(&profile).await?;
        created.insert(name.to_lowercase(), group.id.0);
    }
    Ok(created)
}

/// The options that change a run's results, as they enter the journal's name. Spelled out, not
/// derived from the types, so that renaming a variant cannot orphan an unfinished run.
fn journal_options(args: &ImportArgs) -> String {
    format!(
        "staged={} nextLogin={} onExists={} createMissingGroups={} skipInvalid={} ignoreUnknown={}",
        args.staged,
        match args.next_login {
            None => "None",
            Some(NextLogin::ChangePassword) => "Some(ChangePassword)",
        },
        OnExists::from_cli(args.on_exists).journal_word(),
        args.create_missing_groups,
        args.bulk.skip_invalid,
        args.bulk.input.ignore_unknown_columns
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command, UsersCommand};
    use clap::Parser;

    fn import_args(extra: &[&str]) -> ImportArgs {
        let argv = ["oktabulk", "users", "import", "x.csv"].iter().chain(extra);
        match Cli::try_parse_from(argv).expect("parses").command {
            Command::Users {
                command: UsersCommand::Import(args),
            } => args,
            other => panic!("{other:?}"),
        }
    }

    /// The journal of an unfinished run is found by these exact strings (the format of
    /// oktabulk 0.1): changing them orphans every unfinished run.
    #[test]
    fn journal_options_are_stable_strings() {
        assert_eq!(
            journal_options(&import_args(&[])),
            "staged=false nextLogin=None onExists=Skip createMissingGroups=false skipInvalid=false ignoreUnknown=false"
        );
        assert_eq!(
            journal_options(&import_args(&["--next-login", "change-password", "--on-exists", "update"])),
            "staged=false nextLogin=Some(ChangePassword) onExists=Update createMissingGroups=false skipInvalid=false ignoreUnknown=false"
        );
        assert!(
            !journal_options(&import_args(&["--retry-failed"])).contains("retry"),
            "--retry-failed does not change which journal a run uses"
        );
    }
}
