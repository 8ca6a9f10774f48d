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
    assert_eq!(env.users_added(), 4, "nobody created twice");
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
    assert_eq!(env.users_added(), 4);
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

/// Sets a journal's (and its WAL's) last write `days` ago.
fn age(journal: &std::path::Path, days: u64) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86_400);
    for file in [
        journal.to_path_buf(),
        std::path::PathBuf::from(format!("{}-wal", journal.display())),
    ] {
        if let Ok(f) = std::fs::File::options().write(true).open(&file) {
            f.set_modified(past).expect("mtime set");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_journals_are_listed_and_pruned_but_never_an_unfinished_one_silently() {
    let env = Env::start().await;
    unfinished_import(&env).await;
    let unfinished = one_journal(&env);
    env.write(
        "done.csv",
        "login,email,firstName,lastName\nd@example.com,d@example.com,D,One\n",
    );
    let out = env.run(&["users", "import", "done.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let all = journals(&env, "import");
    assert_eq!(all.len(), 2);
    let finished = all
        .iter()
        .find(|p| **p != unfinished)
        .expect("finished")
        .clone();
    for j in &all {
        age(j, 40);
    }

    let listed = env.run(&["journal", "list"]).await;
    assert_eq!(code(&listed), 0, "{}", stderr(&listed));
    let text = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.starts_with("ended (UTC)           state       "),
        "a header first: {text}"
    );
    // The finished run's line says when it ended (its journal's time is 40 days ago).
    let line = text
        .lines()
        .find(|l| l.contains(" finished "))
        .expect("the finished run");
    let ended = chrono::DateTime::parse_from_rfc3339(&line[..20]).expect("a time first");
    let ago = chrono::Utc::now().signed_duration_since(ended);
    assert!(ago < chrono::TimeDelta::hours(1), "{line}");
    assert!(
        text.contains("unfinished")
            && text.contains("4/4, 1 to settle")
            && text.contains("import j.csv"),
        "{text}"
    );
    assert!(text.contains("finished") && text.contains("1/1"), "{text}");

    let pruned = env.run(&["journal", "prune"]).await;
    assert_eq!(code(&pruned), 0, "{}", stderr(&pruned));
    assert!(!finished.exists(), "a finished run 40 days old is pruned");
    assert!(
        unfinished.exists(),
        "an unfinished run is never pruned silently"
    );
    let forced = env.run(&["journal", "prune", "--force"]).await;
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert!(!unfinished.exists(), "--force prunes it");

    // Each bulk run prunes finished runs past their keeping time first.
    let out = env.run(&["users", "import", "done.csv"]).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let [kept] = &journals(&env, "import")[..] else {
        panic!("one journal")
    };
    age(kept, 31);
    env.write("other.csv", "login\nd@example.com\n");
    let out = env
        .run(&["users", "deactivate", "other.csv", "--yes"])
        .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!kept.exists(), "pruned by the next run: older than 30 days");
}

/// A mapping file is part of what a run is: the same file mapped by an edited mapping is
/// another run (its own journal), never the resume of the run before the edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_mapping_file_is_another_run() {
    let env = Env::start().await;
    env.write(
        "hr.csv",
        "Mail,Vorname,Nachname\nada@example.com,Ada,Lovelace\n",
    );
    let mapping = |case: &str| {
        format!(
            "[columns]\nMail = \"login\"\nVorname = \"firstName\"\nNachname = \"lastName\"\n\n[templates]\nemail = \"{{Mail}}\"\nnickName = \"{{Vorname|{case}}}\"\n"
        )
    };
    env.write("hr.toml", mapping("upper"));
    let run = || env.run(&["users", "import", "hr.csv", "--map", "hr.toml", "-q"]);
    let out = run().await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(journals(&env, "import").len(), 1);
    // The same mapping again: the same run's journal (the finished one put aside).
    let out = run().await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(journals(&env, "import").len(), 1);
    env.write("hr.toml", mapping("lower"));
    let out = run().await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        journals(&env, "import").len(),
        2,
        "the edited mapping runs under a journal of its own"
    );
}
