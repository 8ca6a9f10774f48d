//! Every bulk command's run, from file to exit code, in one place: the input opened (and the
//! results path checked against it), the preflight of the whole file by the command's
//! `RowChecker`, then the journal, the results, the reporters and the engine, and the exit code
//! from how the run ended. A command only says how its rows are read (its checker), what each
//! row does (its `Job`) and what it needs in between (confirmation, groups to create, a plan).

use crate::connect::Connection;
use crate::engine::events::ClientEvents;
use crate::engine::{run_rows, Event, Job, PreviewReads, Reporter, RowContext, Stop, StopReason};
use crate::exit::{code, AppError};
use crate::input::mapping::Mapping;
use crate::input::{InputFile, RowChecker, RowInput};
use crate::journal::{EarlierRun, Journal, JournalKey, Previous};
use crate::preflight::{self, PreflightReport};
use crate::record::RunFacts;
pub use crate::report::plan::Extra;
use crate::report::plan::Reading;
use crate::report::recorder::RunRecorder;
use crate::report::results::{guard_input, Format};
use crate::report::{colour, Plan, Progress, ResultsFile, RowLines, Summary};
use futures_util::StreamExt;
use okta_client::LoginLookup;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// A bulk command's settings, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `import`, `update`, `deactivate`, `add-members`...: names the journal and the default
    /// results file.
    pub command: &'static str,
    pub file: PathBuf,
    pub delimiter: u8,
    /// The sheet to read from a workbook (`--sheet`).
    pub sheet: Option<String>,
    /// How the file's columns become Okta's (`--map`).
    pub map: Option<String>,
    pub output: Option<PathBuf>,
    pub format: Format,
    pub skip_invalid: bool,
    pub restart: bool,
    pub retry_failed: bool,
    /// Where to write the HTML run report, if anywhere.
    pub report: Option<PathBuf>,
    /// Plan only: rows stop before their first write (`preview`).
    pub dry_run: bool,
    pub quiet: bool,
    pub verbose: bool,
    /// `--concurrency`: the admin's bound on requests in flight, if set.
    pub concurrency: Option<usize>,
    /// The options that change results, as they enter the journal's name.
    pub journal_options: String,
    /// How this run reached its org, as options a next command repeats (` --sandbox`,
    /// ` --profile prod`...; empty for the environment's or okta.yaml's org).
    pub connection: String,
    /// The command's results table.
    pub results: &'static crate::outcome::ResultsTable,
    /// What the summary calls a row done (`created`, `deactivated`...).
    pub done_word: &'static str,
}

/// The run's events, its stop signal, and the observer that feeds both from the client.
#[derive(Debug)]
pub struct Channels {
    tx: UnboundedSender<Event>,
    rx: UnboundedReceiver<Event>,
    pub stop: Arc<Stop>,
}

impl Channels {
    pub fn new() -> Channels {
        let (tx, rx) = unbounded_channel();
        Channels {
            tx,
            rx,
            stop: Arc::new(Stop::default()),
        }
    }

    /// The observer to give the client.
    pub fn observer(&self) -> Arc<ClientEvents> {
        Arc::new(ClientEvents(self.tx.clone(), Arc::clone(&self.stop)))
    }
}

impl Default for Channels {
    fn default() -> Self {
        Self::new()
    }
}

/// The mapping `--map` names, read and checked.
pub fn mapping(spec: Option<&str>) -> Result<Option<Mapping>, AppError> {
    spec.map(Mapping::load)
        .transpose()
        .map_err(|reason| crate::input::InputError::Mapping(reason).into())
}

/// The input and where its results go; refused at once when the results would replace it.
pub fn open(settings: &Settings) -> Result<(InputFile, PathBuf), AppError> {
    let input = InputFile::open(&settings.file)?
        .with_sheet(settings.sheet.clone())
        .with_mapping(mapping(settings.map.as_deref())?);
    let output = results_path(&input.named, settings);
    guard_input(&input.named, &output)?;
    if let Some(report) = &settings.report {
        guard_input(&input.named, report)?;
    }
    Ok((input, output))
}

