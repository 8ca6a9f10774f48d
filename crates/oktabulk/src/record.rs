//! A run's record: what was asked and by whom (never a secret), and the timeline per
//! rate-limit bucket (requests, the remaining budget, waits for a reset, 429s, latency). The
//! run's reporter `report::recorder::RunRecorder` builds it from the events and keeps it in the
//! run's journal, so that the run report can be drawn at the end of the run (`--report`) or
//! later (`oktabulk report`). Plain data: the journal and the report both depend on this
//! module, and it depends on neither.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What was asked, by whom: shown at the top of the report. A record kept before a field
/// existed reads it empty.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RunFacts {
    /// The options that reached the org (`--sandbox`...), for the commands the page suggests.
    pub connection: String,
    pub command: String,
    /// The command line as the admin typed it (after `oktabulk`), shell-quoted where needed.
    pub command_line: String,
    /// Where the results file was written.
    pub results: String,
    pub org: String,
    pub file: String,
    /// The input's SHA-256, as the journal keeps it.
    pub digest: String,
    /// Option name and value, as given or defaulted.
    pub options: Vec<(String, String)>,
    /// Where the settings came from (files and variables by name, never their values).
    pub sources: Vec<String>,
    /// Who ran it: the API token's owner when the org told it (`/users/me`), else the local
    /// account, with which of the two it is.
    pub user: String,
    /// The credentials' kind (and a service app's client id).
    pub principal: String,
}

/// One second of one bucket.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Second {
    pub requests: u32,
    pub too_many: u32,
    /// The lowest `X-Rate-Limit-Remaining` seen, and its limit.
    pub remaining: Option<(u32, u32)>,
    pub latency_sum_ms: f64,
    pub latency_max_ms: f64,
}

/// A wait for a bucket's window to reset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResetWait {
    pub bucket: String,
    pub second: u64,
    pub seconds: f64,
}

/// What a run keeps for its report: the facts and the timeline (in its journal).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RunRecord {
    pub facts: RunFacts,
    pub started_at: String,
    pub took_ms: u64,
    pub total: u64,
    /// By bucket name, by second since the start.
    pub seconds: BTreeMap<String, BTreeMap<u64, Second>>,
    pub waits: Vec<ResetWait>,
    /// Retries by reason.
    pub retries: BTreeMap<String, u64>,
    pub interrupted: bool,
}
