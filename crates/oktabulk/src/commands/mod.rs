//! Every command, one module (or folder) each. A bulk command's module holds all of it: its
//! options resolved from the command line, its journal options, its results table, its row
//! `Job` (what the engine does with each row) and its `run`. What they share lives here: the
//! settings every bulk command resolves the same way, the run of a file through its checker
//! and the shared bulk run (`run_with`), and the confirmation of what cannot be undone. Data
//! flows one way: `cli` -> a command here -> `input` (rows) -> `bulk` -> `engine` -> `report`.
//! To add a command, see CONTRIBUTING.md ("Adding a command").

pub mod apps;
pub mod export;
pub mod groups_import;
pub mod groups_sync;
pub mod lifecycle;
pub mod members;
pub mod users_import;
pub mod users_update;

use crate::bulk::{self, Channels, Extra, Settings};
use crate::cli::{BulkArgs, GlobalArgs, ResultFormat};
use crate::connect::{connect, group_directory};
use crate::engine::Job;
use crate::exit::AppError;
use crate::input::{AppDirectory, CheckerInputs, FileKind, GroupDirectory};
use crate::report::results::Format;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

/// What to do with a login (or a group name) that already exists (`--on-exists`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExists {
    /// Leave it (`Exists`); a user still gets its groups.
    Skip,
    /// Update it (`Updated`).
    Update,
    /// Report the row as failed.
    Fail,
}

impl OnExists {
    pub fn from_cli(choice: crate::cli::OnExists) -> OnExists {
        match choice {
            crate::cli::OnExists::Skip => OnExists::Skip,
            crate::cli::OnExists::Update => OnExists::Update,
            crate::cli::OnExists::Fail => OnExists::Fail,
        }
    }

    /// As the journal's options name it (a stable string: see `journal_options`).
    pub fn journal_word(self) -> &'static str {
        match self {
            OnExists::Skip => "Skip",
            OnExists::Update => "Update",
            OnExists::Fail => "Fail",
        }
    }
}

/// `--format` as the reporters know it.
pub fn format(choice: ResultFormat) -> Format {
    match choice {
        ResultFormat::Csv => Format::Csv,
        ResultFormat::Jsonl => Format::Jsonl,
    }
}

/// Every bulk command, as it is typed, and the name its journals and results files carry
/// (`<input>.<name>-results.csv`; `users import` writes the classic `<input>.results.csv`).
/// The names are stable (an unfinished run's journal is found by its name) and no two commands
/// share one: a new command is added here, under a name of its own (`settings` refuses a
/// command that is not).
pub const NAMES: &[(&str, &str)] = &[
    ("users import", "import"),
    ("users update", "update"),
    ("users activate", "activate"),
    ("users reactivate", "reactivate"),
    ("users deactivate", "deactivate"),
    ("users suspend", "suspend"),
    ("users unsuspend", "unsuspend"),
    ("users unlock", "unlock"),
    ("users expire-password", "expire-password"),
    ("users delete", "delete"),
    ("groups import", "groups-import"),
    ("groups add-members", "add-members"),
    ("groups remove-members", "remove-members"),
    ("groups sync", "sync"),
    ("apps assign", "apps-assign"),
    ("apps unassign", "apps-unassign"),
];

/// The name of the bulk command typed as `typed` (`NAMES`).
fn name_of(typed: &str) -> &'static str {
    NAMES
        .iter()
        .find(|(t, _)| *t == typed)
        .map(|(_, name)| *name)
        .expect("every bulk command is listed in commands::NAMES")
}

/// A bulk command's settings from its options, its results table among them. `typed`: the
/// command as the admin types it (`users import`), listed in `NAMES`.
pub fn settings(
    global: &GlobalArgs,
    args: &BulkArgs,
    typed: &'static str,
    journal_options: String,
    done_word: &'static str,
    results: &'static crate::outcome::ResultsTable,
) -> Settings {
    // A mapping changes what each row sends: a run with another one is another run, and so is
    // a run after its file was edited (a preset is part of this version of oktabulk).
    let journal_options = match &args.input.map {
        Some(map) => match std::fs::read(map) {
            Ok(bytes) => format!(
                "{journal_options} map={map} mapSha256={}",
                crate::input::source::hex(
                    ring::digest::digest(&ring::digest::SHA256, &bytes).as_ref()
                )
            ),
            Err(_) => format!("{journal_options} map={map}"),
        },
        None => journal_options,
    };
    Settings {
        command: name_of(typed),
        file: args.input.file.clone(),
        delimiter: args.input.delimiter,
        sheet: args.input.sheet.clone(),
        map: args.input.map.clone(),
        output: args.output.clone(),
        format: format(args.format),
        skip_invalid: args.skip_invalid,
        restart: args.restart,
        retry_failed: args.retry_failed,
        report: args.report.clone(),
        dry_run: args.dry_run,
        quiet: global.quiet,
        verbose: global.verbose,
        concurrency: global.concurrency.map(|n| n as usize),
        journal_options,
        results,
        done_word,
        connection: connection(global),
    }
}

/// How the run reached its org, as the options a next command repeats: the sandbox, a profile,
/// an org URL and the files of its credentials (never a secret itself).
fn connection(global: &GlobalArgs) -> String {
    let quoted = crate::report::words::shell_word;
    let mut args = String::new();
    if global.sandbox {
        args.push_str(" --sandbox");
    }
    if let Some(profile) = &global.profile {
        args.push_str(&format!(" --profile {}", quoted(profile)));
    }
    if let Some(url) = &global.org_url {
        args.push_str(&format!(" --org-url {}", quoted(url)));
    }
    if let Some(path) = &global.token_file {
        args.push_str(&format!(
            " --token-file {}",
            quoted(&path.display().to_string())
        ));
    }
    if let Some(id) = &global.client_id {
        args.push_str(&format!(" --client-id {}", quoted(id)));
    }
    if let Some(path) = &global.private_key_file {
        args.push_str(&format!(
            " --private-key-file {}",
            quoted(&path.display().to_string())
        ));
    }
    args
}

