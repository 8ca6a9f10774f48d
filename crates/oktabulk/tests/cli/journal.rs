//! The journal as a file on disk: a damaged row heals by a lookup, a damaged file is refused
//! with the way out, a link planted where its lock goes is refused, and old runs are listed and
//! pruned.

use super::support::{code, results, seed_csv, stderr, Env};
use okta_emulator::{FaultAction, FaultConfig, FaultRule};

/// The journal files of `command` in the test's data directory (not put-aside ones).
fn journals(env: &Env, command: &str) -> Vec<std::path::PathBuf> {
    let dir = env.path("oktabulk-home").join("journals");
    let mut found: Vec<_> = std::fs::read_dir(&dir)
        .expect("journal dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| {
                n.starts_with(&format!("{command}-"))
                    && n.ends_with(".db")
                    && n.matches('.').count() == 1
            })
        })
        .collect();
    found.sort();
    found
}

fn one_journal(env: &Env) -> std::path::PathBuf {
    let mut found = journals(env, "import");
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

/// An import whose last row's creates all fail 500: the run ends unfinished (that row is sent
/// again by the next run), with the other rows done.
async fn unfinished_import(env: &Env) {
    env.emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![FaultRule {
            method: Some("POST".into()),
            path: "/api/v1/users".into(),
            action: FaultAction::Status { status: 500 },
            skip: 3,
            times: None,
            probability: None,
        }],
    });
    env.write("j.csv", seed_csv(4, ""));
    let out = env
        .run(&["users", "import", "j.csv", "--concurrency", "1"])
        .await;
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    env.emulator.clear_faults();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_row_is_settled_by_a_lookup_not_failed() {
    let env = Env::start().await;
    unfinished_import(&env).await;
    let journal = one_journal(&env);
    {
        let db = rusqlite::Connection::open(&journal).expect("journal opens");
        let changed = db
            .execute(
                "UPDATE rows SET result = CAST(X'FFFE7B22' AS TEXT) WHERE seq = 0",
                [],
            )
            .expect("damaged");
        assert_eq!(changed, 1);
    }
    let out = env.run(&["users", "import", "j.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = results(&env.path("j.results.csv"));
    assert_eq!(
        rows[0]["userCreationStatus"], "Success",
        "the damaged row's user, created after its send, found by a lookup: {rows:?}"
    );
    assert_eq!(rows[0]["earlierRun"], "", "this run settled it");
    assert_eq!(env.emulator.user_count(), 4, "nobody created twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_journal_file_is_refused_with_the_way_out() {
    let env = Env::start().await;
    unfinished_import(&env).await;
    let journal = one_journal(&env);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", journal.display()));
    }
    std::fs::write(
        &journal,
        b"this is not a database, it was overwritten by something else",
    )
    .expect("damaged");
    let out = env.run(&["users", "import", "j.csv"]).await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is damaged") && stderr(&out).contains("--restart"),
        "{}",
        stderr(&out)
    );
    let restarted = env.run(&["users", "import", "j.csv", "--restart"]).await;
    assert_eq!(code(&restarted), 0, "{}", stderr(&restarted));
    assert_eq!(env.emulator.user_count(), 4);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_where_the_lock_goes_is_refused_not_written_through() {
    let env = Env::start().await;
    unfinished_import(&env).await;
    let journal = one_journal(&env);
    let lock = std::path::PathBuf::from(format!("{}.lock", journal.display()));
    let victim = env.write("victim.txt", "keep me\n");
    std::fs::remove_file(&lock).expect("lock removed");
    std::os::unix::fs::symlink(&victim, &lock).expect("link planted");
    let out = env.run(&["users", "import", "j.csv"]).await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("is a link"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "keep me\n",
        "nothing written through the link"
    );
}
