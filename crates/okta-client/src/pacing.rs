//! Pacing: a model of Okta's rate-limit buckets learned from the `X-Rate-Limit-*` headers that
//! spaces requests so that this client never uses more than its share of a bucket before the
//! bucket's reset. The arithmetic is pure (`BucketPace`, `ServerClock`) and the async `Pacer`
//! only sleeps where the model says so.

use okta_model::rate_limit::Bucket;
use okta_model::RateLimitHeaders;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How far the server's clock is ahead of ours, learned from `Date` headers. `Date` has whole
/// seconds, so each sample is a lower bound of the true offset; the largest sample is the best.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerClock {
    offset_ms: Option<i64>,
}

impl ServerClock {
    pub fn observe(&mut self, server_date: SystemTime, received: SystemTime) {
        let sample = epoch_ms(server_date) - epoch_ms(received);
        self.offset_ms = Some(self.offset_ms.map_or(sample, |o| o.max(sample)));
    }

    /// The local time at which the server's clock shows `epoch_secs`.
    pub fn local_time_of(&self, epoch_secs: u64) -> SystemTime {
        let ms = (epoch_secs as i64) * 1000 - self.offset_ms.unwrap_or(0);
        UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
    }

    /// The server's clock now, by our best estimate (never later than the truth).
    pub fn server_now(&self, local: SystemTime) -> SystemTime {
        let ms = epoch_ms(local) + self.offset_ms.unwrap_or(0);
        UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
    }
}

fn epoch_ms(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(e) => -(e.duration().as_millis() as i64),
    }
}

/// What the pacer says about sending one more request in a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Go {
    Now,
    /// Wait this long, then ask again.
    Wait(Duration),
}

/// One bucket as this client knows it. Times are local `Instant`s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketPace {
    pub limit: u32,
    /// The lowest `remaining` seen in the current window.
    pub remaining: u32,
    /// When the current window ends.
    pub reset: Instant,
    /// The reset as the server reported it, to tell windows apart.
    pub reset_epoch: u64,
    /// Requests sent in this bucket and not yet answered.
    pub in_flight: u32,
    /// When the last request in this bucket was sent.
    pub last_sent: Option<Instant>,
    /// Lowered by 429s the headers did not predict (another client, a per-token share).
    pub share: f64,
}

/// A small margin after the reset before the first request of the new window, for the clocks.
pub const RESET_MARGIN: Duration = Duration::from_millis(25);

impl BucketPace {
    /// The requests of a window this client may use.
    fn allowed(&self, capacity: f64) -> i64 {
        (f64::from(self.limit) * capacity * self.share).floor() as i64
    }

    /// Requests already counted in the current window, by anyone, plus this client's in flight.
    fn taken(&self, now: Instant) -> i64 {
        let used = if now >= self.reset {
            0
        } else {
            i64::from(self.limit.saturating_sub(self.remaining))
        };
        used + i64::from(self.in_flight)
    }

    /// Requests this client may still send in the current window.
    pub fn budget(&self, capacity: f64, now: Instant) -> i64 {
        self.allowed(capacity) - self.taken(now)
    }

    /// Whether a request may go now. The first tenth of this client's share in a window goes at
    /// once, so a small job is not slowed; beyond it, the budget left is spread evenly over the
    /// time left, so the bucket is never emptied before its reset.
    pub fn go(&self, capacity: f64, now: Instant) -> Go {
        let budget = self.budget(capacity, now);
        if now >= self.reset {
            return if budget > 0 || self.in_flight == 0 {
                Go::Now
            } else {
                Go::Wait(Duration::from_millis(5))
            };
        }
        if budget <= 0 {
            return Go::Wait(self.reset - now + RESET_MARGIN);
        }
        if self.taken(now) < self.allowed(capacity) / 10 {
            return Go::Now;
        }
        let spacing = (self.reset - now) / (budget as u32).max(1);
        match self.last_sent {
            Some(last) if last + spacing > now => Go::Wait(last + spacing - now),
            _ => Go::Now,
        }
    }

    /// Takes in the headers of an answer. Windows are told apart by their reset; an answer from
    /// an older window is ignored.
    pub fn observe(&mut self, rate: RateLimitHeaders, reset_local: Instant) {
        if rate.is_concurrency_limit() {
            return;
        }
        if rate.reset > self.reset_epoch {
            if self.reset_epoch != 0 && self.share < 1.0 {
                self.share = (self.share + 0.05).min(1.0);
            }
            self.reset_epoch = rate.reset;
            self.reset = reset_local;
            self.remaining = rate.remaining;
        } else if rate.reset == self.reset_epoch {
            self.remaining = self.remaining.min(rate.remaining);
        }
        self.limit = rate.limit;
    }

