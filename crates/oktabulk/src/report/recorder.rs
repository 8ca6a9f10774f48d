//! The reporter that records a run (`crate::record`) from its events, keeps the record in the
//! run's journal at the end, and writes the run report when `--report` asked for one.

use crate::engine::events::{Event, Reporter};
use crate::exit::AppError;
use crate::journal::Journal;
use crate::outcome::RowTally;
use crate::record::{ResetWait, RunFacts, RunRecord};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// Records the run as it goes; at the end keeps the record in the journal and writes the page
/// when `--report` asked for one.
#[derive(Debug)]
pub struct RunRecorder {
    page: Option<PathBuf>,
    journal: Arc<Journal>,
    started: Instant,
    record: RunRecord,
    tally: RowTally,
}

impl RunRecorder {
    pub fn new(page: Option<PathBuf>, journal: Arc<Journal>, facts: RunFacts) -> RunRecorder {
        RunRecorder {
            page,
            journal,
            started: Instant::now(),
            record: RunRecord {
                facts,
                started_at: okta_model::time::format(&SystemTime::now().into()),
                ..RunRecord::default()
            },
            tally: RowTally::default(),
        }
    }
}

impl Reporter for RunRecorder {
    fn event(&mut self, event: &Event) -> Result<(), AppError> {
        let at = self.started.elapsed().as_secs();
        let record = &mut self.record;
        match event {
            Event::Started { total } => record.total = *total,
            Event::Answered(answer) => {
                let s = record
                    .seconds
                    .entry(answer.bucket.name().to_owned())
                    .or_default()
                    .entry(at)
                    .or_default();
                s.requests += 1;
                s.too_many += u32::from(answer.status == 429);
                if let Some(rate) = answer.rate {
                    let lowest = s
                        .remaining
                        .map_or(rate.remaining, |(r, _)| r.min(rate.remaining));
                    s.remaining = Some((lowest, rate.limit));
                }
                let ms = answer.latency.as_secs_f64() * 1000.0;
                s.latency_sum_ms += ms;
                s.latency_max_ms = s.latency_max_ms.max(ms);
            }
            Event::WaitingForReset { bucket, wait } => {
                // Every request in flight waits for the same reset: one per bucket and second.
                let name = bucket.name();
                if !record
                    .waits
                    .iter()
                    .any(|w| w.bucket == name && w.second == at)
                {
                    record.waits.push(ResetWait {
                        bucket: name.to_owned(),
                        second: at,
                        seconds: wait.as_secs_f64(),
                    });
                }
            }
            Event::Retrying { reason, .. } => {
                *record.retries.entry(reason.to_string()).or_default() += 1;
            }
            Event::RowDone { result, .. } => self.tally.add(result),
            Event::Interrupted => record.interrupted = true,
            Event::Paced { .. } | Event::InFlightLowered { .. } | Event::Finished => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), AppError> {
        self.record.took_ms = self.started.elapsed().as_millis() as u64;
        self.journal.keep_record(&self.record);
        match &self.page {
            Some(path) => crate::report::html::write_page(
                path,
                &crate::report::html::render(&self.record, &self.tally),
            ),
            None => Ok(()),
        }
    }
}
