//! Request counts for the control plane: by bucket and status, 429s sent (rate and concurrency),
//! and the most requests seen in flight at once.

use crate::ratelimit::Bucket;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsSnapshot {
    /// Bucket name to HTTP status to count.
    pub requests: BTreeMap<String, BTreeMap<u16, u64>>,
    pub total: u64,
    /// 429s sent because a bucket was exhausted (injected 429s not included).
    pub rate_limited: u64,
    /// 429s sent because too many requests were in flight.
    pub concurrency_limited: u64,
    pub max_in_flight: u32,
    pub faults_fired: u64,
    /// Requests that said they were retries (`X-Okta-Retry-Count`), and how many of those named
    /// the request they retry (`X-Okta-Retry-For`).
    pub retries_seen: u64,
    pub retries_with_origin: u64,
    /// Requests that could change the org (`POST`, `PUT`, `DELETE` under `/api`), answered or not.
    pub writes: u64,
    /// Bucket name to the most requests one of its windows counted (since the windows last
    /// started afresh): what a client's pacing actually used of a window.
    #[serde(default)]
    pub busiest_window: BTreeMap<String, u32>,
}

impl StatsSnapshot {
    /// Requests answered with `status` in `bucket`.
    pub fn count(&self, bucket: Bucket, status: u16) -> u64 {
        self.requests
            .get(bucket.name())
            .and_then(|by_status| by_status.get(&status))
            .copied()
            .unwrap_or(0)
    }

    /// Every 429, whatever its cause.
    pub fn all_429s(&self) -> u64 {
        self.requests
            .values()
            .filter_map(|by_status| by_status.get(&429))
            .sum()
    }
}

#[derive(Debug, Default)]
pub struct Stats(Mutex<StatsSnapshot>);

/// Why a response was a 429, if it was one the limits made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    No,
    Rate,
    Concurrency,
}

impl Stats {
    pub fn record(&self, bucket: Bucket, status: u16, limited: Limited) {
        let mut s = self.0.lock();
        *s.requests
            .entry(bucket.name().to_owned())
            .or_default()
            .entry(status)
            .or_default() += 1;
        s.total += 1;
        match limited {
            Limited::Rate => s.rate_limited += 1,
            Limited::Concurrency => s.concurrency_limited += 1,
            Limited::No => {}
        }
    }

    pub fn record_write(&self) {
        self.0.lock().writes += 1;
    }

    pub fn record_retry(&self, names_origin: bool) {
        let mut s = self.0.lock();
        s.retries_seen += 1;
        s.retries_with_origin += u64::from(names_origin);
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        self.0.lock().clone()
    }

    pub fn clear(&self) {
        *self.0.lock() = StatsSnapshot::default();
    }
}