    /// A 429 the headers did not predict: use less of the bucket from now on.
    pub fn unexpected_429(&mut self) {
        self.share = (self.share * 0.75).max(0.1);
        self.remaining = 0;
    }
}

/// Every bucket of one org, shared by all the client's requests.
#[derive(Debug)]
pub struct Pacer {
    capacity: f64,
    state: Mutex<PacerState>,
}

#[derive(Debug, Default)]
struct PacerState {
    clock: ServerClock,
    buckets: HashMap<Bucket, BucketPace>,
}

/// A request's place in its bucket, given back when dropped (after its answer is read).
#[derive(Debug)]
pub struct PaceSlot<'a> {
    pacer: &'a Pacer,
    bucket: Bucket,
    /// Whether the bucket counted it in flight: one not yet known when the request left did
    /// not, and must not be taken off its count.
    counted: bool,
}

/// What the pacer says to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go; counted in flight in a known bucket.
    Counted,
    /// Go; the bucket is not known yet (its first answer will tell its limits).
    Uncounted,
    Wait(Duration),
}

/// A snapshot of one bucket, for `doctor`-style reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketView {
    pub bucket: Bucket,
    pub limit: u32,
    pub remaining: u32,
    pub reset_epoch: u64,
}

impl Pacer {
    /// `capacity` is the share of each bucket the client may use, in `(0, 1]`.
    pub fn new(capacity: f64) -> Pacer {
        Pacer {
            capacity: capacity.clamp(0.01, 1.0),
            state: Mutex::new(PacerState::default()),
        }
    }

    /// Whether a request may go in `bucket` now; a request that goes in a known bucket is
    /// counted in flight.
    pub fn try_acquire(&self, bucket: Bucket, now: Instant) -> Admission {
        let mut state = self.state.lock();
        let Some(pace) = state.buckets.get_mut(&bucket) else {
            return Admission::Uncounted;
        };
        match pace.go(self.capacity, now) {
            Go::Now => {
                pace.in_flight += 1;
                pace.last_sent = Some(now);
                Admission::Counted
            }
            Go::Wait(d) => Admission::Wait(d),
        }
    }

    /// Waits until the bucket allows one more request. Answers how long it waited.
    pub async fn acquire(&self, bucket: Bucket) -> (PaceSlot<'_>, Duration) {
        let started = Instant::now();
        let counted = loop {
            match self.try_acquire(bucket, Instant::now()) {
                Admission::Counted => break true,
                Admission::Uncounted => break false,
                Admission::Wait(wait) => tokio::time::sleep(wait).await,
            }
        };
        let slot = PaceSlot {
            pacer: self,
            bucket,
            counted,
        };
        (slot, started.elapsed())
    }

    /// Learns from an answer's headers; `limited_429` is a rate-limit 429 that pacing did not
    /// prevent.
    pub fn observe(
        &self,
        bucket: Bucket,
        rate: Option<RateLimitHeaders>,
        server_date: Option<SystemTime>,
        received: SystemTime,
        limited_429: bool,
    ) {
        let mut state = self.state.lock();
        if let Some(date) = server_date {
            state.clock.observe(date, received);
        }
        let Some(rate) = rate.filter(|r| !r.is_concurrency_limit()) else {
            return;
        };
        let reset_at = state.clock.local_time_of(rate.reset);
        let now_instant = Instant::now();
        let reset_local = now_instant
            + reset_at
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO);
        let pace = state.buckets.entry(bucket).or_insert(BucketPace {
            limit: rate.limit,
            remaining: rate.remaining,
            reset: reset_local,
            reset_epoch: 0,
            in_flight: 0,
            last_sent: None,
            share: 1.0,
        });
        pace.observe(rate, reset_local);
        if limited_429 {
            pace.unexpected_429();
        }
    }

    fn release(&self, bucket: Bucket) {
        if let Some(pace) = self.state.lock().buckets.get_mut(&bucket) {
            pace.in_flight = pace.in_flight.saturating_sub(1);
        }
    }

    pub fn clock(&self) -> ServerClock {
        self.state.lock().clock
    }

    pub fn buckets(&self) -> Vec<BucketView> {
        let state = self.state.lock();
        let mut views: Vec<BucketView> = state
            .buckets
            .iter()
            .map(|(bucket, p)| BucketView {
                bucket: *bucket,
                limit: p.limit,
                remaining: p.remaining,
                reset_epoch: p.reset_epoch,
            })
            .collect();
        views.sort_by_key(|v| v.bucket);
        views
    }
}

