//! `oktabulk users import`: preflight, plan or run, results, journal, exit code.

use crate::cli::{GlobalArgs, ImportArgs, NextLogin, OnExists, ResultFormat};
use crate::connect::{connect, org_facts, Connection};
use crate::engine::events::ClientEvents;
use crate::engine::{
    run_import, Event, ImportOptions, Reporter, RowContext, RowInput, Stop, StopReason,
};
use crate::exit::{code, AppError};
use crate::input::{InputFile, Validator};
use crate::journal::{Journal, JournalKey};
use crate::preflight;
use crate::report::{colour, Progress, ResultsFile, RowLines, Summary};
use okta_model::GroupProfile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc::unbounded_channel;
use tokio::sync::Semaphore;

pub async fn run(global: &GlobalArgs, args: &ImportArgs) -> Result<u8, AppError> {
    let input = InputFile::open(&args.input.file)?;
    let output = results_path(&input.named, args);
    crate::report::results::guard_input(&input.named, &output)?;
    let (tx, rx) = unbounded_channel::<Event>();
    let stop = Arc::new(Stop::default());
    let observer = Arc::new(ClientEvents(tx.clone(), Arc::clone(&stop)));
    let conn = connect(global, Some(observer)).await?;
    let (schema, groups) = org_facts(&conn.client).await?;
    let report = tokio::task::block_in_place(|| {
        preflight::check(
            &input,
            args.input.delimiter,
            &schema,
            &groups,
            args.input.ignore_unknown_columns,
            args.create_missing_groups,
            |line| eprintln!("{line}"),
        )
    });
    if report.structural || (report.problems > 0 && !args.skip_invalid) {
        return Err(preflight::refusal(&report));
    }
    if !report.groups_to_create.is_empty() && !global.quiet {
        let names: Vec<_> = report
            .groups_to_create
            .iter()
            .map(|n| format!("{:?}", crate::report::printable(n)))
            .collect();
        eprintln!(
            "--create-missing-groups will create {} group(s): {}",
            names.len(),
            names.join(", ")
        );
    }
    let columns = report
        .columns
        .clone()
        .expect("no structural problem, so the header was read");
    let options = ImportOptions {
        activate: !args.staged,
        next_login_change_password: args.next_login == Some(NextLogin::ChangePassword),
        on_exists: args.on_exists,
    };
    if args.dry_run {
        let validator = Validator::new(columns, schema, groups, args.create_missing_groups);
        crate::plan::print(
            &conn,
            &input,
            args.input.delimiter,
            validator,
            &options,
            &report,
        )
        .await?;
        return Ok(code::OK);
    }
    let journal = Arc::new(Journal::open(
        &crate::config::data_home()?.join("journals"),
        &journal_key(&input, &conn, args),
        &report.digest,
        report.rows,
        args.restart,
    )?);
    let window = Arc::new(Semaphore::new(crate::engine::run::REORDER_WINDOW));
    let mut reporters: Vec<Box<dyn Reporter>> = vec![Box::new(ResultsFile::create(
        output.clone(),
        args.format,
        Arc::clone(&window),
        Arc::clone(&stop),
    )?)];
    let created_groups = create_groups(&conn, &report.groups_to_create).await?;
    let mut bar = None;
    if !global.quiet {
        let progress = Progress::new();
        bar = Some(progress.bar());
        reporters.push(Box::new(progress));
        reporters.push(Box::new(Summary::new(output.display().to_string())));
    }
    if global.verbose {
        reporters.push(Box::new(RowLines::new(colour(), bar)));
    }
    let ctx = Arc::new(RowContext {
        client: conn.client.clone(),
        options,
        journal: Some(Arc::clone(&journal)),
        created_groups,
        stop: Arc::clone(&stop),
        retry_failed: args.retry_failed,
    });
    let mut validator = Validator::new(columns, schema, groups, args.create_missing_groups);
    if report.problems == 0 {
        validator = validator.without_duplicate_check();
    }
    let inputs = row_inputs(&input, args.input.delimiter, validator)?;
    let tally = run_import(
        ctx,
        inputs,
        report.rows,
        (tx, rx),
        reporters,
        window,
        global.concurrency as usize,
    )
    .await?;
    match stop.reason() {
        Some(StopReason::Interrupted) => return Err(AppError::Interrupted),
        Some(StopReason::OrgUnreachable(why)) => return Err(AppError::OrgUnreachable(why)),
        Some(StopReason::Unwritable(why)) => return Err(AppError::Runtime(why)),
        None => {}
    }
    Ok(if tally.failed.load(Ordering::SeqCst) > 0 {
        code::ROWS_FAILED
    } else {
        code::OK
    })
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
        };
        let group = conn.client.groups().create(&profile).await?;
        created.insert(name.to_lowercase(), group.id.0);
    }
    Ok(created)
}

/// The sending pass: the file read again, each row checked the way the preflight checked it.
fn row_inputs(
    input: &InputFile,
    delimiter: u8,
    mut validator: Validator,
) -> Result<impl Iterator<Item = Result<RowInput, AppError>>, AppError> {
    let mut rows = input
        .rows(delimiter)
        .map_err(|p| AppError::InvalidInput(p.render(&input.display)))?;
    Ok(std::iter::from_fn(move || {
        let raw = match rows.next_row()? {
            Ok(raw) => raw,
            Err(problems) => {
                let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                return Some(Err(AppError::InvalidInput(format!(
                    "the file changed while running: {}",
                    text.join("; ")
                ))));
            }
        };
        Some(Ok(match validator.check(&raw) {
            Ok(row) => RowInput::Valid(Box::new(row)),
            Err(problems) => RowInput::Invalid {
                seq: raw.seq,
                line: raw.line,
                login: login_cell(&validator, &raw.cells),
                problems,
            },
        }))
    }))
}

fn login_cell(validator: &Validator, cells: &[String]) -> String {
    validator
        .columns()
        .profile_index("login")
        .and_then(|i| cells.get(i))
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// `<input-stem>.results.csv` (or `.jsonl`) beside the input; `import-results.csv` for stdin.
fn results_path(input: &Path, args: &ImportArgs) -> PathBuf {
    if let Some(out) = &args.output {
        return out.clone();
    }
    let ext = match args.format {
        ResultFormat::Csv => "csv",
        ResultFormat::Jsonl => "jsonl",
    };
    if input == Path::new("-") {
        return PathBuf::from(format!("import-results.{ext}"));
    }
    let stem = input
        .file_stem()
        .map_or_else(|| "import".into(), |s| s.to_string_lossy().into_owned());
    input.with_file_name(format!("{stem}.results.{ext}"))
}

/// The same command is the same input, org and result-changing options.
fn journal_key(input: &InputFile, conn: &Connection, args: &ImportArgs) -> JournalKey {
    let input_id = if input.named == Path::new("-") {
        "stdin".to_owned()
    } else {
        std::fs::canonicalize(&input.named)
            .unwrap_or_else(|_| input.named.clone())
            .display()
            .to_string()
    };
    JournalKey {
        input: input_id,
        org: conn.org.clone(),
        options: journal_options(args),
    }
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
        match args.on_exists {
            OnExists::Skip => "Skip",
            OnExists::Update => "Update",
            OnExists::Fail => "Fail",
        },
        args.create_missing_groups,
        args.skip_invalid,
        args.input.ignore_unknown_columns
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
