//! What an admin reads, snapshotted whole (insta): the results file as CSV and as JSONL, the
//! summary, and the dry-run plan, with the run's random ids and its timings redacted.

use super::support::{code, seed_csv, stderr, Env};
use serde_json::json;

/// Ids, request ids and timings change from run to run; everything else must not.
fn redacted(f: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    for (pattern, replacement) in [
        (r"00u[0-9A-Za-z]{17}", "[user id]"),
        (r"00g[0-9A-Za-z]{17}", "[group id]"),
        (r"req[0-9A-Za-z]{17}", "[request id]"),
        (r"http://127\.0\.0\.1:\d+", "[org]"),
        (r"\d+(\.\d+)?s \(\d+ rows/s\)", "[time] ([rate])"),
        // Whether a request was held back at all varies with the machine's pace.
        (
            r"; rate limits held back \d+ requests? (for \d+(\.\d+)?s|briefly)",
            "",
        ),
        (r"~[0-9hms. ]+", "~[time] "),
        (r"at \d+ ms a call", "at [latency] a call"),
        (r"/tmp/[^ \n]+", "[path]"),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[when]"),
    ] {
        settings.add_filter(pattern, replacement);
    }
    settings.bind(f);
}

/// The org and file every snapshot reads: new users with and without a group, a login that is
/// taken, a password Okta refuses, and a row the preflight refuses.
async fn org_and_file() -> Env {
    let env = Env::start().await;
    let report = env
        .seed(json!({"groups": [{"name": "Engineering"}],
                     "users": [{"profile": {"login": "taken@example.com", "email": "taken@example.com",
                                            "firstName": "Taken", "lastName": "Already"}}]}))
        .await;
    let group = &report.groups["Engineering"];
    let mut csv = seed_csv(3, group);
    csv.push_str(&format!(
        "taken@example.com,taken@example.com,Taken,Again,,{group}\n"
    ));
    csv.push_str("weak@example.com,weak@example.com,Weak,Password,password,\n");
    csv.push_str("not-a-login,nope,Bad,Row,,\n");
    env.write("users.csv", csv);
    env
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_csv_and_summary() {
    let env = org_and_file().await;
    let out = env
        .run(&["users", "import", "users.csv", "--skip-invalid"])
        .await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let results = std::fs::read_to_string(env.path("users.results.csv")).expect("results");
    let summary = stderr(&out);
    // What the run prints at its end fits in 80 columns (the preflight's problems before it
    // are `file:line:` records, kept whole).
    let wide: Vec<&str> = summary
        .lines()
        .filter(|l| !l.starts_with("users.csv:") && l.chars().count() > 80)
        .collect();
    assert!(wide.is_empty(), "{wide:#?}");
    redacted(|| {
        insta::assert_snapshot!("results_csv", results);
        insta::assert_snapshot!("summary", summary);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_jsonl() {
    let env = org_and_file().await;
    let out = env
        .run(&[
            "users",
            "import",
            "users.csv",
            "--skip-invalid",
            "--format",
            "jsonl",
            "-q",
        ])
        .await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let results = std::fs::read_to_string(env.path("users.results.jsonl")).expect("results");
    redacted(|| insta::assert_snapshot!("results_jsonl", results));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_plan() {
    let env = org_and_file().await;
    let args = [
        "users",
        "import",
        "users.csv",
        "--skip-invalid",
        "--dry-run",
    ];
    // Snapshotted unwrapped: where a sentence wraps moves with its timings, which are redacted.
    let out = env
        .command()
        .env("COLUMNS", "200")
        .args(args)
        .output()
        .await
        .expect("oktabulk runs");
    // As the run: the row --skip-invalid leaves out fails it.
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let plan = String::from_utf8_lossy(&out.stdout).into_owned();
    redacted(|| insta::assert_snapshot!("dry_run_plan", plan));
    assert_eq!(env.users_added(), 1, "the plan sent nothing");
    // As an admin reads it off a terminal: every line within 80 columns, the failed row's
    // reason under it.
    let out = env.run(&args).await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let plan = String::from_utf8_lossy(&out.stdout).into_owned();
    for line in plan.lines() {
        assert!(line.chars().count() <= 80, "{line:?} is over 80 columns");
    }
    assert!(
        plan.contains("not-a-login:\n        login: a login must be an email address"),
        "{plan}"
    );
}

/// Every bulk command's summary, on one org, one after the other: each counts only what it
/// did, in its own words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_commands_summary() {
    let env = org_and_file().await;
    env.write(
        "update.csv",
        "login,department\ntaken@example.com,Sales\nnobody@example.com,X\n",
    );
    env.write("users.txt.csv", "login\ntaken@example.com\n");
    env.write(
        "groups.csv",
        "name,description\nEngineering,\nSales,Sells\n",
    );
    env.write(
        "members.csv",
        "group,user\nSales,taken@example.com\nEngineering,taken@example.com\n",
    );
    let runs: [&[&str]; 11] = [
        &["users", "import", "users.csv", "--skip-invalid"],
        &["users", "update", "update.csv"],
        &["groups", "import", "groups.csv"],
        &["groups", "add-members", "members.csv"],
        &["groups", "remove-members", "members.csv"],
        &["users", "suspend", "users.txt.csv"],
        &["users", "unsuspend", "users.txt.csv"],
        &["users", "unlock", "users.txt.csv"],
        &["users", "expire-password", "users.txt.csv"],
        &["users", "deactivate", "users.txt.csv", "--yes"],
        &["users", "delete", "users.txt.csv", "--yes"],
    ];
    let mut summaries = String::new();
    for args in runs {
        let out = env.run(args).await;
        summaries.push_str(&format!(
            "$ oktabulk {} (exit {})\n{}\n",
            args.join(" "),
            code(&out),
            stderr(&out)
        ));
    }
    redacted(|| insta::assert_snapshot!("every_commands_summary", summaries));
}

/// An interrupted run's results: rows done, the row whose answer never came, and the rows
/// not sent, every input row once. Creates after the third hang past the run's grace period.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_runs_results() {
    use okta_emulator::{FaultAction, FaultConfig, FaultRule};
    let env = Env::start().await;
    env.emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![FaultRule {
            method: Some("POST".into()),
            path: "/api/v1/users".into(),
            action: FaultAction::Latency { ms: 60_000 },
            skip: 3,
            times: None,
            probability: None,
        }],
    });
    env.write("c.csv", seed_csv(6, ""));
    let child = env
        .command()
        .args(["users", "import", "c.csv", "--concurrency", "1"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let pid = child.id().expect("running").to_string();
    for _ in 0..1500 {
        if env.users_added() >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(env.users_added(), 3, "three created, the fourth hangs");
    // The fourth create is on the wire once the third's row is written.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let out = child.wait_with_output().await.expect("exits");
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    let results = std::fs::read_to_string(env.path("c.results.csv")).expect("results");
    let summary = stderr(&out);
    redacted(|| {
        insta::assert_snapshot!("interrupted_results_csv", results);
        insta::assert_snapshot!("interrupted_summary", summary);
    });
}

/// Each command's results file, header and rows, from its own table: groups by name, id and
/// description; memberships by group and user (names and ids); assignments by app and user
/// or group. Group names with `;` are read as user imports read them (`\;`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_commands_results() {
    let env = Env::start().await;
    let seeded = env
        .seed(
            json!({"groups": [{"name": "Engineering"}, {"name": "Sales"}],
                     "users": [{"profile": {"login": "ada@example.com", "email": "ada@example.com",
                                            "firstName": "Ada", "lastName": "Lovelace"}}]}),
        )
        .await;
    let engineering = &seeded.groups["Engineering"];
    let app: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/api/v1/apps", env.emulator.base_url()))
        .header("Authorization", format!("SSWS {}", super::support::TOKEN))
        .json(&json!({"label": "Wiki", "signOnMode": "BOOKMARK",
                      "settings": {"app": {"url": "https://example.com/wiki"}}}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let app_id = app["id"].as_str().expect("an app id");
    env.write(
        "groups.csv",
        "name,description\nR&D\\; Europe,Research in Europe\nEngineering,\n",
    );
    env.write(
        "members.csv",
        format!("group,user\nEngineering,ada@example.com\n{engineering},nobody@example.com\n"),
    );
    // A group Ada is not in: her row and the group's run at once, and hers must not find the
    // app through the group first.
    env.write(
        "apps.csv",
        "app,user,group\nWiki,ada@example.com,\nWiki,,Sales\n",
    );
    env.write("users.csv", "login\nada@example.com\n");
    let mut all = String::new();
    for (args, results) in [
        (
            vec!["groups", "import", "groups.csv"],
            "groups.groups-import-results.csv",
        ),
        (
            vec!["groups", "add-members", "members.csv", "--skip-invalid"],
            "members.add-members-results.csv",
        ),
        (
            vec!["apps", "assign", "apps.csv"],
            "apps.apps-assign-results.csv",
        ),
        (
            vec!["users", "suspend", "users.csv"],
            "users.suspend-results.csv",
        ),
    ] {
        let out = env.run(&args).await;
        assert!(code(&out) <= 1, "{args:?}: {}", stderr(&out));
        let text = std::fs::read_to_string(env.path(results)).expect("results");
        all.push_str(&format!("# oktabulk {}\n{text}\n", args.join(" ")));
    }
    let all = all.replace(app_id, "[app id]");
    redacted(|| insta::assert_snapshot!("each_commands_results", all));
}
