//! A run says only what is true now: a finished run's file runs anew, every writing command
//! previews what the run then does, `users update` sets passwords only when asked, and an
//! interrupted run lists every row.

use super::support::{client, code, results, seed_csv, stderr, Env};
use okta_model::UserStatus;
use serde_json::json;
use std::collections::BTreeMap;

/// `n` ACTIVE users `u0@example.com`... in department "Old".
async fn seeded(env: &Env, n: usize) {
    let users: Vec<_> = (0..n)
        .map(|i| {
            json!({"profile": {"login": format!("u{i}@example.com"), "email": format!("u{i}@example.com"),
                               "firstName": "U", "lastName": format!("N{i}"), "department": "Old"}})
        })
        .collect();
    env.seed(json!({"users": users, "groups": [{"name": "Team"}]}))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspend_unsuspend_suspend_ends_suspended() {
    let env = Env::start().await;
    seeded(&env, 1).await;
    env.write("s.csv", "login\nu0@example.com\n");
    for (command, status) in [
        ("suspend", UserStatus::Suspended),
        ("unsuspend", UserStatus::Active),
        ("suspend", UserStatus::Suspended),
    ] {
        let out = env.run(&["users", command, "s.csv"]).await;
        assert_eq!(code(&out), 0, "{command}: {}", stderr(&out));
        let user = client(&env)
            .users()
            .get("u0@example.com")
            .await
            .expect("the user");
        assert_eq!(user.status, status, "after {command}");
        let rows = results(&env.path(&format!("s.{command}-results.csv")));
        assert_eq!(rows[0]["status"], "Success", "{command}: {rows:?}");
        assert_eq!(rows[0]["earlierRun"], "", "this run's outcome");
    }
}

/// The plan's rows: line -> (action, result).
fn planned(stdout: &[u8]) -> BTreeMap<String, (String, String)> {
    String::from_utf8_lossy(stdout)
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            (
                cells[0].to_owned(),
                (cells[1].to_owned(), cells[2].to_owned()),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_writing_command_previews_what_its_run_then_does() {
    let env = Env::start().await;
    seeded(&env, 3).await;
    let mut import = seed_csv(2, "Team");
    import.push_str("u0@example.com,u0@example.com,U,N0,,Team\n");
    let files = [
        ("import.csv", import.as_str()),
        (
            "update.csv",
            "login,department\nu0@example.com,Sales\nu1@example.com,Old\n",
        ),
        (
            "groups.csv",
            "name,description\nTeam,\nNew team,Made here\n",
        ),
        (
            "add.csv",
            "group,user\nTeam,user00000@example.com\nTeam,u1@example.com\n",
        ),
        (
            "remove.csv",
            "group,user\nTeam,u1@example.com\nTeam,u2@example.com\n",
        ),
        ("two.csv", "login\nu0@example.com\nu1@example.com\n"),
        ("u0.csv", "login\nu0@example.com\nu2@example.com\n"),
        ("u2.csv", "login\nu2@example.com\n"),
        ("u1.csv", "login\nu1@example.com\n"),
        ("n1.csv", "login\nuser00001@example.com\n"),
    ];
    for (name, content) in files {
        env.write(name, content);
    }
    let runs: [&[&str]; 13] = [
        &["users", "import", "import.csv"],
        &["users", "update", "update.csv"],
        &["groups", "import", "groups.csv"],
        &["groups", "add-members", "add.csv"],
        &["groups", "remove-members", "remove.csv"],
        &["users", "suspend", "two.csv"],
        &["users", "unsuspend", "u0.csv"],
        &["users", "unlock", "u2.csv"],
        &["users", "expire-password", "u2.csv"],
        &["users", "deactivate", "u1.csv", "--yes"],
        &["users", "reactivate", "n1.csv"],
        &["users", "activate", "u1.csv"],
        &["users", "delete", "u1.csv", "--yes"],
    ];
    let mut sends = 0;
    for args in runs {
        let writes = env.emulator.stats().writes;
        let mut dry = args.to_vec();
        dry.push("--dry-run");
        let preview = env.run(&dry).await;
        assert_eq!(code(&preview), 0, "{args:?}: {}", stderr(&preview));
        assert_eq!(
            env.emulator.stats().writes,
            writes,
            "{args:?}: a dry run sends no write"
        );
        let plan = planned(&preview.stdout);
        let out = env.run(args).await;
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        let file = args[2].trim_end_matches(".csv");
        let results_name = match (args[0], args[1]) {
            ("users", "import") => format!("{file}.results.csv"),
            ("groups", "import") => format!("{file}.groups-import-results.csv"),
            (_, command) => format!("{file}.{command}-results.csv"),
        };
        let rows = results(&env.path(&results_name));
        assert_eq!(plan.len(), rows.len(), "{args:?}: a plan line per row");
        for row in &rows {
            let status = row
                .get("status")
                .or_else(|| row.get("userCreationStatus"))
                .expect("a status column");
            let (action, result) = &plan[&row["line"]];
            assert_eq!(action, &row["action"], "{args:?} line {}", row["line"]);
            let expected: &[&str] = match result.as_str() {
                "Planned" => &["Success", "Updated"],
                other => &[other],
            };
            assert!(
                expected.contains(&status.as_str()),
                "{args:?} line {}: planned {result}, ran {status}",
                row["line"]
            );
            sends += usize::from(result == "Planned");
        }
    }
    assert!(sends >= 13, "each command planned a write: {sends}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_update_sets_passwords_only_when_asked() {
    let env = Env::start().await;
    env.write("people.csv", seed_csv(2, ""));
    let created = env.run(&["users", "import", "people.csv"]).await;
    assert_eq!(code(&created), 0, "{}", stderr(&created));
    let c = client(&env);
    let before = c
        .users()
        .get("user00000@example.com")
        .await
        .expect("user")
        .password_changed;
    assert!(before.is_some(), "created with a password");

    // Last month's import file, given to update: profiles only.
    let out = env.run(&["users", "update", "people.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2 rows: 2 unchanged"),
        "{}",
        stderr(&out)
    );
    // Said once, not per row (the file has two), naming the column and the option.
    let err = stderr(&out);
    assert_eq!(
        err.matches("people.csv: note: column password ignored: users update sets no password or recovery question unless --set-passwords is given").count(),
        1,
        "{err}"
    );
    assert!(!err.contains("passwords set"), "{err}");
    let after = c.users().get("user00000@example.com").await.expect("user");
    assert_eq!(after.password_changed, before, "no password was set");

    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let preview = env
        .run(&[
            "users",
            "update",
            "people.csv",
            "--set-passwords",
            "--dry-run",
        ])
        .await;
    assert!(
        String::from_utf8_lossy(&preview.stdout).contains("passwords to set: 1"),
        "{}",
        String::from_utf8_lossy(&preview.stdout)
    );
    let out = env
        .run(&["users", "update", "people.csv", "--set-passwords"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("passwords set for 1"),
        "the row with a password cell: {}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("ignored"), "{}", stderr(&out));
    let set = c.users().get("user00000@example.com").await.expect("user");
    assert!(
        set.password_changed > before,
        "set: {:?} after {before:?}",
        set.password_changed
    );
}

/// A login may hold `/` (Okta accepts it); Okta cannot read such a user by `GET
/// /api/v1/users/{login}`, so every command that names users by login finds it by a filter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_with_a_slash_is_found_by_every_command() {
    let env = Env::start().await;
    env.seed(
        json!({"users": [{"profile": {"login": "ops/desk@example.com", "email": "desk@example.com",
                                           "firstName": "Ops", "lastName": "Desk"}}],
                    "groups": [{"name": "Ops"}]}),
    )
    .await;
    env.write("one.csv", "login\nops/desk@example.com\n");
    env.write("update.csv", "login,title\nops/desk@example.com,Desk\n");
    env.write("member.csv", "group,user\nOps,ops/desk@example.com\n");
    let runs: [&[&str]; 5] = [
        &["users", "update", "update.csv"],
        &["users", "suspend", "one.csv"],
        &["users", "unsuspend", "one.csv"],
        &["groups", "add-members", "member.csv"],
        &["groups", "remove-members", "member.csv"],
    ];
    for args in runs {
        env.emulator.clear_stats();
        let out = env.run(args).await;
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        // Okta (and the emulator) answer a GET by a login that holds `/` with 404; the run's
        // one GET of `/users/me` (its token's owner, for the report) is answered 200.
        let stats = env.emulator.stats();
        let by_key = stats.requests.get("/api/v1/users/{idOrLogin}");
        assert!(
            by_key.is_none_or(|answers| !answers.contains_key(&404)),
            "{args:?}: no GET by a login that holds /: {:?}",
            stats.requests
        );
    }
    let user = client(&env)
        .users()
        .find_by_login("ops/desk@example.com")
        .await
        .expect("lookup")
        .expect("the user");
    assert_eq!(user.profile.str("title"), Some("Desk"));
}

/// An activation without email answers the only way in for that user: it goes to the results
/// file, never to the terminal; with Okta's default (email sent) there is none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activation_links_reach_the_results_and_email_follows_oktas_default() {
    let env = Env::start().await;
    let staged = |login: &str| {
        json!({"profile": {"login": login, "email": login, "firstName": "S", "lastName": "T"},
               "status": "STAGED", "password": false})
    };
    env.seed(json!({"users": [staged("a@example.com"), staged("b@example.com")]}))
        .await;
    env.write("a.csv", "login\na@example.com\n");
    env.write("b.csv", "login\nb@example.com\n");

    let plan = env.run(&["users", "activate", "a.csv", "--dry-run"]).await;
    assert!(
        String::from_utf8_lossy(&plan.stdout)
            .contains("email: Okta emails each user the activation"),
        "Okta's default, said in the plan: {}",
        String::from_utf8_lossy(&plan.stdout)
    );
    let out = env.run(&["users", "activate", "a.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("a.activate-results.csv"));
    assert_eq!(rows[0]["status"], "Success");
    assert_eq!(rows[0]["activationUrl"], "", "the email carries it");

    let out = env
        .run(&["users", "activate", "b.csv", "--send-email", "false"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("b.activate-results.csv"));
    let (url, token) = (&rows[0]["activationUrl"], &rows[0]["activationToken"]);
    assert!(
        url.starts_with("http") && url.contains(token.as_str()),
        "{rows:?}"
    );
    assert!(!token.is_empty());
    assert!(
        !stderr(&out).contains(token.as_str()),
        "a secret never reaches the terminal"
    );
    let user = client(&env).users().get("b@example.com").await.expect("b");
    assert_eq!(user.status, UserStatus::Provisioned);
}

/// An import that meets existing users says which cannot sign in, and what fixes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_says_which_existing_users_cannot_sign_in() {
    let env = Env::start().await;
    let user = |login: &str, status: &str| {
        json!({"profile": {"login": login, "email": login, "firstName": "E", "lastName": "X"},
               "status": status})
    };
    env.seed(json!({"users": [user("gone@example.com", "DEPROVISIONED"),
                              user("paused@example.com", "SUSPENDED"),
                              user("fine@example.com", "ACTIVE")]}))
        .await;
    env.write(
        "i.csv",
        "login,email,firstName,lastName\ngone@example.com,gone@example.com,E,X\npaused@example.com,paused@example.com,E,X\nfine@example.com,fine@example.com,E,X\n",
    );
    let out = env.run(&["users", "import", "i.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("i.results.csv"));
    let found: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["userCreationStatus"].as_str(), r["userStatus"].as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("Exists", "DEPROVISIONED"),
            ("Exists", "SUSPENDED"),
            ("Exists", "ACTIVE")
        ]
    );
    let err = stderr(&out);
    assert!(
        err.contains("needs attention: 2 rows existed but cannot sign in")
            && err.contains("1 DEPROVISIONED: oktabulk users activate i.results.csv")
            && err.contains("1 SUSPENDED: oktabulk users unsuspend i.results.csv"),
        "{err}"
    );
    // The fix reads the results file as it is (the suspended user is the other command's:
    // Okta refuses to activate it).
    let fixed = env.run(&["users", "activate", "i.results.csv"]).await;
    assert_eq!(code(&fixed), 1, "{}", stderr(&fixed));
    let rows = results(&env.path("i.results.activate-results.csv"));
    let statuses: Vec<&str> = rows.iter().map(|r| r["status"].as_str()).collect();
    assert_eq!(statuses, ["Success", "Failed", "Unchanged"]);
    let gone = client(&env)
        .users()
        .get("gone@example.com")
        .await
        .expect("user");
    assert_ne!(gone.status, UserStatus::Deprovisioned);
}

/// One user named twice, by id and by login: refused before anything is sent, for every
/// command that names users; the same user in two groups is two memberships.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_user_named_by_id_and_by_login_is_refused_before_any_write() {
    let env = Env::start().await;
    seeded(&env, 2).await;
    let id = client(&env)
        .users()
        .get("u0@example.com")
        .await
        .expect("u0")
        .id
        .0;
    env.write(
        "leavers.csv",
        format!("id,login\n{id},\n,U0@Example.com\n,u1@example.com\n"),
    );
    env.write(
        "members.csv",
        format!("group,user\nTeam,{id}\nTeam,u0@example.com\n"),
    );
    env.write(
        "update.csv",
        format!("id,login,title\n{id},,A\n,u0@example.com,B\n"),
    );
    for args in [
        &["users", "delete", "leavers.csv", "--yes"][..],
        &[
            "users",
            "deactivate",
            "leavers.csv",
            "--yes",
            "--skip-invalid",
        ],
        &["groups", "add-members", "members.csv"],
        &["users", "update", "update.csv"],
    ] {
        let out = env.run(args).await;
        assert_eq!(code(&out), 4, "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("the same user as line 2") && stderr(&out).contains(":3:"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(env.emulator.stats().writes, 0, "{args:?}: nothing sent");
    }
    env.write(
        "two-groups.csv",
        format!("group,user\nTeam,{id}\nEveryone2,u0@example.com\n"),
    );
    env.seed(json!({"groups": [{"name": "Everyone2"}]})).await;
    let out = env.run(&["groups", "add-members", "two-groups.csv"]).await;
    assert_eq!(
        code(&out),
        0,
        "two groups, two memberships: {}",
        stderr(&out)
    );
}

/// The summary names the first failed rows with Okta's error, then how many more and where.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_summary_lists_the_failed_rows_up_to_a_cap() {
    let env = Env::start().await;
    let mut csv = String::from("login,email,firstName,lastName,password\n");
    for i in 0..12 {
        csv.push_str(&format!(
            "weak{i}@example.com,weak{i}@example.com,W,P,password\n"
        ));
    }
    env.write("weak.csv", csv);
    let out = env
        .run(&["users", "import", "weak.csv", "--report", "run.html"])
        .await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("failed: line 2 weak0@example.com: E0000001"),
        "{err}"
    );
    assert!(err.contains("line 11 weak9@example.com: E0000001"), "{err}");
    assert!(!err.contains("line 12 weak10"), "ten at most: {err}");
    assert!(err.contains("and 2 more in weak.results.csv"), "{err}");
    assert!(err.contains("next: fix the failed lines"), "{err}");
    assert!(err.contains("report: run.html"), "{err}");
}

/// `\;` is a `;` of a group's name wherever a group is named, as in the group lists of
/// `users import`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_semicolon_in_a_group_name_is_written_the_same_way_everywhere() {
    let env = Env::start().await;
    seeded(&env, 1).await;
    env.write("g.csv", "name,description\nR&D\\; Europe,Research\n");
    let out = env.run(&["groups", "import", "g.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let found = client(&env)
        .groups()
        .find_by_name("R&D; Europe")
        .await
        .expect("lookup");
    assert!(found.is_some(), "created as R&D; Europe");
    env.write("m.csv", "group,user\nR&D\\; Europe,u0@example.com\n");
    let out = env.run(&["groups", "add-members", "m.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        results(&env.path("m.add-members-results.csv"))[0]["status"],
        "Success"
    );
}
