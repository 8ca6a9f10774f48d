//! When to try a request again, decided by a pure function so that every rule has a unit test:
//! a rate-limit 429 waits for the reset on the server's `Date` clock plus a second; concurrency
//! 429s and requests that were never sent back off exponentially with jitter; 500, 502, 503 and
//! 504 back off too when the request is idempotent, and are left to the caller to settle when it
//! is not (it may have been applied); a request whose outcome is unknown is sent again only when
//! it is idempotent; other statuses never.

use okta_model::RateLimitHeaders;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Answered {
        status: u16,
        rate: Option<RateLimitHeaders>,
        /// The server's `Date` header.
        server_date: Option<SystemTime>,
    },
    /// Never reached the server (connect error): always safe to send again.
    NotSent,
    /// Sent, but no answer came back: it may have been applied.
    Unknown,
}

/// How often and how patiently calls are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff; each later one doubles, with jitter.
    pub base_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// All attempts and waits of one call.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 8,
            base_backoff: Duration::from_millis(300),
            max_backoff: Duration::from_secs(20),
            deadline: Duration::from_secs(300),
        }
    }
}

/// Why a request is sent again (for observers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// A 429 for the bucket's rate limit: sent again after the reset.
    RateLimited,
    /// A 429 for too many requests at once.
    ConcurrencyLimited,
    /// A 5xx that may pass.
    ServerError(u16),
    /// The connection failed before the request went out.
    NotSent,
    /// No answer to a request that is safe to send again.
    NoAnswer,
}

impl std::fmt::Display for RetryReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::RateLimited => f.write_str("429 rate limit"),
            Self::ConcurrencyLimited => f.write_str("429 concurrency limit"),
            Self::ServerError(status) => write!(f, "{status} server error"),
            Self::NotSent => f.write_str("connection failed (not sent)"),
            Self::NoAnswer => f.write_str("no answer"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The outcome is final (success, or an error that retrying cannot fix).
    Done,
    /// Retrying could help but the retries or the deadline are used up.
    GiveUp,
    Retry {
        after: Duration,
        reason: RetryReason,
    },
}

/// Decides after attempt number `attempt` (1 for the first). `jitter` in `[0, 1)` spreads
/// backoffs so that many workers do not retry in step.
pub fn decide(
    policy: &RetryPolicy,
    idempotent: bool,
    attempt: u32,
    outcome: Attempt,
    elapsed: Duration,
    jitter: f64,
) -> Decision {
    let backoff = || {
        let exp = policy
            .base_backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        exp.min(policy.max_backoff)
            .mul_f64(0.5 + jitter.clamp(0.0, 1.0) / 2.0)
    };
    let (after, reason) = match outcome {
        Attempt::Answered {
            status: 429,
            rate: Some(rate),
            server_date,
        } if !rate.is_concurrency_limit() => match server_date {
            Some(date) => (until_reset(rate.reset, date), RetryReason::RateLimited),
            None => (backoff(), RetryReason::RateLimited),
        },
        Attempt::Answered {
            status: 429, rate, ..
        } => (
            backoff(),
            match rate {
                Some(r) if r.is_concurrency_limit() => RetryReason::ConcurrencyLimited,
                _ => RetryReason::RateLimited,
            },
        ),
        // A server or gateway error on a request that is not idempotent may have been
        // applied: the caller settles it (a create looks the login up) rather than sending it
        // again.
        Attempt::Answered {
            status: 500 | 502..=504,
            ..
        } if !idempotent => return Decision::Done,
        Attempt::Answered {
            status: s @ (500 | 502..=504),
            ..
        } => (backoff(), RetryReason::ServerError(s)),
        Attempt::Answered { .. } => return Decision::Done,
        Attempt::NotSent => (backoff(), RetryReason::NotSent),
        Attempt::Unknown if idempotent => (backoff(), RetryReason::NoAnswer),
        Attempt::Unknown => return Decision::Done,
    };
    if attempt > policy.max_retries || elapsed + after > policy.deadline {
        return Decision::GiveUp;
    }
    Decision::Retry { after, reason }
}

