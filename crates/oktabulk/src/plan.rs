//! `--dry-run`: what each row would do (create, skip, update, fail, invalid) and with which
//! groups, the API calls that takes by rate-limit bucket, and how long the org's current limits
//! make it. It reads (each login is looked up once) and writes nothing.

use crate::connect::Connection;
use crate::engine::row::GROUPS_AT_CREATION;
use crate::engine::{ImportOptions, OnExists};
use crate::exit::AppError;
use crate::input::{ImportRow, InputFile, Validator};
use crate::preflight::PreflightReport;
use crate::report::printable;
use futures_util::{stream, StreamExt};
use okta_client::{estimate, BucketView, ListQuery};
use okta_model::rate_limit::Bucket;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// Okta's rate-limit windows are one minute long (the headers tell a window's end, not its length).
const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
struct Calls(BTreeMap<Bucket, u64>);

impl Calls {
    fn add(&mut self, bucket: Bucket, n: u64) {
        if n > 0 {
            *self.0.entry(bucket).or_default() += n;
        }
    }
}

/// What one row would do: its action, the groups given in the create, the groups added after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowPlan {
    action: &'static str,
    at_creation: u64,
    later: u64,
}

/// A row's plan, from whether its login exists and how many groups it names; its calls are
/// counted into `calls`. Every row is first a create; an existing login then costs a lookup,
/// and an update its write.
fn plan_row(exists: bool, groups: u64, on_exists: OnExists, calls: &mut Calls) -> RowPlan {
    let at_once = GROUPS_AT_CREATION as u64;
    let (action, at_creation, later) = match (exists, on_exists) {
        (false, _) => (
            "create",
            groups.min(at_once),
            groups.saturating_sub(at_once),
        ),
        (true, OnExists::Skip) => ("skip", 0, groups),
        (true, OnExists::Update) => ("update", 0, groups),
        (true, OnExists::Fail) => ("fail", 0, 0),
    };
    calls.add(Bucket::Users, 1);
    if exists {
        calls.add(Bucket::UserGet, 1);
    }
    if action == "update" {
        calls.add(Bucket::UserMutation, 1);
    }
    calls.add(Bucket::Groups, later);
    RowPlan {
        action,
        at_creation,
        later,
    }
}

/// One bucket's calls and how long they take under the limits the org showed.
#[derive(Debug, Clone, PartialEq)]
struct BucketEstimate {
    bucket: Bucket,
    calls: u64,
    view: Option<BucketView>,
    time: Option<Duration>,
}

/// Each bucket's estimate; a bucket not read yet is taken to be like the users bucket (its
/// Workforce twin).
fn estimate_buckets(
    calls: &Calls,
    learned: &[BucketView],
    latency: Duration,
    in_flight: u64,
) -> Vec<BucketEstimate> {
    calls
        .0
        .iter()
        .map(|(bucket, n)| {
            let view = learned
                .iter()
                .find(|b| b.bucket == *bucket)
                .or_else(|| learned.iter().find(|b| b.bucket == Bucket::Users))
                .copied();
            let time = view.map(|b| estimate(*n, u64::from(b.allowed), WINDOW, latency, in_flight));
            BucketEstimate {
                bucket: *bucket,
                calls: *n,
                view,
                time,
            }
        })
        .collect()
}

fn render_row(line: u64, plan: &RowPlan, login: &str) -> String {
    format!(
        "{line:>6}  {:<8}  {:>6}  {:>6}  {}",
        plan.action,
        plan.at_creation,
        plan.later,
        printable(login)
    )
}

fn render_bucket(e: &BucketEstimate) -> String {
    format!(
        "  {:<28} {:>8} calls  limit {}  {}",
        e.bucket.name(),
        e.calls,
        e.view.map_or("unknown".into(), |b| format!(
            "{}/min, {} per window for this run",
            b.limit, b.allowed
        )),
        e.time.map_or(String::new(), |t| format!("~{}", human(t)))
    )
}

