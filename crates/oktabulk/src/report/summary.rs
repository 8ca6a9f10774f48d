//! The final summary on stderr: rows by status, groups, time and rate, rate-limit waits, and
//! where the results are.

use crate::engine::{Event, Reporter};
use crate::exit::AppError;
use crate::outcome::{CreationStatus, GroupStatus, RowTally};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Summary {
    started: Instant,
    results: String,
    /// What a `Success` row is called (`created`, `deactivated`...).
    done_word: &'static str,
    rows: u64,
    resumed: u64,
    /// Rows by status (the run report counts them the same way).
    tally: RowTally,
    group_failed: u64,
    /// Failed rows a rerun of the same command sends again.
    unsettled: u64,
    paced: Duration,
    paced_requests: u64,
    retries: u64,
    interrupted: bool,
}

impl Summary {
    pub fn new(results: String, done_word: &'static str) -> Summary {
        Summary {
            started: Instant::now(),
            results,
            done_word,
            rows: 0,
            resumed: 0,
            tally: RowTally::default(),
            group_failed: 0,
            unsettled: 0,
            paced: Duration::ZERO,
            paced_requests: 0,
            retries: 0,
            interrupted: false,
        }
    }
}

impl Reporter for Summary {
    fn event(&mut self, event: &Event) -> Result<(), AppError> {
        match event {
            Event::RowDone {
                result: row,
                resumed,
            } => {
                self.rows += 1;
                self.resumed += u64::from(*resumed);
                self.tally.add(row);
                if row.group_assignment == GroupStatus::Failed {
                    self.group_failed += 1;
                }
                if row.failed() && row.unsettled {
                    self.unsettled += 1;
                }
            }
            Event::Paced { waited, .. } => {
                self.paced += *waited;
                self.paced_requests += 1;
            }
            Event::Retrying { .. } => self.retries += 1,
            Event::Interrupted => self.interrupted = true,
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), AppError> {
        let elapsed = self.started.elapsed();
        let rate = self.rows as f64 / elapsed.as_secs_f64().max(0.001);
        let count = |status| self.tally.count(status);
        let mut counts = vec![format!(
            "{} {}",
            count(CreationStatus::Success),
            self.done_word
        )];
        for (n, word) in [
            (count(CreationStatus::Exists), "existed"),
            (count(CreationStatus::Updated), "updated"),
            (count(CreationStatus::Unchanged), "unchanged"),
        ] {
            if n > 0 || (word != "unchanged" && self.done_word == "created") {
                counts.push(format!("{n} {word}"));
            }
        }
        counts.push(format!("{} failed", count(CreationStatus::Failed)));
        eprintln!(
            "{} rows: {}; group assignment failed for {}",
            self.rows,
            counts.join(", "),
            self.group_failed
        );
        eprintln!(
            "{:.1}s ({rate:.0} rows/s); rate-limit pacing held requests back {} times ({:.1}s summed over concurrent requests); {} retries",
            elapsed.as_secs_f64(),
            self.paced_requests,
            self.paced.as_secs_f64(),
            self.retries
        );
        if self.resumed > 0 {
            eprintln!(
                "{} rows were finished by an earlier run of this command and not sent again",
                self.resumed
            );
        }
        if self.unsettled > 0 {
            eprintln!(
                "{} failed rows failed for reasons that may pass (rate limits, server errors, the network): run the same command again to retry them",
                self.unsettled
            );
        }
        eprintln!("results: {}", self.results);
        if self.interrupted {
            eprintln!("interrupted: run the same command again to finish the remaining rows");
        }
        Ok(())
    }
}
