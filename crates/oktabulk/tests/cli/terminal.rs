//! What an admin sees in a terminal: output cut short by its reader (`| head`) ends quietly
//! with exit 0 and never a panic, and what fits in 80 columns does.

use super::support::{code, seed_csv, stderr, Env};

/// Both ends of a pipe whose reader has already gone: every write to it fails (EPIPE), as
/// when `head` has read all it wanted.
fn closed_pipe() -> (std::io::PipeWriter, std::io::PipeWriter) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let other = writer.try_clone().expect("second writer");
    (writer, other)
}

/// `oktabulk ARGS 2>&1 | head -0`: its exit code.
async fn both_cut(env: &Env, args: &[&str]) -> i32 {
    let (out, err) = closed_pipe();
    let status = env
        .command()
        .args(args)
        .stdout(out)
        .stderr(err)
        .status()
        .await
        .expect("oktabulk runs");
    status.code().expect("exited, not killed")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_cut_short_by_its_reader_ends_quietly_with_exit_0() {
    let env = Env::start().await;
    env.write("users.csv", seed_csv(3, ""));
    let imported = env.run(&["users", "import", "users.csv", "-q"]).await;
    assert_eq!(code(&imported), 0, "{}", stderr(&imported));
    let commands: [&[&str]; 8] = [
        &["man"],
        &["completions", "bash"],
        &["users", "import", "--help"],
        &["export", "users"],
        &["export", "groups"],
        &["journal", "list"],
        &["doctor"],
        &["sandbox", "status"],
    ];
    for args in commands {
        assert_eq!(
            both_cut(&env, args).await,
            0,
            "oktabulk {args:?} 2>&1 | head"
        );
        // Standard output alone cut short: nothing is said about it, on standard error either.
        let (out, _) = closed_pipe();
        let only_out = env
            .command()
            .args(args)
            .stdout(out)
            .output()
            .await
            .expect("oktabulk runs");
        assert_eq!(code(&only_out), 0, "oktabulk {args:?} | head");
        assert!(
            !stderr(&only_out).contains("panicked") && !stderr(&only_out).contains("Broken pipe"),
            "oktabulk {args:?} | head: {}",
            stderr(&only_out)
        );
    }
}

/// A run whose messages nobody reads still runs whole, and its exit code is the run's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_with_its_messages_cut_short_still_runs_whole() {
    let env = Env::start().await;
    env.write("users.csv", seed_csv(20, ""));
    assert_eq!(both_cut(&env, &["users", "import", "users.csv"]).await, 0);
    assert_eq!(env.users_added(), 20);
    let rows = super::support::results(&env.path("users.results.csv"));
    assert_eq!(rows.len(), 20);
    // A file with problems: refused, and said so by the exit code alone.
    env.write("bad.csv", "login,email,firstName,lastName\nnope,nope,A,B\n");
    assert_eq!(both_cut(&env, &["validate", "bad.csv"]).await, 4);
}

fn too_wide(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.chars().count() > 80).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_fits_in_80_columns() {
    let env = Env::start().await;
    for args in [
        &["users", "import", "--help"][..],
        &["users", "update", "--help"],
        &["groups", "sync", "--help"],
        &["--help"],
    ] {
        let out = env
            .command()
            .env("COLUMNS", "200")
            .args(args)
            .output()
            .await;
        let out = out.expect("oktabulk runs");
        assert_eq!(code(&out), 0);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            too_wide(&help).is_empty(),
            "{args:?}: {:#?}",
            too_wide(&help)
        );
    }
    let out = env.run(&["users", "import", "--help"]).await;
    insta::assert_snapshot!("users_import_help", String::from_utf8_lossy(&out.stdout));
}