/// Prints the plan: a line per row (each login looked up once, `in_flight` at a time), the
/// actions counted, the groups to create, and the calls and time by bucket.
pub async fn print(
    conn: &Connection,
    input: &InputFile,
    delimiter: u8,
    mut validator: Validator,
    options: &ImportOptions,
    report: &PreflightReport,
    groups_to_create: &BTreeSet<String>,
) -> Result<(), AppError> {
    let client = &conn.client;
    // One read of the users list teaches the pacer that bucket's limit, and times a call.
    let asked = Instant::now();
    let _ = client.users().list(&ListQuery::one()).next().await;
    let latency = asked.elapsed();
    let mut rows = input
        .rows(delimiter)
        .map_err(|p| AppError::InvalidInput(p.render(&input.display)))?;
    let checked = std::iter::from_fn(|| rows.next_row()).map(|raw| match raw {
        Ok(raw) => validator
            .check(&raw)
            .map_err(|_| (raw.line, validator.label(&raw))),
        Err(problems) => Err((
            problems.first().and_then(|p| p.line).unwrap_or(0),
            String::new(),
        )),
    });
    let mut looked_up = stream::iter(checked)
        .map(|row| async move {
            match row {
                Ok(row) => {
                    let exists = client
                        .users()
                        .find_by_login(row.login())
                        .await
                        .map(|u| u.is_some());
                    (Ok(row), exists)
                }
                Err(invalid) => (Err(invalid), Ok(false)),
            }
        })
        .buffered(conn.client.in_flight_limit().max(1));
    let mut calls = Calls::default();
    let mut actions: BTreeMap<&'static str, u64> = BTreeMap::new();
    println!(
        "{:>6}  {:<8}  {:>6}  {:>6}  login",
        "line", "action", "groups", "later"
    );
    while let Some((row, exists)) = looked_up.next().await {
        let row: ImportRow = match row {
            Ok(row) => row,
            Err((line, login)) => {
                *actions.entry("invalid").or_default() += 1;
                let plan = RowPlan {
                    action: "invalid",
                    at_creation: 0,
                    later: 0,
                };
                println!("{}", render_row(line, &plan, &login));
                continue;
            }
        };
        let plan = plan_row(
            exists?,
            row.groups.len() as u64,
            options.on_exists,
            &mut calls,
        );
        *actions.entry(plan.action).or_default() += 1;
        println!("{}", render_row(row.line, &plan, row.login()));
    }
    calls.add(Bucket::Groups, groups_to_create.len() as u64);
    println!();
    let summary: Vec<String> = actions.iter().map(|(a, n)| format!("{n} {a}")).collect();
    println!("{} rows: {}", report.rows, summary.join(", "));
    if !groups_to_create.is_empty() {
        let names: Vec<_> = groups_to_create.iter().map(|n| printable(n)).collect();
        println!("groups to create: {}", names.join(", "));
    }
    println!("API calls by rate-limit bucket (a create that finds the login taken is followed by a lookup):");
    let in_flight = client.in_flight_limit() as u64;
    let estimates = estimate_buckets(&calls, &client.buckets(), latency, in_flight);
    for e in &estimates {
        println!("{}", render_bucket(e));
    }
    let longest = estimates
        .iter()
        .filter_map(|e| e.time)
        .max()
        .unwrap_or_default();
    println!(
        "estimated time: ~{} (each window's share as fast as {in_flight} in flight allow at {} ms a call, then the window's reset; buckets are used in parallel); nothing was sent",
        human(longest),
        latency.as_millis()
    );
    Ok(())
}

fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0 => format!("{:.1}s", d.as_secs_f64()),
        1..=119 => format!("{s}s"),
        120..=7199 => format!("{}m {}s", s / 60, s % 60),
        _ => format!("{}h {}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_plans_its_action_groups_and_calls() {
        let mut calls = Calls::default();
        let new = plan_row(false, 23, OnExists::Skip, &mut calls);
        assert_eq!((new.action, new.at_creation, new.later), ("create", 20, 3));
        let taken = plan_row(true, 2, OnExists::Update, &mut calls);
        assert_eq!(
            (taken.action, taken.at_creation, taken.later),
            ("update", 0, 2)
        );
        let refused = plan_row(true, 2, OnExists::Fail, &mut calls);
        assert_eq!((refused.action, refused.later), ("fail", 0));
        let counted: Vec<(Bucket, u64)> = calls.0.into_iter().collect();
        assert_eq!(
            counted,
            vec![
                (Bucket::Users, 3),
                (Bucket::UserMutation, 1),
                (Bucket::UserGet, 2),
                (Bucket::Groups, 5),
            ]
        );
    }

    #[test]
    fn an_unread_bucket_is_estimated_like_the_users_bucket() {
        let mut calls = Calls::default();
        calls.add(Bucket::Users, 600);
        calls.add(Bucket::Groups, 10);
        let users = BucketView {
            bucket: Bucket::Users,
            limit: 600,
            remaining: 600,
            reset_epoch: 0,
            allowed: 300,
        };
        let latency = Duration::from_millis(100);
        let e = estimate_buckets(&calls, &[users], latency, 10);
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].view, Some(users), "groups: not read, like users");
        // 600 calls at 300 a window: one whole window, then a burst of 300 at 10 in flight.
        assert_eq!(e[0].time, Some(WINDOW + latency * 30));
        assert!(render_bucket(&e[0]).contains("600/min, 300 per window for this run"));
    }
}
