//! The bound on requests in flight, kept apart from pacing. It starts at the configured maximum,
//! halves on each concurrency 429 (`X-Rate-Limit-Limit: 0`), and grows back by one after a run of
//! answers without one.

use parking_lot::Mutex;
use tokio::sync::Notify;

#[derive(Debug)]
pub struct InFlightLimit {
    max: usize,
    state: Mutex<State>,
    freed: Notify,
}

#[derive(Debug)]
struct State {
    limit: usize,
    in_use: usize,
    clean_answers: usize,
}

/// One request's place in flight, given back when dropped.
#[derive(Debug)]
pub struct InFlightPermit<'a>(&'a InFlightLimit);

impl InFlightLimit {
    pub fn new(max: usize) -> InFlightLimit {
        let max = max.max(1);
        InFlightLimit {
            max,
            state: Mutex::new(State {
                limit: max,
                in_use: 0,
                clean_answers: 0,
            }),
            freed: Notify::new(),
        }
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

    /// An answer that was not a concurrency 429.
    pub fn answered(&self) {
        let mut state = self.state.lock();
        if state.limit >= self.max {
            return;
        }
        state.clean_answers += 1;
        if state.clean_answers >= state.limit * 4 {
            state.limit += 1;
            state.clean_answers = 0;
            drop(state);
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

    #[tokio::test]
    async fn halves_on_concurrency_429_and_recovers() {
        let limit = InFlightLimit::new(8);
        limit.concurrency_429();
        assert_eq!(limit.limit(), 4);
        limit.concurrency_429();
        limit.concurrency_429();
        limit.concurrency_429();
        assert_eq!(limit.limit(), 1, "never below one");
        for _ in 0..4 {
            limit.answered();
        }
        assert_eq!(limit.limit(), 2);
    }

    #[tokio::test]
    async fn bounds_permits() {
        let limit = InFlightLimit::new(2);
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
}