impl Drop for PaceSlot<'_> {
    fn drop(&mut self) {
        if self.counted {
            self.pacer.release(self.bucket);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pace(limit: u32, remaining: u32, reset_in: Duration, now: Instant) -> BucketPace {
        BucketPace {
            limit,
            remaining,
            reset: now + reset_in,
            reset_epoch: 100,
            in_flight: 0,
            last_sent: None,
            share: 1.0,
        }
    }

    #[test]
    fn waits_for_reset_when_share_is_used() {
        let now = Instant::now();
        let p = pace(600, 300, Duration::from_secs(10), now);
        assert_eq!(
            p.go(0.5, now),
            Go::Wait(Duration::from_secs(10) + RESET_MARGIN)
        );
        assert_eq!(p.go(1.0, now), Go::Now);
    }

    #[test]
    fn a_small_burst_goes_at_once_then_the_budget_is_spread() {
        let now = Instant::now();
        let mut p = pace(100, 91, Duration::from_secs(1), now);
        p.last_sent = Some(now);
        assert_eq!(
            p.go(1.0, now),
            Go::Now,
            "9 of the first 10 used: still the burst"
        );
        p.remaining = 80;
        assert_eq!(
            p.go(1.0, now),
            Go::Wait(Duration::from_millis(12) + Duration::from_micros(500)),
            "80 left over one second"
        );
    }

    #[tokio::test]
    async fn requests_sent_before_a_bucket_was_known_do_not_lower_its_count() {
        let pacer = Pacer::new(1.0);
        let early = pacer.acquire(Bucket::Users).await.0;
        let headers = RateLimitHeaders {
            limit: 100,
            remaining: 99,
            reset: 4_000_000_000,
        };
        pacer.observe(Bucket::Users, Some(headers), None, SystemTime::now(), false);
        let counted = pacer.acquire(Bucket::Users).await.0;
        let in_flight = || pacer.state.lock().buckets[&Bucket::Users].in_flight;
        assert_eq!(in_flight(), 1);
        drop(early);
        assert_eq!(in_flight(), 1, "the early request was never counted");
        drop(counted);
        assert_eq!(in_flight(), 0);
    }

    #[test]
    fn clock_offset_is_the_largest_lower_bound() {
        let mut clock = ServerClock::default();
        let local = UNIX_EPOCH + Duration::from_millis(1_000_500);
        clock.observe(UNIX_EPOCH + Duration::from_secs(1_000), local);
        clock.observe(
            UNIX_EPOCH + Duration::from_secs(1_001),
            local + Duration::from_millis(510),
        );
        assert_eq!(clock.offset_ms, Some(-10));
        assert_eq!(
            clock.local_time_of(1_002),
            UNIX_EPOCH + Duration::from_millis(1_002_010)
        );
    }

    #[test]
    fn unexpected_429_lowers_the_share_and_new_windows_raise_it() {
        let now = Instant::now();
        let mut p = pace(100, 50, Duration::from_secs(1), now);
        p.unexpected_429();
        assert!((p.share - 0.75).abs() < 1e-9);
        assert_eq!(p.budget(1.0, now), -25);
        p.observe(
            RateLimitHeaders {
                limit: 100,
                remaining: 99,
                reset: 101,
            },
            now + Duration::from_secs(2),
        );
        assert!((p.share - 0.80).abs() < 1e-9);
        assert_eq!(p.remaining, 99);
    }

    proptest! {
        /// Simulates one window with no other client: whatever the limit, share and timing,
        /// the requests the model lets through never exceed the allowed share of the bucket,
        /// and without contention it lets through at least all but those still in flight.
        #[test]
        fn never_exceeds_the_share_in_a_window(
            limit in 1u32..2000,
            capacity_pct in 1u32..=100,
            window_ms in 100u64..120_000,
            concurrency in 1u32..50,
        ) {
            let capacity = f64::from(capacity_pct) / 100.0;
            let start = Instant::now();
            let mut p = pace(limit, limit, Duration::from_millis(window_ms), start);
            let allowed = (f64::from(limit) * capacity).floor() as u32;
            let mut now = start;
            let mut sent = 0u32;
            let mut answered = 0u32;
            for _ in 0..(allowed * 3 + 10) {
                match p.go(capacity, now) {
                    Go::Now => {
                        sent += 1;
                        p.in_flight += 1;
                        p.last_sent = Some(now);
                        if p.in_flight >= concurrency {
                            // the oldest request is answered: the server counted it
                            p.in_flight -= 1;
                            answered += 1;
                            p.remaining = limit - answered;
                        }
                    }
                    Go::Wait(d) => {
                        prop_assert!(d > Duration::ZERO);
                        now += d;
                        if now >= p.reset { break; }
                    }
                }
            }
            prop_assert!(sent <= allowed, "sent {} > allowed {}", sent, allowed);
            prop_assert!(sent + concurrency >= allowed, "sent {} of {}", sent, allowed);
        }
    }
}
