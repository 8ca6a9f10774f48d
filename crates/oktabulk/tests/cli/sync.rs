use super::support::{client, code, results, stderr, Env, TOKEN};
use futures_util::TryStreamExt;
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

/// `users` ACTIVE users `u0@example.com`...; the first `members` in group "Team" (and the first
/// two also in "Other"); `eng` of them (the last members) in department "Eng". Answers the
/// group ids by name.
async fn seeded(env: &Env, users: usize, members: usize, eng: usize) -> HashMap<String, String> {
    let list: Vec<_> = (0..users)
        .map(|i| {
            let mut groups = Vec::new();
            if i < members {
                groups.push("Team");
            }
            if i < 2 {
                groups.push("Other");
            }
            let department = if i < members && i >= members - eng {
                "Eng"
            } else {
                "Ops"
            };
            json!({"profile": {"login": format!("u{i}@example.com"), "email": format!("u{i}@example.com"),
                               "firstName": "U", "lastName": format!("N{i}"), "department": department},
                   "groups": groups})
        })
        .collect();
    let report = env
        .seed(json!({"groups": [{"name": "Team"}, {"name": "Other"}], "users": list}))
        .await;
    report.groups.into_iter().collect()
}

fn file(users: impl Iterator<Item = usize>) -> String {
    let mut csv = String::from("group,user\n");
    for i in users {
        csv.push_str(&format!("Team,u{i}@example.com\n"));
    }
    csv
}

async fn members(env: &Env, group: &str) -> BTreeSet<String> {
    client(env)
        .groups()
        .members(&okta_model::GroupId::from(group), Some(200))
        .map_ok(|u| u.profile.login().unwrap_or_default().to_owned())
        .try_collect()
        .await
        .expect("members")
}

