use super::support::{assert_each_created_once, client, create_all, emulator, users_limit};
use okta_emulator::Bucket;
use std::time::{Duration, Instant};

async fn timed_run(max_capacity: u32) -> Duration {
    let emulator = emulator(users_limit(500, 1000)).await;
    let client = client(&emulator, max_capacity, 10);
    let started = Instant::now();
    let results = create_all(&client, 3000, 20).await;
    let elapsed = started.elapsed();
    assert_each_created_once(&emulator, &results).await;
    let stats = emulator.stats();
    assert_eq!(
        stats.all_429s(),
        0,
        "pacing kept every request under the limit: {stats:?}"
    );
    assert_eq!(stats.count(Bucket::Users, 200), 3000);
    elapsed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paces_to_the_headers_with_no_429_and_max_capacity_halves_the_rate() {
    let full = timed_run(100).await;
    let half = timed_run(50).await;
    eprintln!("3000 creates at 500 per 1 s window: {full:?} at 100 %, {half:?} at 50 %");
    assert!(
        full >= Duration::from_millis(4500) && full <= Duration::from_millis(8500),
        "about six windows: {full:?}"
    );
    let ratio = half.as_secs_f64() / full.as_secs_f64();
    assert!(
        (1.6..=2.6).contains(&ratio),
        "about twice as long: {ratio:.2}"
    );
}
