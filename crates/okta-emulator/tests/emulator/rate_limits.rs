use super::support::{assert_rate_limited, Env};
use okta_emulator::{Bucket, FaultAction, FaultConfig, FaultRule, RateLimitConfig};
use serde_json::Value;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Workforce limits with the users bucket at `users`; one token may use all of each bucket
/// (these tests are about the bucket itself).
fn limits(users: u32, window_ms: u64, concurrency: Option<u32>) -> RateLimitConfig {
    let mut config = RateLimitConfig::workforce().whole_buckets();
    config.window_ms = window_ms;
    config.concurrency = concurrency;
    if let Some(l) = config.limits.as_mut() {
        l.users = users;
    }
    config
}

fn header(resp: &reqwest::Response, name: &str) -> u64 {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name}"))
}

#[tokio::test]
async fn workforce_defaults_per_bucket() {
    let env = Env::with_limits(RateLimitConfig::workforce()).await;
    let cases = [
        ("/api/v1/users", 600),
        ("/api/v1/users/x", 2000),
        ("/api/v1/groups", 500),
        ("/api/v1/groups/x", 1000),
        ("/api/v1/meta/schemas/user/default", 1200),
    ];
    for (path, limit) in cases {
        let resp = env.fetch(path).await;
        assert_eq!(header(&resp, "x-rate-limit-limit"), limit, "{path}");
        assert_eq!(header(&resp, "x-rate-limit-remaining"), limit - 1, "{path}");
    }
}

#[tokio::test]
async fn a_token_gets_half_of_each_bucket_unless_told_otherwise() {
    let mut config = limits(4, 60_000, None);
    config.principal_share = 50;
    let env = Env::with_limits(config).await;
    for remaining in [3, 2] {
        let resp = env.fetch("/api/v1/users").await;
        assert_eq!(resp.status(), 200);
        assert_eq!(header(&resp, "x-rate-limit-remaining"), remaining);
    }
    let resp = env.fetch("/api/v1/users").await;
    assert_eq!(header(&resp, "x-rate-limit-limit"), 4, "the org's bucket");
    assert_eq!(header(&resp, "x-rate-limit-remaining"), 0);
    assert_rate_limited(resp).await;
    // the control plane gives this token the whole bucket (and starts new windows)
    let mut wider = env
        .http
        .get(env.url("/__emulator/rate-limits"))
        .send()
        .await
        .expect("sent")
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(wider["principalShare"], 50);
    wider["principalShares"] = serde_json::json!({ super::support::TOKEN: 100 });
    let put = env
        .http
        .put(env.url("/__emulator/rate-limits"))
        .json(&wider)
        .send()
        .await
        .expect("sent");
    assert_eq!(put.status(), 204);
    let resp = env.fetch("/api/v1/users").await;
    assert_eq!(resp.status(), 200, "the whole bucket now");
    let stats = env.emulator.stats();
    assert_eq!(stats.rate_limited, 1);
    assert_eq!(
        stats.busiest_window[Bucket::Users.name()],
        1,
        "a new window"
    );
}

#[tokio::test]
async fn over_the_limit_answers_429_with_reset_until_the_window_ends() {
    let env = Env::with_limits(limits(3, 1000, None)).await;
    let mut resets = Vec::new();
    for expected_remaining in [2, 1, 0] {
        let resp = env.fetch("/api/v1/users").await;
        assert_eq!(resp.status(), 200);
        assert_eq!(header(&resp, "x-rate-limit-remaining"), expected_remaining);
        resets.push(header(&resp, "x-rate-limit-reset"));
    }
    let resp = env.fetch("/api/v1/users").await;
    assert_eq!(header(&resp, "x-rate-limit-limit"), 3);
    assert_eq!(header(&resp, "x-rate-limit-remaining"), 0);
    let reset = header(&resp, "x-rate-limit-reset");
    assert!(
        resets.iter().all(|r| *r == reset),
        "one window: {resets:?} {reset}"
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    assert!(reset >= now && reset <= now + 2, "reset {reset} now {now}");
    assert!(resp.headers().get("date").is_some());
    assert_rate_limited(resp).await;
    let other = env.fetch("/api/v1/groups").await;
    assert_eq!(other.status(), 200, "other buckets are unaffected");

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let resp = env.fetch("/api/v1/users").await;
    assert_eq!(
        resp.status(),
        200,
        "a new window starts with the next request"
    );
    assert_eq!(header(&resp, "x-rate-limit-remaining"), 2);
    let stats = env.emulator.stats();
    assert_eq!(stats.rate_limited, 1);
    assert_eq!(stats.count(Bucket::Users, 429), 1);
    assert_eq!(stats.count(Bucket::Users, 200), 4);
}

#[tokio::test]
async fn window_starts_at_first_request() {
    // A 10-second window: one aligned to the wall clock would reset anywhere in the next ten
    // seconds; one opened by the first request resets ten seconds after that request's second.
    let env = Env::with_limits(limits(2, 10_000, None)).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let resp = env.fetch("/api/v1/users").await;
    let after = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let reset = header(&resp, "x-rate-limit-reset");
    assert!(
        (before + 10..=after + 10).contains(&reset),
        "reset {reset} for a window opened between {before} and {after}"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let later = env.fetch("/api/v1/users").await;
    assert_eq!(
        header(&later, "x-rate-limit-reset"),
        reset,
        "the same window"
    );
    assert_eq!(header(&later, "x-rate-limit-remaining"), 0);
}

#[tokio::test]
async fn concurrency_limit_answers_429_with_zero_limit() {
    let env = Env::with_limits(limits(10_000, 60_000, Some(2))).await;
    env.emulator.set_faults(FaultConfig {
        seed: 0,
        rules: vec![FaultRule {
            method: Some("GET".into()),
            path: "/api/v1/users".into(),
            action: FaultAction::Latency { ms: 400 },
            skip: 0,
            times: None,
            probability: None,
        }],
    });
    let requests = (0..6).map(|_| env.get("/api/v1/users").send());
    let responses = futures_join_all(requests).await;
    let mut concurrency_429 = 0;
    for resp in responses {
        let resp = resp.expect("sent");
        if resp.status() == 429 {
            assert_eq!(header(&resp, "x-rate-limit-limit"), 0);
            assert_eq!(header(&resp, "x-rate-limit-remaining"), 0);
            let body: Value = resp.json().await.expect("json");
            assert_eq!(body["errorCode"], "E0000047");
            concurrency_429 += 1;
        } else {
            assert_eq!(resp.status(), 200);
        }
    }
    assert_eq!(concurrency_429, 4, "two fit, four are refused");
    let stats = env.emulator.stats();
    assert_eq!(stats.concurrency_limited, 4);
    assert_eq!(stats.max_in_flight, 2);
}

/// Runs the requests at once, each on its own task, and waits for all.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}
