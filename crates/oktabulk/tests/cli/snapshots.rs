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
        (
            r"held requests back \d+ times \(\d+(\.\d+)?s",
            "held requests back [n] times ([time]",
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
    let out = env
        .run(&[
            "users",
            "import",
            "users.csv",
            "--skip-invalid",
            "--dry-run",
        ])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let plan = String::from_utf8_lossy(&out.stdout).into_owned();
    redacted(|| insta::assert_snapshot!("dry_run_plan", plan));
    assert_eq!(env.emulator.user_count(), 1, "the plan sent nothing");
}
