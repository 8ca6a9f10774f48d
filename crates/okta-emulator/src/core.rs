//! The running emulator's shared parts: the org behind its lock, the store, the rate limiter,
//! faults, stats and the accepted tokens. Control-plane operations live here so the HTTP routes
//! and the Rust handle share one implementation.

use crate::error::ApiError;
use crate::faults::{FaultConfig, Faults};
use crate::ratelimit::{RateLimitConfig, RateLimiter};
use crate::state::seed::{Seed, SeedReport};
use crate::state::Org;
use crate::stats::{Stats, StatsSnapshot};
use crate::store::Store;
use parking_lot::Mutex;

#[derive(Debug)]
pub struct Core {
    /// The org's URL, which every rendered link starts with; fixed for the server's life.
    base_url: String,
    org: Mutex<Org>,
    store: Store,
    pub limiter: RateLimiter,
    pub faults: Faults,
    pub stats: Stats,
    tokens: Vec<String>,
    /// What control-plane requests must carry, if anything.
    pub control_token: Option<String>,
    /// How long `search` and `filter` on users take to see a write (Okta's are eventually
    /// consistent); zero by default. From the seed (`searchLagMs`).
    pub search_lag: parking_lot::Mutex<chrono::TimeDelta>,
}

impl Core {
    pub fn new(org: Org, store: Store, limits: RateLimitConfig, tokens: Vec<String>) -> Self {
        Self {
            base_url: org.base_url().to_owned(),
            org: Mutex::new(org),
            store,
            limiter: RateLimiter::new(limits),
            faults: Faults::default(),
            stats: Stats::default(),
            tokens,
            control_token: None,
            search_lag: parking_lot::Mutex::new(chrono::TimeDelta::zero()),
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Reads the org.
    pub fn read<T>(&self, f: impl FnOnce(&Org) -> T) -> T {
        f(&self.org.lock())
    }

    /// Changes the org and answers once the changes are durable. Changes are queued for the
    /// store while the lock is held, so the store sees them in the order they were made.
    pub async fn write<T>(
        &self,
        f: impl FnOnce(&mut Org) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let (result, durable) = {
            let mut org = self.org.lock();
            let result = f(&mut org);
            (result, self.store.submit(&mut org))
        };
        durable.wait().await?;
        result
    }

    pub fn token_is_valid(&self, token: &str) -> bool {
        self.tokens.iter().any(|t| t == token)
    }

    /// Back to a new org (`Everyone` and the tokens' owner); faults, stats and rate-limit windows are cleared too.
    pub async fn reset(&self) -> Result<(), ApiError> {
        self.write(|org| {
            *org = Org::with_owner(&self.base_url);
            Ok(())
        })
        .await?;
        self.faults.clear();
        self.stats.clear();
        self.limiter.reset_windows();
        Ok(())
    }

    /// Seeds the org; the seed's rate-limit shares (by API token or OAuth client id) go to the
    /// limiter, which keeps its windows.
    pub async fn seed(&self, mut seed: Seed) -> Result<SeedReport, ApiError> {
        let shares = std::mem::take(&mut seed.rate_limit_shares);
        if let Some(ms) = seed.search_lag_ms.take() {
            *self.search_lag.lock() = chrono::TimeDelta::milliseconds(ms as i64);
        }
        let report = self.write(|org| org.apply_seed(seed)).await?;
        if !shares.is_empty() {
            self.limiter.set_principal_shares(shares);
        }
        Ok(report)
    }

    pub fn set_faults(&self, config: FaultConfig) {
        self.faults.set(config);
    }

    pub fn stats(&self) -> StatsSnapshot {
        let mut snapshot = self.stats.snapshot();
        snapshot.max_in_flight = self.limiter.max_in_flight();
        snapshot.busiest_window = self.limiter.busiest_windows();
        snapshot.faults_fired = self.faults.fired();
        snapshot
    }

    pub fn set_rate_limits(&self, config: RateLimitConfig) {
        self.limiter.reconfigure(config);
    }
}
