//! The bound on requests in flight, kept apart from pacing. Okta limits the requests an org has
//! in flight at once (75 on Workforce, 35 on Integrator Free) and every client of the org shares
//! that limit, sign-ins included, so a client keeps at most its share of it, and never more than
//! half ([`default_bound`]); an admin's own bound (`max_in_flight`) caps that again. Okta sends
//! no header with the limit: the lower plan is assumed until a bucket's limit shows a paid one.
//! Within the bound, pacing decides how many go: a window's share that is left goes at once, as
//! many in flight as the bound allows, which finishes it soonest. The bound halves on each
//! concurrency 429 (`X-Rate-Limit-Limit: 0`) and grows back by one after a run of answers
//! without one.

use okta_model::rate_limit::concurrency_limit;
use parking_lot::Mutex;
use tokio::sync::Notify;

/// The most of the org's concurrency limit a client takes, whatever its share of the rate
/// limits: the other half stays for sign-ins and the org's other clients.
pub const MAX_CONCURRENCY_SHARE: f64 = 0.5;

/// Room for rounding in percentages.
const EPSILON: f64 = 1e-9;

/// The requests a client keeps in flight at most by default: `capacity` (its share of each
/// rate-limit bucket, 0 to 1) of the org's concurrency limit, at most half of it, at least one.
pub fn default_bound(org_limit: u32, capacity: f64) -> usize {
    let share = capacity.clamp(0.0, MAX_CONCURRENCY_SHARE);
    ((f64::from(org_limit) * share + EPSILON).floor() as usize).max(1)
}

#[derive(Debug)]
pub struct InFlightLimit {
    /// The admin's bound, if any tighter than the org's.
    max: usize,
    /// The client's share of each rate-limit bucket.
    capacity: f64,
    state: Mutex<State>,
    freed: Notify,
}

#[derive(Debug)]
struct State {
    /// The bound as the org's plan is known: what `limit` grows back to.
    ceiling: usize,
    limit: usize,
    in_use: usize,
    clean_answers: usize,
}

/// One request's place in flight, given back when dropped.
#[derive(Debug)]
pub struct InFlightPermit<'a>(&'a InFlightLimit);

impl InFlightLimit {
    /// `max`: the admin's bound; `capacity`: the client's share of each bucket, 0 to 1.
    pub fn new(max: usize, capacity: f64) -> InFlightLimit {
        let max = max.max(1);
        let ceiling = default_bound(concurrency_limit(None), capacity).min(max);
        InFlightLimit {
            max,
            capacity,
            state: Mutex::new(State {
                ceiling,
                limit: ceiling,
                in_use: 0,
                clean_answers: 0,
            }),
            freed: Notify::new(),
        }
    }

    /// The most this client ever keeps in flight, on the largest plan.
    pub fn most(&self) -> usize {
        let largest = concurrency_limit(Some(u32::MAX));
        default_bound(largest, self.capacity).min(self.max)
    }

    pub async fn acquire(&self) -> InFlightPermit<'_> {
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            {
                let mut state = self.state.lock();
                if state.in_use < state.limit {
                    state.in_use += 1;
                    return InFlightPermit(self);
                }
            }
            freed.await;
        }
    }

    /// The current bound.
    pub fn limit(&self) -> usize {
        self.state.lock().limit
    }

    /// Okta refused a request for too many in flight.
    pub fn concurrency_429(&self) {
        let mut state = self.state.lock();
        state.limit = (state.limit / 2).max(1);
        state.clean_answers = 0;
    }

    /// An answer that was not a concurrency 429, with its bucket's limit if it had one: a limit
    /// above Integrator Free's shows a plan with the larger concurrency limit, and the bound
    /// rises to its share of it (unless a concurrency 429 lowered it).
    pub fn answered(&self, bucket_limit: Option<u32>) {
        let mut state = self.state.lock();
        let mut grew = false;
        let ceiling = default_bound(concurrency_limit(bucket_limit), self.capacity).min(self.max);
        if ceiling > state.ceiling {
            if state.limit == state.ceiling {
                state.limit = ceiling;
                grew = true;
            }
            state.ceiling = ceiling;
        }
        if state.limit < state.ceiling {
            state.clean_answers += 1;
            if state.clean_answers >= state.limit * 4 {
                state.limit += 1;
                state.clean_answers = 0;
                grew = true;
            }
        }
        drop(state);
        if grew {
            self.freed.notify_waiters();
        }
    }
}

impl Drop for InFlightPermit<'_> {
    fn drop(&mut self) {
        self.0.state.lock().in_use -= 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[tokio::test]
    async fn halves_on_concurrency_429_and_recovers() {
        let limit = InFlightLimit::new(8, 0.5);
        assert_eq!(
            limit.limit(),
            8,
            "the admin's bound is under the org's share"
        );
        limit.concurrency_429();
        assert_eq!(limit.limit(), 4);
        limit.concurrency_429();
        limit.concurrency_429();
        limit.concurrency_429();
        assert_eq!(limit.limit(), 1, "never below one");
        for _ in 0..4 {
            limit.answered(Some(600));
        }
        assert_eq!(limit.limit(), 2);
    }

    #[tokio::test]
    async fn bounds_permits() {
        let limit = InFlightLimit::new(2, 1.0);
        let a = limit.acquire().await;
        let _b = limit.acquire().await;
        let third =
            tokio::time::timeout(std::time::Duration::from_millis(50), limit.acquire()).await;
        assert!(third.is_err(), "a third waits");
        drop(a);
        let third =
            tokio::time::timeout(std::time::Duration::from_millis(50), limit.acquire()).await;
        assert!(third.is_ok());
    }

    #[test]
    fn the_bound_is_the_share_of_the_plan_the_limits_show() {
        let limit = InFlightLimit::new(75, 0.5);
        assert_eq!(
            limit.limit(),
            17,
            "half of Integrator Free's 35 until the plan shows"
        );
        limit.answered(Some(100));
        assert_eq!(limit.limit(), 17, "100 a minute is Integrator Free's");
        limit.answered(Some(600));
        assert_eq!(limit.limit(), 37, "half of Workforce's 75");
        assert_eq!(limit.most(), 37);
        let admin = InFlightLimit::new(8, 0.5);
        admin.answered(Some(600));
        assert_eq!(admin.limit(), 8, "the admin's bound caps it");
        let lowered = InFlightLimit::new(75, 0.5);
        lowered.concurrency_429();
        lowered.answered(Some(600));
        assert_eq!(lowered.limit(), 8, "a concurrency 429's lowering is kept");
    }

    proptest! {
        /// Whatever the share and the plan, a client keeps at most half of the org's
        /// concurrency limit in flight, and at least one.
        #[test]
        fn never_more_than_half_of_the_orgs_concurrency(
            capacity_pct in 1u32..=100,
            bucket_limit in proptest::option::of(0u32..100_000),
            admin in 1usize..500,
        ) {
            let limit = InFlightLimit::new(admin, f64::from(capacity_pct) / 100.0);
            limit.answered(bucket_limit);
            let org = concurrency_limit(bucket_limit) as usize;
            prop_assert!(limit.limit() >= 1);
            prop_assert!(limit.limit() * 2 <= org, "{} of {}", limit.limit(), org);
            prop_assert!(limit.limit() <= admin);
            prop_assert!(limit.limit() <= limit.most());
        }
    }
}
