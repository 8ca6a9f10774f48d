//! The final summary on stderr: rows by status, the failed rows (the first few, with Okta's
//! error), rows needing attention, what to do next, time and rate, the time spent waiting for
//! rate limits (wall-clock, not summed over requests), and where the results and the report are.

use crate::engine::{Event, Reporter};
use crate::exit::AppError;
use crate::outcome::{GroupStatus, NextStep, RowTally};
use crate::report::{printable, words};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Summary {
    started: Instant,
    results: String,
    /// The options that reach the run's org, for the commands it suggests.
    connection: String,
    /// What a `Success` row is called (`created`, `deactivated`...).
    done_word: &'static str,
    rows: u64,
    resumed: u64,
    /// Rows by status (the run report counts them the same way).
    tally: RowTally,
    group_failed: u64,
    paced_requests: u64,
    retries: u64,
    /// Rows that set a password.
    passwords: u64,
    /// The first failed rows by line: login, Okta's code, the message.
    failures: std::collections::BTreeMap<u64, (String, String, String)>,
    /// Wall-clock time some request waited for pacing, and until when it is counted.
    waited: Duration,
    waited_until: Option<Instant>,
    /// Where `--report` writes the run's page.
    report: Option<String>,
}

/// A rate as people read it: rows a second, or a minute when slower than one a second.
fn per_second(rate: f64) -> String {
    if rate >= 1.0 {
        format!("{rate:.0} rows/s")
    } else {
        format!("{:.0} rows/min", rate * 60.0)
    }
}

/// Failed rows the summary names; the rest are in the results file.
const FAILURES_SHOWN: usize = 10;

impl Summary {
    pub fn new(
        results: String,
        report: Option<String>,
        done_word: &'static str,
        connection: String,
    ) -> Summary {
        Summary {
            connection,
            started: Instant::now(),
            results,
            done_word,
            rows: 0,
            resumed: 0,
            tally: RowTally::default(),
            group_failed: 0,
            paced_requests: 0,
            retries: 0,
            passwords: 0,
            failures: Default::default(),
            waited: Duration::ZERO,
            waited_until: None,
            report,
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
                if row.failed() {
                    self.failures.insert(
                        row.line,
                        (
                            row.label(),
                            row.error_code.clone(),
                            row.error_message.clone(),
                        ),
                    );
                    if self.failures.len() > FAILURES_SHOWN {
                        self.failures.pop_last();
                    }
                }
                if row.password_set && !row.failed() {
                    self.passwords += 1;
                }
                if row.group_assignment == GroupStatus::Failed {
                    self.group_failed += 1;
                }
            }
            Event::Paced { waited, .. } => {
                self.paced_requests += 1;
                // Waits of requests in flight together overlap: count each moment once.
                let end = Instant::now();
                let start = end.checked_sub(*waited).unwrap_or(end);
                let from = self.waited_until.map_or(start, |until| until.max(start));
                self.waited += end.saturating_duration_since(from);
                self.waited_until = Some(self.waited_until.map_or(end, |u| u.max(end)));
            }
            Event::Retrying { .. } => self.retries += 1,
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), AppError> {
        let width = words::width();
        for (line, indent) in self.lines() {
            for part in words::wrap(&line, width, indent) {
                crate::errln!("{part}");
            }
        }
        Ok(())
    }
}

