use super::support::{code, results, seed_csv, stderr, Env};
use okta_emulator::{FaultAction, FaultConfig, FaultRule, RateLimitConfig};
use std::time::Duration;

fn rule(
    path: &str,
    action: FaultAction,
    times: Option<u32>,
    probability: Option<f64>,
) -> FaultRule {
    FaultRule {
        method: None,
        path: path.into(),
        action,
        skip: 3,
        times,
        probability,
    }
}

/// Workforce-shaped limits in one-second windows, so waits for a reset stay short.
fn fast_windows() -> RateLimitConfig {
    let mut limits = RateLimitConfig::workforce();
    limits.window_ms = 1000;
    limits.limits = limits.limits.map(|mut l| {
        l.users = 5000;
        l.groups = 5000;
        l.user_get = 5000;
        l
    });
    limits
}

/// Every create takes 40 ms, so a run can be stopped midway.
fn slow_creates(env: &Env) {
    let mut slow = rule("/api/v1/users", FaultAction::Latency { ms: 40 }, None, None);
    slow.skip = 0;
    env.emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![slow],
    });
}

/// Waits (at most 30 s) until the org has `n` users.
async fn wait_for_users(env: &Env, n: usize) {
    let mut waited = Duration::ZERO;
    while env.users_added() < n {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
        assert!(waited < Duration::from_secs(30), "the run made no progress");
    }
}

