//! Reporters: the results file (in input order), the progress bar, per-row lines and the final
//! summary. Each consumes the engine's events; none of them changes what the engine does.

pub mod progress;
pub mod results;
pub mod summary;

pub use progress::{Progress, RowLines};
pub use results::ResultsFile;
pub use summary::Summary;

use std::io::IsTerminal;

/// Whether to colour stderr: a terminal, and `NO_COLOR` unset.
pub fn colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