fn count(rows: &[HashMap<String, String>], action: &str, status: &str) -> usize {
    rows.iter()
        .filter(|r| r["action"] == action && r["status"] == status)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_600_member_group_gets_50_adds_and_30_removes_as_planned_and_the_rerun_is_unchanged() {
    let env = Env::start().await;
    let groups = seeded(&env, 650, 600, 0).await;
    let wanted: Vec<usize> = (30..650).collect();
    env.write("team.csv", file(wanted.iter().copied()));
    let before = env.emulator.stats().writes;
    let plan = env.run(&["groups", "sync", "team.csv", "--dry-run"]).await;
    assert_eq!(code(&plan), 0, "{}", stderr(&plan));
    let plan = String::from_utf8_lossy(&plan.stdout).into_owned();
    // Its sentences wrap to 80 columns: read as words.
    assert!(
        words(&plan).contains("600 members now; 50 to add, 30 to remove, 570 unchanged"),
        "{plan}"
    );
    assert!(
        plan.contains("remove-member    Planned          1  u0@example.com"),
        "{plan}"
    );
    assert!(
        plan.contains("650 rows: 80 to send, 570 unchanged"),
        "{plan}"
    );
    assert_eq!(
        env.emulator.stats().writes,
        before,
        "a dry run sends nothing"
    );

    let out = env.run(&["groups", "sync", "team.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        env.emulator.stats().writes,
        before + 80,
        "the plan's 80 writes"
    );
    let rows = results(&env.path("team.sync-results.csv"));
    assert_eq!(rows.len(), 650);
    assert_eq!(count(&rows, "add-member", "Success"), 50);
    assert_eq!(count(&rows, "add-member", "Unchanged"), 570);
    assert_eq!(count(&rows, "remove-member", "Success"), 30);
    assert!(rows[620..].iter().all(|r| r["line"] == "0"));
    let expected: BTreeSet<String> = wanted.iter().map(|i| format!("u{i}@example.com")).collect();
    assert_eq!(members(&env, &groups["Team"]).await, expected);
    assert_eq!(
        members(&env, &groups["Other"]).await.len(),
        2,
        "a group the file does not name is not touched"
    );

    let again = env.run(&["groups", "sync", "team.csv"]).await;
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    let rows = results(&env.path("team.sync-results.csv"));
    assert_eq!(rows.len(), 620, "no removals left");
    assert!(rows.iter().all(|r| r["status"] == "Unchanged"));
    assert_eq!(env.emulator.stats().writes, before + 80);

    let export = env
        .run(&["export", "members", "--group", "Team", "-o", "export.csv"])
        .await;
    assert_eq!(code(&export), 0, "{}", stderr(&export));
    let back = env.run(&["groups", "sync", "export.csv"]).await;
    assert_eq!(code(&back), 0, "{}", stderr(&back));
    let rows = results(&env.path("export.sync-results.csv"));
    assert_eq!(rows.len(), 620);
    assert!(rows.iter().all(|r| r["status"] == "Unchanged"));
    assert_eq!(
        env.emulator.stats().writes,
        before + 80,
        "an export syncs nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_cut_to_five_lines_is_refused_and_nothing_is_sent() {
    let env = Env::start().await;
    let groups = seeded(&env, 600, 600, 0).await;
    env.write("cut.csv", file(0..5));
    let before = env.emulator.stats().writes;
    let out = env.run(&["groups", "sync", "cut.csv"]).await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("595 of 600 in Team"), "{err}");
    assert!(err.contains("--expect-removals 595"), "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
    let wrong = env
        .run(&["groups", "sync", "cut.csv", "--expect-removals", "30"])
        .await;
    assert_eq!(code(&wrong), 2, "{}", stderr(&wrong));
    assert!(stderr(&wrong).contains("--expect-removals 30, but the plan removes 595"));
    assert_eq!(env.emulator.stats().writes, before);
    assert_eq!(members(&env, &groups["Team"]).await.len(), 600);
    assert!(!env.path("cut.sync-results.csv").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixed_groups_and_missing_or_deprovisioned_users_are_refused_before_anything_is_sent() {
    let env = Env::start().await;
    seeded(&env, 3, 3, 0).await;
    env.seed(
        json!({"users": [{"profile": {"login": "gone@example.com", "email": "gone@example.com",
                    "firstName": "G", "lastName": "One"}, "status": "DEPROVISIONED"}]}),
    )
    .await;
    let before = env.emulator.stats().writes;
    env.write("everyone.csv", "group,user\nEveryone,u0@example.com\n");
    let out = env.run(&["groups", "sync", "everyone.csv"]).await;
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(stderr(&out).contains("is BUILT_IN"), "{}", stderr(&out));
    env.write(
        "users.csv",
        "group,user\nTeam,u0@example.com\nTeam,nobody@example.com\nTeam,gone@example.com\n",
    );
    let out = env.run(&["groups", "sync", "users.csv"]).await;
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("users.csv:3: column user (\"nobody@example.com\"): no such user"),
        "{err}"
    );
    assert!(
        err.contains("users.csv:4: column user (\"gone@example.com\"): the user is DEPROVISIONED"),
        "{err}"
    );
    assert_eq!(env.emulator.stats().writes, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_a_group_rule_put_in_are_kept_and_reported_with_the_rule() {
    let env = Env::start().await;
    let groups = seeded(&env, 6, 6, 3).await;
    let http = reqwest::Client::new();
    let base = env.emulator.base_url();
    let rule: serde_json::Value = http
        .post(format!("{base}/api/v1/groups/rules"))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .json(&json!({"type": "group_rule", "name": "Engineers",
            "conditions": {"expression": {"value": "user.department==\"Eng\"", "type": "urn:okta:expression:1.0"}},
            "actions": {"assignUserToGroups": {"groupIds": [groups["Team"]]}}}))
        .send()
        .await
        .expect("rule created")
        .json()
        .await
        .expect("rule");
    let id = rule["id"].as_str().expect("rule id");
    let activated = http
        .post(format!(
            "{base}/api/v1/groups/rules/{id}/lifecycle/activate"
        ))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .expect("activated");
    assert!(activated.status().is_success());
    // u0..u2 by hand, u3..u5 by the rule (department Eng); the file keeps u0 only.
    env.write("team.csv", file(0..1));
    let out = env
        .run(&["groups", "sync", "team.csv", "--expect-removals", "2"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        words(&err).contains("6 members now; 0 to add, 2 to remove, 1 unchanged"),
        "{err}"
    );
    for i in 3..6 {
        assert!(
            err.contains(&format!("keep u{i}@example.com: rule \"Engineers\" ({id})")),
            "{err}"
        );
    }
    let now = members(&env, &groups["Team"]).await;
    let expected: BTreeSet<String> = [0, 3, 4, 5]
        .iter()
        .map(|i| format!("u{i}@example.com"))
        .collect();
    assert_eq!(now, expected);
    let rule: serde_json::Value = http
        .get(format!("{base}/api/v1/groups/rules/{id}"))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .expect("rule read")
        .json()
        .await
        .expect("rule");
    assert!(
        rule["conditions"].get("people").is_none(),
        "no exclusion added behind the admin's back: {rule}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_mid_run_resumes_the_removals_it_planned() {
    use okta_emulator::{FaultAction, FaultConfig, FaultRule};
    let env = Env::start().await;
    let groups = seeded(&env, 450, 300, 0).await;
    // Keeps u150..u299, adds u300..u449, removes u0..u149.
    env.write("team.csv", file(150..450));
    let args = ["groups", "sync", "team.csv", "--expect-removals", "150"];
    let slow = |method: &str| FaultRule {
        method: Some(method.into()),
        path: "/api/v1/*".into(),
        action: FaultAction::Latency { ms: 20 },
        skip: 0,
        times: None,
        probability: None,
    };
    env.emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![slow("PUT"), slow("DELETE")],
    });
    let before = env.emulator.stats().writes;
    let mut child = env
        .command()
        .args(args)
        .args(["--concurrency", "2"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let mut waited = std::time::Duration::ZERO;
    // Every add, then some of the removals.
    while env.emulator.stats().writes < before + 200 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        waited += std::time::Duration::from_millis(10);
        assert!(waited < std::time::Duration::from_secs(60), "no progress");
    }
    child.start_kill().expect("SIGKILL");
    let status = child.wait().await.expect("reaped");
    assert!(status.code().is_none(), "killed: {status:?}");
    env.emulator.clear_faults();
    let removed = 300 - members(&env, &groups["Team"]).await.len().min(300);
    assert!(removed < 150, "killed before the removals ended: {removed}");

    let out = env.run(&args).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("resuming an interrupted run: its 150 planned removals are kept"),
        "{}",
        stderr(&out)
    );
    let rows = results(&env.path("team.sync-results.csv"));
    assert_eq!(
        rows.len(),
        450,
        "the file's 300 rows and the first run's 150 removals"
    );
    assert_eq!(
        rows[300..]
            .iter()
            .filter(|r| r["action"] == "remove-member" && r["status"] == "Success")
            .count(),
        150,
        "{:?}",
        &rows[300..]
    );
    assert!(rows[300..].iter().any(|r| !r["earlierRun"].is_empty()));
    assert!(rows[300..].iter().any(|r| r["earlierRun"].is_empty()));
    let expected: BTreeSet<String> = (150..450).map(|i| format!("u{i}@example.com")).collect();
    assert_eq!(members(&env, &groups["Team"]).await, expected);
    assert!(
        env.emulator.stats().writes <= before + 300 + 2,
        "each write about once"
    );
}

/// A dry run is the run's own decisions: it exits with the code the run would (removals the
/// safeguard refuses: 2) and says why, lists each removal once, and counts the plan's reads in
/// the buckets Okta counts them in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_the_safeguard_refuses_exits_as_the_run_would() {
    let env = Env::start().await;
    seeded(&env, 12, 10, 0).await;
    env.write("team.csv", file([0, 1, 2, 3, 4, 10].into_iter()));
    let run = env.run(&["groups", "sync", "team.csv"]).await;
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    let dry = env.run(&["groups", "sync", "team.csv", "--dry-run"]).await;
    let err = stderr(&dry);
    assert_eq!(
        code(&dry),
        code(&run),
        "the dry run exits as the run would: {err}"
    );
    assert!(
        err.contains("the plan removes 5 members, more than 10 % of a group or more than 100 users (5 of 10 in Team): the run would send nothing. If these removals are meant, run it with --expect-removals 5"),
        "{err}"
    );
    let plan = String::from_utf8_lossy(&dry.stdout).into_owned();
    for i in 5..10 {
        let login = format!(" u{i}@example.com");
        assert_eq!(plan.matches(&login).count(), 1, "{login} once in:\n{plan}");
    }
    assert_eq!(
        plan.matches("remove-member    Planned").count(),
        5,
        "{plan}"
    );
    // The plan's reads: the group (its own bucket), its member page and the rules (groups),
    // the user to add (by login), and the rows' reads: a removal reads the member's groups
    // (the users bucket), the added row reads its user.
    for (bucket, calls) in [
        ("/api/v1/users", "5"),
        ("/api/v1/users/{idOrLogin}", "2"),
        ("/api/v1/groups", "8"),
        ("/api/v1/groups/{id}", "1"),
    ] {
        assert!(
            plan.lines()
                .any(|l| l.split_whitespace().take(2).eq([bucket, calls])),
            "{bucket} with {calls} calls in:\n{plan}"
        );
    }
    let expected = env
        .run(&[
            "groups",
            "sync",
            "team.csv",
            "--dry-run",
            "--expect-removals",
            "5",
        ])
        .await;
    assert_eq!(code(&expected), 0, "{}", stderr(&expected));
    assert_eq!(env.emulator.stats().writes, 0, "nothing was sent");
}

/// Text as words, one space apart: what a wrapped sentence says, wherever its lines break.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
