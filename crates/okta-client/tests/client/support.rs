use okta_client::{Client, Credentials, Secret};
use okta_emulator::{EmulatorConfig, EmulatorHandle, RateLimitConfig};
use okta_model::{CreateUserRequest, UserProfile};
use serde_json::json;

pub const TOKEN: &str = "client-test-token";

/// The users of a new emulator org: the owner of its API tokens, as on a real org.
pub const NEW_ORG_USERS: usize = 1;

pub async fn emulator(limits: RateLimitConfig) -> EmulatorHandle {
    emulator_with_tokens(limits, &[TOKEN]).await
}

/// An emulator that accepts each of `tokens`.
pub async fn emulator_with_tokens(limits: RateLimitConfig, tokens: &[&str]) -> EmulatorHandle {
    let mut config = EmulatorConfig::new(TOKEN).rate_limits(limits);
    config.tokens = tokens.iter().map(|t| (*t).to_owned()).collect();
    config.start().await.expect("emulator starts")
}

/// Workforce limits with the users bucket at `users` per window of `window_ms`.
pub fn users_limit(users: u32, window_ms: u64) -> RateLimitConfig {
    let mut config = RateLimitConfig::workforce();
    config.window_ms = window_ms;
    if let Some(l) = config.limits.as_mut() {
        l.users = users;
    }
    config
}

pub fn client(emulator: &EmulatorHandle, max_capacity: u32, in_flight: usize) -> Client {
    client_with_token(emulator, TOKEN, max_capacity, in_flight)
}

pub fn client_with_token(
    emulator: &EmulatorHandle,
    token: &str,
    max_capacity: u32,
    in_flight: usize,
) -> Client {
    Client::builder(
        emulator.base_url(),
        Credentials::ApiToken(Secret::new(token)),
    )
    .expect("valid config")
    .max_capacity_percent(max_capacity)
    .max_in_flight(in_flight)
    .build()
    .expect("client builds")
}

pub fn new_user(i: usize) -> CreateUserRequest {
    let login = format!("person{i:05}@example.com");
    let profile: UserProfile = serde_json::from_value(json!({
        "login": login, "email": login, "firstName": "Person", "lastName": format!("N{i}")
    }))
    .expect("profile");
    CreateUserRequest {
        profile,
        ..Default::default()
    }
}

/// Creates users `0..n` through `client` from `workers` concurrent tasks; results in order.
pub async fn create_all(
    client: &Client,
    n: usize,
    workers: usize,
) -> Vec<Result<okta_client::CreatedUser, okta_client::Error>> {
    create_range(client, 0..n, workers).await
}

/// Creates the users numbered in `range`; results in order.
pub async fn create_range(
    client: &Client,
    range: std::ops::Range<usize>,
    workers: usize,
) -> Vec<Result<okta_client::CreatedUser, okta_client::Error>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let n = range.end;
    let next = Arc::new(AtomicUsize::new(range.start));
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let (client, next) = (client.clone(), Arc::clone(&next));
            tokio::spawn(async move {
                let mut done = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        return done;
                    }
                    let result = client
                        .users()
                        .create(&new_user(i), okta_client::CreateUserOptions::default())
                        .await;
                    done.push((i, result));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("worker"));
    }
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// Asserts that every create succeeded and made its user, and that the org has each once.
pub async fn assert_each_created_once(
    emulator: &EmulatorHandle,
    results: &[Result<okta_client::CreatedUser, okta_client::Error>],
) {
    for (i, r) in results.iter().enumerate() {
        match r {
            Ok(created) => {
                assert_eq!(created.creation, okta_client::Creation::Created, "user {i}");
                assert_eq!(
                    created.user.profile.login(),
                    new_user(i).profile.login(),
                    "user {i}"
                );
            }
            Err(e) => panic!("user {i} failed: {e}"),
        }
    }
    assert_eq!(
        emulator.user_count(),
        NEW_ORG_USERS + results.len(),
        "each user exactly once"
    );
}
