//! Creates per second against the real `okta-emulator` binary, in memory and with SQLite, with
//! rate limits off. The load generator runs in this process on the same machine, so on a 2-core
//! box both share the cores, as they will when oktabulk drives the sandbox.
//!
//! `cargo bench -p okta-emulator --bench create_users -- [users] [concurrency]`

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TOKEN: &str = "bench-token";

struct Run {
    label: &'static str,
    created: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

fn start_binary(db: Option<&std::path::Path>) -> (std::process::Child, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_okta-emulator"));
    cmd.args(["--port", "0", "--rate-limits", "off", "--token", TOKEN]);
    if let Some(db) = db {
        cmd.arg("--db").arg(db);
    }
    let mut child = cmd.stdout(Stdio::piped()).spawn().expect("emulator starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("base URL line");
    (child, line.trim().to_owned())
}

async fn load(label: &'static str, url: String, users: usize, concurrency: usize) -> Run {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client");
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, next, url) = (client.clone(), Arc::clone(&next), url.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= users {
                        return latencies;
                    }
                    let login = format!("bench.user{i}@example.com");
                    let body = serde_json::json!({
                        "profile": {"login": login, "email": login, "firstName": "Bench", "lastName": format!("User{i}")},
                        "credentials": {"password": {"value": "Correct-Horse-42"}}
                    });
                    let sent = Instant::now();
                    let resp = client
                        .post(format!("{url}/api/v1/users?activate=true"))
                        .header("Authorization", format!("SSWS {TOKEN}"))
                        .json(&body)
                        .send()
                        .await
                        .expect("request sent");
                    assert_eq!(resp.status(), 200, "create {i}");
                    resp.bytes().await.expect("body");
                    latencies.push(sent.elapsed());
                }
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await.expect("worker"));
    }
    Run {
        label,
        created: latencies.len(),
        elapsed: started.elapsed(),
        latencies,
    }
}

fn report(run: &mut Run) {
    run.latencies.sort_unstable();
    let pct = |p: f64| run.latencies[((run.latencies.len() - 1) as f64 * p) as usize];
    println!(
        "{:<8} {:>7} creates in {:>6.2}s = {:>8.0} creates/s   p50 {:>6.2}ms  p99 {:>6.2}ms",
        run.label,
        run.created,
        run.elapsed.as_secs_f64(),
        run.created as f64 / run.elapsed.as_secs_f64(),
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let users: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let concurrency: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(16);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "okta-emulator create benchmark: {users} users, {concurrency} in flight, rate limits off"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    for (label, db) in [
        ("memory", None),
        ("sqlite", Some(dir.path().join("bench.db"))),
    ] {
        let (mut child, url) = start_binary(db.as_deref());
        let mut run = runtime.block_on(load(label, url, users, concurrency));
        report(&mut run);
        let _ = child.kill();
        let _ = child.wait();
    }
}
