use super::support::{code, results, stderr, Env, TOKEN};
use serde_json::{json, Value};

/// Makes an ACTIVE bookmark app in the emulator and answers its id.
async fn app(env: &Env, label: &str) -> String {
    let app: Value = reqwest::Client::new()
        .post(format!("{}/api/v1/apps", env.emulator.base_url()))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .json(&json!({"label": label, "signOnMode": "BOOKMARK",
                      "settings": {"app": {"url": "https://example.com/wiki"}}}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    app["id"].as_str().expect("an id").to_owned()
}

async fn app_users(env: &Env, app: &str) -> Vec<Value> {
    reqwest::Client::new()
        .get(format!(
            "{}/api/v1/apps/{app}/users?limit=500",
            env.emulator.base_url()
        ))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json")
}

fn statuses(rows: &[std::collections::HashMap<String, String>]) -> Vec<String> {
    let mut s: Vec<String> = rows.iter().map(|r| r["status"].clone()).collect();
    s.dedup();
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_assigned_then_unchanged_then_half_unassigned() {
    let env = Env::start().await;
    let users: Vec<_> = (0..500)
        .map(|i| {
            let login = format!("u{i:03}@example.com");
            json!({"profile": {"login": login, "email": login, "firstName": "U", "lastName": "N"}})
        })
        .collect();
    env.seed(json!({"users": users})).await;
    let wiki = app(&env, "Wiki").await;
    let mut file = String::from("app,user,userName\n");
    for i in 0..500 {
        file.push_str(&format!("Wiki,u{i:03}@example.com,wiki-{i}\n"));
    }
    env.write("wiki.csv", &file);

    let out = env.run(&["apps", "assign", "wiki.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("wiki.apps-assign-results.csv"));
    assert_eq!(rows.len(), 500);
    assert_eq!(statuses(&rows), ["Success"]);
    let assigned = app_users(&env, &wiki).await;
    assert_eq!(assigned.len(), 500);
    assert!(assigned
        .iter()
        .any(|u| u["credentials"]["userName"] == "wiki-7"));

    let writes = env.emulator.stats().writes;
    let again = env.run(&["apps", "assign", "wiki.csv"]).await;
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    let rows = results(&env.path("wiki.apps-assign-results.csv"));
    assert_eq!(statuses(&rows), ["Unchanged"]);
    assert_eq!(
        env.emulator.stats().writes,
        writes,
        "a rerun sends no write"
    );

    let mut half = String::from("app,user\n");
    for i in (0..500).step_by(2) {
        half.push_str(&format!("{wiki},u{i:03}@example.com\n"));
    }
    env.write("leavers.csv", &half);
    let out = env.run(&["apps", "unassign", "leavers.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("leavers.apps-unassign-results.csv"));
    assert_eq!(
        (rows.len(), statuses(&rows)),
        (250, vec!["Success".to_owned()])
    );
    assert_eq!(app_users(&env, &wiki).await.len(), 250);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_who_has_the_app_through_a_group_fails_with_oktas_error() {
    let env = Env::start().await;
    env.seed(json!({
        "users": [{"profile": {"login": "ann@example.com", "email": "ann@example.com",
                               "firstName": "Ann", "lastName": "A"}}],
        "groups": [{"name": "Wiki users"}],
        "memberships": [{"group": "Wiki users", "user": "ann@example.com"}],
    }))
    .await;
    app(&env, "Wiki").await;
    env.write("groups.csv", "app,group,priority\nWiki,Wiki users,0\n");
    let out = env.run(&["apps", "assign", "groups.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    env.write("ann.csv", "app,user\nWiki,ann@example.com\n");
    let out = env.run(&["apps", "unassign", "ann.csv"]).await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = results(&env.path("ann.apps-unassign-results.csv"));
    assert_eq!(rows[0]["status"], "Failed");
    assert_eq!(rows[0]["errorCode"], "E0000046");
    assert!(
        rows[0]["ErrorMessage"].starts_with("Deactivate application for user forbidden. (The user has the application through a group"),
        "{}",
        rows[0]["ErrorMessage"]
    );

    // An unknown app, an ambiguous label and an inactive app are refused before any write.
    app(&env, "Twin").await;
    app(&env, "Twin").await;
    env.write(
        "bad.csv",
        "app,user\nNope,ann@example.com\nTwin,ann@example.com\n",
    );
    let writes = env.emulator.stats().writes;
    let out = env.run(&["apps", "assign", "bad.csv"]).await;
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("no such app in the org"), "{err}");
    assert!(err.contains("2 apps have this label"), "{err}");
    assert_eq!(env.emulator.stats().writes, writes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_plans_what_the_run_then_does() {
    let env = Env::start().await;
    env.seed(json!({
        "users": [{"profile": {"login": "ann@example.com", "email": "ann@example.com",
                               "firstName": "Ann", "lastName": "A"}},
                  {"profile": {"login": "bob@example.com", "email": "bob@example.com",
                               "firstName": "Bob", "lastName": "B"}}],
        "groups": [{"name": "Staff"}],
    }))
    .await;
    app(&env, "Wiki").await;
    env.write("first.csv", "app,user\nWiki,ann@example.com\n");
    let out = env.run(&["apps", "assign", "first.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    env.write(
        "plan.csv",
        "app,user,group\nWiki,ann@example.com,\nWiki,bob@example.com,\nWiki,,Staff\n",
    );
    let writes = env.emulator.stats().writes;
    let preview = env.run(&["apps", "assign", "plan.csv", "--dry-run"]).await;
    assert_eq!(code(&preview), 0, "{}", stderr(&preview));
    assert_eq!(
        env.emulator.stats().writes,
        writes,
        "a dry run sends no write"
    );
    let plan = String::from_utf8_lossy(&preview.stdout).into_owned();
    let out = env.run(&["apps", "assign", "plan.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("plan.apps-assign-results.csv"));
    let lines: Vec<&str> = plan.lines().skip(1).take(3).collect();
    for (row, line) in rows.iter().zip(&lines) {
        let planned = line.split_whitespace().nth(2).expect("a result column");
        let expected = if planned == "Planned" {
            "Success"
        } else {
            planned
        };
        assert_eq!(row["status"], expected, "line {}: {line}", row["line"]);
        assert_eq!(row["action"], "assign-app");
    }
    assert_eq!(
        rows.iter()
            .map(|r| r["status"].as_str())
            .collect::<Vec<_>>(),
        ["Unchanged", "Success", "Success"]
    );
    assert!(
        plan.contains("/api/v1/apps"),
        "the plan names the apps bucket:\n{plan}"
    );
}

/// Seeds `n` users `u000@example.com`...; with `group`, every one of them a member of it.
async fn seed_users(env: &Env, n: usize, group: Option<&str>) {
    let login = |i: usize| format!("u{i:03}@example.com");
    let users: Vec<_> = (0..n)
        .map(|i| json!({"profile": {"login": login(i), "email": login(i), "firstName": "U", "lastName": "N"}}))
        .collect();
    let mut seed = json!({"users": users});
    if let Some(group) = group {
        seed["groups"] = json!([{"name": group}]);
        seed["memberships"] = (0..n)
            .map(|i| json!({"group": group, "user": login(i)}))
            .collect();
    }
    env.seed(seed).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_of_an_apps_users_and_groups_assigns_back_unchanged() {
    let env = Env::start().await;
    // 520 members of a group assigned to the app: app users past one page of 500.
    seed_users(&env, 520, Some("Staff")).await;
    let wiki = app(&env, "Wiki").await;
    env.write(
        "direct.csv",
        "app,user,userName,profile.role,profile.note\n\
         Wiki,u000@example.com,ada.l,editor,=1+1\n\
         Wiki,u001@example.com,,viewer,''plain\n\
         Wiki,u002@example.com,bob,,\n",
    );
    env.write("group.csv", "app,group,priority\nWiki,Staff,0\n");
    for file in ["direct.csv", "group.csv"] {
        let out = env.run(&["apps", "assign", file]).await;
        assert_eq!(code(&out), 0, "{file}: {}", stderr(&out));
    }
    // A typed app profile value, as an org can hold it: a number, not a string.
    let http = reqwest::Client::new();
    let u003: Value = http
        .get(format!(
            "{}/api/v1/users/u003@example.com",
            env.emulator.base_url()
        ))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let typed = http
        .post(format!(
            "{}/api/v1/apps/{wiki}/users",
            env.emulator.base_url()
        ))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .json(&json!({"id": u003["id"], "scope": "USER", "profile": {"level": 3}}))
        .send()
        .await
        .expect("sent");
    assert_eq!(typed.status(), 200);
    let users = app_users(&env, &wiki).await;
    assert_eq!(users.len(), 500, "the first page");

    let out = env
        .run(&["export", "app-users", "--app", "Wiki", "-o", "users.csv"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("exported 520 app users (users of app"),
        "{}",
        stderr(&out)
    );
    let out = env
        .run(&["export", "app-groups", "--app", &wiki, "-o", "groups.csv"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let exported = std::fs::read_to_string(env.path("users.csv")).expect("written");
    let mut lines = exported.lines();
    assert_eq!(
        lines.next(),
        Some("app,user,scope,userName,profile.level,profile.note,profile.role")
    );
    let rows = results(&env.path("users.csv"));
    assert_eq!(rows.len(), 520, "every app user, every page");
    let direct: Vec<_> = rows.iter().filter(|r| r["scope"] == "USER").collect();
    assert_eq!(direct.len(), 4);
    assert!(direct.iter().any(|r| r["profile.level"] == "3"));
    assert!(rows
        .iter()
        .filter(|r| r["scope"] == "GROUP")
        .all(|r| r["userName"].is_empty() && r["profile.role"].is_empty()));
    assert!(
        exported.contains(",ada.l,,'=1+1,editor"),
        "a formula is written as text:\n{}",
        &exported[..exported.len().min(400)]
    );
    assert!(exported.contains(",''plain,viewer"), "a leading ' is kept");
    let groups = std::fs::read_to_string(env.path("groups.csv")).expect("written");
    assert_eq!(groups.lines().count(), 2, "{groups}");

    let writes = env.emulator.stats().writes;
    for file in ["users.csv", "groups.csv"] {
        let out = env.run(&["apps", "assign", file]).await;
        assert_eq!(code(&out), 0, "{file}: {}", stderr(&out));
    }
    let users_back = results(&env.path("users.apps-assign-results.csv"));
    assert_eq!(users_back.len(), 520);
    assert_eq!(statuses(&users_back), ["Unchanged"]);
    let groups_back = results(&env.path("groups.apps-assign-results.csv"));
    assert_eq!(statuses(&groups_back), ["Unchanged"]);
    assert_eq!(
        env.emulator.stats().writes,
        writes,
        "an export assigns back with no write"
    );

    // The reader compares what the export wrote: one cell changed is one write.
    env.write(
        "changed.csv",
        exported.replacen(",ada.l,", ",ada.lovelace,", 1),
    );
    let out = env.run(&["apps", "assign", "changed.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(env.emulator.stats().writes, writes + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apps_assign_killed_mid_run_resumes_and_makes_each_assignment_once() {
    use okta_emulator::{FaultAction, FaultConfig, FaultRule};
    const ROWS: usize = 520;
    let env = Env::start().await;
    seed_users(&env, ROWS, None).await;
    let wiki = app(&env, "Wiki").await;
    let mut file = String::from("app,user,userName\n");
    for i in 0..ROWS {
        file.push_str(&format!("Wiki,u{i:03}@example.com,wiki-{i}\n"));
    }
    env.write("wiki.csv", &file);
    env.emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![FaultRule {
            method: Some("POST".into()),
            path: "/api/v1/apps/*".into(),
            action: FaultAction::Latency { ms: 30 },
            skip: 0,
            times: None,
            probability: None,
        }],
    });
    let before = env.emulator.stats().writes;
    let args = ["apps", "assign", "wiki.csv", "--concurrency", "4"];
    let mut child = env
        .command()
        .args(args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let mut waited = std::time::Duration::ZERO;
    while env.emulator.stats().writes < before + 150 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        waited += std::time::Duration::from_millis(10);
        assert!(waited < std::time::Duration::from_secs(60), "no progress");
    }
    child.start_kill().expect("SIGKILL");
    let status = child.wait().await.expect("reaped");
    assert!(status.code().is_none(), "killed: {status:?}");
    // Requests the kill left inside the emulator's latency settle before counting.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let first_writes = env.emulator.stats().writes - before;
    let made = app_users(&env, &wiki).await.len();
    assert!((100..ROWS).contains(&made), "killed mid-run at {made}");
    assert!(
        first_writes - made as u64 <= 4,
        "at most the requests in flight were lost: {first_writes} writes, {made} made"
    );

    env.emulator.clear_faults();
    let out = env.run(&args).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let resumed_writes = env.emulator.stats().writes - before - first_writes;
    assert_eq!(
        resumed_writes,
        (ROWS - made) as u64,
        "the resumed run sends only the assignments not made, each once"
    );
    let out = env
        .run(&["export", "app-users", "--app", &wiki, "-o", "now.csv"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut names: Vec<String> = results(&env.path("now.csv"))
        .into_iter()
        .map(|r| r["userName"].clone())
        .collect();
    names.sort();
    let mut expected: Vec<String> = (0..ROWS).map(|i| format!("wiki-{i}")).collect();
    expected.sort();
    assert_eq!(names, expected, "each user assigned once, as the file says");
    let rows = results(&env.path("wiki.apps-assign-results.csv"));
    assert_eq!(rows.len(), ROWS);
    let lines: Vec<u64> = rows
        .iter()
        .map(|r| r["line"].parse().expect("a line"))
        .collect();
    assert_eq!(
        lines,
        (2..=ROWS as u64 + 1).collect::<Vec<_>>(),
        "each row once, in order"
    );
    assert!(
        rows.iter().all(|r| r["status"] == "Success"
            || (r["status"] == "Unchanged" && !r["earlierRun"].is_empty())),
        "every row assigned, by this run or the one killed: {:?}",
        rows.iter()
            .filter(|r| r["status"] != "Success")
            .take(5)
            .collect::<Vec<_>>()
    );
    assert!(
        rows.iter().any(|r| !r["earlierRun"].is_empty()),
        "rows of the killed run come from its journal"
    );
    let again = env.run(&["apps", "assign", "wiki.csv"]).await;
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert_eq!(
        statuses(&results(&env.path("wiki.apps-assign-results.csv"))),
        ["Unchanged"],
        "every assignment is as the file says"
    );
}

/// An `apps assign` results file reads back as its input as it is: the same assignments, now
/// `Unchanged`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assign_results_file_reads_back_as_its_input() {
    let env = Env::start().await;
    let seeded = env
        .seed(json!({"groups": [{"name": "Engineering"}],
                     "users": [{"profile": {"login": "ann@example.com", "email": "ann@example.com",
                                            "firstName": "Ann", "lastName": "N"}}]}))
        .await;
    assert!(seeded.groups.contains_key("Engineering"));
    app(&env, "Wiki").await;
    env.write(
        "w.csv",
        "app,user,group\nWiki,ann@example.com,\nWiki,,Engineering\n",
    );
    let out = env.run(&["apps", "assign", "w.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    std::fs::copy(env.path("w.apps-assign-results.csv"), env.path("again.csv")).expect("copied");
    let out = env.run(&["apps", "assign", "again.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("again.apps-assign-results.csv"));
    assert_eq!(statuses(&rows), ["Unchanged"]);
    assert_eq!(rows.len(), 2);
}
