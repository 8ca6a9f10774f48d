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
pub mod error;
pub mod faults;
mod handle;
mod http;
pub mod ratelimit;
pub mod state;
pub mod stats;
pub mod store;

pub use error::ApiError;
pub use faults::{FaultAction, FaultConfig, FaultRule};
pub use handle::{EmulatorConfig, EmulatorHandle, StartError};
pub use ratelimit::{Bucket, BucketLimits, RateLimitConfig};
pub use state::seed::{Seed, SeedReport};
pub use stats::StatsSnapshot;
