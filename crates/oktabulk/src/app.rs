//! Runs the command the user asked for and answers its exit code.

use crate::cli::{
    AppsCommand, AttributeType, Cli, Command, FileFor, GroupsCommand, JournalCommand, ReportArgs,
    SandboxCommand, UsersCommand, ValidateArgs,
};
use crate::commands::lifecycle::Lifecycle;
use crate::commands::{self, export, users_import};
use crate::connect::{connect_to, default_schema, org_facts};
use crate::exit::{code, AppError};
use crate::input::{CheckerInputs, FileKind, GroupDirectory, InputFile};
use crate::sandbox::{self, Sandbox};
use crate::{doctor, preflight};

pub async fn run(cli: Cli) -> Result<u8, AppError> {
    let global = &cli.global;
    match &cli.command {
        Command::Users { command } => users(global, command).await,
        Command::Groups { command } => match command {
            GroupsCommand::Import(args) => commands::groups_import::run(global, args).await,
            GroupsCommand::AddMembers(args) => commands::members::run(global, true, args).await,
            GroupsCommand::RemoveMembers(args) => commands::members::run(global, false, args).await,
            GroupsCommand::Sync(args) => commands::groups_sync::run(global, args).await,
        },
        Command::Apps { command } => match command {
            AppsCommand::Assign(args) => commands::apps::run(global, true, args).await,
            AppsCommand::Unassign(args) => commands::apps::run(global, false, args).await,
        },
        Command::Export { what } => export::run(global, what).await,
        Command::Validate(args) => validate(global, args).await,
        Command::Doctor => doctor::run(global).await,
        Command::Sandbox { command } => sandbox_command(global, command).await,
        Command::Report(args) => report(args),
        Command::Journal { command } => journal(global, command),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Written whole here: the generators panic on a write that fails (`| head`).
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut command, "oktabulk", &mut script);
            crate::report::console::out_bytes(&script);
            Ok(code::OK)
        }
        Command::Man { dir } => {
            let command = <Cli as clap::CommandFactory>::command();
            match dir {
                None => crate::manual::page(&command, &mut std::io::stdout().lock()).map_err(
                    |source| {
                        crate::report::console::end_if_reader_gone(&source);
                        AppError::Write {
                            path: "<stdout>".into(),
                            source,
                        }
                    },
                )?,
                Some(dir) => {
                    let written = crate::manual::pages(command, dir)?;
                    if !global.quiet {
                        crate::errln!(
                            "{} in {}",
                            crate::report::words::count(written as u64, "page", "pages"),
                            dir.display()
                        );
                    }
                }
            }
            Ok(code::OK)
        }
    }
}

/// `oktabulk journal list|prune`.
fn journal(global: &crate::cli::GlobalArgs, command: &JournalCommand) -> Result<u8, AppError> {
    let dir = crate::config::data_home()?.join("journals");
    match command {
        JournalCommand::List => {
            let kept = crate::retention::list(&dir)?;
            if !kept.is_empty() {
                crate::outln!("{}", crate::retention::header());
            }
            for k in &kept {
                crate::outln!("{}", crate::retention::render(k));
            }
            if !global.quiet {
                let bytes: u64 = kept.iter().map(|k| k.bytes).sum();
                crate::errln!(
                    "{}, {} KiB, in {}; finished runs are pruned after {} days",
                    crate::report::words::count(kept.len() as u64, "journal", "journals"),
                    bytes.div_ceil(1024),
                    dir.display(),
                    crate::retention::KEEP_DAYS
                );
            }
        }
        JournalCommand::Prune { older_than, force } => {
            let age = std::time::Duration::from_secs(older_than.saturating_mul(86_400));
            let pruned = crate::retention::prune(&dir, age, *force)?;
            for k in &pruned {
                crate::outln!("removed {}", crate::retention::render(k));
            }
            if !global.quiet {
                crate::errln!(
                    "{} removed",
                    crate::report::words::count(pruned.len() as u64, "journal", "journals")
                );
            }
        }
    }
    Ok(code::OK)
}

/// `oktabulk report`: the page of a run, drawn from its journal.
fn report(args: &ReportArgs) -> Result<u8, AppError> {
    let journal = match &args.journal {
        Some(path) => path.clone(),
        None => latest_journal(&crate::config::data_home()?.join("journals"))?,
    };
    if !journal.is_file() {
        return Err(AppError::Config(format!(
            "no journal at {}",
            journal.display()
        )));
    }
    let (record, tally) = crate::journal::Journal::read_report(&journal)?;
    crate::report::html::write_page(&args.output, &crate::report::html::render(&record, &tally))?;
    crate::errln!(
        "report: {} (from {})",
        args.output.display(),
        journal.display()
    );
    Ok(code::OK)
}

