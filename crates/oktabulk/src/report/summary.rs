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
    /// Rows that set a password.
    passwords: u64,
    /// `users import`: rows that met an existing user who cannot sign in, by status, with the
    /// command that changes it.
    unusable: Option<std::collections::BTreeMap<(&'static str, String), u64>>,
}

impl Summary {
    /// `unusable_users`: count the rows that met an existing user who cannot sign in.
    pub fn new(results: String, done_word: &'static str, unusable_users: bool) -> Summary {
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
            passwords: 0,
            unusable: unusable_users.then(Default::default),
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
                if let (Some(unusable), Some(fix), CreationStatus::Exists) = (
                    self.unusable.as_mut(),
                    row.needs_attention(),
                    row.user_creation_status,
                ) {
                    *unusable.entry((fix, row.user_status.clone())).or_default() += 1;
                }
                if row.password_set && !row.failed() {
                    self.passwords += 1;
                }
                if row.group_assignment == GroupStatus::Failed {
                    self.group_failed += 1;
                }
                if row.failed()
                    && row.unsettled
                    && row.user_creation_status != CreationStatus::Interrupted
                {
                    self.unsettled += 1;
                }
            }
            Event::Paced { waited, .. } => {
                self.paced += *waited;
                self.paced_requests += 1;
            }
            Event::Retrying { .. } => self.retries += 1,
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), AppError> {
        let elapsed = self.started.elapsed();
        let rate = self.rows as f64 / elapsed.as_secs_f64().max(0.001);
        let counts: Vec<String> = self
            .tally
            .by_word(self.done_word)
            .iter()
            .map(|(n, word)| format!("{n} {word}"))
            .collect();
        let mut line = crate::outcome::rows(self.rows);
        if !counts.is_empty() {
            line = format!("{line}: {}", counts.join(", "));
        }
        if self.passwords > 0 {
            line = format!("{line}; passwords set for {}", self.passwords);
        }
        if self.group_failed > 0 {
            line = format!("{line}; group assignment failed for {}", self.group_failed);
        }
        eprintln!("{line}");
        eprintln!(
            "{:.1}s ({rate:.0} rows/s); rate-limit pacing held requests back {} times ({:.1}s summed over concurrent requests); {} retries",
            elapsed.as_secs_f64(),
            self.paced_requests,
            self.paced.as_secs_f64(),
            self.retries
        );
        if self.resumed > 0 {
            eprintln!(
                "{} finished by the interrupted run of this command and not sent again: their results are that run's (the time it saw each is in earlierRun)",
                crate::outcome::rows(self.resumed)
            );
        }
        if self.unsettled > 0 {
            eprintln!(
                "{} failed rows failed for reasons that may pass (rate limits, server errors, the network): run the same command again to retry them",
                self.unsettled
            );
        }
        if let Some(unusable) = self.unusable.as_ref().filter(|u| !u.is_empty()) {
            let mut fixes: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
            let mut total = 0;
            for ((fix, status), n) in unusable {
                total += n;
                fixes.entry(fix).or_default().push(format!("{n} {status}"));
            }
            let advice: Vec<String> = fixes
                .iter()
                .map(|(fix, found)| {
                    format!("{}: oktabulk {fix} {}", found.join(", "), self.results)
                })
                .collect();
            eprintln!(
                "needs attention: {} existed but cannot sign in ({})",
                crate::outcome::rows(total),
                advice.join("; ")
            );
        }
        eprintln!("results: {}", self.results);
        Ok(())
    }
}
