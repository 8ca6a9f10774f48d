//! The dispatcher: reads rows in order, starts each under the concurrency bound, and keeps the
//! distance between the oldest unwritten row and the newest started one bounded, so memory stays
//! flat whatever the file's size. A row that fails for a reason that may pass is tried again
//! (settled by a lookup first) a bounded number of times. The run stops sending at Ctrl-C, when
//! the org stops answering, or when its files cannot be written: every wait is cut short, rows
//! whose request is on the wire get `GRACE` for their answer, and what is unfinished stays in
//! the journal for the same command to settle. A second Ctrl-C exits at once.

use crate::engine::events::{Event, Reporter};
use crate::engine::ops::RowContext;
use crate::engine::stop::{Stop, StopReason};
use crate::exit::AppError;
use crate::input::{RowInput, RowOp};
use crate::journal::Entry;
use crate::outcome::{Action, CreationStatus, RowResult};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::{Notify, Semaphore};

/// Rows that may be started ahead of the oldest row not yet written to the results.
pub const REORDER_WINDOW: usize = 2048;

/// How long rows whose request is on the wire get for their answer once the run stops.
pub const GRACE: Duration = Duration::from_secs(5);

/// How long the reporters let events gather once they have read what was queued.
const GATHER_EVENTS: Duration = Duration::from_millis(1);

/// A row that fails for a reason that may pass is tried at most this often in one run (the
/// client has already waited for resets and backed off inside each try).
const ROW_ATTEMPTS: u32 = 3;

impl RowInput {
    /// The row's place and what its results name it by.
    fn key(&self) -> (u64, u64, String) {
        match self {
            RowInput::Valid(op) => (op.seq(), op.line(), op.label()),
            RowInput::Invalid {
                seq, line, login, ..
            }
            | RowInput::LeftOut {
                seq, line, login, ..
            } => (*seq, *line, login.clone()),
        }
    }
}

/// What the exit code and the journal need, kept apart from the reporters so they do not
/// depend on them (how the run stopped, if it did, is the `Stop`'s).
#[derive(Debug, Default)]
pub struct Tally {
    pub failed: AtomicU64,
    /// Rows the same command run again would settle or send (unsettled failures, interrupted
    /// rows): while there are any, the run is not finished.
    pub open: AtomicU64,
}

/// Rows started and not yet reported, by seq: their line and label.
type InFlight = Arc<parking_lot::Mutex<std::collections::BTreeMap<u64, (u64, String)>>>;

/// The result of a row the run stopped before or during: `Interrupted`, with why.
fn interrupted_row(seq: u64, line: u64, label: &str, why: &str) -> RowResult {
    let mut result = RowResult::new(seq, line, label, Action::None);
    result.user_creation_status = CreationStatus::Interrupted;
    result.unsettled = true;
    result.error_message = why.to_owned();
    result
}

/// Runs every row; answers when all started rows are done and every reporter has finished.
pub async fn run_rows(
    ctx: Arc<RowContext>,
    rows: impl Iterator<Item = Result<RowInput, AppError>>,
    total: u64,
    events: (UnboundedSender<Event>, UnboundedReceiver<Event>),
    reporters: Vec<Box<dyn Reporter>>,
    concurrency: usize,
) -> Result<Arc<Tally>, AppError> {
    let (tx, rx) = events;
    let tally = Arc::new(Tally::default());
    let _ = tx.send(Event::Started { total });
    // Wakes the dispatcher waiting for room when a row finishes or the reporters catch up.
    let finished_one = Arc::new(Notify::new());
    let reported = Arc::new(AtomicU64::new(0));
    let reporting = report(
        rx,
        reporters,
        Arc::clone(&ctx.stop),
        Reported(Arc::clone(&reported), Arc::clone(&finished_one)),
    );
    let room = (&reported, &finished_one);
    if ctx.preview {
        // A dry run's reporters run on the dispatcher's own task: its rows end where they start,
        // so a result made on this thread is also dropped on it, and no thread is woken per row.
        // Handed to a reporter on another thread, under glibc's allocator, each one's memory
        // went back under its arena's lock and the two threads queued for it (futex calls were a
        // fifth of a dry run's time).
        let dispatching = async {
            let dispatched = dispatch(&ctx, rows, &tx, &tally, room, concurrency).await;
            let _ = tx.send(Event::Finished);
            dispatched
        };
        let (dispatched, reported) = tokio::join!(dispatching, reporting);
        let failure = dispatched?;
        reported?;
        return match failure {
            Some(e) => Err(e),
            None => Ok(tally),
        };
    }
    let reporting = tokio::spawn(reporting);
    let failure = dispatch(&ctx, rows, &tx, &tally, room, concurrency).await?;
    // The client's observer holds a sender too, so the channel does not close by itself.
    let _ = tx.send(Event::Finished);
    reporting
        .await
        .map_err(|e| AppError::Runtime(format!("the reporter task failed: {e}")))??;
    match failure {
        Some(e) => Err(e),
        None => Ok(tally),
    }
}

