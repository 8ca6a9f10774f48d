//! Pacing: a model of Okta's rate-limit buckets learned from the `X-Rate-Limit-*` headers. The
//! arithmetic is pure (`BucketPace`, `ServerClock`) and the async `Pacer` only sleeps where the
//! model says so.
//!
//! What the model assumes, from Okta's documents: a bucket's window is fixed (its count resets at
//! `X-Rate-Limit-Reset`, on the server's clock), so nothing is gained by spacing requests inside a
//! window; what protects the org is the number of requests per window and the number in flight,
//! which the client bounds separately. So within a window a bucket's requests go as fast as the
//! in-flight bound lets them, until either
//! - this client's own share is spent: `limit x max_capacity x share` requests sent in the
//!   window, where `share` (1 at first) is lowered by 429s the headers did not predict (a
//!   per-token cap, another client's burst) and never raised above what such a 429 taught; or
//! - the bucket's `Remaining` would fall to the reserve left for other clients,
//!   `limit x min(10 %, 100 % - max_capacity)`, counting this client's requests in flight as
//!   already spent;
//!
//! and then the bucket waits for its reset (plus a small margin for the clocks). Before a
//! bucket's first answer its limits are unknown: a probe of `PROBE` requests goes and the rest
//! wait for the headers. A bucket whose answers carry no headers is not paced.

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
    /// Requests this client sent in the current window, answered or not.
    pub own: u32,
    /// The part of `limit x max_capacity` this client may use; lowered by unexpected 429s.
    pub share: f64,
    /// The most `share` may grow back to: what two unexpected 429s at the same level taught.
    pub ceiling: f64,
    /// The level (answered requests as a part of the full share) of an unexpected 429 not yet
    /// seen again: a per-token cap refuses at the same level window after window, a passing
    /// burst of someone else's does not.
    pub suspect: Option<f64>,
    /// The local clock passed `reset` and no answer of the new window has come yet: the new
    /// window's `remaining` is taken as the whole limit, its end as unknown.
    pub stale: bool,
    /// No unexpected 429 in the current window (a clean window lets `share` grow back).
    pub clean: bool,
}

/// A small margin after the reset before the first request of the new window, for the clocks.
pub const RESET_MARGIN: Duration = Duration::from_millis(25);

/// Requests sent in a bucket before its first answer tells its limits.
pub const PROBE: u32 = 2;

/// How often a request that cannot go yet for want of an answer (a probe in flight, a window
/// whose first answer has not come) asks again.
const RECHECK: Duration = Duration::from_millis(5);

/// Room for rounding in percentages (`50 x 0.98` is a hair over 49).
const EPSILON: f64 = 1e-9;

/// An unexpected 429 this early in a window (as a fraction of the share) teaches no ceiling.
const UNINFORMATIVE: f64 = 0.05;

/// Two unexpected 429s this close (as parts of the full share) are the same cap.
const SAME_LEVEL: f64 = 0.10;

impl BucketPace {
    /// A bucket first seen with these headers.
    pub fn new(rate: RateLimitHeaders, reset: Instant) -> BucketPace {
        BucketPace {
            limit: rate.limit,
            remaining: rate.remaining,
            reset,
            reset_epoch: rate.reset,
            in_flight: 0,
            own: 0,
            share: 1.0,
            ceiling: 1.0,
            suspect: None,
            stale: false,
            clean: true,
        }
    }

    /// The requests of a window this client may send.
    pub fn allowed(&self, capacity: f64) -> i64 {
        (f64::from(self.limit) * capacity * self.share + EPSILON).floor() as i64
    }

    /// The part of the bucket left to other clients: `min(10 %, 100 % - capacity)` of it.
    pub fn reserve(&self, capacity: f64) -> i64 {
        (f64::from(self.limit) * (1.0 - capacity).clamp(0.0, 0.10) - EPSILON).ceil() as i64
    }

    /// Requests this client may still send in the current window: the lower of what is left of
    /// its own share and what the bucket has above the reserve (this client's requests in
    /// flight counted as spent). When the local clock has passed the reset but the model has
    /// not rolled over yet, the new window is counted from the requests in flight.
    pub fn budget(&self, capacity: f64, now: Instant) -> i64 {
        let rolled = !self.stale && now >= self.reset;
        let (own, remaining) = if rolled {
            (self.in_flight, self.limit)
        } else {
            (self.own, self.remaining)
        };
        let own_left = self.allowed(capacity) - i64::from(own);
        let bucket_left = i64::from(remaining) - i64::from(self.in_flight) - self.reserve(capacity);
        own_left.min(bucket_left)
    }

