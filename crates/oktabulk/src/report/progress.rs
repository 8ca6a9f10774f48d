//! The progress bar on stderr (rows done, rate, ETA, rate-limit waits; hidden when stderr is
//! not a terminal) and the per-row lines in the classic script's colours.

use crate::engine::{Event, Reporter};
use crate::exit::AppError;
use crate::outcome::{Action, CreationStatus};
use crate::report::printable;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use okta_model::rate_limit::Bucket;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    waits: u64,
    waited: Duration,
    retries: u64,
    /// The bucket whose window's reset requests wait for now, and until when.
    resetting: Option<(Bucket, Instant)>,
    windows: WindowEta,
    done: u64,
    total: u64,
}

/// The time left by the pacing model: rows go in bursts of a window's share, then wait for the
/// window's reset. Learned from the run itself: the rows done between two resets, and the time
/// between them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct WindowEta {
    /// The last two window ends seen, with the rows done when each was reached.
    ends: Vec<(Instant, u64)>,
}

impl WindowEta {
    /// A wait for a reset at `ends`; a reset more than half a second from the last one is a
    /// new window's.
    pub fn reset_at(&mut self, ends: Instant, done: u64) {
        let new = self.ends.last().is_none_or(|(last, _)| {
            ends.saturating_duration_since(*last) > Duration::from_millis(500)
        });
        if new {
            self.ends.push((ends, done));
            if self.ends.len() > 2 {
                self.ends.remove(0);
            }
        }
    }

    /// The time left for `total - done` rows at the last window's pace, once two resets tell it.
    pub fn left(&self, done: u64, total: u64, now: Instant) -> Option<Duration> {
        let [(first, done_first), (last, done_last)] = self.ends[..] else {
            return None;
        };
        let per_window = done_last.saturating_sub(done_first);
        let window = last.saturating_duration_since(first);
        if per_window == 0 || window.is_zero() {
            return None;
        }
        let windows = total.saturating_sub(done) as f64 / per_window as f64;
        let since_reset = now.saturating_duration_since(last);
        Some(window.mul_f64(windows).saturating_sub(since_reset))
    }
}

impl Progress {
    pub fn new() -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} rows  {per_sec}  ETA {eta}  {msg}")
                .expect("the template is valid"),
        );
        Progress {
            bar,
            waits: 0,
            waited: Duration::ZERO,
            retries: 0,
            resetting: None,
            windows: WindowEta::default(),
            done: 0,
            total: 0,
        }
    }

    fn message(&self) {
        let mut msg = String::new();
        if let Some(left) = self.windows.left(self.done, self.total, Instant::now()) {
            msg.push_str(&format!(
                "~{}s left at this run's share of each window  ",
                left.as_secs()
            ));
        }
        if let Some((bucket, until)) = self.resetting {
            let left = until.saturating_duration_since(Instant::now());
            msg.push_str(&format!(
                "share of the {} window spent: waiting {}s for its reset  ",
                bucket.name(),
                left.as_secs().max(1)
            ));
        }
        if self.waits > 0 {
            msg.push_str(&format!(
                "rate-limit waits {} ({:.1}s)",
                self.waits,
                self.waited.as_secs_f64()
            ));
        }
        if self.retries > 0 {
            msg.push_str(&format!("  retries {}", self.retries));
        }
        self.bar.set_message(msg);
    }
}

impl Progress {
    /// A handle for printing lines around the bar without tearing it.
    pub fn bar(&self) -> ProgressBar {
        self.bar.clone()
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

impl Reporter for Progress {
    fn event(&mut self, event: &Event) -> Result<(), AppError> {
        match event {
            Event::Started { total } => {
                self.total = *total;
                self.bar.set_length(*total);
            }
            Event::RowDone { .. } => {
                self.done += 1;
                self.bar.inc(1);
            }
            Event::Paced { waited, .. } => {
                self.waits += 1;
                self.waited += *waited;
                self.resetting = None;
                self.message();
            }
            Event::WaitingForReset { bucket, wait } => {
                let ends = Instant::now() + *wait;
                self.resetting = Some((*bucket, ends));
                self.windows.reset_at(ends, self.done);
                self.message();
            }
            Event::Retrying { .. } => {
                self.retries += 1;
                self.message();
            }
            Event::Answered(_)
            | Event::InFlightLowered { .. }
            | Event::Interrupted
            | Event::Finished => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), AppError> {
        self.bar.finish_and_clear();
        Ok(())
    }
}

/// One line per row, as the classic script printed them.
#[derive(Debug)]
pub struct RowLines {
    colour: bool,
    /// The progress bar, if shown: lines are printed around it.
    bar: Option<ProgressBar>,
}

impl RowLines {
    pub fn new(colour: bool, bar: Option<ProgressBar>) -> RowLines {
        RowLines { colour, bar }
    }

    fn paint(&self, code: &str, text: String) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text
        }
    }
}

impl Reporter for RowLines {
    fn event(&mut self, event: &Event) -> Result<(), AppError> {
        let line = match event {
            Event::RowDone { result: row, .. } => {
                let login = printable(&row.login);
                let action = row.action.as_str();
                let import = matches!(row.action, Action::Create | Action::Skip);
                match row.user_creation_status {
                    CreationStatus::Success if import => {
                        self.paint("32", format!("Created user for {login}"))
                    }
                    CreationStatus::Success => self.paint("32", format!("{action}: {login}")),
                    CreationStatus::Exists => self.paint("33", format!("{login} already exists!")),
                    CreationStatus::Updated => self.paint("36", format!("Updated {login}")),
                    CreationStatus::Unchanged => {
                        self.paint("37", format!("{action}: {login} already was (unchanged)"))
                    }
                    CreationStatus::Interrupted => {
                        self.paint("35", format!("Interrupted: {login} (line {})", row.line))
                    }
                    CreationStatus::Planned => self.paint("32", format!("would {action}: {login}")),
                    CreationStatus::Failed => self.paint(
                        "31",
                        format!(
                            "Failed for {login} (line {}): {}",
                            row.line,
                            printable(&row.error_message)
                        ),
                    ),
                }
            }
            Event::InFlightLowered { limit } => {
                format!("Okta refused requests for concurrency; now at most {limit} in flight")
            }
            Event::Interrupted => "Interrupted: finishing the rows in flight".to_owned(),
            _ => return Ok(()),
        };
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_left_follows_the_windows() {
        let start = Instant::now();
        let mut eta = WindowEta::default();
        assert_eq!(eta.left(0, 1000, start), None, "nothing learned yet");
        eta.reset_at(start + Duration::from_secs(60), 300);
        eta.reset_at(start + Duration::from_millis(60_200), 301);
        assert_eq!(
            eta.left(300, 1000, start),
            None,
            "the same reset twice is one window"
        );
        eta.reset_at(start + Duration::from_secs(120), 600);
        // 400 rows left at 300 a minute, 10 s into the window after the second reset
        let left = eta
            .left(600, 1000, start + Duration::from_secs(130))
            .expect("two windows seen");
        assert_eq!(left.as_secs(), 70);
    }
}
