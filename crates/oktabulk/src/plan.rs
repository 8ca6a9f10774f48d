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
use okta_client::estimate;
use okta_client::ListQuery;
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
        Ok(raw) => validator.check(&raw).map_err(|_| raw.line),
        Err(problems) => Err(problems.first().and_then(|p| p.line).unwrap_or(0)),
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
                Err(line) => (Err(line), Ok(false)),
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
            Err(line) => {
                *actions.entry("invalid").or_default() += 1;
                println!("{line:>6}  {:<8}", "invalid");
                continue;
            }
        };
        let exists = exists?;
        let n = row.groups.len() as u64;
        let (action, at_creation, later) = match (exists, options.on_exists) {
            (false, _) => (
                "create",
                n.min(GROUPS_AT_CREATION as u64),
                n.saturating_sub(GROUPS_AT_CREATION as u64),
            ),
            (true, OnExists::Skip) => ("skip", 0, n),
            (true, OnExists::Update) => ("update", 0, n),
            (true, OnExists::Fail) => ("fail", 0, 0),
        };
        // Every row is first a create; an existing login then costs its lookup, and an update.
        calls.add(Bucket::Users, 1);
        if exists {
            calls.add(Bucket::UserGet, 1);
        }
        if action == "update" {
            calls.add(Bucket::UserMutation, 1);
        }
        calls.add(Bucket::Groups, later);
        *actions.entry(action).or_default() += 1;
        println!(
            "{:>6}  {action:<8}  {at_creation:>6}  {later:>6}  {}",
            row.line,
            printable(row.login())
        );
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
    let learned = client.buckets();
    let in_flight = client.in_flight_limit() as u64;
    let mut longest = Duration::ZERO;
    for (bucket, n) in &calls.0 {
        // A bucket not read yet is taken to be like the users bucket (its Workforce twin).
        let view = learned
            .iter()
            .find(|b| b.bucket == *bucket)
            .or_else(|| learned.iter().find(|b| b.bucket == Bucket::Users));
        let time = view.map(|b| estimate(*n, u64::from(b.allowed), WINDOW, latency, in_flight));
        longest = longest.max(time.unwrap_or_default());
        println!(
            "  {:<28} {n:>8} calls  limit {}  {}",
            bucket.name(),
            view.map_or("unknown".into(), |b| format!(
                "{}/min, {} per window for this run",
                b.limit, b.allowed
            )),
            time.map_or(String::new(), |t| format!("~{}", human(t)))
        );
    }
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