/// Every row once and created; `group` is the expected group status (`""` when rows name none).
fn assert_all_success(rows: &[std::collections::HashMap<String, String>], n: usize, group: &str) {
    assert_eq!(rows.len(), n);
    let mut lines: Vec<u64> = rows
        .iter()
        .map(|r| r["line"].parse().expect("line"))
        .collect();
    lines.sort_unstable();
    lines.dedup();
    assert_eq!(lines.len(), n, "every row exactly once");
    for r in rows {
        assert_eq!(r["userCreationStatus"], "Success", "{r:?}");
        assert_eq!(r["groupAssignment"], group, "{r:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_burst_5xx_and_dropped_connections_still_end_with_every_row_right() {
    let env = Env::with_limits(fast_windows()).await;
    let report = env
        .seed(serde_json::json!({"groups": [{"name": "G"}]}))
        .await;
    let group = &report.groups["G"];
    env.emulator.set_faults(FaultConfig {
        seed: 11,
        rules: vec![
            rule(
                "/api/v1/users",
                FaultAction::Status { status: 429 },
                Some(6),
                None,
            ),
            rule(
                "/api/v1/users",
                FaultAction::Status { status: 503 },
                Some(10),
                Some(0.2),
            ),
            rule(
                "/api/v1/groups/*",
                FaultAction::Status { status: 502 },
                Some(5),
                Some(0.2),
            ),
            rule(
                "/api/v1/users",
                FaultAction::DropBefore,
                Some(5),
                Some(0.05),
            ),
            rule("/api/v1/users", FaultAction::DropAfter, Some(5), Some(0.05)),
            rule(
                "/api/v1/users",
                FaultAction::Status { status: 504 },
                Some(3),
                Some(0.05),
            ),
        ],
    });
    env.write("f.csv", seed_csv(150, group));
    let out = env
        .run(&["users", "import", "f.csv", "--max-capacity", "100"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_all_success(&results(&env.path("f.results.csv")), 150, "Success");
    assert_eq!(env.users_added(), 150, "each user exactly once");
    let stats = env.emulator.stats();
    assert!(stats.faults_fired >= 10, "faults fired: {stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_run_then_the_same_command_finishes_with_each_user_once() {
    let env = Env::start().await;
    slow_creates(&env);
    let csv = seed_csv(300, "");
    env.write("k.csv", &csv);
    let mut child = env
        .command()
        .args(["users", "import", "k.csv", "--concurrency", "4"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    wait_for_users(&env, 40).await;
    child.start_kill().expect("SIGKILL");
    let status = child.wait().await.expect("reaped");
    assert!(status.code().is_none(), "killed by a signal: {status:?}");
    let created = env.users_added();
    assert!((40..300).contains(&created), "killed mid-run at {created}");

    env.write("k.csv", seed_csv(301, ""));
    let refused = env.run(&["users", "import", "k.csv"]).await;
    assert_eq!(code(&refused), 2, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("changed since the interrupted run"),
        "{}",
        stderr(&refused)
    );

    env.write("k.csv", &csv);
    env.emulator.clear_faults();
    let out = env
        .run(&["users", "import", "k.csv", "--concurrency", "4"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(env.users_added(), 300, "each user exactly once");
    let rows = results(&env.path("k.results.csv"));
    assert_eq!(rows.len(), 300);
    let mut lines: Vec<u64> = rows
        .iter()
        .map(|r| r["line"].parse().expect("line"))
        .collect();
    lines.dedup();
    assert_eq!(
        lines,
        (2..=301).collect::<Vec<u64>>(),
        "every row once, in order"
    );
    assert!(
        rows.iter().all(|r| r["userCreationStatus"] == "Success"),
        "rows in flight at the kill were settled as created, not as existing"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_finishes_rows_in_flight_exits_5_and_the_rerun_completes() {
    let env = Env::start().await;
    slow_creates(&env);
    env.write("c.csv", seed_csv(200, ""));
    let child = env
        .command()
        .args(["users", "import", "c.csv", "--concurrency", "4"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let pid = child.id().expect("running").to_string();
    wait_for_users(&env, 20).await;
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let out = child.wait_with_output().await.expect("exits");
    assert_eq!(code(&out), 5, "interrupted: {}", stderr(&out));
    assert!(
        stderr(&out).contains("run the same command again"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stderr(&out).matches("run the same command again").count(),
        1,
        "the interruption is reported once: {}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("may pass"),
        "rows stopped by the interruption are not blamed on the org: {}",
        stderr(&out)
    );
    let done = results(&env.path("c.results.csv"));
    assert_eq!(done.len(), 200, "every input row is listed");
    let count = |s: &str| done.iter().filter(|r| r["userCreationStatus"] == s).count();
    assert_eq!(count("Success") + count("Interrupted"), 200, "{done:?}");
    assert!(count("Interrupted") > 0);
    assert!(
        done.iter()
            .filter(|r| r["userCreationStatus"] == "Interrupted")
            .all(|r| r["ErrorMessage"].contains("the run stopped")
                || r["ErrorMessage"].contains("sent when the run stopped")),
        "{done:?}"
    );
    let first_done = count("Success");

    env.emulator.clear_faults();
    let out = env.run(&["users", "import", "c.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rerun = results(&env.path("c.results.csv"));
    assert_all_success(&rerun, 200, "");
    // A row whose answer came after the run gave up waiting (reported Interrupted) is still
    // journaled as done when it came before the process ended: at most the 4 in flight.
    let resumed = rerun.iter().filter(|r| !r["earlierRun"].is_empty()).count();
    assert!(
        (first_done..=first_done + 4).contains(&resumed),
        "the rows the interrupted run finished carry the time it saw them: {resumed} of {first_done}"
    );
    assert_eq!(env.users_added(), 200);
}

/// A rule that fires on every matching request.
fn always(method: &str, path: &str, action: FaultAction) -> FaultRule {
    FaultRule {
        method: Some(method.into()),
        path: path.into(),
        action,
        skip: 0,
        times: None,
        probability: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_that_ran_out_of_tries_are_sent_by_the_rerun() {
    let env = Env::start().await;
    env.write("r.csv", seed_csv(6, ""));
    // Every create is answered 500: its outcome is unknown, the lookups find nothing, and the
    // row runs out of tries in this run.
    env.emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![always(
            "POST",
            "/api/v1/users",
            FaultAction::Status { status: 500 },
        )],
    });
    let out = env.run(&["users", "import", "r.csv"]).await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = results(&env.path("r.results.csv"));
    assert!(rows.iter().all(|r| r["userCreationStatus"] == "Failed"));
    assert!(
        stderr(&out).contains("may pass"),
        "the summary says a rerun retries them: {}",
        stderr(&out)
    );
    env.emulator.clear_faults();
    let out = env.run(&["users", "import", "r.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_all_success(&results(&env.path("r.results.csv")), 6, "");
    assert_eq!(env.users_added(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_run_with_refusals_runs_anew() {
    let env = Env::start().await;
    let mut csv = seed_csv(2, "");
    csv.push_str("weak@example.com,weak@example.com,Weak,Password,password,\n");
    env.write("f.csv", &csv);
    let first = env.run(&["users", "import", "f.csv"]).await;
    assert_eq!(code(&first), 1, "{}", stderr(&first));
    let again = env.run(&["users", "import", "f.csv"]).await;
    assert_eq!(code(&again), 1);
    let rows = results(&env.path("f.results.csv"));
    let statuses: Vec<&str> = rows
        .iter()
        .map(|r| r["userCreationStatus"].as_str())
        .collect();
    assert_eq!(
        statuses,
        ["Exists", "Exists", "Failed"],
        "a finished run's file runs anew: Okta is asked again, and its answer is this run's"
    );
    assert_eq!(rows[2]["errorCode"], "E0000001");
    assert_eq!(env.users_added(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_org_stops_the_run_with_exit_6_and_the_rerun_finishes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("org.db");
    let start = |port: u16| {
        let mut config = okta_emulator::EmulatorConfig::new(super::support::TOKEN)
            .rate_limits(RateLimitConfig::off())
            .db(&db);
        config.bind.set_port(port);
        config.start()
    };
    let mut env = Env::with_emulator(start(0).await.expect("starts"));
    let port: u16 = env
        .emulator
        .base_url()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let group = env
        .seed(serde_json::json!({"groups": [{"name": "G"}]}))
        .await
        .groups["G"]
        .clone();
    slow_creates(&env);
    env.write("d.csv", seed_csv(400, &group));
    let child = env
        .command()
        .args(["users", "import", "d.csv", "-q"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    wait_for_users(&env, 30).await;
    env.emulator.stop();
    let stopped = std::time::Instant::now();
    let out = child.wait_with_output().await.expect("exits");
    let took = stopped.elapsed();
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(took < Duration::from_secs(90), "stopped after {took:?}");
    assert!(
        stderr(&out).contains("stopped answering") && stderr(&out).contains("same command"),
        "-q still says why: {}",
        stderr(&out)
    );
    eprintln!("the run stopped {took:?} after the org went away");

    env.emulator = start(port).await.expect("restarts on the same port");
    let created = env.users_added();
    assert!(created < 400, "stopped mid-run at {created}");
    let out = env.run(&["users", "import", "d.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_all_success(&results(&env.path("d.results.csv")), 400, "Success");
    assert_eq!(env.users_added(), 400, "each user exactly once");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_with_rows_in_retry_exits_within_seconds_and_the_rerun_completes() {
    let env = Env::start().await;
    env.write("s.csv", seed_csv(50, ""));
    // Every create is refused with 503 for now: rows back off and wait.
    env.emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![always(
            "POST",
            "/api/v1/users",
            FaultAction::Status { status: 503 },
        )],
    });
    let child = env
        .command()
        .args(["users", "import", "s.csv"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let pid = child.id().expect("running").to_string();
    let mut waited = Duration::ZERO;
    while env.emulator.stats().faults_fired < 20 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
        assert!(waited < Duration::from_secs(30), "no retries seen");
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let interrupted = std::time::Instant::now();
    let out = child.wait_with_output().await.expect("exits");
    let took = interrupted.elapsed();
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        took < Duration::from_secs(5),
        "exited {took:?} after Ctrl-C"
    );
    eprintln!("exited {took:?} after Ctrl-C");

    env.emulator.clear_faults();
    let out = env.run(&["users", "import", "s.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_all_success(&results(&env.path("s.results.csv")), 50, "");
    assert_eq!(env.users_added(), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_of_the_same_command_is_refused_while_the_first_runs() {
    let env = Env::start().await;
    slow_creates(&env);
    env.write("t.csv", seed_csv(200, ""));
    let first = env
        .command()
        .args(["users", "import", "t.csv", "--concurrency", "2"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    wait_for_users(&env, 5).await;
    let second = env.run(&["users", "import", "t.csv"]).await;
    assert_eq!(code(&second), 2, "{}", stderr(&second));
    let pid = first.id().expect("running");
    assert!(
        stderr(&second).contains(&format!("pid {pid}")),
        "names the other process: {}",
        stderr(&second)
    );
    env.emulator.clear_faults();
    let out = first.wait_with_output().await.expect("exits");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_all_success(&results(&env.path("t.results.csv")), 200, "");
    assert_eq!(env.users_added(), 200);
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_for_the_results_stops_the_run_early() {
    let env = Env::start().await;
    slow_creates(&env);
    env.write("full.csv", seed_csv(2000, ""));
    let out = env
        .run(&["users", "import", "full.csv", "-o", "/dev/full"])
        .await;
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(stderr(&out).contains("/dev/full"), "{}", stderr(&out));
    let created = env.users_added();
    assert!(created < 100, "stopped at once, not after {created} users");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_exits_at_once_and_the_rerun_completes() {
    let env = Env::start().await;
    // Every request takes 2 s: the first Ctrl-C would wait for the answers on the wire.
    let mut slow = rule(
        "/api/v1/users",
        FaultAction::Latency { ms: 2000 },
        None,
        None,
    );
    slow.skip = 0;
    env.emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![slow],
    });
    env.write("twice.csv", seed_csv(40, ""));
    let child = env
        .command()
        .args(["users", "import", "twice.csv"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let pid = child.id().expect("running").to_string();
    let mut waited = Duration::ZERO;
    while env.emulator.stats().writes == 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
        assert!(waited < Duration::from_secs(30), "no create was sent");
    }
    let interrupt = || {
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill runs")
    };
    assert!(interrupt().success());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let second = std::time::Instant::now();
    assert!(interrupt().success());
    let out = child.wait_with_output().await.expect("exits");
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        second.elapsed() < Duration::from_millis(1500),
        "exited {:?} after the second Ctrl-C, before the answers on the wire",
        second.elapsed()
    );
    assert!(stderr(&out).contains("second Ctrl-C"), "{}", stderr(&out));
    env.emulator.clear_faults();
    let out = env.run(&["users", "import", "twice.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_all_success(&results(&env.path("twice.results.csv")), 40, "");
    assert_eq!(env.users_added(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_answers_are_settled_without_relying_on_search() {
    let env = Env::start().await;
    // Okta's search is eventually consistent: here it sees nothing written in the last minute.
    env.seed(serde_json::json!({"searchLagMs": 60000})).await;
    env.emulator.set_faults(FaultConfig {
        seed: 3,
        rules: vec![always("POST", "/api/v1/users", FaultAction::DropAfter)],
    });
    env.write("lag.csv", seed_csv(5, ""));
    let out = env.run(&["users", "import", "lag.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_all_success(&results(&env.path("lag.results.csv")), 5, "");
    assert_eq!(env.users_added(), 5, "each created once, every answer lost");
}
