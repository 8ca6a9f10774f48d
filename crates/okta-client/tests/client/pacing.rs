//! Pacing from the headers, checked by counts the emulator keeps (never by wall-clock time):
//! no 429, the busiest window at the client's share, a per-token cap learned from the 429s of
//! two windows, and a second client sharing the bucket.

use super::support::{
    assert_each_created_once, client, client_with_token, create_all, emulator,
    emulator_with_tokens, users_limit, NEW_ORG_USERS,
};
use okta_emulator::Bucket;

/// 400 creates at 100 per 2-s window through a client at `max_capacity`; answers the busiest
/// window of the users bucket. The windows are long beside what one window asks (50 requests a
/// second), so that a busy machine still fills each share: the counts, not the speed, are
/// checked. This test needs the whole bucket for one token.
async fn busiest_window(max_capacity: u32) -> u32 {
    let emulator = emulator(users_limit(100, 2000).whole_buckets()).await;
    let client = client(&emulator, max_capacity, 10);
    let results = create_all(&client, 400, 20).await;
    assert_each_created_once(&emulator, &results).await;
    let stats = emulator.stats();
    assert_eq!(
        stats.all_429s(),
        0,
        "pacing kept every request under the limit: {stats:?}"
    );
    assert_eq!(stats.count(Bucket::Users, 200), 400);
    stats.busiest_window[Bucket::Users.name()]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paces_to_the_headers_with_no_429_within_the_share_of_each_window() {
    let full = busiest_window(100).await;
    assert_eq!(full, 100, "at 100 % a window's whole share is used");
    let half = busiest_window(50).await;
    assert!(
        (45..=50).contains(&half),
        "at 50 % at most half a window, and nearly all of it: {half}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_per_token_cap_is_learned_from_the_first_429s() {
    // Okta's default: one token may use half of each bucket. The client is told it may use
    // all of it, and must learn otherwise.
    let emulator = emulator(users_limit(200, 1000)).await;
    let client = client(&emulator, 100, 8);
    let results = create_all(&client, 1000, 8).await;
    assert_each_created_once(&emulator, &results).await;
    let stats = emulator.stats();
    eprintln!(
        "per-token cap: {} 429s, busiest window {}",
        stats.rate_limited,
        stats.busiest_window[Bucket::Users.name()]
    );
    assert!(stats.rate_limited > 0, "the cap was hit: {stats:?}");
    assert!(
        stats.rate_limited <= 2 * (8 + 2),
        "only the requests in flight when the cap was hit, in the two windows that confirm it: {stats:?}"
    );
    assert!(stats.busiest_window[Bucket::Users.name()] <= 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_share_a_bucket_without_429() {
    let emulator = emulator_with_tokens(users_limit(200, 1000), &["token-a", "token-b"]).await;
    let a = client_with_token(&emulator, "token-a", 50, 8);
    let b = client_with_token(&emulator, "token-b", 50, 8);
    let (first, second) = tokio::join!(
        create_all(&a, 600, 8),
        super::support::create_range(&b, 600..1200, 8)
    );
    assert!(first.iter().chain(&second).all(Result::is_ok));
    assert_eq!(emulator.user_count(), NEW_ORG_USERS + 1200);
    let stats = emulator.stats();
    assert_eq!(stats.all_429s(), 0, "{stats:?}");
    assert!(stats.busiest_window[Bucket::Users.name()] <= 200);
}