/// The journal written to last.
fn latest_journal(dir: &std::path::Path) -> Result<std::path::PathBuf, AppError> {
    let entries = std::fs::read_dir(dir).map_err(|_| {
        AppError::Config(format!(
            "no run has been journaled yet (nothing in {})",
            dir.display()
        ))
    })?;
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "db"))
        .filter_map(|p| {
            // A journal's last write lands in its WAL until a checkpoint.
            let wal = std::path::PathBuf::from(format!("{}-wal", p.display()));
            let modified = [&p, &wal]
                .iter()
                .filter_map(|f| f.metadata().and_then(|m| m.modified()).ok())
                .max()?;
            Some((modified, p))
        })
        .max()
        .map(|(_, p)| p)
        .ok_or_else(|| AppError::Config(format!("no journal in {}", dir.display())))
}

async fn users(global: &crate::cli::GlobalArgs, command: &UsersCommand) -> Result<u8, AppError> {
    use Lifecycle::*;
    let (operation, args) = match command {
        UsersCommand::Import(args) => return users_import::run(global, args).await,
        UsersCommand::Update(args) => return commands::users_update::run(global, args).await,
        UsersCommand::Activate(a) => (Activate, a),
        UsersCommand::Reactivate(a) => (Reactivate, a),
        UsersCommand::Deactivate(a) => (Deactivate, a),
        UsersCommand::Suspend(a) => (Suspend, a),
        UsersCommand::Unsuspend(a) => (Unsuspend, a),
        UsersCommand::Unlock(a) => (Unlock, a),
        UsersCommand::ExpirePassword(a) => (ExpirePassword, a),
        UsersCommand::Delete(a) => (Delete, a),
    };
    commands::lifecycle::run(global, operation, args).await
}

/// Runs only the preflight. With an org (configured, or `--sandbox`) the schema and the groups
/// come from it; without one the default schema is used and group references are not checked.
async fn validate(global: &crate::cli::GlobalArgs, args: &ValidateArgs) -> Result<u8, AppError> {
    let input = InputFile::open(&args.input.file)?
        .with_sheet(args.input.sheet.clone())
        .with_mapping(crate::bulk::mapping(args.input.map.as_deref())?);
    let target = if global.sandbox {
        None
    } else {
        match crate::config::resolve(global) {
            Ok(target) => Some(target),
            Err(AppError::Config(reason)) => {
                crate::errln!("note: {reason}");
                crate::errln!(
                    "note: checking against Okta's default schema, without group references"
                );
                let report = check(
                    global,
                    &input,
                    args,
                    &default_schema(),
                    &GroupDirectory::default(),
                )?;
                return verdict(global, &input, &report);
            }
            Err(e) => return Err(e),
        }
    };
    let conn = connect_to(global, target, None).await?;
    let (schema, groups) = org_facts(&conn.client).await?;
    let report = check(global, &input, args, &schema, &groups)?;
    verdict(global, &input, &report)
}

/// The preflight of the command the file is for (`--for`, or assumed from its header, saying
/// which and why).
fn check(
    global: &crate::cli::GlobalArgs,
    input: &InputFile,
    args: &ValidateArgs,
    schema: &okta_model::schema::UserSchema,
    groups: &GroupDirectory,
) -> Result<preflight::PreflightReport, AppError> {
    let kind = match args.for_command {
        Some(chosen) => file_kind(chosen),
        None => {
            let rows = input
                .rows(args.input.delimiter)
                .map_err(|p| input.unreadable(vec![p]))?;
            if crate::input::source::headerless(&rows.source_header).is_some() {
                // Nothing to tell the command from: the preflight says what is wrong before
                // any command's checker reads a row.
                if !global.quiet {
                    crate::errln!(
                        "checking {}: its first row is not a header, so the command it is for cannot be told (--for names it)",
                        input.display
                    );
                }
                FileKind::UserList
            } else {
                let (kind, why) = FileKind::detect(&rows.header);
                if !global.quiet {
                    crate::errln!(
                        "checking {} as a file for `{}`, assumed from its header: {why} (--for names another command)",
                        input.display,
                        kind.command()
                    );
                }
                kind
            }
        }
    };
    let mut checker = kind.checker(CheckerInputs {
        schema: schema.clone(),
        groups: groups.clone(),
        ignore_unknown: args.input.ignore_unknown_columns,
        create_missing_groups: args.create_missing_groups,
        replace: args.replace,
        set_passwords: args.set_passwords,
        // App references are checked by the commands themselves, which read the org's apps.
        apps: crate::input::AppDirectory::default(),
    });
    Ok(tokio::task::block_in_place(|| {
        preflight::check(
            input,
            args.input.delimiter,
            checker.as_mut(),
            |line, problem| {
                if problem || !global.quiet {
                    crate::errln!("{line}")
                }
            },
            None,
        )
    }))
}

