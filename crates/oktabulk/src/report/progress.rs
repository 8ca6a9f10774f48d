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
        }
    }

    fn message(&self) {
        let mut msg = String::new();
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
            Event::Started { total } => self.bar.set_length(*total),
            Event::RowDone { .. } => self.bar.inc(1),
            Event::Paced { waited, .. } => {
                self.waits += 1;
                self.waited += *waited;
                self.resetting = None;
                self.message();
            }
            Event::WaitingForReset { bucket, wait } => {
                self.resetting = Some((*bucket, Instant::now() + *wait));
                self.message();
            }
            Event::Retrying { .. } => {
                self.retries += 1;
                self.message();
            }
            Event::InFlightLowered { .. } | Event::Interrupted | Event::Finished => {}
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