/// The preflight: every row checked, every problem printed; refused unless clean (or
/// `--skip-invalid` and nothing structural).
pub fn check(
    settings: &Settings,
    input: &InputFile,
    checker: &mut dyn RowChecker,
) -> Result<PreflightReport, AppError> {
    let mut keep = preflight::Keeper::new().map_err(|source| AppError::Write {
        path: std::env::temp_dir(),
        source,
    })?;
    let mut report = tokio::task::block_in_place(|| {
        preflight::check(
            input,
            settings.delimiter,
            checker,
            |line, problem| {
                if problem || !settings.quiet {
                    crate::errln!("{line}")
                }
            },
            Some(&mut keep),
        )
    });
    if report.structural || (report.problems > 0 && !settings.skip_invalid) {
        return Err(preflight::refusal(&report));
    }
    report.checked = Some(keep.finish().map_err(|source| AppError::Write {
        path: std::env::temp_dir(),
        source,
    })?);
    Ok(report)
}

/// Sends every row: journal, results, reporters, the engine, and the exit code.
#[allow(clippy::too_many_arguments)]
pub async fn send(
    settings: &Settings,
    conn: &Connection,
    input: &InputFile,
    output: PathBuf,
    report: &PreflightReport,
    job: Arc<dyn Job>,
    channels: Channels,
) -> Result<u8, AppError> {
    let Channels { tx, rx, stop } = channels;
    let journals = crate::config::data_home()?.join("journals");
    // Finished runs' journals past their keeping time go first (never an unfinished one).
    crate::retention::prune(
        &journals,
        std::time::Duration::from_secs(crate::retention::KEEP_DAYS * 86_400),
        false,
    )?;
    let (journal, earlier) = Journal::open(
        &journals,
        &journal_key(settings, input, conn),
        &report.digest,
        report.rows,
        settings.restart,
    )?;
    for (key, value) in &report.journal_meta {
        journal.keep_meta(key, value.clone())?;
    }
    let journal = Arc::new(journal);
    if let (Some(earlier), false) = (&earlier, settings.quiet) {
        // Wrapped to the terminal, but for the command on its last line, which is copied whole.
        let note = earlier_note(settings, earlier);
        let (text, command) = note.split_once('\n').unwrap_or((note.as_str(), ""));
        let width = crate::report::words::width();
        for line in crate::report::words::wrap(text, width, "      ") {
            crate::errln!("{line}");
        }
        if !command.is_empty() {
            crate::errln!("{command}");
        }
    }
    let mut reporters: Vec<Box<dyn Reporter>> = vec![Box::new(ResultsFile::create(
        output.clone(),
        settings.format,
        settings.results,
    )?)];
    reporters.push(Box::new(RunRecorder::new(
        settings.report.clone(),
        Arc::clone(&journal),
        run_facts(settings, conn, input, report, &output, run_by(conn).await),
    )));
    let mut bar = None;
    if !settings.quiet {
        let progress = Progress::new();
        bar = Some(progress.bar());
        reporters.push(Box::new(progress));
        reporters.push(Box::new(Summary::new(
            output.display().to_string(),
            settings.report.as_ref().map(|p| p.display().to_string()),
            settings.done_word,
            settings.connection.clone(),
        )));
    }
    if settings.verbose {
        reporters.push(Box::new(RowLines::new(colour(), bar)));
    }
    let ctx = Arc::new(RowContext {
        client: conn.client.clone(),
        job,
        journal: Some(Arc::clone(&journal)),
        stop: Arc::clone(&stop),
        retry_failed: settings.retry_failed,
        preview: false,
        previous: match &earlier {
            Some(earlier) => Previous::open(earlier)?.map(Arc::new),
            None => None,
        },
        reads: None,
    });
    let inputs = report.checked_rows()?.chain(appended(report));
    // As many rows as the client may have requests in flight: the client's bound decides.
    let rows_in_flight = conn.client.max_in_flight();
    let tally = run_rows(
        ctx,
        inputs,
        report.rows,
        (tx, rx),
        reporters,
        rows_in_flight,
    )
    .await?;
    if stop.reason().is_none() && tally.open.load(Ordering::SeqCst) == 0 {
        journal.finished();
    }
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

/// Rows a dry run has in flight: enough to fill many batches of logins at once (a previewed
/// row writes nothing, so it holds no request in flight once its lookup is answered).
pub const PREVIEW_ROWS_IN_FLIGHT: usize = 1024;

/// Runs the rows: `preview` for a dry run, else `send`.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    settings: &Settings,
    conn: &Connection,
    input: &InputFile,
    output: PathBuf,
    report: &PreflightReport,
    job: Arc<dyn Job>,
    channels: Channels,
    extra: Extra,
) -> Result<u8, AppError> {
    if settings.dry_run {
        preview(settings, conn, report, job, channels, extra).await
    } else {
        send(settings, conn, input, output, report, job, channels).await
    }
}

