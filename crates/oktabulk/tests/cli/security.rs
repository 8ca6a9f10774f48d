//! What oktabulk guarantees an admin: nothing it writes replaces its input, its files are the
//! owner's alone, and the token goes to the org only.

use super::support::{code, results, seed_csv, stderr, Env};

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
    assert_eq!(env.emulator.user_count(), 0, "nothing was sent");
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
    assert_eq!(env.emulator.user_count(), 0, "nothing was sent");
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
        stderr(&out).contains("readable by other users"),
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
    assert!(
        !stderr(&out).contains("readable by other users"),
        "{}",
        stderr(&out)
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
