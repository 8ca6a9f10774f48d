use super::support::{
    assert_each_created_once, client, create_all, emulator, new_user, users_limit, NEW_ORG_USERS,
};
use okta_client::{CreateUserOptions, Creation};
use okta_emulator::{FaultAction, FaultConfig, FaultRule, RateLimitConfig};

fn rule(action: FaultAction, times: Option<u32>, probability: Option<f64>) -> FaultRule {
    FaultRule {
        method: Some("POST".into()),
        path: "/api/v1/users".into(),
        action,
        skip: 5,
        times,
        probability,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bursts_of_429_and_5xx_and_dropped_connections_end_with_every_user_once() {
    let emulator = emulator(users_limit(5000, 1000)).await;
    emulator.set_faults(FaultConfig {
        seed: 42,
        rules: vec![
            rule(FaultAction::Status { status: 429 }, Some(8), None),
            rule(FaultAction::Status { status: 503 }, Some(10), Some(0.2)),
            rule(FaultAction::Status { status: 502 }, Some(5), Some(0.1)),
            rule(FaultAction::Status { status: 504 }, Some(5), Some(0.1)),
            rule(FaultAction::DropBefore, Some(10), Some(0.05)),
            rule(FaultAction::DropAfter, Some(10), Some(0.05)),
        ],
    });
    let client = client(&emulator, 100, 10);
    let mut results = create_all(&client, 400, 10).await;
    let stats = emulator.stats();
    // A create whose every round ended unanswered gives up, unsettled: never a final failure.
    // oktabulk sends such a row again on its next run; so does this test, with the faults gone.
    emulator.clear_faults();
    for (i, result) in results.iter_mut().enumerate() {
        if let Err(e) = result {
            assert!(
                e.is_transient(),
                "user {i}: a final failure from transient faults: {e}"
            );
            *result = client
                .users()
                .create(&new_user(i), CreateUserOptions::default())
                .await;
        }
    }
    assert_each_created_once(&emulator, &results).await;
    assert!(stats.faults_fired >= 20, "the faults did fire: {stats:?}");
    let reconciled = results
        .iter()
        .filter(|r| r.as_ref().is_ok_and(|c| c.reconciled))
        .count();
    assert!(
        reconciled > 0,
        "some outcomes were unknown and settled by lookup"
    );
    assert!(stats.retries_seen > 0);
    assert_eq!(
        stats.retries_seen, stats.retries_with_origin,
        "every retry names the request it retries"
    );
}

#[tokio::test]
async fn a_create_applied_but_unanswered_is_reported_created_not_duplicate() {
    let emulator = emulator(RateLimitConfig::off()).await;
    let client = client(&emulator, 100, 4);
    let mut drop_after = rule(FaultAction::DropAfter, Some(1), None);
    drop_after.skip = 0;
    emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![drop_after],
    });
    let created = client
        .users()
        .create(&new_user(1), CreateUserOptions::default())
        .await
        .expect("settled");
    assert_eq!(created.creation, Creation::Created);
    assert!(created.reconciled);
    assert_eq!(emulator.user_count(), NEW_ORG_USERS + 1);

    let mut drop_before = rule(FaultAction::DropBefore, Some(1), None);
    drop_before.skip = 0;
    emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![drop_before],
    });
    let created = client
        .users()
        .create(&new_user(2), CreateUserOptions::default())
        .await
        .expect("sent again");
    assert_eq!(created.creation, Creation::Created);
    assert!(created.reconciled, "looked up, not found, then created");
    assert_eq!(emulator.user_count(), NEW_ORG_USERS + 2);

    // Older than the clock estimate's error (under a second plus latency).
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let mut gateway = rule(FaultAction::DropAfter, Some(1), None);
    gateway.skip = 0;
    emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![gateway],
    });
    let existing = client
        .users()
        .create(&new_user(1), CreateUserOptions::default())
        .await
        .expect("settled");
    assert_eq!(
        existing.creation,
        Creation::AlreadyExisted,
        "an older user with that login was not made by this call"
    );

    let plain_duplicate = client
        .users()
        .create(&new_user(2), CreateUserOptions::default())
        .await
        .expect_err("duplicate");
    assert!(plain_duplicate.is_duplicate_login(), "{plain_duplicate}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrency_429_lowers_requests_in_flight() {
    let mut limits = RateLimitConfig::off();
    limits.concurrency = Some(3);
    let emulator = emulator(limits).await;
    let mut slow = rule(FaultAction::Latency { ms: 50 }, None, None);
    slow.skip = 0;
    emulator.set_faults(FaultConfig {
        seed: 3,
        rules: vec![slow],
    });
    let client = client(&emulator, 100, 10);
    let results = create_all(&client, 120, 12).await;
    assert_each_created_once(&emulator, &results).await;
    let stats = emulator.stats();
    assert!(stats.concurrency_limited > 0, "{stats:?}");
    assert!(
        client.in_flight_limit() < 10,
        "in flight lowered to {}",
        client.in_flight_limit()
    );
}
