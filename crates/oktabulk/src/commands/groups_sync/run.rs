//! The runner of `groups sync`: the file checked as `groups add-members` checks it, each named
//! group and its members read (every page), the users to add looked up (missing and
//! DEPROVISIONED ones reported before anything is sent), the plan printed, the safeguard
//! against mass removal applied, and the rows handed to the shared bulk run: the file's rows,
//! then the removals (see the module docs of `crate::commands::groups_sync` for how they survive a resume).

use crate::bulk::{self, Channels, Extra};
use crate::cli::{GlobalArgs, SyncArgs};
use crate::commands::groups_sync::job::SyncJob;
use crate::commands::groups_sync::plan::{plan_group, GroupPlan};
use crate::connect::{connect, default_schema, group_directory};
use crate::exit::AppError;
use crate::input::RowInput;
use crate::input::{
    CheckerInputs, FileKind, GroupDirectory, InputFile, MembershipRow, Problem, RemovalRow, RowOp,
};
use crate::preflight::{self, PreflightReport};
use crate::report::printable;
use crate::report::words::count;
use futures_util::{stream, StreamExt, TryStreamExt};
use okta_client::Client;
use okta_model::rate_limit::Bucket;
use okta_model::{GroupId, GroupType, UserStatus};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

/// The journal's `meta` key of the removals the first run decided.
const PLAN_KEY: &str = "sync-plan";

/// What the journal keeps of a sync's plan: the removals, in the order they run, and each
/// group's size then (the safeguard's measure when the run is resumed).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredPlan {
    groups: Vec<(String, u64)>,
    removals: Vec<RemovalRow>,
}

pub async fn run(global: &GlobalArgs, args: &SyncArgs) -> Result<u8, AppError> {
    let settings = crate::commands::settings(
        global,
        &args.bulk,
        "groups sync",
        format!("skipInvalid={}", args.bulk.skip_invalid),
        "changed",
        &crate::commands::groups_sync::RESULTS,
    );
    let (input, output) = bulk::open(&settings)?;
    let channels = Channels::new();
    let conn = connect(global, Some(channels.observer())).await?;
    let client = &conn.client;
    let directory = group_directory(client).await?;
    let mut checker = FileKind::Memberships.checker(CheckerInputs {
        schema: default_schema(),
        groups: directory.clone(),
        ignore_unknown: false,
        create_missing_groups: false,
        replace: false,
        set_passwords: false,
        apps: Default::default(),
    });
    let mut report = bulk::check(&settings, &input, checker.as_mut())?;
    report.problems += preflight::same_users(&input, &report.named, client, |line| {
        crate::errln!("{line}")
    })
    .await?;
    if report.problems > 0 {
        // A row skipped could be a member meant to stay: a sync never runs on part of a file.
        report.structural = true;
        return Err(preflight::refusal(&report));
    }
    let rows = file_rows(&report)?;
    let plans = read_groups(client, &input, &rows, &directory).await?;
    let refused = check_users(client, &input, &plans, &mut report).await?;
    if !refused.is_empty() && !settings.skip_invalid {
        return Err(preflight::refusal(&report));
    }
    let file_rows_count = report.rows;
    let stored = if settings.restart || settings.dry_run {
        None
    } else {
        let path = bulk::journal_path(&settings, &input, &conn)?;
        crate::journal::resumable_meta(&path, &report.digest, PLAN_KEY)?
    };
    let resumed = stored.is_some();
    let plan = match stored {
        Some(json) => {
            let plan: StoredPlan = serde_json::from_str(&json).map_err(|e| {
                AppError::Config(format!(
                    "the interrupted run's sync plan cannot be read from its journal ({e}); run the same command with --restart to plan again"
                ))
            })?;
            check_stored(&plan, file_rows_count)?;
            plan
        }
        None => fresh(&plans, file_rows_count),
    };
    let mut out = Out::new(settings.dry_run, settings.quiet);
    print_plan(&mut out, &input, &plans, &plan, resumed, settings.dry_run);
    let (extra, refusal) = safeguard(
        &mut out,
        &plans,
        &plan,
        args.expect_removals,
        settings.dry_run,
    )?;
    report.rows += plan.removals.len() as u64;
    report.appended = plan.removals.iter().cloned().map(RowOp::Removal).collect();
    report.journal_meta = vec![(
        PLAN_KEY,
        serde_json::to_string(&plan).expect("plans serialize"),
    )];
    let job = Arc::new(SyncJob {
        members: Arc::new(
            plans
                .iter()
                .map(|p| (p.id.clone(), p.keys.clone()))
                .collect(),
        ),
        refused: Arc::new(refused),
    });
    let status = bulk::run(
        &settings, &conn, &input, output, &report, job, channels, extra,
    )
    .await?;
    match refusal {
        // The dry run ends as the run would: refused, with why.
        Some(why) => Err(AppError::Config(format!(
            "{why}: the run would send nothing. If these removals are meant, run it with --expect-removals {} (or confirm them on a terminal); this dry run sent nothing",
            plan.removals.len()
        ))),
        None => Ok(status),
    }
}

