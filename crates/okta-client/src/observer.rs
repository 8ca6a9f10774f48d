//! What the client tells its caller while it works, so an engine can show rate-limit waits and
//! retries without the client printing anything.

use crate::retry::RetryReason;
use okta_model::rate_limit::{Bucket, RateLimitHeaders};
use std::time::Duration;

/// One answer from the org, as the send path saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Answer {
    /// The rate-limit bucket the request counted against.
    pub bucket: Bucket,
    /// The HTTP status.
    pub status: u16,
    /// The answer's `X-Rate-Limit-*` headers, when it had them.
    pub rate: Option<RateLimitHeaders>,
    /// From sending the request to its response's headers.
    pub latency: Duration,
}

/// Receives the client's events. Methods have empty defaults; implement what you show.
pub trait Observer: Send + Sync + std::fmt::Debug {
    /// The org answered a request (any status, before retries are decided).
    fn answered(&self, _answer: &Answer) {}
    /// A request waited for its bucket's pacing.
    fn paced(&self, _bucket: Bucket, _waited: Duration) {}
    /// A request starts waiting `_wait` for its bucket's window to reset (this run's share of
    /// the window is spent).
    fn waiting_for_reset(&self, _bucket: Bucket, _wait: Duration) {}
    /// A request will be sent again after `after`.
    fn retrying(&self, _bucket: Bucket, _reason: RetryReason, _attempt: u32, _after: Duration) {}
    /// The bound on requests in flight changed after a concurrency 429.
    fn in_flight_lowered(&self, _limit: usize) {}
    /// A call gave up because the org stopped answering (`Error::OrgUnreachable`); the same
    /// will happen to the other calls in flight.
    fn org_unreachable(&self, _error: &crate::Error) {}
}