/// `--for` as the input knows it.
fn file_kind(chosen: FileFor) -> FileKind {
    match chosen {
        FileFor::UsersImport => FileKind::UsersImport,
        FileFor::UsersUpdate => FileKind::UsersUpdate,
        FileFor::UsersLifecycle => FileKind::UserList,
        FileFor::GroupsImport => FileKind::GroupsImport,
        FileFor::GroupsAddMembers => FileKind::Memberships,
        FileFor::AppsAssign => FileKind::AppAssign,
        FileFor::AppsUnassign => FileKind::AppUnassign,
    }
}

fn verdict(
    global: &crate::cli::GlobalArgs,
    input: &InputFile,
    report: &preflight::PreflightReport,
) -> Result<u8, AppError> {
    if report.problems > 0 {
        return Err(preflight::refusal(report));
    }
    if !global.quiet {
        crate::errln!(
            "{}: {}, no problems",
            input.display,
            crate::report::words::count(report.rows, "row", "rows")
        );
    }
    Ok(code::OK)
}

async fn sandbox_command(
    global: &crate::cli::GlobalArgs,
    command: &SandboxCommand,
) -> Result<u8, AppError> {
    match command {
        SandboxCommand::Serve { port } => {
            let sandbox = Sandbox::start(*port).await?;
            crate::outln!("{}", sandbox.emulator.base_url());
            crate::errln!(
                "sandbox org at {} (SSWS token {} for this session); stop with Ctrl-C",
                sandbox.emulator.base_url(),
                // The sandbox's own throwaway token: other tools need it to talk to it.
                sandbox.token.expose()
            );
            let _ = tokio::signal::ctrl_c().await;
            Ok(code::OK)
        }
        SandboxCommand::Reset => {
            let db = Sandbox::reset()?;
            let sandbox = Sandbox::start(0).await?;
            crate::outln!(
                "new sandbox org in {} ({})",
                db.display(),
                crate::report::words::count(sandbox.emulator.user_count() as u64, "user", "users")
            );
            Ok(code::OK)
        }
        SandboxCommand::Status => {
            let db = sandbox::db_path()?;
            if !db.exists() {
                crate::outln!(
                    "no sandbox yet ({}); any --sandbox command creates it",
                    db.display()
                );
                return Ok(code::OK);
            }
            let sandbox = Sandbox::start(0).await?;
            crate::outln!("sandbox: {}", db.display());
            crate::outln!("users:   {}", sandbox.emulator.user_count());
            Ok(code::OK)
        }
        SandboxCommand::AddAttribute { name, kind, title } => {
            add_attribute(global, name, *kind, title.as_deref()).await
        }
    }
}

/// Adds a custom attribute to the sandbox's schema through its API, as an admin would.
async fn add_attribute(
    global: &crate::cli::GlobalArgs,
    name: &str,
    kind: AttributeType,
    title: Option<&str>,
) -> Result<u8, AppError> {
    let conn = connect_to(global, None, None).await?;
    let mut attr = okta_model::schema::SchemaAttribute::string(title.unwrap_or(name));
    attr.kind = match kind {
        AttributeType::String => "string",
        AttributeType::Boolean => "boolean",
        AttributeType::Number => "number",
        AttributeType::Integer => "integer",
        AttributeType::Array => "array",
    }
    .to_owned();
    if kind == AttributeType::Array {
        attr.items = Some(serde_json::json!({"type": "string"}));
    }
    let change = std::collections::BTreeMap::from([(name.to_owned(), Some(attr))]);
    let schema = conn.client.users().update_schema(&change).await?;
    let custom: Vec<&String> = schema.definitions.custom.properties.keys().collect();
    crate::outln!(
        "the sandbox's custom attributes: {}",
        custom
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(code::OK)
}
