//! What the user typed: the clap definitions, checked for syntax only. `config` turns them, the
//! environment and `okta.yaml` files into a resolved configuration.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "oktabulk",
    version,
    about = "Bulk Okta administration from CSV files",
    // Help wraps to the terminal, and never wider than 80 columns (piped, too).
    max_term_width = 80,
    after_help = "Credentials come from ~/.okta/okta.yaml, ./okta.yaml, OKTA_CLIENT_* variables or --token-file, never from the command line."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Org, credentials and pacing (all commands)")]
pub struct GlobalArgs {
    /// Run against the embedded sandbox org instead of a real Okta org.
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// Org URL, e.g. `https://example.okta.com` (overrides okta.yaml and OKTA_CLIENT_ORGURL).
    #[arg(long, global = true, value_name = "URL")]
    pub org_url: Option<String>,
    /// Read the API token from this file (`-` for standard input).
    #[arg(long, global = true, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// Use ~/.okta/okta.NAME.yaml and ./okta.NAME.yaml instead of okta.yaml.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// OAuth service app client id (PrivateKey mode).
    #[arg(long, global = true)]
    pub client_id: Option<String>,
    /// OAuth service app private key file, PEM or JWK (PrivateKey mode).
    #[arg(long, global = true, value_name = "PATH")]
    pub private_key_file: Option<PathBuf>,
    /// This run's own share of each Okta rate-limit bucket per window, in percent.
    ///
    /// In each window the run sends as fast as --concurrency allows until its share is spent,
    /// then waits for the window's reset. It leaves min(10 %, 100 % - PCT) of each bucket to
    /// other clients, and lowers its share for the rest of the run after a 429 the headers did
    /// not predict (Okta caps each token at 50 % of a bucket by default).
    #[arg(long, global = true, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max_capacity: u32,
    /// Requests in flight at most (rows processed at once follow it).
    ///
    /// By default a run keeps its --max-capacity share of the org's concurrency limit in
    /// flight, never more than half of it, because every client of the org shares that limit,
    /// sign-ins included: 37 on Workforce (75), 17 on Integrator Free (35) at the default 50 %.
    /// Okta sends no header with the limit, so the lower plan is assumed until the rate limits
    /// show a paid one. A window's share goes that many at a time, then waits for the reset;
    /// a concurrency 429 halves it. This option only lowers the bound.
    #[arg(long, global = true, value_parser = clap::value_parser!(u32).range(1..=75))]
    pub concurrency: Option<u32>,
    /// Print a line for every row, in the colours of the classic script.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// User commands.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Group commands.
    Groups {
        #[command(subcommand)]
        command: GroupsCommand,
    },
    /// App assignments: users and groups to apps.
    Apps {
        #[command(subcommand)]
        command: AppsCommand,
    },
    /// Write users, groups or members to CSV (standard output or -o), page after page.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Check a CSV file without sending anything.
    Validate(ValidateArgs),
    /// Check the configuration and which commands the credentials may run; show rate limits.
    Doctor,
    /// The embedded sandbox org.
    Sandbox {
        #[command(subcommand)]
        command: SandboxCommand,
    },
    /// Draw a run's HTML report from its journal (the latest run's when no JOURNAL is given).
    ///
    /// The same page `--report` writes, for a finished or an interrupted run.
    Report(ReportArgs),
    /// The journals of earlier runs (they hold names, logins and ids; never passwords).
    Journal {
        #[command(subcommand)]
        command: JournalCommand,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    ///
    /// PowerShell: `oktabulk completions powershell | Out-String | Invoke-Expression`, or add
    /// that line to your $PROFILE. Bash: `source <(oktabulk completions bash)`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write every command's page to a directory.
    ///
    /// `oktabulk man > oktabulk.1; man -l oktabulk.1`, or `oktabulk man --dir man` for
    /// oktabulk.1, oktabulk-users-import.1 and every other command's page.
    Man {
        /// Write the page of every command (oktabulk-users-import.1...) into this directory.
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create users from a CSV file (the classic bulk-creation job).
    Import(ImportArgs),
    /// Change users' profiles (and, asked to, passwords) from a CSV file keyed by id or login.
    ///
    /// Each row names a user by its `id` column or, if that is empty, its `login`; the other
    /// columns are profile attributes (as for `users import`); `password` is set only with
    /// --set-passwords (without it, a note names the columns ignored); group columns are ignored (use `groups add-members`), so an import file
    /// or an export reads as it is. By
    /// default an empty cell leaves its attribute as it is. A row whose values already match
    /// the org is Unchanged and sends nothing.
    Update(UpdateArgs),
    /// Activate users (STAGED or DEPROVISIONED); a user already active is Unchanged.
    Activate(LifecycleArgs),
    /// Send users a new activation (PROVISIONED users).
    Reactivate(LifecycleArgs),
    /// Deactivate users, who lose access to every app (asks for confirmation).
    Deactivate(LifecycleArgs),
    /// Suspend active users.
    Suspend(LifecycleArgs),
    /// Unsuspend suspended users.
    Unsuspend(LifecycleArgs),
    /// Unlock locked-out users.
    Unlock(LifecycleArgs),
    /// Expire users' passwords, so they must change them at the next sign-in.
    ExpirePassword(LifecycleArgs),
    /// Delete users for good, deactivating them first when needed (asks for confirmation).
    Delete(LifecycleArgs),
}

#[derive(Debug, Subcommand)]
pub enum GroupsCommand {
    /// Create groups from a CSV file with `name` and `description` columns.
    Import(GroupsImportArgs),
    /// Add users to groups: rows of `group` (id or name) and `user` (id or login).
    AddMembers(BulkArgs),
    /// Remove users from groups: rows of `group` (id or name) and `user` (id or login).
    RemoveMembers(BulkArgs),
    /// Make each group the file names hold exactly the users the file lists for it: rows of
    /// `group` and `user`, as add-members reads them; members it leaves out are removed.
    Sync(SyncArgs),
}

#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Every run's journal: when, finished or not, rows done, size, command, file and org.
    List,
    /// Remove finished runs' journals older than --older-than days.
    ///
    /// Each bulk run does this itself for those older than 30 days. An unfinished run's journal
    /// is kept unless --force.
    Prune {
        /// Age in days of the journals to remove.
        #[arg(long, value_name = "DAYS", default_value_t = 30)]
        older_than: u64,
        /// Also remove unfinished (or unreadable) runs' journals of that age; never one a run
        /// holds now.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppsCommand {
    /// Assign users and groups to apps, one per row: `app` (id or label) and `user` (id or
    /// login) with an optional `userName`, `password` and `profile.NAME` app profile columns,
    /// or `group` (id or name) with an optional `priority`. An assignment already as the row
    /// asks is Unchanged.
    Assign(BulkArgs),
    /// Take app assignments away: `app` and `user` or `group` per row. A user who has the app
    /// through a group fails with Okta's E0000046 (remove the group, or the user from it).
    Unassign(BulkArgs),
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Every user (or those --filter, --search, --status or --group select), with the columns
    /// `users import` and `users update` read back.
    Users(ExportArgs),
    /// Every group: id, name, description, type.
    Groups(ExportArgs),
    /// The members of the group named by --group: group, user id, login, status.
    Members(ExportArgs),
    /// The users of the app named by --app, direct and through groups: app, user (id), scope,
    /// userName and the app profile as `profile.NAME` columns; `apps assign` reads it back
    /// Unchanged.
    AppUsers(ExportArgs),
    /// The groups assigned to the app named by --app: app, group (id), priority; `apps assign`
    /// reads it back Unchanged.
    AppGroups(ExportArgs),
}

/// What every bulk command takes besides its own options.
#[derive(Debug, Args)]
pub struct BulkArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Results file; default beside the input, `<input-stem>.results.csv` for `users import`
    /// and `<input-stem>.<command>-results.csv` for the others; `-` for standard output.
    ///
    /// Written under a temporary name (readable by you only) and renamed into place when the run
    /// ends: an existing file of that name is replaced whole, and a link of that name is replaced
    /// by the file, never written through. A results path that is the input file, or a link to
    /// it, is refused (exit 2).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ResultFormat::Csv)]
    pub format: ResultFormat,
    /// Send the valid rows and report the invalid ones as Failed, instead of stopping.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Forget an interrupted run of this command and start over.
    #[arg(long)]
    pub restart: bool,
    /// Also send again the rows an earlier run of this command finished as Failed for a final
    /// reason (Okta refused them). Rows that failed for a reason that may pass (rate limits,
    /// server errors, the network, an interruption) are always sent again.
    #[arg(long)]
    pub retry_failed: bool,
    /// Also write a run report: one self-contained HTML file (no script, nothing fetched) with
    /// what was asked, the outcome by status, failures grouped by Okta error code, and a
    /// timeline per rate-limit bucket of requests, remaining budget, reset waits, 429s and
    /// latency. Readable by you only, like the results.
    #[arg(long, value_name = "PATH.html")]
    pub report: Option<PathBuf>,
    /// Show what each row would do (as the run would decide it, reading what it reads), the API
    /// calls by rate-limit bucket and the time, and send no write. Nothing is journaled and no
    /// results file is written.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub bulk: BulkArgs,
    /// Replace each whole profile (PUT) instead of changing only the attributes given: every
    /// attribute the row leaves empty, or has no column for, is removed from the profile, and
    /// the row must give every attribute the schema requires.
    #[arg(long)]
    pub replace: bool,
    /// Also set each row's password from its `password` column. Without it, password, hash
    /// and recovery columns are ignored, so last month's import file only updates profiles.
    #[arg(long)]
    pub set_passwords: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Rows name users by an `id` column or, where it is empty, a `login` column; other columns are ignored, so an export or another command's results can be read as they are. A user already where the command leads is Unchanged and nothing is sent for it."
)]
pub struct LifecycleArgs {
    #[command(flatten)]
    pub bulk: BulkArgs,
    /// Do not ask for confirmation (needed without a terminal for deactivate and delete).
    #[arg(short, long)]
    pub yes: bool,
    /// Whether Okta sends its email where the operation has one: `activate` sends the
    /// activation email by default, as Okta does (without it, Okta answers an activation link,
    /// which goes to the results file's activationUrl and activationToken columns);
    /// `reactivate` and `deactivate` send none by default. `--send-email` alone means true.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "true|false")]
    pub send_email: Option<bool>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Only the groups the file names change; a group missing from the file is never touched. The plan (per group: adds, removes, unchanged, the removes listed) is printed before anything is sent. Removing more than 10 % of a group's members or more than 100 of them is refused unless you confirm on a terminal or pass --expect-removals with the number the plan shows. Members a group rule put in the group are not removed (removing them by hand would add them to the rule's exclusions); they are listed with the rule."
)]
pub struct SyncArgs {
    #[command(flatten)]
    pub bulk: BulkArgs,
    /// The number of removals you expect, over every group of the file: the run goes on only
    /// when the plan removes exactly that many (needed without a terminal above the safeguard's
    /// threshold: more than 10 % of a group, or more than 100 users).
    #[arg(long, value_name = "N")]
    pub expect_removals: Option<u64>,
}

