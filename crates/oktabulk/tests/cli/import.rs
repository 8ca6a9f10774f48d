use super::support::{client, code, results, seed_csv, stderr, Env};
use futures_util::TryStreamExt;
use serde_json::json;

const SEED_COLUMNS: [&str; 7] = [
    "id",
    "firstName",
    "lastName",
    "login",
    "userCreationStatus",
    "groupAssignment",
    "ErrorMessage",
];

async fn with_group(env: &Env) -> String {
    let report = env
        .seed(json!({"groups": [{"name": "Engineering"}],
                     "users": [{"profile": {"login": "taken@example.com", "email": "taken@example.com",
                                            "firstName": "Taken", "lastName": "Already"}}]}))
        .await;
    report.groups["Engineering"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_classic_file_gives_the_classic_columns_with_truthful_statuses() {
    let env = Env::start().await;
    let group = with_group(&env).await;
    let mut csv = seed_csv(4, &group);
    csv.push_str(&format!(
        "taken@example.com,taken@example.com,Taken,Again,,{group}\n"
    ));
    csv.push_str(&format!(
        "weak@example.com,weak@example.com,Weak,Password,password,{group}\n"
    ));
    csv.push_str("nogroup@example.com,nogroup@example.com,No,Group,,\n");
    let input = env.write("users.csv", csv);
    let out = env.run(&["users", "import", "users.csv"]).await;
    assert_eq!(code(&out), 1, "one row fails: {}", stderr(&out));
    let path = input.with_file_name("users.results.csv");
    let header: Vec<String> = csv::Reader::from_path(&path)
        .expect("results")
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(&header[..7], SEED_COLUMNS, "the classic columns come first");
    assert_eq!(
        &header[7..],
        [
            "line",
            "action",
            "errorCode",
            "errorCauses",
            "requestId",
            "earlierRun",
            "userStatus",
            "activationUrl",
            "activationToken"
        ]
    );
    let rows = results(&path);
    assert_eq!(rows.len(), 7, "one row per input row");
    let lines: Vec<&str> = rows.iter().map(|r| r["line"].as_str()).collect();
    assert_eq!(lines, ["2", "3", "4", "5", "6", "7", "8"], "in input order");
    for r in &rows[..4] {
        assert_eq!(r["userCreationStatus"], "Success");
        assert_eq!(r["groupAssignment"], "Success");
        assert!(r["id"].starts_with("00u"));
        assert!(r["requestId"].starts_with("req"));
    }
    assert_eq!(rows[4]["userCreationStatus"], "Exists");
    assert_eq!(
        rows[4]["groupAssignment"], "Success",
        "an existing user still gets its group"
    );
    assert_eq!(rows[5]["userCreationStatus"], "Failed");
    assert_eq!(rows[5]["errorCode"], "E0000001");
    assert!(
        rows[5]["ErrorMessage"].contains("Password requirements were not met"),
        "Okta's own error, not a lookup's 404"
    );
    assert!(rows[5]["requestId"].starts_with("req"));
    assert_eq!(rows[6]["userCreationStatus"], "Success");
    assert_eq!(
        rows[6]["groupAssignment"], "",
        "no group, empty as in the classic script"
    );
    let members: Vec<okta_model::User> = client(&env)
        .groups()
        .members(&group.as_str().into(), None)
        .try_collect()
        .await
        .expect("members");
    assert_eq!(members.len(), 5, "four new users and the existing one");
    let user = client(&env)
        .users()
        .get("user00000@example.com")
        .await
        .expect("created");
    assert_eq!(
        user.status,
        okta_model::UserStatus::Active,
        "with a password: ACTIVE"
    );
    let user = client(&env)
        .users()
        .get("user00001@example.com")
        .await
        .expect("created");
    assert_eq!(
        user.status,
        okta_model::UserStatus::Provisioned,
        "without: PROVISIONED"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staged_next_login_jsonl_and_stdout() {
    let env = Env::start().await;
    env.write(
        "a.csv",
        "login,email,firstName,lastName\nst@example.com,st@example.com,S,T\n",
    );
    let out = env
        .run(&["users", "import", "a.csv", "--staged", "--format", "jsonl"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let jsonl = std::fs::read_to_string(env.path("a.results.jsonl")).expect("jsonl");
    let row: serde_json::Value = serde_json::from_str(jsonl.trim()).expect("one JSON row");
    assert_eq!(row["userCreationStatus"], "Success");
    let user = client(&env)
        .users()
        .get("st@example.com")
        .await
        .expect("created");
    assert_eq!(user.status, okta_model::UserStatus::Staged);

    env.write("b.csv", "login,email,firstName,lastName,password\nnl@example.com,nl@example.com,N,L,Correct-Horse-42\n");
    let out = env
        .run(&[
            "users",
            "import",
            "b.csv",
            "--next-login",
            "change-password",
            "-o",
            "-",
        ])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("id,firstName,lastName,login,"),
        "{stdout}"
    );
    let user = client(&env)
        .users()
        .get("nl@example.com")
        .await
        .expect("created");
    assert_eq!(user.status, okta_model::UserStatus::PasswordExpired);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_exists_update_and_fail() {
    let env = Env::start().await;
    with_group(&env).await;
    env.write("u.csv", "login,email,firstName,lastName,title\ntaken@example.com,taken@example.com,Taken,Renamed,Boss\n");
    let out = env
        .run(&["users", "import", "u.csv", "--on-exists", "update"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("u.results.csv"));
    assert_eq!(rows[0]["userCreationStatus"], "Updated");
    assert_eq!(rows[0]["action"], "update");
    let user = client(&env)
        .users()
        .get("taken@example.com")
        .await
        .expect("exists");
    assert_eq!(user.profile.str("title"), Some("Boss"));
    assert_eq!(user.profile.str("lastName"), Some("Renamed"));

    let out = env
        .run(&[
            "users",
            "import",
            "u.csv",
            "--on-exists",
            "fail",
            "--restart",
        ])
        .await;
    assert_eq!(code(&out), 1);
    let rows = results(&env.path("u.results.csv"));
    assert_eq!(rows[0]["userCreationStatus"], "Failed");
    assert_eq!(
        rows[0]["errorCode"], "E0000001",
        "Okta's duplicate-login error"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_by_name_many_groups_and_missing_groups_created() {
    let env = Env::start().await;
    let groups: Vec<_> = (0..24)
        .map(|i| json!({"name": format!("team-{i:02}")}))
        .collect();
    env.seed(json!({"groups": groups})).await;
    let names: Vec<String> = (0..24).map(|i| format!("team-{i:02}")).collect();
    let csv = format!(
        "login,email,firstName,lastName,groups\nmany@example.com,many@example.com,M,G,{};brand-new\n",
        names.join(";")
    );
    env.write("g.csv", csv);
    let out = env.run(&["users", "import", "g.csv"]).await;
    assert_eq!(
        code(&out),
        4,
        "a missing group stops the run: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("no group named \"brand-new\""),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.emulator.stats().writes, 0);

    let out = env
        .run(&["users", "import", "g.csv", "--create-missing-groups"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let user = client(&env)
        .users()
        .get("many@example.com")
        .await
        .expect("created");
    let groups = client(&env).users().groups(&user.id).await.expect("groups");
    assert_eq!(groups.len(), 26, "Everyone, 24 teams and the new group");
    let rows = results(&env.path("g.results.csv"));
    assert_eq!(rows[0]["groupAssignment"], "Success");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_invalid_sends_the_valid_rows_and_reports_the_others() {
    let env = Env::start().await;
    env.write(
        "s.csv",
        "login,email,firstName,lastName\ngood@example.com,good@example.com,G,O\nbad,bad,B,A\ngood2@example.com,good2@example.com,G,T\n",
    );
    let out = env.run(&["users", "import", "s.csv"]).await;
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert_eq!(env.users_added(), 0, "nothing was sent");
    let out = env
        .run(&["users", "import", "s.csv", "--skip-invalid"])
        .await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = results(&env.path("s.results.csv"));
    let statuses: Vec<&str> = rows
        .iter()
        .map(|r| r["userCreationStatus"].as_str())
        .collect();
    assert_eq!(statuses, ["Success", "Failed", "Success"]);
    assert!(
        rows[1]["ErrorMessage"].contains("email"),
        "{}",
        rows[1]["ErrorMessage"]
    );
    assert_eq!(env.users_added(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_of_a_finished_import_reports_the_org_as_it_is_now() {
    let env = Env::start().await;
    env.write("r.csv", seed_csv(20, ""));
    let first = env.run(&["users", "import", "r.csv"]).await;
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert_eq!(env.users_added(), 20);
    let again = env.run(&["users", "import", "r.csv"]).await;
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    // The note is wrapped to 80 columns: read as one line of words.
    let err = stderr(&again)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        err.contains("this command ran over this file before and finished at 20")
            && err.contains("(20 created)")
            && err.contains("this is a new run"),
        "the earlier run is named, with its date, before anything is sent: {err}"
    );
    assert!(err.contains("20 rows: 20 existed"), "{err}");
    let rows = results(&env.path("r.results.csv"));
    assert_eq!(rows.len(), 20);
    assert!(
        rows.iter()
            .all(|r| r["userCreationStatus"] == "Exists" && r["earlierRun"].is_empty()),
        "what this run found, not the earlier run's outcomes: {rows:?}"
    );
    assert_eq!(env.users_added(), 20, "nobody created twice");
    // The earlier run's journal is kept, and `oktabulk report` still draws it.
    let kept = err
        .split("oktabulk report ")
        .nth(1)
        .and_then(|rest| rest.split(" -o").next())
        .expect("the note names the earlier run's journal");
    let report = env.run(&["report", kept, "-o", "earlier.html"]).await;
    assert_eq!(code(&report), 0, "{}", stderr(&report));
    let page = std::fs::read_to_string(env.path("earlier.html")).expect("page");
    assert!(page.contains("Success"), "the earlier run's outcome");

    // The users deleted since (as after a sandbox reset): the rerun creates them again.
    let deleted = env.run(&["users", "delete", "r.csv", "--yes"]).await;
    assert_eq!(code(&deleted), 0, "{}", stderr(&deleted));
    assert_eq!(env.users_added(), 0);
    let emptied = env.run(&["users", "import", "r.csv"]).await;
    assert_eq!(code(&emptied), 0, "{}", stderr(&emptied));
    assert!(
        stderr(&emptied).contains("20 rows: 20 created"),
        "{}",
        stderr(&emptied)
    );
    assert_eq!(env.users_added(), 20, "created again, truthfully");
    env.write("r.csv", seed_csv(21, ""));
    let changed = env.run(&["users", "import", "r.csv"]).await;
    assert_eq!(
        code(&changed),
        0,
        "a finished run's file may change: a new job"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdin_semicolons_and_ignored_columns() {
    let env = Env::start().await;
    let mut child = env
        .command()
        .args([
            "users",
            "import",
            "-",
            "--delimiter",
            ";",
            "--ignore-unknown-columns",
            "-o",
            "stdin.results.csv",
        ])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    use tokio::io::AsyncWriteExt;
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(b"login;email;firstName;lastName;favouriteColour\nin@example.com;in@example.com;In;Put;blue\n")
        .await
        .expect("written");
    drop(stdin);
    let out = child.wait_with_output().await.expect("finished");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("stdin.results.csv"));
    assert_eq!(rows[0]["userCreationStatus"], "Success");
    let user = client(&env)
        .users()
        .get("in@example.com")
        .await
        .expect("created");
    assert!(
        user.profile.str("favouriteColour").is_none(),
        "the unknown column was ignored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_are_never_written_to_the_journal_or_the_results() {
    let env = Env::start().await;
    let secret = "Unguessable-Passw0rd-77";
    env.write(
        "p.csv",
        format!("login,email,firstName,lastName,password,recoveryQuestion,recoveryAnswer\npw@example.com,pw@example.com,P,W,{secret},Pet?,Rex-the-dog-answer\n"),
    );
    let out = env.run(&["users", "import", "p.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut files = vec![env.path("p.results.csv")];
    let journals = env.path("oktabulk-home").join("journals");
    for entry in std::fs::read_dir(&journals).expect("journal dir") {
        files.push(entry.expect("entry").path());
    }
    assert!(files.len() > 1, "a journal was written");
    for file in files {
        let bytes = std::fs::read(&file).expect("readable");
        for needle in [secret, "Rex-the-dog-answer"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} found in {}",
                file.display()
            );
        }
    }
}
