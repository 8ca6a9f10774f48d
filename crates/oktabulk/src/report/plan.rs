//! `--dry-run` of every bulk command: the engine runs each row as the run would, reading what
//! it reads, and stops where the row would first write (the row ends `Planned`, with the calls
//! it would send). This reporter prints what each row would do, the calls by rate-limit bucket,
//! and how long the org's current limits make the run.

use crate::engine::{Event, PreviewReads, Reporter};
use crate::exit::AppError;
use crate::outcome::{RowResult, RowTally};
use crate::report::printable;
use crate::report::words::{count, width, wrap};
use okta_client::{estimate, BucketView};
use okta_model::rate_limit::Bucket;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Logins one batch holds for the estimate before a preview starts: measured batches of
/// 25-character logins held 87 to 97 (long logins fill the URL sooner).
const ESTIMATED_TERMS: u64 = 85;

/// A preview's reading this long or longer is announced before it starts.
const LONG_READING: Duration = Duration::from_secs(60);

/// What a preview's own reading of the org was: its batches, and since when it reads.
#[derive(Debug)]
pub struct Reading {
    pub reads: Arc<PreviewReads>,
    /// Listing the org before the rows, when it did.
    pub listed_in: Duration,
    pub started: Instant,
}

/// Said before a preview starts when reading `rows` logins in batches will take long at the
/// org's limits (the users bucket, learned by the preview's first read).
pub fn reading_note(client: &okta_client::Client, rows: u64) -> Option<String> {
    let users = client
        .buckets()
        .into_iter()
        .find(|b| b.bucket == Bucket::Users)?;
    let queries = rows.div_ceil(ESTIMATED_TERMS);
    let in_flight = client.max_in_flight() as u64;
    let time = estimate(
        queries,
        u64::from(users.allowed),
        WINDOW,
        Duration::ZERO,
        in_flight,
    );
    (time >= LONG_READING).then(|| {
        format!(
            "note: this preview reads the org before it plans: about {} in the {} bucket for {} (up to {} a query), ~{} at this run's share of {} a minute; less if the org is smaller than the file (then it is listed)",
            count(queries, "query", "queries"),
            Bucket::Users.name(),
            count(rows, "login", "logins"),
            okta_client::MAX_TERMS,
            human(time),
            users.allowed
        )
    })
}

/// Okta's rate-limit windows are one minute long (the headers tell a window's end, not its length).
const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
struct Calls(BTreeMap<Bucket, u64>);

impl Calls {
    fn add(&mut self, bucket: Bucket, n: u64) {
        if n > 0 {
            *self.0.entry(bucket).or_default() += n;
        }
    }
}

/// One bucket's calls and how long they take under the limits the org showed.
#[derive(Debug, Clone, PartialEq)]
struct BucketEstimate {
    bucket: Bucket,
    calls: u64,
    view: Option<BucketView>,
    /// The view is the users bucket's: this one was not read yet.
    assumed: bool,
    time: Option<Duration>,
}

/// Each bucket's estimate; a bucket not read yet is taken to be like the users bucket (its
/// Workforce twin), and marked so.
fn estimate_buckets(
    calls: &Calls,
    learned: &[BucketView],
    latency: Duration,
    in_flight: u64,
) -> Vec<BucketEstimate> {
    calls
        .0
        .iter()
        .map(|(bucket, n)| {
            let own = learned.iter().find(|b| b.bucket == *bucket).copied();
            let view = own.or_else(|| learned.iter().find(|b| b.bucket == Bucket::Users).copied());
            let time = view.map(|b| estimate(*n, u64::from(b.allowed), WINDOW, latency, in_flight));
            BucketEstimate {
                bucket: *bucket,
                calls: *n,
                view,
                assumed: own.is_none() && view.is_some(),
                time,
            }
        })
        .collect()
}

/// The bucket table's columns: the bucket, its calls, its limit a minute, this run's share of a
/// window, and the time its calls take.
fn bucket_columns(cells: [&str; 5]) -> String {
    let [bucket, calls, limit, share, time] = cells;
    format!("  {bucket:<26} {calls:>8}  {limit:>10}  {share:>11}  {time}")
        .trim_end()
        .to_owned()
}