/// The options that change how a command's rows are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    pub ignore_unknown: bool,
    pub replace: bool,
    pub set_passwords: bool,
}

/// Runs a bulk command whose file is of `kind`: what its rows need of the org is read once,
/// its checker built (`FileKind::checker`, as `validate` builds it), its job made by `job`
/// from the org's groups.
pub async fn run_with(
    global: &GlobalArgs,
    settings: Settings,
    kind: FileKind,
    read: ReadOptions,
    job: impl FnOnce(&GroupDirectory) -> Arc<dyn Job>,
    confirm: Option<(&'static str, bool)>,
    extra: Extra,
) -> Result<u8, AppError> {
    let (input, output) = bulk::open(&settings)?;
    let channels = Channels::new();
    let conn = connect(global, Some(channels.observer())).await?;
    let client = &conn.client;
    let schema = match kind {
        FileKind::UsersUpdate => client.users().schema().await?,
        // Not read by the checkers that do not need it.
        _ => crate::connect::default_schema(),
    };
    let groups = match kind {
        FileKind::Memberships | FileKind::AppAssign | FileKind::AppUnassign => {
            group_directory(client).await?
        }
        _ => GroupDirectory::default(),
    };
    let apps = match kind {
        FileKind::AppAssign | FileKind::AppUnassign => apps::app_directory(client).await?,
        _ => AppDirectory::default(),
    };
    let job = job(&groups);
    let mut checker = kind.checker(CheckerInputs {
        schema,
        groups,
        ignore_unknown: read.ignore_unknown,
        create_missing_groups: false,
        replace: read.replace,
        set_passwords: read.set_passwords,
        apps,
    });
    let mut report = bulk::check(&settings, &input, checker.as_mut())?;
    let twice = crate::preflight::same_users(&input, &report.named, client, |line| {
        crate::errln!("{line}")
    })
    .await?;
    if twice > 0 {
        report.problems += twice;
        report.invalid_rows += twice;
        // --skip-invalid cannot choose which of the two rows is meant.
        report.structural = true;
        return Err(crate::preflight::refusal(&report));
    }
    if let (Some((what, yes)), false) = (confirm, settings.dry_run) {
        confirmed(
            what,
            report.rows - report.invalid_rows,
            &input.display,
            &conn,
            yes,
        )?;
    }
    bulk::run(
        &settings, &conn, &input, output, &report, job, channels, extra,
    )
    .await
}

/// Deactivating or deleting is confirmed: on a terminal by answering `y`; elsewhere by `--yes`
/// (refused with exit 2 without it). The question names the org as the admin knows it: its URL,
/// or the sandbox (whose URL is a loopback port that changes every run).
fn confirmed(
    what: &str,
    rows: u64,
    file: &str,
    conn: &crate::connect::Connection,
    yes: bool,
) -> Result<(), AppError> {
    if yes {
        return Ok(());
    }
    let org = if conn.sandbox.is_some() {
        "the sandbox org".to_owned()
    } else {
        conn.client.org().to_string()
    };
    let users = crate::report::words::count(rows, "user", "users");
    let question = format!("{what} {users} listed in {file} in {org}?");
    let stdin = std::io::stdin();
    if !stdin.is_terminal() || !std::io::stderr().is_terminal() {
        return Err(AppError::Config(format!(
            "{question} This cannot be undone here: pass --yes to confirm (no terminal to ask on)"
        )));
    }
    crate::errprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| AppError::Config(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(())
    } else {
        Err(AppError::Declined("not confirmed; nothing was sent".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::NAMES;
    use std::collections::HashSet;

    /// The commands a summary suggests reach the org the run reached: the sandbox, a profile,
    /// an org URL and credential files, quoted for a shell; the environment's org adds nothing.
    #[test]
    fn a_suggested_command_reaches_the_same_org() {
        use clap::Parser;
        let global = |argv: &[&str]| {
            crate::cli::Cli::try_parse_from(
                ["oktabulk"]
                    .iter()
                    .chain(argv)
                    .chain(&["users", "import", "x.csv"]),
            )
            .expect("parses")
            .global
        };
        assert_eq!(super::connection(&global(&[])), "");
        assert_eq!(super::connection(&global(&["--sandbox"])), " --sandbox");
        assert_eq!(
            super::connection(&global(&[
                "--profile",
                "prod",
                "--token-file",
                "my token.txt"
            ])),
            " --profile prod --token-file 'my token.txt'"
        );
    }

    /// Two commands never share a journal or a results file name, and every name belongs to a
    /// command the command line has.
    #[test]
    fn every_bulk_command_has_a_name_of_its_own() {
        let names: HashSet<_> = NAMES.iter().map(|(_, n)| n).collect();
        assert_eq!(names.len(), NAMES.len(), "a name is shared");
        let cli = <crate::cli::Cli as clap::CommandFactory>::command();
        for (typed, _) in NAMES {
            let mut command = &cli;
            for word in typed.split(' ') {
                command = command
                    .find_subcommand(word)
                    .unwrap_or_else(|| panic!("{typed}: no such command"));
            }
        }
    }
}
