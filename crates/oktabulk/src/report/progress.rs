//! The progress line on stderr (rows done, rate, one ETA, a reset wait counting down, the time
//! waited; fitted to the terminal's width; hidden when stderr is not a terminal) and the per-row
//! lines in the classic script's colours.

use crate::engine::{Event, Reporter};
use crate::exit::AppError;
use crate::outcome::{Action, CreationStatus};
use crate::report::printable;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use okta_model::rate_limit::Bucket;
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The progress line on stderr, redrawn every second (so a wait for a window's reset counts
/// down) from what the events told: `ProgressView` holds it, `ProgressView::line` draws it to
/// the terminal's width.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    view: Arc<Mutex<ProgressView>>,
}

/// What the progress line shows.
#[derive(Debug, Clone)]
pub struct ProgressView {
    pub started: Instant,
    pub done: u64,
    pub total: u64,
    /// The bucket whose window's reset requests wait for now, and until when.
    pub resetting: Option<(Bucket, Instant)>,
    pub windows: WindowEta,
    /// Wall-clock time some request waited for pacing (overlapping waits counted once).
    pub waited: Duration,
    waited_until: Option<Instant>,
    pub retries: u64,
}

impl ProgressView {
    pub fn new(started: Instant) -> ProgressView {
        ProgressView {
            started,
            done: 0,
            total: 0,
            resetting: None,
            windows: WindowEta::default(),
            waited: Duration::ZERO,
            waited_until: None,
            retries: 0,
        }
    }

    /// A request waited `waited` for pacing, ending now.
    fn paced(&mut self, waited: Duration, now: Instant) {
        let start = now.checked_sub(waited).unwrap_or(now);
        let from = self.waited_until.map_or(start, |until| until.max(start));
        self.waited += now.saturating_duration_since(from);
        self.waited_until = Some(self.waited_until.map_or(now, |u| u.max(now)));
    }

    /// The time left: from the pacing model once two window resets were seen (the run goes
    /// at its share of each window), else from the rate so far.
    fn eta(&self, now: Instant) -> Option<Duration> {
        if let Some(left) = self.windows.left(self.done, self.total, now) {
            return Some(left);
        }
        let elapsed = now.saturating_duration_since(self.started);
        (self.done > 0 && self.total > self.done).then(|| {
            elapsed.mul_f64(self.total.saturating_sub(self.done) as f64 / self.done as f64)
        })
    }

