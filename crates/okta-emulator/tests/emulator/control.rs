use super::support::{assert_error, assert_rate_limited, profile, Env};
use okta_emulator::{Bucket, FaultAction, FaultConfig, FaultRule, Seed};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn rule(method: &str, path: &str, action: FaultAction) -> FaultRule {
    FaultRule {
        method: Some(method.into()),
        path: path.into(),
        action,
        skip: 0,
        times: Some(1),
        probability: None,
    }
}

fn faults(rules: Vec<FaultRule>) -> FaultConfig {
    FaultConfig { seed: 7, rules }
}

#[tokio::test]
async fn reset_and_seed_over_http() {
    let env = Env::start().await;
    let seed = json!({"groups": [{"name": "Sales"}],
                      "users": [{"profile": {"login": "s@example.com", "email": "s@example.com", "firstName": "S", "lastName": "T"},
                                 "groups": ["Sales"], "status": "SUSPENDED"}]});
    let resp = env
        .http
        .post(env.url("/__emulator/seed"))
        .json(&seed)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    let report: Value = resp.json().await.expect("json");
    let uid = report["users"]["s@example.com"].as_str().expect("id");
    let user: Value = env.get_json(&format!("/api/v1/users/{uid}")).await;
    assert_eq!(user["status"], "SUSPENDED");
    let resp = env
        .http
        .post(env.url("/__emulator/seed"))
        .json(&json!({"bogus": 1}))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 400, "unknown seed fields are refused");

    let resp = env
        .http
        .post(env.url("/__emulator/reset"))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 204);
    assert_eq!(env.users_added(), 0);
    let groups: Vec<Value> = env.get_json("/api/v1/groups").await;
    assert_eq!(groups.len(), 1, "only Everyone is left");
}

#[tokio::test]
async fn injected_status_has_okta_body_and_is_not_applied() {
    let env = Env::start().await;
    env.emulator.set_faults(faults(vec![
        rule("POST", "/api/v1/users", FaultAction::Status { status: 503 }),
        rule("POST", "/api/v1/users", FaultAction::Status { status: 429 }),
    ]));
    let resp = env
        .post("/api/v1/users", &profile("f@example.com"))
        .send()
        .await
        .expect("sent");
    assert_error(resp, 503, "E0000010", "Service is in read only mode", &[]).await;
    let resp = env
        .post("/api/v1/users", &profile("f@example.com"))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.headers()["x-rate-limit-remaining"], "0");
    assert_rate_limited(resp).await;
    assert_eq!(env.users_added(), 0);
    env.create_user("", &profile("f@example.com")).await;
    assert_eq!(env.emulator.stats().faults_fired, 2);
}

#[tokio::test]
async fn latency_is_added() {
    let env = Env::start().await;
    let mut latency = rule("GET", "/api/v1/users/*", FaultAction::Latency { ms: 300 });
    latency.times = None;
    env.emulator.set_faults(faults(vec![latency]));
    let started = Instant::now();
    let resp = env.fetch("/api/v1/users/nobody").await;
    assert_eq!(resp.status(), 404);
    assert!(started.elapsed() >= Duration::from_millis(300));
    env.fetch("/api/v1/users").await;
    assert_eq!(
        env.emulator.stats().faults_fired,
        1,
        "other paths are not delayed"
    );
}

#[tokio::test]
async fn dropped_connections_before_and_after_applying() {
    let env = Env::start().await;
    env.emulator.set_faults(faults(vec![rule(
        "POST",
        "/api/v1/users",
        FaultAction::DropBefore,
    )]));
    let err = env
        .post("/api/v1/users", &profile("b@example.com"))
        .send()
        .await;
    assert!(err.is_err(), "no answer: {err:?}");
    assert_eq!(env.users_added(), 0, "dropped before: not created");

    env.emulator.set_faults(faults(vec![rule(
        "POST",
        "/api/v1/users",
        FaultAction::DropAfter,
    )]));
    let err = env
        .post("/api/v1/users", &profile("a@example.com"))
        .send()
        .await;
    assert!(err.is_err(), "no answer: {err:?}");
    assert_eq!(env.users_added(), 1, "dropped after: created");
    let resp = env.fetch("/api/v1/users/a%40example.com").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        env.emulator.stats().count(Bucket::Users, 0),
        2,
        "drops counted as status 0"
    );
}

#[tokio::test]
async fn skip_times_and_seeded_probability() {
    let env = Env::start().await;
    let mut counted = rule("GET", "/api/v1/groups", FaultAction::Status { status: 500 });
    counted.skip = 2;
    counted.times = Some(3);
    env.emulator.set_faults(faults(vec![counted]));
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(env.fetch("/api/v1/groups").await.status().as_u16());
    }
    assert_eq!(statuses, vec![200, 200, 500, 500, 500, 200, 200]);

    let mut random = rule("GET", "/api/v1/groups", FaultAction::Status { status: 502 });
    random.times = None;
    random.probability = Some(0.5);
    let mut runs = Vec::new();
    for _ in 0..2 {
        env.emulator.set_faults(faults(vec![random.clone()]));
        let mut hits = Vec::new();
        for _ in 0..40 {
            hits.push(env.fetch("/api/v1/groups").await.status() == 502);
        }
        runs.push(hits);
    }
    assert_eq!(runs[0], runs[1], "same seed, same faults");
    let n = runs[0].iter().filter(|h| **h).count();
    assert!((8..=32).contains(&n), "{n} of 40 at p=0.5");
}

#[tokio::test]
async fn stats_count_by_bucket_and_status() {
    let env = Env::start().await;
    env.create_user("", &profile("s@example.com")).await;
    env.fetch("/api/v1/users/nobody").await;
    env.fetch("/api/v1/groups").await;
    let stats: Value = env
        .http
        .get(env.url("/__emulator/stats"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(stats["requests"]["/api/v1/users"]["200"], 1);
    assert_eq!(stats["requests"]["/api/v1/users/{idOrLogin}"]["404"], 1);
    assert_eq!(stats["requests"]["/api/v1/groups"]["200"], 1);
    assert_eq!(stats["total"], 3);
    assert_eq!(stats["maxInFlight"], 1);
    let seeded = env.emulator.seed(Seed::default()).await;
    assert!(seeded.is_ok());
    assert_eq!(
        env.emulator.stats().total,
        3,
        "control-plane calls are not counted"
    );
}
