use super::support::{client, create_all, emulator};
use okta_client::{LoginLookup, MAX_TERMS};
use okta_emulator::RateLimitConfig;
use std::sync::Arc;

/// The calls `emulator` counted in the users bucket (`GET|POST /api/v1/users`).
fn users_bucket_calls(emulator: &okta_emulator::EmulatorHandle) -> u64 {
    emulator
        .stats()
        .requests
        .get("/api/v1/users")
        .map_or(0, |by_status| by_status.values().sum())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_asked_at_once_are_found_by_few_filter_queries() {
    let emulator = emulator(RateLimitConfig::workforce()).await;
    let c = client(&emulator, 100, 75);
    assert!(create_all(&c, 30, 8).await.iter().all(Result::is_ok));
    emulator.clear_stats();
    let lookup = LoginLookup::new(c.clone());
    let asked = 500;
    let tasks: Vec<_> = (0..asked)
        .map(|i| {
            let lookup = Arc::clone(&lookup);
            // Every other existing login in another case: Okta's logins ignore case.
            let login = if i % 2 == 0 {
                format!("person{i:05}@example.com")
            } else {
                format!("PERSON{i:05}@Example.com")
            };
            tokio::spawn(async move { (i, lookup.find(&login).await) })
        })
        .collect();
    for task in tasks {
        let (i, found) = task.await.expect("task");
        let found = found.expect("lookup answers");
        assert_eq!(found.is_some(), i < 30, "login {i}");
        if let Some(user) = found {
            let login = user.profile.login().expect("login");
            assert!(login.eq_ignore_ascii_case(&format!("person{i:05}@example.com")));
        }
    }
    let stats = lookup.stats();
    assert_eq!(stats.logins, asked as u64);
    assert_eq!(stats.single, 0);
    let calls = users_bucket_calls(&emulator);
    assert_eq!(calls, stats.batches, "one call per batch");
    assert!(
        calls >= (asked as u64).div_ceil(MAX_TERMS as u64) && calls * 20 <= asked as u64,
        "{calls} calls for {asked} logins"
    );
    assert_eq!(
        emulator
            .stats()
            .requests
            .get("/api/v1/users/{idOrLogin}")
            .map_or(0, |s| s.values().sum::<u64>()),
        0,
        "no login was read on its own"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_a_filter_reads_otherwise_are_read_one_by_one() {
    let emulator = emulator(RateLimitConfig::off()).await;
    let c = client(&emulator, 100, 8);
    assert!(create_all(&c, 2, 2).await.iter().all(Result::is_ok));
    let lookup = LoginLookup::new(c.clone());
    // A short name: GET finds the user by it, a filter on the login would not.
    let by_short_name = lookup.find("person00001").await.expect("answers");
    assert!(by_short_name.is_some());
    assert_eq!(lookup.stats().single, 1);
    let with_quote = lookup.find(r#"odd"quote@example.com"#).await;
    assert!(with_quote.expect("a quote is escaped").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_org_is_listed_once_and_answers_every_lookup() {
    let emulator = emulator(RateLimitConfig::workforce()).await;
    let c = client(&emulator, 100, 8);
    assert!(create_all(&c, 5, 5).await.iter().all(Result::is_ok));
    let lookup = LoginLookup::new(c.clone());
    assert!(lookup.list_org(10).await.expect("lists"));
    emulator.clear_stats();
    for i in 0..20 {
        let found = lookup
            .find(&format!("person{i:05}@example.com"))
            .await
            .expect("answers");
        assert_eq!(found.is_some(), i < 5);
    }
    assert_eq!(emulator.stats().total, 0, "answered from the list");
    let big = LoginLookup::new(c.clone());
    assert!(
        !big.list_org(0).await.expect("reads"),
        "an org longer than the pages allowed is not listed"
    );
}