    /// Whether a request may go now: at once while the window's budget lasts, else at the
    /// reset. In a window whose end is not known yet (`stale`), it asks again shortly: the
    /// answers in flight will tell it.
    pub fn go(&self, capacity: f64, now: Instant) -> Go {
        if self.budget(capacity, now) > 0 {
            Go::Now
        } else if self.stale || now >= self.reset {
            Go::Wait(RECHECK)
        } else {
            Go::Wait(self.reset - now + RESET_MARGIN)
        }
    }

    /// Moves to the next window when the local clock has passed the reset: the requests in
    /// flight are counted in it, and its `remaining` is the whole limit until an answer says.
    pub fn roll(&mut self, now: Instant) {
        if !self.stale && now >= self.reset {
            self.stale = true;
            self.own = self.in_flight;
            self.remaining = self.limit;
            self.next_window();
        }
    }

    /// Counts one request sent now (after `go` said `Now`).
    pub fn sent(&mut self) {
        self.in_flight += 1;
        self.own += 1;
    }

    fn next_window(&mut self) {
        if self.clean {
            self.share = (self.share + 0.05).min(self.ceiling);
            // A window without a 429: the suspected cap was someone else's passing burst.
            self.suspect = None;
        }
        self.clean = true;
    }

    /// Takes in the headers of an answer. Windows are told apart by their reset.
    pub fn observe(&mut self, rate: RateLimitHeaders, reset_local: Instant) {
        if rate.is_concurrency_limit() {
            return;
        }
        if rate.reset > self.reset_epoch {
            if !self.stale {
                // The requests in flight may be counted in the new window.
                self.own = self.in_flight;
                self.next_window();
            }
            self.stale = false;
            self.reset_epoch = rate.reset;
            self.reset = reset_local;
            self.remaining = rate.remaining;
        } else if rate.reset == self.reset_epoch {
            if self.stale {
                // Counted in the window that ended, not in the new one.
                self.own = self.own.saturating_sub(1);
            } else {
                self.remaining = self.remaining.min(rate.remaining);
            }
        }
        self.limit = rate.limit;
    }

    /// A 429 the headers did not predict: this client was refused after `own - in_flight`
    /// answered requests in the window. Late in the window that may be a per-token cap: the
    /// second 429 at the same level (in a later window, with no clean window between) makes it
    /// the ceiling the share keeps for the rest of the run; the first only ends the window, so
    /// that one passing 429 does not slow a long run for good. Early in the window, the share
    /// is lowered by a quarter. Either way the bucket waits for its reset.
    pub fn unexpected_429(&mut self, capacity: f64) {
        let answered = f64::from(self.own.saturating_sub(self.in_flight));
        let full = (f64::from(self.limit) * capacity).max(1.0);
        let taught = answered / full;
        if !self.clean {
            // The requests that were in flight when the window's first 429 came: nothing new.
        } else if taught >= UNINFORMATIVE * self.share {
            let level = taught.clamp(UNINFORMATIVE, self.share);
            match self.suspect {
                Some(seen) if (level - seen).abs() <= SAME_LEVEL => {
                    self.share = level.min(seen);
                    self.ceiling = self.share;
                    self.suspect = None;
                }
                _ => self.suspect = Some(level),
            }
        } else {
            self.share = (self.share * 0.75).max(UNINFORMATIVE);
        }
        self.clean = false;
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
    buckets: HashMap<Bucket, Known>,
}

/// What the client knows of a bucket.
#[derive(Debug, Clone, Copy)]
enum Known {
    /// No answer yet: this many probe requests are in flight.
    Probing(u32),
    /// Its answers carry no rate-limit headers: not paced.
    Unpaced,
    Paced(BucketPace),
}

/// A request's place in its bucket, given back when dropped (after its answer is read).
#[derive(Debug)]
pub struct PaceSlot<'a> {
    pacer: &'a Pacer,
    bucket: Bucket,
    admission: Admission,
}