/// The file's valid rows, as the preflight decided them (it found none invalid).
fn file_rows(report: &PreflightReport) -> Result<Vec<MembershipRow>, AppError> {
    let mut out = Vec::new();
    for row in report.checked_rows()? {
        if let RowInput::Valid(op) = row? {
            if let RowOp::Membership(row) = *op {
                out.push(row);
            }
        }
    }
    Ok(out)
}

/// Each group the file names, in the file's order, with its members and the org's rules
/// planned; a group whose members Okta does not let an admin change is refused.
async fn read_groups(
    client: &Client,
    input: &InputFile,
    rows: &[MembershipRow],
    directory: &GroupDirectory,
) -> Result<Vec<GroupPlan>, AppError> {
    let mut order: Vec<&str> = Vec::new();
    let mut by_group: HashMap<&str, Vec<&MembershipRow>> = HashMap::new();
    for row in rows {
        let entry = by_group.entry(row.group.as_str()).or_default();
        if entry.is_empty() {
            order.push(row.group.as_str());
        }
        entry.push(row);
    }
    let mut fixed = Vec::new();
    let mut groups = Vec::new();
    for id in &order {
        let group = client.groups().get(&GroupId::from(*id)).await?;
        if group.group_type != GroupType::OktaGroup || directory.fixed.contains_key(*id) {
            let first = by_group[*id][0].line;
            fixed.push(Problem::at(
                first,
                Some("group"),
                Some(&group.profile.name),
                format!(
                    "group {id} is {}: {}",
                    group.group_type.as_str(),
                    match group.group_type {
                        GroupType::BuiltIn =>
                            "Okta keeps its members itself (Everyone holds every user)",
                        _ => "its members come from its application",
                    }
                ),
            ));
        }
        groups.push(group);
    }
    if !fixed.is_empty() {
        return Err(crate::input::InputError::FixedGroups {
            file: input.display.clone(),
            problems: fixed,
        }
        .into());
    }
    let rules: Vec<okta_model::GroupRule> = client.groups().rules().try_collect().await?;
    let mut plans = Vec::new();
    for group in groups {
        let members: Vec<okta_model::User> = client
            .groups()
            .members(&group.id, Some(200))
            .try_collect()
            .await?;
        plans.push(plan_group(
            &group.id.0,
            &group.profile.name,
            &members,
            &by_group[group.id.0.as_str()],
            &rules,
        ));
    }
    Ok(plans)
}

/// Looks up the users to add: one that does not exist or is DEPROVISIONED is a problem of its
/// row, printed now (before anything is sent) and counted in `report`. Answers them by group
/// and lower-cased user, with why, for `--skip-invalid` to fail their rows unsent.
async fn check_users(
    client: &Client,
    input: &InputFile,
    plans: &[GroupPlan],
    report: &mut PreflightReport,
) -> Result<HashMap<(String, String), String>, AppError> {
    for plan in plans {
        for (line, login) in &plan.deprovisioned {
            crate::errln!(
                "{}",
                Problem::at(
                    *line,
                    Some("user"),
                    Some(login),
                    format!(
                        "warning: is DEPROVISIONED; stays a member of {}",
                        printable(&plan.name)
                    )
                )
                .render(&input.display)
            );
        }
    }
    let adds: Vec<(&str, u64, &str)> = plans
        .iter()
        .flat_map(|p| {
            p.adds
                .iter()
                .map(move |(line, user)| (p.id.as_str(), *line, user.as_str()))
        })
        .collect();
    let in_flight = client.in_flight_limit().max(1);
    let mut found = stream::iter(adds)
        .map(|(group, line, key)| async move {
            let user = if key.contains('/') {
                client.users().find_by_login(key).await
            } else {
                match client.users().get(key).await {
                    Ok(user) => Ok(Some(user)),
                    Err(e) if e.status() == Some(404) => Ok(None),
                    Err(e) => Err(e),
                }
            };
            (group, line, key, user)
        })
        .buffered(in_flight);
    let mut refused = HashMap::new();
    while let Some((group, line, key, user)) = found.next().await {
        let why = match user? {
            None => "no such user in the org (by id or login)",
            Some(user) if user.status == UserStatus::Deprovisioned => {
                "the user is DEPROVISIONED: reactivate it first (users reactivate), or leave it out of the file"
            }
            Some(_) => continue,
        };
        crate::errln!(
            "{}",
            Problem::at(line, Some("user"), Some(key), why).render(&input.display)
        );
        report.problems += 1;
        report.invalid_rows += 1;
        refused.insert((group.to_owned(), key.to_lowercase()), why.to_owned());
    }
    Ok(refused)
}