fn render_bucket(e: &BucketEstimate) -> String {
    let mark = if e.assumed { "*" } else { "" };
    let (limit, share) = e.view.map_or(("?".to_owned(), "?".to_owned()), |b| {
        (format!("{}{mark}", b.limit), format!("{}{mark}", b.allowed))
    });
    let time = e.time.map_or(String::new(), |t| format!("~{}", human(t)));
    bucket_columns([e.bucket.name(), &e.calls.to_string(), &limit, &share, &time])
}

/// What a dry run's plan adds to the rows' own calls: calls made once for the whole run (the
/// groups `users import` creates), and why its counts are an upper bound, if they are.
#[derive(Debug, Default)]
pub struct Extra {
    pub calls: Vec<(okta_model::rate_limit::Bucket, u64)>,
    /// Why the counts are an upper bound when the preview read logins one by one.
    pub bound: Option<&'static str>,
    /// Lines the plan prints after its counts (whether Okta will send email, say).
    pub notes: Vec<&'static str>,
}

/// The dry run's reporter: a line per row as the engine decided it (nothing is written; rows
/// that would write end `Planned`), the rows counted by status, the reads this preview made
/// and the writes the run would send by rate-limit bucket, and the time the org's limits make
/// the run take. Prints to standard output.
#[derive(Debug)]
pub struct Plan {
    client: okta_client::Client,
    /// What a `Success` of the command is called.
    done_word: &'static str,
    /// Calls the run would send besides the rows' own (groups to create).
    extra: Calls,
    /// Why the plan's counts are an upper bound, when they are.
    bound: Option<&'static str>,
    /// Printed after the counts.
    notes: Vec<&'static str>,
    reads: Calls,
    writes: Calls,
    tally: RowTally,
    passwords: u64,
    latency: Duration,
    answers: u32,
    /// Standard output was closed by its reader.
    closed: bool,
    /// Reads before the rows start (the org's schema and groups, the limits) are not counted.
    started: bool,
    /// Rows' lines (each with its newline) waiting for an earlier row, so that lines come in
    /// input order.
    pending: BTreeMap<u64, Vec<u8>>,
    next: u64,
    reading: Reading,
    /// Standard output, written in blocks: a line per row of a large file.
    out: std::io::BufWriter<std::io::Stdout>,
    /// The columns its sentences wrap to (`words::width`).
    width: usize,
}

impl Plan {
    pub fn new(
        client: okta_client::Client,
        done_word: &'static str,
        extra: Extra,
        reading: Reading,
    ) -> Plan {
        let mut calls = Calls::default();
        for (bucket, n) in extra.calls {
            calls.add(bucket, n);
        }
        Plan {
            client,
            done_word,
            extra: calls,
            bound: extra.bound,
            notes: extra.notes,
            reads: Calls::default(),
            writes: Calls::default(),
            tally: RowTally::default(),
            passwords: 0,
            latency: Duration::ZERO,
            answers: 0,
            started: false,
            closed: false,
            pending: BTreeMap::new(),
            next: 0,
            reading,
            out: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            width: width(),
        }
    }
}

/// A row of the plan: line, action, status, calls it would send, and what names it (with why,
/// for a row that fails).
fn render_row(out: &mut impl Write, row: &RowResult, width: usize) -> std::io::Result<()> {
    let label = row.label();
    let label = printable(&label);
    let (line, action, status, calls) = (
        row.line,
        row.action.as_str(),
        row.user_creation_status.as_str(),
        row.planned.len(),
    );
    if !row.failed() || row.error_message.is_empty() {
        return writeln!(
            out,
            "{line:>6}  {action:<15}  {status:<11}  {calls:>5}  {label}"
        );
    }
    // A failed row says why: after it when that fits the width, else on lines of its own under
    // it (a failed row is rare; the rest of a large plan is written without this).
    let head = format!("{line:>6}  {action:<15}  {status:<11}  {calls:>5}  {label}:");
    let why = printable(&row.error_message);
    if console::measure_text_width(&head) + 1 + console::measure_text_width(&why) <= width {
        return writeln!(out, "{head} {why}");
    }
    writeln!(out, "{head}")?;
    for text in wrap(&format!("{FAILED_INDENT}{why}"), width, FAILED_INDENT) {
        writeln!(out, "{text}")?;
    }
    Ok(())
}

