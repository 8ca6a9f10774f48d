//! Okta's rate limits: one window per bucket, started by the bucket's first request rather than the
//! wall-clock minute; each API token's or OAuth app's share of a bucket (Okta's default 50 %);
//! and the org-wide limit on requests in flight. Decides; never sleeps.
//!
//! What a capped token's `X-Rate-Limit-*` headers say is not documented by Okta. Here they
//! always describe the org's bucket (its limit and what is left of it for everyone), so a token
//! learns of its own cap only from the 429 (E0000047, `Remaining: 0`) it gets past its share,
//! the harder case for a client.

pub use okta_model::rate_limit::Bucket;
use okta_model::RateLimitHeaders;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
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
    /// `/api/v1/apps*` but `/api/v1/apps/{id}`: Workforce 100 in Okta's last published table.
    #[serde(default = "apps_default")]
    pub apps: u32,
    /// `/api/v1/apps/{id}`: Workforce 500.
    #[serde(default = "app_by_id_default")]
    pub app_by_id: u32,
    pub other: u32,
}

fn apps_default() -> u32 {
    100
}

fn app_by_id_default() -> u32 {
    500
}

impl BucketLimits {
    pub fn get(&self, bucket: Bucket) -> u32 {
        match bucket {
            Bucket::Users => self.users,
            Bucket::UserMutation => self.user_mutation,
            Bucket::UserGet => self.user_get,
            Bucket::Groups => self.groups,
            Bucket::GroupById => self.group_by_id,
            Bucket::Apps => self.apps,
            Bucket::AppById => self.app_by_id,
            Bucket::Other => self.other,
        }
    }
}

/// Rate-limit settings: per-bucket limits (`None`: unlimited), the window length, the
/// concurrency limit (`None`: unlimited), and the share of each bucket one principal (an API
/// token, or an OAuth app by client id) may use per window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitConfig {
    pub limits: Option<BucketLimits>,
    pub window_ms: u64,
    pub concurrency: Option<u32>,
    /// Percent of each bucket any one principal may use per window; Okta's default is 50.
    #[serde(default = "okta_share")]
    pub principal_share: u32,
    /// Per-principal shares in percent, by API token value or OAuth client id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub principal_shares: BTreeMap<String, u32>,
}

/// Okta's default share of a bucket for one API token or OAuth app.
pub const OKTA_PRINCIPAL_SHARE: u32 = 50;

fn okta_share() -> u32 {
    OKTA_PRINCIPAL_SHARE
}

impl RateLimitConfig {
    /// Okta Workforce defaults (600, 600, 2000, 500, 1000, apps 100 and 500, 1200 per minute;
    /// 75 in flight).
    pub fn workforce() -> Self {
        Self {
            limits: Some(BucketLimits {
                users: 600,
                user_mutation: 600,
                user_get: 2000,
                groups: 500,
                group_by_id: 1000,
                apps: 100,
                app_by_id: 500,
                other: 1200,
            }),
            window_ms: 60_000,
            concurrency: Some(okta_model::rate_limit::CONCURRENCY_WORKFORCE),
            principal_share: OKTA_PRINCIPAL_SHARE,
            principal_shares: BTreeMap::new(),
        }
    }

    /// The Integrator Free plan: 100 per minute everywhere but apps (20), 35 in flight.
    pub fn integrator_free() -> Self {
        Self {
            limits: Some(BucketLimits {
                users: 100,
                user_mutation: 100,
                user_get: 100,
                groups: 100,
                group_by_id: 100,
                apps: 20,
                app_by_id: 100,
                other: 100,
            }),
            window_ms: 60_000,
            concurrency: Some(okta_model::rate_limit::CONCURRENCY_INTEGRATOR_FREE),
            principal_share: OKTA_PRINCIPAL_SHARE,
            principal_shares: BTreeMap::new(),
        }
    }

    /// No limits at all (benchmarks).
    pub fn off() -> Self {
        Self {
            limits: None,
            window_ms: 60_000,
            concurrency: None,
            principal_share: 100,
            principal_shares: BTreeMap::new(),
        }
    }

    /// Every principal may use the whole of each bucket (tests that need a whole bucket).
    pub fn whole_buckets(mut self) -> Self {
        self.principal_share = 100;
        self.principal_shares.clear();
        self
    }