/// The removals of a new plan: after the file's rows, group after group.
fn fresh(plans: &[GroupPlan], file_rows: u64) -> StoredPlan {
    let removals = plans
        .iter()
        .flat_map(|p| p.removals.iter().map(move |r| (p, r)))
        .enumerate()
        .map(|(i, (p, r))| RemovalRow {
            seq: file_rows + i as u64,
            group: p.id.clone(),
            group_name: p.name.clone(),
            user: r.user.clone(),
            login: r.login.clone(),
        })
        .collect();
    StoredPlan {
        groups: plans
            .iter()
            .map(|p| (p.id.clone(), p.members_now))
            .collect(),
        removals,
    }
}

/// A stored plan's rows follow this file's rows, seq after seq.
fn check_stored(plan: &StoredPlan, file_rows: u64) -> Result<(), AppError> {
    let in_order = plan
        .removals
        .iter()
        .enumerate()
        .all(|(i, r)| r.seq == file_rows + i as u64);
    if in_order {
        Ok(())
    } else {
        Err(AppError::Config(
            "the interrupted run's sync plan does not follow this file's rows; run the same command with --restart to plan again".into(),
        ))
    }
}

/// Where the plan goes: standard output in a dry run (with the rows' plan), else standard
/// error, unless `--quiet`.
struct Out {
    stdout: bool,
    quiet: bool,
}

impl Out {
    fn new(dry_run: bool, quiet: bool) -> Out {
        Out {
            stdout: dry_run,
            quiet: quiet && !dry_run,
        }
    }

    /// Prints `text` wrapped to the terminal (`words::width`), its further lines indented two
    /// more than its own (a flag such as `--expect-removals 22` is never cut in two).
    fn line(&mut self, text: &str) {
        if self.quiet {
            return;
        }
        let indent = " ".repeat(text.len() - text.trim_start_matches(' ').len() + 2);
        for text in crate::report::words::wrap(text, crate::report::words::width(), &indent) {
            if self.stdout {
                let _ = writeln!(std::io::stdout().lock(), "{text}");
            } else {
                crate::errln!("{text}");
            }
        }
    }
}

fn print_plan(
    out: &mut Out,
    input: &InputFile,
    plans: &[GroupPlan],
    plan: &StoredPlan,
    resumed: bool,
    dry_run: bool,
) {
    out.line(&format!(
        "sync plan for {} (groups the file does not name are not touched):",
        printable(&input.display)
    ));
    if resumed {
        out.line(&format!(
            "  resuming an interrupted run: its {} {} kept as it decided them; the journal settles those done",
            count(plan.removals.len() as u64, "planned removal", "planned removals"),
            if plan.removals.len() == 1 { "is" } else { "are" }
        ));
    }
    for p in plans {
        let removals: Vec<&RemovalRow> = plan.removals.iter().filter(|r| r.group == p.id).collect();
        out.line(&format!(
            "  group {} ({}): {} now; {} to add, {} to remove, {} unchanged",
            printable(&p.name),
            p.id,
            count(p.members_now, "member", "members"),
            p.adds.len(),
            removals.len(),
            p.unchanged
        ));
        // A dry run's rows list each removal (`remove-member`), once.
        if !dry_run {
            for r in &removals {
                out.line(&format!("    remove {} ({})", printable(&r.login), r.user));
            }
        }
        if !p.by_rule.is_empty() {
            out.line(&format!(
                "    kept: {} the file leaves out {} in the group through a group rule; removing them by hand would add them to the rule's exclusions, so change the rule or their profiles instead:",
                count(p.by_rule.len() as u64, "member", "members"),
                if p.by_rule.len() == 1 { "is" } else { "are" }
            ));
            for m in &p.by_rule {
                out.line(&format!(
                    "    keep {}: rule {:?} ({}){}",
                    printable(&m.login),
                    printable(&m.rule),
                    m.rule_id,
                    if m.unsure {
                        " (its expression could not be evaluated here: the member may be the rule's)"
                    } else {
                        ""
                    }
                ));
            }
        }
    }
}