/// Where the lines of a failed row's reason start, when it does not fit after the row.
const FAILED_INDENT: &str = "        ";

impl Plan {
    /// Prints one line of the plan. A reader that went away (`| head`) ends the printing, not
    /// the run; any other failure to write is the run's error.
    fn line(&mut self, text: &str) -> Result<(), AppError> {
        self.print(|out| writeln!(out, "{text}"))
    }

    /// Writes to standard output unless its reader went away (see `line`).
    fn print(
        &mut self,
        write: impl FnOnce(&mut std::io::BufWriter<std::io::Stdout>) -> std::io::Result<()>,
    ) -> Result<(), AppError> {
        if self.closed {
            return Ok(());
        }
        let written = write(&mut self.out);
        self.written(written)
    }

    /// Prints a sentence wrapped to `width` (`words::width`: the terminal's, at most 80, or
    /// `COLUMNS`), its further lines indented.
    fn wrapped(&mut self, text: &str) -> Result<(), AppError> {
        for line in wrap(text, self.width, "  ") {
            self.line(&line)?;
        }
        Ok(())
    }

    fn written(&mut self, written: std::io::Result<()>) -> Result<(), AppError> {
        match written {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(source) => Err(AppError::Write {
                path: "<stdout>".into(),
                source,
            }),
        }
    }

    /// What the preview's own reading cost and took.
    fn reading_line(&self, calls: u64) -> String {
        let stats = self.reading.reads.lookup.stats();
        let how = if self.reading.reads.lookup.listed() {
            format!(
                "the org listed in {} ({}), then {} answered from the list",
                count(stats.listed_pages, "page", "pages"),
                human(self.reading.listed_in),
                count(stats.logins - stats.single, "login", "logins")
            )
        } else {
            format!(
                "{} looked up by {} of up to {} logins each",
                count(stats.logins - stats.single, "login", "logins"),
                count(stats.batches, "filter query", "filter queries"),
                okta_client::MAX_TERMS
            )
        };
        format!(
            "this preview's own reading: {}, took ~{} ({how}; {} read one by one, as the run reads them)",
            count(calls, "call", "calls"),
            human(self.reading.started.elapsed()),
            stats.single
        )
    }
}

