//! Events of a run and the reporters that consume them, in order, on one task.

use crate::engine::stop::{Stop, StopReason};
use crate::exit::AppError;
use crate::outcome::RowResult;
use okta_client::RetryReason;
use okta_model::rate_limit::Bucket;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, Clone)]
pub enum Event {
    /// The run starts with this many rows.
    Started {
        total: u64,
    },
    /// A row's result; `resumed` when an earlier run had finished it and nothing was sent.
    RowDone {
        result: Box<RowResult>,
        resumed: bool,
    },
    /// The org answered a request (status, rate-limit headers, latency).
    Answered(okta_client::Answer),
    /// A request waited for its bucket's pacing.
    Paced {
        waited: Duration,
    },
    /// This run's share of a bucket's window is spent: requests wait this long for its reset.
    WaitingForReset {
        bucket: Bucket,
        wait: Duration,
    },
    /// A request is sent again, for `reason`.
    Retrying {
        reason: RetryReason,
    },
    InFlightLowered {
        limit: usize,
    },
    /// Ctrl-C: no new rows start; rows in flight finish.
    Interrupted,
    /// The last event of a run.
    Finished,
}

/// Consumes events. `finish` runs once after the last event.
pub trait Reporter: Send {
    fn event(&mut self, event: &Event) -> Result<(), AppError>;
    fn finish(&mut self) -> Result<(), AppError> {
        Ok(())
    }
}

/// Turns the client's observations into events; an org that stopped answering stops the run.
#[derive(Debug, Clone)]
pub struct ClientEvents(pub UnboundedSender<Event>, pub Arc<Stop>);

impl okta_client::Observer for ClientEvents {
    fn org_unreachable(&self, error: &okta_client::Error) {
        self.1.set(StopReason::OrgUnreachable(error.to_string()));
    }

    fn answered(&self, answer: &okta_client::Answer) {
        let _ = self.0.send(Event::Answered(*answer));
    }

    fn paced(&self, _bucket: Bucket, waited: Duration) {
        let _ = self.0.send(Event::Paced { waited });
    }

    fn waiting_for_reset(&self, bucket: Bucket, wait: Duration) {
        let _ = self.0.send(Event::WaitingForReset { bucket, wait });
    }

    fn retrying(&self, _bucket: Bucket, reason: RetryReason, _attempt: u32, _after: Duration) {
        let _ = self.0.send(Event::Retrying { reason });
    }

    fn in_flight_lowered(&self, limit: usize) {
        let _ = self.0.send(Event::InFlightLowered { limit });
    }
}
