//! A run's record: what was asked and by whom (never a secret), and the timeline per
//! rate-limit bucket (requests, the remaining budget, waits for a reset, 429s, latency). The
//! `RunRecorder` builds it from the run's events and keeps it in the run's journal, so that the
//! run report can be drawn at the end of the run (`--report`) or later (`oktabulk report`). The
//! journal and the report both depend on this module; it depends on neither's internals.

use crate::engine::events::{Event, Reporter};
use crate::exit::AppError;
use crate::journal::Journal;
use crate::outcome::RowTally;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// What was asked, by whom: shown at the top of the report. A record kept before a field
/// existed reads it empty.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RunFacts {
    pub command: String,
    /// The command line as the admin typed it (after `oktabulk`), shell-quoted where needed.
    pub command_line: String,
    /// Where the results file was written.
    pub results: String,
    pub org: String,
    pub file: String,
    /// The input's SHA-256, as the journal keeps it.
    pub digest: String,
    /// Option name and value, as given or defaulted.
    pub options: Vec<(String, String)>,
    /// Where the settings came from (files and variables by name, never their values).
    pub sources: Vec<String>,
    /// Who ran it: the API token's owner when the org told it (`/users/me`), else the local
    /// account, with which of the two it is.
    pub user: String,
    /// The credentials' kind (and a service app's client id).
    pub principal: String,
}

/// One second of one bucket.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Second {
    pub requests: u32,
    pub too_many: u32,
    /// The lowest `X-Rate-Limit-Remaining` seen, and its limit.
    pub remaining: Option<(u32, u32)>,
    pub latency_sum_ms: f64,
    pub latency_max_ms: f64,
}

/// A wait for a bucket's window to reset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResetWait {
    pub bucket: String,
    pub second: u64,
    pub seconds: f64,
}

/// What a run keeps for its report: the facts and the timeline (in its journal).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RunRecord {
    pub facts: RunFacts,
    pub started_at: String,
    pub took_ms: u64,
    pub total: u64,
    /// By bucket name, by second since the start.
    pub seconds: BTreeMap<String, BTreeMap<u64, Second>>,
    pub waits: Vec<ResetWait>,
    /// Retries by reason.
    pub retries: BTreeMap<String, u64>,
    pub interrupted: bool,
}

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