/// A dry run: every row through the engine as the run would take it, without a journal, each
/// stopping before its first write; the plan is printed. Sends no write.
#[allow(clippy::too_many_arguments)]
pub async fn preview(
    settings: &Settings,
    conn: &Connection,
    report: &PreflightReport,
    job: Arc<dyn Job>,
    channels: Channels,
    extra: Extra,
) -> Result<u8, AppError> {
    let Channels { tx, rx, stop } = channels;
    if let Some(path) = &settings.report {
        crate::errln!(
            "no run report written to {}: a dry run sends nothing (drop --dry-run to run and report)",
            path.display()
        );
    }
    // One read of the users list teaches the pacer that bucket's limit, by which buckets not
    // read yet are estimated; the plan counts only the rows' calls.
    let _ = conn
        .client
        .users()
        .list(&okta_client::ListQuery::one())
        .next()
        .await;
    let lookup = LoginLookup::new(conn.client.clone());
    let reading = std::time::Instant::now();
    let looks_users_up = job.looks_users_up();
    if looks_users_up {
        if !settings.quiet {
            if let Some(note) = crate::report::plan::reading_note(&conn.client, report.rows) {
                let width = crate::report::words::width();
                for line in crate::report::words::wrap(&note, width, "  ") {
                    crate::errln!("{line}");
                }
            }
        }
        // Listing the org costs fewer calls than the batches when its pages are at most a
        // quarter of them; a larger org stops the listing there, so its pages read add at
        // most a quarter to the batches' cost.
        let pages = report.rows.div_ceil(okta_client::MAX_TERMS as u64) / 4;
        if pages >= 2 {
            lookup.list_org(pages).await?;
        }
    }
    let reads = Arc::new(PreviewReads::new(Arc::clone(&lookup)));
    let reporters: Vec<Box<dyn Reporter>> = vec![Box::new(Plan::new(
        conn.client.clone(),
        settings.done_word,
        extra,
        Reading {
            reads: Arc::clone(&reads),
            listed_in: reading.elapsed(),
            started: reading,
        },
    ))];
    let ctx = Arc::new(RowContext {
        client: conn.client.clone(),
        job,
        journal: None,
        stop: Arc::clone(&stop),
        retry_failed: false,
        preview: true,
        previous: None,
        reads: Some(reads),
    });
    let inputs = report.checked_rows()?.chain(appended(report));
    let tally = run_rows(
        ctx,
        inputs,
        report.rows,
        (tx, rx),
        reporters,
        PREVIEW_ROWS_IN_FLIGHT,
    )
    .await?;
    match stop.reason() {
        Some(StopReason::Interrupted) => Err(AppError::Interrupted),
        Some(StopReason::OrgUnreachable(why)) => Err(AppError::OrgUnreachable(why)),
        Some(StopReason::Unwritable(why)) => Err(AppError::Runtime(why)),
        // The exit code the run would have: rows the plan sees failing (a user not found, a
        // row --skip-invalid leaves out) fail the run too.
        None if tally.failed.load(Ordering::SeqCst) > 0 => Ok(code::ROWS_FAILED),
        None => Ok(code::OK),
    }
}

/// Says, before anything is sent, that the same command over the same file finished before
/// and that this run is a new one: what it reports is what it finds and does now.
fn earlier_note(settings: &Settings, earlier: &EarlierRun) -> String {
    let counts: Vec<String> = earlier
        .tally
        .by_word(settings.done_word)
        .iter()
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
    format!(
        "note: this command ran over this file before and finished at {} ({}); this is a new run: it reads the org again and reports what it finds and does now. The earlier run's report:\n  oktabulk report {} -o earlier.html",
        earlier.finished,
        if counts.is_empty() {
            "no rows".to_owned()
        } else {
            counts.join(", ")
        },
        earlier.journal.display()
    )
}