    /// The line at `now`, at most `width` columns: the parts that matter least go first when
    /// the terminal is narrow (the bar, the time waited, the retries, the rate).
    pub fn line(&self, now: Instant, width: usize) -> String {
        let counts = format!("{}/{} rows", self.done, self.total);
        let elapsed = now.saturating_duration_since(self.started).as_secs_f64();
        let rate = (elapsed > 0.0).then(|| rate(self.done as f64 / elapsed));
        let eta = match (self.done >= self.total, self.eta(now)) {
            (true, _) => None,
            (false, Some(left)) => Some(format!("{} left", clock(left))),
            (false, None) => None,
        };
        let waiting = self.resetting.and_then(|(bucket, until)| {
            let left = until.saturating_duration_since(now);
            (!left.is_zero()).then(|| {
                format!(
                    "waiting {} for the {} window",
                    clock(left.max(Duration::from_secs(1))),
                    bucket.name()
                )
            })
        });
        // Under a second reads as "waited 0s": not said.
        let waited = (self.waited >= Duration::from_secs(1))
            .then(|| format!("waited {}", clock(self.waited)));
        let retries =
            (self.retries > 0).then(|| super::words::count(self.retries, "retry", "retries"));
        // In the order shown; dropped from the last of `drop_order` first.
        let mut parts: Vec<(u8, String)> = vec![(0, String::new()), (9, counts)];
        parts.extend(rate.map(|r| (3, r)));
        // A wait explains a line that does not move: it stays longest.
        parts.extend(eta.map(|e| (7, e)));
        parts.extend(waiting.map(|w| (8, w)));
        parts.extend(waited.map(|w| (1, w)));
        parts.extend(retries.map(|r| (2, r)));
        let bar_width = 20;
        let render = |parts: &[(u8, String)], bar: bool| -> String {
            let mut shown: Vec<String> = Vec::new();
            if bar {
                let filled = (self.done.min(self.total) * bar_width)
                    .checked_div(self.total)
                    .unwrap_or(0) as usize;
                shown.push(format!(
                    "{}{}",
                    "#".repeat(filled),
                    "-".repeat(bar_width as usize - filled)
                ));
            }
            shown.extend(
                parts
                    .iter()
                    .filter(|(_, text)| !text.is_empty())
                    .map(|(_, text)| text.clone()),
            );
            shown.join("  ")
        };
        let mut bar = true;
        loop {
            let text = render(&parts, bar);
            if text.chars().count() <= width {
                return text;
            }
            if bar {
                bar = false;
                continue;
            }
            // The least important part still shown goes.
            let Some(least) = parts
                .iter()
                .enumerate()
                .filter(|(_, (rank, text))| *rank < 9 && !text.is_empty())
                .min_by_key(|(_, (rank, _))| *rank)
                .map(|(i, _)| i)
            else {
                return text.chars().take(width).collect();
            };
            parts.remove(least);
        }
    }
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

/// A rate as people read it: whole rows a second, or a minute when slower than one a second.
fn rate(per_second: f64) -> String {
    if per_second >= 1.0 {
        format!("{per_second:.0} rows/s")
    } else {
        format!("{:.0} rows/min", per_second * 60.0)
    }
}

/// A duration as a clock shows it: `42s`, `3m 05s`, `1h 02m`.
fn clock(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

impl Progress {
    pub fn new() -> Progress {
        let view = Arc::new(Mutex::new(ProgressView::new(Instant::now())));
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let shown = Arc::clone(&view);
        bar.set_style(
            ProgressStyle::with_template("{line}")
                .expect("the template is valid")
                .with_key(
                    "line",
                    move |_: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        // One column short of the terminal, so the line never wraps.
                        let width = console::Term::stderr().size().1.max(20) as usize - 1;
                        let _ = w.write_str(&shown.lock().line(Instant::now(), width));
                    },
                ),
        );
        bar.enable_steady_tick(Duration::from_secs(1));
        Progress { bar, view }
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
        let now = Instant::now();
        // The bar draws by calling back into the view: the view's lock is never held while
        // the bar is told anything (that drew into a held lock and hung the run).
        match event {
            Event::Started { total } => {
                self.view.lock().total = *total;
                self.bar.set_length(*total);
                return Ok(());
            }
            Event::RowDone { .. } => {
                self.view.lock().done += 1;
                self.bar.inc(1);
                return Ok(());
            }
            _ => {}
        }
        let mut view = self.view.lock();
        match event {
            Event::Started { .. } | Event::RowDone { .. } => {}
            Event::Paced { waited, .. } => {
                view.paced(*waited, now);
                view.resetting = None;
            }
            Event::WaitingForReset { bucket, wait } => {
                let ends = now + *wait;
                view.resetting = Some((*bucket, ends));
                let done = view.done;
                view.windows.reset_at(ends, done);
            }
            Event::Retrying { .. } => view.retries += 1,
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
                let label = row.label();
                let login = printable(&label);
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
                    CreationStatus::Skipped => {
                        self.paint("37", format!("Left out: {login} (line {})", row.line))
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
            Some(bar) => bar.suspend(|| crate::errln!("{line}")),
            None => crate::errln!("{line}"),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 143 of 400 rows 20 s in, two windows seen, waiting for the users bucket's reset.
    fn waiting() -> (ProgressView, Instant) {
        let start = Instant::now();
        let mut view = ProgressView::new(start);
        view.total = 400;
        view.windows.reset_at(start + Duration::from_secs(5), 50);
        view.windows.reset_at(start + Duration::from_secs(10), 100);
        view.done = 143;
        view.paced(Duration::from_millis(6500), start + Duration::from_secs(18));
        view.paced(Duration::from_millis(6000), start + Duration::from_secs(18));
        view.retries = 2;
        let now = start + Duration::from_secs(20);
        view.resetting = Some((Bucket::Users, now + Duration::from_millis(3400)));
        (view, now)
    }

    #[test]
    fn the_progress_line_fits_its_terminal() {
        let (view, now) = waiting();
        let mut sending = view.clone();
        sending.resetting = None;
        let mut lines = String::new();
        for width in [120, 80, 60, 40] {
            for (what, v) in [("waiting", &view), ("sending", &sending)] {
                let line = v.line(now, width);
                assert!(line.chars().count() <= width, "{width}: {line}");
                lines.push_str(&format!("{width:>3} {what:<7} |{line}\n"));
            }
        }
        insta::assert_snapshot!("progress_lines", lines);
        assert_eq!(
            view.waited,
            Duration::from_millis(6500),
            "overlapping waits once"
        );
    }

    #[test]
    fn a_wait_under_a_second_is_not_said_as_0s() {
        let start = Instant::now();
        let mut view = ProgressView::new(start);
        view.total = 10;
        let now = start + Duration::from_secs(1);
        view.paced(Duration::from_millis(300), now);
        assert!(
            !view.line(now, 120).contains("waited"),
            "{}",
            view.line(now, 120)
        );
        let later = start + Duration::from_secs(3);
        view.paced(Duration::from_millis(1200), later);
        assert!(
            view.line(later, 120).contains("waited 1s"),
            "{}",
            view.line(later, 120)
        );
    }

    #[test]
    fn a_reset_wait_counts_down() {
        let (view, now) = waiting();
        assert!(view.line(now, 120).contains("waiting 3s"));
        assert!(view
            .line(now + Duration::from_secs(1), 120)
            .contains("waiting 2s"));
        assert!(!view
            .line(now + Duration::from_secs(4), 120)
            .contains("waiting"));
    }

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