/// Starts every row and waits for those started (or, once the run stops, gives them `GRACE`);
/// reports the rows a stopped run did not finish. Answers the failure that ended reading the
/// rows, if one did.
async fn dispatch(
    ctx: &Arc<RowContext>,
    rows: impl Iterator<Item = Result<RowInput, AppError>>,
    tx: &UnboundedSender<Event>,
    tally: &Arc<Tally>,
    (reported, finished_one): (&Arc<AtomicU64>, &Arc<Notify>),
    concurrency: usize,
) -> Result<Option<AppError>, AppError> {
    let mut dispatched: u64 = 0;
    let in_flight = Arc::new(Semaphore::new(concurrency));
    ctx.stop.cancels(ctx.client.clone());
    let interrupt = tokio::signal::ctrl_c();
    tokio::pin!(interrupt);
    let mut failure = None;
    let started: InFlight = InFlight::default();
    let mut rows = rows.into_iter();
    // The row taken when the run stopped, not started.
    let mut not_started = None;
    for input in rows.by_ref() {
        let input = match input {
            Ok(i) => i,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        let (seq, line, label) = input.key();
        tokio::select! {
            biased;
            _ = &mut interrupt => {
                interrupted(ctx, tx);
                not_started = Some(input);
                break;
            }
            () = ctx.stop.stopped() => {
                not_started = Some(input);
                break;
            }
            permits = acquire(
                (seq, dispatched),
                &started,
                (reported, finished_one),
                &in_flight,
            ) => {
                let Some(place) = permits else { break };
                dispatched += 1;
                started.lock().insert(seq, (line, label));
                let preview = ctx.preview;
                let (ctx, tx, tally) = (Arc::clone(ctx), tx.clone(), Arc::clone(tally));
                let started = Arc::clone(&started);
                let finished_one = Arc::clone(finished_one);
                // Boxed: a row's future is large, and a spawn moves it by value several times.
                let mut row = Box::pin(async move {
                    let (mut result, resumed) = run_row(&ctx, input).await;
                    if ctx.stop.is_set() && result.failed() && result.unsettled {
                        result.user_creation_status = CreationStatus::Interrupted;
                        result.error_message = format!(
                            "the run stopped during this row ({}); the same command run again settles it",
                            result.error_message
                        );
                    }
                    if let (Some(journal), false) = (&ctx.journal, resumed) {
                        result.done_at = crate::outcome::now();
                        journal.done(&result);
                    }
                    if result.failed() {
                        tally.failed.fetch_add(1, Ordering::Relaxed);
                    }
                    if result.needs_another_try(false) {
                        tally.open.fetch_add(1, Ordering::Relaxed);
                    }
                    // Reported already if the run gave up waiting for it.
                    let reported = started.lock().remove(&result.seq).is_none();
                    finished_one.notify_waiters();
                    if !reported {
                        let _ = tx.send(Event::RowDone {
                            result: Box::new(result),
                            resumed,
                        });
                    }
                    drop(place);
                });
                // A dry run's row mostly ends without waiting (its user found in the listed org
                // or a batch already read): ended here, it costs no task and no thread's wake.
                if preview {
                    let first = std::future::poll_fn(|cx| Poll::Ready(row.as_mut().poll(cx))).await;
                    if first.is_ready() {
                        continue;
                    }
                }
                tokio::spawn(row);
            }
        }
    }
    let all_done = in_flight.acquire_many(concurrency as u32);
    tokio::pin!(all_done);
    // Unstopped, every row in flight finishes; once stopped (now, or by a Ctrl-C while
    // waiting), rows get `GRACE` for the answers on the wire.
    let mut finished = None;
    if !ctx.stop.is_set() {
        tokio::select! {
            biased;
            done = &mut all_done => finished = Some(done),
            _ = &mut interrupt => interrupted(ctx, tx),
        }
    }
    if finished.is_none() {
        finished = tokio::time::timeout(GRACE, &mut all_done).await.ok();
    }
    if let Some(Err(_)) = finished {
        return Err(AppError::Runtime("the run's row semaphore closed".into()));
    }
    if ctx.stop.is_set() {
        // Every input row gets a result: those still waiting for an answer, then those not sent.
        let waiting = std::mem::take(&mut *started.lock());
        for (seq, (line, label)) in waiting {
            tally.open.fetch_add(1, Ordering::Relaxed);
            let result = interrupted_row(
                seq,
                line,
                &label,
                "sent when the run stopped, no answer yet: the same command run again settles it",
            );
            let _ = tx.send(Event::RowDone {
                result: Box::new(result),
                resumed: false,
            });
        }
        if failure.is_none() {
            for input in not_started.into_iter().map(Ok).chain(rows) {
                let Ok(input) = input else { break };
                tally.open.fetch_add(1, Ordering::Relaxed);
                let (seq, line, label) = input.key();
                let result = interrupted_row(
                    seq,
                    line,
                    &label,
                    "not sent: the run stopped before this row; run the same command again",
                );
                let _ = tx.send(Event::RowDone {
                    result: Box::new(result),
                    resumed: false,
                });
            }
        }
    }
    if let Some(journal) = &ctx.journal {
        journal.flush().await?;
    }
    Ok(failure)
}

/// The first Ctrl-C: no new rows, every wait cut short; a second one exits at once (the journal
/// commits whole transactions, so it stays consistent).
fn interrupted(ctx: &RowContext, tx: &UnboundedSender<Event>) {
    ctx.stop.set(StopReason::Interrupted);
    let _ = tx.send(Event::Interrupted);
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            crate::errln!(
                "oktabulk: second Ctrl-C: exiting now; run the same command again to resume"
            );
            std::process::exit(i32::from(crate::exit::code::INTERRUPTED));
        }
    });
}

