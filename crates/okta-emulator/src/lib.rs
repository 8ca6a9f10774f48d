//! An Okta-compatible Management API emulator for users, groups, memberships and the user schema,
//! with Okta's error bodies, rate-limit buckets and headers, the concurrency limit, fault
//! injection and an optional SQLite store. It is oktabulk's sandbox and its test bed.
//!
//! Start it in process on port 0 and talk to it over real HTTP:
//!
//! ```no_run
//! # async fn demo() -> Result<(), okta_emulator::StartError> {
//! let emulator = okta_emulator::EmulatorConfig::new("test-token").start().await?;
//! println!("{}", emulator.base_url());
//! # Ok(()) }
//! ```

mod core;
mod error;
mod faults;
mod handle;
mod http;
mod ratelimit;
/// The org's behaviour apart from HTTP. Public only to the fuzz targets (feature `fuzzing`):
/// everyone else goes through the handle or HTTP.
#[cfg(feature = "fuzzing")]
pub mod state;
#[cfg(not(feature = "fuzzing"))]
mod state;
mod stats;
mod store;

pub use error::ApiError;
pub use faults::{FaultAction, FaultConfig, FaultRule};
pub use handle::{EmulatorConfig, EmulatorHandle, StartError};
pub use ratelimit::{Bucket, BucketLimits, RateLimitConfig};
pub use state::seed::{Seed, SeedReport};
pub use stats::StatsSnapshot;

/// Whether a group rule's expression matches a user's profile, as the emulator's rules evaluate
/// it (its subset of the Okta Expression Language); `None` for an expression outside that
/// subset. oktabulk's `groups sync` uses it to tell which members a rule holds.
pub fn rule_expression_matches(
    expression: &str,
    profile: &serde_json::Map<String, serde_json::Value>,
) -> Option<bool> {
    let expr = state::expression::Expr::parse(expression).ok()?;
    Some(expr.matches(&|name| profile.get(name).cloned()))
}