/// Mass removals (more than 10 % of a group, or more than 100 users) go only when the admin
/// confirms them: on a terminal by typing their number, or by `--expect-removals` with that
/// number (which must match the plan whatever its size). Refused with nothing sent otherwise;
/// a dry run says what the run will need and answers the refusal, to end as the run would
/// once its rows are planned, with the plan's reads.
fn safeguard(
    out: &mut Out,
    plans: &[GroupPlan],
    plan: &StoredPlan,
    expect: Option<u64>,
    dry_run: bool,
) -> Result<(Extra, Option<String>), AppError> {
    let total = plan.removals.len() as u64;
    let mut over = Vec::new();
    for (id, size) in &plan.groups {
        let n = plan.removals.iter().filter(|r| &r.group == id).count() as u64;
        if GroupPlan::mass_removal(n, *size) {
            let name = plans.iter().find(|p| &p.id == id).map_or("", |p| &p.name);
            over.push(format!("{n} of {size} in {}", printable(name)));
        }
    }
    let mut refusal = match expect {
        Some(n) if n != total => Some(format!(
            "--expect-removals {n}, but the plan removes {}",
            count(total, "member", "members")
        )),
        Some(_) => None,
        None if !over.is_empty() => Some(format!(
            "the plan removes {}, more than {} % of a group or more than {} users ({})",
            count(total, "member", "members"),
            crate::commands::groups_sync::plan::MAX_SHARE,
            crate::commands::groups_sync::plan::MAX_REMOVALS,
            over.join(", ")
        )),
        None => None,
    };
    if dry_run {
        if let Some(why) = &refusal {
            out.line(&format!(
                "safeguard: {why}; the run will go on only with --expect-removals {total} (or when confirmed on a terminal)"
            ));
        }
        let extra = Extra {
            calls: reads(plans),
            ..Extra::default()
        };
        return Ok((extra, refusal));
    }
    if let (None, Some(why)) = (expect, &refusal) {
        match confirmed_on_terminal(total) {
            Some(true) => refusal = None,
            // Asked and answered no: declined, as every confirmation is (exit 7).
            Some(false) => {
                return Err(AppError::Declined(format!(
                    "{why}; not confirmed, nothing was sent"
                )))
            }
            None => {}
        }
    }
    match refusal {
        Some(why) => Err(AppError::Config(format!(
            "{why}; nothing was sent. Check the file is whole; if these removals are meant, run again with --expect-removals {total}"
        ))),
        None => Ok((Extra::default(), None)),
    }
}

/// Asks on a terminal for the number of removals; any other answer is a no. `None`: no
/// terminal to ask on.
fn confirmed_on_terminal(total: u64) -> Option<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() || !std::io::stderr().is_terminal() {
        return None;
    }
    crate::errprint!(
        "This removes {}. Type {total} to go on: ",
        count(total, "member", "members")
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    Some(stdin.lock().read_line(&mut answer).is_ok() && answer.trim() == total.to_string())
}

/// The reads the plan made before the rows (each group, its member pages, the rules, the users
/// to add), for the dry run's count of calls, each in the bucket of the request `check_users`
/// and `read_groups` send.
fn reads(plans: &[GroupPlan]) -> Vec<(Bucket, u64)> {
    let pages: u64 = plans
        .iter()
        .map(|p| p.members_now.div_ceil(200).max(1))
        .sum();
    let (by_filter, by_path): (Vec<&str>, Vec<&str>) = plans
        .iter()
        .flat_map(|p| p.adds.iter().map(|(_, user)| user.as_str()))
        .partition(|user| user.contains('/'));
    vec![
        (
            Bucket::for_request("GET", "/api/v1/groups/{groupId}"),
            plans.len() as u64,
        ),
        (
            Bucket::for_request("GET", "/api/v1/groups/{groupId}/users"),
            pages,
        ),
        (Bucket::for_request("GET", "/api/v1/groups/rules"), 1),
        // A login with a `/` cannot go in a path: it is found by a filter on the users list.
        (
            Bucket::for_request("GET", "/api/v1/users"),
            by_filter.len() as u64,
        ),
        (
            Bucket::for_request("GET", "/api/v1/users/{userId}"),
            by_path.len() as u64,
        ),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .collect()
}