/// The rows the reporters have taken, and what to wake when they take more.
struct Reported(Arc<AtomicU64>, Arc<Notify>);

/// A place for row `seq` (the `dispatched`-th row started): room in the reorder window (the
/// oldest unfinished row at most `REORDER_WINDOW` rows behind it, which bounds what the
/// reporters hold to put rows in input order), room in the reporters' queue (at most
/// `REORDER_WINDOW` rows started that they have not taken), then a place in flight. Memory
/// stays flat whatever the file's size and however slow a reporter is.
async fn acquire(
    (seq, dispatched): (u64, u64),
    started: &InFlight,
    (reported, woken): (&AtomicU64, &Notify),
    in_flight: &Arc<Semaphore>,
) -> Option<tokio::sync::OwnedSemaphorePermit> {
    let window = REORDER_WINDOW as u64;
    loop {
        // Made before the checks, so a wake in between is not lost.
        let wake = woken.notified();
        let oldest = started.lock().keys().next().copied();
        let in_order = oldest.is_none_or(|oldest| seq.saturating_sub(oldest) < window);
        let queued = dispatched.saturating_sub(reported.load(Ordering::Acquire));
        if in_order && queued < window {
            break;
        }
        wake.await;
    }
    Arc::clone(in_flight).acquire_owned().await.ok()
}

