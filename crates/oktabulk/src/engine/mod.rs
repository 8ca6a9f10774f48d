//! The import engine: rows go out with bounded concurrency through the paced client; every row
//! ends as one `RowResult`; progress, retries and rate-limit waits are events that reporters
//! consume. No worker prints.

pub mod events;
pub mod row;
pub mod run;
pub mod stop;

pub use events::{Event, Reporter};
pub use row::{ImportOptions, RowContext};
pub use run::{run_import, RowInput, Tally};
pub use stop::{Stop, StopReason};