/// What the pacer says to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go; counted in flight in a paced bucket.
    Counted,
    /// Go as a probe of a bucket not known yet.
    Probe,
    /// Go; the bucket is not paced.
    Free,
    Wait(Duration),
}

/// A snapshot of one bucket, for `doctor`-style reports and estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketView {
    /// Which bucket.
    pub bucket: Bucket,
    /// Requests per window (`X-Rate-Limit-Limit`).
    pub limit: u32,
    /// Left in the current window, as last answered.
    pub remaining: u32,
    /// When the window resets, in UTC epoch seconds.
    pub reset_epoch: u64,
    /// Requests this client may send per window, as it stands: its share, and no more than
    /// the bucket holds above the reserve for others.
    pub allowed: u32,
}

impl Pacer {
    /// `capacity` is the share of each bucket the client may use, in `(0, 1]`.
    pub fn new(capacity: f64) -> Pacer {
        Pacer {
            capacity: capacity.clamp(0.01, 1.0),
            state: Mutex::new(PacerState::default()),
        }
    }

    /// Whether a request may go in `bucket` now; one that goes is counted.
    pub fn try_acquire(&self, bucket: Bucket, now: Instant) -> Admission {
        let mut state = self.state.lock();
        let known = state.buckets.entry(bucket).or_insert(Known::Probing(0));
        match known {
            Known::Probing(n) if *n < PROBE => {
                *n += 1;
                Admission::Probe
            }
            Known::Probing(_) => Admission::Wait(RECHECK),
            Known::Unpaced => Admission::Free,
            Known::Paced(pace) => {
                pace.roll(now);
                match pace.go(self.capacity, now) {
                    Go::Now => {
                        pace.sent();
                        Admission::Counted
                    }
                    Go::Wait(d) => Admission::Wait(d),
                }
            }
        }
    }

    /// Waits until the bucket allows one more request. Answers how long it waited.
    /// `waiting` hears of each wait for a window's reset (not of the short rechecks).
    pub async fn acquire(
        &self,
        bucket: Bucket,
        waiting: impl Fn(Duration),
    ) -> (PaceSlot<'_>, Duration) {
        let started = Instant::now();
        let admission = loop {
            match self.try_acquire(bucket, Instant::now()) {
                Admission::Wait(wait) => {
                    if wait > RECHECK {
                        waiting(wait);
                    }
                    tokio::time::sleep(wait).await
                }
                go => break go,
            }
        };
        let slot = PaceSlot {
            pacer: self,
            bucket,
            admission,
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
        let rate = match rate {
            Some(r) if r.is_concurrency_limit() => return,
            Some(r) => r,
            None => {
                if let Some(known @ Known::Probing(_)) = state.buckets.get_mut(&bucket) {
                    *known = Known::Unpaced;
                }
                return;
            }
        };
        let reset_at = state.clock.local_time_of(rate.reset);
        let reset_local = Instant::now()
            + reset_at
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO);
        let known = state.buckets.entry(bucket).or_insert(Known::Probing(0));
        match &mut *known {
            Known::Paced(pace) => pace.observe(rate, reset_local),
            Known::Probing(probes) => {
                // The probes sent so far (this answer's among them) are this window's own.
                let mut pace = BucketPace::new(rate, reset_local);
                pace.own = *probes;
                *known = Known::Paced(pace);
            }
            Known::Unpaced => *known = Known::Paced(BucketPace::new(rate, reset_local)),
        }
        if let (true, Known::Paced(pace)) = (limited_429, known) {
            pace.unexpected_429(self.capacity);
        }
    }

    fn release(&self, bucket: Bucket, admission: Admission) {
        let mut state = self.state.lock();
        match (state.buckets.get_mut(&bucket), admission) {
            (Some(Known::Paced(pace)), Admission::Counted) => {
                pace.in_flight = pace.in_flight.saturating_sub(1);
            }
            (Some(Known::Probing(n)), Admission::Probe) => *n = n.saturating_sub(1),
            _ => {}
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
            .filter_map(|(bucket, known)| match known {
                Known::Paced(p) => Some(BucketView {
                    bucket: *bucket,
                    limit: p.limit,
                    remaining: p.remaining,
                    reset_epoch: p.reset_epoch,
                    allowed: p
                        .allowed(self.capacity)
                        .min(i64::from(p.limit) - p.reserve(self.capacity))
                        .max(0) as u32,
                }),
                _ => None,
            })
            .collect();
        views.sort_by_key(|v| v.bucket);
        views
    }
}

impl Drop for PaceSlot<'_> {
    fn drop(&mut self) {
        self.pacer.release(self.bucket, self.admission);
    }
}

