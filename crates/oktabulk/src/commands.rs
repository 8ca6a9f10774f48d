//! The bulk commands besides `users import`: `users update`, the lifecycle commands,
//! `groups import` and `groups add-members|remove-members`. Each resolves its settings, reads
//! what its rows need from the org, picks its row checker and its job, and hands the rest to the
//! shared bulk run. Deactivating and deleting ask first.

use crate::bulk::{self, Channels, Extra, Settings};
use crate::cli::{BulkArgs, GlobalArgs, GroupsImportArgs, LifecycleArgs, UpdateArgs};
use crate::connect::{connect, group_directory};
use crate::engine::apps::AppsJob;
use crate::engine::groups::GroupsJob;
use crate::engine::lifecycle::{Lifecycle, LifecycleJob};
use crate::engine::members::MembersJob;
use crate::engine::update::UpdateJob;
use crate::engine::Job;
use crate::exit::AppError;
use crate::import::{format, on_exists};
use crate::input::{AppDirectory, CheckerInputs, FileKind, GroupDirectory};
use std::io::{BufRead, IsTerminal, Write};

/// A bulk command's settings from its options (the results' status column named `status`).
pub fn settings(
    global: &GlobalArgs,
    args: &BulkArgs,
    command: &'static str,
    journal_options: String,
    done_word: &'static str,
) -> Settings {
    // A mapping changes what each row sends: a run with another one is another run.
    let journal_options = match &args.input.map {
        Some(map) => format!("{journal_options} map={map}"),
        None => journal_options,
    };
    Settings {
        command,
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
        status_column: crate::outcome::STATUS_COLUMN,
        done_word,
    }
}

/// The options of `users update` that change how its rows are read.
#[derive(Debug, Clone, Copy, Default)]
struct ReadOptions {
    ignore_unknown: bool,
    replace: bool,
    set_passwords: bool,
}

/// Runs a bulk command whose file is of `kind`: what its rows need of the org is read once,
/// its checker built (`FileKind::checker`, as `validate` builds it), its job made by `job`
/// from the org's groups.
async fn run_with(
    global: &GlobalArgs,
    settings: Settings,
    kind: FileKind,
    read: ReadOptions,
    job: impl FnOnce(&GroupDirectory) -> Job,
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
        FileKind::AppAssign | FileKind::AppUnassign => app_directory(client).await?,
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
        &settings, &conn, &input, output, &report, checker, job, channels, extra,
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

pub async fn update(global: &GlobalArgs, args: &UpdateArgs) -> Result<u8, AppError> {
    let mut options = format!(
        "replace={} ignoreUnknown={} skipInvalid={}",
        args.replace, args.bulk.input.ignore_unknown_columns, args.bulk.skip_invalid
    );
    // Added only when on, so that the journals of runs without it keep their names.
    if args.set_passwords {
        options.push_str(" setPasswords=true");
    }
    let settings = settings(global, &args.bulk, "update", options, "updated");
    let read = ReadOptions {
        ignore_unknown: args.bulk.input.ignore_unknown_columns,
        replace: args.replace,
        set_passwords: args.set_passwords,
    };
    let job = Job::Update(UpdateJob {
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

pub async fn lifecycle(
    global: &GlobalArgs,
    operation: Lifecycle,
    args: &LifecycleArgs,
) -> Result<u8, AppError> {
    let name = operation.action().as_str();
    let lifecycle = LifecycleJob {
        operation,
        send_email: args.send_email,
    };
    let settings = settings(
        global,
        &args.bulk,
        name,
        format!(
            "sendEmail={} skipInvalid={}",
            lifecycle.sends_email(),
            args.bulk.skip_invalid
        ),
        match operation {
            Lifecycle::Activate => "activated",
            Lifecycle::Reactivate => "reactivated",
            Lifecycle::Deactivate => "deactivated",
            Lifecycle::Suspend => "suspended",
            Lifecycle::Unsuspend => "unsuspended",
            Lifecycle::Unlock => "unlocked",
            Lifecycle::ExpirePassword => "expired",
            Lifecycle::Delete => "deleted",
        },
    );
    let confirm = operation.destructive().then_some((
        if operation == Lifecycle::Delete {
            "Delete, for good,"
        } else {
            "Deactivate"
        },
        args.yes,
    ));
    let mut extra = Extra::default();
    if matches!(
        operation,
        Lifecycle::Activate | Lifecycle::Reactivate | Lifecycle::Deactivate | Lifecycle::Delete
    ) {
        extra.notes.push(match (operation, lifecycle.sends_email()) {
            (Lifecycle::Activate | Lifecycle::Reactivate, true) => {
                "email: Okta emails each user the activation (--send-email false: activation links in the results file instead)"
            }
            (Lifecycle::Activate | Lifecycle::Reactivate, false) => {
                "email: none sent; each user's activation link goes to the results file (activationUrl, activationToken)"
            }
            (_, true) => "email: Okta emails the admins that each user was deactivated",
            (_, false) => "email: none sent",
        });
    }
    run_with(
        global,
        settings,
        FileKind::UserList,
        ReadOptions::default(),
        |_| Job::Lifecycle(lifecycle),
        confirm,
        extra,
    )
    .await
}

pub async fn groups_import(global: &GlobalArgs, args: &GroupsImportArgs) -> Result<u8, AppError> {
    let on_exists = on_exists(args.on_exists);
    let settings = settings(
        global,
        &args.bulk,
        "groups-import",
        format!(
            "onExists={} skipInvalid={}",
            match on_exists {
                crate::engine::OnExists::Skip => "Skip",
                crate::engine::OnExists::Update => "Update",
                crate::engine::OnExists::Fail => "Fail",
            },
            args.bulk.skip_invalid
        ),
        "created",
    );
    run_with(
        global,
        settings,
        FileKind::GroupsImport,
        ReadOptions::default(),
        |_| Job::Groups(GroupsJob { on_exists }),
        None,
        Extra::default(),
    )
    .await
}

pub async fn members(global: &GlobalArgs, add: bool, args: &BulkArgs) -> Result<u8, AppError> {
    let command = if add { "add-members" } else { "remove-members" };
    let settings = settings(
        global,
        args,
        command,
        format!("skipInvalid={}", args.skip_invalid),
        if add { "added" } else { "removed" },
    );
    run_with(
        global,
        settings,
        FileKind::Memberships,
        ReadOptions::default(),
        |groups| {
            Job::Members(MembersJob {
                add,
                fixed: groups.fixed.keys().cloned().collect(),
            })
        },
        None,
        Extra::default(),
    )
    .await
}

/// The org's apps by id and label, read once (a page of 200 per call).
async fn app_directory(client: &okta_client::Client) -> Result<AppDirectory, AppError> {
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

/// `apps assign` and `apps unassign`.
pub async fn apps(global: &GlobalArgs, assign: bool, args: &BulkArgs) -> Result<u8, AppError> {
    let command = if assign {
        "apps-assign"
    } else {
        "apps-unassign"
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
        |_| Job::Apps(AppsJob { assign }),
        None,
        Extra::default(),
    )
    .await
}
