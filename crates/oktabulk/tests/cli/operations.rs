//! The bulk commands besides `users import`, end to end: `users update`, the lifecycle
//! commands and their confirmation, `groups import`, `groups add-members|remove-members`, and
//! `export`, with the Unchanged cases and a round trip of export and import.

use super::support::{client, code, results, stderr, Env};
use okta_model::UserStatus;
use serde_json::json;
use std::collections::HashMap;

/// `n` ACTIVE users `u0@example.com`... in department "Old"; answers their ids by login.
async fn seeded(
    env: &Env,
    n: usize,
    extra: serde_json::Value,
) -> std::collections::BTreeMap<String, String> {
    let users: Vec<_> = (0..n)
        .map(|i| {
            json!({"profile": {"login": format!("u{i}@example.com"), "email": format!("u{i}@example.com"),
                               "firstName": "U", "lastName": format!("N{i}"), "department": "Old"}})
        })
        .collect();
    let mut seed = json!({"users": users});
    if let (Some(s), Some(e)) = (seed.as_object_mut(), extra.as_object()) {
        s.extend(e.clone());
    }
    env.seed(seed).await.users
}

fn statuses(rows: &[HashMap<String, String>]) -> Vec<String> {
    rows.iter().map(|r| r["status"].clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_update_changes_what_differs_and_reports_the_rest_unchanged() {
    let env = Env::start().await;
    let ids = seeded(&env, 3, json!({})).await;
    let csv = format!(
        "id,login,department,title\n{},,Sales,Lead\n,u1@example.com,Old,\n,u2@example.com,Sales,\n,nobody@example.com,Sales,\n",
        ids["u0@example.com"]
    );
    env.write("up.csv", csv);
    let out = env.run(&["users", "update", "up.csv"]).await;
    assert_eq!(code(&out), 1, "the unknown user fails: {}", stderr(&out));
    let rows = results(&env.path("up.update-results.csv"));
    assert_eq!(
        statuses(&rows),
        ["Updated", "Unchanged", "Updated", "Failed"]
    );
    assert_eq!(rows[3]["errorCode"], "E0000007", "Okta's own error");
    let c = client(&env);
    let u0 = c.users().get("u0@example.com").await.expect("u0");
    assert_eq!(u0.profile.str("department"), Some("Sales"));
    assert_eq!(u0.profile.str("title"), Some("Lead"));
    let writes = env.emulator.stats().writes;
    let again = env.run(&["users", "update", "up.csv", "--restart"]).await;
    assert_eq!(code(&again), 1);
    let rows = results(&env.path("up.update-results.csv"));
    assert_eq!(
        statuses(&rows),
        ["Unchanged", "Unchanged", "Unchanged", "Failed"]
    );
    assert_eq!(
        env.emulator.stats().writes,
        writes,
        "nothing sent for unchanged rows"
    );

    // --replace: attributes the row does not give are removed
    env.write(
        "replace.csv",
        "login,email,firstName,lastName\nu0@example.com,u0@example.com,U,N0\n",
    );
    let out = env
        .run(&["users", "update", "replace.csv", "--replace"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let u0 = c.users().get("u0@example.com").await.expect("u0");
    assert_eq!(u0.profile.str("department"), None, "removed by the replace");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivate_and_delete_need_confirmation_and_report_unchanged_users() {
    let env = Env::start().await;
    seeded(&env, 3, json!({})).await;
    env.write("leavers.csv", "login\nu0@example.com\nu1@example.com\n");
    let refused = env.run(&["users", "deactivate", "leavers.csv"]).await;
    assert_eq!(code(&refused), 2, "{}", stderr(&refused));
    assert!(stderr(&refused).contains("--yes"), "{}", stderr(&refused));
    assert_eq!(env.emulator.stats().writes, 0, "nothing sent unconfirmed");
    assert_eq!(env.emulator.stats().total, 0, "refused before any request");
    assert!(
        stderr(&refused).contains(&format!("in {}?", env.emulator.base_url())),
        "a real org is named by its URL: {}",
        stderr(&refused)
    );
    env.write("sandbox-leavers.csv", "login\ngrace.hopper@example.com\n");
    let sandbox = env
        .run(&["users", "deactivate", "sandbox-leavers.csv", "--sandbox"])
        .await;
    let said = stderr(&sandbox);
    assert_eq!(code(&sandbox), 2, "{said}");
    assert!(
        said.contains("Deactivate 1 user listed in sandbox-leavers.csv in the sandbox org?")
            && !said.contains("127.0.0.1"),
        "the sandbox is named, not its loopback port: {said}"
    );

    let out = env
        .run(&["users", "deactivate", "leavers.csv", "--yes"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("leavers.deactivate-results.csv"));
    assert_eq!(statuses(&rows), ["Success", "Success"]);
    let buckets: Vec<String> = env.emulator.stats().requests.keys().cloned().collect();
    assert!(
        !buckets
            .iter()
            .any(|b| b.contains("groups") || b == "/api/v1/*"),
        "rows naming users need neither the schema nor the group list: {buckets:?}"
    );
    let c = client(&env);
    let u0 = c.users().get("u0@example.com").await.expect("u0");
    assert_eq!(u0.status, UserStatus::Deprovisioned);
    let again = env
        .run(&["users", "deactivate", "leavers.csv", "--yes", "--restart"])
        .await;
    assert_eq!(code(&again), 0);
    assert_eq!(
        statuses(&results(&env.path("leavers.deactivate-results.csv"))),
        ["Unchanged", "Unchanged"]
    );

    // delete: a deactivated user goes at once, an active one is deactivated first; run again,
    // the users this file's finished run deleted are unchanged, and say by which run
    env.write("gone.csv", "login\nu0@example.com\nu2@example.com\n");
    let out = env.run(&["users", "delete", "gone.csv", "--yes"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(env.users_added(), 1, "only u1 is left");
    let again = env.run(&["users", "delete", "gone.csv", "--yes"]).await;
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    let rows = results(&env.path("gone.delete-results.csv"));
    assert_eq!(statuses(&rows), ["Unchanged", "Unchanged"]);
    assert!(
        rows[0]["ErrorMessage"].contains("deleted by the run of this file that finished at"),
        "{rows:?}"
    );

    // a login the org has never known (a typo) is not "already deleted"
    env.write("typo.csv", "login\nu1@exmple.com\n");
    let out = env.run(&["users", "delete", "typo.csv", "--yes"]).await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = results(&env.path("typo.delete-results.csv"));
    assert_eq!(statuses(&rows), ["Failed"]);
    assert!(
        rows[0]["ErrorMessage"].contains("nothing was deleted"),
        "{rows:?}"
    );
    assert_eq!(env.users_added(), 1, "u1 is still there");
    // and --restart forgets what the earlier run did: a deleted user is then not found
    let restarted = env
        .run(&["users", "delete", "gone.csv", "--yes", "--restart"])
        .await;
    assert_eq!(code(&restarted), 1, "{}", stderr(&restarted));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_commands_move_users_and_know_where_they_are() {
    let env = Env::start().await;
    env.seed(json!({"users": [
        {"profile": {"login": "s@example.com", "email": "s@example.com", "firstName": "S", "lastName": "S"}, "status": "STAGED"},
        {"profile": {"login": "a@example.com", "email": "a@example.com", "firstName": "A", "lastName": "A"}}
    ]}))
    .await;
    env.write("both.csv", "login\ns@example.com\na@example.com\n");
    let c = client(&env);
    let cases: [(&str, [&str; 2], UserStatus); 4] = [
        ("activate", ["Success", "Unchanged"], UserStatus::Active),
        ("suspend", ["Success", "Success"], UserStatus::Suspended),
        ("unsuspend", ["Success", "Success"], UserStatus::Active),
        (
            "expire-password",
            ["Success", "Success"],
            UserStatus::PasswordExpired,
        ),
    ];
    for (command, expected, status) in cases {
        let out = env.run(&["users", command, "both.csv"]).await;
        assert_eq!(code(&out), 0, "{command}: {}", stderr(&out));
        let rows = results(&env.path(&format!("both.{command}-results.csv")));
        assert_eq!(statuses(&rows), expected, "{command}");
        assert_eq!(
            c.users().get("a@example.com").await.expect("a").status,
            status
        );
    }
    let out = env.run(&["users", "unlock", "both.csv"]).await;
    assert_eq!(code(&out), 0);
    assert_eq!(
        statuses(&results(&env.path("both.unlock-results.csv"))),
        ["Unchanged", "Unchanged"],
        "nobody is locked out"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_import_creates_new_names_and_knows_existing_ones() {
    let env = Env::start().await;
    env.seed(json!({"groups": [{"name": "Sales", "description": "old"}]}))
        .await;
    env.write(
        "g.csv",
        "name,description\nSales,new\nEngineering,Builds things\n",
    );
    let out = env.run(&["groups", "import", "g.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("g.groups-import-results.csv"));
    assert_eq!(statuses(&rows), ["Exists", "Success"]);
    assert!(rows[1]["id"].starts_with("00g"));
    let out = env
        .run(&["groups", "import", "g.csv", "--on-exists", "update"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("g.groups-import-results.csv"));
    assert_eq!(statuses(&rows), ["Updated", "Unchanged"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memberships_are_added_and_removed_once_and_fixed_groups_fail_with_okta_error() {
    let env = Env::start().await;
    let n = 250;
    seeded(
        &env,
        n,
        json!({"groups": [{"name": "Team"}, {"name": "AD Staff", "type": "APP_GROUP"}]}),
    )
    .await;
    let mut csv = String::from("group,user\n");
    for i in 0..n {
        csv.push_str(&format!("Team,u{i}@example.com\n"));
    }
    csv.push_str("Everyone,u0@example.com\nAD Staff,u0@example.com\n");
    env.write("m.csv", &csv);
    let out = env
        .run(&["groups", "add-members", "m.csv", "--concurrency", "16"])
        .await;
    assert_eq!(code(&out), 1, "the fixed groups fail: {}", stderr(&out));
    let rows = results(&env.path("m.add-members-results.csv"));
    assert_eq!(rows.len(), n + 2);
    assert!(rows[..n].iter().all(|r| r["status"] == "Success"));
    assert_eq!(rows[n]["status"], "Failed");
    assert_eq!(rows[n + 1]["status"], "Failed");
    assert!(
        !rows[n]["errorCode"].is_empty(),
        "Okta's error: {:?}",
        rows[n]
    );

    // the members page past 200, and read back by export
    let out = env
        .command()
        .args(["export", "members", "--group", "Team", "-o", "team.csv"])
        .output()
        .await
        .expect("runs");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let exported = results(&env.path("team.csv"));
    assert_eq!(exported.len(), n, "every member, past the first page");

    env.write("again.csv", "group,user\nTeam,u0@example.com\n");
    let out = env.run(&["groups", "add-members", "again.csv"]).await;
    assert_eq!(code(&out), 0);
    assert_eq!(
        statuses(&results(&env.path("again.add-members-results.csv"))),
        ["Unchanged"]
    );
    // the export is the next command's input
    let out = env.run(&["groups", "remove-members", "team.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = env.run(&["groups", "remove-members", "again.csv"]).await;
    assert_eq!(code(&out), 0);
    assert_eq!(
        statuses(&results(&env.path("again.remove-members-results.csv"))),
        ["Unchanged"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_reimported_with_on_exists_update_changes_nothing() {
    let env = Env::start().await;
    env.seed(json!({
        "schema": {"custom": {"employeeId": {"title": "Employee id", "type": "string"},
                              "skills": {"title": "Skills", "type": "array", "items": {"type": "string"}}}},
        "groups": [{"name": "Sales"}, {"name": "R&D; Europe"}]
    }))
    .await;
    env.write(
        "people.csv",
        "login,email,firstName,lastName,employeeId,skills,groups\n\
         p1@example.com,p1@example.com,P,One,E1,rust;sql,Sales;R&D\\; Europe\n\
         p2@example.com,p2@example.com,P,Two,E2,,Sales\n",
    );
    let out = env.run(&["users", "import", "people.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = env
        .command()
        .args(["export", "users", "--with-groups", "-o", "export.csv"])
        .output()
        .await
        .expect("runs");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let exported = results(&env.path("export.csv"));
    assert_eq!(exported.len(), 3, "the org's admin and the two imported");
    let p1 = exported
        .iter()
        .find(|r| r["login"] == "p1@example.com")
        .expect("p1 exported");
    assert_eq!(p1["skills"], "rust;sql");
    assert_eq!(p1["employeeId"], "E1");
    assert_eq!(p1["groups"].len(), "R&D\\; Europe;Sales".len(), "{p1:?}");
    assert!(
        p1["groups"].contains("R&D\\; Europe") && p1["groups"].contains("Sales"),
        "a name with ';' is written as import reads it: {p1:?}"
    );
    let writes = env.emulator.stats().writes;
    let out = env
        .run(&["users", "import", "export.csv", "--on-exists", "update"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("export.results.csv"));
    assert!(
        rows.iter().all(|r| r["userCreationStatus"] == "Unchanged"),
        "{rows:?}"
    );
    assert_eq!(
        env.emulator.stats().writes - writes,
        3 + 3,
        "the three creates Okta refuses as duplicates (the org's admin too) and three idempotent memberships; no profile update"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_users_includes_deprovisioned_users_and_every_export_says_what_it_selected() {
    let env = Env::start().await;
    let users: Vec<_> = ["ACTIVE", "SUSPENDED", "STAGED", "DEPROVISIONED"]
        .iter()
        .map(|status| {
            let login = format!("{}@example.com", status.to_lowercase());
            json!({"profile": {"login": login, "email": login, "firstName": "F", "lastName": "L"},
                   "status": status, "groups": ["Team"]})
        })
        .collect();
    env.seed(json!({"groups": [{"name": "Team"}], "users": users}))
        .await;
    let exported = |name: &str| {
        let mut rows: Vec<(String, String)> = results(&env.path(name))
            .into_iter()
            .map(|r| (r["login"].clone(), r["status"].clone()))
            .collect();
        rows.sort();
        rows
    };

    let out = env.run(&["export", "users", "-o", "all.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        exported("all.csv"),
        [
            ("active@example.com".into(), "ACTIVE".into()),
            ("deprovisioned@example.com".into(), "DEPROVISIONED".into()),
            ("org.admin@example.com".into(), "ACTIVE".into()),
            ("staged@example.com".into(), "STAGED".into()),
            ("suspended@example.com".into(), "SUSPENDED".into()),
        ],
        "the new org's admin (its tokens' owner) is a user too"
    );
    assert!(
        stderr(&out)
            .contains("exported 5 users (every status; 1 of them DEPROVISIONED) to all.csv"),
        "{}",
        stderr(&out)
    );

    let out = env
        .run(&[
            "export",
            "users",
            "--status",
            "deprovisioned",
            "-o",
            "gone.csv",
        ])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        exported("gone.csv"),
        [("deprovisioned@example.com".into(), "DEPROVISIONED".into())]
    );
    assert!(
        stderr(&out).contains("exported 1 user (status DEPROVISIONED; 1 of them DEPROVISIONED)"),
        "{}",
        stderr(&out)
    );
    let out = env
        .run(&["export", "users", "--status", "active", "-o", "active.csv"])
        .await;
    assert_eq!(
        exported("active.csv").len(),
        2,
        "the seeded user and the org's admin: {}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("(status ACTIVE; 0 of them DEPROVISIONED)"));

    // Team and Everyone, the group every org has.
    let out = env.run(&["export", "groups", "-o", "groups.csv"]).await;
    assert!(
        stderr(&out).contains("exported 2 groups (every group) to groups.csv"),
        "{}",
        stderr(&out)
    );
    let out = env
        .run(&["export", "members", "--group", "Team", "-o", "members.csv"])
        .await;
    assert!(
        stderr(&out).contains("(members of group Team) to members.csv"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_pipes_into_deactivate() {
    use tokio::io::AsyncWriteExt;
    let env = Env::start().await;
    seeded(&env, 4, json!({})).await;
    let exported = env
        .command()
        .args(["export", "users", "--search", "profile.lastName eq \"N1\""])
        .output()
        .await
        .expect("export runs");
    assert_eq!(code(&exported), 0, "{}", stderr(&exported));
    let mut deactivate = env
        .command()
        .args(["users", "deactivate", "-", "--yes", "-o", "out.csv"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdin = deactivate.stdin.take().expect("stdin");
    stdin.write_all(&exported.stdout).await.expect("piped");
    drop(stdin);
    let out = deactivate.wait_with_output().await.expect("exits");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("out.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["login"], "u1@example.com");
    let c = client(&env);
    assert_eq!(
        c.users().get("u1@example.com").await.expect("u1").status,
        UserStatus::Deprovisioned
    );
    assert_eq!(
        c.users().get("u2@example.com").await.expect("u2").status,
        UserStatus::Active
    );
}

/// Kills a command midway (every write slowed down), runs it again, and answers the results.
async fn killed_and_resumed(
    env: &Env,
    args: &[&str],
    results_file: &str,
) -> Vec<HashMap<String, String>> {
    use okta_emulator::{FaultAction, FaultConfig, FaultRule};
    let slow = |method: &str| FaultRule {
        method: Some(method.into()),
        path: "/api/v1/*".into(),
        action: FaultAction::Latency { ms: 30 },
        skip: 0,
        times: None,
        probability: None,
    };
    env.emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![slow("POST"), slow("PUT")],
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
    while env.emulator.stats().writes < before + 20 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        waited += std::time::Duration::from_millis(10);
        assert!(waited < std::time::Duration::from_secs(30), "no progress");
    }
    child.start_kill().expect("SIGKILL");
    let status = child.wait().await.expect("reaped");
    assert!(status.code().is_none(), "killed: {status:?}");
    env.emulator.clear_faults();
    let out = env.run(args).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    results(&env.path(results_file))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_update_and_add_members_resume_after_kill_9() {
    let env = Env::start().await;
    seeded(&env, 120, json!({"groups": [{"name": "Team"}]})).await;
    let mut update = String::from("login,department\n");
    let mut members = String::from("group,user\n");
    for i in 0..120 {
        update.push_str(&format!("u{i}@example.com,New\n"));
        members.push_str(&format!("Team,u{i}@example.com\n"));
    }
    env.write("up.csv", &update);
    let rows = killed_and_resumed(
        &env,
        &["users", "update", "up.csv"],
        "up.update-results.csv",
    )
    .await;
    assert_eq!(rows.len(), 120);
    assert!(
        rows.iter()
            .all(|r| r["status"] == "Updated" || r["status"] == "Success"),
        "every row done once: {:?}",
        rows.iter()
            .filter(|r| r["status"] != "Updated")
            .collect::<Vec<_>>()
    );
    let c = client(&env);
    assert_eq!(
        c.users()
            .get("u119@example.com")
            .await
            .expect("u")
            .profile
            .str("department"),
        Some("New")
    );
    env.write("m.csv", &members);
    let rows = killed_and_resumed(
        &env,
        &["groups", "add-members", "m.csv"],
        "m.add-members-results.csv",
    )
    .await;
    assert_eq!(rows.len(), 120);
    assert!(rows.iter().all(|r| r["status"] == "Success"), "{rows:?}");
}

/// Custom attributes of every type: arrays by `items.type`, exact numbers, `enum` and `oneOf`.
fn typed_schema() -> serde_json::Value {
    json!({"schema": {"custom": {
        "scores": {"title": "Scores", "type": "array", "items": {"type": "integer"}},
        "ratios": {"title": "Ratios", "type": "array", "items": {"type": "number"}},
        "flags": {"title": "Flags", "type": "array", "items": {"type": "boolean"}},
        "notes": {"title": "Notes", "type": "array", "items": {"type": "string"}},
        "tags": {"title": "Tags", "type": "array",
                 "items": {"type": "string", "enum": ["red", "blue"]}},
        "level": {"title": "Level", "type": "number"},
        "big": {"title": "Big", "type": "integer"},
        "remote": {"title": "Remote", "type": "boolean"},
        "size": {"title": "Size", "type": "string", "enum": ["S", "M", "L"]},
        "tier": {"title": "Tier", "type": "integer",
                 "oneOf": [{"const": 1, "title": "Gold"}, {"const": 2, "title": "Silver"}]}
    }}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_are_typed_by_the_schema_and_an_export_updates_nothing() {
    let env = Env::start().await;
    env.seed(typed_schema()).await;
    let header = "login,email,firstName,lastName,scores,ratios,flags,notes,tags,level,big,remote,size,tier\n";
    env.write(
        "typed.csv",
        format!("{header}v@example.com,v@example.com,V,W,5;12,0.5; 2,true;no,a\\;b;c,red;blue,0.1,9007199254740993,yes,M,2\n"),
    );
    let out = env.run(&["users", "import", "typed.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let user = client(&env)
        .users()
        .get("v@example.com")
        .await
        .expect("created");
    let p = &user.profile.0;
    assert_eq!(p["scores"], json!([5, 12]), "integers, not strings");
    assert_eq!(p["ratios"], json!([0.5, 2]));
    assert_eq!(p["flags"], json!([true, false]));
    assert_eq!(p["notes"], json!(["a;b", "c"]));
    assert_eq!(p["tags"], json!(["red", "blue"]));
    assert_eq!(p["level"], json!(0.1));
    assert_eq!(
        p["big"],
        json!(9007199254740993u64),
        "not rounded to a double"
    );
    assert_eq!(
        (&p["remote"], &p["size"], &p["tier"]),
        (&json!(true), &json!("M"), &json!(2))
    );

    // Outside an enum or oneOf, a wrong item type, a number with more digits than it keeps:
    // refused before anything is sent, naming what is allowed.
    let writes = env.emulator.stats().writes;
    env.write(
        "bad.csv",
        format!("{header}x@example.com,x@example.com,X,Y,5;x,,,,red;green,0.12345678901234567890,,,XL,7\n"),
    );
    let out = env.run(&["users", "import", "bad.csv"]).await;
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    for part in [
        "bad.csv:2: column scores (\"5;x\"): item \"x\": expected a whole number",
        "column tags (\"red;green\"): item \"green\": not a value the org's schema allows here; allowed: \"red\", \"blue\"",
        "column level (\"0.12345678901234567890\"): has more significant digits than a number carries exactly",
        "column size (\"XL\"): not a value the org's schema allows here; allowed: \"S\", \"M\", \"L\"",
        "column tier (\"7\"): not a value the org's schema allows here; allowed: 1 (Gold), 2 (Silver)",
    ] {
        assert!(err.contains(part), "expected {part:?} in:\n{err}");
    }
    assert_eq!(env.emulator.stats().writes, writes, "nothing was sent");

    // The export, fed to users update, changes nothing: every attribute type reads back as
    // the org holds it.
    let out = env.run(&["export", "users", "-o", "users.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = env.run(&["users", "update", "users.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("users.update-results.csv"));
    assert_eq!(rows.len(), 2, "the org's admin and the user: {rows:?}");
    assert!(rows.iter().all(|r| r["status"] == "Unchanged"), "{rows:?}");
    assert_eq!(env.emulator.stats().writes, writes, "no write");
    // A full replace from the export too: nothing it lacks is held.
    let out = env
        .run(&[
            "users",
            "update",
            "users.csv",
            "--replace",
            "-o",
            "replaced.csv",
        ])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("replaced.csv"));
    assert!(rows.iter().all(|r| r["status"] == "Unchanged"), "{rows:?}");
    assert_eq!(env.emulator.stats().writes, writes, "no write");
}