/// A row's result, and whether an earlier run had already finished it.
async fn run_row(ctx: &RowContext, input: RowInput) -> (RowResult, bool) {
    match input {
        RowInput::Invalid {
            seq,
            line,
            login,
            problems,
        } => {
            let mut result = RowResult::new(seq, line, &login, Action::None);
            result.error_message = problems
                .iter()
                .map(|p| match &p.column {
                    Some(column) => format!("{column}: {}", p.reason),
                    None => p.reason.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ");
            (result, false)
        }
        RowInput::LeftOut {
            seq,
            line,
            login,
            why,
        } => {
            let mut result = RowResult::new(seq, line, &login, Action::None);
            result.user_creation_status = CreationStatus::Skipped;
            result.error_message = why;
            (result, false)
        }
        RowInput::Valid(op) => {
            let op = *op;
            let earlier = match ctx.journal.as_ref().map(|j| j.entry(op.seq())).transpose() {
                Ok(entry) => entry.flatten(),
                Err(e) => {
                    let mut result = RowResult::new(op.seq(), op.line(), &op.label(), Action::None);
                    result.error_message = e.to_string();
                    result.unsettled = true;
                    return (result, false);
                }
            };
            let earlier = match earlier {
                Some(Entry::Done { mut result, sent }) => {
                    if !result.needs_another_try(ctx.retry_failed) {
                        result.earlier_run = if result.done_at.is_empty() {
                            "yes".to_owned()
                        } else {
                            result.done_at.clone()
                        };
                        return (*result, true);
                    }
                    // An earlier run did not finish it: settle by lookup when it was sent.
                    sent.map(Entry::Sent)
                }
                other => other,
            };
            (try_row(ctx, op, earlier).await, false)
        }
    }
}

/// Does a row's work, and again (settling what an earlier try may have done) while it fails for
/// a reason that may pass and the run goes on.
async fn try_row(ctx: &RowContext, op: RowOp, earlier: Option<Entry>) -> RowResult {
    // Each job boxes its operation's future at its own size: the row's own stays small.
    let mut result = ctx.job.process(ctx, &op, earlier.clone()).await;
    for _ in 1..ROW_ATTEMPTS {
        if !result.unsettled || ctx.stop.is_set() {
            break;
        }
        // A try that sent a write left its mark in the journal: the next settles it first.
        let sent = ctx
            .journal
            .as_ref()
            .and_then(|j| j.entry(op.seq()).ok().flatten());
        let again = match sent {
            Some(Entry::Sent(at)) => Some(Entry::Sent(at)),
            _ => earlier.clone(),
        };
        result = ctx.job.process(ctx, &op, again).await;
    }
    result
}

/// Hands every event to every reporter, in order. A reporter that cannot write (the results
/// file, the plan's output) answers an error: the run stops here, in the engine; reporters
/// observe and never steer.
async fn report(
    mut rx: UnboundedReceiver<Event>,
    mut reporters: Vec<Box<dyn Reporter>>,
    stop: Arc<Stop>,
    taken: Reported,
) -> Result<(), AppError> {
    let mut first_error = None;
    'events: while let Some(first) = rx.recv().await {
        // What is queued is taken without waiting; then a short pause lets the next events
        // gather, so that a fast run (a dry run's rows) does not wake this task once per row.
        let mut next = Some(first);
        while let Some(event) = next.take().or_else(|| rx.try_recv().ok()) {
            if matches!(event, Event::Finished) {
                break 'events;
            }
            for r in reporters.iter_mut() {
                if let Err(e) = r.event(&event) {
                    stop.set(StopReason::Unwritable(e.to_string()));
                    first_error.get_or_insert(e);
                }
            }
            if matches!(event, Event::RowDone { .. }) {
                taken.0.fetch_add(1, Ordering::Release);
                taken.1.notify_waiters();
            }
        }
        tokio::time::sleep(GATHER_EVENTS).await;
    }
    for r in reporters.iter_mut() {
        if let Err(e) = r.finish() {
            first_error.get_or_insert(e);
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