    /// The share in percent of each bucket that `principal` may use.
    pub fn share_of(&self, principal: &str) -> u32 {
        self.principal_shares
            .get(principal)
            .copied()
            .unwrap_or(self.principal_share)
            .min(100)
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
#[derive(Debug, Clone, Default)]
struct Window {
    ends: Option<(Instant, SystemTime)>,
    used: u32,
    /// Requests counted per principal in this window.
    by_principal: HashMap<String, u32>,
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
    windows: Mutex<[Window; BUCKETS]>,
    /// The most requests any one window of each bucket has counted.
    peaks: Mutex<[u32; BUCKETS]>,
    in_flight: Arc<AtomicU32>,
    max_in_flight: AtomicU32,
}

const BUCKETS: usize = Bucket::ALL.len();

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
            windows: Mutex::new(Default::default()),
            peaks: Mutex::new([0; BUCKETS]),
            in_flight: Arc::new(AtomicU32::new(0)),
            max_in_flight: AtomicU32::new(0),
        }
    }

    pub fn config(&self) -> RateLimitConfig {
        self.config.lock().clone()
    }

    /// New settings; every window starts afresh.
    pub fn reconfigure(&self, config: RateLimitConfig) {
        *self.config.lock() = config;
        self.reset_windows();
    }

    /// Adds or changes principals' shares (percent) without starting new windows.
    pub fn set_principal_shares(&self, shares: BTreeMap<String, u32>) {
        self.config.lock().principal_shares.extend(shares);
    }

    pub fn reset_windows(&self) {
        *self.windows.lock() = Default::default();
        *self.peaks.lock() = [0; BUCKETS];
        self.max_in_flight.store(0, Ordering::SeqCst);
    }

    /// The most requests one window of each bucket has counted, by bucket name (buckets never
    /// used are left out).
    pub fn busiest_windows(&self) -> BTreeMap<String, u32> {
        let peaks = *self.peaks.lock();
        Bucket::ALL
            .iter()
            .filter(|b| peaks[**b as usize] > 0)
            .map(|b| (b.name().to_owned(), peaks[*b as usize]))
            .collect()
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

    /// Counts one request of `principal` (an API token or an OAuth client id, when known)
    /// against `bucket`: refused when the bucket is used up for the window, or when the
    /// principal has used its share of it.
    pub fn check(&self, bucket: Bucket, principal: Option<&str>) -> Decision {
        let config = self.config.lock();
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
                    by_principal: HashMap::new(),
                };
                end_wall
            }
        };
        let within_share = principal.is_none_or(|p| {
            let share = u64::from(limit) * u64::from(config.share_of(p)) / 100;
            u64::from(w.by_principal.get(p).copied().unwrap_or(0)) < share
        });
        let allowed = w.used < limit && within_share;
        if allowed {
            w.used += 1;
            if let Some(p) = principal {
                *w.by_principal.entry(p.to_owned()).or_default() += 1;
            }
            let peak = &mut self.peaks.lock()[bucket as usize];
            *peak = (*peak).max(w.used);
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
        let first = limiter.check(Bucket::Users, None);
        assert!(first.allowed);
        assert_eq!(first.headers.remaining, 1);
        assert!(limiter.check(Bucket::Users, None).allowed);
        let third = limiter.check(Bucket::Users, None);
        assert!(!third.allowed);
        assert_eq!(third.headers.remaining, 0);
        assert_eq!(third.headers.reset, first.headers.reset);
        assert!(
            limiter.check(Bucket::Groups, None).allowed,
            "buckets are separate"
        );
    }

    #[test]
    fn each_principal_gets_its_share_of_a_bucket() {
        let mut config = RateLimitConfig::workforce();
        config.limits = config.limits.map(|mut l| {
            l.users = 10;
            l
        });
        config.principal_shares.insert("wide".into(), 80);
        let limiter = RateLimiter::new(config);
        let sent = |who: &str, n: usize| {
            (0..n)
                .filter(|_| limiter.check(Bucket::Users, Some(who)).allowed)
                .count()
        };
        assert_eq!(sent("token-a", 7), 5, "Okta's default: half the bucket");
        let refused = limiter.check(Bucket::Users, Some("token-a"));
        assert!(!refused.allowed);
        assert_eq!(
            refused.headers.remaining, 5,
            "the headers describe the org's bucket"
        );
        assert_eq!(
            sent("wide", 10),
            5,
            "80 % of it, but the bucket has only 5 left"
        );
        assert_eq!(sent("token-b", 1), 0, "the bucket is used up");
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