#[derive(Debug, Args)]
pub struct GroupsImportArgs {
    #[command(flatten)]
    pub bulk: BulkArgs,
    /// What to do when a group of that name exists: keep it (Exists), update its description
    /// (Updated, or Unchanged), or fail the row.
    #[arg(long, value_enum, default_value_t = OnExists::Skip)]
    pub on_exists: OnExists,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to write the CSV; standard output when absent.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Okta's `filter` expression, e.g. `status eq "ACTIVE"` (users and groups).
    #[arg(long)]
    pub filter: Option<String>,
    /// Okta's `search` expression, e.g. `profile.department eq "Sales"` (users and groups).
    #[arg(long)]
    pub search: Option<String>,
    /// Only users with this status (users); shorthand for --filter 'status eq "..."'.
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// A group's id or name: export its members (users and members).
    #[arg(long)]
    pub group: Option<String>,
    /// An app's id, or its label when no other app has it (app-users and app-groups).
    #[arg(long)]
    pub app: Option<String>,
    /// Profile attributes to write, comma-separated (users); default: every attribute of the
    /// org's user schema, base ones first.
    #[arg(long, value_delimiter = ',')]
    pub columns: Vec<String>,
    /// Add a `groups` column with each user's group names, as `users import` reads it (one
    /// more request per user).
    #[arg(long)]
    pub with_groups: bool,
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// The CSV file (UTF-8, with or without BOM) or workbook (.xlsx, .xls, .ods); `-` reads
    /// standard input.
    pub file: PathBuf,
    /// The sheet to read from a workbook (default: its first sheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// How the file's columns become Okta's: a mapping file (TOML), or the preset for
    /// Microsoft Entra's "Download users" (`entra`), Google Workspace's user download
    /// (`google`) or an Active Directory `Export-Csv` (`ad`).
    #[arg(long, value_name = "FILE|entra|google|ad")]
    pub map: Option<String>,
    /// Accept columns that are neither profile attributes nor known columns, and ignore them.
    #[arg(long)]
    pub ignore_unknown_columns: bool,
    /// Field delimiter, for files saved with `;`.
    #[arg(long, default_value = ",", value_parser = parse_delimiter)]
    pub delimiter: u8,
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s.as_bytes() {
        [b] if b.is_ascii() => Ok(*b),
        _ => Err("the delimiter must be one ASCII character".into()),
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A run's journal (`<data directory>/journals/<command>-<hash>.db`); the most recent one
    /// when omitted.
    pub journal: Option<PathBuf>,
    /// Where to write the page.
    #[arg(short, long, value_name = "PATH.html")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The command the file is for; assumed from its header when absent (and said which, and
    /// why).
    #[arg(long = "for", value_enum, value_name = "COMMAND")]
    pub for_command: Option<FileFor>,
    /// As `users update --replace`: every attribute the schema requires must be given.
    #[arg(long)]
    pub replace: bool,
    /// As `users update --set-passwords`: password columns are checked, not ignored.
    #[arg(long)]
    pub set_passwords: bool,
    /// Accept group names the org lacks, as `users import --create-missing-groups` would.
    #[arg(long)]
    pub create_missing_groups: bool,
}

/// The bulk command a file is for (`validate --for`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileFor {
    UsersImport,
    UsersUpdate,
    /// Any lifecycle command: a list of users by id or login.
    #[value(aliases = ["users-activate", "users-reactivate", "users-deactivate", "users-suspend",
        "users-unsuspend", "users-unlock", "users-expire-password", "users-delete"])]
    UsersLifecycle,
    GroupsImport,
    #[value(aliases = ["groups-remove-members", "groups-members", "groups-sync"])]
    GroupsAddMembers,
    AppsAssign,
    AppsUnassign,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnExists {
    /// Leave the user as it is (status `Exists`) but still add its groups, as the classic script does.
    Skip,
    /// Update the user's profile and add its groups (status `Updated`).
    Update,
    /// Report the row as failed.
    Fail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NextLogin {
    /// Expire the password so it must be changed at first sign-in.
    ChangePassword,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResultFormat {
    Csv,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub bulk: BulkArgs,
    /// Create users STAGED (not activated).
    #[arg(long, conflicts_with = "next_login")]
    pub staged: bool,
    #[arg(long, value_enum)]
    pub next_login: Option<NextLogin>,
    /// What to do when the login already exists.
    #[arg(long, value_enum, default_value_t = OnExists::Skip)]
    pub on_exists: OnExists,
    /// Create groups named in the file that the org does not have.
    #[arg(long)]
    pub create_missing_groups: bool,
}

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Serve the sandbox org over HTTP until interrupted, for other tools.
    Serve {
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// Throw the sandbox org away and start a new demo org.
    Reset,
    /// Where the sandbox lives and what it holds.
    Status,
    /// Add a custom attribute to the sandbox's user schema, so files with that column can be
    /// tried (an array of strings for `array`).
    AddAttribute {
        /// The attribute's variable name, e.g. `employeeId`.
        name: String,
        #[arg(long = "type", value_enum, default_value_t = AttributeType::String)]
        kind: AttributeType,
        /// The attribute's display name; the variable name by default.
        #[arg(long)]
        title: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AttributeType {
    String,
    Boolean,
    Number,
    Integer,
    Array,
}
