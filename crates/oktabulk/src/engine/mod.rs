//! The engine that runs every bulk command: rows go out with bounded concurrency through the
//! paced client; each row goes to its command's `Job` (`crate::commands`) and
//! ends as one `RowResult`; progress, retries and rate-limit waits are events that reporters
//! consume. No worker prints, and nothing here knows the command line.

pub mod events;
pub mod ops;
pub mod run;
pub mod stop;

pub use events::{Event, Reporter};
pub use ops::{Job, PreviewReads, RowContext};
pub use run::run_rows;
pub use stop::{Stop, StopReason};
