//! What oktabulk guarantees an admin: nothing it writes replaces its input, its files are the
//! owner's alone, the token goes to the org only, and no cell it writes runs in a spreadsheet.

use super::support::{code, results, seed_csv, stderr, Env, TOKEN};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_results_path_naming_the_input_is_refused_and_the_input_kept() {
    let env = Env::start().await;
    let csv = seed_csv(3, "");
    let input = env.write("x.csv", &csv);
    for output in ["x.csv", "./x.csv"] {
        let out = env.run(&["users", "import", "x.csv", "-o", output]).await;
        assert_eq!(code(&out), 2, "{output}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is the input file"),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            std::fs::read_to_string(&input).expect("input"),
            csv,
            "{output}"
        );
    }
    assert_eq!(env.users_added(), 0, "nothing was sent");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_default_results_path_linked_to_the_input_is_refused() {
    let env = Env::start().await;
    let csv = seed_csv(3, "");
    let input = env.write("x.csv", &csv);
    let results_path = env.path("x.results.csv");
    std::os::unix::fs::symlink(&input, &results_path).expect("symlink");
    let out = env.run(&["users", "import", "x.csv"]).await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    std::fs::remove_file(&results_path).expect("unlink");
    std::fs::hard_link(&input, &results_path).expect("hard link");
    let out = env.run(&["users", "import", "x.csv"]).await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&input).expect("input"), csv);
    assert_eq!(env.users_added(), 0, "nothing was sent");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_results_link_to_another_file_is_replaced_not_written_through() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::start().await;
    env.write("x.csv", seed_csv(2, ""));
    let other = env.write("precious.txt", "keep me");
    let results_path = env.path("x.results.csv");
    std::os::unix::fs::symlink(&other, &results_path).expect("symlink");
    let out = env.run(&["users", "import", "x.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&other).expect("other"), "keep me");
    let meta = std::fs::symlink_metadata(&results_path).expect("results");
    assert!(
        meta.file_type().is_file(),
        "the link was replaced by the file"
    );
    assert_eq!(meta.permissions().mode() & 0o777, 0o600, "owner only");
    let journals = env.path("oktabulk-home").join("journals");
    let dir_mode = std::fs::metadata(&journals)
        .expect("journals")
        .permissions()
        .mode();
    assert_eq!(
        dir_mode & 0o777,
        0o700,
        "the journal directory is the owner's"
    );
    for entry in std::fs::read_dir(&journals)
        .expect("journals")
        .filter_map(Result::ok)
    {
        let mode = entry.metadata().expect("meta").permissions().mode() & 0o777;
        assert_eq!(
            mode & 0o077,
            0,
            "{:?} is the owner's: {mode:o}",
            entry.file_name()
        );
    }
    assert_eq!(results(&results_path).len(), 2);
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary file left: {leftovers:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_url_with_userinfo_or_a_fragment_is_refused_before_any_request() {
    let env = Env::start().await;
    env.write("x.csv", seed_csv(1, ""));
    let host = env
        .emulator
        .base_url()
        .trim_start_matches("http://")
        .to_owned();
    for url in [
        format!("http://127.0.0.1@{host}"),
        format!("http://{host}/#x"),
    ] {
        let out = env
            .command()
            .env("OKTA_CLIENT_ORGURL", &url)
            .args(["users", "import", "x.csv"])
            .output()
            .await
            .expect("runs");
        assert_eq!(code(&out), 2, "{url}: {}", stderr(&out));
    }
    assert_eq!(env.emulator.stats().total, 0, "no request reached the org");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_token_file_warns_and_a_pasted_scheme_is_accepted() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::start().await;
    env.write("x.csv", seed_csv(1, ""));
    let token = env.write("token", format!("SSWS {}\n", super::support::TOKEN));
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = env
        .command()
        .env_remove("OKTA_CLIENT_TOKEN")
        .args(["users", "import", "x.csv", "--token-file", "token"])
        .output()
        .await
        .expect("runs");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("holds a secret and is readable or writable by other users"),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains(super::support::TOKEN),
        "the token is never printed"
    );
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = env
        .command()
        .env_remove("OKTA_CLIENT_TOKEN")
        .args(["doctor", "--token-file", "token"])
        .output()
        .await
        .expect("runs");
    assert!(!stderr(&out).contains("by other users"), "{}", stderr(&out));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_okta_yaml_others_can_read_or_change_warns_like_a_token_file() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::start().await;
    let url = env.emulator.base_url().to_owned();
    std::fs::create_dir_all(env.path("home/.okta")).expect("~/.okta");
    let user_yaml = env.path("home/.okta/okta.yaml");
    let with_token = format!("okta:\n  client:\n    orgUrl: {url}\n    token: {TOKEN}\n");
    // (mode, what the file holds, warned about its secret, warned that others can change it)
    let cases = [
        (0o644, with_token.clone(), true, false),
        (0o620, with_token.clone(), true, true),
        (0o600, with_token.clone(), false, false),
        (
            0o646,
            format!("okta:\n  client:\n    orgUrl: {url}\n"),
            false,
            true,
        ),
        (
            0o640,
            format!("okta:\n  client:\n    orgUrl: {url}\n"),
            false,
            false,
        ),
    ];
    for (mode, text, secret, changeable) in cases {
        std::fs::write(&user_yaml, &text).expect("okta.yaml");
        std::fs::set_permissions(&user_yaml, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let mut command = env.command();
        command.env_remove("OKTA_CLIENT_ORGURL");
        if !text.contains("token") {
            command.env("OKTA_CLIENT_TOKEN", TOKEN);
        } else {
            command.env_remove("OKTA_CLIENT_TOKEN");
        }
        let out = command
            .args(["export", "groups", "-o", "groups.csv"])
            .output()
            .await
            .expect("runs");
        let err = stderr(&out);
        assert_eq!(code(&out), 0, "{mode:o}: {err}");
        assert_eq!(
            err.contains("okta.yaml holds a secret and is readable or writable by other users"),
            secret,
            "{mode:o}: {err}"
        );
        assert_eq!(
            err.contains("okta.yaml can be changed by other users") && err.contains("orgUrl"),
            changeable,
            "{mode:o}: {err}"
        );
        assert!(!err.contains(TOKEN), "the token is never printed");
    }
    // The project's own ./okta.yaml is checked the same way.
    std::fs::remove_file(&user_yaml).expect("removed");
    let project_yaml = env.write("okta.yaml", &with_token);
    std::fs::set_permissions(&project_yaml, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    let out = env
        .command()
        .env_remove("OKTA_CLIENT_TOKEN")
        .env_remove("OKTA_CLIENT_ORGURL")
        .args(["export", "groups", "-o", "groups.csv"])
        .output()
        .await
        .expect("runs");
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(
        err.contains("holds a secret") && err.contains("can be changed"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_key_file_is_a_configuration_error() {
    let env = Env::start().await;
    env.write("x.csv", seed_csv(1, ""));
    let out = env
        .run(&[
            "users",
            "import",
            "x.csv",
            "--client-id",
            "0oa1",
            "--private-key-file",
            "missing.pem",
        ])
        .await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("missing.pem"), "{}", stderr(&out));
}

/// What a spreadsheet runs when a cell starts with it (oktabulk's own list, kept here on
/// purpose as the test's oracle).
const RUNS: [char; 10] = [
    '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// Every cell of a CSV file, header included.
fn every_cell(path: &std::path::Path) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .expect("csv");
    reader
        .records()
        .flat_map(|r| {
            r.expect("record")
                .iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_never_run_as_formulas_and_an_export_updates_nothing() {
    let env = Env::start().await;
    let hostile = [
        ("firstName", "=Ann"),
        ("lastName", "+cmd|' /C calc'!A0"),
        ("department", "-x"),
        ("title", "@x"),
        ("nickName", "'quoted"),
        ("division", "'=already marked"),
        ("costCenter", "\u{FF1D}1+1"),
        ("organization", "\u{FF0B}cmd|' /C calc'!A0"),
    ];
    let mut profile = json!({"login": "-lead@example.com", "email": "-lead@example.com"});
    for (name, value) in hostile {
        profile[name] = json!(value);
    }
    env.seed(json!({
        "users": [{"profile": profile}],
        "groups": [{"name": "-team", "description": "+desc"}]
    }))
    .await;

    let out = env.run(&["export", "users", "-o", "users.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = env.run(&["export", "groups", "-o", "groups.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for file in ["users.csv", "groups.csv"] {
        let cells = every_cell(&env.path(file));
        assert!(
            cells.iter().all(|c| !c.starts_with(RUNS)),
            "{file}: a cell a spreadsheet would run: {cells:?}"
        );
        assert!(cells.len() > 4, "{file}: {cells:?}");
    }
    let users = std::fs::read_to_string(env.path("users.csv")).expect("export");
    for (_, value) in hostile {
        assert!(
            every_cell(&env.path("users.csv")).contains(&format!("'{value}")),
            "{value:?} marked once: {users}"
        );
    }
    let groups = every_cell(&env.path("groups.csv"));
    assert!(groups.contains(&"'+desc".to_owned()) && groups.contains(&"'-team".to_owned()));

    // The export is an update file that changes nothing: every value reads back as the org
    // holds it, without the marks.
    let writes = env.emulator.stats().writes;
    let out = env.run(&["users", "update", "users.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("users.update-results.csv"));
    assert_eq!(
        rows.len(),
        2,
        "the org's admin and the seeded user: {rows:?}"
    );
    assert!(rows.iter().all(|r| r["status"] == "Unchanged"), "{rows:?}");
    assert_eq!(env.emulator.stats().writes, writes, "nothing was sent");
    assert!(
        rows.iter().any(|r| r["login"] == "'-lead@example.com"),
        "marked in the results too: {rows:?}"
    );
    let results_cells = every_cell(&env.path("users.update-results.csv"));
    assert!(results_cells.iter().all(|c| !c.starts_with(RUNS)));

    // The groups export is a groups import file that changes nothing either.
    let out = env
        .run(&["groups", "import", "groups.csv", "--on-exists", "update"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("groups.groups-import-results.csv"));
    assert!(rows.iter().all(|r| r["status"] == "Unchanged"), "{rows:?}");
    assert_eq!(env.emulator.stats().writes, writes, "nothing was sent");

    // The same file with a value changed behind the mark: the value, not the mark, is sent;
    // the bare formula is still refused before any write.
    let changed = users.replace("'=Ann", "'=Bob");
    env.write("changed.csv", &changed);
    let out = env.run(&["users", "update", "changed.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let bare = users.replace("'=Ann", "=Bob");
    env.write("bare.csv", &bare);
    let out = env.run(&["users", "update", "bare.csv"]).await;
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("spreadsheet formula"),
        "{}",
        stderr(&out)
    );
    let user = okta_client::Client::builder(
        env.emulator.base_url(),
        okta_client::Credentials::ApiToken(okta_client::Secret::new(TOKEN)),
    )
    .expect("config")
    .build()
    .expect("client")
    .users()
    .get("-lead@example.com")
    .await
    .expect("the user");
    assert_eq!(user.profile.str("firstName"), Some("=Bob"));
    for (name, value) in &hostile[1..] {
        assert_eq!(user.profile.str(name), Some(*value), "{name} kept");
    }
}

/// The sealed temporary file of checked rows is gone when the command ends: after a run, and
/// after a preflight that refuses the file (the thread keeping the rows could outlive the
/// process and leave the file behind).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_sealed_rows_are_left_in_the_temporary_directory() {
    let env = Env::start().await;
    let tmp = env.path("tmp");
    std::fs::create_dir_all(&tmp).expect("tmp");
    let mut refused = seed_csv(20_000, "");
    refused.push_str("not-a-login,,x,y,,\n");
    env.write("refused.csv", refused);
    env.write("fine.csv", seed_csv(300, ""));
    for (file, expected) in [("refused.csv", 4), ("fine.csv", 0), ("refused.csv", 4)] {
        let out = env
            .command()
            .env("TMPDIR", &tmp)
            .args(["users", "import", file, "-q"])
            .output()
            .await
            .expect("oktabulk runs");
        assert_eq!(code(&out), expected, "{file}: {}", stderr(&out));
        let left: Vec<_> = std::fs::read_dir(&tmp)
            .expect("tmp")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert!(left.is_empty(), "{file} left {left:?}");
    }
}
