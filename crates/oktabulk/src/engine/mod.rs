//! The engine that runs every bulk command: rows go out with bounded concurrency through the
//! paced client; each row's operation (`ops`: create, update, lifecycle, membership, group)
//! ends as one `RowResult`; progress, retries and rate-limit waits are events that reporters
//! consume. No worker prints, and nothing here knows the command line.

pub mod apps;
pub mod events;
pub mod groups;
pub mod lifecycle;
pub mod members;
pub mod ops;
pub mod row;
pub mod run;
pub mod stop;
pub mod sync;
pub mod update;

pub use events::{Event, Reporter};
pub use ops::{Job, PreviewReads, RowContext};
pub use row::{ImportJob, ImportOptions, OnExists};
pub use run::{run_rows, RowInput, Tally};
pub use stop::{Stop, StopReason};
