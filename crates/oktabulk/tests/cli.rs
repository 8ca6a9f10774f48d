//! End-to-end tests: the real `oktabulk` binary against the real emulator (in process, port 0,
//! real HTTP), with its own data directory per test.

// Tests print to the harness's captured output, not to a pipe a reader can close.
#![allow(clippy::disallowed_macros)]

mod cli {
    /// An emulator, a scratch directory, and the binary with the environment pointing at both.
    pub mod support;

    /// `apps assign|unassign`: 500 assignments, a rerun, half taken away, Okta's E0000046, a
    /// dry run beside the run.
    mod apps;
    /// Bad files: each gives its documented error and exit code and sends no write.
    mod bad_input;
    /// `validate`, `doctor`, `--dry-run`, configuration and the sandbox.
    mod commands;
    /// A hostile or broken org (endless or circular paging, an endless body, broken JSON)
    /// against every command that reads a list.
    mod hostile;
    /// The classic script's file and results, and each import option.
    mod import;
    /// The journal on disk: damaged rows and files, links, listing and pruning old runs.
    mod journal;
    /// `--map`: the Entra, Google Workspace and AD presets on made-up exports, a mapping file,
    /// problems named by the source column.
    mod mappings;
    /// `users update`, the lifecycle commands, `groups ...` and `export`.
    mod operations;
    /// `--report` and `oktabulk report`: the run's page, and its rendering in headless Chromium.
    mod report;
    /// Faults during a run, and `kill -9` followed by a re-run.
    mod resilience;
    /// The input is never overwritten, files are the owner's, the token stays with the org.
    mod security;
    /// The results (CSV and JSONL), the summary and the dry-run plan, snapshotted whole.
    mod snapshots;
    /// `groups sync`: the plan and its counts, the safeguard, rule members, kill -9 and resume.
    mod sync;
    /// What an admin sees in a terminal: output cut short by its reader (`| head`), help in 80
    /// columns.
    mod terminal;
    /// Reruns of finished files, dry runs of every command, passwords only when asked.
    mod truth;
    /// Workbooks (.xlsx) as input: a named sheet, row numbers, values as a spreadsheet shows
    /// them, the journal's digest of the file.
    mod workbooks;
}
