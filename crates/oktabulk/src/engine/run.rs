//! The dispatcher: reads rows in order, starts each under the concurrency bound, and keeps the
//! distance between the oldest unwritten row and the newest started one bounded, so memory stays
//! flat whatever the file's size. Ctrl-C stops new rows; rows in flight finish.

use crate::engine::events::{Event, Reporter};
use crate::engine::row::{process, RowContext};
use crate::exit::AppError;
use crate::input::{ImportRow, Problem};
use crate::journal::Entry;
use crate::outcome::RowResult;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::Semaphore;

/// Rows that may be started ahead of the oldest row not yet written to the results.
pub const REORDER_WINDOW: usize = 2048;

/// One input row as the engine gets it.
#[derive(Debug)]
pub enum RowInput {
    Valid(Box<ImportRow>),
    /// Reported as Failed without a request (`--skip-invalid`).
    Invalid {
        seq: u64,
        line: u64,
        login: String,
        problems: Vec<Problem>,
    },
}

/// What the exit code needs, kept apart from the reporters so it does not depend on them.
#[derive(Debug, Default)]
pub struct Tally {
    pub failed: AtomicU64,
    pub interrupted: AtomicBool,
}

/// Runs every row; answers when all started rows are done and every reporter has finished.
pub async fn run_import(
    ctx: Arc<RowContext>,
    rows: impl Iterator<Item = Result<RowInput, AppError>>,
    total: u64,
    events: (UnboundedSender<Event>, UnboundedReceiver<Event>),
    reporters: Vec<Box<dyn Reporter>>,
    window: Arc<Semaphore>,
    concurrency: usize,
) -> Result<Arc<Tally>, AppError> {
    let (tx, rx) = events;
    let tally = Arc::new(Tally::default());
    let _ = tx.send(Event::Started { total });
    let reporting = tokio::spawn(report(rx, reporters));
    let in_flight = Arc::new(Semaphore::new(concurrency));
    let interrupt = tokio::signal::ctrl_c();
    tokio::pin!(interrupt);
    let mut failure = None;
    for input in rows {
        let input = match input {
            Ok(i) => i,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        tokio::select! {
            biased;
            _ = &mut interrupt => {
                tally.interrupted.store(true, Ordering::SeqCst);
                let _ = tx.send(Event::Interrupted);
                break;
            }
            permits = acquire(&window, &in_flight) => {
                let Some(place) = permits else { break };
                let (ctx, tx, tally) = (Arc::clone(&ctx), tx.clone(), Arc::clone(&tally));
                tokio::spawn(async move {
                    let (result, resumed) = run_row(&ctx, input).await;
                    if let (Some(journal), false) = (&ctx.journal, resumed) {
                        journal.done(&result);
                    }
                    if result.failed() {
                        tally.failed.fetch_add(1, Ordering::Relaxed);
                    }
                    let _ = tx.send(Event::RowDone {
                        result: Box::new(result),
                        resumed,
                    });
                    drop(place);
                });
            }
        }
    }
    let _all_done = in_flight
        .acquire_many(concurrency as u32)
        .await
        .map_err(|_| AppError::Journal("the run's semaphore closed".into()))?;
    if let Some(journal) = &ctx.journal {
        journal.flush().await?;
    }
    // The client's observer holds a sender too, so the channel does not close by itself.
    let _ = tx.send(Event::Finished);
    reporting
        .await
        .map_err(|e| AppError::Journal(format!("reporter task failed: {e}")))??;
    match failure {
        Some(e) => Err(e),
        None => Ok(tally),
    }
}

async fn acquire(
    window: &Semaphore,
    in_flight: &Arc<Semaphore>,
) -> Option<tokio::sync::OwnedSemaphorePermit> {
    window.acquire().await.ok()?.forget();
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
            let mut result = RowResult::new(seq, line, &login, "none");
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
        RowInput::Valid(row) => {
            let earlier = match ctx.journal.as_ref().map(|j| j.entry(row.seq)).transpose() {
                Ok(entry) => entry.flatten(),
                Err(e) => {
                    let mut result = RowResult::new(row.seq, row.line, row.login(), "none");
                    result.error_message = e.to_string();
                    return (result, false);
                }
            };
            if let Some(Entry::Done(done)) = earlier {
                return (*done, true);
            }
            (process(ctx, *row, earlier).await, false)
        }
    }
}

async fn report(
    mut rx: UnboundedReceiver<Event>,
    mut reporters: Vec<Box<dyn Reporter>>,
) -> Result<(), AppError> {
    let mut first_error = None;
    while let Some(event) = rx.recv().await {
        if matches!(event, Event::Finished) {
            break;
        }
        for r in reporters.iter_mut() {
            if let Err(e) = r.event(&event) {
                first_error.get_or_insert(e);
            }
        }
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