impl Summary {
    /// The summary's lines, each with the indent of its continuation lines when it wraps.
    fn lines(&self) -> Vec<(String, &'static str)> {
        let mut lines = Vec::new();
        let elapsed = self.started.elapsed();
        let rate = self.rows as f64 / elapsed.as_secs_f64().max(0.001);
        let counts: Vec<String> = self
            .tally
            .by_word(self.done_word)
            .iter()
            .map(|(n, word)| format!("{n} {word}"))
            .collect();
        let mut line = words::count(self.rows, "row", "rows");
        if !counts.is_empty() {
            line = format!("{line}: {}", counts.join(", "));
        }
        if self.passwords > 0 {
            line = format!("{line}; passwords set for {}", self.passwords);
        }
        if self.group_failed > 0 {
            line = format!("{line}; group assignment failed for {}", self.group_failed);
        }
        lines.push((line, "  "));
        for (n, (line, (login, code, message))) in self.failures.iter().enumerate() {
            let lead = if n == 0 { "failed:" } else { "       " };
            let code = if code.is_empty() {
                String::new()
            } else {
                format!("{code} ")
            };
            lines.push((
                format!(
                    "{lead} line {line} {}: {code}{}",
                    printable(login),
                    printable(message)
                ),
                "          ",
            ));
        }
        let more = self.tally.failed.saturating_sub(self.failures.len() as u64);
        if more > 0 {
            lines.push((
                format!("        and {more} more in {}", self.results),
                "          ",
            ));
        }
        lines.push((self.time_line(elapsed, rate), "  "));
        if self.resumed > 0 {
            lines.push((
                format!(
                    "{} finished by the interrupted run of this command and not sent again: their results are that run's (the time it saw each is in earlierRun)",
                    words::count(self.resumed, "row", "rows")
                ),
                "  ",
            ));
        }
        let mut fixes = Vec::new();
        for step in self.tally.next_steps() {
            match step {
                NextStep::Rerun { rows } => lines.push((
                    format!(
                        "next: run the same command again: it settles and sends the {} that failed for reasons that may pass (rate limits, server errors, the network)",
                        words::count(rows, "row", "rows")
                    ),
                    "      ",
                )),
                NextStep::FixAndRerun { .. } => lines.push((
                    "next: fix the failed lines and run the same command again: a finished file runs anew, and the rows done are found as they are".to_owned(),
                    "      ",
                )),
                NextStep::FixUsers { command, found } => fixes.push((command, found)),
            }
        }
        if !fixes.is_empty() {
            let total: u64 = fixes.iter().flat_map(|(_, f)| f).map(|(n, _)| n).sum();
            lines.push((
                format!(
                    "needs attention: {} existed but cannot sign in:",
                    words::count(total, "row", "rows")
                ),
                "  ",
            ));
            // One line per fix, so that each command reads (and copies) whole.
            for (fix, found) in &fixes {
                let found: Vec<String> = found.iter().map(|(n, s)| format!("{n} {s}")).collect();
                lines.push((
                    format!(
                        "  {}: oktabulk {fix} {}{}",
                        found.join(", "),
                        self.results,
                        self.connection
                    ),
                    "    ",
                ));
            }
        }
        lines.push((format!("results: {}", self.results), "  "));
        if let Some(report) = &self.report {
            lines.push((format!("report: {report}"), "  "));
        }
        lines
    }

    /// How long the run took, how long rate limits held it back (as wall-clock time, each
    /// moment once) and how many requests were retried.
    fn time_line(&self, elapsed: Duration, rate: f64) -> String {
        let mut line = format!("{:.1}s ({})", elapsed.as_secs_f64(), per_second(rate));
        if self.paced_requests > 0 {
            let held = words::count(self.paced_requests, "request", "requests");
            if self.waited < Duration::from_millis(100) {
                line.push_str(&format!("; rate limits held back {held} briefly"));
            } else {
                line.push_str(&format!(
                    "; rate limits held back {held} for {:.1}s",
                    self.waited.as_secs_f64()
                ));
            }
        }
        let retries = match self.retries {
            0 => "no retries".to_owned(),
            n => words::count(n, "retry", "retries"),
        };
        format!("{line}; {retries}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time_line(paced: &[Duration], retries: u32) -> String {
        let mut summary = Summary::new("r.csv".into(), None, "created", String::new());
        for waited in paced {
            let paced = Event::Paced { waited: *waited };
            summary.event(&paced).expect("counted");
        }
        for _ in 0..retries {
            let retrying = Event::Retrying {
                reason: okta_client::RetryReason::NotSent,
            };
            summary.event(&retrying).expect("counted");
        }
        summary.time_line(Duration::from_secs(2), 10.0)
    }

    /// Waits as people read them: none is not mentioned, a few milliseconds are "briefly"
    /// (never "0.0s"), and every count agrees with its noun.
    #[test]
    fn the_time_line_says_waits_and_retries_as_people_read_them() {
        assert_eq!(time_line(&[], 0), "2.0s (10 rows/s); no retries");
        let short = vec![Duration::from_millis(1); 23];
        assert_eq!(
            time_line(&short, 1),
            "2.0s (10 rows/s); rate limits held back 23 requests briefly; 1 retry"
        );
        let long = time_line(&[Duration::from_millis(1500)], 2);
        assert!(
            long.ends_with("rate limits held back 1 request for 1.5s; 2 retries"),
            "{long}"
        );
    }
}
