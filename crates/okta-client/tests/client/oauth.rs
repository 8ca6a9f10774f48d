use super::support::{emulator, new_user};
use okta_client::{Client, CreateUserOptions, Credentials, SigningKey};
use okta_emulator::{Bucket, RateLimitConfig, Seed};
use serde_json::json;
use std::time::Duration;

/// An emulator with one service app that holds `key` and may have the users and groups scopes.
async fn with_app(key: &SigningKey, ttl: u64) -> okta_emulator::EmulatorHandle {
    let emulator = emulator(RateLimitConfig::off()).await;
    let seed: Seed = serde_json::from_value(json!({"oauthClients": [{
        "clientId": "0oaServiceApp", "jwks": [key.public_jwk()],
        "scopes": ["okta.users.manage", "okta.groups.manage"], "tokenTtlSeconds": ttl
    }]}))
    .expect("seed");
    emulator.seed(seed).await.expect("seeded");
    emulator
}

fn oauth_client(
    emulator: &okta_emulator::EmulatorHandle,
    key: SigningKey,
    scopes: &[&str],
) -> Client {
    let credentials = Credentials::ServiceApp {
        client_id: "0oaServiceApp".into(),
        key: Box::new(key),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
    };
    Client::builder(emulator.base_url(), credentials)
        .expect("config")
        .build()
        .expect("client")
}

#[tokio::test]
async fn es256_jwk_token_is_renewed_before_it_expires() {
    let jwk = include_str!("../fixtures/test-ec-key.jwk.json");
    let key = SigningKey::parse(jwk).expect("private JWK");
    assert_eq!(key.algorithm(), "ES256");
    assert_eq!(key.key_id.as_deref(), Some("test-ec-1"));
    let emulator = with_app(&key, 2).await;
    let client = oauth_client(&emulator, key, &["okta.users.manage"]);
    for i in 0..10 {
        client
            .users()
            .create(&new_user(i), CreateUserOptions::default())
            .await
            .expect("every call succeeds");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let stats = emulator.stats();
    assert_eq!(
        stats.count(Bucket::Users, 401),
        0,
        "no call failed for an expired token: {stats:?}"
    );
    assert_eq!(stats.count(Bucket::Users, 200), 10);
    let token_requests = stats.count(Bucket::Other, 200);
    assert!(
        (3..=6).contains(&token_requests),
        "renewed every ~1.8 s over 5 s: {token_requests}"
    );
}

#[tokio::test]
async fn rs256_key_from_pem_and_missing_scope_is_okta_403() {
    let pem = include_str!("../fixtures/test-rsa-key.pem");
    let key = SigningKey::parse(pem).expect("rsa pkcs8");
    assert_eq!(key.algorithm(), "RS256");
    let emulator = with_app(&key, 3600).await;
    let reader = oauth_client(
        &emulator,
        SigningKey::parse(pem).expect("key"),
        &["okta.users.manage"],
    );
    let missing = reader
        .users()
        .get("nobody@example.com")
        .await
        .expect_err("404");
    assert_eq!(missing.status(), Some(404), "the token works for users");
    let groups_denied = reader
        .groups()
        .get(&"00gwhatever".into())
        .await
        .expect_err("no groups scope");
    assert_eq!(groups_denied.status(), Some(403));
    assert_eq!(groups_denied.error_code(), Some("E0000006"));

    let greedy = oauth_client(
        &emulator,
        SigningKey::parse(pem).expect("key"),
        &["okta.apps.manage"],
    );
    let refused = greedy
        .users()
        .get("x")
        .await
        .expect_err("scope not granted");
    assert!(refused.to_string().contains("invalid_scope"), "{refused}");
}

#[tokio::test]
async fn a_key_the_app_does_not_have_is_refused() {
    let generate =
        || SigningKey::parse(&SigningKey::generate_es256_pem().expect("pem")).expect("key");
    let emulator = with_app(&generate(), 3600).await;
    let stranger = oauth_client(&emulator, generate(), &["okta.users.manage"]);
    let err = stranger.users().get("x").await.expect_err("bad signature");
    assert!(err.to_string().contains("invalid_client"), "{err}");
}