/// Who runs this, for the run report (drawn at the end, or later from the journal): with an API
/// token, its owner as the org tells it (one `/users/me` call a run); otherwise, or when the
/// org does not say, the local account.
async fn run_by(conn: &Connection) -> String {
    if conn.api_token {
        if let Ok(me) = conn.client.users().me().await {
            if let Some(login) = me.profile.login() {
                return format!("{login} (the API token's owner)");
            }
        }
    }
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .map_or_else(
            || "unknown (the org did not name the token's owner, and USER, USERNAME and LOGNAME are not set)".to_owned(),
            |u| format!("{u} (local account)"),
        )
}

/// The command line as typed, each argument quoted for a POSIX shell when it needs it (flags
/// never hold a secret: a token is never accepted on the command line).
fn typed_command_line() -> String {
    std::env::args_os()
        .skip(1)
        .map(|a| crate::report::words::shell_word(&a.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the run report says was asked: names and values the admin chose, never a secret.
fn run_facts(
    settings: &Settings,
    conn: &Connection,
    input: &InputFile,
    report: &PreflightReport,
    results: &Path,
    user: String,
) -> RunFacts {
    let mut options = vec![
        (
            "concurrency".to_owned(),
            match settings.concurrency {
                Some(n) => n.to_string(),
                None => format!("default (at most {})", conn.client.max_in_flight()),
            },
        ),
        (
            "max-capacity".to_owned(),
            format!("{} %", conn.max_capacity),
        ),
        ("format".to_owned(), settings.format.extension().to_owned()),
    ];
    for (flag, on) in [
        ("skip-invalid", settings.skip_invalid),
        ("restart", settings.restart),
        ("retry-failed", settings.retry_failed),
    ] {
        if on {
            options.push((flag.to_owned(), "yes".to_owned()));
        }
    }
    RunFacts {
        connection: settings.connection.clone(),
        command: settings.command.to_owned(),
        command_line: typed_command_line(),
        results: results.display().to_string(),
        org: conn.org.clone(),
        file: input.display.clone(),
        digest: report.digest.clone(),
        options,
        sources: conn.sources.clone(),
        principal: conn.principal.clone(),
        user,
    }
}

/// The rows a command runs after its file's (`groups sync`'s removals).
fn appended(report: &PreflightReport) -> impl Iterator<Item = Result<RowInput, AppError>> + '_ {
    report
        .appended
        .iter()
        .map(|op| Ok(RowInput::Valid(Box::new(op.clone()))))
}

/// Where this command's journal is: what `Journal::open` will open.
pub fn journal_path(
    settings: &Settings,
    input: &InputFile,
    conn: &Connection,
) -> Result<PathBuf, AppError> {
    Ok(crate::config::data_home()?
        .join("journals")
        .join(journal_key(settings, input, conn).file_name()))
}

/// `<stem>.results.csv` for `users import` (the classic name), `<stem>.<command>-results.csv`
/// for the others, beside the input; `<command>-results.csv` for stdin.
fn results_path(input: &Path, settings: &Settings) -> PathBuf {
    if let Some(out) = &settings.output {
        return out.clone();
    }
    let ext = settings.format.extension();
    let suffix = if settings.command == "import" {
        format!("results.{ext}")
    } else {
        format!("{}-results.{ext}", settings.command)
    };
    if input == Path::new("-") {
        return PathBuf::from(format!("{}-results.{ext}", settings.command));
    }
    let stem = input
        .file_stem()
        .map_or_else(|| "input".into(), |s| s.to_string_lossy().into_owned());
    input.with_file_name(format!("{stem}.{suffix}"))
}

/// The same command is the same input, org, command and result-changing options.
fn journal_key(settings: &Settings, input: &InputFile, conn: &Connection) -> JournalKey {
    let input_id = if input.named == Path::new("-") {
        "stdin".to_owned()
    } else {
        std::fs::canonicalize(&input.named)
            .unwrap_or_else(|_| input.named.clone())
            .display()
            .to_string()
    };
    JournalKey {
        command: settings.command,
        input: input_id,
        org: conn.org.clone(),
        options: settings.journal_options.clone(),
    }
}
