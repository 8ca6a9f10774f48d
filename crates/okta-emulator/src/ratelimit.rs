//! Okta's rate limits: one window per bucket, started by the bucket's first request rather than the
//! wall-clock minute, and the org-wide limit on requests in flight. Decides; never sleeps.

pub use okta_model::rate_limit::Bucket;
use okta_model::RateLimitHeaders;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Requests per window for each bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketLimits {
    pub users: u32,
    pub user_mutation: u32,
    pub user_get: u32,
    pub groups: u32,
    pub group_by_id: u32,
    pub other: u32,
}

impl BucketLimits {
    pub fn get(&self, bucket: Bucket) -> u32 {
        match bucket {
            Bucket::Users => self.users,
            Bucket::UserMutation => self.user_mutation,
            Bucket::UserGet => self.user_get,
            Bucket::Groups => self.groups,
            Bucket::GroupById => self.group_by_id,
            Bucket::Other => self.other,
        }
    }
}

/// Rate-limit settings: per-bucket limits (`None`: unlimited), the window length, and the
/// concurrency limit (`None`: unlimited).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitConfig {
    pub limits: Option<BucketLimits>,
    pub window_ms: u64,
    pub concurrency: Option<u32>,
}

impl RateLimitConfig {
    /// Okta Workforce defaults (600, 600, 2000, 500, 1000, 1200 per minute; 75 in flight).
    pub fn workforce() -> Self {
        Self {
            limits: Some(BucketLimits {
                users: 600,
                user_mutation: 600,
                user_get: 2000,
                groups: 500,
                group_by_id: 1000,
                other: 1200,
            }),
            window_ms: 60_000,
            concurrency: Some(75),
        }
    }

    /// The Integrator Free plan: 100 per minute everywhere, 35 in flight.
    pub fn integrator_free() -> Self {
        Self {
            limits: Some(BucketLimits {
                users: 100,
                user_mutation: 100,
                user_get: 100,
                groups: 100,
                group_by_id: 100,
                other: 100,
            }),
            window_ms: 60_000,
            concurrency: Some(35),
        }
    }

    /// No limits at all (benchmarks).
    pub fn off() -> Self {
        Self {
            limits: None,
            window_ms: 60_000,
            concurrency: None,
        }
    }

    pub fn preset(name: &str) -> Option<Self> {
        match name {
            "workforce" => Some(Self::workforce()),
            "integrator-free" => Some(Self::integrator_free()),
            "off" => Some(Self::off()),
            _ => None,
        }
    }
}

/// What to report when limits are off: a limit no client will approach.
const UNLIMITED: u32 = 1_000_000;

/// A bucket's current window: when it ends (by this process's monotonic clock and by the wall
/// clock, which the reset header reports) and how much of it is used.
#[derive(Debug, Clone, Copy, Default)]
struct Window {
    ends: Option<(Instant, SystemTime)>,
    used: u32,
}

/// The outcome of counting one request against its bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub headers: RateLimitHeaders,
}

#[derive(Debug)]
pub struct RateLimiter {
    config: Mutex<RateLimitConfig>,
    windows: Mutex<[Window; 6]>,
    in_flight: Arc<AtomicU32>,
    max_in_flight: AtomicU32,
}

/// Held while a request is in flight; counts it out when dropped.
#[derive(Debug)]
pub struct InFlight(Arc<AtomicU32>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> Self {
        Self {
            config: Mutex::new(config),
            windows: Mutex::new([Window::default(); 6]),
            in_flight: Arc::new(AtomicU32::new(0)),
            max_in_flight: AtomicU32::new(0),
        }
    }

    pub fn config(&self) -> RateLimitConfig {
        *self.config.lock()
    }

    /// New settings; every window starts afresh.
    pub fn reconfigure(&self, config: RateLimitConfig) {
        *self.config.lock() = config;
        self.reset_windows();
    }

    pub fn reset_windows(&self) {
        *self.windows.lock() = [Window::default(); 6];
        self.max_in_flight.store(0, Ordering::SeqCst);
    }

    pub fn max_in_flight(&self) -> u32 {
        self.max_in_flight.load(Ordering::SeqCst)
    }

    /// Counts a request in flight, or answers the headers of a concurrency 429.
    pub fn enter(&self) -> Result<InFlight, RateLimitHeaders> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let guard = InFlight(Arc::clone(&self.in_flight));
        match self.config.lock().concurrency {
            Some(limit) if now > limit => Err(RateLimitHeaders {
                limit: 0,
                remaining: 0,
                reset: epoch_secs(SystemTime::now()) + 1,
            }),
            _ => {
                self.max_in_flight.fetch_max(now, Ordering::SeqCst);
                Ok(guard)
            }
        }
    }

    /// Counts one request against `bucket`.
    pub fn check(&self, bucket: Bucket) -> Decision {
        let config = self.config();
        let window = Duration::from_millis(config.window_ms.max(1));
        let Some(limits) = config.limits else {
            return Decision {
                allowed: true,
                headers: RateLimitHeaders {
                    limit: UNLIMITED,
                    remaining: UNLIMITED,
                    reset: epoch_secs(SystemTime::now() + window),
                },
            };
        };
        let limit = limits.get(bucket);
        let now = Instant::now();
        let mut windows = self.windows.lock();
        let w = &mut windows[bucket as usize];
        let end_wall = match w.ends {
            Some((ends, end_wall)) if now < ends => end_wall,
            _ => {
                // The window opens with this request, on the whole second as Okta reports it,
                // so the reset header (epoch seconds) is exact.
                let wall = SystemTime::now();
                let since_second = wall.duration_since(UNIX_EPOCH).map_or(Duration::ZERO, |d| {
                    Duration::from_nanos(u64::from(d.subsec_nanos()))
                });
                let end_wall = wall - since_second + window;
                let left = end_wall.duration_since(wall).unwrap_or(Duration::ZERO);
                *w = Window {
                    ends: Some((now + left, end_wall)),
                    used: 0,
                };
                end_wall
            }
        };
        let allowed = w.used < limit;
        if allowed {
            w.used += 1;
        }
        Decision {
            allowed,
            headers: RateLimitHeaders {
                limit,
                remaining: limit - w.used,
                reset: epoch_secs_ceil(end_wall),
            },
        }
    }
}

fn epoch_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn epoch_secs_ceil(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_starts_at_first_request_and_refuses_over_limit() {
        let mut config = RateLimitConfig::workforce();
        config.limits = config.limits.map(|mut l| {
            l.users = 2;
            l
        });
        let limiter = RateLimiter::new(config);
        let first = limiter.check(Bucket::Users);
        assert!(first.allowed);
        assert_eq!(first.headers.remaining, 1);
        assert!(limiter.check(Bucket::Users).allowed);
        let third = limiter.check(Bucket::Users);
        assert!(!third.allowed);
        assert_eq!(third.headers.remaining, 0);
        assert_eq!(third.headers.reset, first.headers.reset);
        assert!(
            limiter.check(Bucket::Groups).allowed,
            "buckets are separate"
        );
    }

    #[test]
    fn concurrency_limit_counts_requests_in_flight() {
        let mut config = RateLimitConfig::off();
        config.concurrency = Some(1);
        let limiter = RateLimiter::new(config);
        let held = limiter.enter().expect("first fits");
        let refused = limiter.enter().expect_err("second is over");
        assert!(refused.is_concurrency_limit());
        drop(held);
        assert!(limiter.enter().is_ok());
        assert_eq!(limiter.max_in_flight(), 1);
    }
}