/// How long `calls` requests in one bucket take under this model: windows of `window` in which
/// `per_window` requests go, `in_flight` at a time, each answered after `latency`. Every
/// window but the last is spent whole; the last takes only its burst. A bucket whose share
/// outlasts a window is bound by the in-flight limit instead.
pub fn estimate(
    calls: u64,
    per_window: u64,
    window: Duration,
    latency: Duration,
    in_flight: u64,
) -> Duration {
    let in_flight = in_flight.max(1);
    let burst =
        |n: u64| latency.saturating_mul(n.div_ceil(in_flight).min(u64::from(u32::MAX)) as u32);
    if calls == 0 {
        return Duration::ZERO;
    }
    if per_window == 0 {
        return Duration::MAX;
    }
    if burst(per_window) >= window {
        return burst(calls);
    }
    let full = (calls - 1) / per_window;
    window.saturating_mul(full.min(u64::from(u32::MAX)) as u32) + burst(calls - full * per_window)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pace(limit: u32, remaining: u32, reset_in: Duration, now: Instant) -> BucketPace {
        let rate = RateLimitHeaders {
            limit,
            remaining,
            reset: 100,
        };
        BucketPace::new(rate, now + reset_in)
    }

    fn headers(limit: u32, remaining: u32, reset: u64) -> RateLimitHeaders {
        RateLimitHeaders {
            limit,
            remaining,
            reset,
        }
    }

    #[test]
    fn a_window_share_goes_at_once_then_waits_for_the_reset() {
        let now = Instant::now();
        let mut p = pace(600, 600, Duration::from_secs(10), now);
        for i in 0..300 {
            assert_eq!(p.go(0.5, now), Go::Now, "request {i} of the share");
            p.sent();
        }
        assert_eq!(
            p.go(0.5, now),
            Go::Wait(Duration::from_secs(10) + RESET_MARGIN),
            "the share is spent: wait for the reset"
        );
        assert_eq!(p.go(1.0, now), Go::Now, "a larger share has more to send");
        let after = now + Duration::from_secs(10) + RESET_MARGIN;
        p.roll(after);
        assert_eq!(
            p.own, 300,
            "the requests still in flight count in the new window"
        );
        p.in_flight = 0;
        p.own = 0;
        assert_eq!(
            p.go(0.5, after),
            Go::Now,
            "the new window has its share again"
        );
    }

    #[test]
    fn other_clients_use_leaves_the_reserve_to_them() {
        let now = Instant::now();
        // another client has used 500 of 600: 100 left, 60 (10 %) kept for the others
        let mut p = pace(600, 100, Duration::from_secs(10), now);
        let mut sent = 0;
        while p.go(0.5, now) == Go::Now {
            p.sent();
            sent += 1;
        }
        assert_eq!(sent, 40);
        // at 100 % the run asked for the whole bucket: no reserve
        let mut p = pace(600, 100, Duration::from_secs(10), now);
        let mut sent = 0;
        while p.go(1.0, now) == Go::Now {
            p.sent();
            sent += 1;
        }
        assert_eq!(sent, 100);
    }

    /// The window's requests up to a refusal after `answered` answers, `in_flight` more sent.
    fn refused_after(p: &mut BucketPace, answered: u32, in_flight: u32) {
        for _ in 0..answered + in_flight {
            p.sent();
        }
        p.in_flight = in_flight;
        p.unexpected_429(1.0);
    }

    #[test]
    fn unexpected_429s_at_the_same_level_in_two_windows_teach_a_ceiling() {
        let now = Instant::now();
        let mut p = pace(600, 600, Duration::from_secs(10), now);
        refused_after(&mut p, 300, 10); // 300 answered, then refused: a 50 % per-token cap?
        assert!((p.share - 1.0).abs() < 1e-9, "one 429 is no cap yet");
        assert_eq!(
            p.go(1.0, now),
            Go::Wait(Duration::from_secs(10) + RESET_MARGIN),
            "the window waits for its reset"
        );
        for _ in 0..9 {
            p.unexpected_429(1.0); // the requests that were in flight
        }
        assert_eq!(p.suspect, Some(0.5));
        p.observe(headers(600, 599, 101), now + Duration::from_secs(20));
        p.own = 0;
        p.in_flight = 0;
        refused_after(&mut p, 290, 10);
        assert!((p.share - 290.0 / 600.0).abs() < 1e-9, "{}", p.share);
        assert_eq!(p.suspect, None);
        for reset in [102, 103, 104] {
            p.observe(headers(600, 599, reset), now + Duration::from_secs(20));
            assert!(
                (p.share - 290.0 / 600.0).abs() < 1e-9,
                "never above what the 429s taught"
            );
        }
        assert_eq!(p.allowed(1.0), 290);
    }

    #[test]
    fn one_passing_429_slows_only_its_window() {
        let now = Instant::now();
        let mut p = pace(600, 600, Duration::from_secs(10), now);
        refused_after(&mut p, 150, 5);
        assert_eq!(p.suspect, Some(0.25));
        // The next window passes the level without a 429, and the one after is clean too.
        p.observe(headers(600, 599, 101), now + Duration::from_secs(20));
        p.observe(headers(600, 599, 102), now + Duration::from_secs(30));
        assert_eq!(p.suspect, None, "a clean window forgets it");
        assert!((p.share - 1.0).abs() < 1e-9 && (p.ceiling - 1.0).abs() < 1e-9);
        // A 429 at another level later is a new suspect, not a confirmation.
        p.own = 0;
        p.in_flight = 0;
        refused_after(&mut p, 450, 5);
        assert_eq!(p.suspect, Some(0.75));
        assert!((p.ceiling - 1.0).abs() < 1e-9);
    }

    #[test]
    fn an_early_unexpected_429_lowers_the_share_and_clean_windows_raise_it() {
        let now = Instant::now();
        let mut p = pace(100, 99, Duration::from_secs(1), now);
        p.sent();
        p.unexpected_429(1.0);
        assert!((p.share - 0.75).abs() < 1e-9);
        assert_eq!(p.budget(1.0, now), -1, "nothing more until the reset");
        p.observe(headers(100, 99, 101), now + Duration::from_secs(2));
        assert!(
            (p.share - 0.75).abs() < 1e-9,
            "the window of the 429 was not clean"
        );
        p.observe(headers(100, 99, 102), now + Duration::from_secs(3));
        assert!((p.share - 0.80).abs() < 1e-9);
        assert_eq!(p.remaining, 99);
    }

    #[test]
    fn answers_of_the_window_that_ended_do_not_count_in_the_new_one() {
        let now = Instant::now();
        let mut p = pace(100, 50, Duration::from_secs(1), now);
        for _ in 0..5 {
            p.sent();
        }
        let later = now + Duration::from_secs(2);
        p.roll(later);
        assert!(p.stale);
        assert_eq!((p.own, p.remaining), (5, 100));
        assert_eq!(p.go(1.0, later), Go::Now, "the new window is open");
        p.observe(headers(100, 40, 100), later);
        assert_eq!((p.own, p.remaining), (4, 100), "counted in the old window");
        p.observe(headers(100, 98, 101), later + Duration::from_secs(1));
        assert!(!p.stale);
        assert_eq!(p.remaining, 98);
    }

    #[tokio::test]
    async fn an_unknown_bucket_gets_a_probe_then_waits_for_its_headers() {
        let pacer = Pacer::new(1.0);
        let now = Instant::now();
        for _ in 0..PROBE {
            assert_eq!(pacer.try_acquire(Bucket::Users, now), Admission::Probe);
        }
        assert_eq!(
            pacer.try_acquire(Bucket::Users, now),
            Admission::Wait(RECHECK)
        );
        pacer.observe(
            Bucket::Users,
            Some(headers(100, 98, 4_000_000_000)),
            None,
            SystemTime::now(),
            false,
        );
        assert_eq!(pacer.try_acquire(Bucket::Users, now), Admission::Counted);
        // a bucket whose answers carry no headers is not paced
        assert_eq!(pacer.try_acquire(Bucket::Groups, now), Admission::Probe);
        pacer.observe(Bucket::Groups, None, None, SystemTime::now(), false);
        assert_eq!(pacer.try_acquire(Bucket::Groups, now), Admission::Free);
    }

    #[tokio::test]
    async fn probes_do_not_lower_the_count_of_the_known_bucket() {
        let pacer = Pacer::new(1.0);
        let early = pacer.acquire(Bucket::Users, |_| {}).await.0;
        pacer.observe(
            Bucket::Users,
            Some(headers(100, 99, 4_000_000_000)),
            None,
            SystemTime::now(),
            false,
        );
        let counted = pacer.acquire(Bucket::Users, |_| {}).await.0;
        let in_flight = || match pacer.state.lock().buckets[&Bucket::Users] {
            Known::Paced(p) => p.in_flight,
            other => panic!("{other:?}"),
        };
        assert_eq!(in_flight(), 1);
        drop(early);
        assert_eq!(in_flight(), 1, "the probe was never counted");
        drop(counted);
        assert_eq!(in_flight(), 0);
    }

    #[test]
    fn estimates_whole_windows_then_the_last_burst() {
        let ms = Duration::from_millis;
        let minute = Duration::from_secs(60);
        // 250 creates, 300 per window, 8 in flight, 150 ms: one burst of 32 rounds
        assert_eq!(estimate(250, 300, minute, ms(150), 8), ms(4_800));
        // 600 creates, 100 per 5-s window: five whole windows and a last burst of 13 rounds
        assert_eq!(
            estimate(600, 100, Duration::from_secs(5), ms(150), 8),
            Duration::from_secs(25) + ms(1_950)
        );
        // a share too large to spend in a window at this latency: bound by in-flight
        assert_eq!(
            estimate(1000, 1000, Duration::from_secs(1), ms(100), 10),
            ms(10_000)
        );
        assert_eq!(estimate(0, 10, minute, ms(1), 1), Duration::ZERO);
        assert_eq!(estimate(5, 0, minute, ms(1), 1), Duration::MAX);
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

    proptest! {
        /// A job no larger than the window's share is never delayed by the model, however many
        /// of its requests are still in flight.
        #[test]
        fn a_job_within_the_share_is_never_delayed(
            limit in 1u32..5000,
            capacity_pct in 1u32..=100,
            window_ms in 1u64..120_000,
        ) {
            let capacity = f64::from(capacity_pct) / 100.0;
            let now = Instant::now();
            let mut p = pace(limit, limit, Duration::from_millis(window_ms), now);
            let allowed = p.allowed(capacity);
            for i in 0..allowed {
                prop_assert_eq!(p.go(capacity, now), Go::Now, "request {} of {}", i, allowed);
                p.sent();
            }
        }

        /// One window with no other client: whatever the limit, share, timing and in-flight
        /// bound, the requests let through never exceed the share; every wait ends at the reset
        /// (plus the margin); and all of the share is used.
        #[test]
        fn never_exceeds_the_share_and_waits_end_at_the_reset(
            limit in 1u32..2000,
            capacity_pct in 1u32..=100,
            window_ms in 100u64..120_000,
            concurrency in 1u32..50,
            step_us in 0u64..5_000,
        ) {
            let capacity = f64::from(capacity_pct) / 100.0;
            let start = Instant::now();
            let mut p = pace(limit, limit, Duration::from_millis(window_ms), start);
            let allowed = p.allowed(capacity) as u32;
            let mut now = start;
            let mut sent = 0u32;
            let mut answered = 0u32;
            for _ in 0..(allowed * 3 + 10) {
                match p.go(capacity, now) {
                    Go::Now => {
                        sent += 1;
                        p.sent();
                        if p.in_flight >= concurrency {
                            // the oldest request is answered: the server counted it
                            p.in_flight -= 1;
                            answered += 1;
                            p.observe(headers(limit, limit - answered, 100), p.reset);
                        }
                        now += Duration::from_micros(step_us);
                        if now >= p.reset { break; }
                    }
                    Go::Wait(d) => {
                        prop_assert_eq!(now + d, p.reset + RESET_MARGIN, "waits end at the reset");
                        break;
                    }
                }
            }
            prop_assert!(sent <= allowed, "sent {} > allowed {}", sent, allowed);
            if now < p.reset {
                prop_assert_eq!(sent, allowed, "the whole share was used");
            }
        }
    }
}