/// The wait until `reset` (epoch seconds) measured on the server's clock, plus one second for
/// the clocks' skew, as Okta's SDKs do.
pub fn until_reset(reset: u64, server_date: SystemTime) -> Duration {
    let now = server_date
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Duration::from_secs(reset.saturating_sub(now) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        max_retries: 3,
        base_backoff: Duration::from_millis(300),
        max_backoff: Duration::from_secs(2),
        deadline: Duration::from_secs(60),
    };

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn answered(status: u16, rate: Option<(u32, u32, u64)>, date: Option<u64>) -> Attempt {
        Attempt::Answered {
            status,
            rate: rate.map(|(limit, remaining, reset)| RateLimitHeaders {
                limit,
                remaining,
                reset,
            }),
            server_date: date.map(at),
        }
    }

    #[test]
    fn rate_429_waits_for_reset_on_server_clock_plus_a_second() {
        let d = decide(
            &POLICY,
            false,
            1,
            answered(429, Some((600, 0, 1_000_042)), Some(1_000_000)),
            Duration::ZERO,
            0.9,
        );
        assert_eq!(
            d,
            Decision::Retry {
                after: Duration::from_secs(43),
                reason: RetryReason::RateLimited
            }
        );
        let past = decide(
            &POLICY,
            false,
            1,
            answered(429, Some((600, 0, 5)), Some(10)),
            Duration::ZERO,
            0.0,
        );
        assert_eq!(
            past,
            Decision::Retry {
                after: Duration::from_secs(1),
                reason: RetryReason::RateLimited
            }
        );
    }

    #[test]
    fn concurrency_429_and_gateway_errors_back_off_exponentially() {
        let c = answered(429, Some((0, 0, 10)), Some(9));
        let waits: Vec<_> = (1..=3)
            .map(
                |n| match decide(&POLICY, false, n, c, Duration::ZERO, 1.0) {
                    Decision::Retry { after, reason } => {
                        assert_eq!(reason, RetryReason::ConcurrencyLimited);
                        after
                    }
                    other => panic!("{other:?}"),
                },
            )
            .collect();
        assert_eq!(waits, [300, 600, 1200].map(Duration::from_millis));
        for status in [502, 503, 504] {
            let d = decide(
                &POLICY,
                true,
                3,
                answered(status, None, None),
                Duration::ZERO,
                0.0,
            );
            assert_eq!(
                d,
                Decision::Retry {
                    after: Duration::from_millis(600),
                    reason: RetryReason::ServerError(status)
                },
                "half of 1200 ms with no jitter"
            );
        }
        let capped = decide(
            &POLICY,
            true,
            3,
            answered(503, None, None),
            Duration::ZERO,
            0.999,
        );
        assert!(matches!(capped, Decision::Retry { after, .. } if after <= Duration::from_secs(2)));
    }

    #[test]
    fn server_errors_on_creates_are_left_to_the_caller() {
        for status in [500, 502, 503, 504] {
            let d = decide(
                &POLICY,
                false,
                1,
                answered(status, None, None),
                Duration::ZERO,
                0.0,
            );
            assert_eq!(d, Decision::Done, "{status} may have been applied");
            let d = decide(
                &POLICY,
                true,
                1,
                answered(status, None, None),
                Duration::ZERO,
                0.0,
            );
            assert!(
                matches!(d, Decision::Retry { .. }),
                "{status} is retried when idempotent"
            );
        }
    }

    #[test]
    fn other_statuses_are_final() {
        for status in [200, 204, 400, 401, 403, 404, 409, 501] {
            assert_eq!(
                decide(
                    &POLICY,
                    true,
                    1,
                    answered(status, None, None),
                    Duration::ZERO,
                    0.5
                ),
                Decision::Done,
                "{status}"
            );
        }
    }

    #[test]
    fn unknown_outcome_is_resent_only_when_idempotent() {
        assert_eq!(
            decide(&POLICY, false, 1, Attempt::Unknown, Duration::ZERO, 0.0),
            Decision::Done
        );
        assert!(matches!(
            decide(&POLICY, true, 1, Attempt::Unknown, Duration::ZERO, 0.0),
            Decision::Retry {
                reason: RetryReason::NoAnswer,
                ..
            }
        ));
        assert!(matches!(
            decide(&POLICY, false, 1, Attempt::NotSent, Duration::ZERO, 0.0),
            Decision::Retry {
                reason: RetryReason::NotSent,
                ..
            }
        ));
    }

    #[test]
    fn retries_and_deadline_are_bounded() {
        let gateway = answered(503, None, None);
        assert_eq!(
            decide(&POLICY, true, 4, gateway, Duration::ZERO, 0.0),
            Decision::GiveUp
        );
        let long_wait = answered(429, Some((600, 0, 1_000)), Some(900));
        assert_eq!(
            decide(&POLICY, true, 1, long_wait, Duration::from_secs(1), 0.0),
            Decision::GiveUp,
            "101 s of waiting does not fit a 60 s deadline"
        );
    }
}