impl Reporter for Plan {
    fn event(&mut self, event: &Event) -> Result<(), AppError> {
        match event {
            Event::Started { .. } => {
                self.started = true;
                let header = format!(
                    "{:>6}  {:<15}  {:<11}  {:>5}  user",
                    "line", "action", "result", "calls"
                );
                self.line(&header)?;
            }
            Event::Answered(answer) if self.started => {
                self.reads.add(answer.bucket, 1);
                self.latency += answer.latency;
                self.answers += 1;
            }
            Event::RowDone { result, .. } => {
                for bucket in &result.planned {
                    self.writes.add(*bucket, 1);
                }
                self.tally.add(result);
                if result.password_set {
                    self.passwords += 1;
                }
                if result.seq == self.next {
                    // In order (a dry run's rows mostly are): straight out.
                    let width = self.width;
                    self.print(|out| render_row(out, result, width))?;
                    self.next += 1;
                } else {
                    let mut line = Vec::new();
                    render_row(&mut line, result, self.width).expect("writing to memory");
                    self.pending.insert(result.seq, line);
                }
                while let Some(line) = self.pending.remove(&self.next) {
                    self.print(|out| out.write_all(&line))?;
                    self.next += 1;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), AppError> {
        for line in std::mem::take(&mut self.pending).into_values() {
            self.print(|out| out.write_all(&line))?;
        }
        let rows: u64 = self.tally.outcomes.values().sum();
        let counts: Vec<String> = self
            .tally
            .by_word(self.done_word)
            .iter()
            .map(|(n, word)| format!("{n} {word}"))
            .collect();
        self.line("")?;
        self.line(&format!(
            "{}: {}",
            count(rows, "row", "rows"),
            counts.join(", ")
        ))?;
        if self.passwords > 0 {
            self.line(&format!("passwords to set: {}", self.passwords))?;
        }
        for note in std::mem::take(&mut self.notes) {
            self.wrapped(note)?;
        }
        let stats = self.reading.reads.lookup.stats();
        let own: u64 = self.reads.0.values().sum::<u64>() + stats.listed_pages;
        self.wrapped(&self.reading_line(own))?;
        // The run's reads: the rows' reads here but the batches, and a GET per user a batch
        // found (the run reads each row's user on its own).
        let mut calls = Calls::default();
        for (bucket, n) in &self.reads.0 {
            let batches = if *bucket == Bucket::Users {
                stats.batches
            } else {
                0
            };
            calls.add(*bucket, n.saturating_sub(batches));
        }
        calls.add(
            Bucket::UserGet,
            self.reading.reads.run_gets.load(Ordering::Relaxed),
        );
        for source in [&self.writes, &self.extra] {
            for (bucket, n) in &source.0 {
                calls.add(*bucket, *n);
            }
        }
        // The bound is about logins read one by one: without any, the counts are exact.
        let bound = self.bound.filter(|_| stats.single > 0);
        self.wrapped(&format!(
            "API calls by rate-limit bucket (the run's reads and the writes it would send){}:",
            bound.map_or(String::new(), |why| format!(", at most: {why}"))
        ))?;
        let latency = self.latency / self.answers.max(1);
        let in_flight = self.client.in_flight_limit() as u64;
        let estimates = estimate_buckets(&calls, &self.client.buckets(), latency, in_flight);
        self.line(&bucket_columns([
            "bucket",
            "calls",
            "limit/min",
            "run's share",
            "time",
        ]))?;
        for e in &estimates {
            self.line(&render_bucket(e))?;
        }
        if estimates.iter().any(|e| e.assumed) {
            self.wrapped(&format!(
                "  * not read yet: taken to be {}'s limit",
                Bucket::Users.name()
            ))?;
        }
        let longest = estimates
            .iter()
            .filter_map(|e| e.time)
            .max()
            .unwrap_or_default();
        self.wrapped(&format!(
            "estimated time: ~{} (each window's share as fast as {in_flight} in flight allow at {} ms a call, then the window's reset; buckets are used in parallel); nothing was sent",
            human(longest),
            latency.as_millis()
        ))?;
        let flushed = self.out.flush();
        self.written(flushed)
    }
}

fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0 => format!("{:.1}s", d.as_secs_f64()),
        1..=119 => format!("{s}s"),
        120..=7199 => format!("{}m {}s", s / 60, s % 60),
        _ => format!("{}h {}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unread_bucket_is_estimated_like_the_users_bucket() {
        let mut calls = Calls::default();
        calls.add(Bucket::Users, 600);
        calls.add(Bucket::Groups, 10);
        let users = BucketView {
            bucket: Bucket::Users,
            limit: 600,
            remaining: 600,
            reset_epoch: 0,
            allowed: 300,
        };
        let latency = Duration::from_millis(100);
        let e = estimate_buckets(&calls, &[users], latency, 10);
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].view, Some(users), "groups: not read, like users");
        assert!(!e[0].assumed && e[1].assumed);
        // 600 calls at 300 a window: one whole window, then a burst of 300 at 10 in flight.
        assert_eq!(e[0].time, Some(WINDOW + latency * 30));
        assert_eq!(
            render_bucket(&e[0]),
            "  /api/v1/users                   600         600          300  ~63s"
        );
        assert_eq!(
            render_bucket(&e[1]),
            "  /api/v1/groups                   10        600*         300*  ~0.1s"
        );
    }
}
